"""Reach: how many people were sent a call, clicked it and said they applied, per month and segment.

A segment is (college, level, role), never a person. Clicks and "I applied" reports are added to one
row per (call, month, segment) (`ReachCount`); a subscriber who chose "count my clicks personally"
also gets a row of their own (`ReachPerson`), and one who chose "do not count my clicks" is counted
nowhere. "Sent" is read from the delivery ledger (`Delivery.items`), not kept a second time.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from fursa.storage.errors import StorageError
from fursa.storage.models import AppliedMark, Delivery, Opportunity, ReachCount, ReachPerson, Subscriber

COUNT_GROUP, COUNT_PERSONAL, COUNT_OFF = "group", "personal", "off"
REACH_COUNTING = (COUNT_GROUP, COUNT_PERSONAL, COUNT_OFF)
REACH_COLUMNS = ("month", "call_id", "call_title", "college", "level", "role", "sent", "clicked", "applied")


@dataclass(frozen=True, order=True)
class ReachSegment:
    """Who a count is about, as a group: a college key of matching's programmes ("" when the profile names
    none), a level of storage.LEVELS ("" when none was chosen) and a role."""

    college: str = ""
    level: str = ""
    role: str = ""


@dataclass(frozen=True)
class ReachRow:
    """One call's figures for one month and segment."""

    month: str
    opportunity_id: int
    title: str
    segment: ReachSegment
    sent: int = 0
    clicked: int = 0
    applied: int = 0


@dataclass(frozen=True)
class PersonalReach:
    """What one subscriber who asked to be counted personally did with a call in a month."""

    month: str
    subscriber_id: int
    name: str
    email: str
    clicks: int
    applied: bool


def set_reach_counting(session: Session, subscriber: Subscriber, choice: str) -> None:
    """Store a subscriber's choice; leaving "personal" deletes what was counted about them by name
    (the caller commits). Raises StorageError for a choice that is not one of REACH_COUNTING."""
    if choice not in REACH_COUNTING:
        raise StorageError(f"reach counting must be one of {', '.join(REACH_COUNTING)}, not {choice!r}")
    if choice != COUNT_PERSONAL:
        for row in session.scalars(select(ReachPerson).where(ReachPerson.subscriber_id == subscriber.id)):
            session.delete(row)
    subscriber.reach_counting = choice


def record_click(session: Session, opportunity_id: int, segment: ReachSegment, month: str,
                 person: int | None = None) -> None:
    """Count one click on call `opportunity_id` in `segment` for `month` ("YYYY-MM"); with `person` (a
    subscriber id, only for someone who opted in) also on their own row. The caller commits."""
    _add(session, opportunity_id, segment, month, clicks=1)
    if person is not None:
        _add_personal(session, opportunity_id, person, month, clicks=1)


def record_applied(session: Session, opportunity_id: int, segment: ReachSegment, month: str,
                   person: int | None = None, mark: str | None = None) -> bool:
    """Count one "I applied" report; False (nothing counted) when this person already reported this call.

    `person`: a subscriber id, only for someone who opted in to personal counting (kept on their row);
    `mark`: for everyone else, an opaque key of (person, call) such as digests.applied_mark, kept with
    no date and no segment so a second report is recognised. With neither, the caller has made sure the
    report is new (e.g. a saved list that remembers "applied" itself). The caller commits.
    """
    if person is not None and _applied_before(session, opportunity_id, person):
        return False
    if mark is not None:
        if session.get(AppliedMark, (opportunity_id, mark)) is not None:
            return False
        session.add(AppliedMark(opportunity_id=opportunity_id, mark=mark))
    _add(session, opportunity_id, segment, month, applied=1)
    if person is not None:
        _add_personal(session, opportunity_id, person, month, applied=True)
    session.flush()
    return True


def _applied_before(session: Session, opportunity_id: int, person: int) -> bool:
    return bool(session.scalar(select(func.count()).select_from(ReachPerson).where(
        ReachPerson.opportunity_id == opportunity_id, ReachPerson.subscriber_id == person,
        ReachPerson.applied.is_(True))))


def _upsert(session: Session, table, key: list[str], values: dict, increments: dict):
    """INSERT … ON CONFLICT DO UPDATE adding `increments`: two clicks at once both count, on SQLite and PostgreSQL."""
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    statement = insert.values(**values).on_conflict_do_update(
        index_elements=key, set_={name: amount if isinstance(amount, bool) else getattr(table.c, name) + amount
                                  for name, amount in increments.items()})
    session.execute(statement)


def _add(session: Session, opportunity_id: int, segment: ReachSegment, month: str, *, clicks: int = 0,
         applied: int = 0) -> None:
    _upsert(session, ReachCount.__table__, ["opportunity_id", "month", "college", "level", "role"],
            dict(opportunity_id=opportunity_id, month=month, college=segment.college, level=segment.level,
                 role=segment.role, clicks=clicks, applied=applied),
            {"clicks": clicks, "applied": applied})


def _add_personal(session: Session, opportunity_id: int, person: int, month: str, *, clicks: int = 0,
                  applied: bool = False) -> None:
    increments: dict = {"clicks": clicks}
    if applied:
        increments["applied"] = True
    _upsert(session, ReachPerson.__table__, ["opportunity_id", "subscriber_id", "month"],
            dict(opportunity_id=opportunity_id, subscriber_id=person, month=month, clicks=clicks, applied=applied),
            increments)


def sent_counts(session: Session, start: datetime, end: datetime,
                segment_of: Callable[[Subscriber], ReachSegment]) -> dict[tuple[int, ReachSegment], int]:
    """(call id, segment) → how many people the ledger says were sent the call between `start` and `end`.

    Read from the sent digests' `Delivery.items`; a person sent one call twice (new, then "closing
    soon") counts once. The segment is the subscriber's profile as it is now (`segment_of`).
    """
    rows = session.execute(
        select(Delivery.subscriber_id, Delivery.items)
        .where(Delivery.state == "sent", Delivery.sent_at >= start, Delivery.sent_at < end))
    people: dict[int, set[int]] = defaultdict(set)
    for subscriber_id, items in rows:
        for call in items or ():
            people[int(call)].add(subscriber_id)
    segments = _segments(session, {sid for ids in people.values() for sid in ids}, segment_of)
    counts: dict[tuple[int, ReachSegment], int] = defaultdict(int)
    for call, ids in people.items():
        for subscriber_id in ids:
            counts[(call, segments[subscriber_id])] += 1
    return dict(counts)


def _segments(session: Session, ids: set[int], segment_of: Callable[[Subscriber], ReachSegment]
              ) -> dict[int, ReachSegment]:
    found: dict[int, ReachSegment] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 900):   # under SQLite's bound-parameter limit
        for row in session.scalars(select(Subscriber).where(Subscriber.id.in_(ordered[start:start + 900]))):
            found[row.id] = segment_of(row)
    return defaultdict(ReachSegment, found)   # a subscriber deleted since: an unknown segment


def reach_of_month(session: Session, month: str, start: datetime, end: datetime,
                   segment_of: Callable[[Subscriber], ReachSegment], opportunity_id: int | None = None
                   ) -> list[ReachRow]:
    """Every call's figures for `month` (sent between `start` and `end`, its first and next month's first
    instant), per segment, most sent first; only one call's with `opportunity_id`."""
    sent = sent_counts(session, start, end, segment_of)
    counted = select(ReachCount).where(ReachCount.month == month)
    if opportunity_id is not None:
        counted = counted.where(ReachCount.opportunity_id == opportunity_id)
        sent = {key: value for key, value in sent.items() if key[0] == opportunity_id}
    figures: dict[tuple[int, ReachSegment], list[int]] = {key: [value, 0, 0] for key, value in sent.items()}
    for row in session.scalars(counted):
        entry = figures.setdefault((row.opportunity_id, ReachSegment(row.college, row.level, row.role)), [0, 0, 0])
        entry[1] += row.clicks
        entry[2] += row.applied
    titles = _titles(session, {call for call, _ in figures})
    rows = [ReachRow(month, call, titles.get(call, ""), segment, *values)
            for (call, segment), values in figures.items() if call in titles]
    totals: dict[int, int] = defaultdict(int)
    for row in rows:
        totals[row.opportunity_id] += row.sent
    return sorted(rows, key=lambda row: (-totals[row.opportunity_id], row.opportunity_id, row.segment))


def _titles(session: Session, ids: Iterable[int]) -> dict[int, str]:
    ordered = sorted(ids)
    titles: dict[int, str] = {}
    for start in range(0, len(ordered), 900):
        rows = session.execute(select(Opportunity.id, Opportunity.title)
                               .where(Opportunity.id.in_(ordered[start:start + 900])))
        titles.update((call, title) for call, title in rows)
    return titles


def reach_months(session: Session) -> list[str]:
    """The months with clicks or reports counted, newest first (the page adds months with mail sent)."""
    return list(session.scalars(select(ReachCount.month).distinct().order_by(ReachCount.month.desc())))


def personal_reach(session: Session, opportunity_id: int) -> list[PersonalReach]:
    """The people who opted in to personal counting and clicked or reported this call, newest month first."""
    rows = session.execute(
        select(ReachPerson, Subscriber.name, Subscriber.email).join(Subscriber, Subscriber.id == ReachPerson.subscriber_id)
        .where(ReachPerson.opportunity_id == opportunity_id, Subscriber.reach_counting == COUNT_PERSONAL)
        .order_by(ReachPerson.month.desc(), Subscriber.email))
    return [PersonalReach(row.month, row.subscriber_id, name, email, row.clicks, row.applied)
            for row, name, email in rows]


def _table(rows: Iterable[ReachRow]) -> list[tuple]:
    return [(row.month, row.opportunity_id, row.title, row.segment.college, row.segment.level, row.segment.role,
             row.sent, row.clicked, row.applied) for row in rows]


def export_reach_csv(rows: Iterable[ReachRow]) -> bytes:
    """The rows as CSV (UTF-8 with a byte-order mark, so Excel opens Arabic titles right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(REACH_COLUMNS)
    for values in _table(rows):
        writer.writerow([_plain(value) for value in values])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_reach_xlsx(rows: Iterable[ReachRow]) -> bytes:
    """The rows as an Excel workbook, one sheet, numbers as numbers."""
    book = Workbook()
    sheet = book.active
    sheet.title = "reach"
    sheet.append(REACH_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in _table(rows):
        sheet.append([_plain(value) for value in values])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _plain(value):
    """A title that starts like a formula is written as text, so a spreadsheet never runs it."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
