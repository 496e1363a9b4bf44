"""What every `fursa` command shares: the settings file chosen on the command line, and failing clearly."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import typer

import pipeline
import storage
from settings import SettingsError, load_settings


@dataclass
class CliState:
    config_file: Path | None = None


state = CliState()


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=1)


def load_context(ensure: bool = False) -> pipeline.Context:
    """Settings → context; with `ensure`, a database never initialised is created first."""
    try:
        ctx = pipeline.make_context(load_settings(state.config_file))
        if ensure:
            pipeline.ensure_database(ctx)
    except (SettingsError, storage.DatabaseError) as exc:
        fail(str(exc))
    return ctx
