"""Engines, sessions and migrations: how the rest of Fursa reaches the database."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from fursa.storage.errors import DatabaseError
from fursa.storage.models import Base

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


# SQLite's SQLITE_FULL ("database or disk is full") and PostgreSQL's disk_full (SQLSTATE 53100).
_SQLITE_FULL = 13
_PG_DISK_FULL = "53100"


def is_database_full(error: BaseException) -> bool:
    """True when `error` (a SQLAlchemy error, or the driver's own) says the database's disk is full:
    not a passing failure to retry in a few seconds, but one a person must act on."""
    orig = getattr(error, "orig", None) or error
    return (getattr(orig, "sqlite_errorcode", None) == _SQLITE_FULL or getattr(orig, "sqlstate", None) == _PG_DISK_FULL
            or "database or disk is full" in str(orig))


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
        reason = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
        raise DatabaseError(
            f"could not create or upgrade the database at {engine.url!r}: {' '.join(str(reason).split())}. "
            "Check that FURSA_DATABASE_URL points to a writable database that is not damaged."
        ) from exc


def is_migrated(engine: Engine) -> bool:
    return inspect(engine).has_table("alembic_version")


def check_tables(engine: Engine) -> None:
    """Read the first and the newest row of every table of the schema, as raw values.

    A cheap proof, for health checks, that the database answers, that every table exists and that
    the pages on those two paths through each table can be read. It does not read every page:
    damage elsewhere is found by `PRAGMA integrity_check` (backup_database runs it) or by the query
    that reaches it. Raises DatabaseError naming the table and the database's own reason.
    """
    quote = engine.dialect.identifier_preparer.quote
    reading = "the database"
    try:
        with engine.connect() as connection:
            for table in Base.metadata.sorted_tables:
                reading = f"table {table.name}"
                for order in ("ASC", "DESC"):
                    key = ", ".join(f"{quote(column.name)} {order}" for column in table.primary_key.columns)
                    # Raw SQL: values are read without type processing, so a damaged JSON text is
                    # not mistaken for an unreadable page.
                    connection.exec_driver_sql(f"SELECT * FROM {quote(table.name)} ORDER BY {key} LIMIT 1").fetchall()
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
        raise DatabaseError(f"{reading} of {engine.url!r} cannot be read: {reason}") from exc
