"""Signed-in staff browsers, kept as rows: a session ends on the server the moment its row goes.

The browser holds only a random token (inside the signed session cookie); the row holds its
SHA-256. Signing out deletes one row; a new password or "sign out everywhere" deletes every row
of the account. A cookie copied before then opens nothing, however long the cookie itself lives.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fursa.storage.models import StaffSession, User

# A signed-in session lasts a working day; after that the desk asks for the password again.
SESSION_LIFETIME = timedelta(hours=12)
# Between a right password and the second factor (or its enrolment): long enough to find the phone.
PENDING_LIFETIME = timedelta(minutes=10)
# How stale "last seen" may get before a request writes it again (not a write per page view).
_SEEN_EVERY = timedelta(minutes=5)
_MAX_TOKEN = 100


def open_staff_session(session: Session, user: User, now: datetime, *, verified: bool, agent: str = "") -> str:
    """A new session for `user`; returns the token for the browser (only its hash is stored).

    `verified` is False while a second factor or its enrolment is still due: such a session opens
    only the two-factor pages, and only for PENDING_LIFETIME.
    """
    prune_staff_sessions(session, now)
    raw = secrets.token_urlsafe(32)
    lifetime = SESSION_LIFETIME if verified else PENDING_LIFETIME
    session.add(StaffSession(user_id=user.id, token_hash=_token_hash(raw), verified=verified, agent=agent[:200],
                             created_at=now, last_seen_at=now, expires_at=now + lifetime))
    session.flush()
    return raw


def find_staff_session(session: Session, raw: object, now: datetime) -> StaffSession | None:
    """The live session for a browser's token, or None (unknown, ended or expired)."""
    if not isinstance(raw, str) or not raw or len(raw) > _MAX_TOKEN:
        return None
    row = session.scalar(select(StaffSession).where(StaffSession.token_hash == _token_hash(raw)))
    if row is None or row.expires_at <= now:
        return None
    if now - row.last_seen_at >= _SEEN_EVERY:
        row.last_seen_at = now
    return row


def end_staff_session(session: Session, raw: object) -> None:
    """Sign one browser out: its token opens nothing from now on."""
    if isinstance(raw, str) and raw and len(raw) <= _MAX_TOKEN:
        session.execute(delete(StaffSession).where(StaffSession.token_hash == _token_hash(raw)))


def end_sessions_of(session: Session, user_id: int, *, keep: str | None = None) -> int:
    """Sign every browser of an account out, except the one holding `keep`; returns how many ended."""
    query = delete(StaffSession).where(StaffSession.user_id == user_id)
    if keep:
        query = query.where(StaffSession.token_hash != _token_hash(keep))
    return session.execute(query).rowcount or 0


def sessions_of(session: Session, user_id: int, now: datetime) -> list[StaffSession]:
    """The account's signed-in browsers, most recently active first (for the account page)."""
    return list(session.scalars(
        select(StaffSession)
        .where(StaffSession.user_id == user_id, StaffSession.verified.is_(True), StaffSession.expires_at > now)
        .order_by(StaffSession.last_seen_at.desc(), StaffSession.id.desc())))


def same_session(row: StaffSession, raw: object) -> bool:
    """Whether `row` is the session of the browser holding `raw`."""
    return isinstance(raw, str) and row.token_hash == _token_hash(raw)


def prune_staff_sessions(session: Session, now: datetime) -> int:
    """Delete the rows of sessions that have expired; returns how many."""
    return session.execute(delete(StaffSession).where(StaffSession.expires_at <= now)).rowcount or 0


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()
