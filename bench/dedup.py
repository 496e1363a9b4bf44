"""Benchmark the near-duplicate check of one crawl: many sources against the same live calls.

    python bench/dedup.py [--known 50000] [--sources 50] [--drafts 20] [--threshold 0.8]

One crawl as pipeline.crawl_due runs it: every source's new drafts are checked against the live
calls (`find_near_duplicates`, one SignatureCache for the crawl). Each live call is signed and
indexed, each draft signed, looked up and indexed: items/s counts both. The same work is then
done with datasketch used directly (MinHash.update_batch on the same shingles, one MinHashLSH
with the same parameters for the whole crawl, jaccard on each candidate), in the same process,
and the ratio of the two rates is printed (above 1.0: Fursa is faster; on a shared, loaded
machine the ratio is the figure to compare across runs). Texts are synthetic: words drawn from a
fixed vocabulary, a few hundred words each, like a call's page; each source reposts one live call.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from datasketch import MinHash, MinHashLSH  # noqa: E402

from fursa.crawlers import SignatureCache, find_near_duplicates  # noqa: E402
from fursa.crawlers.dedup import NUM_PERM, shingles  # noqa: E402
from fursa.storage import Draft  # noqa: E402


def text(rng: random.Random, words: list[str], length: int) -> str:
    return " ".join(rng.choice(words) for _ in range(length))


def make_crawl(known_count: int, sources: int, drafts: int) -> tuple[list[tuple[int, str, str]], list[list[Draft]]]:
    rng = random.Random(7)
    words = [f"word{i}" for i in range(5000)]
    known = [(i, f"Call {i}", text(rng, words, 400)) for i in range(known_count)]
    batches = [[Draft(source_name=f"s{s}", url=f"https://s{s}.example/{d}", title=f"Draft {s}-{d}",
                      text=text(rng, words, 400)) for d in range(drafts)] for s in range(sources)]
    if known and drafts:   # a repost of a live call in every batch, so the check finds something
        for s, batch in enumerate(batches):
            batch[0] = Draft(source_name=f"s{s}", url=f"https://s{s}.example/repost", title="Repost",
                             text=known[s % len(known)][2] + " Share with your friends.")
    return known, batches


def run_fursa(known, batches, threshold: float) -> tuple[float, int]:
    cache = SignatureCache()
    start = time.process_time()
    found = sum(len(find_near_duplicates(batch, known, threshold=threshold, cache=cache)) for batch in batches)
    return time.process_time() - start, found


def _signature(title: str, body: str) -> MinHash:
    signature = MinHash(num_perm=NUM_PERM)
    signature.update_batch([gram.encode("utf-8") for gram in shingles(title, body)])
    return signature


def run_datasketch(known, batches, threshold: float) -> tuple[float, int]:
    """The same signatures, index and look-ups written with datasketch's own classes."""
    start = time.process_time()
    lsh = MinHashLSH(threshold=max(0.3, threshold - 0.25), num_perm=NUM_PERM, weights=(0.3, 0.7))
    signatures = {}
    for known_id, title, body in known:
        signatures[("known", known_id)] = signature = _signature(title, body)
        lsh.insert(("known", known_id), signature)
    found = 0
    for s, batch in enumerate(batches):
        for d, draft in enumerate(batch):
            signature = _signature(draft.title, draft.text)
            found += any(signature.jaccard(signatures[key]) >= threshold for key in lsh.query(signature))
            signatures[("draft", s, d)] = signature
            lsh.insert(("draft", s, d), signature)
    return time.process_time() - start, found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--known", type=int, default=50000, help="live calls in the database")
    parser.add_argument("--sources", type=int, default=50, help="sources with new drafts in one crawl")
    parser.add_argument("--drafts", type=int, default=20, help="new drafts per source")
    parser.add_argument("--threshold", type=float, default=0.8, help="similarity that makes a repeat")
    args = parser.parse_args(argv)
    known, batches = make_crawl(args.known, args.sources, args.drafts)
    items = len(known) + sum(map(len, batches))
    times = []
    for label, run in (("Fursa (find_near_duplicates)", run_fursa), ("datasketch used directly", run_datasketch)):
        seconds, found = run(known, batches, args.threshold)
        times.append(seconds)
        rate = f"{items / seconds:,.0f} items/s" if seconds else "too fast to time"
        print(f"{label:>29}: {seconds:7.2f} CPU s for {len(known):,} live calls + {args.sources} sources × "
              f"{args.drafts} drafts, {rate}, {found} repeats found")
    fursa, direct = times
    if items and fursa and direct:   # the ratio of rates over the same items is the inverse ratio of times
        print(f"{'ratio':>29}: {direct / fursa:.2f}× datasketch used directly")


if __name__ == "__main__":
    main()
