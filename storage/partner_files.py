"""The partner register as files: CSV import, and CSV or XLSX export for documenting cooperation.

One set of columns (COLUMNS) goes both ways, so an exported file can be edited and imported back.
Import rules, for every door (the desk's upload, `fursa partners import`):
- UTF-8 text (a spreadsheet's BOM is fine) whose first line names the columns; `name_en` or
  `name_ar` is required, names are matched without regard to case or spaces, unknown columns are ignored;
- several values in one cell (aliases, areas) are separated by `;`; dates are YYYY-MM-DD;
- a row naming a partner already in the register (by any of its names) updates it in the columns the
  file has; another row adds one; a row that repeats a partner of an earlier row is reported;
- every row is checked as the desk's form checks it; a bad row is reported with its line number and
  what to fix, and the other rows are still imported.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Collection

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy.orm import Session

from fursa.storage.audit import record_audit
from fursa.storage.errors import InvalidPartnerError, RosterFileError
from fursa.storage.models import Partner
from fursa.storage.partners import (
    PartnerInput, PartnerProblem, add_partner, calls_of_partner, edit_partner, find_partner, input_of, list_partners,
    name_key, parse_day, partner_call_counts,
)

PARTNER_COLUMNS = COLUMNS = ("name_en", "name_ar", "aliases", "country", "agreement", "starts_on", "ends_on", "areas",
           "contact_name", "contact_email", "notes")
EXPORT_COLUMNS = COLUMNS + ("calls", "exchanges")
CALL_COLUMNS = ("partner", "call", "kind", "status", "first_seen", "deadline", "url", "named_as")
MAX_ROWS = 5000
_LISTS = ("aliases", "areas")


@dataclass(frozen=True)
class PartnerRowProblem:
    """One line of the file that was not imported, and why."""

    line: int
    message: str
    problems: tuple[PartnerProblem, ...] = ()


@dataclass(frozen=True)
class PartnerImport:
    """What an import did: partners added and updated (by id), and the lines left out."""

    added: tuple[int, ...] = ()
    updated: tuple[int, ...] = ()
    problems: tuple[PartnerRowProblem, ...] = ()


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(";") if part.strip())


def _read_rows(data: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterFileError("the file is not UTF-8 text; save it as 'CSV UTF-8' and try again") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    names = [cell.strip().lower().replace(" ", "_") for cell in header or ()]
    if not {"name_en", "name_ar"} & set(names):
        raise RosterFileError("the first line must name the columns, with name_en or name_ar among them: "
                              + ",".join(COLUMNS))
    rows = []
    for cells in reader:
        if any(cell.strip() for cell in cells):
            row = {name: cells[i].strip() if i < len(cells) else "" for i, name in enumerate(names) if name in COLUMNS}
            rows.append((reader.line_num, row))
    return [name for name in names if name in COLUMNS], rows


def _input_of_row(row: dict[str, str], base: PartnerInput) -> PartnerInput:
    """The row over `base` (the stored partner, or a blank one): only the columns the file has change."""
    values: dict[str, object] = {}
    for name, cell in row.items():
        if name in _LISTS:
            values[name] = _split(cell)
        elif name in ("starts_on", "ends_on"):
            values[name] = parse_day(cell, name)
        elif name == "agreement":
            values[name] = cell.lower() or base.agreement
        else:
            values[name] = cell
    return replace(base, **values)


def import_partners(session: Session, data: bytes, *, actor: str, now: datetime,
                    known_countries: Collection[str] | None = None) -> PartnerImport:
    """Add or update every partner of a CSV file by the module's rules; RosterFileError for a file
    that cannot be read as a whole."""
    columns, rows = _read_rows(data)
    added: list[int] = []
    updated: list[int] = []
    problems: list[PartnerRowProblem] = []
    seen: dict[str, int] = {}   # name key -> the line that named it
    for line, row in rows[:MAX_ROWS]:
        names = [row.get("name_en", ""), row.get("name_ar", "")]
        earlier = next((seen[name_key(n)] for n in names if n and name_key(n) in seen), None)
        if earlier is not None:
            problems.append(PartnerRowProblem(
                line, f"this partner is already on line {earlier}; this line was skipped"))
            continue
        stored = next((p for p in (find_partner(session, n) for n in names if n) if p is not None), None)
        try:
            data_ = _input_of_row(row, input_of(stored) if stored else PartnerInput())
            with session.begin_nested():
                if stored is None:
                    added.append(add_partner(session, data_, actor=actor, now=now, known_countries=known_countries).id)
                elif edit_partner(session, stored, data_, actor=actor, now=now, known_countries=known_countries):
                    updated.append(stored.id)
        except InvalidPartnerError as exc:
            problems.append(PartnerRowProblem(line, str(exc), exc.problems))
            continue
        for name in names:
            if name:
                seen[name_key(name)] = line
    for line, _ in rows[MAX_ROWS:MAX_ROWS + 1]:
        problems.append(PartnerRowProblem(line, f"only {MAX_ROWS} rows are read from one file; split it"))
    record_audit(session, actor=actor, action="partners:import", target_type="partner", target_id=None, now=now,
                 details={"added": len(added), "updated": len(updated), "rejected": len(problems),
                          "columns": columns})
    return PartnerImport(tuple(added), tuple(updated), tuple(problems))


def _cells(partner: Partner, counts: dict[int, tuple[int, int]]) -> list[object]:
    data = input_of(partner)
    cells: list[object] = []
    for column in COLUMNS:
        value = getattr(data, column)
        cells.append("; ".join(value) if isinstance(value, tuple) else value if value is not None else "")
    calls, exchanges = counts.get(partner.id, (0, 0))
    return [*cells, calls, exchanges]


def export_partners_csv(session: Session, *, actor: str, now: datetime) -> bytes:
    """The register as CSV (the import's columns, then how many calls and exchanges name each partner),
    UTF-8 with a byte-order mark so that Excel reads the Arabic names as written; audited."""
    partners = list_partners(session)
    counts = partner_call_counts(session)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for partner in partners:
        writer.writerow([cell.isoformat() if isinstance(cell, date) else cell for cell in _cells(partner, counts)])
    record_audit(session, actor=actor, action="partners:export", target_type="partner", target_id=None, now=now,
                 details={"rows": len(partners), "format": "csv"})
    return buffer.getvalue().encode("utf-8-sig")


def export_partners_xlsx(session: Session, *, actor: str, now: datetime) -> bytes:
    """The register as an Excel workbook: a sheet of partners (as the CSV) and a sheet of every call
    that names one (which partner, the call, its kind, status, dates, address, the words that named it)."""
    partners = list_partners(session)
    counts = partner_call_counts(session)
    book = Workbook()
    sheet = book.active
    sheet.title = "Partners"
    sheet.append(list(EXPORT_COLUMNS))
    for partner in partners:
        sheet.append(_cells(partner, counts))
    calls = book.create_sheet("Calls")
    calls.append(list(CALL_COLUMNS))
    for partner in partners:
        for call, link in calls_of_partner(session, partner.id):
            deadline = call.deadline
            calls.append([partner.name_en or partner.name_ar, call.title, call.kind, call.status,
                          call.first_seen_at.date(), deadline.day or (deadline.at.date() if deadline.at else None),
                          call.url, link.quote])
    for each in (sheet, calls):
        for cell in each[1]:
            cell.font = Font(bold=True)
        each.freeze_panes = "A2"
    for column in ("F", "G"):   # dates read as dates
        for cell in sheet[column][1:]:
            cell.number_format = "yyyy-mm-dd"
    for cell in calls["E"][1:] + calls["F"][1:]:
        cell.number_format = "yyyy-mm-dd"
    record_audit(session, actor=actor, action="partners:export", target_type="partner", target_id=None, now=now,
                 details={"rows": len(partners), "format": "xlsx"})
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

