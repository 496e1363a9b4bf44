"""The staff member's own account: password, two-factor sign-in, and the browsers signed in to it.

The router is included by login.router, so its paths are under /desk. Each change asks for the
current password, and a wrong one counts as a failed sign-in (web/throttle.py): a browser left
signed in cannot be used to guess it.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from fursa.storage import (
    MIN_PASSWORD_LENGTH, User, WeakPasswordError, change_password, end_sessions_of, get_user, has_two_factor,
    password_matches, recovery_codes_left, replace_recovery_codes, same_session, sessions_of,
    turn_off_two_factor,
)
from fursa.web.auth import (
    StaffUser, count_wrong_password, refused_password, session_token, staff_user, start_session,
)
from fursa.web.csrf import verify_csrf
from fursa.web.errors import ForbiddenError
from fursa.web.forms import form_data
from fursa.web.render import flash, gettext_of, render
from fursa.web.state import now_of, transaction

log = logging.getLogger("fursa.web.auth")
router = APIRouter(prefix="/account", dependencies=[Depends(staff_user), Depends(verify_csrf)],
                   include_in_schema=False)
HERE = "/desk/account"


@dataclass(frozen=True)
class Browser:
    """One signed-in browser of the account, as the page lists it."""

    name: str
    since: datetime
    seen: datetime
    this: bool


@router.get("")
def account_page(request: Request, user: StaffUser = Depends(staff_user)) -> Response:
    return _page(request, user, {})


@router.post("/password")
def new_password(request: Request, form: FormData = Depends(form_data),
                 user: StaffUser = Depends(staff_user)) -> Response:
    """A new password ends every session of the account; this browser gets a fresh one."""
    _ = gettext_of(request)
    new, repeat = _typed(form, "new_password"), _typed(form, "repeat_password")
    with transaction(request) as session:
        row = get_user(session, user.id)
        errors, status = _check_password(request, session, row, _typed(form, "current_password"), "current_password")
        if not errors and new != repeat:
            errors, status = {"repeat_password": _("The two new passwords differ. Type the same one twice.")}, 400
        if not errors:
            try:
                change_password(session, row, new)
            except WeakPasswordError:
                errors, status = {"new_password": _("Use at least %(n)s characters.") % {"n": MIN_PASSWORD_LENGTH}}, 400
            else:
                start_session(request, session, row, verified=True)
    if errors:
        return _page(request, user, errors, status=status)
    log.info("password changed at the desk", extra={"path": request.url.path})
    flash(request, _("Your password is changed. Every other browser signed in to your account is now signed out."))
    return RedirectResponse(HERE, status_code=303)


@router.post("/sign-out-everywhere")
def sign_out_everywhere(request: Request, user: StaffUser = Depends(staff_user)) -> Response:
    """Every session of the account ends, this one too: a lost laptop or a copied cookie opens nothing."""
    _ = gettext_of(request)
    with transaction(request) as session:
        ended = end_sessions_of(session, user.id)
    log.info("signed out everywhere", extra={"path": request.url.path, "sessions": ended})
    request.session.clear()
    flash(request, _("You are signed out everywhere, in this browser too. Sign in again to go on."))
    return RedirectResponse("/desk/login", status_code=303)


@router.post("/recovery-codes")
def new_recovery_codes(request: Request, form: FormData = Depends(form_data),
                       user: StaffUser = Depends(staff_user)) -> Response:
    """New recovery codes, shown once; the old ones stop working."""
    with transaction(request) as session:
        row = get_user(session, user.id)
        if not has_two_factor(row):
            return RedirectResponse(HERE, status_code=303)
        errors, status = _check_password(request, session, row, _typed(form, "codes_password"), "codes_password")
        if not errors:
            codes = replace_recovery_codes(session, row, now_of(request))
    if errors:
        return _page(request, user, errors, status=status)
    return render(request, "desk/recovery_codes.html", {"codes": codes, "next": HERE, "enrolled": False})


@router.post("/two-factor/off")
def two_factor_off(request: Request, form: FormData = Depends(form_data),
                   user: StaffUser = Depends(staff_user)) -> Response:
    """A curator may go back to the password alone; an admin may not."""
    _ = gettext_of(request)
    if user.is_admin:
        raise ForbiddenError("admins always sign in with two factors")
    with transaction(request) as session:
        row = get_user(session, user.id)
        errors, status = _check_password(request, session, row, _typed(form, "off_password"), "off_password")
        if not errors:
            turn_off_two_factor(session, row)
    if errors:
        return _page(request, user, errors, status=status)
    flash(request, _("Two-factor sign-in is off. Your password alone now opens the desk."), "warn")
    return RedirectResponse(HERE, status_code=303)


def _page(request: Request, user: StaffUser, errors: dict[str, str], status: int = 200) -> Response:
    now, token = now_of(request), session_token(request)
    with transaction(request) as session:
        row = get_user(session, user.id)
        browsers = [Browser(browser_name(s.agent), s.created_at, s.last_seen_at, same_session(s, token))
                    for s in sessions_of(session, user.id, now)]
        values = {"account": user, "two_factor": has_two_factor(row), "enabled_at": row.totp_enabled_at,
                  "codes_left": recovery_codes_left(session, row), "browsers": browsers, "errors": errors,
                  "min_length": MIN_PASSWORD_LENGTH}
    return render(request, "desk/account.html", values, status=status)


def _check_password(request: Request, session: Session, row: User, typed: str,
                    field: str) -> tuple[dict[str, str], int]:
    """Errors for a form field holding the current password, with the page's status; none if it is right."""
    _ = gettext_of(request)
    refusal = refused_password(request, session, row.email)
    if refusal:
        return {field: refusal}, 429
    if not password_matches(row, typed):
        count_wrong_password(request, session, row.email)
        return {field: _("This is not your current password.")}, 400
    return {}, 200


def _typed(form: FormData, name: str) -> str:
    """A password field as typed (spaces count), cut at 1,024 characters."""
    value = form.get(name)
    return value[:1024] if isinstance(value, str) else ""


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Chromium/", "Chromium"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def browser_name(agent: str) -> str:
    """'Firefox on Windows' from a User-Agent header; the header itself (cut short) when neither is known."""
    browser = next((name for token, name in _BROWSERS if token in agent), "")
    system = next((name for token, name in _SYSTEMS if token in agent), "")
    if browser and system:
        return f"{browser} · {system}"
    return browser or system or re.sub(r"\s+", " ", agent)[:60]
