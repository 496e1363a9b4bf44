"""Announcements: one-off messages staff write to a segment of subscribers, and their ledger.

An announcement moves draft → scheduled → sending → sent, or to cancelled; each move is one
function here that checks the state it starts from and writes an audit entry. The ledger
(`AnnouncementDelivery`, one row per announcement and person) is claimed and committed before a
message is handed over, so a second send, a second scheduler or a restart never mails one person
twice (the digests' rule: checkpoint on send).

Which subscribers a segment holds is decided in two steps: storage filters what is in its columns
(role, language, levels, active, confirmed, not on the do-not-mail list); digests adds the fields
of the colleges and programmes chosen, which it reads from the taxonomy.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fursa.storage.audit import record_audit
from fursa.storage.errors import FormProblemsError, NotFoundError, StorageError
from fursa.storage.models import Announcement, AnnouncementDelivery, Opportunity, Subscriber, Suppression
from fursa.storage.records import LANGUAGES, LEVELS, ROLES, STAFF_UNITS, FieldProblem
from fursa.storage.suppressions import email_hash

DRAFT, SCHEDULED, SENDING, SENT_OUT, CANCELLED = "draft", "scheduled", "sending", "sent", "cancelled"
ANNOUNCEMENT_STATES = (DRAFT, SCHEDULED, SENDING, SENT_OUT, CANCELLED)
MAX_SUBJECT = 200
MAX_BODY = 20_000


class AnnouncementError(StorageError):
    """Raised by storage.announcements when an announcement cannot be saved or cannot move to the state asked."""


class InvalidAnnouncementError(FormProblemsError, AnnouncementError):
    """Raised by save_announcement when the words or the segment are not acceptable; `problems` says each."""


AnnouncementProblem = FieldProblem   # one reason an announcement was refused


@dataclass(frozen=True)
class Segment:
    """Who an announcement goes to; an empty choice means everyone on that count.

    `colleges` and `programmes` are keys of matching/data/programmes.toml; `units` are STAFF_UNITS
    (a staff member's unit, issue 15.4).
    """

    roles: tuple[str, ...] = ()
    colleges: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    units: tuple[str, ...] = ()

    def to_json(self) -> dict[str, list[str]]:
        return {name: list(values) for name, values in asdict(self).items() if values}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Segment:
        data = data or {}
        return cls(**{name: tuple(str(v) for v in data.get(name) or ()) for name in
                      ("roles", "colleges", "programmes", "levels", "languages", "units")})


@dataclass(frozen=True)
class AnnouncementInput:
    """What staff wrote: subject and body per language (one language may stay empty), the call it
    points to (None for none) and the segment."""

    subject_en: str = ""
    body_en: str = ""
    subject_ar: str = ""
    body_ar: str = ""
    opportunity_id: int | None = None
    segment: Segment = Segment()


def check_announcement(session: Session, data: AnnouncementInput) -> tuple[AnnouncementProblem, ...]:
    """Every reason `data` cannot be stored: no language written in full, a subject without a body
    (or the reverse), words too long, an unknown call, or a role, level or language storage does not know."""
    problems: list[AnnouncementProblem] = []
    written = 0
    for lang, subject, body in (("en", data.subject_en, data.body_en), ("ar", data.subject_ar, data.body_ar)):
        subject, body = subject.strip(), body.strip()
        if subject and not body:
            problems.append(AnnouncementProblem(f"body_{lang}", "body_missing",
                                                f"the {lang} subject has no body; write the message or clear the subject"))
        elif body and not subject:
            problems.append(AnnouncementProblem(f"subject_{lang}", "subject_missing",
                                                f"the {lang} message has no subject"))
        elif subject and body:
            written += 1
        if len(subject) > MAX_SUBJECT:
            problems.append(AnnouncementProblem(f"subject_{lang}", "subject_long",
                                                f"the {lang} subject is longer than {MAX_SUBJECT} characters"))
        if len(body) > MAX_BODY:
            problems.append(AnnouncementProblem(f"body_{lang}", "body_long",
                                                f"the {lang} message is longer than {MAX_BODY} characters"))
    if not written and not problems:
        problems.append(AnnouncementProblem("subject_en", "nothing_written",
                                            "write the subject and the message in English, Arabic or both"))
    if data.opportunity_id is not None and session.get(Opportunity, data.opportunity_id) is None:
        problems.append(AnnouncementProblem("opportunity_id", "no_call", f"there is no call {data.opportunity_id}"))
    segment = data.segment
    for name, allowed in (("roles", ROLES), ("levels", LEVELS), ("languages", LANGUAGES),
                          ("units", STAFF_UNITS)):
        wrong = [value for value in getattr(segment, name) if value not in allowed]
        if wrong:
            problems.append(AnnouncementProblem(name, "unknown_choice",
                                                f"unknown {name}: {', '.join(wrong)} (known: {', '.join(allowed)})"))
    return tuple(problems)


def save_announcement(session: Session, data: AnnouncementInput, *, actor: str, now: datetime,
                      announcement: Announcement | None = None) -> Announcement:
    """Store a new draft, or change a draft; raises InvalidAnnouncementError, or AnnouncementError past draft."""
    if announcement is not None and announcement.status != DRAFT:
        raise AnnouncementError(f"announcement {announcement.id} is {announcement.status}; only a draft can be "
                                "changed (unschedule it first)")
    problems = check_announcement(session, data)
    if problems:
        raise InvalidAnnouncementError(problems)
    created = announcement is None
    if announcement is None:
        announcement = Announcement(status=DRAFT, created_by=actor, created_at=now)
        session.add(announcement)
    announcement.subject_en, announcement.body_en = data.subject_en.strip(), data.body_en.strip()
    announcement.subject_ar, announcement.body_ar = data.subject_ar.strip(), data.body_ar.strip()
    announcement.opportunity_id = data.opportunity_id
    announcement.segment = data.segment.to_json()
    announcement.updated_at = now
    session.flush()
    _audit(session, announcement, "announcement:created" if created else "announcement:edited", actor, now,
           {"segment": announcement.segment})
    return announcement


def announcement_input_of(announcement: Announcement) -> AnnouncementInput:
    """A stored announcement as the form's input, to show it back for editing."""
    return AnnouncementInput(announcement.subject_en, announcement.body_en, announcement.subject_ar,
                             announcement.body_ar, announcement.opportunity_id, segment_of(announcement))


def segment_of(announcement: Announcement) -> Segment:
    return Segment.from_json(announcement.segment)


def get_announcement(session: Session, announcement_id: int) -> Announcement:
    """The announcement, or NotFoundError naming the number."""
    row = session.get(Announcement, announcement_id)
    if row is None:
        raise NotFoundError(f"there is no announcement {announcement_id}; `fursa announcements list` shows them")
    return row


def list_announcements(session: Session, limit: int = 200) -> list[Announcement]:
    """The newest first."""
    return list(session.scalars(select(Announcement).order_by(Announcement.created_at.desc(), Announcement.id.desc())
                                .limit(limit)))


def schedule_announcement(session: Session, announcement: Announcement, send_at: datetime, *, actor: str,
                          now: datetime) -> None:
    """draft → scheduled, to be sent by the announcements job at `send_at` (now or later)."""
    _move(session, announcement, (DRAFT, SCHEDULED), SCHEDULED, actor, now, {"send_at": send_at.isoformat()})
    announcement.send_at = send_at


def unschedule_announcement(session: Session, announcement: Announcement, *, actor: str, now: datetime) -> None:
    """scheduled → draft: nothing is sent, and it can be changed again."""
    _move(session, announcement, (SCHEDULED,), DRAFT, actor, now)
    announcement.send_at = None


def cancel_announcement(session: Session, announcement: Announcement, *, actor: str, now: datetime) -> None:
    """draft, scheduled or sending → cancelled: nothing more goes out (what was sent stays in the ledger)."""
    _move(session, announcement, (DRAFT, SCHEDULED, SENDING), CANCELLED, actor, now)


def start_sending(session: Session, announcement: Announcement, *, recipients: int, actor: str, now: datetime) -> bool:
    """draft or scheduled → sending, in one conditional UPDATE so two senders cannot both start it;
    False when it was already sending (a resumed run). AnnouncementError when sent or cancelled."""
    if announcement.status == SENDING:
        return False
    if announcement.status not in (DRAFT, SCHEDULED):
        raise AnnouncementError(_state_words(announcement))
    moved = session.execute(update(Announcement).where(Announcement.id == announcement.id,
                                                       Announcement.status.in_((DRAFT, SCHEDULED)))
                            .values(status=SENDING, started_at=now, updated_at=now, recipients=recipients)
                            .execution_options(synchronize_session=False)).rowcount
    session.refresh(announcement)
    if moved:
        _audit(session, announcement, "announcement:sending", actor, now, {"recipients": recipients})
    return bool(moved)


def finish_announcement(session: Session, announcement: Announcement, *, actor: str, now: datetime,
                        details: dict[str, Any] | None = None) -> None:
    """sending → sent: every person of the segment has a row in the ledger."""
    _move(session, announcement, (SENDING,), SENT_OUT, actor, now, details)
    announcement.finished_at = now


def return_to_draft(session: Session, announcement: Announcement, *, actor: str, now: datetime, reason: str) -> None:
    """scheduled → draft when the job finds nothing it can send (an empty segment), with the reason audited."""
    _move(session, announcement, (SCHEDULED,), DRAFT, actor, now, {"reason": reason})
    announcement.send_at = None


def due_announcements(session: Session, now: datetime) -> list[Announcement]:
    """Scheduled ones whose moment has come, and ones left sending (resumed: the ledger skips who has it)."""
    return list(session.scalars(
        select(Announcement).where((Announcement.status == SENDING)
                                   | ((Announcement.status == SCHEDULED) & (Announcement.send_at <= now)))
        .order_by(Announcement.send_at, Announcement.id)))


def segment_candidates(session: Session, segment: Segment) -> list[Subscriber]:
    """Active, confirmed subscribers of the segment's roles, languages, units and levels, leaving out every
    address on the do-not-mail list; fields (colleges, programmes) are the caller's to apply."""
    query = select(Subscriber).where(Subscriber.status == "active", Subscriber.confirmed.is_(True))
    if segment.roles:
        query = query.where(Subscriber.role.in_(segment.roles))
    if segment.languages:
        query = query.where(Subscriber.language.in_(segment.languages))
    if segment.units:
        query = query.where(Subscriber.unit.in_(segment.units))
    people = session.scalars(query.order_by(Subscriber.id)).all()
    if segment.levels:
        wanted = set(segment.levels)
        people = [person for person in people if wanted & set(person.levels or ())]
    suppressed = set(session.scalars(select(Suppression.email_hash)))
    return [person for person in people if not suppressed or _hash(person.email) not in suppressed]


def _hash(email: str) -> str:
    try:
        return email_hash(email)
    except StorageError:   # an address that no longer normalizes cannot be on the list
        return ""


def claim_announcement_delivery(session: Session, announcement: Announcement, subscriber: Subscriber, message_id: str,
                   now: datetime) -> bool:
    """Claim the one copy for (announcement, person) before sending it; False when it was claimed before."""
    try:
        with session.begin_nested():
            session.add(AnnouncementDelivery(announcement_id=announcement.id, subscriber_id=subscriber.id,
                                             state="sending", message_id=message_id, created_at=now))
    except IntegrityError:
        return False
    return True


def mark_announcement_sent(session: Session, announcement_id: int, subscriber_id: int, now: datetime) -> None:
    row = session.get(AnnouncementDelivery, (announcement_id, subscriber_id))
    if row is not None:
        row.state, row.sent_at, row.error = "sent", now, None


def mark_announcement_failed(session: Session, announcement_id: int, subscriber_id: int, error: str, *,
                         permanent: bool) -> None:
    """A refused copy: kept as 'failed' when the address is at fault (never tried again); given back
    otherwise, so the job tries it again on its next run."""
    if permanent:
        row = session.get(AnnouncementDelivery, (announcement_id, subscriber_id))
        if row is not None:
            row.state, row.error = "failed", error[:2000]
        return
    session.execute(delete(AnnouncementDelivery).where(AnnouncementDelivery.announcement_id == announcement_id,
                                                       AnnouncementDelivery.subscriber_id == subscriber_id))


def announced_to(session: Session, announcement: Announcement) -> set[int]:
    """The subscribers who have a row (sent, failed or being sent) for this announcement."""
    return set(session.scalars(select(AnnouncementDelivery.subscriber_id)
                               .where(AnnouncementDelivery.announcement_id == announcement.id)))


def announcement_counts(session: Session, announcement: Announcement) -> dict[str, int]:
    """How many copies are sent, failed and being sent, for the desk."""
    rows = session.execute(select(AnnouncementDelivery.state, func.count())
                           .where(AnnouncementDelivery.announcement_id == announcement.id)
                           .group_by(AnnouncementDelivery.state))
    counts = {"sent": 0, "failed": 0, "sending": 0}
    counts.update({state: number for state, number in rows})
    return counts


def announcement_deliveries(session: Session, announcement: Announcement) -> Sequence[AnnouncementDelivery]:
    return session.scalars(select(AnnouncementDelivery).where(AnnouncementDelivery.announcement_id == announcement.id)
                           .order_by(AnnouncementDelivery.subscriber_id)).all()


def _move(session: Session, announcement: Announcement, allowed: tuple[str, ...], to: str, actor: str,
          now: datetime, details: dict[str, Any] | None = None) -> None:
    if announcement.status not in allowed:
        raise AnnouncementError(_state_words(announcement, to))
    announcement.status = to
    announcement.updated_at = now
    _audit(session, announcement, f"announcement:{to}", actor, now, details)


def _state_words(announcement: Announcement, to: str = SENDING) -> str:
    if announcement.status == SENT_OUT:
        when = announcement.finished_at.isoformat(timespec="minutes") if announcement.finished_at else ""
        return f"announcement {announcement.id} was sent already{' on ' + when if when else ''}; nothing is sent again"
    if announcement.status == CANCELLED:
        return f"announcement {announcement.id} is cancelled; write a new one to send it"
    return f"announcement {announcement.id} is {announcement.status} and cannot become {to}"


def _audit(session: Session, announcement: Announcement, action: str, actor: str, now: datetime,
           details: dict[str, Any] | None = None) -> None:
    record_audit(session, actor=actor, action=action, target_type="announcement", target_id=announcement.id,
                 now=now, details=details or {})
