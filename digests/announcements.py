"""Announcements to a segment: who is in it, and sending it exactly once (the letter itself is
digests.announcement_letters').

Sending follows the digests' ledger rule: a copy is claimed (storage's AnnouncementDelivery row,
committed) before it is handed to the server and marked sent after, so a second send, a second
scheduler or a restart never mails a person twice; a crash between the claim and the hand-over
loses that one copy rather than risking a double. The same rate limit (rate_per_second, across
`connections`) and error budget as a digest run apply.
"""
from __future__ import annotations

import logging
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from fursa.matching import load_taxonomy
from fursa.storage import (
    Announcement, AnnouncementError, Segment, Subscriber, announced_to, claim_announcement_delivery,
    due_announcements, finish_announcement, get_announcement, mark_announcement_failed, mark_announcement_sent,
    record_bounce, return_to_draft, segment_candidates, segment_of, start_sending,
)

from fursa.digests.announcement_letters import announcement_envelope, build_announcement_message, render_announcement
from fursa.digests.budget import ErrorBudget
from fursa.digests.config import DeliveryConfig
from fursa.digests.errors import (
    BouncedAddressError, ConfigurationError, DeliveryError, DigestError, InvalidAddressError,
)
from fursa.digests.messages import SIGNED_HEADERS
from fursa.digests.pool import SendPool
from fursa.digests.sending import make_transport_factory, send_one
from fursa.digests.signing import make_signer

log = logging.getLogger(__name__)
SCHEDULER = "scheduler"   # the actor of the job's own moves in the audit log


class EmptySegmentError(DigestError):
    """Raised by send_announcement when the segment holds no one who may be mailed: nothing was queued."""


class AnnouncementStateError(DigestError):
    """Raised by send_announcement for an announcement that is cancelled (a sent one reports, it does not raise)."""


# ---- who is in a segment ----------------------------------------------------------------------

def segment_members(session: Session, segment: Segment) -> list[Subscriber]:
    """Everyone an announcement to `segment` goes to: active, confirmed, not on the do-not-mail list,
    of its roles, languages and levels (storage), and of its colleges and programmes.

    A person is of a programme when their fields hold every code of it (a subscriber who picked the
    programme holds them all); of a college when they are of one of its programmes. A field of
    theirs more detailed than a programme's code counts as that code (0613 is within 061).
    """
    people = segment_candidates(session, segment)
    if segment.colleges:
        wanted = _programme_codes(college_keys=segment.colleges)
        people = [person for person in people if any(_holds(person, codes) for codes in wanted)]
    if segment.programmes:
        wanted = _programme_codes(programme_keys=segment.programmes)
        people = [person for person in people if any(_holds(person, codes) for codes in wanted)]
    return people


def _programme_codes(*, college_keys: tuple[str, ...] = (), programme_keys: tuple[str, ...] = ()
                     ) -> list[frozenset[str]]:
    programmes = load_taxonomy().programmes.values()
    return [frozenset(p.codes) for p in programmes if p.college in college_keys or p.key in programme_keys]


def _holds(person: Subscriber, codes: frozenset[str]) -> bool:
    fields = tuple(person.disciplines or ())
    return all(any(own.startswith(code) for own in fields) for code in codes)


# ---- sending --------------------------------------------------------------------------------------

@dataclass
class AnnouncementReport:
    """What one send of one announcement did, in counts and in words; filled in as it goes."""

    announcement_id: int
    status: str = ""
    recipients: int = 0
    sent: int = 0
    already_sent: int = 0
    failed: int = 0
    deferred: int = 0
    paused: str | None = None
    note: str | None = None   # why nothing was sent (sent before, cancelled while sending)
    failures: list[str] = field(default_factory=list)

    @property
    def degraded(self) -> bool:
        return self.deferred > 0 or self.paused is not None

    def describe(self) -> str:
        if self.note:
            return self.note
        text = (f"announcement {self.announcement_id}: {self.sent} sent, {self.already_sent} had it already, "
                f"{self.failed} failed, {self.deferred} to retry, of {self.recipients} in the segment; "
                f"now {self.status}")
        if self.paused:
            text += f". Paused: {self.paused}"
        return text

    def trouble(self) -> str:
        text = self.describe()
        if self.failures:
            text += f". First problem: {self.failures[0]}"
        return text + ". The announcements job tries the rest again every 5 minutes"


def send_announcement(session: Session, announcement_id: int, *, now: datetime, config: DeliveryConfig,
                      actor: str) -> AnnouncementReport:
    """Send an announcement to everyone of its segment who has not had it, now.

    Sent before: nothing is sent, and the report says so. An empty segment raises EmptySegmentError
    and changes nothing; a cancelled announcement raises AnnouncementStateError.
    """
    announcement = get_announcement(session, announcement_id)
    report = AnnouncementReport(announcement.id, status=announcement.status)
    if announcement.status == "sent":
        when = announcement.finished_at.astimezone(config.zone).strftime("%Y-%m-%d %H:%M") \
            if announcement.finished_at else "before"
        report.note = (f"announcement {announcement.id} was sent already ({when}, {announcement.recipients} "
                       "in the segment); nothing was sent again")
        return report
    if announcement.status == "cancelled":
        raise AnnouncementStateError(f"announcement {announcement.id} is cancelled; nothing was sent")
    members = segment_members(session, segment_of(announcement))
    if not members and announcement.status == "sending":   # everyone left while it was being sent
        finish_announcement(session, announcement, actor=actor, now=now, details={"left": "everyone"})
        session.commit()
        report.status = announcement.status
        return report
    if not members:
        raise EmptySegmentError(f"the segment of announcement {announcement.id} holds no one who may be mailed "
                                "(active, confirmed, not unsubscribed); nothing was queued: widen the segment")
    start_sending(session, announcement, recipients=len(members), actor=actor, now=now)
    session.commit()
    report.recipients = len(members)
    _send_to(session, announcement, members, report, config, now)
    session.refresh(announcement)
    if announcement.status == "sending" and not report.degraded and report.failed + report.sent \
            + report.already_sent >= len(members):
        finish_announcement(session, announcement, actor=actor, now=now,
                            details={"sent": report.sent, "failed": report.failed})
        session.commit()
    report.status = announcement.status
    log.info("announcement %s", report.describe())
    return report


def _send_to(session: Session, announcement: Announcement, members: list[Subscriber], report: AnnouncementReport,
             config: DeliveryConfig, now: datetime) -> None:
    """Claim, send and record each member's copy, `connections` at a time, under the error budget."""
    done = announced_to(session, announcement)
    todo = [person for person in members if person.id not in done]
    report.already_sent = len(members) - len(todo)
    budget = ErrorBudget(config.error_budget)
    signer = make_signer(config, SIGNED_HEADERS)
    with SendPool(make_transport_factory(config), connections=config.connections,
                  rate=config.rate_per_second) as pool:
        for start in range(0, len(todo), pool.connections):
            session.refresh(announcement)
            if announcement.status != "sending":   # cancelled meanwhile: nothing more goes out
                report.note = f"announcement {announcement.id} was {announcement.status} while sending; " \
                              f"{report.sent} sent before it stopped"
                return
            if budget.exhausted:
                report.paused = budget.explain()
                return
            batch = [(person, future) for person in todo[start:start + pool.connections]
                     if (future := _claim_and_submit(session, announcement, person, pool, config, signer, now,
                                                     report)) is not None]
            for person, future in batch:
                _record(session, announcement, person, future, budget, report, config, now)
            session.commit()


def _claim_and_submit(session: Session, announcement: Announcement, person: Subscriber, pool: SendPool,
                      config: DeliveryConfig, signer, now: datetime, report: AnnouncementReport) -> Future | None:
    try:
        message = build_announcement_message(render_announcement(announcement, person, config, now=now), person,
                                             announcement.id, config, now=now)
    except InvalidAddressError as error:
        if claim_announcement_delivery(session, announcement, person, "", now):
            mark_announcement_failed(session, announcement.id, person.id, str(error), permanent=True)
            session.commit()
            report.failed += 1
            report.failures.append(str(error))
        return None
    if not claim_announcement_delivery(session, announcement, person, message["Message-ID"], now):
        report.already_sent += 1   # another sender claimed it since we looked
        return None
    session.commit()   # the claim is durable before anything is sent
    return pool.submit(announcement_envelope(message, config, signer))


def _record(session: Session, announcement: Announcement, person: Subscriber, future: Future, budget: ErrorBudget,
            report: AnnouncementReport, config: DeliveryConfig, now: datetime) -> None:
    error = future.exception()
    if error is None:
        mark_announcement_sent(session, announcement.id, person.id, now)
        budget.record_success()
        report.sent += 1
        return
    if not isinstance(error, DeliveryError):   # a bug: logged with its trace, the copy is not tried again
        log.error("sending announcement %s to %s failed unexpectedly", announcement.id, person.email, exc_info=error)
        error = DeliveryError(f"unexpected error {error!r}; see the log")
        error.temporary = False
    permanent = not error.temporary
    mark_announcement_failed(session, announcement.id, person.id, str(error), permanent=permanent)
    budget.record_failure(error)
    report.failures.append(f"{person.email}: {error}")
    if permanent:
        report.failed += 1
        if isinstance(error, BouncedAddressError):
            record_bounce(session, person.id, str(error), now, threshold=config.bounce_threshold)
    else:
        report.deferred += 1


def send_test_announcement(session: Session, announcement_id: int, *, email: str, name: str, now: datetime,
                           config: DeliveryConfig) -> list[str]:
    """One copy in each language the announcement is written in, to a staff member's own address,
    marked "[Test]"; the ledger is not touched and its unsubscribe link names nobody. Returns the
    languages sent; raises DeliveryError or InvalidAddressError."""
    announcement = get_announcement(session, announcement_id)
    sent = []
    for language in announcement.languages:
        stand_in = Subscriber(id=0, email=email, name=name, role="staff", language=language, token_nonce=0)
        rendered = render_announcement(announcement, stand_in, config, now=now)
        message = build_announcement_message(rendered, stand_in, announcement.id, config, now=now,
                                             subject_prefix="[Test] ", key=f"-test-{language}")
        send_one(announcement_envelope(message, config, make_signer(config, SIGNED_HEADERS)), config)
        sent.append(language)
    return sent


@dataclass
class AnnouncementsRun:
    """What the announcements job did: one report per announcement it sent or resumed."""

    reports: list[AnnouncementReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def degraded(self) -> bool:
        return bool(self.problems) or any(report.degraded for report in self.reports)

    def trouble(self) -> str:
        return "; ".join(self.problems + [report.trouble() for report in self.reports if report.degraded])


def send_due_announcements(session: Session, *, now: datetime, config: DeliveryConfig) -> AnnouncementsRun:
    """The job: send every scheduled announcement whose moment has come, and resume those left sending.

    A scheduled one whose segment is empty by then goes back to draft, with the reason in the audit log.
    """
    run = AnnouncementsRun()
    for announcement in due_announcements(session, now):
        try:
            run.reports.append(send_announcement(session, announcement.id, now=now, config=config, actor=SCHEDULER))
        except EmptySegmentError as error:
            session.rollback()
            return_to_draft(session, announcement, actor=SCHEDULER, now=now, reason=str(error))
            session.commit()
            run.problems.append(str(error))
        except (AnnouncementError, AnnouncementStateError, ConfigurationError) as error:
            session.rollback()
            run.problems.append(str(error))
    return run

