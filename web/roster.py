"""Subscriber lists as CSV: reading an import (every row checked, problems by line) and writing an export.

The columns are the ones `fursa subscribers import` reads, so a file moves between the two.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Iterable, Sequence

from fursa.storage import InvalidSubscriberError, Subscriber, SubscriberInput, validate_subscriber

COLUMNS = ("email", "name", "role", "fields", "levels", "kinds", "language", "frequency")
EXPORT_COLUMNS = COLUMNS + ("confirmed", "status", "created_at")
MAX_ROWS = 20000


@dataclass(frozen=True)
class RowProblem:
    """One CSV line that was not imported, and why."""

    line: int
    message: str


@dataclass(frozen=True)
class Roster:
    rows: tuple[SubscriberInput, ...]
    problems: tuple[RowProblem, ...]


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.replace(";", ",").split(",") if part.strip())


def read_roster(data: bytes, *, confirmed: bool) -> Roster:
    """Parse an uploaded CSV (UTF-8, with or without BOM, header row required)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Roster((), (RowProblem(0, "the file is not UTF-8 text; save it from the spreadsheet as 'CSV UTF-8'"),))
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "email" not in [f.strip().lower() for f in reader.fieldnames]:
        return Roster((), (RowProblem(1, f"the first line must name the columns, at least 'email' ({', '.join(COLUMNS)})"),))
    rows, problems = [], []
    for number, record in enumerate(reader, start=2):
        if number > MAX_ROWS + 1:
            problems.append(RowProblem(number, f"only the first {MAX_ROWS} rows are read; split the file"))
            break
        record = {(key or "").strip().lower(): (value or "").strip() for key, value in record.items()
                  if isinstance(value, str)}
        if not any(record.values()):
            continue
        try:
            rows.append(validate_subscriber(SubscriberInput(
                email=record.get("email", ""), name=record.get("name", ""), role=record.get("role") or "student",
                disciplines=_split(record.get("fields", "")), levels=_split(record.get("levels", "")),
                kinds=_split(record.get("kinds", "")), language=record.get("language") or "en",
                frequency=record.get("frequency") or "weekly", confirmed=confirmed)))
        except InvalidSubscriberError as exc:
            problems.append(RowProblem(number, str(exc)))
    return Roster(tuple(rows), tuple(problems))


def _cell(value: str) -> str:
    """Spreadsheets run a cell starting with = + - @ as a formula: such cells get a leading quote."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_roster(rows: Iterable[Subscriber]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow([_cell(v) for v in (
            row.email, row.name, row.role, ";".join(row.disciplines or ()), ";".join(row.levels or ()),
            ";".join(row.kinds or ()), row.language, row.frequency, "yes" if row.confirmed else "no",
            row.status, row.created_at.isoformat())])
    return out.getvalue()


def describe(problems: Sequence[RowProblem]) -> list[str]:
    return [f"line {p.line}: {p.message}" if p.line else p.message for p in problems]
