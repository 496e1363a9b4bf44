"""How many real calls the tagger reads as being for administrative staff, and which (issue 15.4).

    python bench/staff_audience.py              # counts per publisher, then every staff call with its words
    python bench/staff_audience.py --ids        # only the ids of the staff calls (for hand checking)

Reads every usable item of the thirteen publishers in ``../shared/corpus`` (bench/publishers.py) and
the 292 real Arabic calls (``arabic-calls/``), tags each one with ``matching.tag_item`` and prints
those whose audiences include "staff", with the phrases that decided it, so that a person can check
each against its text. Nothing of the corpus is copied into the repository.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from publishers import DEFAULT_CORPUS, read_corpus_items  # noqa: E402
from readers import _arabic_items  # noqa: E402

from fursa.matching import tag_item  # noqa: E402


def read_all(corpus: Path) -> list:
    """The English publishers' items and the Arabic calls, as (id, publisher, title, text)."""
    items = [(i.id, i.publisher, i.title, i.text) for i in read_corpus_items(corpus)]
    return items + [(i.id, i.publisher, i.title, i.text) for i in _arabic_items(corpus)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--ids", action="store_true", help="print only the ids of the staff calls")
    args = parser.parse_args(argv)
    items = read_all(args.corpus)
    seen: Counter = Counter()
    staff: Counter = Counter()
    found = []
    for item_id, publisher, title, text in items:
        tagging = tag_item(title, text)
        seen[publisher] += 1
        if "staff" in tagging.audiences:
            staff[publisher] += 1
            found.append((item_id, title, tagging))
    if args.ids:
        for item_id, _, _ in found:
            print(item_id)
        return 0
    print(f"{len(items)} calls read, {len(found)} read as for administrative staff")
    for publisher in sorted(seen):
        print(f"  {publisher:32} {staff[publisher]:4} of {seen[publisher]}")
    for item_id, title, tagging in found:
        print(f"- {item_id}\n    {title[:110]}\n    kind={tagging.kind} levels={list(tagging.levels)} "
              f"audiences={list(tagging.audiences)} words={list(tagging.audience_evidence)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
