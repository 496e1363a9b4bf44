"""The delivery ledger: one row per (subscriber, period), moved only by compare-and-set.

States: pending → sending → sent | failed, with deferred (a temporary failure, tried again by a
later run until max_attempts). Every transition is an UPDATE … WHERE state=… whose rowcount (or
RETURNING rows, for a batch) says which rows this caller won, so two runs started at once never
both own a row. The caller commits after each claim: the 'sending' mark must be durable before
the message leaves (checkpoint on send, not on fetch), and a 'sending' row older than the lease
belongs to a run that died and may be taken over. A sending run adds the 'pending' rows of the
next few messages in one statement and claims as many as it has free connections in another.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Collection, Iterable, Sequence

from sqlalchemy import Connection, and_, bindparam, case, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fursa.storage.models import Delivery, Subscriber

PENDING, SENDING, SENT, FAILED, DEFERRED = "pending", "sending", "sent", "failed", "deferred"
DELIVERY_STATES = (PENDING, SENDING, SENT, FAILED, DEFERRED)


@dataclass(frozen=True)
class Claim:
    """The outcome of claim_delivery: `delivery_id` is set only when this caller now owns the send."""

    delivery_id: int | None
    state: str
    attempts: int

    @property
    def won(self) -> bool:
        return self.delivery_id is not None


def delivery_states(session: Session, period: str) -> dict[int, str]:
    """subscriber id → ledger state for one period (absent = never tried)."""
    rows = session.execute(select(Delivery.subscriber_id, Delivery.state).where(Delivery.period == period))
    return {subscriber_id: state for subscriber_id, state in rows}


def claim_delivery(
    session: Session, subscriber_id: int, period: str, *, message_id: str, items: Sequence[int],
    transport: str, now: datetime, stale_before: datetime, max_attempts: int, retry_before: datetime | None = None,
) -> Claim:
    """Move the (subscriber, period) row to 'sending' if nobody else owns it; create it if absent.

    Claimable: pending; deferred with attempts left and last tried before `retry_before` (default:
    any time); sending but not touched since `stale_before` (its run died mid-send). Commit right
    after a won claim and before sending.
    """
    claims = claim_deliveries(session, period, [ClaimRequest(subscriber_id, message_id, tuple(items))],
                              transport=transport, now=now, stale_before=stale_before, max_attempts=max_attempts,
                              retry_before=retry_before)
    return claims[subscriber_id]


@dataclass(frozen=True)
class ClaimRequest:
    """One digest a run wants to send: whose, under which Message-ID, with which calls."""

    subscriber_id: int
    message_id: str
    items: tuple[int, ...]


# The statements a run repeats for every message, built once: building a SQLAlchemy statement costs
# more than SQLite takes to run it. Values arrive as bound parameters.
_DELIVERIES = Delivery.__table__
_IN_BATCH = and_(_DELIVERIES.c.period == bindparam("claim_period"),
                 _DELIVERIES.c.subscriber_id.in_(bindparam("subscriber_ids", expanding=True)))
_CLAIMABLE = or_(
    _DELIVERIES.c.state == PENDING,
    and_(_DELIVERIES.c.state == DEFERRED, _DELIVERIES.c.attempts < bindparam("max_attempts"),
         _DELIVERIES.c.updated_at <= bindparam("retry_before")),
    and_(_DELIVERIES.c.state == SENDING, _DELIVERIES.c.updated_at < bindparam("stale_before")),
)
_STATES = select(_DELIVERIES.c.id, _DELIVERIES.c.subscriber_id, _DELIVERIES.c.state,
                 _DELIVERIES.c.attempts).where(_IN_BATCH)
_MARK_SENT = (update(_DELIVERIES)
              .where(_DELIVERIES.c.id.in_(bindparam("row_ids", expanding=True)), _DELIVERIES.c.state == SENDING)
              .values(state=SENT, sent_at=bindparam("now"), updated_at=bindparam("now"), error=None))
_MARK_SENT_RETURNING = _MARK_SENT.returning(_DELIVERIES.c.id)
_UNIQUE_KEY = ["subscriber_id", "period"]
_PENDING_INSERTS = {
    "sqlite": sqlite.insert(_DELIVERIES).on_conflict_do_nothing(index_elements=_UNIQUE_KEY),
    "postgresql": postgresql.insert(_DELIVERIES).on_conflict_do_nothing(index_elements=_UNIQUE_KEY),
}


def claim_deliveries(
    session: Session, period: str, requests: Sequence[ClaimRequest], *, transport: str, now: datetime,
    stale_before: datetime, max_attempts: int, retry_before: datetime | None = None, add_rows: bool = True,
) -> dict[int, Claim]:
    """claim_delivery for several subscribers at once: subscriber id → Claim.

    One compare-and-set UPDATE … RETURNING claims every claimable row of the batch, so each row is
    won by exactly one caller however many run at once. Claim only what can be sent right away (the
    caller's free connections): every row won here is 'sending' until marked, and a run killed now
    may resend all of them. `add_rows=False` skips creating absent rows, for a caller that made them
    with add_pending_deliveries; a subscriber without a row then gets a lost Claim with state ''.
    """
    if not requests:
        return {}
    wanted = {request.subscriber_id: request for request in requests}
    ids = sorted(wanted)  # id order, so runs claiming overlapping batches lock rows in the same order
    if add_rows:
        add_pending_deliveries(session, ids, period, now)
    batch = dict(claim_period=period, subscriber_ids=ids, max_attempts=max_attempts,
                 retry_before=retry_before or now, stale_before=stale_before, new_transport=transport, now=now)
    if session.get_bind().dialect.update_returning:
        won = {row.subscriber_id: row for row in session.execute(
            _claim_statement(len(ids), returning=True), {**batch, **_row_values([wanted[key] for key in ids])})}
    else:  # e.g. SQLite before 3.35: claim one row at a time, the rowcount says who won
        won = {key: None for key in ids if session.execute(
            _claim_statement(1, returning=False), {**batch, **_row_values([wanted[key]])}).rowcount == 1}
    return _claims_of(session, batch, won)


@lru_cache(maxsize=64)
def _claim_statement(size: int, *, returning: bool):
    """UPDATE … SET state='sending' … WHERE <claimable> for `size` subscribers (parameters s0…, m0…, i0…).

    Each row gets its own Message-ID and items through a CASE on subscriber_id, so a batch is claimed
    in one statement; one statement is kept per batch size (a batch is at most `connections` rows).
    """
    subscriber = _DELIVERIES.c.subscriber_id
    ids = [bindparam(f"s{index}", type_=subscriber.type) for index in range(size)]
    statement = (
        update(_DELIVERIES)
        .where(_DELIVERIES.c.period == bindparam("claim_period"), subscriber.in_(ids), _CLAIMABLE)
        .values(state=SENDING, attempts=_DELIVERIES.c.attempts + 1, transport=bindparam("new_transport"),
                updated_at=bindparam("now"), error=None,
                message_id=_per_row(ids, "m", _DELIVERIES.c.message_id.type),
                items=_per_row(ids, "i", _DELIVERIES.c["items"].type))
    )
    return statement.returning(_DELIVERIES.c.id, subscriber, _DELIVERIES.c.attempts) if returning else statement


def _per_row(ids: list, prefix: str, kind):
    """CASE subscriber_id WHEN :s0 THEN :<prefix>0 … END."""
    return case(*[(_DELIVERIES.c.subscriber_id == key, bindparam(f"{prefix}{index}", type_=kind))
                  for index, key in enumerate(ids)])


def _row_values(requests: Sequence[ClaimRequest]) -> dict:
    values = {}
    for index, request in enumerate(requests):
        values.update({f"s{index}": request.subscriber_id, f"m{index}": request.message_id,
                       f"i{index}": list(request.items)})
    return values


def _claims_of(session: Session, batch: dict, won: dict) -> dict[int, Claim]:
    """Claims from the UPDATE's returned rows, reading the state of rows lost (or not returned)."""
    claims = {subscriber_id: Claim(delivery_id=row.id, state=SENDING, attempts=row.attempts)
              for subscriber_id, row in won.items() if row is not None}
    unread = [subscriber_id for subscriber_id in batch["subscriber_ids"] if subscriber_id not in claims]
    if unread:
        for row in session.execute(_STATES, {**batch, "subscriber_ids": unread}):
            claims[row.subscriber_id] = Claim(delivery_id=row.id if row.subscriber_id in won else None,
                                              state=row.state, attempts=row.attempts)
    for subscriber_id in unread:  # no row at all (not added, or erased meanwhile)
        claims.setdefault(subscriber_id, Claim(delivery_id=None, state="", attempts=0))
    return claims


def add_pending_deliveries(session: Session, subscriber_ids: Sequence[int], period: str, now: datetime) -> None:
    """A 'pending' row for each subscriber that has none yet in this period (one statement for all)."""
    if not subscriber_ids:
        return
    rows = [dict(subscriber_id=subscriber_id, period=period, state=PENDING, items=[], attempts=0,
                 transport="", created_at=now, updated_at=now)
            for subscriber_id in sorted(set(subscriber_ids))]  # in id order: concurrent inserts wait, never cross
    statement = _PENDING_INSERTS.get(session.get_bind().dialect.name)
    if statement is not None:
        session.execute(statement, rows)
        return
    for values in rows:  # other databases: a savepoint keeps a losing insert from spoiling the transaction
        try:
            with session.begin_nested():
                session.execute(insert(_DELIVERIES).values(**values))
        except IntegrityError:
            pass


def drop_pending_deliveries(session: Session, subscriber_ids: Sequence[int], period: str) -> None:
    """Remove the 'pending' rows never tried of these subscribers (their digest turned out empty): a
    ledger row means a digest to send, and an empty digest is not sent."""
    if subscriber_ids:
        session.execute(delete(Delivery).where(
            Delivery.period == period, Delivery.subscriber_id.in_(sorted(set(subscriber_ids))),
            Delivery.state == PENDING, Delivery.attempts == 0).execution_options(synchronize_session=False))


def mark_sent(session: Session | Connection, delivery_id: int, now: datetime) -> bool:
    """sending → sent; False if the row was no longer ours (a takeover after the lease ran out)."""
    return session.execute(_MARK_SENT, {"row_ids": [delivery_id], "now": now}).rowcount == 1


def mark_deliveries_sent(session: Session | Connection, delivery_ids: Sequence[int], now: datetime) -> set[int]:
    """mark_sent for several rows whose messages have each gone out; returns the ids that were still ours.

    Takes a Session or a Connection: a sending thread records the server's acceptance on a
    connection of its own, in its own transaction, the moment the server said 250.
    """
    if not delivery_ids:
        return set()
    if not _dialect(session).update_returning:
        return {delivery_id for delivery_id in delivery_ids if mark_sent(session, delivery_id, now)}
    return set(session.scalars(_MARK_SENT_RETURNING, {"row_ids": list(delivery_ids), "now": now}))


def _dialect(executor: Session | Connection):
    return executor.get_bind().dialect if isinstance(executor, Session) else executor.dialect


def mark_failed(
    session: Session, delivery_id: int, error: str, now: datetime, *, temporary: bool, max_attempts: int,
) -> str:
    """sending → deferred (temporary, attempts left) or failed; returns the new state ('' if not ours)."""
    attempts = session.scalar(select(Delivery.attempts).where(Delivery.id == delivery_id)) or 0
    state = DEFERRED if temporary and attempts < max_attempts else FAILED
    result = session.execute(
        update(Delivery).where(Delivery.id == delivery_id, Delivery.state == SENDING)
        .values(state=state, error=error[:2000], updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return state if result.rowcount == 1 else ""


def record_bounce(session: Session, subscriber_id: int, reason: str, now: datetime, *, threshold: int) -> bool:
    """Count a hard bounce; suspend the subscriber at `threshold` consecutive ones. True if suspended now."""
    session.execute(
        update(Subscriber).where(Subscriber.id == subscriber_id)
        .values(bounces=Subscriber.bounces + 1).execution_options(synchronize_session=False)
    )
    result = session.execute(
        update(Subscriber)
        .where(Subscriber.id == subscriber_id, Subscriber.status == "active", Subscriber.bounces >= threshold)
        .values(status="suspended",
                suspended_reason=f"{threshold} bounces in a row, last on {now:%Y-%m-%d}: {reason}"[:1000])
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def clear_bounces(session: Session | Connection, subscriber_ids: Iterable[int]) -> None:
    """Reset the bounce count after a delivery went through: only consecutive bounces suspend."""
    ids = list(subscriber_ids)
    if ids:
        session.execute(
            update(Subscriber).where(Subscriber.id.in_(ids), Subscriber.bounces > 0)
            .values(bounces=0).execution_options(synchronize_session=False)
        )


def sent_item_ids(
    session: Session, *, exclude_period: str | None = None, among: Collection[int] | None = None,
) -> dict[int, set[int]]:
    """subscriber id → ids of opportunities mailed, being mailed or to be retried to them in other periods.

    A deferred message keeps its calls: the retry job sends it, so a later digest must not repeat
    them; once it is given up (failed) they are free again. `among` keeps only those ids (a run
    passes the calls still open): after a year of weekly digests the ledger names some thousand
    calls per subscriber, nearly all of them closed long ago.
    """
    query = select(Delivery.subscriber_id, Delivery.items).where(Delivery.state.in_((SENT, SENDING, DEFERRED)))
    if exclude_period is not None:
        query = query.where(Delivery.period != exclude_period)
    keep = None if among is None else frozenset(among)
    sent: dict[int, set[int]] = {}
    for subscriber_id, items in session.execute(query):
        found = (items or ()) if keep is None else keep.intersection(items or ())
        if found:
            sent.setdefault(subscriber_id, set()).update(found)
    return sent


def delivery_counts(session: Session, period: str) -> dict[str, int]:
    """state → number of rows in one period, e.g. {'sent': 812, 'failed': 3}."""
    rows = session.execute(
        select(Delivery.state, func.count()).where(Delivery.period == period).group_by(Delivery.state))
    return {state: count for state, count in rows}


@dataclass(frozen=True)
class Outstanding:
    """A ledger row whose digest has not gone out and that no live run is working on."""

    delivery_id: int
    subscriber_id: int
    period: str
    state: str            # pending (never tried), deferred (to retry) or sending (its run died)
    attempts: int
    updated_at: datetime
    error: str | None


def outstanding_deliveries(session: Session, *, idle_before: datetime, stale_before: datetime) -> list[Outstanding]:
    """Rows a retry may take up: pending or deferred and untouched since `idle_before` (a live run
    claims its pending rows within moments), or sending and untouched since `stale_before` (the lease)."""
    query = (
        select(Delivery.id, Delivery.subscriber_id, Delivery.period, Delivery.state, Delivery.attempts,
               Delivery.updated_at, Delivery.error)
        .where(or_(and_(Delivery.state.in_((PENDING, DEFERRED)), Delivery.updated_at <= idle_before),
                   and_(Delivery.state == SENDING, Delivery.updated_at < stale_before)))
        .order_by(Delivery.period, Delivery.subscriber_id)
    )
    return [Outstanding(*row) for row in session.execute(query)]


def last_activity(session: Session, periods: Collection[str]) -> dict[str, datetime]:
    """period → when any of its rows last changed: a run still at work keeps it within its lease."""
    if not periods:
        return {}
    rows = session.execute(select(Delivery.period, func.max(Delivery.updated_at))
                           .where(Delivery.period.in_(sorted(periods))).group_by(Delivery.period))
    return {period: latest for period, latest in rows}


def give_up_deliveries(session: Session, rows: Sequence[Outstanding], reason: str, now: datetime) -> int:
    """outstanding → failed, each row only if it is still as it was read; returns how many were given up.

    The row's last error is kept after `reason`, so the send log says why it never went out.
    """
    given_up = 0
    for row in rows:
        words = f"{reason}; last error: {row.error}" if row.error else reason
        given_up += session.execute(
            update(Delivery)
            .where(Delivery.id == row.delivery_id, Delivery.state == row.state, Delivery.updated_at == row.updated_at)
            .values(state=FAILED, error=words[:2000], updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
    return given_up
