"""The review queue (with bulk actions) and the audit log of the staff desk."""
from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from fursa.storage import KINDS, Opportunity, recent_audit
from fursa.storage import change_status, opportunities_by_ids, review_queue, set_featured
from fursa.web.auth import StaffUser, safe_next, staff_user
from fursa.web.csrf import verify_csrf
from fursa.web.forms import form_data, ids, text
from fursa.web.params import row_id, strip_controls
from fursa.web.render import flash, gettext_of, render
from fursa.web.state import now_of, transaction

router = APIRouter(prefix="/desk", dependencies=[Depends(staff_user), Depends(verify_csrf)], include_in_schema=False)
PAGE_SIZE = 40
STATUSES = ("new", "approved", "rejected", "expired")
ACTIONS = ("approve", "reject", "reopen", "feature", "unfeature")


@router.get("/queue")
def queue(request: Request, status: str = "new", kind: str = "", q: str = "", page: int = 1) -> Response:
    status = status if status in STATUSES else "new"
    kind = kind if kind in KINDS else ""
    page = max(1, min(page, 10000))
    q = strip_controls(q).strip()[:200]
    with transaction(request) as session:
        rows = review_queue(session, status=status, kind=kind, text=q,
                            offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        params = {"status": status, "kind": kind, "q": q}
        return render(request, "desk/queue.html", {
            "rows": rows, "status": status, "kind": kind, "q": q, "page": page, "params": params,
            "statuses": STATUSES, "kinds": KINDS, "actions": ACTIONS,
        })


@router.post("/queue")
def act_on_queue(request: Request, form: FormData = Depends(form_data),
                 user: StaffUser = Depends(staff_user)) -> Response:
    """One form for the whole queue: a row's own button (`one=approve:12`) or a bulk action on ticked rows."""
    _ = gettext_of(request)
    action, chosen = _requested_action(form)
    back = safe_next(text(form, "back", 2000), default="/desk/queue")
    if action not in ACTIONS or not chosen:
        flash(request, _("Tick at least one call and choose an action."), "error")
        return RedirectResponse(back, status_code=303)
    with transaction(request) as session:
        changed = sum(apply_action(session, row, action, user, now_of(request))
                      for row in opportunities_by_ids(session, chosen))
    flash(request, _("Calls updated: %(n)s.") % {"n": changed})
    return RedirectResponse(back, status_code=303)


def _requested_action(form: FormData) -> tuple[str, tuple[int, ...]]:
    one = text(form, "one", 40)
    if one:
        action, _, number = one.partition(":")
        chosen = row_id(number)
        return action, (chosen,) if chosen is not None else ()
    return text(form, "action", 20), ids(form)


def apply_action(session: Session, row: Opportunity, action: str, user: StaffUser, now: datetime) -> bool:
    """One queue action on one call; True when it changed something (audit written by storage)."""
    if action == "approve":
        return change_status(session, row, "approved", actor=user.email, now=now)
    if action == "reject":
        return change_status(session, row, "rejected", actor=user.email, now=now)
    if action == "reopen":
        return change_status(session, row, "new", actor=user.email, now=now)
    return set_featured(session, row, action == "feature", actor=user.email, now=now)


@router.get("/audit")
def audit_log(request: Request) -> Response:
    with transaction(request) as session:
        return render(request, "desk/audit.html", {"entries": recent_audit(session, limit=300)})
