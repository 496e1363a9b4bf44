"""The signed-in staff session: who it is, roles, and safe redirects after sign-in.

Accounts and their argon2 passwords are storage's (storage.users, storage.passwords), where the
command line reaches them too; this module only turns a checked account into a browser session.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from starlette.requests import Request

from fursa.storage import NotFoundError, User, get_user, set_language
from fursa.web.errors import ForbiddenError, LoginRequiredError
from fursa.web.state import now_of, transaction, web_state

# A staff session lasts a working day; after that the desk asks for the password again.
SESSION_LIFETIME = timedelta(hours=12)
DESK_HOME = "/desk"


@dataclass(frozen=True)
class StaffUser:
    """The signed-in account as handlers see it: no password hash travels past this module."""

    id: int
    email: str
    name: str
    role: str
    language: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def label(self) -> str:
        return self.name or self.email


def _session_proof(user: User, secret_key: str) -> str:
    """Binds a session to the password: changing it signs every other session out."""
    message = f"{user.id}:{user.password_hash}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def start_session(request: Request, user: User) -> None:
    state = web_state(request)
    request.session["uid"] = user.id
    request.session["proof"] = _session_proof(user, state.secret_key)
    request.session["since"] = now_of(request).timestamp()
    request.session["lang"] = user.language


def end_session(request: Request) -> None:
    request.session.clear()


def current_user(request: Request) -> StaffUser | None:
    """The signed-in, still active staff account, or None."""
    uid = request.session.get("uid")
    if not isinstance(uid, int):
        return None
    state = web_state(request)
    since = request.session.get("since", 0)
    if now_of(request).timestamp() - float(since) > SESSION_LIFETIME.total_seconds():
        return None
    with transaction(request) as session:
        try:
            user = get_user(session, uid)
        except NotFoundError:
            return None
        if not user.active or not hmac.compare_digest(request.session.get("proof", ""),
                                                      _session_proof(user, state.secret_key)):
            return None
        return StaffUser(user.id, user.email, user.name, user.role, user.language)


def staff_user(request: Request) -> StaffUser:
    """FastAPI dependency of every desk page: the account, or a redirect to the sign-in page."""
    user = current_user(request)
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequiredError(target if request.method == "GET" else DESK_HOME)
    request.state.user = user
    return user


def admin_user(request: Request) -> StaffUser:
    """FastAPI dependency of admin-only actions (subscriber data, source settings)."""
    user = staff_user(request)
    if not user.is_admin:
        raise ForbiddenError("only an admin may do this")
    return user


def remember_language(request: Request, lang: str) -> None:
    """A signed-in staff member's language choice follows them to their next sign-in."""
    user = current_user(request)
    if user is None:
        return
    with transaction(request) as session:
        set_language(get_user(session, user.id), lang)


def safe_next(target: str | None, default: str = DESK_HOME) -> str:
    """A same-site path to go to after sign-in; anything that could leave the site becomes `default`."""
    if not target or len(target) > 2000:
        return default
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
