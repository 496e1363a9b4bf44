"""Signing in and out of the staff desk; the second step and the account page are included here
(web/two_factor.py, web/account.py), under /desk like the sign-in itself."""
from __future__ import annotations

import logging

from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from fursa.storage import authenticate, clear_attempts, has_two_factor
from fursa.web import account, two_factor
from fursa.web.auth import (
    count_wrong_password, current_user, end_session, needs_enrolment, pending_step, refused_password, safe_next,
    second_step, start_session,
)
from fursa.web.csrf import verify_csrf
from fursa.web.forms import form_data, text
from fursa.web.render import gettext_of, render
from fursa.web.state import now_of, transaction
from fursa.web.throttle import SIGN_INS_PER_ADDRESS

log = logging.getLogger("fursa.web.auth")
router = APIRouter(prefix="/desk", dependencies=[Depends(verify_csrf)], include_in_schema=False)


@router.get("/login")
def login_form(request: Request, next: str = "") -> Response:
    target = safe_next(next)
    if current_user(request) is not None:
        return RedirectResponse(target, status_code=303)
    step = pending_step(request, target)
    if step is not None:
        return RedirectResponse(step, status_code=303)
    return render(request, "desk/login.html", {"next": target, "email": "", "errors": {}})


@router.post("/login")
def login(request: Request, form: FormData = Depends(form_data)) -> Response:
    email = text(form, "email", 320)
    raw = form.get("password")
    password = raw[:1024] if isinstance(raw, str) else ""
    target = safe_next(text(form, "next", 2000))
    _ = gettext_of(request)
    with transaction(request) as session:
        refusal = refused_password(request, session, email)
    if refusal:
        log.warning("sign-in throttled", extra={"path": request.url.path})
        return render(request, "desk/login.html", {"next": target, "email": email, "errors": {"password": refusal}},
                      status=429)
    step = target
    with transaction(request) as session:
        user = authenticate(session, email, password, now_of(request)) if email and password else None
        if user is None:
            count_wrong_password(request, session, email)
        else:
            clear_attempts(session, SIGN_INS_PER_ADDRESS, email.casefold())
            verified = not (has_two_factor(user) or needs_enrolment(user))
            start_session(request, session, user, verified=verified)
            if not verified:
                step = second_step(user, target)
    if user is None:
        log.info("sign-in refused", extra={"path": request.url.path})
        errors = {"password": _("This e-mail address and password do not match an active staff account.")}
        return render(request, "desk/login.html", {"next": target, "email": email, "errors": errors}, status=400)
    return RedirectResponse(step, status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    """Sign this browser out: its session ends on the server, so a copy of the cookie opens nothing."""
    end_session(request)
    return RedirectResponse("/", status_code=303)


router.include_router(two_factor.router)
router.include_router(account.router)
