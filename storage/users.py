"""Staff accounts of the curation desk: creating, finding and listing them.

Passwords arrive here already hashed; storage never sees a clear-text password.
"""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from fursa.storage.errors import InvalidSubscriberError, NotFoundError, StorageError
from fursa.storage.models import User
from fursa.storage.subscribers import normalize_email

STAFF_ROLES = ("admin", "curator")
STAFF_LANGUAGES = ("en", "ar")


class InvalidUserError(StorageError):
    """Raised by storage.users when a staff account's address, role or language is not acceptable."""


def create_user(
    session: Session, *, email: str, password_hash: str, role: str, now: datetime,
    name: str = "", language: str = "en",
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


def list_users(session: Session) -> Sequence[User]:
    return session.scalars(select(User).order_by(User.email)).all()


def set_password_hash(user: User, password_hash: str) -> None:
    user.password_hash = password_hash


def record_login(user: User, now: datetime) -> None:
    user.last_login_at = now


def set_language(user: User, language: str) -> None:
    if language not in STAFF_LANGUAGES:
        raise InvalidUserError(f"language {language!r} is not one of: {', '.join(STAFF_LANGUAGES)}")
    user.language = language
