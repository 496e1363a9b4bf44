"""Failed attempts counted in the database, so every web worker sees the same counts.

Each key (an address, a client's network, an account's second-factor codes) has one row per fixed
window. A key is at its limit when the current window's count, plus the previous window's count
weighted by the part of it still within one window of now, reaches the limit (a sliding-window
counter: two rows per key, none per attempt). Rows older than two windows are deleted whenever an
attempt is recorded, so the table holds only the keys of the last two windows, and the process
holds nothing at all.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from fursa.storage.models import AttemptCount

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class AttemptLimit:
    """At most `limit` failed attempts per key within `window`; `scope` keeps kinds of key apart."""

    scope: str
    limit: int
    window: timedelta


def attempts_of(session: Session, limit: AttemptLimit, key: str, now: datetime) -> float:
    """The key's failed attempts within one window of now (the sliding-window estimate)."""
    start = _window_start(limit.window, now)
    previous = start - limit.window
    counts = dict(session.execute(
        select(AttemptCount.window_start, AttemptCount.count).where(
            AttemptCount.scope == limit.scope, AttemptCount.key_hash == _key_hash(limit, key),
            AttemptCount.window_start.in_((start, previous)))).all())
    still_inside = 1 - (now - start) / limit.window
    return counts.get(start, 0) + counts.get(previous, 0) * still_inside


def over_limit(session: Session, limit: AttemptLimit, key: str, now: datetime) -> bool:
    return attempts_of(session, limit, key, now) >= limit.limit


def record_attempt(session: Session, limit: AttemptLimit, key: str, now: datetime) -> None:
    """Count one failed attempt of `key` (one statement, safe with workers counting at once)."""
    values = {"scope": limit.scope, "key_hash": _key_hash(limit, key), "window_start": _window_start(limit.window, now),
              "count": 1}
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
        statement = insert(AttemptCount).values(**values)
        session.execute(statement.on_conflict_do_update(
            index_elements=["scope", "key_hash", "window_start"], set_={"count": AttemptCount.count + 1}))
    else:   # other databases: read, then write
        row = session.get(AttemptCount, (values["scope"], values["key_hash"], values["window_start"]))
        if row is None:
            session.add(AttemptCount(**values))
        else:
            row.count += 1
        session.flush()
    prune_attempts(session, now - 2 * limit.window, limit.scope)


def clear_attempts(session: Session, limit: AttemptLimit, key: str) -> None:
    """Forget a key's failed attempts (after it succeeded)."""
    session.execute(delete(AttemptCount).where(AttemptCount.scope == limit.scope,
                                               AttemptCount.key_hash == _key_hash(limit, key)))


def prune_attempts(session: Session, before: datetime, scope: str | None = None) -> int:
    """Delete the counts of windows that started before `before`; returns how many rows went."""
    query = delete(AttemptCount).where(AttemptCount.window_start < before)
    if scope is not None:
        query = query.where(AttemptCount.scope == scope)
    return session.execute(query).rowcount or 0


def _window_start(window: timedelta, now: datetime) -> datetime:
    return _EPOCH + ((now - _EPOCH) // window) * window


def _key_hash(limit: AttemptLimit, key: str) -> str:
    """Addresses and client addresses are not kept as typed, only hashed with their scope."""
    return hashlib.sha256(f"{limit.scope}\x00{key}".encode("utf-8")).hexdigest()
