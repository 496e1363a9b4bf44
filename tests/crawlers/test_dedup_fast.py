"""Near-duplicate detection gives what datasketch's MinHash and MinHashLSH gave: the same
signatures, the same repeats found, the same similarities (the matcher it replaced is kept below
as the oracle)."""
from __future__ import annotations

import random
from typing import Hashable, Sequence

import pytest
from datasketch import MinHash, MinHashLSH

from fursa.crawlers import SignatureCache, find_near_duplicates
from fursa.crawlers.dedup import NUM_PERM, NearDuplicate, shingles
from fursa.crawlers.urls import canonical_url
from fursa.storage import Draft

WORDS = [f"w{i}" for i in range(400)] + ["منحة", "الجامعة", "الطلبة", "للدراسة", "الماجستير", "الهندسة"]


def oracle(drafts: Sequence[Draft], known: Sequence[tuple[Hashable, str, str]], threshold: float) -> dict[int, NearDuplicate]:
    """crawlers/dedup.py before its own bands (97b578e), written with datasketch's classes; ties,
    which that code broke by set order, go to the earliest call or draft."""
    lsh = MinHashLSH(threshold=max(0.3, threshold - 0.25), num_perm=NUM_PERM, weights=(0.3, 0.7))
    signatures, known_ids = {}, []

    def sign(title: str, text: str) -> MinHash | None:
        grams = shingles(title, text)
        if len(grams) < 8:
            return None
        signature = MinHash(num_perm=NUM_PERM)
        signature.update_batch([gram.encode("utf-8") for gram in grams])
        return signature

    for number, (known_id, title, text) in enumerate(known):
        signature = sign(title, text)
        if signature is not None:
            signatures[("known", number)] = signature
            lsh.insert(("known", number), signature)
        known_ids.append(known_id)
    found, by_url = {}, {}
    for index, draft in enumerate(drafts):
        url = canonical_url(draft.url)
        if url in by_url:
            found[index] = NearDuplicate(index, None, by_url[url], 1.0, "url")
            continue
        by_url[url] = index
        signature = sign(draft.title, draft.text or draft.summary)
        if signature is None:
            continue
        scored = [(key[0] == "known", signature.jaccard(signatures[key]), -key[1]) for key in lsh.query(signature)]
        scored = [entry for entry in scored if entry[1] >= threshold]
        if scored:
            is_known, similarity, number = max(scored)
            found[index] = NearDuplicate(index, known_ids[-number] if is_known else None,
                                         None if is_known else -number, similarity, "text")
        signatures[("draft", index)] = signature
        lsh.insert(("draft", index), signature)
    return found


def variant(rng: random.Random, words: list[str]) -> list[str]:
    """`words` with a share of them changed, dropped or added: similar, more or less."""
    share = rng.choice([0.0, 0.02, 0.05, 0.08, 0.12, 0.2, 0.35])
    out = []
    for word in words:
        roll = rng.random()
        if roll < share / 3:
            continue
        out.append(rng.choice(WORDS) if roll < share * 2 / 3 else word)
        if share * 2 / 3 <= roll < share:
            out.append(rng.choice(WORDS))
    return out


def crawl(seed: int, known_count: int = 120, sources: int = 6, drafts: int = 25):
    rng = random.Random(seed)
    bodies = [[rng.choice(WORDS) for _ in range(rng.choice([3, 10, 60, 200]))] for _ in range(known_count)]
    known = [(1000 + i, f"Call {i}", " ".join(body)) for i, body in enumerate(bodies)]
    batches = []
    for s in range(sources):
        batch = []
        for d in range(drafts):
            base = rng.choice(bodies) if rng.random() < 0.6 else [w for b in batch[-1:] for w in b.text.split()]
            body = variant(rng, base or [rng.choice(WORDS) for _ in range(80)])
            url = f"https://s{s}.example/{d}" if rng.random() < 0.9 else f"https://s{s}.example/{d - 1}?utm_source=x"
            batch.append(Draft(source_name=f"s{s}", url=url, title=rng.choice(["Call", "منحة", ""]), text=" ".join(body)))
        batches.append(batch)
    return known, batches


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("threshold", [0.8, 0.6, 0.5])
def test_one_crawl_finds_what_datasketch_found(seed: int, threshold: float) -> None:
    known, batches = crawl(seed)
    cache = SignatureCache()
    rng = random.Random(seed)
    seen = 0
    for batch in batches:
        # as in the pipeline, each source sees the live calls again, some changed or gone, some new
        known = [call for call in known if rng.random() > 0.05]
        known[:3] = [(known_id, title, text + " Deadline extended.") for known_id, title, text in known[:3]]
        found = find_near_duplicates(batch, known, threshold=threshold, cache=cache)
        assert found == oracle(batch, known, threshold)
        assert found == find_near_duplicates(batch, known, threshold=threshold)   # without a cache
        seen += len(found)
    assert seen > 20


def test_signatures_are_datasketchs() -> None:
    cache = SignatureCache()
    for number, text in enumerate(["مرحبا بالطلبة في منحة الماجستير للدراسة في الجامعة " * 3, " ".join(WORDS[:50])]):
        expected = MinHash(num_perm=NUM_PERM)
        expected.update_batch([gram.encode("utf-8") for gram in shingles("t", text)])
        assert (cache.signature(number, "t", text) == expected.hashvalues).all()


def test_shingles_of_short_texts() -> None:
    assert shingles("", "") == set() and shingles("PhD", "") == {"phd"}
    assert shingles("PhD Candidate", "") == {"phd candidate"} and shingles("a b", "c") == {"a b c"}
    assert shingles("a b", "c d") == {"a b c", "b c d"}
