"""Feeds of approved calls for any filter: RSS and Atom (feedgen) and an iCalendar of deadlines.

Scraped text goes into feeds as text, never as markup: RSS descriptions are HTML by convention,
so they are HTML-escaped first; Atom summaries are typed "text". Every text (the query's words
too) loses the control characters XML 1.0 and iCalendar forbid before it is written: one such
character in a stored title or a `q` would otherwise make the whole feed unwritable.
"""
from __future__ import annotations

import html
from datetime import datetime
from typing import Sequence
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends
from feedgen.feed import FeedGenerator
from icalendar import Calendar, Event
from starlette.requests import Request
from starlette.responses import Response

from fursa.storage import Opportunity
from fursa.storage import CallQuery, search_calls
from fursa.web.deadlines import deadline_words
from fursa.web.fields import field_name
from fursa.web.filters import as_params, call_query
from fursa.web.labels import labeller
from fursa.web.params import strip_controls
from fursa.web.render import safe_href
from fursa.web.state import now_of, transaction, web_state

router = APIRouter(prefix="/feeds", include_in_schema=False)
FEED_SIZE = 50
CALENDAR_SIZE = 500
# Feeds are polled; a short cache keeps busy readers off the database.
CACHE = {"Cache-Control": "public, max-age=600"}
# Feeds are written in English (feed.language("en")): codes become English words.
_LABEL = labeller(lambda text: text)


def _title(query: CallQuery) -> str:
    """"Fursa calls: Scholarship, Master, Software and applications development and analysis": codes as names."""
    parts = [_LABEL("kind", query.kind) if query.kind else "", _LABEL("level", query.level) if query.level else "",
             field_name(query.discipline, "en") if query.discipline else "", query.text]
    parts = [part for part in parts if part]
    return strip_controls("Fursa calls" + (f": {', '.join(parts)}" if parts else ""))


def _rss_title(title: str) -> str:
    """RSS does not say whether a title is text or HTML and readers guess both ways; with angle
    brackets swapped for look-alikes a scraped title reads the same and can never become markup."""
    return strip_controls(title).replace("<", "\u2039").replace(">", "\u203a")


def _deadline(call: Opportunity, zone: ZoneInfo) -> str:
    """The deadline as the pages word it (storage.Deadline's rules), in English."""
    deadline = call.deadline
    if deadline.dated:
        return deadline_words(deadline, "en", zone)
    return "rolling" if deadline.kind == "rolling" else "see the call"


def _describe(call: Opportunity, zone: ZoneInfo) -> str:
    """"DAAD · Scholarship · Deadline: 15 January 2027", the parts a call has, then its summary."""
    parts = [call.provider.strip(), _LABEL("kind", call.kind) if call.kind else "",
             f"Deadline: {_deadline(call, zone)}"]
    head = " · ".join(part for part in parts if part)
    return strip_controls(f"{head}\n\n{call.summary}".strip())


def build_feed(calls: Sequence[Opportunity], query: CallQuery, base_url: str, now: datetime, zone: ZoneInfo, *,
               atom: bool) -> FeedGenerator:
    """A feed of `calls`; RSS and Atom differ in how they carry the text, so each is built for one format."""
    params = urlencode(as_params(query))
    feed = FeedGenerator()
    feed.id(f"{base_url}/?{params}")
    feed.title(_title(query))
    feed.subtitle("Scholarship, exchange and research-funding calls approved by Palestine Polytechnic University staff")
    feed.link(href=f"{base_url}/?{params}", rel="alternate")
    feed.language("en")
    feed.updated(now)
    for call in reversed(calls):  # feedgen prepends: reversed keeps the page order
        entry = feed.add_entry()
        link = f"{base_url}/calls/{call.id}"
        entry.id(link)
        entry.guid(link, permalink=True)
        entry.title(strip_controls(call.title) if atom else _rss_title(call.title))
        entry.link(href=link)
        entry.published(call.approved_at or call.first_seen_at)
        entry.updated(call.approved_at or call.last_seen_at)
        if atom:
            entry.summary(_describe(call, zone), type="text")
        else:
            entry.description(html.escape(_describe(call, zone)))
        entry.category(term=call.kind)
    return feed


def build_calendar(calls: Sequence[Opportunity], query: CallQuery, base_url: str, now: datetime,
                   zone: ZoneInfo) -> Calendar:
    """One event per dated deadline, by storage.Deadline's rules: a date-only deadline is an all-day
    event on its date (VALUE=DATE), a timed one starts at its instant (UTC). Calls with rolling or unknown
    deadlines have no date to show."""
    calendar = Calendar()
    calendar.add("prodid", "-//Fursa//Palestine Polytechnic University//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _title(query) + " – deadlines")
    for call in calls:
        deadline = call.deadline
        if not deadline.dated:
            continue
        limited = getattr(call, "limited", None)
        if limited is not None:   # a limited submission: the university's own deadline comes first
            calendar.add_component(_internal_event(call, limited.internal_deadline, base_url, now))
        event = Event()
        event.add("uid", f"call-{call.id}@fursa")
        event.add("dtstamp", now)
        start, end = deadline.calendar_span()
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", f"Deadline: {strip_controls(call.title)}")
        event.add("description", f"{_describe(call, zone)}\n\n{base_url}/calls/{call.id}")
        event.add("url", f"{base_url}/calls/{call.id}")
        href = safe_href(strip_controls(call.url))
        if href:
            event.add("attach", href)
        calendar.add_component(event)
    return calendar


def _internal_event(call: Opportunity, internal, base_url: str, now: datetime) -> Event:
    """A limited submission's internal deadline as its own event, by the same rules as the funder's."""
    event = Event()
    event.add("uid", f"internal-{call.id}@fursa")
    event.add("dtstamp", now)
    start, end = internal.calendar_span()
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", f"Internal deadline (limited submission): {strip_controls(call.title)}")
    event.add("url", f"{base_url}/calls/{call.id}")
    return event


def _feed(request: Request, query: CallQuery, limit: int, build) -> bytes:
    """The calls of `query`, made into a feed by `build` while the rows are at hand."""
    with transaction(request) as session:
        calls = search_calls(session, query, now_of(request), limit=limit).rows
        state = web_state(request)
        return build(calls, query, state.base_url, now_of(request), state.zone)


@router.get("/calls.rss")
def rss(request: Request, query: CallQuery = Depends(call_query)) -> Response:
    body = _feed(request, query, FEED_SIZE, lambda *a: build_feed(*a, atom=False).rss_str(pretty=True))
    return Response(body, media_type="application/rss+xml; charset=utf-8", headers=CACHE)


@router.get("/calls.atom")
def atom(request: Request, query: CallQuery = Depends(call_query)) -> Response:
    body = _feed(request, query, FEED_SIZE, lambda *a: build_feed(*a, atom=True).atom_str(pretty=True))
    return Response(body, media_type="application/atom+xml; charset=utf-8", headers=CACHE)


@router.get("/calls.ics")
def ics(request: Request, query: CallQuery = Depends(call_query)) -> Response:
    body = _feed(request, query, CALENDAR_SIZE, lambda *a: build_calendar(*a).to_ical())
    return Response(body, media_type="text/calendar; charset=utf-8", headers=CACHE)
