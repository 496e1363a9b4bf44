"""Near-duplicate calls across sources: one call announced by five aggregators is one Opportunity.

Exact duplicates share a canonical URL; near duplicates share most word 3-grams of title and text,
found with MinHash and LSH: the signatures are datasketch's, value for value, and the LSH bands
are those MinHashLSH chooses, but both are computed here without datasketch's per-text costs (a
MinHash's permutations drawn again for every text, a Python call per hashed word, MinHashLSH's
bookkeeping), and the live calls' bands are indexed once per crawl. Pure functions: the pipeline
passes what it already has.
"""
from __future__ import annotations

import hashlib
import operator
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Hashable, Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH

from fursa.storage import Draft, SourceSpec

from fursa.crawlers.urls import canonical_url

NUM_PERM = 128
_WORD = re.compile(r"[^\W_]+")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي", "ـ": ""})
_MIN_SHINGLES = 8   # shorter texts ("PhD Candidate") are too generic to call duplicates by text
_COMPARED = 4000    # characters of a call's text compared: its opening identifies it, and this bounds the cost
_LSH_WEIGHTS = (0.3, 0.7)   # false positives cost a comparison; false negatives a duplicate call


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
    if len(words) < size:   # fewer words than a gram: one gram of them all
        return {" ".join(words)} if words else set()
    return set(map(" ".join, zip(*(islice(words, start, None) for start in range(size)))))


_TEMPLATE = MinHash(num_perm=NUM_PERM)   # datasketch's permutations (and scheme, from datasketch 2), drawn once
_SHARED = {"permutations": _TEMPLATE.permutations,
           **({"scheme": _TEMPLATE.scheme} if hasattr(_TEMPLATE, "scheme") else {})}
_SHA1_DIGEST = type(hashlib.sha1()).digest


def _word_hashes(grams: set[str]) -> list[int]:
    """datasketch's sha1_hash32 of each gram (the first 4 bytes of its SHA-1, little-endian), with
    the loop in C: one SHA-1 per gram is the floor, the Python call around each was half the cost."""
    digests = b"".join(map(_SHA1_DIGEST, map(hashlib.sha1, map(str.encode, grams))))
    return np.frombuffer(digests, dtype="<u4")[::5].tolist()


class _Signer:
    """MinHash signatures, equal to datasketch's MinHash(num_perm=NUM_PERM).update_batch(grams) but
    with one MinHash reused (its permutations are drawn once, not for every text). Not shared
    between threads: each cache and each call has its own."""

    def __init__(self) -> None:
        self._minhash = MinHash(num_perm=NUM_PERM, hashfunc=operator.index, **_SHARED)

    def sign(self, grams: set[str]) -> np.ndarray:
        self._minhash.clear()
        self._minhash.update_batch(_word_hashes(grams))
        return self._minhash.hashvalues


def _minhash(grams: set[str]) -> MinHash:
    """The signature of `grams` as a datasketch MinHash."""
    return MinHash(num_perm=NUM_PERM, hashvalues=_Signer().sign(grams), **_SHARED)


def _similarity(one: np.ndarray, other: np.ndarray) -> float:
    """Estimated Jaccard similarity, computed as MinHash.jaccard computes it."""
    return float(np.count_nonzero(one == other)) / float(len(one))


@lru_cache(maxsize=8)
def _band_slices(threshold: float) -> tuple[slice, ...]:
    """Byte ranges of a signature that make its LSH bands: MinHashLSH's choice of bands and rows
    for `threshold` (a numerical search of ~10 ms, done once per threshold, not once per source)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, weights=_LSH_WEIGHTS)
    width = _TEMPLATE.hashvalues.itemsize
    return tuple(slice(start * width, end * width) for start, end in lsh.hashranges)


def _band_keys(signature: np.ndarray, threshold: float) -> list[bytes]:
    raw = signature.tobytes()
    return [raw[band] for band in _band_slices(threshold)]


class _Bands:
    """Items by the bytes of each band of their signature: MinHashLSH's buckets, without its keys table."""

    def __init__(self, threshold: float) -> None:
        self._tables: list[dict[bytes, list[int]]] = [{} for _ in _band_slices(threshold)]

    def add(self, item: int, keys: list[bytes]) -> None:
        for table, key in zip(self._tables, keys):
            table.setdefault(key, []).append(item)

    def candidates(self, keys: list[bytes]) -> set[int]:
        """Items sharing at least one band with `keys`."""
        found: set[int] = set()
        for table, key in zip(self._tables, keys):
            bucket = table.get(key)
            if bucket:
                found.update(bucket)
        return found


def _closest(signature: np.ndarray, candidates: list[tuple[int, np.ndarray]], threshold: float
             ) -> tuple[int, float] | None:
    """The (place, similarity) of the candidate most similar at or above `threshold`; the earliest place on a tie."""
    best = max(((similarity, -place) for place, other in candidates
                if (similarity := _similarity(signature, other)) >= threshold), default=None)
    return None if best is None else (-best[1], best[0])


class SignatureCache:
    """MinHash signatures of stored calls and their LSH bands, kept for the length of one crawl.

    Every source's drafts are checked against the same few thousand live calls; without the cache
    each call's signature (about half a millisecond) would be computed and indexed again for every
    source. Keyed by id and content, so a call whose text changed gets a new signature."""

    def __init__(self) -> None:
        self._entries: dict[tuple[Hashable, int], int | None] = {}   # key -> entry number, None: too short
        self._signatures: list[np.ndarray] = []
        self._bands: dict[float, _Bands] = {}   # the entries indexed, by LSH threshold
        self._indexed: dict[float, int] = {}    # how many entries each index holds
        self._signer = _Signer()
        self.computed = 0   # signatures computed so far (the rest were reused)

    def entry(self, known_id: Hashable, title: str, text: str) -> int | None:
        """The call's entry number, signing it if it is new, or None when it is too short to compare by text."""
        key = (known_id, hash((title, text[:_COMPARED])))   # what the signature is made of
        if key not in self._entries:
            grams = shingles(title, text)
            number = None
            if len(grams) >= _MIN_SHINGLES:
                number = len(self._signatures)
                self._signatures.append(self._signer.sign(grams))
            self._entries[key] = number
            self.computed += 1
        return self._entries[key]

    def signature(self, known_id: Hashable, title: str, text: str) -> np.ndarray | None:
        """The call's signature (datasketch's MinHash values), or None when it is too short to compare by text."""
        number = self.entry(known_id, title, text)
        return None if number is None else self._signatures[number]

    def closest(self, signature: np.ndarray, keys: list[bytes], threshold: float, band_threshold: float,
                places: dict[int, int]) -> tuple[int, float] | None:
        """The (place, similarity) of the closest entry at or above `threshold` among those with a
        place (entries of calls no longer live have none), found by the bands of `band_threshold`."""
        bands = self._bands.setdefault(band_threshold, _Bands(band_threshold))
        for number in range(self._indexed.get(band_threshold, 0), len(self._signatures)):
            bands.add(number, _band_keys(self._signatures[number], band_threshold))
        self._indexed[band_threshold] = len(self._signatures)
        return _closest(signature, [(places[entry], self._signatures[entry])
                                    for entry in bands.candidates(keys) if entry in places], threshold)


def find_near_duplicates(drafts: Sequence[Draft], known: Sequence[tuple[Hashable, str, str]], *,
                         threshold: float = 0.8, cache: SignatureCache | None = None) -> dict[int, NearDuplicate]:
    """For each draft that repeats a known call (id, title, text) or an earlier draft of the batch,
    what it repeats. Known calls win over batch drafts; the best similarity wins among them, then
    the earliest in `known` or in the batch. Pass one `cache` to every call of a crawl to sign and
    index each known call once."""
    # LSH only proposes candidates; a lower band threshold keeps near-misses from slipping through,
    # and each candidate is then checked against `threshold` with its estimated Jaccard similarity.
    band_threshold = max(0.3, threshold - 0.25)
    cache = cache if cache is not None else SignatureCache()
    places: dict[int, int] = {}   # cache entry -> its first place in `known`
    for number, (known_id, title, text) in enumerate(known):
        entry = cache.entry(known_id, title, text)
        if entry is not None:
            places.setdefault(entry, number)
    signer, batch, signatures = _Signer(), _Bands(band_threshold), {}
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
        signature = signer.sign(grams)
        keys = _band_keys(signature, band_threshold)
        match = cache.closest(signature, keys, threshold, band_threshold, places) if places else None
        if match is not None:
            found[index] = NearDuplicate(index, known[match[0]][0], None, match[1], "text")
        else:
            match = _closest(signature, [(i, signatures[i]) for i in batch.candidates(keys)], threshold)
            if match is not None:
                found[index] = NearDuplicate(index, None, match[0], match[1], "text")
        signatures[index] = signature
        batch.add(index, keys)
    return found


def pick_canonical_url(candidates: Sequence[tuple[str, SourceSpec]]) -> str:
    """The link to keep for one call seen at several URLs: the funder's own page beats an
    aggregator's post (a source marked `aggregator = true` in its options is a lead, not a funder)."""
    if not candidates:
        raise ValueError("pick_canonical_url needs at least one candidate")
    ranked = sorted(candidates, key=lambda pair: bool(pair[1].options.get("aggregator")))
    return canonical_url(ranked[0][0])
