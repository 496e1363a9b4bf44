"""How long matching every stored call against the partner register takes (what saving a partner costs).

    python bench/partners.py [--calls 20000] [--partners 100] [--database URL]

Stores `--calls` calls of about 2,000 characters (English and Arabic, one in fifty naming a partner)
with their search text (`--unindexed`: without, so every call is read whole) in a fresh SQLite file
(or the database given), a register of `--partners` partners with an alias each, then times
pipeline.rematch_partners twice: the first run links, the second finds nothing to change.
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from fursa import pipeline, storage

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)
FILLER_EN = ("The programme funds master and doctoral students in engineering, medicine and the humanities; "
             "applicants submit a research proposal, two letters of recommendation and a transcript. ")
FILLER_AR = "تعلن الجامعة عن منح دراسية لطلبة الماجستير والدكتوراه في الهندسة والطب والعلوم الإنسانية. "


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--partners", type=int, default=100)
    parser.add_argument("--database", default="")
    parser.add_argument("--unindexed", action="store_true",
                        help="store calls without their search text (as before migration 0008's first tagging run)")
    args = parser.parse_args()
    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'partners.db'}"
    engine = storage.make_engine(url)
    storage.migrate(engine)
    sessions = storage.make_sessionmaker(engine)
    rng = random.Random(7)
    with sessions.begin() as session:
        for n in range(args.partners):
            storage.add_partner(session, storage.PartnerInput(
                name_en=f"University of Place{n}", name_ar=f"جامعة المكان{n}", aliases=(f"UP{n}",)), actor="bench", now=NOW)
        for n in range(args.calls):
            arabic = n % 2 == 1
            body = (FILLER_AR if arabic else FILLER_EN) * 12
            if n % 50 == 0:
                k = rng.randrange(args.partners)
                body += f" بجامعة المكان{k}" if arabic else f" Hosted by the University of Place{k}."
            row = storage.Opportunity(title=f"Call {n}", text=body, url=f"https://example.org/{n}",
                                      first_seen_at=NOW, last_seen_at=NOW, content_hash=str(n))
            if not args.unindexed:
                pipeline.index_call(row)   # the search text a tagging run writes
            session.add(row)
    for run in ("first (links)", "again (no change)"):
        started = time.perf_counter()
        with sessions.begin() as session:
            changed = pipeline.rematch_partners(session, NOW)
        seconds = time.perf_counter() - started
        print(f"{run}: {args.calls} calls, {args.partners} partners: {seconds:.2f} s "
              f"({seconds / args.calls * 1e6:.0f} µs a call), {changed} calls changed")
    engine.dispose()


if __name__ == "__main__":
    main()
