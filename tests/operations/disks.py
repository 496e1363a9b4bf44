"""Databases whose disk fills up on cue, for real: SQLite capped with PRAGMA max_page_count, PostgreSQL with
the ledger's table in a tablespace on a 1 MB tmpfs. `fill` takes all the room left from a connection of its
own (as another process filling the disk would); `make_room` gives it back.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from typing import Iterator

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError


class SqliteDisk:
    """Every connection Fursa opens may grow the file to `cap` pages; `fill` grows it there from outside."""

    def __init__(self, engine: Engine, room: int = 400) -> None:
        self.engine = engine
        self.path = engine.url.database
        with sqlite3.connect(self.path) as connection:
            self.cap = connection.execute("PRAGMA page_count").fetchone()[0] + room
        event.listen(engine, "connect", self.cap_connection)
        engine.dispose()   # every connection from now on is capped

    def cap_connection(self, dbapi_connection, _record) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.execute(f"PRAGMA max_page_count = {self.cap}")

    @contextlib.contextmanager
    def capping_every_engine(self) -> Iterator[None]:
        """For a command that makes engines of its own."""
        event.listen(Engine, "connect", self.cap_connection)
        try:
            yield
        finally:
            event.remove(Engine, "connect", self.cap_connection)

    def fill(self) -> None:
        connection = sqlite3.connect(self.path, timeout=30)
        page_size, pages = (connection.execute(f"PRAGMA {name}").fetchone()[0] for name in ("page_size", "page_count"))
        connection.execute("CREATE TABLE IF NOT EXISTS ballast (b BLOB)")
        connection.execute("INSERT INTO ballast VALUES (zeroblob(?))", ((self.cap - pages) * page_size,))
        connection.commit()
        connection.close()

    def make_room(self) -> None:
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute("DROP TABLE ballast")
        connection.commit()
        connection.close()

    def close(self) -> None:
        event.remove(self.engine, "connect", self.cap_connection)
        self.engine.dispose()


class PostgresDisk:
    """The deliveries table and its indexes moved to a tablespace on a 1 MB tmpfs (needs root, and the
    test server on this machine); `fill` fills the tmpfs with a ballast table until PostgreSQL says 53100."""

    def __init__(self, engine: Engine) -> None:
        url = make_url(engine.url.render_as_string(hide_password=False))
        if os.geteuid() != 0 or url.host not in ("127.0.0.1", "localhost", "::1"):
            pytest.skip("a full PostgreSQL disk needs root (to mount a tmpfs) and the test server on this machine")
        self.engine = engine
        self.name = f"fursa_tiny_{os.getpid()}"
        self.folder = tempfile.mkdtemp(prefix="fursa-tiny-")
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", self.folder],
                                 capture_output=True, text=True)
        if mounted.returncode != 0:
            os.rmdir(self.folder)
            pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}); a full PostgreSQL disk is not tested")
        shutil.chown(self.folder, "postgres")
        self.admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as connection:
            connection.execute(text(f"CREATE TABLESPACE {self.name} LOCATION '{self.folder}'"))
            self._move("deliveries", self.name, connection)
        # A long read (a report, a backup) holds a snapshot, so the ledger's old row versions cannot be
        # pruned away: each update needs new room, as on a busy database.
        self.reader = create_engine(url, isolation_level="REPEATABLE READ").connect()
        self.reader.execute(text("SELECT count(*) FROM deliveries"))

    def _move(self, table: str, tablespace: str, connection) -> None:
        connection.execute(text(f"ALTER TABLE {table} SET TABLESPACE {tablespace}"))
        for index in connection.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = :t"), {"t": table}):
            connection.execute(text(f'ALTER INDEX "{index[0]}" SET TABLESPACE {tablespace}'))

    @contextlib.contextmanager
    def capping_every_engine(self) -> Iterator[None]:
        yield   # the tablespace is the server's: every connection meets it

    def fill(self) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f"CREATE TABLE ballast (b text) TABLESPACE {self.name}"))
            with contextlib.suppress(OperationalError):   # 53100 once the tmpfs is full; the file stays full
                connection.execute(text("INSERT INTO ballast SELECT string_agg(md5(random()::text), '') "
                                        "FROM generate_series(1, 30), generate_series(1, 5000) AS r GROUP BY r"))

    def make_room(self) -> None:
        self._end_read()
        with self.admin.connect() as connection:
            connection.execute(text("DROP TABLE ballast"))

    def _end_read(self) -> None:
        if self.reader is not None:
            self.reader.rollback()
            self.reader.close()
            self.reader.engine.dispose()
            self.reader = None

    def close(self) -> None:
        self._end_read()
        self.engine.dispose()
        with self.admin.connect() as connection:
            connection.execute(text("DROP TABLE IF EXISTS ballast"))
            self._move("deliveries", "pg_default", connection)
            connection.execute(text(f"DROP TABLESPACE {self.name}"))
        self.admin.dispose()
        subprocess.run(["umount", self.folder], check=True)
        os.rmdir(self.folder)


def full_disk_for(engine: Engine) -> SqliteDisk | PostgresDisk:
    return SqliteDisk(engine) if engine.dialect.name == "sqlite" else PostgresDisk(engine)
