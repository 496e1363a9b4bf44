"""The deadlines of a digest as an iCalendar file, so a reader can put them in their calendar in one tap."""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from icalendar import Alarm, Calendar, Event

from fursa.storage import Deadline

from fursa.digests.config import DeliveryConfig
from fursa.digests.formatting import clean_text, safe_url
from fursa.digests.records import Digest

_END = b"END:VCALENDAR\r\n"


def build_calendar(digest: Digest, config: DeliveryConfig, translations) -> bytes | None:
    """One VEVENT per dated deadline, with a reminder 3 days before; None if no deadline is dated.

    By storage.Deadline's rules: a date-only deadline is an all-day event on its date (VALUE=DATE),
    a timed one starts at its instant (UTC), so a calendar in any zone shows it right.

    The UID is stable per call, so importing next week's file updates an event instead of duplicating it.
    Events are cached per (call, language, run): ten thousand digests share a few hundred calls.
    """
    seen: set[int] = set()
    events = []
    for item in digest.closing_soon + digest.items:
        if not item.deadline.dated or item.opportunity_id in seen:
            continue
        seen.add(item.opportunity_id)
        if item.internal_deadline.dated:   # a limited submission: the university's own deadline comes first
            events.append(_event(item.opportunity_id, item.title, item.url, item.internal_deadline,
                                 digest.generated_at, config.list_id, translations, internal=True))
        events.append(_event(item.opportunity_id, item.title, item.url, item.deadline, digest.generated_at,
                             config.list_id, translations))
    if not events:
        return None
    return _calendar_head(translations) + b"".join(events) + _END


@lru_cache(maxsize=8)
def _calendar_head(translations) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Fursa//digests//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", translations.gettext("Fursa deadlines"))
    data = calendar.to_ical()
    return data[: data.rindex(_END)]


@lru_cache(maxsize=4096)
def _event(opportunity_id: int, title: str, url: str, deadline: Deadline, stamp: datetime, list_id: str,
           translations, internal: bool = False) -> bytes:
    words = translations.gettext("Internal deadline: %(title)s") if internal else translations.gettext(
        "Deadline: %(title)s")
    summary = words % {"title": clean_text(title, 200) or translations.gettext("(untitled call)")}
    event = Event()
    event.add("uid", f"{'internal-' if internal else ''}deadline-{opportunity_id}@{list_id}")
    event.add("dtstamp", stamp)
    start, end = deadline.calendar_span()
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    if safe_url(url):
        event.add("url", safe_url(url))
    event.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(days=-3))
    alarm.add("description", summary)
    event.add_component(alarm)
    return event.to_ical()
