"""The retry job: digests a run left unsent go out on their own schedule, until sent or too old.

A run leaves work undone when the server deferred messages (a 4xx answer, or down), when it
paused (the error budget), or when it was killed: its ledger rows stay 'deferred', 'pending', or
'sending' past the lease. retry_deliveries (every 15 minutes in the scheduler) takes such rows up
and resumes their period's run for them: a deferred message once its wait is over (retry_after,
doubled after each try up to max_retry_delay), a pending one at once, a sending one once its lease
ran out. A weekly run adds a pending row for everyone before it sends (sending.run_period), so a
run that paused or died leaves its whole unfinished list here. A period a run is still working on
(a row of it changed within the lease) is left to that run. A digest still unsent
`retry_for` after its send moment is given up: its rows become 'failed' with the reason, and its
calls are free for the next digest.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.orm import Session
from fursa.storage import (
    DEFERRED, Outstanding, active_subscribers, give_up_deliveries, last_activity, outstanding_deliveries,
)

from fursa.digests.config import DeliveryConfig
from fursa.digests.periods import WEEKLY, period_start
from fursa.digests.records import SendReport
from fursa.digests.sending import run_period

log = logging.getLogger(__name__)
RETRIES = "retries"


def retry_deliveries(session: Session, *, now: datetime, config: DeliveryConfig) -> SendReport:
    """Resume every period with work left undone and due now; give up what is too old. Safe to repeat."""
    report = SendReport(RETRIES, config.transport_name)
    session.expire_all()
    rows = outstanding_deliveries(session, idle_before=now - config.retry_after,
                                  stale_before=now - config.sending_lease)
    by_period: dict[str, list[Outstanding]] = {}
    for row in rows:
        by_period.setdefault(row.period, []).append(row)
    active = {subscriber.id: subscriber for subscriber in active_subscribers(session)}
    latest = last_activity(session, by_period)
    for period, left in by_period.items():
        start = period_start(period, config)
        if start is None or now >= start + config.retry_for:
            _give_up(session, left, _too_old(period, start, config), now, report)
            continue
        if latest[period] > now - config.sending_lease:   # a run is at work on it, or died too recently to tell
            continue
        _give_up(session, [row for row in left if row.subscriber_id not in active],
                 "not sent: the subscriber left or was suspended before a retry", now, report)
        subscribers = [active[row.subscriber_id] for row in left
                       if row.subscriber_id in active and is_due(row, now, config)]
        if not subscribers:
            continue
        log.info("resuming %s for %d subscriber(s)", period, len(subscribers))
        report.add(run_period(session, subscribers, now=now, config=config, period=period,
                              closing_soon=period.startswith(f"{WEEKLY}:")))
    return report


def retry_delay(attempts: int, config: DeliveryConfig) -> timedelta:
    """How long a deferred message waits after its `attempts`-th try: retry_after, doubling, capped."""
    return min(config.retry_after * 2 ** max(attempts - 1, 0), config.max_retry_delay)


def is_due(row: Outstanding, now: datetime, config: DeliveryConfig) -> bool:
    """A deferred row once its wait is over; pending and abandoned sending rows at once."""
    return row.state != DEFERRED or row.updated_at + retry_delay(row.attempts, config) <= now


def _too_old(period: str, start: datetime | None, config: DeliveryConfig) -> str:
    if start is None:
        return f"given up: the period {period!r} is not one Fursa sends"
    return (f"given up: not sent within {_words(config.retry_for)} of its send moment "
            f"({start:%Y-%m-%d %H:%M %Z}); its calls go into the next digest if still open")


def _give_up(session: Session, rows: list[Outstanding], reason: str, now: datetime, report: SendReport) -> None:
    if not rows:
        return
    given = give_up_deliveries(session, rows, reason, now)
    session.commit()
    if given:
        log.warning("%d digest(s) given up: %s", given, reason)
        report.expired += given
        report.note_failure(f"{given} given up: {reason}")


def _words(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours / 24:g} days" if hours >= 24 else f"{hours:g} hours"
