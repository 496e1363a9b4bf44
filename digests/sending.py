"""The sending jobs: every due digest, each (subscriber, period) exactly once, whatever fails.

Order per subscriber: compose and render (no writes) → wait for a free connection → claim the
ledger row (commit: the checkpoint) → send → mark sent or failed (committed with the next claim,
or at the end). Messages are built up to LOOKAHEAD ahead, and their ledger rows are added as
'pending' together, in one statement; when connections are free, as many rows as there are free
connections are claimed (pending → sending) in one statement and one commit. A row is claimed only
when a connection is free for it, so at most `connections` rows are 'sending' at any instant:
that is the most a SIGKILL can duplicate, because a restart takes over 'sending' rows only after
the lease. A 'pending' row left by a run that stopped early is claimed by the next run.
"""
from __future__ import annotations

import logging
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Sequence

from sqlalchemy.orm import Session
from fursa.storage import (
    DEFERRED, FAILED, SENDING, SENT, ClaimRequest, active_subscribers, add_pending_deliveries, approved_open,
    claim_deliveries, clear_bounces, delivery_states, mark_deliveries_sent, mark_failed, record_bounce, sent_item_ids,
)

from fursa.digests.budget import ErrorBudget
from fursa.digests.compose import compose_digest
from fursa.digests.config import DeliveryConfig
from fursa.digests.errors import BouncedAddressError, DeliveryError, InvalidAddressError, TemporaryDeliveryError
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
    return run_period(session, active_subscribers(session), now=now, config=config, period=period, closing_soon=True)


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
               closing_soon: bool) -> SendReport:
    """Send `period`'s digest to each of `subscribers` who has not had it (the ledger decides)."""
    if is_weekend(now, config):
        return SendReport(period, config.transport_name,
                          resting=f"{now.astimezone(config.zone):%A} is a weekend day in {config.timezone}; "
                                  "nothing is sent on the weekend (setting: weekend_days)")
    run = DigestRun(session, now=now, config=config, period=period, closing_soon=closing_soon)
    with SendPool(make_transport_factory(config), connections=config.connections,
                  rate=config.rate_per_second) as pool:
        run.send_all(subscribers, pool)
    report = run.report
    log.info("digests %s", report.describe())
    return report


@dataclass(frozen=True)
class _Ticket:
    """What the run remembers about a message in flight, to record its outcome."""

    delivery_id: int
    subscriber_id: int
    email: str
    had_bounces: bool


@dataclass(frozen=True)
class _Ready:
    """A message built and waiting for a free connection: not claimed yet (its row may already be 'pending')."""

    subscriber: object
    envelope: Envelope
    items: tuple[int, ...]


class DigestRun:
    """One run over a list of subscribers for one period; holds the only database session (main thread)."""

    def __init__(self, session: Session, *, now: datetime, config: DeliveryConfig, period: str, closing_soon: bool):
        self.session = session
        self.now = now
        self.config = config
        self.period = period
        self.closing_soon = closing_soon
        self.report = SendReport(period, config.transport_name)
        self.budget = ErrorBudget(config.error_budget)
        self.signer: DkimSigner | None = make_signer(config, SIGNED_HEADERS)
        self.stale_before = now - config.sending_lease
        self.in_flight: dict[Future, _Ticket] = {}
        self.ready: list[_Ready] = []
        self.with_rows: set[int] = set()  # subscribers in `ready` whose 'pending' row exists
        self.unmarked: list[int] = []  # delivery ids sent but not yet marked 'sent'
        self.states = delivery_states(session, period)
        self.opportunities = OpenCalls(approved_open(session, now), now=now)
        self.sent_ids = sent_item_ids(session, exclude_period=period, among=self.opportunities.ids)
        # Looked up here, not imported into FormLetters, so a test can replace sending.render_digest.
        self.letters = FormLetters(config, render_digest)
        self.boundaries = new_boundaries()
        if not config.public_base_url.startswith("https://"):
            log.warning("public_base_url %s is not https: Gmail and Yahoo ignore one-click unsubscribe links "
                        "that are not https (RFC 8058); set FURSA_PUBLIC_BASE_URL", config.public_base_url)

    def send_all(self, subscribers: Sequence, pool: SendPool) -> None:
        try:
            for subscriber in subscribers:
                if self.budget.exhausted:
                    self.report.paused = self.budget.explain()
                    break
                self.queue(subscriber)
                if len(self.ready) >= max(LOOKAHEAD, pool.connections):
                    self.dispatch(pool)
            while self.ready and not self.budget.exhausted:
                self.dispatch(pool)
        finally:  # whatever stopped the loop, what was sent is recorded as sent
            self.collect(until=0)
            self.mark_sent()
            self.session.commit()
        if self.budget.exhausted and not self.report.paused:
            self.report.paused = self.budget.explain()

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
            return
        self.ready.append(_Ready(subscriber, envelope, items))

    def dispatch(self, pool: SendPool) -> None:
        """Wait for a free connection, claim as many ready messages as connections are free, and send those won."""
        self.collect(until=pool.connections - 1)
        if self.budget.exhausted:  # the results just collected may have used up the budget
            return
        free = pool.connections - len(self.in_flight)
        batch, self.ready = self.ready[:free], self.ready[free:]
        for ready, ticket in zip(batch, self.claim(batch)):
            if ticket is not None:
                self.in_flight[pool.submit(ready.envelope)] = ticket

    def prepare(self, subscriber) -> tuple[Envelope | None, tuple[int, ...]]:
        digest = compose_digest(subscriber, self.opportunities, sent_ids=self.sent_ids.get(subscriber.id, set()),
                                period=self.period, now=self.now, config=self.config,
                                closing_soon=self.closing_soon)
        if digest.is_empty:
            return None, ()
        envelope = wire_envelope(self.letters.render(digest), subscriber, self.config, self.signer, now=self.now,
                                 boundaries=self.boundaries)
        return envelope, digest.opportunity_ids

    def claim(self, batch: Sequence[_Ready]) -> list[_Ticket | None]:
        """Claim the batch's rows and commit, together with the outcomes recorded since the last claim.

        One commit per batch: an outcome waits at most until the next claim, and only as many rows as
        there are free connections are claimed, so at most `connections` rows are ever 'sending'.
        """
        requests = [ClaimRequest(ready.subscriber.id, ready.envelope.message_id, ready.items) for ready in batch]
        self.add_rows(batch)
        self.mark_sent()
        claims = claim_deliveries(self.session, self.period, requests, transport=self.config.transport_name,
                                  now=self.now, stale_before=self.stale_before, max_attempts=self.config.max_attempts,
                                  retry_before=self.now - self.config.retry_after, add_rows=False)
        self.session.commit()
        self.with_rows.difference_update(request.subscriber_id for request in requests)
        tickets = []
        for ready in batch:
            claim, subscriber = claims[ready.subscriber.id], ready.subscriber
            if not claim.won:
                self._count_settled(claim.state)
            tickets.append(_Ticket(claim.delivery_id, subscriber.id, subscriber.email, bool(subscriber.bounces))
                           if claim.won else None)
        return tickets

    def collect(self, until: int) -> None:
        """Record finished sends, waiting until at most `until` are still in flight."""
        while len(self.in_flight) > until:
            done, _ = wait(self.in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                self.record(self.in_flight.pop(future), future.exception())
        for future in [future for future in self.in_flight if future.done()]:  # and any others already done
            self.record(self.in_flight.pop(future), future.exception())

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
        add_pending_deliveries(self.session, missing, self.period, self.now)
        self.session.commit()
        self.with_rows.update(missing)

    def mark_sent(self) -> None:
        """Mark the rows whose messages went out since the last claim, in one statement of the claim's transaction."""
        sent, self.unmarked = self.unmarked, []
        for delivery_id in set(sent) - mark_deliveries_sent(self.session, sent, self.now):
            log.warning("delivery %s was taken over by another run while sending", delivery_id)

    def record(self, ticket: _Ticket, error: BaseException | None) -> None:
        """Write a send's outcome; it is committed with the next claim or at the end of the run."""
        if error is None:
            self.unmarked.append(ticket.delivery_id)  # marked by mark_sent, just before the next commit
            if ticket.had_bounces:
                clear_bounces(self.session, [ticket.subscriber_id])
            self.budget.record_success()
            self.report.sent += 1
        elif isinstance(error, DeliveryError):
            self._record_failure(ticket, error)
        else:
            log.error("sending to %s failed unexpectedly", ticket.email, exc_info=error)
            mark_failed(self.session, ticket.delivery_id, f"unexpected error: {error!r}", self.now,
                        temporary=True, max_attempts=self.config.max_attempts)
            self.report.deferred += 1
            self.report.note_failure(f"{ticket.email}: unexpected error {error!r}; see the log")

    def _record_failure(self, ticket: _Ticket, error: DeliveryError) -> None:
        state = mark_failed(self.session, ticket.delivery_id, str(error), self.now,
                            temporary=error.temporary, max_attempts=self.config.max_attempts)
        if state == FAILED:
            self.report.failed += 1
        else:
            self.report.deferred += 1
        self.report.note_failure(str(error) if ticket.email in str(error) else f"{ticket.email}: {error}")
        self.budget.record_failure(error)
        if isinstance(error, (BouncedAddressError, InvalidAddressError)):
            if record_bounce(self.session, ticket.subscriber_id, str(error), self.now,
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
