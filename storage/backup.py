"""Backups and restores: SQLite's online backup API, pg_dump/pg_restore for PostgreSQL."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from fursa.storage.errors import BackupError


def backup_database(engine: Engine, target: Path) -> Path:
    """Copy the live database to `target` while Fursa keeps running."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        _sqlite_copy(_sqlite_path(engine), target)
    elif engine.dialect.name == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq_url(engine)], "pg_dump")
    else:
        raise BackupError(f"no backup method for {engine.dialect.name}; use the database's own tools")
    return target


def restore_database(engine: Engine, source: Path) -> None:
    """Replace the database's contents with a backup made by `backup_database`. Stop Fursa first."""
    if not source.exists():
        raise BackupError(f"backup file {source} does not exist")
    if engine.dialect.name == "sqlite":
        engine.dispose()
        _sqlite_copy(source, _sqlite_path(engine))
    elif engine.dialect.name == "postgresql":
        engine.dispose()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={_libpq_url(engine)}", str(source)],
             "pg_restore")
    else:
        raise BackupError(f"no restore method for {engine.dialect.name}")


def _sqlite_copy(source: Path, target: Path) -> None:
    # The backup API copies a consistent snapshot even while writers (WAL) are active.
    try:
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
    except sqlite3.Error as exc:
        raise BackupError(f"could not copy {source} to {target}: {exc}") from exc


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _libpq_url(engine: Engine) -> str:
    url = make_url(engine.url.render_as_string(hide_password=False)).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _run(command: list[str], tool: str) -> None:
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed; install PostgreSQL's client tools (apt-get install postgresql-client)")
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip() or done.stdout.strip()}")
