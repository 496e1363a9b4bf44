"""Deadlines in English and Arabic call text.

Reads "closes 15 March 2025", "Deadline: May 29", "2025-03-15 17:00 CET", "آخر موعد للتقديم
١٥ آذار ٢٠٢٥", "حتى 30 يونيو", month names in English, Levantine, Egyptian/Gulf and Maghrebi
Arabic, and the rolling kind ("open until filled"). A date with no time closes at the end of that
day in the given zone; a date with no year is the next such day after `now`.
"""
from __future__ import annotations

import calendar
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .normalize import fold_arabic_chars
from .records import FoundDeadline

_MONTHS = {
    1: ["january", "jan", "كانون الثاني", "يناير", "جانفي"],
    2: ["february", "feb", "شباط", "فبراير", "فيفري"],
    3: ["march", "mar", "اذار", "مارس"],
    4: ["april", "apr", "نيسان", "ابريل", "افريل"],
    5: ["may", "ايار", "مايو", "ماي"],
    6: ["june", "jun", "حزيران", "يونيو", "يونيه", "جوان"],
    7: ["july", "jul", "تموز", "يوليو", "يوليه", "جويليه"],
    8: ["august", "aug", "اب", "اغسطس", "اوت"],
    9: ["september", "sept", "sep", "ايلول", "سبتمبر"],
    10: ["october", "oct", "تشرين الاول", "اكتوبر"],
    11: ["november", "nov", "تشرين الثاني", "نوفمبر"],
    12: ["december", "dec", "كانون الاول", "ديسمبر"],
}
_MONTH_OF = {name: num for num, names in _MONTHS.items() for name in names}
_ZONES = {
    "UTC": "UTC", "GMT": "UTC", "Z": "UTC", "CET": "Europe/Brussels", "CEST": "Europe/Brussels",
    "BST": "Europe/London", "EET": "Asia/Hebron", "EEST": "Asia/Hebron", "ET": "America/New_York",
    "EST": "America/New_York", "EDT": "America/New_York", "PT": "America/Los_Angeles",
    "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles", "CT": "America/Chicago",
    "AEST": "Australia/Sydney", "AEDT": "Australia/Sydney", "AWST": "Australia/Perth",
    "JST": "Asia/Tokyo", "KST": "Asia/Seoul", "AST": "Asia/Riyadh",
}
_UNITS = ["الاول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع", "العاشر"]


def _ordinal_days() -> dict[str, int]:
    """Arabic ordinal day words, in folded letter forms: "الاول من حزيران", "الخامس عشر من آذار",
    "الحادي والثلاثين من أيار"."""
    days = {word: n for n, word in enumerate(_UNITS, 1)}
    days.update({"الحادي عشر": 11, "العشرين": 20, "الثلاثين": 30, "الحادي والثلاثين": 31})
    for n in range(12, 20):
        days[f"{_UNITS[n - 11]} عشر"] = n
    for n in range(21, 30):
        days[f"{'الحادي' if n == 21 else _UNITS[n - 21]} والعشرين"] = n
    return days


_ORDINAL_DAY = _ordinal_days()
_EDGES = {"end": 0, "late": 0, "نهايه": 0, "اواخر": 0, "اخر": 0, "mid": 15, "منتصف": 15,
          "early": 7, "اوائل": 7, "بدايه": 7}


def _alternation(words) -> str:
    return "(?:" + "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True)) + ")"


_M = rf"(?P<month>{_alternation(_MONTH_OF)})\.?"
_D = r"(?P<day>[0-3]?\d)(?!\d)(?:st|nd|rd|th)?"
_Y = r"(?P<year>(?:19|20)\d\d)(?!\d)"
_SEP = r"[\s,\-/]*(?:من\s+(?:عام|العام|سنه)?\s*)?"
_TZ = rf"(?P<tz>{_alternation(_ZONES)}\b|\(?UTC[+-]\d\d?:?\d\d\)?)"
_TIME = (r"(?:\s*(?:,|at|by|الساعه|-)?\s*(?P<hour>[0-2]?\d)(?:[:.](?P<minute>[0-5]\d))?\s*"
         rf"(?P<ampm>a\.?m\.?|p\.?m\.?|صباحا|مساء)?\s*{_TZ}?)?")
_NOT_AFTER_WORD = r"(?<!\w)"
_NOT_AFTER_LETTER = r"(?<![^\W\d_])"   # "mar" is not inside "grammar"
_NOT_BEFORE_LETTER = r"(?![^\W\d_])"
_EDGE = rf"(?P<edge>{_alternation(_EDGES)})(?:\s+of|\s+شهر)?\s+"

_DATE_FORMS = [
    # "من" is required: "الثاني" and "الاول" also end the month names "كانون الثاني", "تشرين الاول"
    re.compile(_NOT_AFTER_LETTER + rf"(?P<ordinal>{_alternation(_ORDINAL_DAY)})\s+من\s+{_M}{_SEP}(?:{_Y})?"
               rf"{_NOT_BEFORE_LETTER}{_TIME}", re.IGNORECASE),
    re.compile(_NOT_AFTER_WORD + rf"{_D}\s*(?:of\s+)?{_M}{_SEP}(?:{_Y})?{_NOT_BEFORE_LETTER}{_TIME}", re.IGNORECASE),
    re.compile(_NOT_AFTER_LETTER + rf"{_M}\s+{_D}(?:,?\s*{_Y})?{_NOT_BEFORE_LETTER}{_TIME}", re.IGNORECASE),
    re.compile(rf"\b{_Y}-(?P<mnum>[01]?\d)-(?P<day>[0-3]?\d)(?:[T ](?P<hour>[0-2]\d):(?P<minute>[0-5]\d)"
               rf"(?::\d\d)?\s*{_TZ}?)?(?!\d)", re.IGNORECASE),
    re.compile(r"(?<![\d/.])(?P<a>[0-3]?\d)[/.](?P<b>[0-3]?\d)[/.](?P<year>(?:19|20)\d\d)(?!\d)"),
    re.compile(_NOT_AFTER_LETTER + rf"{_EDGE}{_M}(?:\s+{_Y})?{_NOT_BEFORE_LETTER}", re.IGNORECASE),
    re.compile(_NOT_AFTER_LETTER + rf"(?P<edge_month>){_M}\s*,?\s*{_Y}", re.IGNORECASE),
]

# Literal cue words, looked up with str.find (far faster than a regex alternation over a long
# text); written in the folded letter forms of the text they are searched in.
_CUES = tuple(fold_arabic_chars(w) for w in (
    "deadline", "closing date", "closes", "close on", "application close", "applications close",
    "apply by", "apply before", "submitted by", "submit by", "due date", "due by", "due on",
    "no later than", "until", "expires", "آخر موعد", "موعد أقصاه", "الموعد النهائي", "ينتهي",
    "تنتهي", "حتى", "قبل تاريخ", "آخر أجل", "يغلق", "إغلاق"))
_ROLLING = tuple(fold_arabic_chars(w) for w in (
    "rolling basis", "rolling deadline", "rolling admission", "open until filled", "until filled",
    "until the position is filled", "until the positions are filled", "until positions are filled",
    "no deadline", "no fixed deadline", "open all year", "accepted at any time",
    "accepted year-round", "accepted year round", "accepted continuously",
    "مفتوح طوال العام", "مفتوحة طوال العام", "على مدار العام", "بشكل مستمر", "حتى إشغال",
    "حتى ملء", "دون موعد نهائي"))
_UNKNOWN = tuple(fold_arabic_chars(w) for w in (
    "غير محدد", "to be announced", "tba", "tbc", "see website", "see the website", "راجع الموقع"))
_CUE_WINDOW = 120   # characters after a cue in which its date is expected


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as 'Asia/Hebron'") from None


def _year_for(month: int, day: int, now: datetime) -> int:
    """A yearless date is the next such day on or after today."""
    year = now.year
    day = min(day, calendar.monthrange(year, month)[1])
    return year if (month, day) >= (now.month, now.day) else year + 1


def _ymd(m: re.Match, now: datetime) -> tuple[int, int, int] | None:
    groups = m.groupdict()
    if groups.get("edge") is not None or groups.get("edge_month") is not None:
        month = _MONTH_OF[m.group("month").lower()]
        day = _EDGES.get((groups.get("edge") or "end").lower(), 0)
        year = int(groups["year"]) if groups.get("year") else _year_for(month, 1, now)
        return year, month, day or calendar.monthrange(year, month)[1]
    if groups.get("a"):
        day, month = int(m.group("a")), int(m.group("b"))
        if month > 12 and day <= 12:     # only a US-style date can read this way
            day, month = month, day
        return int(m.group("year")), month, day
    month = int(groups["mnum"]) if groups.get("mnum") else _MONTH_OF[m.group("month").lower()]
    day = _ORDINAL_DAY[groups["ordinal"]] if groups.get("ordinal") else int(m.group("day"))
    year = int(groups["year"]) if groups.get("year") else _year_for(month, day, now)
    return year, month, day


def _instant(m: re.Match, now: datetime, zone_name: str) -> tuple[datetime, str] | None:
    ymd = _ymd(m, now)
    if ymd is None:
        return None
    groups = m.groupdict()
    tz_label = (groups.get("tz") or "").strip("()").upper()
    zone_name = _ZONES.get(tz_label, "UTC" if tz_label.startswith("UTC") else zone_name)
    hour, minute = 23, 59
    if groups.get("hour") and (groups.get("minute") or groups.get("ampm") or tz_label):
        hour, minute = int(groups["hour"]), int(groups.get("minute") or 0)
        ampm = (groups.get("ampm") or "").lower()
        if ampm.startswith(("p", "م")) and hour < 12:
            hour += 12
    try:
        local = datetime.combine(datetime(*ymd).date(), time(min(hour, 23), minute))
    except ValueError:
        return None
    return local.replace(tzinfo=_zone(zone_name)), zone_name


def _dates_in(folded: str, start: int, end: int) -> list[re.Match]:
    found = []
    for form in _DATE_FORMS:
        found.extend(form.finditer(folded, start, end))
    return sorted(found, key=lambda m: m.start())


def _positions(haystack: str, needles: tuple[str, ...]) -> list[tuple[int, int]]:
    found = []
    for needle in needles:
        at = haystack.find(needle)
        while at != -1:
            found.append((at, at + len(needle)))
            at = haystack.find(needle, at + 1)
    return sorted(found)


def _lowered(text: str) -> str:
    """Lower-cased text with the same offsets (a few letters lengthen when lowered)."""
    folded = text if text.isascii() else fold_arabic_chars(text)
    low = folded.lower()
    return low if len(low) == len(folded) else folded


def find_deadline(text: str, *, now: datetime, timezone: str = "Asia/Hebron") -> FoundDeadline | None:
    """The deadline a call states, or None when it states none.

    A date after a deadline cue ("deadline", "closes", "آخر موعد" …) wins; a lone date in text with
    no cue is not taken as a deadline (it may be a start date)."""
    _zone(timezone)
    low = _lowered(text or "")
    cues = _positions(low, _CUES)
    for start, end in cues:
        for m in _dates_in(low, end, min(len(low), end + _CUE_WINDOW)):
            found = _instant(m, now, timezone)
            if found:
                at, zone = found
                return FoundDeadline("date", at, zone, text[start:m.end()].strip())
    rolling = _positions(low, _ROLLING)
    if rolling:
        start, end = rolling[0]
        return FoundDeadline("rolling", None, None, text[start:end])
    if cues and _positions(low, _UNKNOWN):
        start, end = cues[0]
        return FoundDeadline("unknown", None, None, text[start:min(len(text), end + 40)].strip())
    return None


def days_until(deadline_at: datetime, now: datetime) -> int:
    """Whole days from `now` until a deadline (0 on the day itself)."""
    return max(0, (deadline_at - now) // timedelta(days=1))
