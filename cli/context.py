"""What every `fursa` command shares: the settings file chosen on the command line, one clock, failing clearly."""
from __future__ import annotations

import json
import logging
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, NoReturn

import click
import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from fursa import digests, pipeline, storage
from fursa.settings import SettingsError, load_settings, unknown_variables

try:   # typer 0.22 and later carry their own copy of click, whose context stack click's does not see
    from typer._click.globals import get_current_context as _typer_context
except ImportError:   # older typer runs on click itself
    _typer_context = click.get_current_context

log = logging.getLogger("fursa.cli")
# What a command meets when the database itself fails: the driver's errors (SQLAlchemy wraps them
# in DBAPIError: cannot connect, locked, disk full, "database disk image is malformed"), storage's
# own DatabaseError, and sqlite3's when a file is opened directly.
DATABASE_FAILURES = (DBAPIError, storage.DatabaseError, sqlite3.DatabaseError)
DATABASE_ADVICE = ("Check that the database is reachable and its disk has room; `fursa backup FILE` checks a "
                   "SQLite file for damage, `fursa restore FILE --yes` puts a good backup back. Run with -v for "
                   "the traceback.")


@dataclass(frozen=True)
class CliOptions:
    """The options given before the command (`fursa --config F -v …`), kept on the root click context."""

    config_file: Path | None = None


def now_utc() -> datetime:
    """The one clock of the command line: every command passes it to the jobs as `now`."""
    return datetime.now(timezone.utc)


def _command_context() -> click.Context | None:
    """The context of the command running now (None outside a command, e.g. in a test calling a function)."""
    return _typer_context(silent=True) or click.get_current_context(silent=True)


def _options() -> CliOptions:
    # Commands run inside click's context; the root callback stored the global options on it.
    ctx = _command_context()
    options = ctx.find_root().obj if ctx is not None else None
    return options if isinstance(options, CliOptions) else CliOptions()


# Exit statuses of every command (README, "Commands"): 0 all done; 1 failed; 2 a setting is wrong
# (nothing was run); 3 degraded: it ran but left work undone (most sources failed, messages to retry).
EXIT_FAILED = 1
EXIT_SETTINGS = 2
EXIT_DEGRADED = 3


def fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=code)


def exit_for(status: str) -> None:
    """End the command with the exit status of a job run's status (ok returns)."""
    if status == "degraded":
        raise typer.Exit(code=EXIT_DEGRADED)
    if status != "ok":
        raise typer.Exit(code=EXIT_FAILED)


def load_context(ensure: bool = False) -> pipeline.Context:
    """Settings → context; with `ensure`, a database never initialised is created first.

    From here to the end of the command, a database that fails ends the command with one line
    (database_failures), however deep the failure was met.
    """
    for warning in unknown_variables():
        typer.echo(f"warning: {warning}", err=True)
    try:
        settings = load_settings(_options().config_file)
    except SettingsError as exc:
        fail(str(exc), EXIT_SETTINGS)
    command = _command_context()
    if command is not None:
        command.with_resource(database_failures(settings.database_url))
    try:
        ctx = pipeline.make_context(settings)
        if ensure:
            pipeline.ensure_database(ctx)
    except digests.ConfigurationError as exc:
        fail(str(exc), EXIT_SETTINGS)
    except storage.DatabaseError as exc:
        fail(str(exc))
    return ctx


def describe_database_failure(exc: BaseException, database_url: str) -> str:
    """Which database failed and the database's own words, on one line (the password left out)."""
    reason = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    words = " ".join(str(reason).split()) or type(reason).__name__
    if isinstance(exc, storage.DatabaseError):
        return words   # storage's messages already name the database
    try:
        where = make_url(database_url).render_as_string(hide_password=True)
    except ArgumentError:
        where = "FURSA_DATABASE_URL"
    return f"the database at {where} failed: {words}"


@contextmanager
def database_failures(database_url: str) -> Iterator[None]:
    """Turn a failing database into one `error:` line and exit status 1 instead of a traceback.

    Registered by load_context on the command's context, whose exit passes the command's exception
    here (click ≥ 8.2, and typer's own copy of click): the translation happens once, at the CLI's edge.
    """
    try:
        yield
    except DATABASE_FAILURES as exc:
        log.info("database failure", exc_info=exc)   # the traceback, with -v
        fail(f"{describe_database_failure(exc, database_url)}. {DATABASE_ADVICE}")


_STANDARD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class EventFormatter(logging.Formatter):
    """One line per event: time, level, logger, message, then the event's fields as key=value."""

    def format(self, record: logging.LogRecord) -> str:
        fields = {k: v for k, v in vars(record).items() if k not in _STANDARD_ATTRS}
        line = f"{self.formatTime(record)} {record.levelname} {record.name} {record.getMessage()}"
        if fields:
            line += " " + " ".join(f"{k}={json.dumps(v, ensure_ascii=False, default=str)}" for k, v in fields.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def configure_logging(level: int) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(EventFormatter())
    logging.basicConfig(level=level, handlers=[handler], force=True)
