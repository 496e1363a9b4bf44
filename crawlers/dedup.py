"""Near-duplicate calls across sources: one call announced by five aggregators is one Opportunity.

Exact duplicates share a canonical URL; near duplicates share most word 3-grams of title and text,
found with MinHash and LSH (datasketch). Pure functions: the pipeline passes what it already has.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Hashable, Sequence

from datasketch import MinHash, MinHashLSH

from fursa.storage import Draft, SourceSpec

from fursa.crawlers.urls import canonical_url

NUM_PERM = 128
_WORD = re.compile(r"[^\W_]+")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي", "ـ": ""})
_MIN_SHINGLES = 8   # shorter texts ("PhD Candidate") are too generic to call duplicates by text
_COMPARED = 4000    # characters of a call's text compared: its opening identifies it, and this bounds the cost


@dataclass(frozen=True)
class NearDuplicate:
    """Draft `index` repeats `known_id` (a stored call) or the earlier draft `draft_index` of the batch."""

    index: int
    known_id: Hashable | None
    draft_index: int | None
    similarity: float
    reason: str            # "url" or "text"


def shingles(title: str, text: str, size: int = 3) -> set[str]:
    """Word `size`-grams of the title and the start of the text, case- and diacritic-folded."""
    folded = unicodedata.normalize("NFKC", f"{title} {text[:_COMPARED]}").casefold().translate(_ARABIC_FOLD)
    folded = re.sub("[\u064b-\u065f\u0670]", "", folded)
    words = _WORD.findall(folded)
    return {" ".join(words[i:i + size]) for i in range(max(1, len(words) - size + 1))} if words else set()


def _minhash(grams: set[str]) -> MinHash:
    signature = MinHash(num_perm=NUM_PERM)
    # one vectorised pass: five times faster than update() per gram, the same signature
    signature.update_batch([gram.encode("utf-8") for gram in grams])
    return signature


class SignatureCache:
    """MinHash signatures of stored calls, kept for the length of one crawl.

    Every source's drafts are checked against the same few thousand live calls; without the cache
    each call's signature (about a millisecond) would be computed again for every source. Keyed by
    id and content, so a call whose text changed gets a new signature."""

    def __init__(self) -> None:
        self._signatures: dict[tuple[Hashable, int], MinHash | None] = {}
        self.computed = 0   # signatures computed so far (the rest were reused)

    def signature(self, known_id: Hashable, title: str, text: str) -> MinHash | None:
        """The call's signature, or None when it is too short to compare by text."""
        key = (known_id, hash((title, text[:_COMPARED])))   # what the signature is made of
        if key not in self._signatures:
            grams = shingles(title, text)
            self._signatures[key] = _minhash(grams) if len(grams) >= _MIN_SHINGLES else None
            self.computed += 1
        return self._signatures[key]


def find_near_duplicates(drafts: Sequence[Draft], known: Sequence[tuple[Hashable, str, str]], *,
                         threshold: float = 0.8, cache: SignatureCache | None = None) -> dict[int, NearDuplicate]:
    """For each draft that repeats a known call (id, title, text) or an earlier draft of the batch,
    what it repeats. Known calls win over batch drafts; the best similarity wins among them. Pass
    one `cache` to every call of a crawl to compute each known call's signature once."""
    # LSH only proposes candidates; a lower band threshold keeps near-misses from slipping through,
    # and each candidate is then checked against `threshold` with its estimated Jaccard similarity.
    lsh = MinHashLSH(threshold=max(0.3, threshold - 0.25), num_perm=NUM_PERM, weights=(0.3, 0.7))
    signatures: dict[tuple[str, int], MinHash] = {}
    known_ids: list[Hashable] = []
    cache = cache if cache is not None else SignatureCache()
    for number, (known_id, title, text) in enumerate(known):
        signature = cache.signature(known_id, title, text)
        if signature is not None:
            signatures[("known", number)] = signature
            lsh.insert(("known", number), signature)
        known_ids.append(known_id)
    found: dict[int, NearDuplicate] = {}
    by_url: dict[str, int] = {}
    for index, draft in enumerate(drafts):
        url = canonical_url(draft.url)
        if url in by_url:
            found[index] = NearDuplicate(index, None, by_url[url], 1.0, "url")
            continue
        by_url[url] = index
        grams = shingles(draft.title, draft.text or draft.summary)
        if len(grams) < _MIN_SHINGLES:
            continue
        signature = _minhash(grams)
        match = _best_match(lsh, signatures, signature, threshold)
        if match is not None:
            (kind, number), similarity = match
            found[index] = NearDuplicate(index, known_ids[number] if kind == "known" else None,
                                         number if kind == "draft" else None, similarity, "text")
        signatures[("draft", index)] = signature
        lsh.insert(("draft", index), signature)
    return found


def _best_match(lsh: MinHashLSH, signatures: dict[tuple[str, int], MinHash], signature: MinHash,
                threshold: float) -> tuple[tuple[str, int], float] | None:
    scored = [(key, signature.jaccard(signatures[key])) for key in lsh.query(signature)]
    scored = [(key, score) for key, score in scored if score >= threshold]
    if not scored:
        return None
    # A stored call beats a sibling in the batch; then the closest wins.
    return max(scored, key=lambda pair: (pair[0][0] == "known", pair[1]))


def pick_canonical_url(candidates: Sequence[tuple[str, SourceSpec]]) -> str:
    """The link to keep for one call seen at several URLs: the funder's own page beats an
    aggregator's post (a source marked `aggregator = true` in its options is a lead, not a funder)."""
    if not candidates:
        raise ValueError("pick_canonical_url needs at least one candidate")
    ranked = sorted(candidates, key=lambda pair: bool(pair[1].options.get("aggregator")))
    return canonical_url(ranked[0][0])
