"""A sending run's side of the delivery ledger: its clock, the mark a sending thread writes the moment
the server accepts a message, and the words for a database that stops recording mid-run.

Exactly once, and where it stops: a row is claimed ('sending', committed) before its message
leaves, and marked 'sent' in a transaction of its own by the thread that sent it, first thing after
the server's 250 to DATA. A message is sent twice only if the process dies (kill -9, power) or the
database cannot record (disk full) between that 250 and that commit, and then only after the claim's
lease ends and another run takes the row over. Each connection has at most one message in that
window, so one crash duplicates at most `connections` messages; the window itself is one commit.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from fursa.storage import clear_bounces, is_database_full, mark_deliveries_sent

from fursa.digests.config import DeliveryConfig
from fursa.digests.errors import LedgerError
from fursa.digests.records import SendReport

log = logging.getLogger(__name__)


class RunClock:
    """The run's `now`, moved on by the time the run has taken (monotonic, so wall-clock jumps do not count).

    Claims and outcomes are stamped with it: a claim made 40 minutes into a long run is 40 minutes
    younger than the run's start, so another run does not take it over as left by a dead one.
    """

    def __init__(self, now: datetime, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.start = now
        self._monotonic = monotonic
        self._started = monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=self._monotonic() - self._started)


@dataclass(frozen=True)
class Ticket:
    """What the run remembers about a message in flight, to record its outcome."""

    delivery_id: int
    subscriber_id: int
    email: str
    had_bounces: bool


class Acceptances:
    """Marks rows 'sent' from the sending threads, each on a connection and in a transaction of its own."""

    def __init__(self, engine: Engine, clock: RunClock) -> None:
        self.engine = engine
        self.clock = clock

    def record(self, ticket: Ticket) -> SQLAlchemyError | None:
        """Called in the sending thread right after the server's 250 to DATA: mark the row sent (and the
        subscriber's bounces cleared) and commit. Returns the database's error if it could not."""
        try:
            with self.engine.begin() as connection:
                kept = mark_deliveries_sent(connection, [ticket.delivery_id], self.clock())
                if kept and ticket.had_bounces:
                    clear_bounces(connection, [ticket.subscriber_id])
        except SQLAlchemyError as error:
            log.error("the server accepted the digest to %s but the database could not record it: %s",
                      ticket.email, getattr(error, "orig", error))
            return error
        if not kept:
            log.warning("delivery %s was taken over by another run while sending", ticket.delivery_id)
        return None


def ledger_error(error: SQLAlchemyError, report: SendReport, unrecorded: list[Ticket], config: DeliveryConfig, *,
                 resumable: bool) -> LedgerError:
    """The run stopped because the database stopped recording it: what happened, and what to do, in words.

    `resumable`: the ledger holds who is still to be sent to, so the retry job resumes the run.
    """
    full = is_database_full(error)
    reason = " ".join(str(getattr(error, "orig", None) or error).split())
    text = (f"the database stopped recording the digests of {report.period} ({reason}), so the run stopped "
            f"sending: {report.sent} sent")
    if unrecorded:
        lease = int(config.sending_lease.total_seconds() // 60)
        one = len(unrecorded) == 1
        text += (f", of which {len(unrecorded)} ({', '.join(ticket.email for ticket in unrecorded[:5])}) "
                 f"{'was' if one else 'were'} accepted by the SMTP server but could not be recorded: "
                 f"{'it' if one else 'they'} may be sent a second time once the {lease}-minute claim ends")
    text += ". "
    if full:
        text += "Free space on the disk that holds the database; "
    if resumable:
        text += "the retry_deliveries job sends the rest once the database records again"
    else:
        text += "then run the job again"
    text += "; digests recorded as sent are never sent twice"
    return LedgerError(text, report, database_full=full)
