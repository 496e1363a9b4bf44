"""Deadline.calendar_span: the one rule every calendar (the digest's .ics, /feeds/calls.ics and the
limited-submission event) takes its DTSTART/DTEND from."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from fursa.storage import Deadline


def test_a_date_alone_is_that_whole_day_whatever_the_zone_it_was_stated_in():
    for zone in (None, "America/New_York", "Asia/Hebron", "Pacific/Kiritimati"):
        assert Deadline.on_day(date(2027, 1, 15), timezone=zone).calendar_span() == (date(2027, 1, 15),
                                                                                      date(2027, 1, 16))


def test_a_timed_deadline_is_its_instant_in_utc():
    at = datetime(2027, 3, 26, 23, 30, tzinfo=ZoneInfo("Asia/Hebron"))   # the night Hebron's clocks go forward
    start, end = Deadline.timed(at, "Asia/Hebron").calendar_span()
    assert start == end == at and start.tzinfo == timezone.utc


def test_no_date_no_event():
    with pytest.raises(ValueError, match="Deadline.dated"):
        Deadline(kind="rolling").calendar_span()
