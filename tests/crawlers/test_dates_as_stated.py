"""Crawled deadlines as the source states them: a day alone is a date, a time keeps its instant and zone,
an RFC 2822 offset is kept (issue 14: the written-date reader read "Thu, 15 Jan 2027 17:00:00 +0100" as
17:00 in the source's zone, dropping the offset)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from fursa.crawlers.dates import deadline_from, read_date


@pytest.mark.parametrize("written, utc", [
    ("Thu, 15 Jan 2027 17:00:00 +0100", datetime(2027, 1, 15, 16, 0)),
    ("Fri, 15 Jan 2027 17:00:00 GMT", datetime(2027, 1, 15, 17, 0)),
    ("15 Jan 2027 17:00 -0500", datetime(2027, 1, 15, 22, 0)),
    ("Thu, 15 Jul 2027 09:30:00 EDT", datetime(2027, 7, 15, 13, 30)),
])
def test_rfc_2822_dates_keep_their_offset_whatever_the_source_zone(written, utc):
    parsed = read_date(written, "Asia/Hebron")
    assert parsed.has_time and parsed.at.astimezone(timezone.utc).replace(tzinfo=None) == utc


def test_an_offset_that_is_the_source_zones_keeps_the_zone_name():
    parsed = read_date("Thu, 15 Jan 2027 17:00:00 +0200", "Asia/Hebron")
    assert parsed.zone == "Asia/Hebron" and parsed.at.hour == 17
    assert read_date("Thu, 15 Jan 2027 17:00:00 +0100", "Asia/Hebron").zone == "UTC"   # an offset names no place


@pytest.mark.parametrize("written, zone, style, day", [
    ("01/15/2027", "America/New_York", "us", date(2027, 1, 15)),
    ("2027-01-15", "Pacific/Auckland", "iso", date(2027, 1, 15)),
    ("15 January 2027", "America/Los_Angeles", "auto", date(2027, 1, 15)),
    ("١٥ كانون الثاني ٢٠٢٧", "Asia/Hebron", "auto", date(2027, 1, 15)),
])
def test_a_day_alone_is_that_date_in_every_zone(written, zone, style, day):
    deadline = deadline_from(written, zone, style)
    assert deadline.date_only and deadline.day == day and deadline.timezone == zone
    for reader in ("Asia/Hebron", "UTC", "America/New_York", "Pacific/Auckland"):
        assert deadline.shown_day(reader) == day and deadline.local(reader) is None


@pytest.mark.parametrize("written", ["15/01/2027 17:00", "15.01.2027 5:00 pm", "15-01-2027, 17:00"])
def test_a_numeric_date_with_a_time_keeps_the_time(written):
    deadline = deadline_from(written, "Europe/Brussels")
    assert not deadline.date_only
    assert deadline.at == datetime(2027, 1, 15, 16, 0, tzinfo=timezone.utc)
