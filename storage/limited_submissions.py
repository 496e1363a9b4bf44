"""Limited submissions: calls for which the university may nominate only a few applicants.

Staff mark a call (slots, an internal deadline that follows the same rules as a call's deadline,
contact, notes); faculty say they intend to apply through a signed link; staff read the list,
export it and close it. The reminder ledger (`LimitedReminder`) is claimed before a reminder is
sent, so a crash or a second run never mails one person twice about one call.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fursa.storage.errors import FormProblemsError
from fursa.storage.models import IntentToApply, LimitedReminder, LimitedSubmission, Opportunity, Subscriber
from fursa.storage.records import Deadline, FieldProblem

INTENT_COLUMNS = ("name", "email", "disciplines", "intended_at")
# What record_intent found: a new intent, one already recorded, or a list no longer taking names.
INTENT_RECORDED, INTENT_ALREADY, INTENT_CLOSED = "recorded", "already", "closed"


class InvalidLimitedSubmissionError(FormProblemsError):
    """Raised by set_limited_submission when slots or the internal deadline are not acceptable."""


LimitedProblem = FieldProblem   # one reason a limited-submission form was refused


@dataclass(frozen=True)
class LimitedInput:
    """What staff typed: how many nominations, the internal deadline (a Deadline value), whom to ask, notes."""

    slots: int
    internal: Deadline
    contact: str = ""
    notes: str = ""


def check_limited(call: Opportunity, data: LimitedInput) -> tuple[LimitedProblem, ...]:
    """Every reason `data` cannot be stored for `call`: slots below one, no internal date, or an
    internal deadline after the funder's (the funder's instant is the bound, date-only or timed)."""
    problems: list[LimitedProblem] = []
    if data.slots < 1:
        problems.append(LimitedProblem("slots", "slots_low",
                                       f"the number of slots must be 1 or more, not {data.slots}"))
    if not data.internal.dated:
        problems.append(LimitedProblem("internal_date", "internal_missing", "give the internal deadline as a date"))
    elif call.deadline.dated and data.internal.at > call.deadline.at:
        problems.append(LimitedProblem("internal_date", "internal_late",
                                       "the internal deadline must not be after the funder's deadline "
                                       f"({call.deadline.at.isoformat()})"))
    return tuple(problems)


def set_limited_submission(session: Session, call: Opportunity, data: LimitedInput, now: datetime) -> LimitedSubmission:
    """Mark `call` as a limited submission, or change its settings; raises InvalidLimitedSubmissionError."""
    problems = check_limited(call, data)
    if problems:
        raise InvalidLimitedSubmissionError(problems)
    row = limited_of(session, call.id)
    if row is None:
        row = LimitedSubmission(opportunity_id=call.id, created_at=now)
        session.add(row)
    row.slots = data.slots
    row.internal_at = data.internal.at
    row.internal_tz = data.internal.timezone
    row.internal_date = data.internal.day
    row.contact = data.contact.strip()[:320]
    row.notes = data.notes.strip()
    row.updated_at = now
    session.flush()
    return row


def limited_of(session: Session, opportunity_id: int) -> LimitedSubmission | None:
    """The limited-submission settings of a call, or None for an ordinary call."""
    return session.scalar(select(LimitedSubmission).where(LimitedSubmission.opportunity_id == opportunity_id))


def limited_by_call(session: Session, opportunity_ids: list[int]) -> dict[int, LimitedSubmission]:
    """The limited-submission rows of these calls, keyed by call id (for digests and feeds)."""
    if not opportunity_ids:
        return {}
    rows = session.scalars(select(LimitedSubmission).where(LimitedSubmission.opportunity_id.in_(opportunity_ids)))
    return {row.opportunity_id: row for row in rows}


def record_intent(session: Session, limited: LimitedSubmission, subscriber: Subscriber, now: datetime) -> str:
    """Record that `subscriber` intends to apply: INTENT_RECORDED, INTENT_ALREADY or INTENT_CLOSED (nothing added)."""
    if _has_intent(session, limited.id, subscriber.id):
        return INTENT_ALREADY
    if limited.closed_at is not None:
        return INTENT_CLOSED
    try:
        with session.begin_nested():
            session.add(IntentToApply(limited_id=limited.id, subscriber_id=subscriber.id, created_at=now))
    except IntegrityError:   # the same link clicked twice at once: the other click recorded it
        return INTENT_ALREADY
    return INTENT_RECORDED


def _has_intent(session: Session, limited_id: int, subscriber_id: int) -> bool:
    return session.scalar(select(IntentToApply.id).where(IntentToApply.limited_id == limited_id,
                                                         IntentToApply.subscriber_id == subscriber_id)) is not None


def intents_of(session: Session, limited: LimitedSubmission) -> list[IntentToApply]:
    """Who intends to apply, first come first."""
    return list(session.scalars(select(IntentToApply).where(IntentToApply.limited_id == limited.id)
                                .order_by(IntentToApply.created_at, IntentToApply.id)))


def close_intents(session: Session, limited: LimitedSubmission, now: datetime) -> bool:
    """Stop taking intents; False when the list was already closed."""
    if limited.closed_at is not None:
        return False
    limited.closed_at = now
    limited.updated_at = now
    return True


def reopen_intents(session: Session, limited: LimitedSubmission, now: datetime) -> bool:
    """Take intents again; False when the list was open."""
    if limited.closed_at is None:
        return False
    limited.closed_at = None
    limited.updated_at = now
    return True


def export_intents_csv(intents: list[IntentToApply]) -> bytes:
    """The list as CSV with a UTF-8 BOM, so a spreadsheet opens Arabic names correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(INTENT_COLUMNS)
    for intent in intents:
        person = intent.subscriber
        writer.writerow([person.name, person.email, " ".join(person.disciplines or []),
                         intent.created_at.isoformat(timespec="seconds")])
    return buffer.getvalue().encode("utf-8-sig")


def limited_due_reminders(session: Session, now: datetime, days_before: int) -> list[LimitedSubmission]:
    """Open limited calls whose internal deadline is still ahead but within `days_before` days."""
    return list(session.scalars(
        select(LimitedSubmission).where(LimitedSubmission.closed_at.is_(None),
                                        LimitedSubmission.internal_at > now,
                                        LimitedSubmission.internal_at <= now + timedelta(days=days_before))
        .order_by(LimitedSubmission.internal_at, LimitedSubmission.id)))


def reminder_recipients(session: Session, limited: LimitedSubmission) -> list[tuple[Subscriber, bool]]:
    """Who gets a reminder, with whether they said they intend to apply: everyone who did, and the
    active, confirmed faculty whose fields meet the call's (or any faculty, for a call open to all
    fields) who have not answered."""
    intended = {intent.subscriber_id for intent in intents_of(session, limited)}
    call = limited.opportunity
    fields = set(call.disciplines or [])
    people = session.scalars(select(Subscriber).where(Subscriber.status == "active", Subscriber.confirmed.is_(True))
                             .order_by(Subscriber.id))
    chosen: list[tuple[Subscriber, bool]] = []
    for person in people:
        if person.id in intended:
            chosen.append((person, True))
        elif person.role == "faculty" and ("all" in fields or fields & set(person.disciplines or [])):
            chosen.append((person, False))
    return chosen


def claim_reminder(session: Session, limited: LimitedSubmission, subscriber: Subscriber, now: datetime) -> bool:
    """Claim the one reminder for (call, person) before sending it; False when it was claimed before."""
    try:
        with session.begin_nested():
            session.add(LimitedReminder(limited_id=limited.id, subscriber_id=subscriber.id, state="sending",
                                        created_at=now))
    except IntegrityError:
        return False
    return True


def mark_reminder_sent(session: Session, limited: LimitedSubmission, subscriber: Subscriber, now: datetime) -> None:
    """The reminder went out."""
    row = session.get(LimitedReminder, (limited.id, subscriber.id))
    if row is not None:
        row.state = "sent"
        row.sent_at = now


def reminders_sent(session: Session, limited: LimitedSubmission) -> list[LimitedReminder]:
    """The ledger rows of one call, for the desk and the tests."""
    return list(session.scalars(select(LimitedReminder).where(LimitedReminder.limited_id == limited.id)))

