"""What the commands print: tables on a terminal, wrapped and never cut; plain lines everywhere else.

A person reads an error to learn what to do, so no text is shortened to fit the screen: on a
terminal a cell too wide for its column wraps at word boundaries (a word longer than the column,
such as an address, is folded), and piped into a file, a pager or a cron mail every row is one
plain line. A list shortened on purpose says how many it left out.
"""
from __future__ import annotations

from typing import Sequence

import typer
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text


def stdout() -> Console:
    """A console on standard output, made per command so tests' captured streams are used."""
    return Console()


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], *,
                numeric: Sequence[str] = ()) -> None:
    """A table on a terminal (every cell wraps, none is cut); `title` and one line per row otherwise."""
    console = stdout()
    if not console.is_terminal:
        typer.echo(title)
        typer.echo(" · ".join(headers))
        for row in rows:
            typer.echo(" · ".join(cell for cell in row))
        return
    table = Table(title=title)
    for header in headers:
        table.add_column(header, overflow="fold", no_wrap=False, justify="right" if header in numeric else "left")
    for row in rows:
        table.add_row(*row)
    console.print(table)


def print_line(text: str, *, indent: int = 0) -> None:
    """One message, wrapped at word boundaries on a terminal (continuation lines indented), whole otherwise."""
    console = stdout()
    if not console.is_terminal:
        typer.echo(" " * indent + text)
        return
    console.print(Padding(Text(text, overflow="fold"), (0, 0, 0, indent), expand=False), soft_wrap=False)


def print_some(lines: Sequence[str], shown: int, more: str, *, indent: int = 2) -> None:
    """The first `shown` of `lines`, then "… and N more" with where to read the rest."""
    for line in lines[:shown]:
        print_line(line, indent=indent)
    if len(lines) > shown:
        print_line(f"… and {len(lines) - shown} more: {more}", indent=indent)
