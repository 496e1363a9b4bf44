"""Deadlines in English and Arabic call text.

Reads "closes 15 March 2025", "Deadline: May 29", "2025-03-15 17:00 CET", "آخر موعد للتقديم
١٥ آذار ٢٠٢٥", "حتى 30 يونيو", month names in English, Levantine, Egyptian/Gulf and Maghrebi
Arabic, Hijri dates ("16 من رمضان 1436هـ", through the Umm al-Qura calendar), "2023/07/01م",
relative days ("حتى السبت المقبل", "next Friday") and the rolling kind ("open until filled"). A date
with no time closes at the end of that day in the given zone.

A date without a year is the next such day on or after the call's publication date, never after
today: a call published years ago must not look open. With no publication date such a deadline
is kept as words (kind "unknown", `year_unknown`), not as a date.
"""
from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hijridate import Gregorian, Hijri

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
# Hijri months in folded letter forms (ى→ي, ة→ه, أ/إ/آ→ا), as Saudi notices write them.
_HIJRI_MONTHS = {
    1: ["محرم"], 2: ["صفر"], 3: ["ربيع الاول"], 4: ["ربيع الثاني", "ربيع الاخر"],
    5: ["جمادي الاولي", "جمادي الاول"], 6: ["جمادي الاخره", "جمادي الثانيه", "جمادي الاخر"], 7: ["رجب"],
    8: ["شعبان"], 9: ["رمضان"], 10: ["شوال"], 11: ["ذو القعده", "ذي القعده"], 12: ["ذو الحجه", "ذي الحجه"],
}
_HIJRI_MONTH_OF = {name: num for num, names in _HIJRI_MONTHS.items() for name in names}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
             "الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4, "السبت": 5, "الاحد": 6}
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

_HM = rf"(?P<hmonth>{_alternation(_HIJRI_MONTH_OF)})"
_HY = r"(?P<hyear>14\d\d)(?!\d)\s*(?:ه(?:ـ)?|هجري[هي]?)?"
_NEXT = r"(?:المقبل|القادم|المقبله|القادمه)"
_RELATIVE_FORMS = [
    re.compile(rf"(?:يوم\s+)?(?P<weekday>{_alternation(k for k in _WEEKDAYS if not k.isascii())})\s+{_NEXT}"),
    re.compile(r"\b(?:next|this coming)\s+(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
               re.IGNORECASE),
]

_DATE_FORMS = [
    # Hijri first: "16 رمضان 1436هـ الموافق 3 يوليو 2015م" names one day twice.
    re.compile(_NOT_AFTER_WORD + rf"{_D}\s*(?:من\s+(?:شهر\s+)?|شهر\s+)?{_HM}(?:\s*(?:من\s+عام\s+|عام\s+)?{_HY})?"
               rf"{_NOT_BEFORE_LETTER}"),
    re.compile(_NOT_AFTER_LETTER + rf"(?P<ordinal>{_alternation(_ORDINAL_DAY)})\s+من\s+(?:شهر\s+)?{_HM}(?:\s*{_HY})?"),
    # Numeric Hijri dates, as Saudi notices write them: "14/10/1436هـ", "16 / 11 / 1436 هـ", "1436/10/14".
    re.compile(r"(?<![\d/.])(?P<day>[0-3]?\d)\s*/\s*(?P<hmnum>[01]?\d)\s*/\s*(?P<hyear>14\d\d)(?!\d)"),
    re.compile(r"(?<![\d/.])(?P<hyear>14\d\d)\s*/\s*(?P<hmnum>[01]?\d)\s*/\s*(?P<day>[0-3]?\d)(?![\d/])"),
    # "من" is required: "الثاني" and "الاول" also end the month names "كانون الثاني", "تشرين الاول"
    re.compile(_NOT_AFTER_LETTER + rf"(?P<ordinal>{_alternation(_ORDINAL_DAY)})\s+من\s+{_M}{_SEP}(?:{_Y})?"
               rf"{_NOT_BEFORE_LETTER}{_TIME}", re.IGNORECASE),
    re.compile(_NOT_AFTER_WORD + rf"{_D}\s*(?:of\s+)?{_M}{_SEP}(?:{_Y})?{_NOT_BEFORE_LETTER}{_TIME}", re.IGNORECASE),
    re.compile(_NOT_AFTER_LETTER + rf"{_M}\s+{_D}(?:,?\s*{_Y})?{_NOT_BEFORE_LETTER}{_TIME}", re.IGNORECASE),
    re.compile(rf"\b{_Y}[-/](?P<mnum>[01]?\d)[-/](?P<day>[0-3]?\d)(?:[T ](?P<hour>[0-2]\d):(?P<minute>[0-5]\d)"
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
# "من 1 إلى 30/11/1436هـ", "from 1 to 30 June": the end of a range that starts with a bare day.
_RANGE = re.compile(r"(?:من|بدءا من|اعتبارا من|ابتداء من|from)\s+(?:تاريخ\s+)?[0-3]?\d[^.\n]{0,30}?\s(?:الي|حتي|to|until)\s+")
# "يوم الأحد المقبل ولمدة أسبوع": a start day and how long applications stay open.
_DURATION = re.compile(r"^(?:(?!\.\s)[^\n]){0,90}?(?:ولمده|لمده|ويستمر|ويستمر لمده|تستمر لمده|for)\s+(?P<span>اسبوع|اسبوعين|يومين|"
                       r"ثلاثه ايام|اربعه ايام|خمسه ايام|سته ايام|سبعه ايام|عشره ايام|شهر|a week|one week|two weeks|ten days)")
_SPAN_DAYS = {"اسبوع": 7, "اسبوعين": 14, "يومين": 2, "ثلاثه ايام": 3, "اربعه ايام": 4, "خمسه ايام": 5,
              "سته ايام": 6, "سبعه ايام": 7, "عشره ايام": 10, "شهر": 30, "a week": 7, "one week": 7,
              "two weeks": 14, "ten days": 10}
_CUE_WINDOW = 120   # characters after a cue in which its date is expected


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as 'Asia/Hebron'") from None


class YearUnknown(Exception):
    """Raised inside this module when a date has no year and the call no publication date."""


def _year_for(month: int, day: int, published: date | None) -> int:
    """A yearless date is the next such day on or after the call's publication date."""
    if published is None:
        raise YearUnknown
    year = published.year
    day = min(day, calendar.monthrange(year, month)[1])
    return year if (month, day) >= (published.month, published.day) else year + 1


def _hijri_ymd(m: re.Match, published: date | None) -> tuple[int, int, int] | None:
    groups = m.groupdict()
    month = int(groups["hmnum"]) if groups.get("hmnum") else _HIJRI_MONTH_OF[groups["hmonth"]]
    day = _ORDINAL_DAY[groups["ordinal"]] if groups.get("ordinal") else int(groups["day"])
    if not 1 <= month <= 12 or not 1 <= day <= 30:
        return None
    if groups.get("hyear"):
        year = int(m.group("hyear"))
    else:
        if published is None:
            raise YearUnknown
        today = Gregorian(published.year, published.month, published.day).to_hijri()
        year = today.year if (month, day) >= (today.month, today.day) else today.year + 1
    for last in (day, day - 1):   # "30/11" of a 29-day month means its last day
        try:
            gregorian = Hijri(year, month, last).to_gregorian()
        except (ValueError, OverflowError):
            continue
        return gregorian.year, gregorian.month, gregorian.day
    return None


def _ymd(m: re.Match, published: date | None) -> tuple[int, int, int] | None:
    groups = m.groupdict()
    if groups.get("hmonth") or groups.get("hmnum"):
        return _hijri_ymd(m, published)
    if groups.get("edge") is not None or groups.get("edge_month") is not None:
        month = _MONTH_OF[m.group("month").lower()]
        day = _EDGES.get((groups.get("edge") or "end").lower(), 0)
        year = int(groups["year"]) if groups.get("year") else _year_for(month, 1, published)
        return year, month, day or calendar.monthrange(year, month)[1]
    if groups.get("a"):
        day, month = int(m.group("a")), int(m.group("b"))
        if month > 12 and day <= 12:     # only a US-style date can read this way
            day, month = month, day
        return int(m.group("year")), month, day
    month = int(groups["mnum"]) if groups.get("mnum") else _MONTH_OF[m.group("month").lower()]
    day = _ORDINAL_DAY[groups["ordinal"]] if groups.get("ordinal") else int(m.group("day"))
    year = int(groups["year"]) if groups.get("year") else _year_for(month, day, published)
    return year, month, day


def _instant(m: re.Match, published: date | None, zone_name: str) -> tuple[datetime, str] | None:
    ymd = _ymd(m, published)
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


def _relative(low: str, start: int, end: int, published: date | None) -> tuple[re.Match, date] | None:
    """"حتى السبت المقبل", "next Friday": the next such weekday after the publication date."""
    for form in _RELATIVE_FORMS:
        m = form.search(low, start, end)
        if m:
            if published is None:
                raise YearUnknown
            ahead = (_WEEKDAYS[m.group("weekday").lower()] - published.weekday()) % 7 or 7
            return m, published + timedelta(days=ahead)
    return None


_OPENING = tuple(fold_arabic_chars(w) for w in (
    "يفتح باب التقديم", "سيفتح باب التقديم", "فتح باب التقديم", "يبدا التقديم", "سيبدا التقديم", "تبدا", "يبدا",
    "applications open", "application opens", "applications will open"))


_SPAN = (r"(?P<span>اسبوع|اسبوعين|يومين|ثلاثه ايام|اربعه ايام|خمسه ايام|سته ايام|سبعه ايام|عشره ايام|شهر|a week|"
         r"one week|two weeks|ten days)")
# "يستمر التقديم لمدة أسبوعين من تاريخه": open for a span from the day the notice was published.
_SPAN_FROM_NOTICE = re.compile(rf"(?:لمده|خلال)\s+{_SPAN}\s+من\s+(?:تاريخه|تاريخ\s+(?:الاعلان|النشر|اليوم)|اليوم)")
# "خلال أسبوع اعتبارا من الأحد المقبل": the span first, then the day it starts.
_SPAN_THEN_START = re.compile(rf"(?:لمده|خلال)\s+{_SPAN}\s+(?:اعتبارا|ابتداء|بدءا)\s+من\s+")


def _span_reckoned(text: str, low: str, published: date | None, timezone: str) -> FoundDeadline | None:
    """Deadlines written as a span: from the notice's own date, or from a start day named after it."""
    if published is None:
        return None
    notice = _SPAN_FROM_NOTICE.search(low)
    if notice:
        last = published + timedelta(days=_SPAN_DAYS[notice.group("span")])
        return FoundDeadline("date", datetime.combine(last, time(23, 59)).replace(tzinfo=_zone(timezone)), timezone,
                             text[notice.start():notice.end()].strip())
    for found in _SPAN_THEN_START.finditer(low):
        window = min(len(low), found.end() + 40)
        start = _relative(low, found.end(), window, published)
        dates = [(m, _ymd(m, published)) for m in _dates_in(low, found.end(), window)]
        day = start[1] if start else next((date(*ymd) for _, ymd in dates if ymd), None)
        if day:
            last = day + timedelta(days=_SPAN_DAYS[found.group("span")] - 1)
            return FoundDeadline("date", datetime.combine(last, time(23, 59)).replace(tzinfo=_zone(timezone)), timezone,
                                 text[found.start():window].strip())
    return None


def _opened_for_a_span(text: str, low: str, published: date | None, timezone: str) -> FoundDeadline | None:
    """"سيفتح باب التقديم يوم الأحد المقبل ولمدة أسبوع": the day it opens plus how long it stays open."""
    for start, end in _positions(low, _OPENING):
        window = min(len(low), end + _CUE_WINDOW)
        try:
            dates = [(m, _ymd(m, published)) for m in _dates_in(low, end, window)]
            relative = _relative(low, end, window, published)
        except YearUnknown:
            return None
        found = [(m, date(*ymd)) for m, ymd in dates if ymd] + ([relative] if relative else [])
        for m, day in sorted(found, key=lambda pair: pair[0].start()):
            span = _DURATION.search(low[m.end():m.end() + 100])
            if span:
                last = day + timedelta(days=_SPAN_DAYS[span.group("span")] - 1)
                at = datetime.combine(last, time(23, 59)).replace(tzinfo=_zone(timezone))
                return FoundDeadline("date", at, timezone, text[start:m.end() + span.end()].strip())
    return None


# A date right after these words is when applications open, not when they close.
_STARTS = re.compile(r"(?:من|اعتبارا من|ابتداء من|بدءا من|يفتح|from|starting|starts|opens|opening|open on)\s+(?:يوم\s+|تاريخ\s+|on\s+)?$")


def _after_cue(text: str, low: str, start: int, end: int, published: date | None, timezone: str) -> FoundDeadline | None:
    """The deadline in the words after one cue: the first closing date, or a relative day."""
    window = min(len(low), end + _CUE_WINDOW)
    try:
        relative = _relative(low, end, window, published)
        opening_until = -1
        for m in _dates_in(low, end, window):
            if relative and relative[0].start() < m.start():
                break   # "حتى يوم الخميس القادم" comes before a dateline's date
            if m.start() < opening_until:
                continue   # a shorter reading of the opening date ("أكتوبر 2026" inside "8 أكتوبر 2026")
            if _STARTS.search(low[max(end, m.start() - 16):m.start()]):
                opening_until = m.end()
                continue
            found = _instant(m, published, timezone)
            if found:
                at, zone = found
                return FoundDeadline("date", at, zone, text[start:m.end()].strip())
    except YearUnknown:
        return FoundDeadline("unknown", None, None, text[start:window].strip(), year_unknown=True)
    if relative:
        m, day = relative
        span = _DURATION.search(low[m.end():m.end() + 100])
        if span:   # opens that day and stays open for the span: the last day is the deadline
            day += timedelta(days=_SPAN_DAYS[span.group("span")] - 1)
        at = datetime.combine(day, time(23, 59)).replace(tzinfo=_zone(timezone))
        return FoundDeadline("date", at, timezone, text[start:m.end()].strip())
    return None


def find_deadline(text: str, *, published: date | None, timezone: str = "Asia/Hebron") -> FoundDeadline | None:
    """The deadline a call states, or None when it states none.

    A date after a deadline cue ("deadline", "closes", "آخر موعد" …) wins; a lone date in text with
    no cue is not taken as a deadline (it may be a start date). `published` is the day the source
    published the call: dates without a year, Hijri ones included, and relative days are read from
    it; without it they come back as kind "unknown" with `year_unknown` set."""
    _zone(timezone)
    low = _lowered(text or "")
    cues = sorted(_positions(low, _CUES) + [(m.start(), m.end()) for m in _RANGE.finditer(low)])
    for start, end in cues:
        found = _after_cue(text, low, start, end, published, timezone)
        if found:
            return found
    opened = _opened_for_a_span(text, low, published, timezone) or _span_reckoned(text, low, published, timezone)
    if opened:
        return opened
    rolling = _positions(low, _ROLLING)
    if rolling:
        start, end = rolling[0]
        return FoundDeadline("rolling", None, None, text[start:end])
    if cues and _positions(low, _UNKNOWN):
        start, end = cues[0]
        return FoundDeadline("unknown", None, None, text[start:min(len(text), end + 40)].strip())
    return None


def days_until(deadline_at: datetime, now: datetime, zone: str = "Asia/Hebron") -> int:
    """Calendar days in `zone` from `now` to the deadline's date there (0 on the day itself, "closes today").

    The rule of storage.Deadline, which every page and e-mail counts by: a stored deadline is the
    instant applications close, and a date-only deadline closes at the end of its own date in Hebron,
    so its date there is the date the source stated. Counting whole 24-hour spans instead would say
    "closes today" on the eve of a deadline and disagree with the pages."""
    here = _zone(zone)
    return max(0, (deadline_at.astimezone(here).date() - now.astimezone(here).date()).days)
