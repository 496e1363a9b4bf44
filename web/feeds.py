"""Feeds of approved calls for any filter: RSS and Atom (feedgen) and an iCalendar of deadlines.

Scraped text goes into feeds as text, never as markup: RSS descriptions are HTML by convention,
so they are HTML-escaped first; Atom summaries are typed "text". Every text (the query's words
too) loses the control characters XML 1.0 and iCalendar forbid before it is written: one such
character in a stored title or a `q` would otherwise make the whole feed unwritable.
"""
from __future__ import annotations

import html
from datetime import datetime, timedelta
from typing import Sequence
from urllib.parse import urlencode

from fastapi import APIRouter, Depends
from feedgen.feed import FeedGenerator
from icalendar import Calendar, Event
from starlette.requests import Request
from starlette.responses import Response

from fursa.storage import Opportunity
from fursa.storage import CallQuery, search_calls
from fursa.web.filters import as_params, call_query
from fursa.web.params import strip_controls
from fursa.web.render import safe_href
from fursa.web.state import now_of, transaction, web_state

router = APIRouter(prefix="/feeds", include_in_schema=False)
FEED_SIZE = 50
CALENDAR_SIZE = 500
# Feeds are polled; a short cache keeps busy readers off the database.
CACHE = {"Cache-Control": "public, max-age=600"}


def _title(query: CallQuery) -> str:
    parts = [value for value in (query.kind, query.level, query.discipline, query.text) if value]
    return strip_controls("Fursa calls" + (f": {', '.join(parts)}" if parts else ""))


def _rss_title(title: str) -> str:
    """RSS does not say whether a title is text or HTML and readers guess both ways; with angle
    brackets swapped for look-alikes a scraped title reads the same and can never become markup."""
    return strip_controls(title).replace("<", "\u2039").replace(">", "\u203a")


def _describe(call: Opportunity) -> str:
    deadline = call.deadline_at.date().isoformat() if call.deadline_at else call.deadline_kind
    return strip_controls(f"{call.provider} · {call.kind} · deadline: {deadline}\n\n{call.summary}".strip())


def build_feed(calls: Sequence[Opportunity], query: CallQuery, base_url: str, now: datetime, *,
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
            entry.summary(_describe(call), type="text")
        else:
            entry.description(html.escape(_describe(call)))
        entry.category(term=call.kind)
    return feed


def build_calendar(calls: Sequence[Opportunity], query: CallQuery, base_url: str, now: datetime) -> Calendar:
    """One all-day event per deadline; calls with rolling or unknown deadlines have no date to show."""
    calendar = Calendar()
    calendar.add("prodid", "-//Fursa//Palestine Polytechnic University//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _title(query) + " – deadlines")
    for call in calls:
        if call.deadline_at is None:
            continue
        event = Event()
        event.add("uid", f"call-{call.id}@fursa")
        event.add("dtstamp", now)
        day = call.deadline_at.date()
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", f"Deadline: {strip_controls(call.title)}")
        event.add("description", f"{_describe(call)}\n\n{base_url}/calls/{call.id}")
        event.add("url", f"{base_url}/calls/{call.id}")
        href = safe_href(strip_controls(call.url))
        if href:
            event.add("attach", href)
        calendar.add_component(event)
    return calendar


def _feed(request: Request, query: CallQuery, limit: int, build) -> bytes:
    """The calls of `query`, made into a feed by `build` while the rows are at hand."""
    with transaction(request) as session:
        calls = search_calls(session, query, now_of(request), limit=limit).rows
        return build(calls, query, web_state(request).base_url, now_of(request))


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
