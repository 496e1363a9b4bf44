"""The deadlines of a digest as an iCalendar file, so a reader can put them in their calendar in one tap."""
from __future__ import annotations

from datetime import timedelta

from icalendar import Alarm, Calendar, Event

from digests.config import DeliveryConfig
from digests.formatting import clean_text, safe_url
from digests.records import Digest


def build_calendar(digest: Digest, config: DeliveryConfig, translations) -> bytes | None:
    """One VEVENT per dated deadline (UTC, with a reminder 3 days before); None if none is dated.

    The UID is stable per call, so importing next week's file updates an event instead of duplicating it.
    """
    seen: set[int] = set()
    calendar = Calendar()
    calendar.add("prodid", "-//Fursa//digests//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", translations.gettext("Fursa deadlines"))
    for item in digest.closing_soon + digest.items:
        if item.deadline_at is None or item.opportunity_id in seen:
            continue
        seen.add(item.opportunity_id)
        title = clean_text(item.title, 200) or translations.gettext("(untitled call)")
        event = Event()
        event.add("uid", f"deadline-{item.opportunity_id}@{config.list_id}")
        event.add("dtstamp", digest.generated_at)
        event.add("dtstart", item.deadline_at)
        event.add("dtend", item.deadline_at)
        event.add("summary", translations.gettext("Deadline: %(title)s") % {"title": title})
        url = safe_url(item.url)
        if url:
            event.add("url", url)
            event.add("description", url)
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", timedelta(days=-3))
        alarm.add("description", translations.gettext("Deadline: %(title)s") % {"title": title})
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical() if seen else None
