"""Engines, sessions and migrations: how the rest of Fursa reaches the database."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from fursa.storage.errors import DatabaseError

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str, busy_timeout_s: float = 30.0) -> Engine:
    """An engine for `url`; SQLite files get WAL and a busy timeout so a reader never blocks the crawler.

    `busy_timeout_s` is how long a statement waits for a lock held by another process before the
    caller sees "database is locked" (SQLite) or a lock timeout (PostgreSQL) and retries the job.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": busy_timeout_s})
        event.listen(engine, "connect", lambda conn, _record: _sqlite_pragmas(conn, busy_timeout_s))
        return engine
    lock_ms = int(busy_timeout_s * 1000)
    return create_engine(url, pool_pre_ping=True, connect_args={"options": f"-c lock_timeout={lock_ms}"})


def _sqlite_pragmas(dbapi_conn, busy_timeout_s: float) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL survives any crash of the process (SIGKILL included) and only risks the
    # last commits on power loss; FULL would fsync every ledger step of every digest.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
    cursor.close()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def _alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation would choke on '%' in passwords.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration."""
    config = _alembic_config(engine.url.render_as_string(hide_password=False))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except Exception as exc:  # alembic and drivers raise many kinds; the user needs one message
        raise DatabaseError(
            f"could not create or upgrade the database at {engine.url!r}: {exc}. "
            "Check that FURSA_DATABASE_URL points to a writable database."
        ) from exc


def is_migrated(engine: Engine) -> bool:
    return inspect(engine).has_table("alembic_version")
