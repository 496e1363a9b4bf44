"""Benchmark the near-duplicate check of one crawl: many sources against the same live calls.

    python bench/dedup.py [--known 5000] [--sources 50] [--drafts 20]

Every source's new drafts are compared with the live calls the database holds (up to 5,000). The
figures compare one signature cache shared by the whole crawl (as pipeline.crawl_due does) with a
fresh one per source (each live call signed again for every source). Texts are synthetic: words
drawn from a fixed vocabulary, a few hundred words each, like a call's page.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fursa.crawlers import SignatureCache, find_near_duplicates  # noqa: E402
from fursa.storage import Draft  # noqa: E402


def text(rng: random.Random, words: list[str], length: int) -> str:
    return " ".join(rng.choice(words) for _ in range(length))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--known", type=int, default=5000, help="live calls in the database")
    parser.add_argument("--sources", type=int, default=50, help="sources with new drafts in one crawl")
    parser.add_argument("--drafts", type=int, default=20, help="new drafts per source")
    args = parser.parse_args(argv)
    rng = random.Random(7)
    words = [f"word{i}" for i in range(5000)]
    known = [(i, f"Call {i}", text(rng, words, 400)) for i in range(args.known)]
    batches = [[Draft(source_name=f"s{s}", url=f"https://s{s}.example/{d}", title=f"Draft {s}-{d}",
                      text=text(rng, words, 400)) for d in range(args.drafts)] for s in range(args.sources)]
    # a few reposts, so the check finds something
    for s, batch in enumerate(batches):
        batch[0] = Draft(source_name=f"s{s}", url=f"https://s{s}.example/repost", title="Repost",
                         text=known[s][2] + " Share with your friends.")
    for label, shared in (("one cache per crawl", True), ("a fresh cache per source", False)):
        cache = SignatureCache()
        start = time.perf_counter()
        found = 0
        for batch in batches:
            found += len(find_near_duplicates(batch, known, cache=cache if shared else SignatureCache()))
        seconds = time.perf_counter() - start
        print(f"{label:>26}: {seconds:7.1f} s for {args.sources} sources × {args.drafts} drafts against "
              f"{args.known:,} live calls ({seconds / args.sources * 1000:,.0f} ms per source), {found} repeats found")


if __name__ == "__main__":
    main()
