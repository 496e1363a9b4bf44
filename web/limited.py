"""Limited submissions: the desk's page for a call the university may nominate only a few applicants
to (slots, internal deadline, contact, notes; who intends to apply, the CSV, closing the list), and the
public page behind the signed "I intend to apply" link of a faculty member's digest.

The intent link needs no login: the signature names the person and the call. A GET only shows a
button (mail scanners follow links); the button's form carries the CSRF token like every other form.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from fursa import digests
from fursa.storage import (
    INTENT_ALREADY, INTENT_CLOSED, Deadline, InvalidLimitedSubmissionError, LimitedInput, LimitedProblem,
    LimitedSubmission, Opportunity, Subscriber, close_intents, export_intents_csv, intents_of, limited_of,
    record_audit, record_intent, reopen_intents, set_limited_submission, zone_named,
)
from fursa.web.auth import StaffUser, staff_user
from fursa.web.csrf import verify_csrf
from fursa.web.errors import PageNotFoundError
from fursa.web.forms import form_data, text
from fursa.web.params import RowId
from fursa.web.deadlines import deadline_words
from fursa.web.render import download, flash, gettext_of, page_language, render
from fursa.web.state import now_of, transaction, web_state

log = logging.getLogger("fursa.web.limited")
router = APIRouter(prefix="/desk/calls", dependencies=[Depends(staff_user), Depends(verify_csrf)],
                   include_in_schema=False)
intent = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
NO_REFERRER = {"Referrer-Policy": "no-referrer"}


@dataclass(frozen=True)
class LimitedForm:
    """The form's values as typed, shown back as they were when something is wrong."""

    slots: str = "1"
    internal_date: str = ""
    internal_time: str = ""
    internal_tz: str = ""
    contact: str = ""
    notes: str = ""


def _call(session: Any, call_id: int) -> Opportunity:
    row = session.get(Opportunity, call_id)
    if row is None:
        raise PageNotFoundError(f"no call {call_id}")
    return row


def _form_of(row: LimitedSubmission | None, zone: str) -> LimitedForm:
    if row is None:
        return LimitedForm(internal_tz=zone)
    internal = row.internal_deadline
    if internal.day is not None:
        day, clock = internal.day.isoformat(), ""
    else:
        local = internal.at.astimezone(zone_named(row.internal_tz or zone))
        day, clock = local.date().isoformat(), local.strftime("%H:%M")
    return LimitedForm(slots=str(row.slots), internal_date=day, internal_time=clock, internal_tz=row.internal_tz or zone,
                       contact=row.contact, notes=row.notes)


def _read_form(form: FormData) -> LimitedForm:
    notes = form.get("notes")
    return LimitedForm(slots=text(form, "slots", 12), internal_date=text(form, "internal_date", 20),
                       internal_time=text(form, "internal_time", 10), internal_tz=text(form, "internal_tz", 60),
                       contact=text(form, "contact", 320), notes=(notes if isinstance(notes, str) else "")[:3000])


def _input_of(values: LimitedForm, _) -> tuple[LimitedInput | None, dict[str, str]]:
    """The typed values as storage's input, or the errors of the parts that are not numbers, dates or zones."""
    errors: dict[str, str] = {}
    try:
        slots = int(values.slots)
    except ValueError:
        slots = 0
        errors["slots"] = _("Give the number of applicants the university may nominate, 1 or more.")
    try:
        day = date.fromisoformat(values.internal_date)
    except ValueError:
        day = None
        errors["internal_date"] = _("Give the internal deadline as a date, for example 2027-03-01.")
    try:
        zone_named(values.internal_tz)
    except ValueError:
        errors["internal_tz"] = _("Unknown time zone; use a name such as Asia/Hebron or Europe/Berlin.")
    clock = None
    if values.internal_time:
        try:
            clock = time.fromisoformat(values.internal_time)
        except ValueError:
            errors["internal_time"] = _("Give the time as hours and minutes, for example 17:00.")
    if errors or day is None:
        return None, errors
    if clock is None:
        internal = Deadline.on_day(day, timezone=values.internal_tz or None)
    else:
        at = datetime.combine(day, clock, tzinfo=zone_named(values.internal_tz))
        internal = Deadline.timed(at, values.internal_tz or None)
    return LimitedInput(slots=slots, internal=internal, contact=values.contact, notes=values.notes), {}


def problem_words(problem: LimitedProblem, funder: str, _) -> str:
    """A storage refusal in the desk's language."""
    if problem.reason == "slots_low":
        return _("Give the number of applicants the university may nominate, 1 or more.")
    if problem.reason == "internal_late":
        return _("The internal deadline must be on or before the funder's deadline (%(funder)s).") % {
            "funder": funder}
    if problem.reason == "internal_missing":
        return _("Give the internal deadline as a date, for example 2027-03-01.")
    return problem.message


def _page(request: Request, session: Any, call: Opportunity, values: LimitedForm, errors: dict[str, str], *,
          status: int = 200) -> Response:
    row = limited_of(session, call.id)
    intents = intents_of(session, row) if row is not None else []
    return render(request, "desk/limited.html", {"call": call, "limited": row, "values": values, "errors": errors,
                                                 "intents": intents}, status=status)


@router.get("/{call_id}/limited")
def limited_page(request: Request, call_id: RowId) -> Response:
    with transaction(request) as session:
        call = _call(session, call_id)
        values = _form_of(limited_of(session, call.id), web_state(request).zone.key)
        return _page(request, session, call, values, {})


@router.post("/{call_id}/limited")
def save_limited(request: Request, call_id: RowId, form: FormData = Depends(form_data),
                 user: StaffUser = Depends(staff_user)) -> Response:
    _ = gettext_of(request)
    values = _read_form(form)
    with transaction(request) as session:
        call = _call(session, call_id)
        data, errors = _input_of(values, _)
        if data is not None:
            try:
                row = set_limited_submission(session, call, data, now_of(request))
            except InvalidLimitedSubmissionError as exc:
                funder = _funder_words(request, call)
                for problem in exc.problems:
                    errors[problem.field] = problem_words(problem, funder, _)
        if errors:
            return _page(request, session, call, values, errors, status=400)
        record_audit(session, actor=user.email, action="limited_submission", target_type="opportunity",
                     target_id=call.id, details={"slots": row.slots, "internal_at": row.internal_at.isoformat()},
                     now=now_of(request))
    flash(request, _("Saved: this call is a limited submission."))
    return RedirectResponse(f"/desk/calls/{call_id}/limited", status_code=303)


def _funder_words(request: Request, call: Opportunity) -> str:
    return deadline_words(call.deadline, page_language(request), web_state(request).zone)


@router.get("/{call_id}/limited/intents.csv")
def export_intents(request: Request, call_id: RowId) -> Response:
    with transaction(request) as session:
        row = limited_of(session, _call(session, call_id).id)
        if row is None:
            raise PageNotFoundError(f"call {call_id} is not a limited submission")
        body = export_intents_csv(intents_of(session, row))
    return download(body, f"fursa-intents-{call_id}.csv")


@router.post("/{call_id}/limited/close")
def close_list(request: Request, call_id: RowId, user: StaffUser = Depends(staff_user)) -> Response:
    return _open_or_close(request, call_id, user, close=True)


@router.post("/{call_id}/limited/reopen")
def reopen_list(request: Request, call_id: RowId, user: StaffUser = Depends(staff_user)) -> Response:
    return _open_or_close(request, call_id, user, close=False)


def _open_or_close(request: Request, call_id: int, user: StaffUser, *, close: bool) -> Response:
    _ = gettext_of(request)
    with transaction(request) as session:
        row = limited_of(session, _call(session, call_id).id)
        if row is None:
            raise PageNotFoundError(f"call {call_id} is not a limited submission")
        change = close_intents if close else reopen_intents
        if change(session, row, now_of(request)):
            record_audit(session, actor=user.email, action="intents_closed" if close else "intents_reopened",
                         target_type="opportunity", target_id=call_id, details={}, now=now_of(request))
    flash(request, _("The list is closed: nobody can add their name now.") if close
          else _("The list is open again."))
    return RedirectResponse(f"/desk/calls/{call_id}/limited", status_code=303)


def _intent_of(request: Request, session: Any, token: str) -> tuple[Subscriber, LimitedSubmission] | None:
    """The person and limited call a genuine, current link names; None for anything else."""
    try:
        link = digests.read_intent_token(token, web_state(request).secret_key)
        person = session.get(Subscriber, link.subscriber_id)
        if person is None or person.status == "deleted":
            return None
        digests.verify_intent_token(link, person)
    except digests.TokenError as exc:
        log.info("intent link refused", extra={"reason": str(exc)})
        return None
    row = limited_of(session, link.opportunity_id)
    return (person, row) if row is not None else None


def _invalid_link(request: Request) -> Response:
    return render(request, "public/intent_invalid.html", {}, status=400, headers=NO_REFERRER)


@intent.get("/intent/{token}")
def intent_page(request: Request, token: str) -> Response:
    with transaction(request) as session:
        found = _intent_of(request, session, token)
        if found is None:
            return _invalid_link(request)
        person, row = found
        already = any(i.subscriber_id == person.id for i in intents_of(session, row))
        outcome = INTENT_ALREADY if already else (INTENT_CLOSED if row.closed_at else "")
        return render(request, "public/intent.html", {"limited": row, "call": row.opportunity, "person": person,
                                                      "token": token, "outcome": outcome},
                      lang=person.language, headers=NO_REFERRER)


@intent.post("/intent/{token}")
def say_intent(request: Request, token: str) -> Response:
    with transaction(request) as session:
        found = _intent_of(request, session, token)
        if found is None:
            return _invalid_link(request)
        person, row = found
        outcome = record_intent(session, row, person, now_of(request))
        log.info("intent to apply", extra={"call": row.opportunity_id, "outcome": outcome})
        return render(request, "public/intent.html", {"limited": row, "call": row.opportunity, "person": person,
                                                      "token": token, "outcome": outcome, "answered": True},
                      lang=person.language, status=409 if outcome == INTENT_CLOSED else 200, headers=NO_REFERRER)
