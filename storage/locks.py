"""One scheduler per database: a lock that holds across processes (and, on PostgreSQL, machines)."""
from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Engine, text

from fursa.storage.errors import LockHeldError

# An arbitrary constant naming Fursa's scheduler lock among PostgreSQL advisory locks.
_ADVISORY_KEY = 0x46757273  # "Furs"


class SchedulerLock:
    """Held for the life of the scheduler; released on `release` or when the process dies.

    SQLite: an flock on a file beside the database (the database is local to one machine anyway).
    PostgreSQL: a session advisory lock, so two machines pointing at one database also exclude each other.
    """

    def __init__(self, engine: Engine, lock_dir: Path) -> None:
        self.engine = engine
        self.lock_dir = lock_dir
        self._file: IO[str] | None = None
        self._connection: Connection | None = None

    def acquire(self) -> "SchedulerLock":
        if self.engine.dialect.name == "postgresql":
            self._acquire_advisory()
        else:
            self._acquire_file()
        return self

    def _acquire_file(self) -> None:
        self.lock_dir.mkdir(parents=True, exist_ok=True)
        path = self.lock_dir / "scheduler.lock"
        handle = path.open("w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise LockHeldError(f"another scheduler holds {path}; stop it before starting a second one") from None
        self._file = handle

    def _acquire_advisory(self) -> None:
        connection = self.engine.connect()
        got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": _ADVISORY_KEY}).scalar()
        if not got:
            connection.close()
            raise LockHeldError("another scheduler is connected to this PostgreSQL database; stop it first")
        connection.commit()
        self._connection = connection

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._connection is not None:
            self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _ADVISORY_KEY})
            self._connection.close()
            self._connection = None

    def __enter__(self) -> "SchedulerLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
