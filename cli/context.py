"""What every `fursa` command shares: the settings file chosen on the command line, one clock, failing clearly."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import NoReturn

import click
import typer

from fursa import digests, pipeline, storage
from fursa.settings import SettingsError, load_settings


@dataclass(frozen=True)
class CliOptions:
    """The options given before the command (`fursa --config F -v …`), kept on the root click context."""

    config_file: Path | None = None


def now_utc() -> datetime:
    """The one clock of the command line: every command passes it to the jobs as `now`."""
    return datetime.now(timezone.utc)


def _options() -> CliOptions:
    # Commands run inside click's context; the root callback stored the global options on it.
    ctx = click.get_current_context(silent=True)
    options = ctx.find_root().obj if ctx is not None else None
    return options if isinstance(options, CliOptions) else CliOptions()


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=1)


def load_context(ensure: bool = False) -> pipeline.Context:
    """Settings → context; with `ensure`, a database never initialised is created first."""
    try:
        ctx = pipeline.make_context(load_settings(_options().config_file))
        if ensure:
            pipeline.ensure_database(ctx)
    except (SettingsError, digests.ConfigurationError, storage.DatabaseError) as exc:
        fail(str(exc))
    return ctx


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
