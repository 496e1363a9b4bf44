"""Announcements at the staff desk: write a one-off message to a segment, see the segment's size and
each recipient's copy, send a test to yourself, schedule it or send it now, cancel it.

Any staff member writes, previews and tests; sending and scheduling mail many people at once, so
they are an admin's, like sending the digests. The work is digests' and storage's; these handlers
read the form, call them and show what came back.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from fursa import digests, matching
from fursa.storage import (
    LANGUAGES, LEVELS, ROLES, STAFF_UNITS, Announcement, AnnouncementError, AnnouncementInput, AnnouncementProblem,
    InvalidAnnouncementError, NotFoundError, Opportunity, Segment, Subscriber, announcement_counts,
    announcement_input_of, cancel_announcement, get_announcement, list_announcements, save_announcement,
    schedule_announcement, segment_of, unschedule_announcement,
)
from fursa.web.auth import StaffUser, admin_user, staff_user
from fursa.web.csrf import verify_csrf
from fursa.web.errors import PageNotFoundError
from fursa.web.forms import form_data, picked, text
from fursa.web.labels import N_
from fursa.web.params import RowId, row_id
from fursa.web.render import flash, gettext_of, page_language, render
from fursa.web.security import PREVIEW_POLICY
from fursa.web.state import now_of, transaction, web_state

log = logging.getLogger("fursa.web.announcements")
router = APIRouter(prefix="/desk/announcements", dependencies=[Depends(staff_user), Depends(verify_csrf)],
                   include_in_schema=False)
PREVIEW_CHOICES = 50   # recipients offered in the preview's list; any other is reached by its number
STATE_LABELS = {"draft": N_("Draft"), "scheduled": N_("Scheduled"), "sending": N_("Sending"),
                "sent": N_("Sent"), "cancelled": N_("Cancelled")}


def _taxonomy():
    return matching.load_taxonomy()


def read_form(form: FormData) -> tuple[AnnouncementInput, dict[str, str]]:
    """The form as storage's input; a call number that is not a number is an error of its own."""
    errors: dict[str, str] = {}
    raw_call = text(form, "call", 20)
    call = row_id(raw_call) if raw_call else None
    if raw_call and call is None:
        errors["opportunity_id"] = "call_number"
    taxonomy = _taxonomy()
    segment = Segment(roles=picked(form, "roles", ROLES), colleges=picked(form, "colleges", tuple(taxonomy.colleges)),
                      programmes=picked(form, "programmes", tuple(taxonomy.programmes)),
                      levels=picked(form, "levels", LEVELS), languages=picked(form, "languages", LANGUAGES),
                      units=picked(form, "units", STAFF_UNITS))
    return AnnouncementInput(subject_en=text(form, "subject_en", 250), body_en=_long(form, "body_en"),
                             subject_ar=text(form, "subject_ar", 250), body_ar=_long(form, "body_ar"),
                             opportunity_id=call, segment=segment), errors


def _long(form: FormData, name: str) -> str:
    value = form.get(name)
    return value[:25_000] if isinstance(value, str) else ""


def problem_words(problem: AnnouncementProblem, _) -> str:
    """A storage refusal in the desk's language."""
    words = {
        "body_missing": _("Write the message under this subject, or clear the subject."),
        "subject_missing": _("Give this message a subject."),
        "nothing_written": _("Write the subject and the message in English, Arabic or both."),
        "subject_long": _("The subject is too long: 200 characters at most."),
        "body_long": _("The message is too long: 20,000 characters at most."),
        "no_call": _("There is no call with this number."),
        "call_number": _("Give the call's number, as shown in the review queue, or leave it empty."),
    }
    return words.get(problem.reason, problem.message)


def _choices(lang: str) -> dict[str, Any]:
    taxonomy = _taxonomy()
    name = (lambda item: item.ar) if lang == "ar" else (lambda item: item.en)
    colleges = [(key, name(college)) for key, college in taxonomy.colleges.items()]
    programmes = [(name(college), [(p.key, name(p)) for p in taxonomy.programmes.values() if p.college == key])
                  for key, college in taxonomy.colleges.items()]
    return {"roles": ROLES, "levels": LEVELS, "languages": LANGUAGES, "colleges": colleges,
            "programme_groups": programmes, "units": STAFF_UNITS,
            "state_labels": STATE_LABELS}


def _compose_page(request: Request, session: Any, values: AnnouncementInput, errors: dict[str, str], *,
                  announcement: Announcement | None = None, size: int | None = None, status: int = 200) -> Response:
    if size is None:
        size = len(digests.segment_members(session, values.segment))
    call = session.get(Opportunity, values.opportunity_id) if values.opportunity_id else None
    return render(request, "desk/announcement_form.html", {
        "announcement": announcement, "values": values, "errors": errors, "size": size, "call": call,
        **_choices(page_language(request))}, status=status)


@router.get("")
def announcements_page(request: Request) -> Response:
    with transaction(request) as session:
        rows = list_announcements(session)
        return render(request, "desk/announcements.html", {"rows": rows, "state_labels": STATE_LABELS})


@router.get("/new")
def new_announcement(request: Request, call: str = "") -> Response:
    with transaction(request) as session:
        return _compose_page(request, session, AnnouncementInput(opportunity_id=_number(call)), {})


@router.post("/new")
def create_announcement(request: Request, form: FormData = Depends(form_data),
                        user: StaffUser = Depends(staff_user)) -> Response:
    return _save(request, form, user, None)


@router.post("/{announcement_id}")
def edit_announcement(request: Request, announcement_id: RowId, form: FormData = Depends(form_data),
                      user: StaffUser = Depends(staff_user)) -> Response:
    return _save(request, form, user, announcement_id)


def _save(request: Request, form: FormData, user: StaffUser, announcement_id: int | None) -> Response:
    """'Count' shows the segment's size with the form as typed; 'Save' stores the draft."""
    _ = gettext_of(request)
    values, errors = read_form(form)
    errors = {field: problem_words(AnnouncementProblem(field, reason, reason), _) for field, reason in errors.items()}
    with transaction(request) as session:
        row = _announcement(session, announcement_id) if announcement_id is not None else None
        if text(form, "do", 10) == "count" or errors:
            return _compose_page(request, session, values, errors, announcement=row,
                                 status=400 if errors else 200)
        try:
            row = save_announcement(session, values, actor=user.email, now=now_of(request), announcement=row)
        except InvalidAnnouncementError as exc:
            errors = {problem.field: problem_words(problem, _) for problem in exc.problems}
            return _compose_page(request, session, values, errors, announcement=row, status=400)
        except AnnouncementError as exc:
            flash(request, str(exc), "error")
            return RedirectResponse(f"/desk/announcements/{row.id}", status_code=303)
        saved_id = row.id
    flash(request, _("Saved as a draft. Check the preview, send yourself a test, then send or schedule it."))
    return RedirectResponse(f"/desk/announcements/{saved_id}", status_code=303)


def _number(value: str) -> int | None:
    """A row number from the query, or None; cut first, so a run of thousands of digits is no number."""
    return row_id(value[:20]) if value else None


def _announcement(session: Any, announcement_id: int) -> Announcement:
    try:
        return get_announcement(session, announcement_id)
    except NotFoundError:
        raise PageNotFoundError(f"no announcement {announcement_id}") from None


def _recipient(members: list[Subscriber], wanted: int | None) -> Subscriber | None:
    """The person whose copy the preview shows: the one asked for when they are in the segment, else the first."""
    if wanted is not None:
        for person in members:
            if person.id == wanted:
                return person
    return members[0] if members else None


@router.get("/{announcement_id}")
def announcement_page(request: Request, announcement_id: RowId, to: str = "") -> Response:
    config = web_state(request).ctx.delivery_config
    with transaction(request) as session:
        row = _announcement(session, announcement_id)
        members = digests.segment_members(session, segment_of(row))
        person = _recipient(members, _number(to))
        rendered = digests.render_announcement(row, person, config, now=now_of(request)) if person else None
        return render(request, "desk/announcement.html", {
            "announcement": row, "values": announcement_input_of(row), "segment": segment_of(row),
            "size": len(members), "members": members[:PREVIEW_CHOICES], "person": person, "rendered": rendered,
            "counts": announcement_counts(session, row), "call": row.opportunity, "errors": {},
            "zone": web_state(request).zone.key, **_choices(page_language(request))})


@router.get("/{announcement_id}/preview.html")
def preview_frame(request: Request, announcement_id: RowId, to: str = "") -> Response:
    """One recipient's copy alone, for the preview frame: inline styles allowed, scripts never."""
    config = web_state(request).ctx.delivery_config
    with transaction(request) as session:
        row = _announcement(session, announcement_id)
        person = _recipient(digests.segment_members(session, segment_of(row)), _number(to))
        html = digests.render_announcement(row, person, config, now=now_of(request)).html if person else ""
    return HTMLResponse(html, headers={"Content-Security-Policy": PREVIEW_POLICY, "X-Frame-Options": "SAMEORIGIN"})


@router.post("/{announcement_id}/test")
def send_test(request: Request, announcement_id: RowId, user: StaffUser = Depends(staff_user)) -> Response:
    _ = gettext_of(request)
    config = web_state(request).ctx.delivery_config
    with web_state(request).ctx.sessions() as session:
        _announcement(session, announcement_id)
        try:
            languages = digests.send_test_announcement(session, announcement_id, email=user.email, name=user.name,
                                                       now=now_of(request), config=config)
        except digests.DeliveryError as exc:
            log.warning("test announcement not sent", extra={"announcement": announcement_id, "error": str(exc)})
            flash(request, _("The test could not be sent: %(error)s") % {"error": exc}, "error")
        else:
            flash(request, _("A test was sent to %(email)s (%(n)s copies, one per language); nobody else got it.")
                  % {"email": user.email, "n": len(languages)})
    return RedirectResponse(f"/desk/announcements/{announcement_id}", status_code=303)


@router.post("/{announcement_id}/send")
def send_now(request: Request, announcement_id: RowId, user: StaffUser = Depends(admin_user)) -> Response:
    """Send to everyone of the segment who has not had it; a second press sends nothing and says so."""
    _ = gettext_of(request)
    config = web_state(request).ctx.delivery_config
    with web_state(request).ctx.sessions() as session:   # the send commits each ledger checkpoint itself
        _announcement(session, announcement_id)
        try:
            report = digests.send_announcement(session, announcement_id, now=now_of(request), config=config,
                                               actor=user.email)
        except digests.EmptySegmentError:
            flash(request, _("Nobody is in this segment (or everyone in it has unsubscribed): nothing was sent. "
                             "Widen the segment."), "error")
        except (digests.AnnouncementStateError, AnnouncementError) as exc:
            flash(request, str(exc), "error")
        else:
            _flash_report(request, report, _)
    return RedirectResponse(f"/desk/announcements/{announcement_id}", status_code=303)


def _flash_report(request: Request, report: digests.AnnouncementReport, _) -> None:
    if report.note:
        flash(request, _("This announcement was sent already: nothing was sent again."), "error")
        return
    flash(request, _("Sent: %(sent)s. Had it already: %(already)s. Failed: %(failed)s. To retry: %(deferred)s.")
          % {"sent": report.sent, "already": report.already_sent, "failed": report.failed,
             "deferred": report.deferred}, "error" if report.degraded else "ok")


@router.post("/{announcement_id}/schedule")
def schedule(request: Request, announcement_id: RowId, form: FormData = Depends(form_data),
             user: StaffUser = Depends(admin_user)) -> Response:
    _ = gettext_of(request)
    zone = web_state(request).zone
    try:
        send_at = datetime.fromisoformat(text(form, "send_at", 20)).replace(tzinfo=zone)
    except ValueError:
        send_at = None
    with transaction(request) as session:
        row = _announcement(session, announcement_id)
        if send_at is None or send_at <= now_of(request):
            flash(request, _("Choose a date and time in the future, or send it now."), "error")
        elif not digests.segment_members(session, segment_of(row)):
            flash(request, _("Nobody is in this segment (or everyone in it has unsubscribed): nothing was sent. "
                             "Widen the segment."), "error")
        else:
            try:
                schedule_announcement(session, row, send_at, actor=user.email, now=now_of(request))
            except AnnouncementError as exc:
                flash(request, str(exc), "error")
            else:
                flash(request, _("Scheduled. It goes out within five minutes of the time you chose."))
    return RedirectResponse(f"/desk/announcements/{announcement_id}", status_code=303)


@router.post("/{announcement_id}/unschedule")
def unschedule(request: Request, announcement_id: RowId, user: StaffUser = Depends(admin_user)) -> Response:
    return _move(request, announcement_id, user, unschedule_announcement)


@router.post("/{announcement_id}/cancel")
def cancel(request: Request, announcement_id: RowId, user: StaffUser = Depends(admin_user)) -> Response:
    return _move(request, announcement_id, user, cancel_announcement)


def _move(request: Request, announcement_id: int, user: StaffUser, move) -> Response:
    _ = gettext_of(request)
    with transaction(request) as session:
        row = _announcement(session, announcement_id)
        try:
            move(session, row, actor=user.email, now=now_of(request))
        except AnnouncementError as exc:
            flash(request, str(exc), "error")
        else:
            flash(request, _("Done."))
    return RedirectResponse(f"/desk/announcements/{announcement_id}", status_code=303)
