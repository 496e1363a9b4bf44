"""CSRF protection: every form carries a token bound to the visitor's session cookie.

The token is made the first time a page renders a form and checked on every unsafe request of
the routers that depend on `verify_csrf`. The one-click unsubscribe POST (RFC 8058) is the single
exception: mail clients send it without cookies, and its signed URL is its authority.
"""
from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from starlette.requests import Request

from fursa.web.errors import CsrfError

FIELD = "csrf_token"
HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Forms are small; a CSV import is the largest thing anyone uploads.
MAX_PART_BYTES = 5 * 1024 * 1024
MAX_FIELDS = 3000


def csrf_token(request: Request) -> str:
    """The session's token, made on first use so that pages without forms set no cookie."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def rotate_csrf(request: Request) -> None:
    """A fresh token after sign-in, so a token planted before cannot be used after."""
    request.session["csrf"] = secrets.token_urlsafe(32)


async def verify_csrf(request: Request) -> None:
    """FastAPI dependency: refuse an unsafe request whose token does not match the session's."""
    if request.method in SAFE_METHODS:
        return
    _check_origin(request)
    expected = request.session.get("csrf")
    sent = request.headers.get(HEADER)
    if sent is None:
        form = await request.form(max_part_size=MAX_PART_BYTES, max_fields=MAX_FIELDS, max_files=1)
        value = form.get(FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfError("the form's security token is missing or out of date")


def _check_origin(request: Request) -> None:
    """Browsers name the page a form came from; one from another site is refused outright.

    The site is this request's Host or the configured public address (a reverse proxy may pass
    its own Host upstream).
    """
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return
    ours = {request.headers.get("host", ""), urlsplit(request.app.state.web.base_url).netloc}
    if urlsplit(origin).netloc not in ours:
        raise CsrfError(f"a form from {origin} may not post here")
