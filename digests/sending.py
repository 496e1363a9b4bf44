"""The sending jobs: every due digest, each (subscriber, period) once, whatever fails.

Order per subscriber: compose and render (no writes) → wait for a free connection → claim the
ledger row (commit: the checkpoint) → send → the sending thread marks the row sent the moment the
server accepts (its own commit, digests.ledger), or the run records the failure (committed at
once). Messages are built up to LOOKAHEAD ahead, and their ledger rows are added as 'pending'
together, in one statement; when connections are free, as many rows as there are free connections
are claimed (pending → sending) in one statement and one commit. A row is claimed only when a
connection is free for it, so at most `connections` rows are 'sending' at any instant, and only
those whose server said 250 in the instant before a crash can go out twice (digests.ledger says
the bound). A 'pending' row left by a run that stopped early is claimed by the next run, or by the
retry job (digests.retries). If the database stops recording (full disk, locked), the run claims
nothing more, lets the messages in flight finish, and raises LedgerError.
"""
from __future__ import annotations

import logging
import time
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from datetime import datetime
from functools import cache, partial
from typing import Callable, Sequence

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from fursa.storage import (
    DEFERRED, FAILED, PENDING, SENDING, SENT, ClaimRequest, active_subscribers, add_pending_deliveries, approved_open,
    claim_deliveries, delivery_states, drop_pending_deliveries, mark_deliveries_sent, mark_failed, record_bounce,
    sent_item_ids,
)

from fursa.digests.budget import ErrorBudget
from fursa.digests.compose import compose_digest
from fursa.digests.config import DeliveryConfig
from fursa.digests.errors import BouncedAddressError, DeliveryError, InvalidAddressError, TemporaryDeliveryError
from fursa.digests.ledger import Acceptances, RunClock, Ticket, ledger_error
from fursa.digests.letters import FormLetters
from fursa.digests.messages import SIGNED_HEADERS, message_id_for
from fursa.digests.outbox import OutboxTransport
from fursa.digests.periods import digest_period, instant_period, is_weekend
from fursa.digests.pool import SendPool, Transport
from fursa.digests.records import Envelope, SendReport
from fursa.digests.render import render_digest
from fursa.digests.selection import OpenCalls
from fursa.digests.signing import DkimSigner, make_signer
from fursa.digests.smtp import SmtpTransport, parse_smtp_url
from fursa.digests.wire import new_boundaries, wire_envelope

log = logging.getLogger(__name__)
# Messages built ahead of their claim. Their 'pending' rows are added in one statement, so a run
# spends one ledger statement fewer per claim; a few megabytes of built messages at most.
LOOKAHEAD = 32


def send_digests(session: Session, *, now: datetime, config: DeliveryConfig, period: str | None = None) -> SendReport:
    """The weekly job: a digest to every active confirmed subscriber, ledger-guarded, empty ones skipped."""
    period = period or digest_period(now, config)
    session.expire_all()  # bounce counts and states change under Core UPDATEs; read them fresh
    return run_period(session, active_subscribers(session), now=now, config=config, period=period, closing_soon=True,
                      plan_ahead=True)


def send_instant_alerts(session: Session, *, now: datetime, config: DeliveryConfig) -> SendReport:
    """The "as soon as approved" job: subscribers with frequency 'instant' get calls not yet mailed to them."""
    session.expire_all()
    subscribers = [row for row in active_subscribers(session) if row.frequency == "instant"]
    return run_period(session, subscribers, now=now, config=config, period=instant_period(now, config),
                      closing_soon=False)


def make_transport_factory(config: DeliveryConfig) -> Callable[[], Transport]:
    """A function making one transport per worker: SMTP when smtp_url is set, else the outbox folder."""
    if config.smtp_url:
        server = parse_smtp_url(config.smtp_url)
        return lambda: SmtpTransport(server, timeout=config.smtp_timeout, cafile=config.smtp_cafile)
    return lambda: OutboxTransport(config.outbox_dir)


def send_one(envelope: Envelope, config: DeliveryConfig) -> str:
    """One message outside a digest run (the web's confirmation letters), over the same transport
    a run would use; returns where it went ("smtp" or the .eml path). Raises DeliveryError."""
    transport = make_transport_factory(config)()
    try:
        written = transport.send(envelope)
    finally:
        transport.close()
    return str(written) if written is not None else transport.name


def run_period(session: Session, subscribers: Sequence, *, now: datetime, config: DeliveryConfig, period: str,
               closing_soon: bool, plan_ahead: bool = False) -> SendReport:
    """Send `period`'s digest to each of `subscribers` who has not had it (the ledger decides).

    `plan_ahead`: first add a 'pending' row for each of them (the weekly run), so that a run that
    stops early leaves its unfinished list in the ledger for the retry job; an instant alert does not,
    as the next alert reaches whoever this one did not.
    """
    if is_weekend(now, config):
        return SendReport(period, config.transport_name,
                          resting=f"{now.astimezone(config.zone):%A} is a weekend day in {config.timezone}; "
                                  "nothing is sent on the weekend (setting: weekend_days)")
    run = DigestRun(session, now=now, config=config, period=period, closing_soon=closing_soon, plan_ahead=plan_ahead)
    with SendPool(make_transport_factory(config), connections=config.connections,
                  rate=config.rate_per_second) as pool:
        run.send_all(subscribers, pool)
    report = run.report
    log.info("digests %s", report.describe())
    return report


@dataclass(frozen=True)
class _Ready:
    """A message built and waiting for a free connection: not claimed yet (its row may already be 'pending')."""

    subscriber: object
    envelope: Envelope
    items: tuple[int, ...]


class DigestRun:
    """One run over a list of subscribers for one period. Its session (main thread) adds, claims and
    records failures, committing each at once; the sending threads mark what the server accepted."""

    def __init__(self, session: Session, *, now: datetime, config: DeliveryConfig, period: str, closing_soon: bool,
                 plan_ahead: bool = False):
        self.session = session
        self.plan_ahead = plan_ahead
        self.planned = False
        self.now = now
        self.clock = RunClock(now)
        self.config = config
        self.period = period
        self.closing_soon = closing_soon
        self.report = SendReport(period, config.transport_name)
        self.budget = ErrorBudget(config.error_budget)
        self.signer: DkimSigner | None = make_signer(config, SIGNED_HEADERS)
        self.acceptances = Acceptances(session.get_bind(), self.clock)
        self.in_flight: dict[Future, Ticket] = {}
        self.ready: list[_Ready] = []
        self.with_rows: set[int] = set()  # subscribers in `ready` whose 'pending' row exists
        self.empty: list[int] = []  # subscribers whose digest is empty: their untried 'pending' row is dropped
        self.unrecorded: list[Ticket] = []  # accepted by the server, not marked sent: the database failed
        self.ledger_failure: SQLAlchemyError | None = None
        self.states = delivery_states(session, period)
        self.opportunities = OpenCalls(approved_open(session, now), now=now)
        self.sent_ids = sent_item_ids(session, exclude_period=period, among=self.opportunities.ids)
        # Looked up here, not imported into FormLetters, so a test can replace sending.render_digest.
        self.letters = FormLetters(config, render_digest)
        self.boundaries = new_boundaries()
        _warn_if_not_https(config.public_base_url)

    def send_all(self, subscribers: Sequence, pool: SendPool) -> None:
        """Send to each subscriber in turn; raises LedgerError when the database stopped recording the run."""
        try:
            if self.plan_ahead:
                self.plan(subscribers)
            for subscriber in subscribers:
                if self.stopped:
                    break
                self.queue(subscriber)
                if len(self.ready) >= max(LOOKAHEAD, pool.connections):
                    self.dispatch(pool)
            while self.ready and not self.stopped:
                self.dispatch(pool)
        except SQLAlchemyError as error:  # the ledger cannot be written: claim nothing more
            self.ledger_failed(error)
        finally:  # whatever stopped the loop, the messages in flight finish and record their outcome
            self.collect(until=0)
        self.settle()
        if self.ledger_failure is not None:
            raise ledger_error(self.ledger_failure, self.report, self.unrecorded, self.config,
                               resumable=self.planned or not self.plan_ahead)
        if self.budget.exhausted and not self.report.paused:
            self.report.paused = self.budget.explain()

    @property
    def stopped(self) -> bool:
        if self.budget.exhausted and not self.report.paused:
            self.report.paused = self.budget.explain()
        return self.ledger_failure is not None or self.budget.exhausted

    def ledger_failed(self, error: SQLAlchemyError) -> None:
        """The database could not record a step: stop claiming, so nothing more is sent unrecorded."""
        if self.ledger_failure is None:
            self.ledger_failure = error
            log.error("the database stopped recording the run of %s; no more digests are claimed: %s",
                      self.period, getattr(error, "orig", error))
        try:
            self.session.rollback()
        except SQLAlchemyError:
            pass

    def plan(self, subscribers: Sequence) -> None:
        """A 'pending' row for every subscriber without one, in one statement and one commit, before anything
        is sent: whatever stops the run, the ledger then holds who is still to be sent to."""
        ids = [subscriber.id for subscriber in subscribers]
        self.session.commit()
        add_pending_deliveries(self.session, [key for key in ids if key not in self.states], self.period, self.clock())
        self.session.commit()
        self.with_rows.update(ids)
        self.planned = True

    def settle(self) -> None:
        """At the end: commit what is pending and try once more to mark what the server accepted."""
        try:
            self.drop_empty()
            self.session.commit()
            if self.unrecorded:
                kept = mark_deliveries_sent(self.session, [ticket.delivery_id for ticket in self.unrecorded],
                                            self.clock())
                self.session.commit()
                self.unrecorded = [ticket for ticket in self.unrecorded if ticket.delivery_id not in kept]
        except SQLAlchemyError as error:
            self.ledger_failed(error)

    def queue(self, subscriber) -> None:
        """Build the subscriber's message and add it to `ready`; unsendable and empty digests stop here."""
        state = self.states.get(subscriber.id)
        if state in (SENT, FAILED):
            self._count_settled(state)
            return
        try:
            envelope, items = self.prepare(subscriber)
        except InvalidAddressError as error:
            self.fail_unsendable(subscriber, error)
            return
        except Exception as error:  # one broken row must not stop everyone's digest; logged with its trace
            log.exception("could not build the digest for subscriber %s", subscriber.id)
            self.fail_unsendable(subscriber, TemporaryDeliveryError(
                f"{subscriber.email}: could not build the digest ({error!r}); this is a bug, see the log; "
                "a later run tries again"))
            return
        if envelope is None:
            self.report.skipped_empty += 1
            if subscriber.id in self.with_rows or state == PENDING:
                self.empty.append(subscriber.id)
            return
        self.ready.append(_Ready(subscriber, envelope, items))

    def dispatch(self, pool: SendPool) -> None:
        """Wait for a free connection, claim as many ready messages as connections are free, and send those won."""
        self.collect(until=pool.connections - 1)
        if self.budget.exhausted:  # the results just collected may have used up the budget
            return
        free = pool.connections - len(self.in_flight)
        batch, self.ready = self.ready[:free], self.ready[free:]
        tickets = self.claim(batch)
        deadline = time.monotonic() + self.config.data_deadline_s   # DATA begins before the claim's lease ends
        for ready, ticket in zip(batch, tickets):
            if ticket is not None:
                self.in_flight[pool.submit(ready.envelope, deadline=deadline,
                                           then=partial(self.acceptances.record, ticket))] = ticket

    def prepare(self, subscriber) -> tuple[Envelope | None, tuple[int, ...]]:
        digest = compose_digest(subscriber, self.opportunities, sent_ids=self.sent_ids.get(subscriber.id, set()),
                                period=self.period, now=self.now, config=self.config,
                                closing_soon=self.closing_soon)
        if digest.is_empty:
            return None, ()
        envelope = wire_envelope(self.letters.render(digest), subscriber, self.config, self.signer, now=self.now,
                                 boundaries=self.boundaries)
        return envelope, digest.opportunity_ids

    def claim(self, batch: Sequence[_Ready]) -> list[Ticket | None]:
        """Claim the batch's rows and commit before any of them is sent (the checkpoint).

        Only as many rows as there are free connections are claimed, so at most `connections` rows
        are ever 'sending'. Stamped with the run's clock: another run takes a claim over only once it
        is `sending_lease` old.
        """
        requests = [ClaimRequest(ready.subscriber.id, ready.envelope.message_id, ready.items) for ready in batch]
        self.add_rows(batch)
        self.drop_empty()
        now = self.clock()
        claims = claim_deliveries(self.session, self.period, requests, transport=self.config.transport_name,
                                  now=now, stale_before=now - self.config.sending_lease,
                                  max_attempts=self.config.max_attempts, retry_before=now - self.config.retry_after,
                                  add_rows=False)
        self.session.commit()
        self.with_rows.difference_update(request.subscriber_id for request in requests)
        tickets = []
        for ready in batch:
            claim, subscriber = claims[ready.subscriber.id], ready.subscriber
            if not claim.won:
                self._count_settled(claim.state)
            tickets.append(Ticket(claim.delivery_id, subscriber.id, subscriber.email, bool(subscriber.bounces))
                           if claim.won else None)
        return tickets

    def collect(self, until: int) -> None:
        """Record finished sends, waiting until at most `until` are still in flight."""
        while len(self.in_flight) > until:
            done, _ = wait(self.in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                self.record(self.in_flight.pop(future), future)
        for future in [future for future in self.in_flight if future.done()]:  # and any others already done
            self.record(self.in_flight.pop(future), future)

    def drop_empty(self) -> None:
        """Drop the untried 'pending' rows of the empty digests found since the last claim (in its transaction)."""
        empty, self.empty = self.empty, []
        drop_pending_deliveries(self.session, empty, self.period)

    def add_rows(self, batch: Sequence[_Ready]) -> None:
        """Add the 'pending' rows the batch lacks, and those of every message built behind it, in one statement.

        In a transaction of its own, after committing the outcomes recorded so far: a transaction that
        adds rows then holds no row another run's claim could wait for, so two runs whose windows
        overlap cannot deadlock on PostgreSQL (a claim never waits for rows not yet committed).
        """
        if all(ready.subscriber.id in self.with_rows for ready in batch):
            return
        missing = [ready.subscriber.id for ready in (*batch, *self.ready) if ready.subscriber.id not in self.with_rows]
        self.session.commit()
        add_pending_deliveries(self.session, missing, self.period, self.clock())
        self.session.commit()
        self.with_rows.update(missing)

    def record(self, ticket: Ticket, future: Future) -> None:
        """Count a finished send; a failure is written and committed at once (the success was marked by its
        sending thread). A database that cannot take the failure stops the run."""
        error = future.exception()
        if error is None:
            self.budget.record_success()
            self.report.sent += 1
            unrecorded = future.result()
            if unrecorded is not None:
                self.unrecorded.append(ticket)
                self.ledger_failed(unrecorded)
            return
        try:
            if isinstance(error, DeliveryError):
                self._record_failure(ticket, error)
            else:
                log.error("sending to %s failed unexpectedly", ticket.email, exc_info=error)
                mark_failed(self.session, ticket.delivery_id, f"unexpected error: {error!r}", self.clock(),
                            temporary=True, max_attempts=self.config.max_attempts)
                self.report.deferred += 1
                self.report.note_failure(f"{ticket.email}: unexpected error {error!r}; see the log")
            self.session.commit()
        except SQLAlchemyError as db_error:
            self.ledger_failed(db_error)

    def _record_failure(self, ticket: Ticket, error: DeliveryError) -> None:
        state = mark_failed(self.session, ticket.delivery_id, str(error), self.clock(),
                            temporary=error.temporary, max_attempts=self.config.max_attempts)
        if state == FAILED:
            self.report.failed += 1
        else:
            self.report.deferred += 1
        self.report.note_failure(str(error) if ticket.email in str(error) else f"{ticket.email}: {error}")
        self.budget.record_failure(error)
        if isinstance(error, (BouncedAddressError, InvalidAddressError)):
            if record_bounce(self.session, ticket.subscriber_id, str(error), self.clock(),
                             threshold=self.config.bounce_threshold):
                self.report.note_suspended(ticket.email)

    def fail_unsendable(self, subscriber, error: DeliveryError) -> None:
        """Record a digest that cannot be sent (bad address, build error) on its own row, sending nothing."""
        envelope = Envelope(sender="", recipient="", data=b"",
                            message_id=message_id_for(subscriber.id, self.period, self.config))
        ticket, = self.claim([_Ready(subscriber, envelope, ())])
        if ticket is not None:
            self._record_failure(ticket, error)
            self.session.commit()

    def _count_settled(self, state: str) -> None:
        if state == SENT:
            self.report.already_sent += 1
        elif state == SENDING:
            self.report.in_progress += 1
        elif state == DEFERRED:  # retried by a later run once retry_after has passed
            self.report.deferred += 1
        elif state:  # '' is no row at all: the subscriber was erased while the run went on
            self.report.given_up += 1


@cache
def _warn_if_not_https(public_base_url: str) -> None:
    """Once per process and address: `run --once` sends two periods, and one warning says it."""
    if not public_base_url.startswith("https://"):
        log.warning("public_base_url %s is not https: Gmail and Yahoo ignore one-click unsubscribe links "
                    "that are not https (RFC 8058); set FURSA_PUBLIC_BASE_URL", public_base_url)
