"""Deadlines in English and Arabic wording, with zones, rolling and unknown kinds."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from fursa.matching import find_deadline

NOW = datetime(2025, 1, 10, 9, 0, tzinfo=timezone.utc)
HEBRON = ZoneInfo("Asia/Hebron")


@pytest.mark.parametrize("text, expected", [
    ("Deadline: 15 March 2025", (2025, 3, 15)),
    ("Applications close on March 15, 2025.", (2025, 3, 15)),
    ("The closing date is 15th of March 2025", (2025, 3, 15)),
    ("Submission deadline 2025-03-15", (2025, 3, 15)),
    ("Apply by 15/03/2025", (2025, 3, 15)),
    ("Deadline: 03/25/2025", (2025, 3, 25)),                       # only a US reading is possible
    ("Deadline: May 29", (2025, 5, 29)),                            # yearless: the next May 29
    ("Deadline: January 5", (2026, 1, 5)),                          # already past this year
    ("Application close: End October", (2025, 10, 31)),
    ("Deadline: mid April 2025", (2025, 4, 15)),
    ("Deadline: March 2025", (2025, 3, 31)),
    ("آخر موعد للتقديم 15 آذار 2025", (2025, 3, 15)),              # Levantine month
    ("آخر موعد للتقديم ١٥ آذار ٢٠٢٥", (2025, 3, 15)),               # Arabic-Indic digits
    ("يستمر استقبال الطلبات حتى 30 حزيران 2025", (2025, 6, 30)),
    ("الموعد النهائي: 1 تشرين الأول 2025", (2025, 10, 1)),          # two-word month
    ("الموعد النهائي 10 كانون الثاني 2026", (2026, 1, 10)),
    ("آخر موعد للتقديم هو 20 مارس 2025", (2025, 3, 20)),           # Egyptian/Gulf month
    ("حتى موعد أقصاه 5 أغسطس 2025", (2025, 8, 5)),
    ("آخر أجل 12 جوان 2025", (2025, 6, 12)),                        # Maghrebi month
    ("آخر موعد نهاية شهر أيار", (2025, 5, 31)),
    ("تقبل الطلبات حتى الأول من حزيران 2025", (2025, 6, 1)),        # ordinal day words
    ("آخر موعد للتقديم الخامس عشر من آذار ٢٠٢٥", (2025, 3, 15)),
    ("الموعد النهائي: الحادي والثلاثين من أيار 2025", (2025, 5, 31)),
    ("آخر موعد الثاني عشر من كانون الثاني 2026", (2026, 1, 12)),      # "الثاني" also ends the month
    ("آخر موعد للتقديم نهاية تشرين الأول من عام 2025", (2025, 10, 31)),  # "الأول من عام" is no day
])
def test_dated_deadlines(text, expected):
    found = find_deadline(text, published=NOW.date())
    assert found is not None and found.kind == "date"
    assert found.at.astimezone(HEBRON).timetuple()[:3] == expected
    assert found.at.tzinfo is not None


def test_a_date_without_a_time_closes_at_the_end_of_the_day_in_the_zone():
    found = find_deadline("Deadline: 15 March 2025", published=NOW.date())
    assert (found.at.hour, found.at.minute) == (23, 59)
    assert found.timezone == "Asia/Hebron"
    assert find_deadline("Deadline: 15 March 2025", published=NOW.date(), timezone="Europe/Berlin").timezone == "Europe/Berlin"


def test_explicit_time_and_zone_are_honoured():
    found = find_deadline("Applications close March 15, 2025 at 5pm EST", published=NOW.date())
    assert found.at == datetime(2025, 3, 15, 17, 0, tzinfo=ZoneInfo("America/New_York"))
    cet = find_deadline("Deadline 2025-03-15 17:00 CET", published=NOW.date())
    assert cet.at.astimezone(timezone.utc).hour == 16


def test_words_come_back_as_found():
    found = find_deadline("Good news. Deadline: 15 March 2025. Apply now.", published=NOW.date())
    assert found.text == "Deadline: 15 March 2025"


@pytest.mark.parametrize("text", [
    "Applications are reviewed on a rolling basis.",
    "The position is open until filled.",
    "Applications are accepted year-round.",
    "التقديم مفتوح طوال العام",
])
def test_rolling_deadlines(text):
    found = find_deadline(text, published=NOW.date())
    assert found.kind == "rolling" and found.at is None


def test_unknown_deadline_when_stated_but_unreadable():
    found = find_deadline("الموعد النهائي: غير محدد - راجع الموقع الرسمي", published=NOW.date())
    assert found.kind == "unknown"
    assert find_deadline("Deadline: to be announced", published=NOW.date()).kind == "unknown"


@pytest.mark.parametrize("text", [
    "", "The programme started on 15 March 2020.", "In 2015 March was cold.",
    "grammar 12 students", "We study 3/4 of the samples.",
])
def test_no_deadline(text):
    assert find_deadline(text, published=NOW.date()) is None


def test_an_unknown_zone_is_an_actionable_error():
    with pytest.raises(ValueError, match="IANA"):
        find_deadline("Deadline: 15 March 2025", published=NOW.date(), timezone="Mars/Olympus")


# ---- read against the publication date, never today (invented sentences) ----
PUBLISHED = date(2015, 7, 21)


@pytest.mark.parametrize("text, expected", [
    ("آخر موعد للتقديم 30 يونيو", "2016-06-30"),             # the next 30 June after publication
    ("Deadline: May 29", "2016-05-29"),
    ("Deadline: 25 July", "2015-07-25"),
    ("آخر موعد للتقديم 16 من رمضان 1436هـ", "2015-07-03"),   # Hijri with its year
    ("ويستمر التقديم حتى الـ 16 / 11 / 1436 هـ", "2015-08-31"),  # numeric Hijri
    ("حتى السابع والعشرين من شوال القادم", "2015-08-12"),    # ordinal Hijri day, year from publication
    ("آخر موعد 2023/07/01م", "2023-07-01"),
    ("آخر موعد للتقديم 22/12/2025", "2025-12-22"),
    ("يستمر التقديم حتى السبت المقبل", "2015-07-25"),         # published on a Tuesday
    ("Applications close next Friday.", "2015-07-24"),
    ("التقديم بدءًا من تاريخ 1 إلى 30 /11 / 1436هـ", "2015-09-13"),   # "30" of a 29-day month: its last day
    ("سيفتح باب التقديم يوم الأحد المقبل ولمدة أسبوع", "2015-08-01"),
    ("آخر أجل للتقديم 15 جوان 2026", "2026-06-15"),            # Maghrebi month names
    ("آخر موعد 10 أفريل 2026", "2026-04-10"),
])
def test_deadlines_are_read_against_the_publication_date(text: str, expected: str) -> None:
    found = find_deadline(text, published=PUBLISHED)
    assert found is not None and found.kind == "date", found
    assert found.at.date().isoformat() == expected


@pytest.mark.parametrize("text", ["Deadline: May 29", "آخر موعد للتقديم 16 من رمضان", "حتى السبت المقبل"])
def test_without_a_publication_date_a_yearless_deadline_stays_words(text: str) -> None:
    found = find_deadline(text, published=None)
    assert found is not None and found.kind == "unknown" and found.year_unknown and found.at is None
    assert found.text


def test_the_date_applications_open_is_not_the_deadline() -> None:
    found = find_deadline("الموعد النهائي: يفتح باب التقديم من 8 أكتوبر 2026 حتى 29 أكتوبر 2026", published=None)
    assert found.at.date().isoformat() == "2026-10-29"


def test_a_weekday_after_the_cue_wins_over_a_dateline() -> None:
    found = find_deadline("التقديم حتى يوم الخميس القادم\nأملج 26 شوال 1436 هـ", published=date(2015, 8, 11))
    assert found.at.date().isoformat() == "2015-08-13"


def test_the_tagger_flags_a_deadline_whose_year_it_cannot_know() -> None:
    from fursa.matching import tag_item
    tagging = tag_item("Scholarship", "Deadline: May 29", published=None)
    assert "deadline_year_unknown" in tagging.flags and tagging.deadline.at is None
    dated = tag_item("Scholarship", "Deadline: May 29", published=date(2019, 6, 1))
    assert dated.deadline.at.date().isoformat() == "2020-05-29" and "deadline_year_unknown" not in dated.flags


@pytest.mark.parametrize("text, expected", [
    ("حيث يستمر التقديم لمدة أسبوعين من تاريخه.", "2015-08-04"),            # two weeks from the notice's date
    ("التقديم خلال أسبوع اعتبارا من الأحد المقبل.", "2015-08-01"),           # next Sunday (26 July) + a week
    ("فترة التقديم لمدة عشرة أيام اعتبارا من 10/10/1436هـ إلى 21/10/1436هـ", "2015-08-06"),
])
def test_deadlines_written_as_a_span(text: str, expected: str) -> None:
    found = find_deadline(text, published=PUBLISHED)
    assert found is not None and found.at.date().isoformat() == expected
