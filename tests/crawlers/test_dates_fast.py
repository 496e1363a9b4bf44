"""The common date shapes are read without dateparser, with exactly the result dateparser gives
for them; dateparser is imported only when a date needs it."""
from __future__ import annotations

import random
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import dateparser
import pytest

from fursa.crawlers import dates
from fursa.crawlers.dates import read_date

SETTINGS = {"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "last", "REQUIRE_PARTS": ["day", "month", "year"]}
LANGUAGES = (["en", "ar"], ["ar", "en"])
MONTH_WORDS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov",
               "Dec", "JANUARY", "sept", "oct", "Octob", "Janu", "Mon", "Thu", "Mai"]
CLOCKS = ["", " 9:00am", " 4:00pm", " 4.00pm", " 12:00 am", " 12:30 p.m.", " 0:30am", " 13:00pm", " 16:00", " 16.00",
          " 23:59", " 24:00", " 23:60", " - 23:59", ", 17:00", " -01:00", "-09:15", " 01:00 AM", " 9:15 a.m"]
COMMON = ["1 October 2026", "October 1, 2026", "1 Oct 2026", "15th January 2027", "01 Oct 2026 10:00",
          "16 June 2026 4:00pm", "15/01/2027", "1.6.2026", "2026-10-01", "2026-10-01 09:30", "2026-10-01T09:30:15"]


def invented_candidates() -> list[str]:
    """Strings shaped like the pieces `parse_written_date` hands on, the awkward ones included."""
    rng = random.Random(5)
    found = [f"{day}{suffix} {month}{mark} {year}{clock}"
             for day in ("1", "01", "9", "29", "30", "31", "0", "32") for suffix in ("", "st", "th", "ST")
             for month in MONTH_WORDS for mark in ("", ".", ",") for year in ("2026", "2028", "1970", "0999")
             for clock in ("", rng.choice(CLOCKS))]
    found = rng.sample(found, 1500)
    found += [f"{month}{mark} {day}{suffix}{comma} {year}{rng.choice(CLOCKS)}"
              for month in MONTH_WORDS for mark in ("", ".") for day in ("1", "07", "29", "31")
              for suffix in ("", "th") for comma in ("", ",") for year in ("2026", "2027")]
    found += [f"{day}{sep}{month}{other}{year}" for day in ("1", "05", "12", "13", "29", "31", "0")
              for month in ("1", "02", "6", "12", "13", "31") for sep, other in (("/", "/"), (".", "."), ("-", "-"), ("/", "-"))
              for year in ("2026", "2028", "1969")]
    found += [f"{year}-{month}-{day}{clock}" for year in ("2026", "1970") for month in ("01", "02", "12", "13", "00")
              for day in ("01", "29", "30", "31", "00")
              for clock in ("", "T9:30", " 09:30", "T23:59:59", " 24:00", "T09:30:61")]
    return found


def agreeing(candidates: list[str]) -> int:
    """How many `candidates` the direct reader reads; fails where it reads one otherwise than dateparser."""
    read = 0
    for number, candidate in enumerate(candidates):
        direct = dates._read_common_shape(candidate)
        if direct is not None:
            read += 1
            expected = dateparser.parse(candidate, languages=LANGUAGES[number % 2], settings=SETTINGS)
            assert direct == expected, f"{candidate!r}: read as {direct}, dateparser reads {expected}"
    return read


def test_the_common_shapes_are_read_directly() -> None:
    assert agreeing(COMMON) == len(COMMON)
    assert dates._read_common_shape("1 Oct 2026 4:00pm") == datetime(2026, 10, 1, 16, 0)


def test_invented_dates_are_read_as_dateparser_reads_them() -> None:
    candidates = invented_candidates()
    assert agreeing(candidates) > len(candidates) / 3


def test_what_dateparser_reads_its_own_way_is_left_to_it() -> None:
    for candidate in ["01/15/2027", "2026-13-03", "16 June 2026 13:00pm", "1 Sept 2026 -01:00", "1 Octob 2026",
                      "31 June 2026", "1 Jan 0999", "5/6-2026"]:
        assert dates._read_common_shape(candidate) is None, candidate


# Dates as the real captures print them, each shape found by one pattern.
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
          r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_ARABIC_MONTH = ("كانون الثاني|شباط|آذار|اذار|نيسان|أيار|ايار|حزيران|تموز|آب|أيلول|ايلول|تشرين الأول|تشرين الاول|"
                 "تشرين الثاني|كانون الأول|كانون الاول|يناير|فبراير|مارس|أبريل|ابريل|إبريل|مايو|يونيو|يونية|يوليو|"
                 "يوليه|أغسطس|اغسطس|سبتمبر|أكتوبر|اكتوبر|نوفمبر|ديسمبر")
REAL_SHAPES = [
    re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} " + _MONTH + r" \d{4} \d{2}:\d{2}(?::\d{2})? (?:[+-]\d{4}|GMT|UTC)"),
    re.compile(r"\b\d{1,2}(?:st|nd|rd|th)? " + _MONTH + r",? \d{4}\b(?:,? -? ?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?)?", re.I),
    re.compile(r"\b" + _MONTH + r" \d{1,2}(?:st|nd|rd|th)?,? \d{4}\b", re.I),
    re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\b"),
    re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b"),
    re.compile(r"(?:(?:الأحد|الاثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت)،? )?[0-9٠-٩]{1,2}\s*(?:" + _ARABIC_MONTH
               + r")\s*[0-9٠-٩]{4}م?"),
]


def real_dates(corpus: Path, per_shape: int = 250) -> list[str]:
    """Up to `per_shape` distinct dates of each shape from the captures in ../shared/corpus."""
    found: list[set[str]] = [set() for _ in REAL_SHAPES]
    for path in sorted(corpus.rglob("*")):
        if path.is_file() and path.suffix in (".json", ".jsonl", ".csv", ".html", ".txt", ".xml", ""):
            text = path.read_text(encoding="utf-8", errors="replace")
            for shape, seen in zip(REAL_SHAPES, found):
                seen.update(match.group(0) for match in shape.finditer(text))
    rng = random.Random(3)
    return [date for seen in found for date in rng.sample(sorted(seen), min(per_shape, len(seen)))]


def test_real_dates_are_read_as_dateparser_reads_them(corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # RFC 2822 dates ("Thu, 15 Jan 2027 17:00:00 +0100") are read by their own parser, offset kept,
    # before either reader sees them.
    values = [value for value in real_dates(corpus_dir) if dates.parse_rfc2822(value, "Asia/Hebron") is None]
    direct_reader = dates._read_common_shape
    fired: list[str] = []

    def watched(candidate: str) -> datetime | None:
        read = direct_reader(candidate)
        if read is not None:
            fired.append(candidate)
        return read

    results = []
    for number, value in enumerate(values):
        languages = ("en", "ar") if number % 2 else ("ar", "en")
        fired.clear()
        monkeypatch.setattr(dates, "_read_common_shape", watched)
        directly = read_date(value, "Asia/Hebron", "auto", languages)
        if fired:   # else both ways are dateparser, which reads "now"-relative dates a moment apart
            monkeypatch.setattr(dates, "_read_common_shape", lambda candidate: None)
            results.append((value, directly, read_date(value, "Asia/Hebron", "auto", languages)))
    assert len(results) > 700, f"only {len(results)} of {len(values)} real dates were read directly"
    differing = [(value, a, b) for value, a, b in results if a != b]
    assert not differing, f"{len(differing)} real dates read otherwise than dateparser reads them: {differing[:3]}"


def test_dateparser_is_imported_only_when_a_date_needs_it() -> None:
    script = ("import sys\n"
              "from fursa.crawlers.dates import deadline_from, instant_from\n"
              f"for value in {COMMON!r} + ['١٥ كانون الثاني ٢٠٢٧', 'Thu, 01 Oct 2026 10:00:00 +0000']:\n"
              "    assert deadline_from(value, 'UTC').kind == 'date', value\n"
              "print('dateparser' in sys.modules)\n"
              "assert deadline_from('Tuesday the 3rd of March 2026', 'UTC').kind == 'date'\n"
              "print('dateparser' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"]
