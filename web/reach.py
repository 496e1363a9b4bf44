"""Reach: the redirect behind an e-mail's call links, the "I applied" page, and the desk's report.

The redirect (`/r/<token>`) counts a click in the reader's segment (college, level, role) for the
mailing's month, then sends the reader on with a 303 to the call itself: the funder's page, as the
e-mail's "Read the call" promised, looked up by the call's id (never taken from the link, so the
redirect cannot be pointed elsewhere), or the call's page here when the call has no link; a call
withdrawn since goes to the list. Only a GET counts: HEAD requests, browsers' prefetches and
clients that call themselves bots or link scanners are sent on without counting. A damaged or
outdated link gets a page with the way to the calls, and counts nothing.

"I applied" follows the "I intend to apply" pattern: a GET shows a button (mail scanners follow
links), the POST counts the report once per person and call.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fursa import matching
from fursa.digests import (
    ClickLink, TokenError, applied_mark, reach_month, read_applied_token, read_click_token, segment_of,
    verify_applied_token,
)
from fursa.storage import (
    COUNT_OFF, COUNT_PERSONAL, Opportunity, ReachRow, Subscriber, export_reach_csv, export_reach_xlsx,
    REACH_COUNTING, personal_reach, public_call, reach_of_month, record_applied, record_click, set_reach_counting,
)
from fursa.web.auth import staff_user
from fursa.web.csrf import verify_csrf
from fursa.web.errors import PageNotFoundError
from fursa.web.params import RowId
from fursa.web.reach_chart import BarGroup, reach_bars
from fursa.web.render import download, gettext_of, page_language, render, safe_href
from fursa.web.state import now_of, transaction, web_state

log = logging.getLogger("fursa.web.reach")
public = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
desk = APIRouter(prefix="/desk/reach", dependencies=[Depends(staff_user)], include_in_schema=False)
NO_REFERRER = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
# Link scanners and previewers that say what they are; a browser's prefetch says so in a header.
_NOT_A_PERSON = re.compile(r"bot\b|bot/|crawl|spider|slurp|preview|scanner|safelinks|proofpoint|mimecast|"
                           r"barracuda|urldefense|headless", re.IGNORECASE)
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def is_a_person(request: Request) -> bool:
    """Whether a request may count as a reader's click: a GET, not a prefetch, not a self-declared bot,
    not from a browser signed in to the desk."""
    if request.method != "GET":
        return False
    headers = request.headers
    if "prefetch" in (headers.get("purpose", "") + headers.get("sec-purpose", "") + headers.get("x-moz", "")).lower():
        return False
    if "session" in request.scope and "uid" in request.session:
        return False   # staff signed in to the desk, following a link of a digest preview
    agent = headers.get("user-agent", "")
    return bool(agent) and not _NOT_A_PERSON.search(agent)


def _invalid(request: Request) -> Response:
    return render(request, "public/reach_invalid.html", {}, status=400, headers=NO_REFERRER)


@public.api_route("/r/{token}", methods=["GET", "HEAD"])
def follow_link(request: Request, token: str) -> Response:
    state = web_state(request)
    now = now_of(request)
    try:
        link = read_click_token(token, state.secret_key, now_month=reach_month(now, state.zone))
    except TokenError as exc:
        log.info("reach link refused", extra={"reason": str(exc)})
        return _invalid(request)
    with transaction(request) as session:
        call = public_call(session, link.opportunity_id)
        if call is not None and is_a_person(request):
            count, person = _counted_as(session, link)
            if count:
                record_click(session, call.id, link.segment, link.month, person=person)
        target = "/" if call is None else (safe_href(call.url) or f"/calls/{call.id}")
    return RedirectResponse(target, status_code=303, headers=NO_REFERRER)


def _counted_as(session: Any, link: ClickLink) -> tuple[bool, int | None]:
    """Whether to count this click, and the subscriber to count by name: a link names a person only
    if they chose personal counting when it was sent; their choice now decides (turned off: nothing
    counted; back to groups, or the link revoked: the group only)."""
    if link.person is None:
        return True, None
    row = session.get(Subscriber, link.person)
    if row is None:
        return True, None
    if row.reach_counting == COUNT_OFF:
        return False, None
    current = row.reach_counting == COUNT_PERSONAL and (row.token_nonce or 0) == link.nonce
    return True, row.id if current else None


def _applied_of(request: Request, session: Any, token: str) -> tuple[Subscriber, Opportunity] | None:
    try:
        link = read_applied_token(token, web_state(request).secret_key)
        person = session.get(Subscriber, link.subscriber_id)
        if person is None or person.status == "deleted":
            return None
        verify_applied_token(link, person)
    except TokenError as exc:
        log.info("applied link refused", extra={"reason": str(exc)})
        return None
    call = public_call(session, link.opportunity_id)
    return (person, call) if call is not None else None


def _applied_page(request: Request, person: Subscriber, call: Opportunity, token: str, outcome: str) -> Response:
    return render(request, "public/applied.html", {"call": call, "token": token, "outcome": outcome},
                  lang=person.language, headers=NO_REFERRER)



def count_applied(request: Request, session: Any, person: Subscriber, call: Opportunity) -> bool:
    """Count a person's "I applied" for a call in the office's reach figures: in their segment, by name only
    if they chose it, once per person and call under one keyed mark (so the e-mail's link and My list's
    "mark applied" count one). False when it was counted before or the person asked not to be counted."""
    if person.reach_counting == COUNT_OFF:
        return False
    state = web_state(request)
    return record_applied(session, call.id, segment_of(person), reach_month(now_of(request), state.zone),
                          person=person.id if person.reach_counting == COUNT_PERSONAL else None,
                          mark=applied_mark(person.id, call.id, state.secret_key))

@public.get("/applied/{token}")
def applied_page(request: Request, token: str) -> Response:
    with transaction(request) as session:
        found = _applied_of(request, session, token)
        if found is None:
            return _invalid(request)
        person, call = found
        return _applied_page(request, person, call, token, "off" if person.reach_counting == COUNT_OFF else "")


@public.post("/applied/{token}")
def say_applied(request: Request, token: str) -> Response:
    with transaction(request) as session:
        found = _applied_of(request, session, token)
        if found is None:
            return _invalid(request)
        person, call = found
        if person.reach_counting == COUNT_OFF:
            return _applied_page(request, person, call, token, "off")
        counted = count_applied(request, session, person, call)
        log.info("applied reported", extra={"call": call.id, "counted": counted})
        return _applied_page(request, person, call, token, "recorded" if counted else "already")


def save_reach_counting(session: Any, row: Subscriber, form: FormData) -> None:
    """The preferences form's reach choice, stored when it is one of the three (a form without it changes nothing)."""
    choice = form.get("reach_counting")
    if isinstance(choice, str) and choice in REACH_COUNTING and choice != row.reach_counting:
        set_reach_counting(session, row, choice)


# The desk's report

@dataclass(frozen=True)
class CallReach:
    """One call's totals for the month, for the report's table."""

    opportunity_id: int
    title: str
    sent: int
    clicked: int
    applied: int


def _month_of(request: Request, month: str) -> str:
    return month if _MONTH.match(month or "") else reach_month(now_of(request), web_state(request).zone)


def _bounds(month: str, zone) -> tuple[datetime, datetime]:
    year, number = int(month[:4]), int(month[5:])
    start = datetime(year, number, 1, tzinfo=zone)
    following = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=zone)
    return start, following


def _step(month: str, months: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:]) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _rows(request: Request, session: Any, month: str, call_id: int | None = None) -> list[ReachRow]:
    start, end = _bounds(month, web_state(request).zone)
    return reach_of_month(session, month, start, end, segment_of, opportunity_id=call_id)


def _by_call(rows: list[ReachRow]) -> list[CallReach]:
    totals: dict[int, list] = {}
    for row in rows:
        entry = totals.setdefault(row.opportunity_id, [row.title, 0, 0, 0])
        entry[1] += row.sent
        entry[2] += row.clicked
        entry[3] += row.applied
    return [CallReach(call, title, sent, clicked, applied) for call, (title, sent, clicked, applied) in totals.items()]


def college_name(key: str, language: str, _) -> str:
    college = matching.load_taxonomy().colleges.get(key)
    if college is None:
        return _("College not known")
    return college.ar if language == "ar" else college.en


def _by_college(rows: list[ReachRow], language: str, _) -> list[BarGroup]:
    order = list(matching.load_taxonomy().colleges) + [""]
    totals: dict[str, list[int]] = {}
    for row in rows:
        entry = totals.setdefault(row.segment.college if row.segment.college in order else "", [0, 0, 0])
        entry[0] += row.sent
        entry[1] += row.clicked
        entry[2] += row.applied
    return [BarGroup(college_name(key, language, _), tuple(totals[key])) for key in order if key in totals]


def _chart(rows: list[ReachRow], language: str, _, title: str):
    return reach_bars(_by_college(rows, language, _), (_("Sent"), _("Clicked"), _("Applied")), title)


@desk.get("")
def reach_page(request: Request, month: str = "") -> Response:
    _ = gettext_of(request)
    month = _month_of(request, month)
    language = page_language(request)
    with transaction(request) as session:
        rows = _rows(request, session, month)
    calls = _by_call(rows)
    return render(request, "desk/reach.html", {
        "month": month, "previous": _step(month, -1), "next": _step(month, 1), "calls": calls,
        "totals": (sum(c.sent for c in calls), sum(c.clicked for c in calls), sum(c.applied for c in calls)),
        "chart": _chart(rows, language, _, _("Sent, clicked and applied by college, %(month)s") % {"month": month}),
    })


@desk.get("/calls/{call_id}")
def call_reach_page(request: Request, call_id: RowId, month: str = "") -> Response:
    _ = gettext_of(request)
    month = _month_of(request, month)
    language = page_language(request)
    with transaction(request) as session:
        call = session.get(Opportunity, call_id)
        if call is None:
            raise PageNotFoundError(f"no call {call_id}")
        rows = _rows(request, session, month, call.id)
        people = personal_reach(session, call.id)
        title = call.title
    return render(request, "desk/reach_call.html", {
        "call_id": call_id, "title": title, "month": month, "previous": _step(month, -1), "next": _step(month, 1),
        "rows": rows, "people": people, "college_name": lambda key: college_name(key, language, _),
        "chart": _chart(rows, language, _, _("Sent, clicked and applied by college, %(month)s") % {"month": month}),
    })


@desk.get("/{month}.{suffix}")
def export_reach(request: Request, month: str, suffix: str, call: int = 0) -> Response:
    if not _MONTH.match(month) or suffix not in ("csv", "xlsx"):
        raise PageNotFoundError(f"no export {month}.{suffix}")
    with transaction(request) as session:
        rows = _rows(request, session, month, call or None)
    body = export_reach_csv(rows) if suffix == "csv" else export_reach_xlsx(rows)
    return download(body, f"fursa-reach-{month}{f'-call-{call}' if call else ''}.{suffix}")

