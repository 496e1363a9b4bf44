"""The signed-in staff session: who it is, roles, the steps of signing in, and safe redirects after it.

Accounts, their argon2 passwords, their sessions and their second factor are storage's
(storage.users, storage.staff_sessions, storage.two_factor), where the command line reaches them
too. A browser's session is a row there, named by a random token inside the signed cookie: signing
out, a new password and "sign out everywhere" delete rows, and a cookie copied before then opens
nothing, however long the cookie itself lives.

Signing in has up to two steps. A right password opens a *pending* session; it is verified at once
for a curator without two-factor sign-in, else after a code from the authenticator app (or a
recovery code), or, for an admin who has no second factor yet, after enrolling one.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from sqlalchemy.orm import Session
from starlette.requests import Request

from fursa.storage import (
    StaffSession, User, end_staff_session, find_staff_session, get_user, has_two_factor, open_staff_session,
    over_limit, record_attempt, set_language,
)
from fursa.web.csrf import rotate_csrf
from fursa.web.errors import ForbiddenError, LoginRequiredError
from fursa.web.render import gettext_of
from fursa.web.state import now_of, transaction, web_state
from fursa.web.throttle import CODES_PER_ACCOUNT, SIGN_INS_PER_ADDRESS, SIGN_INS_PER_CLIENT, client_key

DESK_HOME = "/desk"
TWO_FACTOR = "/desk/two-factor"
TWO_FACTOR_SETUP = "/desk/two-factor/setup"
_TOKEN = "sid"


@dataclass(frozen=True)
class StaffUser:
    """The signed-in account as handlers see it: no password hash or secret travels past this module."""

    id: int
    email: str
    name: str
    role: str
    language: str
    two_factor: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def label(self) -> str:
        return self.name or self.email


@dataclass(frozen=True)
class SignedIn:
    """A browser's live session and its account, inside one transaction."""

    user: User
    row: StaffSession

    @property
    def verified(self) -> bool:
        return self.row.verified

    @property
    def staff(self) -> StaffUser:
        user = self.user
        return StaffUser(user.id, user.email, user.name, user.role, user.language, has_two_factor(user))


def needs_enrolment(user: User) -> bool:
    """Admins must sign in with two factors: one without a second factor enrols before the desk opens."""
    return user.role == "admin" and not has_two_factor(user)


def start_session(request: Request, session: Session, user: User, *, verified: bool) -> None:
    """Open a session for `user` in this browser, ending the one it had; a fresh CSRF token too."""
    now = now_of(request)
    end_staff_session(session, request.session.get(_TOKEN))
    agent = request.headers.get("user-agent", "")
    token = open_staff_session(session, user, now, verified=verified, agent=agent)
    request.session.pop("uid", None)
    request.session[_TOKEN] = token
    request.session["proof"] = _session_proof(user, web_state(request).secret_key)
    request.session["lang"] = user.language
    if verified:
        request.session["uid"] = user.id   # lets the public pages offer the desk link without a query
    rotate_csrf(request)


def end_session(request: Request) -> None:
    """Sign this browser out on the server, and forget the cookie's contents."""
    with transaction(request) as session:
        end_staff_session(session, request.session.get(_TOKEN))
    request.session.clear()


def session_token(request: Request) -> str | None:
    token = request.session.get(_TOKEN)
    return token if isinstance(token, str) else None


def signed_in(request: Request, session: Session) -> SignedIn | None:
    """This browser's live session (verified or pending) with its active account, or None."""
    row = find_staff_session(session, request.session.get(_TOKEN), now_of(request))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(str(request.session.get("proof", "")), _session_proof(user, web_state(request).secret_key)):
        return None   # the password changed since (even straight in the database)
    return SignedIn(user, row)


def current_user(request: Request) -> StaffUser | None:
    """The signed-in, still active staff account past every sign-in step, or None."""
    with transaction(request) as session:
        found = signed_in(request, session)
        if found is None or not found.verified or needs_enrolment(found.user):
            return None
        return found.staff


def pending_step(request: Request, target: str) -> str | None:
    """Where a browser whose password was right but whose second step is still due goes next, or None."""
    with transaction(request) as session:
        found = signed_in(request, session)
        if found is None or found.verified:
            return None
        return second_step(found.user, target)


def second_step(user: User, target: str) -> str:
    """The page of the step after a right password: the code, or the enrolment of an admin."""
    page = TWO_FACTOR if has_two_factor(user) else TWO_FACTOR_SETUP
    return f"{page}?next={quote(target, safe='/')}"


def refused_password(request: Request, session: Session, email: str) -> str | None:
    """Why a password may not be tried now (too many failures for this address or from this
    client), in the page's language; None when it may."""
    _ = gettext_of(request)
    now = now_of(request)
    if over_limit(session, SIGN_INS_PER_CLIENT, client_key(request), now):
        return _("Too many failed sign-ins from your network. Wait 15 minutes and try again.")
    if over_limit(session, SIGN_INS_PER_ADDRESS, email.casefold(), now):
        return _("Too many wrong passwords for this address. Wait 15 minutes and try again.")
    return None


def count_wrong_password(request: Request, session: Session, email: str) -> None:
    now = now_of(request)
    record_attempt(session, SIGN_INS_PER_ADDRESS, email.casefold(), now)
    record_attempt(session, SIGN_INS_PER_CLIENT, client_key(request), now)


def refused_code(request: Request, session: Session, user: User) -> str | None:
    """Why a second-factor code may not be tried now for this account or from this client, or None."""
    _ = gettext_of(request)
    now = now_of(request)
    if over_limit(session, CODES_PER_ACCOUNT, str(user.id), now) \
            or over_limit(session, SIGN_INS_PER_CLIENT, client_key(request), now):
        return _("Too many wrong codes. Wait 15 minutes and try again.")
    return None


def count_wrong_code(request: Request, session: Session, user: User) -> None:
    now = now_of(request)
    record_attempt(session, CODES_PER_ACCOUNT, str(user.id), now)
    record_attempt(session, SIGN_INS_PER_CLIENT, client_key(request), now)


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


def _session_proof(user: User, secret_key: str) -> str:
    """Binds a session to the password: a new password, however it was set, ends every session."""
    message = f"{user.id}:{user.password_hash}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]
