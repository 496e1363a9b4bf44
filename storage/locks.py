"""One scheduler per database, wherever it was started: a lock kept in the database itself.

PostgreSQL: a session advisory lock, held by one open connection; the server drops it the moment
that connection ends (the process died, the network went), so machines sharing a database exclude
each other. SQLite: a row in `lock_leases` naming the holder until its lease ends; the holder renews
the lease while it runs, and a lease that ran out (its process was killed) may be taken over.
Either way the lock lives with the data, not in a working folder.
"""
from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta, timezone
from typing import Callable

from sqlalchemy import Connection, Engine, delete, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import DBAPIError

from fursa.storage.errors import LockHeldError, LockLostError
from fursa.storage.models import LockLease

# An arbitrary constant naming Fursa's scheduler lock among PostgreSQL advisory locks.
_ADVISORY_KEY = 0x46757273  # "Furs"
SCHEDULER = "scheduler"
# How long a SQLite lease lasts unless renewed: the longest a killed scheduler keeps a new one out.
SCHEDULER_LEASE = timedelta(seconds=60)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class SchedulerLock:
    """Held for the life of the scheduler; released on `release` or when the process dies.

    Call `renew` every `renew_every_s` seconds while holding it: on SQLite it extends the lease, on
    PostgreSQL it checks that the connection holding the advisory lock is still alive. It raises
    LockLostError when the lock is no longer this process's, and the scheduler must then stop.
    """

    def __init__(self, engine: Engine, *, lease: timedelta = SCHEDULER_LEASE,
                 clock: Callable[[], datetime] = _utc_now, name: str = SCHEDULER) -> None:
        self.engine = engine
        self.lease = lease
        self.clock = clock
        self.name = name
        self.holder = f"{socket.gethostname()} pid {os.getpid()} ({uuid.uuid4().hex[:8]})"
        self._connection: Connection | None = None
        self._held = False

    @property
    def renew_every_s(self) -> float:
        """Renew four times per lease, so a database busy for a while does not lose it."""
        return self.lease.total_seconds() / 4

    @property
    def _advisory(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def acquire(self) -> "SchedulerLock":
        if self._advisory:
            self._acquire_advisory()
        else:
            self._acquire_lease()
        self._held = True
        return self

    def _acquire_advisory(self) -> None:
        connection = self.engine.connect()
        got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": _ADVISORY_KEY}).scalar()
        connection.commit()
        if not got:
            connection.close()
            raise LockHeldError("another scheduler is connected to this PostgreSQL database; stop it first")
        self._connection = connection

    def _acquire_lease(self) -> None:
        now = self.clock()
        values = dict(name=self.name, holder=self.holder, acquired_at=now, expires_at=now + self.lease)
        with self.engine.begin() as connection:
            # Both statements are compare-and-set: of two schedulers starting at once, one wins.
            inserted = connection.execute(
                sqlite.insert(LockLease).values(**values).on_conflict_do_nothing(index_elements=["name"]))
            if inserted.rowcount == 1:
                return
            taken = connection.execute(
                update(LockLease).where(LockLease.name == self.name, LockLease.expires_at < now).values(**values))
            if taken.rowcount == 1:
                return
            holder, renewed, expires = connection.execute(
                select(LockLease.holder, LockLease.acquired_at, LockLease.expires_at)
                .where(LockLease.name == self.name)).one()
        raise LockHeldError(
            f"another scheduler ({holder}) holds this database's scheduler lock until "
            f"{expires:%Y-%m-%d %H:%M:%S} UTC and keeps renewing it; stop it before starting a second one. "
            f"If it was killed, its lease runs out by then and a new scheduler may start")

    def renew(self) -> None:
        """Keep the lock: extend the lease (SQLite) or check the holding connection (PostgreSQL).

        Raises LockLostError when another scheduler took the lock over or the holding connection
        died; a database that is merely busy raises its own OperationalError, to be retried.
        """
        if not self._held:
            raise LockLostError("the scheduler lock is not held")
        if self._advisory:
            self._check_advisory()
            return
        now = self.clock()
        with self.engine.begin() as connection:
            kept = connection.execute(
                update(LockLease).where(LockLease.name == self.name, LockLease.holder == self.holder)
                .values(expires_at=now + self.lease)).rowcount
        if kept != 1:
            self._held = False
            raise LockLostError(
                "another scheduler took over this database's scheduler lock (this one's lease ran out: was the "
                "machine suspended or the database locked for a minute?); stopping so that only one runs")

    def _check_advisory(self) -> None:
        try:
            held = self._connection.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND pid = pg_backend_pid() AND classid = 0 AND objid = CAST(:key AS oid) AND objsubid = 1"),
                {"key": _ADVISORY_KEY}).scalar()
            self._connection.commit()
        except DBAPIError as exc:
            self._held = False
            raise LockLostError(f"the connection holding the scheduler's PostgreSQL advisory lock was lost "
                                f"({exc.orig}); stopping so that only one scheduler runs") from None
        if not held:
            self._held = False
            raise LockLostError("this scheduler no longer holds its PostgreSQL advisory lock; stopping")

    def release(self) -> None:
        if self._connection is not None:
            try:
                if self._held:   # a lost connection holds nothing any more
                    self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _ADVISORY_KEY})
                    self._connection.commit()
            finally:
                self._connection.close()
                self._connection = None
        elif self._held:
            with self.engine.begin() as connection:
                connection.execute(delete(LockLease).where(LockLease.name == self.name,
                                                           LockLease.holder == self.holder))
        self._held = False

    def __enter__(self) -> "SchedulerLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
