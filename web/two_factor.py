"""The second step of signing in: a code from the authenticator app (or a recovery code), and the
enrolment that sets the app up — required of admins before the desk opens, a choice for curators.

The router is included by login.router, so its paths are under /desk. The QR code is an SVG in a
`data:` address, which the Content-Security-Policy's `img-src 'self' data:` allows; no script runs.
"""
from __future__ import annotations

import logging
from urllib.parse import quote

import segno
from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from fursa.storage import (
    begin_enrolment, check_second_factor, clear_attempts, confirm_enrolment, enrolment_uri, has_two_factor,
)
from fursa.web.auth import (
    SignedIn, count_wrong_code, needs_enrolment, refused_code, safe_next, second_step, signed_in,
    start_session,
)
from fursa.web.csrf import verify_csrf
from fursa.web.forms import form_data, text
from fursa.web.render import flash, gettext_of, render
from fursa.web.state import now_of, transaction
from fursa.web.throttle import CODES_PER_ACCOUNT

log = logging.getLogger("fursa.web.auth")
router = APIRouter(prefix="/two-factor", dependencies=[Depends(verify_csrf)], include_in_schema=False)
ACCOUNT = "/desk/account"


@router.get("")
def code_form(request: Request, next: str = "") -> Response:
    target = safe_next(next)
    with transaction(request) as session:
        away = _not_for_code(signed_in(request, session), target)
    if away is not None:
        return RedirectResponse(away, status_code=303)
    return render(request, "desk/two_factor.html", {"next": target, "errors": {}})


@router.post("")
def check_code(request: Request, form: FormData = Depends(form_data)) -> Response:
    """The code after the password: right, and the session is verified (a new token); wrong, and it counts."""
    target = safe_next(text(form, "next", 2000))
    _ = gettext_of(request)
    passed = refusal = None
    with transaction(request) as session:
        found = signed_in(request, session)
        away = _not_for_code(found, target)
        if away is None:
            user = found.user
            refusal = refused_code(request, session, user)
            if refusal is None:
                passed = check_second_factor(session, user, text(form, "code", 100), now_of(request))
                if passed is None:
                    count_wrong_code(request, session, user)
                else:
                    clear_attempts(session, CODES_PER_ACCOUNT, str(user.id))
                    start_session(request, session, user, verified=True)
    if away is not None:
        return RedirectResponse(away, status_code=303)
    if passed is None:
        log.info("second factor refused", extra={"path": request.url.path})
        error = refusal or _("This code is not right, or it was used already. Type the code your app shows now.")
        return render(request, "desk/two_factor.html", {"next": target, "errors": {"code": error}},
                      status=429 if refusal else 400)
    if passed.kind == "recovery":
        flash(request, _("You signed in with a recovery code, which cannot be used again. Recovery codes left: "
                         "%(n)s. Make new ones on your account page.") % {"n": passed.recovery_left}, "warn")
    return RedirectResponse(target, status_code=303)


@router.get("/setup")
def setup_form(request: Request, next: str = "") -> Response:
    """Enrolment: the secret as a QR code, as text and as an otpauth:// link, and a code to confirm it."""
    target = safe_next(next)
    with transaction(request) as session:
        found = signed_in(request, session)
        away = _not_for_setup(found, target)
        if away is None:
            values = _setup_values(request, found, target)
    if away is not None:
        return RedirectResponse(away, status_code=303)
    return render(request, "desk/two_factor_setup.html", {**values, "errors": {}})


@router.post("/setup")
def confirm_setup(request: Request, form: FormData = Depends(form_data)) -> Response:
    """A right code turns two-factor sign-in on and shows the recovery codes, once."""
    target = safe_next(text(form, "next", 2000))
    _ = gettext_of(request)
    codes = refusal = None
    with transaction(request) as session:
        found = signed_in(request, session)
        away = _not_for_setup(found, target)
        if away is None:
            user, now = found.user, now_of(request)
            refusal = refused_code(request, session, user)
            if refusal is None:
                codes = confirm_enrolment(session, user, text(form, "code", 100), now)
            if codes is None:
                if refusal is None:
                    count_wrong_code(request, session, user)
                values = _setup_values(request, found, target)
            else:
                clear_attempts(session, CODES_PER_ACCOUNT, str(user.id))
                if not found.verified:
                    start_session(request, session, user, verified=True)
    if away is not None:
        return RedirectResponse(away, status_code=303)
    if codes is None:
        error = refusal or _("This code is not right. Check that the app has the key shown here, then type "
                             "the code it shows now.")
        return render(request, "desk/two_factor_setup.html", {**values, "errors": {"code": error}},
                      status=429 if refusal else 400)
    log.info("two-factor sign-in turned on", extra={"path": request.url.path})
    return render(request, "desk/recovery_codes.html", {"codes": codes, "next": target, "enrolled": True})


def login_page(target: str) -> str:
    return f"/desk/login?next={quote(target, safe='/')}"


def _not_for_code(found: SignedIn | None, target: str) -> str | None:
    """Where to send a browser that has no code to give (no session, already in, no app yet), or None."""
    if found is None:
        return login_page(target)
    if found.verified:
        return target
    if not has_two_factor(found.user):
        return second_step(found.user, target)
    return None


def _not_for_setup(found: SignedIn | None, target: str) -> str | None:
    """Where to send a browser that has nothing to enrol (no session, an app already set up), or None."""
    if found is None:
        return login_page(target)
    if has_two_factor(found.user):
        return ACCOUNT if found.verified else second_step(found.user, target)
    return None


def _setup_values(request: Request, found: SignedIn, target: str) -> dict:
    """What the enrolment page shows; a signed-in curator also sees the desk's menu."""
    user = found.user
    if found.verified and not needs_enrolment(user):
        request.state.user = found.staff
    secret = begin_enrolment(user)
    uri = enrolment_uri(user)
    return {
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "uri": uri,
        "qr": segno.make(uri, error="m").svg_data_uri(scale=4, border=4, dark="#1f2328"),
        "next": target,
        "pending": not found.verified,
        "required": user.role == "admin",
    }
