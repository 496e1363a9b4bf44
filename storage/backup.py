"""Backups and restores: SQLite's online backup API, pg_dump/pg_restore for PostgreSQL.

Each is checked before and after, and written beside its target first: only a file that passed
its check takes the target's name, so a failed backup never replaces the last good one.
- SQLite: `PRAGMA integrity_check` on the live database before copying (a damaged database is not
  copied: the copy would carry the damage) and on the copy after; a restore checks the backup file
  before it replaces anything and the restored database after.
- PostgreSQL: pg_dump's exit status (it reads every row of every table, so a table it cannot read
  fails it; indexes are not checked), then `pg_restore --list` reads the archive back.
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from fursa.storage.errors import BackupError

# integrity_check lists up to this many problems; the first is enough to say what is wrong.
_PROBLEMS_LISTED = 10
_RESTORE_HINT = "restore the last good backup with `fursa restore FILE --yes` after stopping the scheduler and the web server"


def backup_database(engine: Engine, target: Path) -> Path:
    """Copy the live database to `target` while Fursa keeps running, checked before and after."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if engine.dialect.name == "sqlite":
            source = _sqlite_path(engine)
            if not source.exists():
                raise BackupError(f"there is no database at {source}; run `fursa init` first")
            _check_sqlite_file(source, f"the database {source}", f"no backup was written: a copy would carry the damage; {_RESTORE_HINT}")
            _sqlite_copy(source, partial)
            _check_sqlite_file(partial, f"the copy {partial}", "no backup was written; check the disk of the backup folder")
        elif engine.dialect.name == "postgresql":
            _run(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}", _libpq_url(engine)], "pg_dump",
                 "no backup was written")
            _run(["pg_restore", "--list", str(partial)], "pg_restore --list", "the archive pg_dump wrote does not read back; no backup was written")
        else:
            raise BackupError(f"no backup method for {engine.dialect.name}; use the database's own tools")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore_database(engine: Engine, source: Path) -> None:
    """Replace the database's contents with a backup made by `backup_database`. Stop Fursa first."""
    if not source.exists():
        raise BackupError(f"backup file {source} does not exist")
    if engine.dialect.name == "sqlite":
        _check_sqlite_file(source, f"the backup {source}", "nothing was restored; use an older backup")
        engine.dispose()
        live = _sqlite_path(engine)
        _sqlite_restore(source, live)
        _check_sqlite_file(live, f"the restored database {live}", "check the disk it lives on")
    elif engine.dialect.name == "postgresql":
        _run(["pg_restore", "--list", str(source)], "pg_restore --list", "nothing was restored; use an older backup")
        engine.dispose()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={_libpq_url(engine)}", str(source)],
             "pg_restore")
    else:
        raise BackupError(f"no restore method for {engine.dialect.name}")


def _check_sqlite_file(path: Path, what: str, consequence: str) -> None:
    """Raise BackupError unless SQLite's integrity_check finds `path` whole; `what` names the file
    in the message and `consequence` says what was (not) done and what to do."""
    try:
        with closing(sqlite3.connect(path)) as connection:
            rows = connection.execute(f"PRAGMA integrity_check({_PROBLEMS_LISTED})").fetchall()
    except sqlite3.Error as exc:   # damage on the pages the check starts from stops it at once
        raise BackupError(f"{what} is damaged (SQLite: {exc}); {consequence}") from exc
    problems = [row[0] for row in rows if row[0] != "ok"]
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise BackupError(f"{what} is damaged (SQLite integrity_check: {problems[0]}{more}); {consequence}")


def _sqlite_copy(source: Path, target: Path) -> None:
    # The backup API copies a consistent snapshot even while writers (WAL) are active.
    try:
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
    except sqlite3.Error as exc:
        raise BackupError(f"could not copy {source} to {target}: {exc}") from exc


def _sqlite_restore(backup: Path, live: Path) -> None:
    """The backup API writes into the live file; a live file too damaged to open (its header
    overwritten) is replaced instead, with its write-ahead log."""
    try:
        _sqlite_copy(backup, live)
        return
    except BackupError:
        if _opens(live):
            raise
    fresh = live.with_name(live.name + ".restoring")
    fresh.unlink(missing_ok=True)
    _sqlite_copy(backup, fresh)
    for leftover in (live.with_name(live.name + "-wal"), live.with_name(live.name + "-shm")):
        leftover.unlink(missing_ok=True)
    fresh.replace(live)


def _opens(path: Path) -> bool:
    try:
        with closing(sqlite3.connect(path)) as connection:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlite3.DatabaseError:
        return False


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _libpq_url(engine: Engine) -> str:
    url = make_url(engine.url.render_as_string(hide_password=False)).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _run(command: list[str], tool: str, consequence: str = "") -> None:
    program = command[0]
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed; install PostgreSQL's client tools (apt-get install postgresql-client)")
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        said = (done.stderr.strip() or done.stdout.strip() or f"exit status {done.returncode}").splitlines()
        raise BackupError(f"{tool} failed: {' '.join(said)[:500]}" + (f"; {consequence}" if consequence else ""))
