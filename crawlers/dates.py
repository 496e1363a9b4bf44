"""Dates in source formats: ISO 8601, US "MM/DD/YYYY", feed dates and written dates in English and
Arabic (Levantine, Egyptian and Maghrebi month names; Western and Arabic-Indic digits).

Rules, so that nothing is invented:
- a value with an offset keeps its instant; a value without one is read in the source's zone;
- a deadline given as a day with no time is that calendar date (a date-only `Deadline`, open all of
  that day in Hebron), while an opening or publication day starts at 00:00 in the source's zone;
- an RFC 2822 date ("Thu, 15 Jan 2027 17:00:00 +0100") keeps its offset;
- placeholder dates before 1971 (epoch zero, as some sites write "no deadline") are unknown;
- "rolling", "open until filled" and their Arabic wordings make a rolling deadline.

The shapes sources print most ("1 October 2026", "Oct 1, 2026", "15/01/2027", "2026-10-01 09:00",
Arabic month names once normalized) are read here directly, with exactly the result dateparser
gives for them (tests/crawlers/test_dates_fast.py compares the two); anything else goes to
dateparser, imported on first need, as it costs a crawl child ~45 ms to import and ~0.6 ms a date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parsedate_tz
from datetime import datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fursa.storage import Deadline

_DIGITS = str.maketrans({**{chr(0x0660 + d): str(d) for d in range(10)},
                         **{chr(0x06F0 + d): str(d) for d in range(10)}, "،": ",", "٫": "."})

# Longest names first so "كانون الثاني" is replaced before "الثاني" could match anything.
_ARABIC_MONTHS = sorted({
    "كانون الثاني": "January", "شباط": "February", "آذار": "March", "اذار": "March", "نيسان": "April",
    "أيار": "May", "ايار": "May", "حزيران": "June", "تموز": "July", "آب": "August", "اب": "August",
    "أيلول": "September", "ايلول": "September", "تشرين الأول": "October", "تشرين الاول": "October",
    "تشرين الثاني": "November", "كانون الأول": "December", "كانون الاول": "December",
    "يناير": "January", "فبراير": "February", "مارس": "March", "أبريل": "April", "ابريل": "April",
    "إبريل": "April", "مايو": "May", "يونيو": "June", "يونية": "June", "يوليو": "July", "يوليه": "July",
    "أغسطس": "August", "اغسطس": "August", "سبتمبر": "September", "أكتوبر": "October", "اكتوبر": "October",
    "نوفمبر": "November", "ديسمبر": "December",
    "جانفي": "January", "فيفري": "February", "أفريل": "April", "افريل": "April", "ماي": "May",
    "جوان": "June", "جويلية": "July", "أوت": "August", "اوت": "August",
}.items(), key=lambda pair: -len(pair[0]))
_MONTH_PATTERN = re.compile("|".join(
    rf"(?<![\u0600-\u06FF]){re.escape(name)}(?![\u0600-\u06FF])" for name, _ in _ARABIC_MONTHS))
_MONTH_LOOKUP = dict(_ARABIC_MONTHS)

_ROLLING = re.compile(
    r"\b(rolling|ongoing|open until filled|until filled|no (?:fixed )?deadline|open all year|"
    r"year[- ]round|continuous(?:ly open)?)\b|مفتوح|على مدار العام|طوال العام|حتى (?:ملء|شغل) ",
    re.IGNORECASE)
_ZONE_IN_TEXT = re.compile(r"\b([A-Z][A-Za-z_]+/[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z_]+)?)\b")
_WRITTEN_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{4}(?:\s*[-,]?\s*\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?)?"   # "15/01/2027 17:00"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+\d{4}(?:\s*[-,]?\s*\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?)?"
    r"|[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}(?:\s*[-,]?\s*\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?)?",
    re.IGNORECASE)
_EARLIEST_YEAR = 1971
# RFC 2822 as feeds and mail headers write it ("Thu, 15 Jan 2027 17:00:00 +0100"), its zone spelled out:
# the written-date reader would read the day and time and drop the offset.
_RFC_2822 = re.compile(r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?\s+"
                       r"(?:[+-]\d{4}|GMT|UTC?|Z|[ECMP][SD]T)", re.ASCII)
# Zone words that sources print next to a time ("4:00pm UK time", "5:00 PM ET").
_ZONE_WORDS = (
    (re.compile(r"\bUK time\b", re.IGNORECASE), "Europe/London"),
    (re.compile(r"\b(?:ET|Eastern Time|EST|EDT)\b"), "America/New_York"),
    (re.compile(r"\bBrussels time\b", re.IGNORECASE), "Europe/Brussels"),
)


@dataclass(frozen=True)
class ParsedDate:
    """A date read from a source: the instant, whether the source gave a time, and its zone name."""

    at: datetime
    has_time: bool
    zone: str


@lru_cache(maxsize=64)
def zone_of(name: str) -> ZoneInfo | timezone:
    if name.upper() in ("UTC", "Z", "GMT"):
        return timezone.utc
    return ZoneInfo(name)


def is_zone_name(name: str) -> bool:
    try:
        zone_of(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _finish(naive_or_aware: datetime, has_time: bool, zone: str) -> ParsedDate | None:
    if naive_or_aware.year < _EARLIEST_YEAR:
        return None
    at = naive_or_aware if naive_or_aware.tzinfo else naive_or_aware.replace(tzinfo=zone_of(zone))
    return ParsedDate(at=at, has_time=has_time, zone=zone)


def parse_iso(value: str, zone: str = "UTC") -> ParsedDate | None:
    """ISO 8601 ("2025-04-29T00:00:00.000+0000", "2026-06-16T16:00:00", "2026-09-11")."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    return _finish(parsed, has_time=len(value) > 10, zone=zone)


def parse_us_date(value: str, zone: str) -> ParsedDate | None:
    """Grants.gov-style "MM/DD/YYYY"; an empty string is an unknown date, not an error."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.strptime(value, "%m/%d/%Y")
    except ValueError:
        return None
    return _finish(parsed, has_time=False, zone=zone)


def parse_rfc2822(value: str, zone: str) -> ParsedDate | None:
    """"Thu, 15 Jan 2027 17:00:00 +0100": the instant its offset says. The zone is the source's when the
    offset is the source zone's at that moment, else UTC (an offset alone names no place)."""
    value = value.strip()
    if not _RFC_2822.fullmatch(value):
        return None
    parts = parsedate_tz(value)
    if parts is None or parts[9] is None:
        return None
    try:
        at = datetime(*parts[:6], tzinfo=timezone(timedelta(seconds=parts[9])))
    except ValueError:
        return None
    local = at.astimezone(zone_of(zone))
    named = zone if local.utcoffset() == at.utcoffset() else "UTC"
    return _finish(at.astimezone(zone_of(named)), has_time=True, zone=named)


def zone_named_in(text: str) -> str | None:
    """A time-zone name printed in `text` ("23:59 (Europe/Brussels)", "4:00pm UK time"), if any."""
    for pattern, named in _ZONE_WORDS:
        if pattern.search(text):
            return named
    match = _ZONE_IN_TEXT.search(text)
    return match.group(1) if match and is_zone_name(match.group(1)) else None


def normalize_written_date(text: str) -> str:
    """Western digits and English month names, so one parser reads every spelling."""
    text = text.translate(_DIGITS)
    if not text.isascii():   # the month names are Arabic; the search costs more than the rest of a read
        text = _MONTH_PATTERN.sub(lambda match: f" {_MONTH_LOOKUP[match.group(0)]} ", text)
    text = re.sub(r"(?<=\d)\s*م\b", "", text)        # "2026م": the Gregorian-era mark
    text = re.sub(r"\b(UK|local|CET|CEST) time\b", "", text, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).strip()


# The common shapes of a candidate (a match of _WRITTEN_DATE), read directly. Each reads only what
# dateparser reads the same way; the rest (a month past 12, "13:00pm", "2026-01:00", which dateparser
# takes for an offset …) is left to it.
_MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")), start=1) for name in names}
_CLOCK = r"(?:\s*(?:,|-(?!\d))?\s*(?P<hour>\d{1,2})[:.](?P<minute>\d{2})\s*(?:(?P<half>[ap])\.?m\.?)?)?"
_DAY_MONTH_YEAR = re.compile(
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[a-z]{3,9})\.?,?\s+(?P<year>\d{4})" + _CLOCK, re.IGNORECASE | re.ASCII)
_MONTH_DAY_YEAR = re.compile(
    r"(?P<month>[a-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})" + _CLOCK, re.IGNORECASE | re.ASCII)
_NUMERIC = re.compile(r"(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4})" + _CLOCK,
                      re.IGNORECASE | re.ASCII)
_YEAR_FIRST = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
                         r"(?:[T ](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?", re.ASCII)
_DIRECT_LANGUAGES = {"en", "ar"}   # other languages' words could read "Mar" or "Jun" as something else


def _read_common_shape(candidate: str) -> datetime | None:
    """`candidate` read without dateparser, or None to leave it to dateparser."""
    match = (_DAY_MONTH_YEAR.fullmatch(candidate) or _MONTH_DAY_YEAR.fullmatch(candidate)
             or _NUMERIC.fullmatch(candidate) or _YEAR_FIRST.fullmatch(candidate))
    if match is None:
        return None
    parts = match.groupdict()
    month = parts["month"]
    month = int(month) if month.isdigit() else _MONTHS.get(month.lower())
    year = int(parts["year"])
    if month is None or year < 1000:
        return None
    hour, minute = int(parts.get("hour") or 0), int(parts.get("minute") or 0)
    half = (parts.get("half") or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    try:
        return datetime(year, month, int(parts["day"]), hour, minute, int(parts.get("second") or 0))
    except ValueError:   # 31 June, 24:00, month 13: dateparser reads some of these its own way
        return None


def _read_with_dateparser(candidate: str, languages: tuple[str, ...], date_order: str) -> datetime | None:
    import dateparser   # here, not at the top: most crawls never need it, and it costs ~45 ms to import

    settings = {"DATE_ORDER": date_order, "PREFER_DAY_OF_MONTH": "last", "REQUIRE_PARTS": ["day", "month", "year"]}
    return dateparser.parse(candidate, languages=list(languages), settings=settings)


def parse_written_date(text: str, zone: str, *, languages: tuple[str, ...] = ("en", "ar"),
                       date_order: str = "DMY") -> ParsedDate | None:
    """A date as people write it: "16 June 2026 4:00pm UK time", "١٥ كانون الثاني ٢٠٢٦", "Aug 18, 2027"."""
    zone = zone_named_in(text) or zone
    text = _ZONE_IN_TEXT.sub(" ", text)
    normalized = normalize_written_date(text)
    if not normalized:
        return None
    candidates = [match.group(0) for match in _WRITTEN_DATE.finditer(normalized)] or [normalized]
    languages = tuple(dict.fromkeys([*languages, "en"]))
    direct = date_order == "DMY" and set(languages) <= _DIRECT_LANGUAGES
    for candidate in candidates:
        parsed = _read_common_shape(candidate) if direct else None
        if parsed is None:
            parsed = _read_with_dateparser(candidate, languages, date_order)
        if parsed is not None:
            has_time = bool(re.search(r"\d{1,2}[:.]\d{2}", candidate)) or parsed.time() != time(0)
            return _finish(parsed, has_time=has_time, zone=zone)
    return None


def read_date(value: str, zone: str, style: str = "auto", languages: tuple[str, ...] = ("en", "ar")) -> ParsedDate | None:
    """One reader for every style: "iso", "us" (MM/DD/YYYY), "text", a strptime pattern, or "auto"."""
    value = (value or "").strip()
    if not value:
        return None
    if style == "iso":
        return parse_iso(value, zone)
    if style == "us":
        return parse_us_date(value, zone)
    if "%" in style:
        try:
            return _finish(datetime.strptime(value, style), has_time="%H" in style or "%I" in style, zone=zone)
        except ValueError:
            return None
    if style == "auto":
        iso = parse_iso(value, zone)
        if iso is not None:
            return iso
    return parse_rfc2822(value, zone) or parse_written_date(value, zone, languages=languages)


def deadline_from(value: str, zone: str, style: str = "auto", languages: tuple[str, ...] = ("en", "ar"),
                  shown: str = "") -> Deadline:
    """A Deadline from an explicit deadline field: a date, rolling, or unknown (raw text kept).

    `shown` is the text the page displays next to a machine value (`<time datetime>`); it is
    kept as the deadline's text and may name the zone ("23:59 (Europe/Brussels)").
    """
    raw = re.sub(r"\s+", " ", (value or "")).strip()
    shown = re.sub(r"\s+", " ", shown).strip()
    zone = (zone_named_in(shown) if shown else None) or zone
    if not raw:
        return Deadline()
    if _ROLLING.search(raw):
        return Deadline(kind="rolling", text=shown or raw)
    parsed = read_date(raw, zone, style, languages)
    if parsed is None:
        return Deadline(kind="unknown", text=shown or raw)
    if not parsed.has_time:
        # A closing day with no time is a calendar date, never moved between zones (storage.Deadline).
        return Deadline.on_day(parsed.at.date(), shown or raw, parsed.zone)
    return Deadline.timed(parsed.at, parsed.zone, shown or raw)


def instant_from(value: str, zone: str, style: str = "auto", languages: tuple[str, ...] = ("en", "ar")) -> datetime | None:
    """An opening or publication instant (a day with no time starts at 00:00 in `zone`)."""
    parsed = read_date(value, zone, style, languages)
    return parsed.at if parsed else None
