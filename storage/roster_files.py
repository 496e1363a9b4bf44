"""Subscriber rosters as CSV files: importing one (the rules below, for every door) and writing an export.

`fursa subscribers import FILE` and the desk's upload both call `import_roster`, so one file gives
one outcome whichever door it came through. The rules:
- UTF-8 text (a spreadsheet's BOM is fine) whose first line names the columns; only `email` is
  required, names are matched without regard to case or spaces, unknown columns are ignored;
- several values in one cell (fields, levels, kinds) are separated by `;` or `,`;
- blank lines are skipped; at most MAX_ROWS rows are read;
- every row is checked, its field codes against the taxonomy's (passed in by the door); a bad
  one is reported with its line number and reason, and the rest go on;
- an address already in the file is imported once, from its first line; later lines are reported;
- an address on the do-not-mail list is reported and skipped (storage.suppressions);
- an address already subscribed is updated to the file's preferences (never unconfirmed) in the
  columns the file has; a column the file does not have keeps what the subscriber saved. A new one is added; with `consented`, rows count as confirmed, else each new person gets an opt-in.
The columns of an export are the import's, so a file moves between the two.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Collection, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from fursa.storage.audit import record_audit
from fursa.storage.errors import InvalidSubscriberError, RosterFileError, SuppressedAddressError, UnknownFieldError
from fursa.storage.models import Subscriber
from fursa.storage.subscribers import SubscriberInput, add_subscriber, list_subscribers, validate_subscriber
from fursa.storage.subscriptions import OptIn, start_opt_in
from fursa.storage.suppressions import refuse_suppressed

COLUMNS = ("email", "name", "role", "fields", "levels", "kinds", "language", "frequency", "unit", "job_title")
EXPORT_COLUMNS = COLUMNS + ("confirmed", "status", "created_at")
MAX_ROWS = 20000
# Why a row was not imported: a door may put its own words on these.
INVALID, DUPLICATE, SUPPRESSED, TOO_MANY = "invalid", "duplicate", "suppressed", "too_many"
UNKNOWN_FIELDS = "unknown_fields"


@dataclass(frozen=True)
class RowProblem:
    """One CSV line that was not imported, and why (`reason` is one of the constants above; `codes`,
    for UNKNOWN_FIELDS, the codes at fault)."""

    line: int
    message: str
    reason: str = INVALID
    email: str = ""
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RosterRow:
    line: int
    data: SubscriberInput
    columns: frozenset[str] = frozenset(COLUMNS)   # the profile columns the file has


@dataclass(frozen=True)
class RosterImport:
    """What importing one file did: addresses added and updated, the lines left out, opt-ins to mail."""

    added: tuple[str, ...]
    updated: tuple[str, ...]
    problems: tuple[RowProblem, ...]
    opt_ins: tuple[OptIn, ...] = ()

    def summary(self) -> str:
        return f"{len(self.added)} added, {len(self.updated)} updated, {len(self.problems)} rejected"


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.replace(";", ",").split(",") if part.strip())


def read_roster(data: bytes, *, confirmed: bool,
                known_fields: Collection[str]) -> tuple[list[RosterRow], list[RowProblem]]:
    """The valid rows of a CSV file and the problems of the others; RosterFileError when the file is unreadable.

    `known_fields`: the field codes a profile may hold (the taxonomy's; storage.subscribers.check_fields)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterFileError("the file is not UTF-8 text; save it from the spreadsheet as 'CSV UTF-8'") from None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "email" not in [(f or "").strip().lower() for f in reader.fieldnames]:
        raise RosterFileError(f"the first line must name the columns, at least 'email' ({', '.join(COLUMNS)})")
    columns = frozenset((name or "").strip().lower() for name in reader.fieldnames) & frozenset(COLUMNS)
    rows: list[RosterRow] = []
    problems: list[RowProblem] = []
    first_line: dict[str, int] = {}
    for count, record in enumerate(reader, start=1):
        # The line the row starts on, as an editor shows it: the reader counts blank lines and the
        # line breaks inside quoted cells, and stands at the row's last line.
        number = reader.line_num - sum(value.count("\n") for value in record.values() if isinstance(value, str))
        if count > MAX_ROWS:
            problems.append(RowProblem(number, f"only the first {MAX_ROWS} rows are read; split the file", TOO_MANY))
            break
        cells = {(key or "").strip().lower(): (value or "").strip() for key, value in record.items()
                 if isinstance(value, str)}
        if not any(cells.values()):
            continue
        try:
            clean = validate_subscriber(_input_of(cells, confirmed), known_fields)
        except UnknownFieldError as exc:
            problems.append(RowProblem(number, str(exc), UNKNOWN_FIELDS, cells.get("email", ""), exc.codes))
            continue
        except InvalidSubscriberError as exc:
            problems.append(RowProblem(number, str(exc), INVALID, cells.get("email", "")))
            continue
        if clean.email in first_line:
            problems.append(RowProblem(
                number, f"{clean.email} is on line {first_line[clean.email]} already; only that line is imported",
                DUPLICATE, clean.email))
            continue
        first_line[clean.email] = number
        rows.append(RosterRow(number, clean, columns))
    return rows, problems


def _input_of(cells: dict[str, str], confirmed: bool) -> SubscriberInput:
    return SubscriberInput(
        email=cells.get("email", ""), name=cells.get("name", ""), role=cells.get("role") or "student",
        disciplines=_split(cells.get("fields", "")), levels=_split(cells.get("levels", "")),
        kinds=_split(cells.get("kinds", "")), language=cells.get("language") or "en",
        frequency=cells.get("frequency") or "weekly", confirmed=confirmed,
        unit=cells.get("unit", ""), job_title=cells.get("job_title", ""))


def _with_kept(session: Session, entry: RosterRow) -> SubscriberInput:
    """The row's preferences, and for a subscriber already here, what they saved in the columns the file lacks."""
    row = session.scalar(select(Subscriber).where(Subscriber.email == entry.data.email))
    if row is None:
        return entry.data
    saved = {"name": row.name, "role": row.role, "disciplines": tuple(row.disciplines or ()),
             "levels": tuple(row.levels or ()), "kinds": tuple(row.kinds or ()), "language": row.language,
             "frequency": row.frequency, "unit": row.unit or "", "job_title": row.job_title or ""}
    column_of = {"disciplines": "fields"}   # the file's name for the column, where it differs
    return replace(entry.data, **{name: value for name, value in saved.items()
                                  if column_of.get(name, name) not in entry.columns})


def import_roster(session: Session, data: bytes, *, consented: bool, known_fields: Collection[str], actor: str,
                  now: datetime) -> RosterImport:
    """Add or update everyone in a CSV file by the rules above, audited; RosterFileError when it cannot be read.

    `known_fields`: the field codes a profile may hold (the taxonomy's; storage.subscribers.check_fields)."""
    rows, problems = read_roster(data, confirmed=consented, known_fields=known_fields)
    added, updated, opt_ins = [], [], []
    for entry in rows:
        try:
            refuse_suppressed(session, entry.data.email)
        except SuppressedAddressError as exc:
            problems.append(RowProblem(entry.line, f"{exc}; skipped", SUPPRESSED, entry.data.email))
            continue
        row, created = add_subscriber(session, _with_kept(session, entry), now)
        (added if created else updated).append(row.email)
        if not row.confirmed:
            opt_ins.append(start_opt_in(session, row, now))
    problems.sort(key=lambda problem: problem.line)
    record_audit(session, actor=actor, action="subscribers:import", target_type="subscriber", target_id=None,
                 now=now, details={"added": len(added), "updated": len(updated), "rejected": len(problems),
                                   "consent": consented})
    return RosterImport(tuple(added), tuple(updated), tuple(problems), tuple(opt_ins))


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
            ";".join(row.kinds or ()), row.language, row.frequency, row.unit or "", row.job_title or "",
            "yes" if row.confirmed else "no",
            row.status, row.created_at.isoformat())])
    return out.getvalue()


def export_roster(session: Session, *, actor: str, now: datetime) -> bytes:
    """Every subscriber but the erased ones as CSV (the import's columns and more), audited: it is personal data.

    UTF-8 with a byte-order mark: Excel reads a CSV file without one in the machine's legacy code
    page, and Arabic names turn to mojibake; the import skips the mark, so the file goes back as it came.
    """
    rows = list(list_subscribers(session))
    record_audit(session, actor=actor, action="subscribers:export", target_type="subscriber", target_id=None,
                 now=now, details={"rows": len(rows)})
    return write_roster(rows).encode("utf-8-sig")
