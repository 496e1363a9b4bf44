"""Dates in source formats, English and Arabic; deadlines are dates, rolling, or unknown — never invented."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from fursa.crawlers.dates import deadline_from, instant_from, normalize_written_date

HEBRON = ZoneInfo("Asia/Hebron")


@pytest.mark.parametrize("written", [
    "15 كانون الثاني 2027",          # Levantine month name
    "١٥ كانون الثاني ٢٠٢٧",          # Arabic-Indic digits
    "15 يناير 2027",                 # Egyptian month name
    "15 جانفي 2027",                 # Maghrebi month name
    "آخر موعد للتقديم: 15/01/2027",  # day-first numeric
    "الخميس 15 كانون الثاني 2027م",  # weekday and the Gregorian-era mark
    "January 15, 2027",
    "15th January 2027",
])
def test_written_deadlines_in_english_and_arabic(written: str) -> None:
    deadline = deadline_from(written, "Asia/Hebron")
    assert deadline.kind == "date" and deadline.text == written
    assert deadline.at == datetime(2027, 1, 15, 23, 59, 59, tzinfo=HEBRON)   # a day with no time ends at 23:59:59
    assert deadline.timezone == "Asia/Hebron"


@pytest.mark.parametrize("month, number", [("شباط", 2), ("آذار", 3), ("نيسان", 4), ("أيار", 5), ("حزيران", 6), ("تموز", 7),
                                           ("آب", 8), ("أيلول", 9), ("تشرين الأول", 10), ("تشرين الثاني", 11),
                                           ("كانون الأول", 12), ("أغسطس", 8), ("أكتوبر", 10)])
def test_every_arabic_month_name(month: str, number: int) -> None:
    assert deadline_from(f"3 {month} 2026", "UTC").at.month == number


def test_times_and_zones_printed_by_sources() -> None:
    uk = deadline_from("16 June 2026 4:00pm UK time", "UTC")
    assert uk.at == datetime(2026, 6, 16, 16, 0, tzinfo=ZoneInfo("Europe/London")) and uk.timezone == "Europe/London"
    eu = deadline_from("2026-04-12T21:59:00+00:00", "UTC", shown="12 Apr 2026 - 23:59 (Europe/Brussels)")
    assert eu.at == datetime(2026, 4, 12, 21, 59, tzinfo=ZoneInfo("UTC")) and eu.timezone == "Europe/Brussels"
    assert eu.text == "12 Apr 2026 - 23:59 (Europe/Brussels)"


def test_us_dates_and_iso_dates() -> None:
    # A day with no time is that calendar date (date-only), not 23:59:59 New York, which is 18 August
    # 06:59 the next morning in Hebron.
    stated = deadline_from("08/18/2027", "America/New_York", "us")
    assert (stated.kind, stated.day, stated.date_only, stated.timezone) == ("date", date(2027, 8, 18), True, "America/New_York")
    assert stated.shown_day("Asia/Hebron") == date(2027, 8, 18)
    assert instant_from("06/29/2023", "America/New_York", "us") == datetime(2023, 6, 29, tzinfo=ZoneInfo("America/New_York"))
    assert deadline_from("2025-04-29T00:00:00.000+0000", "UTC", "iso").at == datetime(2025, 4, 29, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize("written", ["Rolling", "Open until filled", "ongoing", "مفتوح على مدار العام", "No deadline"])
def test_rolling_deadlines(written: str) -> None:
    deadline = deadline_from(written, "UTC")
    assert deadline.kind == "rolling" and deadline.at is None and deadline.text == written


@pytest.mark.parametrize("written", ["End October", "TBD", "see the call", "1970-01-01", "01/01/1970"])
def test_unreadable_or_placeholder_deadlines_stay_unknown_with_their_text(written: str) -> None:
    deadline = deadline_from(written, "UTC")
    assert deadline.kind == "unknown" and deadline.at is None and deadline.text == written


def test_empty_deadline_is_unknown_without_text() -> None:
    assert deadline_from("", "UTC").kind == "unknown" and deadline_from("  ", "UTC").text == ""


def test_normalization_keeps_western_text() -> None:
    assert normalize_written_date("٣ آذار ٢٠٢٦") == "3 March 2026"
