"""The delivery ledger: one row per (subscriber, period), moved only by compare-and-set.

States: pending → sending → sent | failed, with deferred (a temporary failure, tried again by a
later run until max_attempts). Every transition is an UPDATE … WHERE state=… whose rowcount
says whether this caller won, so two runs started at once never both own a row. The caller
commits after each transition: the 'sending' mark must be durable before the message leaves
(checkpoint on send, not on fetch), and a 'sending' row older than the lease belongs to a run
that died and may be taken over.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Sequence

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import Delivery, Subscriber

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
    retry_before = retry_before or now
    _ensure_row(session, subscriber_id, period, now)
    claimable = or_(
        Delivery.state == PENDING,
        and_(Delivery.state == DEFERRED, Delivery.attempts < max_attempts, Delivery.updated_at <= retry_before),
        and_(Delivery.state == SENDING, Delivery.updated_at < stale_before),
    )
    result = session.execute(
        update(Delivery)
        .where(Delivery.subscriber_id == subscriber_id, Delivery.period == period, claimable)
        .values(state=SENDING, attempts=Delivery.attempts + 1, message_id=message_id, items=list(items),
                transport=transport, updated_at=now, error=None)
        .execution_options(synchronize_session=False)
    )
    row = session.execute(
        select(Delivery.id, Delivery.state, Delivery.attempts)
        .where(Delivery.subscriber_id == subscriber_id, Delivery.period == period)
    ).one()
    won = result.rowcount == 1
    return Claim(delivery_id=row.id if won else None, state=row.state, attempts=row.attempts)


def _ensure_row(session: Session, subscriber_id: int, period: str, now: datetime) -> None:
    values = dict(subscriber_id=subscriber_id, period=period, state=PENDING, items=[], attempts=0,
                  transport="", created_at=now, updated_at=now)
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        module = sqlite if dialect == "sqlite" else postgresql
        statement = module.insert(Delivery).values(**values).on_conflict_do_nothing(
            index_elements=["subscriber_id", "period"])
        session.execute(statement)
        return
    try:  # other databases: a savepoint keeps the losing insert from spoiling the transaction
        with session.begin_nested():
            session.execute(insert(Delivery).values(**values))
    except IntegrityError:
        pass


def mark_sent(session: Session, delivery_id: int, now: datetime) -> bool:
    """sending → sent; False if the row was no longer ours (a takeover after the lease ran out)."""
    result = session.execute(
        update(Delivery).where(Delivery.id == delivery_id, Delivery.state == SENDING)
        .values(state=SENT, sent_at=now, updated_at=now, error=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


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


def clear_bounces(session: Session, subscriber_ids: Iterable[int]) -> None:
    """Reset the bounce count after a delivery went through: only consecutive bounces suspend."""
    ids = list(subscriber_ids)
    if ids:
        session.execute(
            update(Subscriber).where(Subscriber.id.in_(ids), Subscriber.bounces > 0)
            .values(bounces=0).execution_options(synchronize_session=False)
        )


def sent_item_ids(session: Session, *, exclude_period: str | None = None) -> dict[int, set[int]]:
    """subscriber id → ids of opportunities already mailed (or being mailed) to them in other periods."""
    query = select(Delivery.subscriber_id, Delivery.items).where(Delivery.state.in_((SENT, SENDING)))
    if exclude_period is not None:
        query = query.where(Delivery.period != exclude_period)
    sent: dict[int, set[int]] = {}
    for subscriber_id, items in session.execute(query):
        sent.setdefault(subscriber_id, set()).update(items or ())
    return sent


def list_deliveries(
    session: Session, *, period: str | None = None, state: str | None = None, limit: int = 500,
) -> Sequence[Delivery]:
    """Ledger rows, newest first, for the staff desk and `fursa digest` commands."""
    query = select(Delivery)
    if period is not None:
        query = query.where(Delivery.period == period)
    if state is not None:
        query = query.where(Delivery.state == state)
    return session.scalars(query.order_by(Delivery.updated_at.desc(), Delivery.id.desc()).limit(limit)).all()


def delivery_counts(session: Session, period: str) -> dict[str, int]:
    """state → number of rows in one period, e.g. {'sent': 812, 'failed': 3}."""
    rows = session.execute(
        select(Delivery.state, func.count()).where(Delivery.period == period).group_by(Delivery.state))
    return {state: count for state, count in rows}
