"""Damage a real SQLite file the way a failing disk does: overwrite the bytes of some of its pages.

Nothing is mocked: the database is made and filled by Fursa, its write-ahead log folded into the
file, then pages are overwritten in place and Fursa opens the file again.
"""
from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import Engine

GARBAGE = b"\xa5"


def sqlite_file(engine: Engine) -> Path:
    """The file of a SQLite engine, after every connection to it is closed."""
    assert engine.dialect.name == "sqlite", "only a SQLite file can be damaged byte by byte"
    engine.dispose()
    return Path(engine.url.database)


def _settle(path: Path) -> int:
    """Fold the write-ahead log into the file (so the bytes below are the ones read); the page size."""
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return connection.execute("PRAGMA page_size").fetchone()[0]


def damage_table(path: Path, table: str) -> None:
    """Overwrite the root page of `table`: it can no longer be read; the rest of the file still can."""
    page_size = _settle(path)
    with closing(sqlite3.connect(path)) as connection:
        (root,) = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(GARBAGE * page_size)


def damage_schema(path: Path) -> None:
    """Overwrite the schema page (page 1) after the 100-byte file header: the file still opens as
    SQLite, but no statement can be prepared ("database disk image is malformed")."""
    page_size = _settle(path)
    with path.open("r+b") as file:
        file.seek(100)
        file.write(GARBAGE * (page_size - 100))


def damage_header(path: Path) -> None:
    """Overwrite the file header: SQLite no longer recognises the file ("file is not a database")."""
    _settle(path)
    with path.open("r+b") as file:
        file.write(GARBAGE * 100)
