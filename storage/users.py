"""Staff accounts of the curation desk: creating them, setting passwords, signing in, finding them.

Clear-text passwords stop here: they are hashed (storage.passwords) before a row sees them, and
never logged or stored as typed.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fursa.storage.errors import InvalidSubscriberError, InvalidUserError, NotFoundError, StorageError
from fursa.storage.models import User
from fursa.storage.passwords import hash_password, needs_rehash, rehash, verify_password
from fursa.storage.staff_sessions import end_sessions_of
from fursa.storage.subscribers import normalize_email

log = logging.getLogger("fursa.storage.users")

STAFF_ROLES = ("admin", "curator")
STAFF_LANGUAGES = ("en", "ar")


def add_user(session: Session, email: str, password: str, role: str, now: datetime, name: str = "",
             language: str = "en") -> User:
    """A new staff account from a typed password (`fursa users add`).

    Raises InvalidUserError, or its WeakPasswordError when the password is too short.
    """
    user = create_user(session, email=email, password_hash=hash_password(password), role=role, now=now,
                       name=name, language=language)
    log.info("staff account created", extra={"user_id": user.id, "role": role})
    return user


def create_user(
    session: Session, *, email: str, password_hash: str, role: str, now: datetime, name: str = "",
    language: str = "en",
) -> User:
    """A new active staff account; an address already in use is refused rather than overwritten."""
    if role not in STAFF_ROLES:
        raise InvalidUserError(f"role {role!r} is not one of: {', '.join(STAFF_ROLES)}")
    if language not in STAFF_LANGUAGES:
        raise InvalidUserError(f"language {language!r} is not one of: {', '.join(STAFF_LANGUAGES)}")
    try:
        address = normalize_email(email)
    except InvalidSubscriberError as exc:
        raise InvalidUserError(str(exc)) from None
    if session.scalar(select(User).where(User.email == address)) is not None:
        raise InvalidUserError(f"a staff account for {address} already exists; set its password instead")
    user = User(email=address, name=name.strip(), password_hash=password_hash, role=role,
                language=language, active=True, created_at=now)
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, email: str, password: str) -> User:
    """Give an existing account a new password (`fursa users password`); every session of it ends."""
    user = find_user(session, email)
    if user is None:
        raise NotFoundError(f"no staff account for {email!r}; create one with `fursa users add`")
    change_password(session, user, password)
    return user


def change_password(session: Session, user: User, password: str) -> None:
    """A new password for `user`, and every session of the account ended (the desk then opens a
    fresh one for the browser that changed it). Raises WeakPasswordError for a short password."""
    user.password_hash = hash_password(password)
    end_sessions_of(session, user.id)


def authenticate(session: Session, email: str, password: str, now: datetime) -> User | None:
    """The active account these credentials open, or None; the answer takes as long either way."""
    user = find_user(session, email)
    if user is None or not user.active:
        verify_password(None, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = rehash(password)
    user.last_login_at = now
    return user


def password_matches(user: User, password: str) -> bool:
    """Whether `password` is the account's current one (the account page asks before changes)."""
    return verify_password(user.password_hash, password)


def find_user(session: Session, email: str) -> User | None:
    """The account for an address, or None; a malformed address simply finds nobody."""
    try:
        address = normalize_email(email)
    except StorageError:
        return None
    return session.scalar(select(User).where(User.email == address))


def get_user(session: Session, user_id: int) -> User:
    row = session.get(User, user_id)
    if row is None:
        raise NotFoundError(f"no staff account with id {user_id}")
    return row


def set_language(user: User, language: str) -> None:
    if language not in STAFF_LANGUAGES:
        raise InvalidUserError(f"language {language!r} is not one of: {', '.join(STAFF_LANGUAGES)}")
    user.language = language
