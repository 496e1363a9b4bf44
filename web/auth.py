"""Staff accounts: argon2 passwords, the signed-in session, roles, and safe redirects after sign-in."""
from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.orm import Session
from starlette.requests import Request

from fursa.storage import User
from fursa.storage import create_user, find_user, get_user, record_login, set_language, set_password_hash
from fursa.storage import NotFoundError
from fursa.web.errors import ForbiddenError, LoginRequiredError
from fursa.web.state import now_of, transaction, web_state

log = logging.getLogger("fursa.web.auth")

MIN_PASSWORD_LENGTH = 10
# A staff session lasts a working day; after that the desk asks for the password again.
SESSION_LIFETIME = timedelta(hours=12)
DESK_HOME = "/desk"

_hasher = PasswordHasher()
# Verifying against this when the address is unknown makes both answers take as long.
_DUMMY_HASH = _hasher.hash("not a real password, only for equal timing")


class WeakPasswordError(ValueError):
    """Raised by add_user when a new password is too short to protect staff data."""


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


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def add_user(session: Session, email: str, password: str, role: str, now: datetime, name: str = "",
             language: str = "en") -> User:
    """Create a staff account (`fursa users add`); raises WeakPasswordError or storage's InvalidUserError."""
    user = create_user(session, email=email, password_hash=hash_password(password), role=role, now=now,
                       name=name, language=language)
    log.info("staff account created", extra={"user_id": user.id, "role": role})
    return user


def set_password(session: Session, email: str, password: str) -> User:
    """Give an existing account a new password (`fursa users password`); other sessions end with it."""
    user = find_user(session, email)
    if user is None:
        raise NotFoundError(f"no staff account for {email!r}; create one with `fursa users add`")
    set_password_hash(user, hash_password(password))
    return user


def authenticate(session: Session, email: str, password: str, now: datetime) -> User | None:
    """The active account these credentials open, or None; the answer takes as long either way."""
    user = find_user(session, email)
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        return None
    if not _verify(user.password_hash, password):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        set_password_hash(user, _hasher.hash(password))
    record_login(user, now)
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


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
