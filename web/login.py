"""Signing in and out of the staff desk."""
from __future__ import annotations

import logging

from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from fursa.storage import authenticate
from fursa.web.auth import current_user, end_session, safe_next, start_session
from fursa.web.csrf import rotate_csrf, verify_csrf
from fursa.web.forms import form_data, text
from fursa.web.render import gettext_of, render
from fursa.web.state import now_of, transaction, web_state

log = logging.getLogger("fursa.web.auth")
router = APIRouter(prefix="/desk", dependencies=[Depends(verify_csrf)], include_in_schema=False)


@router.get("/login")
def login_form(request: Request, next: str = "") -> Response:
    if current_user(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "desk/login.html", {"next": safe_next(next), "email": "", "errors": {}})


@router.post("/login")
def login(request: Request, form: FormData = Depends(form_data)) -> Response:
    email = text(form, "email", 320)
    raw = form.get("password")
    password = raw[:1024] if isinstance(raw, str) else ""
    target = safe_next(text(form, "next", 2000))
    _ = gettext_of(request)
    throttle, now, key = web_state(request).sign_ins, now_of(request), email.casefold()
    if throttle.blocked(key, now):
        log.warning("sign-in throttled", extra={"path": request.url.path})
        errors = {"password": _("Too many wrong passwords for this address. Wait 15 minutes and try again.")}
        return render(request, "desk/login.html", {"next": target, "email": email, "errors": errors}, status=429)
    with transaction(request) as session:
        user = authenticate(session, email, password, now) if email and password else None
        if user is not None:
            start_session(request, user)
            rotate_csrf(request)
    if user is None:
        throttle.record(key, now)
        log.info("sign-in refused", extra={"path": request.url.path})
        errors = {"password": _("This e-mail address and password do not match an active staff account.")}
        return render(request, "desk/login.html", {"next": target, "email": email, "errors": errors}, status=400)
    throttle.clear(key)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    end_session(request)
    return RedirectResponse("/", status_code=303)
