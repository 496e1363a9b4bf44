"""Feeds say what a person reads on the pages (issue 14): titles name the filter's field, kind and level
instead of their codes, and a call's description joins only the parts it has."""
from __future__ import annotations

import html
import xml.etree.ElementTree as ET

from icalendar import Calendar

from fursa.web.fields import field_name


def test_feed_titles_name_the_field_kind_and_level(client, make_call):
    make_call("Pharmacy master scholarship", status="approved", kind="scholarship", levels=["master"],
              disciplines=["0916"])
    rss = ET.fromstring(client.get("/feeds/calls.rss?field=0916&kind=scholarship&level=master").content)
    title = rss.findtext("./channel/title")
    assert title == f"Fursa calls: Scholarship, Master, {field_name('0916', 'en')}"
    assert "0916" not in title and "scholarship" not in title
    calendar = Calendar.from_ical(client.get("/feeds/calls.ics?field=0916").content)
    assert str(calendar["X-WR-CALNAME"]) == f"Fursa calls: {field_name('0916', 'en')} – deadlines"


def test_descriptions_join_only_the_parts_a_call_has(client, make_call):
    make_call("A call without a provider", status="approved", kind="scholarship", provider="")
    rss = ET.fromstring(client.get("/feeds/calls.rss").content)
    (item,) = rss.iter("item")
    description = html.unescape(item.findtext("description"))
    assert description.startswith("Scholarship · Deadline: "), description
    assert " · · " not in description and not description.startswith("·")
    event = Calendar.from_ical(client.get("/feeds/calls.ics").content).walk("VEVENT")[0]
    assert str(event["DESCRIPTION"]).startswith("Scholarship · Deadline: ")
