"""Benchmark reading dates as the crawlers do: time per date for the shapes sources print.

    python bench/dates.py [--repeat 5] [--rounds 200]

Each shape is read with the same call a parser makes (`deadline_from` for a deadline field,
`instant_from` for an opening or publication date, in the source's zone and date style). Prints
microseconds per date for each shape (the best of --repeat passes of --rounds reads, in CPU time
of this process, so other work on the machine counts little), their mean, and whether dateparser
had to be imported to read them. A last line reads a free-form date that only dateparser reads,
for comparison. Then, in fresh processes, the CPU time of importing the crawlers and reading a first date (what
loads on first use included), common shape against free form.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fursa.crawlers.dates import deadline_from, instant_from  # noqa: E402

# (what it is, the value, the source's zone, its date style, the reader)
SHAPES = [
    ("written day month year", "1 October 2026", "Europe/London", "auto", deadline_from),
    ("written month day, year", "October 1, 2026", "America/New_York", "auto", deadline_from),
    ("abbreviated month", "1 Oct 2026", "UTC", "auto", deadline_from),
    ("with a time and zone words", "16 June 2026 4:00pm UK time", "UTC", "auto", deadline_from),
    ("ordinal day", "15th January 2027", "UTC", "auto", deadline_from),
    ("RFC 2822 (feed dates)", "Thu, 01 Oct 2026 10:00:00 +0000", "UTC", "auto", instant_from),
    ("day-first numeric", "15/01/2027", "Asia/Hebron", "auto", deadline_from),
    ("Levantine month, Arabic-Indic digits", "١٥ كانون الثاني ٢٠٢٧", "Asia/Hebron", "auto", deadline_from),
    ("Egyptian month", "الخميس 15 يناير 2027م", "Asia/Hebron", "auto", deadline_from),
    ("ISO 8601 date", "2026-10-01", "UTC", "auto", deadline_from),
    ("ISO 8601 with time and offset", "2026-04-12T21:59:00+00:00", "UTC", "iso", deadline_from),
    ("US MM/DD/YYYY (style us)", "01/15/2027", "America/New_York", "us", deadline_from),
]
FREE_FORM = ("free form (dateparser)", "Tuesday the 3rd of March 2026", "UTC", "auto", deadline_from)


def time_per_date(value: str, zone: str, style: str, reader, rounds: int, repeat: int) -> float:
    """Best CPU microseconds per read over `repeat` passes of `rounds` reads."""
    reader(value, zone, style)   # warm caches (and a dateparser import, if the shape needs one)
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(rounds):
            reader(value, zone, style)
        best = min(best, time.process_time() - start)
    return best / rounds * 1e6


FIRST_READ = """
import time
import fursa.storage
start = time.process_time()
from fursa.crawlers.dates import deadline_from
deadline_from({value!r}, "UTC")
print(time.process_time() - start)
"""


def first_read_ms(value: str) -> float:
    """CPU milliseconds of a fresh process's import of the crawlers and first read of `value`
    (storage, shared by every child and measured on its own elsewhere, is imported first)."""
    done = subprocess.run([sys.executable, "-c", FIRST_READ.format(value=value)], capture_output=True, text=True,
                          check=True)
    return float(done.stdout) * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timing passes; the best one is reported")
    parser.add_argument("--rounds", type=int, default=200, help="reads of each date per pass")
    args = parser.parse_args(argv)
    times = []
    for name, value, zone, style, reader in SHAPES:
        micros = time_per_date(value, zone, style, reader, args.rounds, args.repeat)
        times.append(micros)
        print(f"{name:>38}: {micros:9.1f} µs  {value!r}")
    print(f"{'mean of the common shapes':>38}: {sum(times) / len(times):9.1f} µs per date; "
          f"dateparser imported: {'yes' if 'dateparser' in sys.modules else 'no'}")
    name, value, zone, style, reader = FREE_FORM
    print(f"{name:>38}: {time_per_date(value, zone, style, reader, args.rounds, args.repeat):9.1f} µs  {value!r}")
    common, free = SHAPES[0][1], FREE_FORM[1]
    print(f"a fresh process importing the crawlers and reading its first date: {first_read_ms(common):.0f} ms "
          f"for {common!r}, {first_read_ms(free):.0f} ms for {free!r} (CPU)")


if __name__ == "__main__":
    main()
