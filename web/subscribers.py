"""Subscribers at the staff desk: search, edit a profile, CSV import and export, suspend, and delete for good."""
from __future__ import annotations

import logging

from fastapi import APIRouter, BackgroundTasks, Depends
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from fursa.storage import (
    CONFIRM_HOURS, MAX_ROWS, RosterFileError, RosterImport, Subscriber, enrol_subscriber, erase_subscriber,
    export_roster, import_roster, kept_fields, search_subscribers, set_subscriber_status,
)
from fursa.web.auth import StaffUser, admin_user, staff_user
from fursa.web.csrf import verify_csrf
from fursa.web.errors import PageNotFoundError
from fursa.web.fields import profile_codes
from fursa.web.forms import form_data, text, upload
from fursa.web.mail import Letter, deliver
from fursa.web.params import RowId, strip_controls
from fursa.web.profile import ProfileValues, profile_context, read_profile, values_of
from fursa.web.render import download, flash, gettext_of, page_language, render
from fursa.web.state import now_of, transaction, web_state

log = logging.getLogger("fursa.web.subscribers")
router = APIRouter(prefix="/desk/subscribers", dependencies=[Depends(staff_user), Depends(verify_csrf)],
                   include_in_schema=False)
PAGE_SIZE = 50
STATUS_FILTERS = ("active", "unconfirmed", "suspended", "unsubscribed")
MAX_UPLOAD = 5 * 1024 * 1024


def _subscriber(session, subscriber_id: int) -> Subscriber:
    row = session.get(Subscriber, subscriber_id)
    if row is None or row.status == "deleted":
        raise PageNotFoundError(f"no subscriber {subscriber_id}")
    return row


@router.get("")
def subscriber_list(request: Request, q: str = "", status: str = "", page: int = 1) -> Response:
    status = status if status in STATUS_FILTERS else ""
    page = max(1, min(page, 10000))
    q = strip_controls(q)[:200]
    with transaction(request) as session:
        rows = search_subscribers(session, text=q, status=status, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        return render(request, "desk/subscribers.html", {
            "rows": rows, "q": q, "status": status, "statuses": STATUS_FILTERS, "page": page,
            "params": {"q": q, "status": status}})


@router.get("/export.csv")
def export_csv(request: Request, user: StaffUser = Depends(admin_user)) -> Response:
    with transaction(request) as session:
        body = export_roster(session, actor=user.email, now=now_of(request))
    return download(body, "fursa-subscribers.csv")


def _import_page(request: Request, errors: dict[str, str], problems: list[str], status: int = 200,
                 **extra) -> Response:
    return render(request, "desk/subscriber_import.html",
                  {"errors": errors, "problems": problems, "max_rows": MAX_ROWS, **extra}, status=status)


@router.get("/import")
def import_form(request: Request, user: StaffUser = Depends(admin_user)) -> Response:
    return _import_page(request, {}, [])


@router.post("/import")
def import_csv(request: Request, background: BackgroundTasks, form: FormData = Depends(form_data),
               user: StaffUser = Depends(admin_user)) -> Response:
    """Add or update everyone in the file (storage.roster_files has the rules); people without
    recorded consent get a confirmation e-mail."""
    _ = gettext_of(request)
    file = upload(form, "file")
    data = file.file.read(MAX_UPLOAD + 1) if file is not None else b""
    if not data or len(data) > MAX_UPLOAD:
        return _import_page(request, {"file": _("Choose a CSV file of at most 5 MB.")}, [], status=400)
    consented = text(form, "consent", 5) == "yes"
    now = now_of(request)
    try:
        with transaction(request) as session:
            outcome = import_roster(session, data, consented=consented, known_fields=profile_codes(),
                                    actor=user.email, now=now)
    except RosterFileError as exc:
        return _import_page(request, {"file": str(exc)}, [], status=400)
    for opt_in in outcome.opt_ins:
        letter = Letter(opt_in.email, opt_in.name, opt_in.language, "confirm",
                        {"link": f"{web_state(request).base_url}/confirm/{opt_in.token}", "hours": CONFIRM_HOURS})
        background.add_task(deliver, request.app.state.templates, letter, web_state(request).ctx.delivery_config, now)
    imported = len(outcome.added) + len(outcome.updated)
    flash(request, _("Imported: %(n)s. Confirmation e-mails sent: %(m)s.") % {"n": imported, "m": len(outcome.opt_ins)})
    return _import_page(request, {}, _problems(outcome, _), imported=imported)


def _problems(outcome: RosterImport, _) -> list[str]:
    """The lines left out, in the desk's language where the reason has words of its own."""
    lines = []
    for problem in outcome.problems:
        if problem.reason == "suppressed":
            message = _("%(email)s is on the do-not-mail list and was skipped.") % {"email": problem.email}
        elif problem.reason == "unknown_fields":
            message = _("%(email)s was skipped: these are not field codes: %(codes)s. Write ISCED-F codes such as "
                        "07, 071 or 0714.") % {
                "email": problem.email, "codes": ", ".join(problem.codes)}
        else:
            message = problem.message
        lines.append(_("line %(line)s: %(problem)s") % {"line": problem.line, "problem": message})
    return lines


@router.post("/{subscriber_id}/status")
def change_status(request: Request, subscriber_id: RowId, form: FormData = Depends(form_data),
                  user: StaffUser = Depends(admin_user)) -> Response:
    _ = gettext_of(request)
    wanted = text(form, "status", 20)
    if wanted not in ("active", "suspended"):
        flash(request, _("Choose suspend or reactivate."), "error")
        return RedirectResponse("/desk/subscribers", status_code=303)
    with transaction(request) as session:
        row = _subscriber(session, subscriber_id)
        set_subscriber_status(session, row, wanted, actor=user.email, now=now_of(request),
                              reason=text(form, "reason", 300) or _("suspended by staff"))
    flash(request, _("Subscriber suspended.") if wanted == "suspended" else _("Subscriber reactivated."))
    return RedirectResponse(safe_back(form), status_code=303)


def safe_back(form: FormData) -> str:
    back = text(form, "back", 500)
    return back if back.startswith("/desk/subscribers") and "//" not in back else "/desk/subscribers"


def _edit_page(request: Request, row: Subscriber, values: ProfileValues, errors: dict[str, str],
               status: int = 200) -> Response:
    context = profile_context(values, errors, page_language(request))
    return render(request, "desk/subscriber.html", {**context, "subscriber": row}, status=status)


@router.get("/{subscriber_id}")
def edit_form(request: Request, subscriber_id: RowId, user: StaffUser = Depends(admin_user)) -> Response:
    with transaction(request) as session:
        row = _subscriber(session, subscriber_id)
        return _edit_page(request, row, values_of(row), {})


@router.post("/{subscriber_id}")
def edit(request: Request, subscriber_id: RowId, form: FormData = Depends(form_data),
         user: StaffUser = Depends(admin_user)) -> Response:
    """Staff change a subscriber's profile (the public form's fields, the same checks), audited; the
    address, consent and status are not part of it."""
    _ = gettext_of(request)
    with transaction(request) as session:
        row = _subscriber(session, subscriber_id)
        allowed = kept_fields(row, profile_codes())
        values, data, errors = read_profile(form, _, email=row.email, default_language=row.language,
                                            allowed_fields=allowed)
        if data is None:
            return _edit_page(request, row, values, errors, status=400)
        enrol_subscriber(session, data, known_fields=allowed, actor=user.email, now=now_of(request))
    flash(request, _("Subscriber saved."))
    return RedirectResponse(f"/desk/subscribers/{subscriber_id}", status_code=303)


@router.get("/{subscriber_id}/delete")
def delete_form(request: Request, subscriber_id: RowId, user: StaffUser = Depends(admin_user)) -> Response:
    with transaction(request) as session:
        return render(request, "desk/subscriber_delete.html", {"subscriber": _subscriber(session, subscriber_id)})


@router.post("/{subscriber_id}/delete")
def delete(request: Request, subscriber_id: RowId, user: StaffUser = Depends(admin_user)) -> Response:
    with transaction(request) as session:
        erase_subscriber(session, _subscriber(session, subscriber_id), actor=user.email, now=now_of(request))
    flash(request, gettext_of(request)("Subscriber deleted. Their address is kept only as a hash, so they are never mailed again."))
    return RedirectResponse("/desk/subscribers", status_code=303)
