"""What staff do to subscribers, at the desk or on the command line: add, search, change status, erase."""
from __future__ import annotations

from datetime import datetime
from typing import Collection

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from fursa.storage.audit import record_audit
from fursa.storage.models import Bookmark, Subscriber, TelegramChat, Token
from fursa.storage.models import ResearchProfile
from fursa.storage.models import ReachPerson
from fursa.storage.paging import Page, contains_pattern
from fursa.storage.subscribers import SubscriberInput, add_subscriber, changed_parts, normalize_email, profile_of
from fursa.storage.suppressions import refuse_suppressed, suppress


def enrol_subscriber(session: Session, data: SubscriberInput, *, known_fields: Collection[str], actor: str,
                     now: datetime) -> tuple[Subscriber, bool]:
    """Staff add (or update) one subscriber; returns (row, created), audited. Field codes must be in
    `known_fields` (the taxonomy's; storage.subscribers.check_fields).

    Raises InvalidSubscriberError for a bad address or preference, and its SuppressedAddressError
    for an address on the do-not-mail list (see storage.suppressions for who may lift it).
    """
    refuse_suppressed(session, data.email)
    row = session.scalar(select(Subscriber).where(Subscriber.email == normalize_email(data.email)))
    before = profile_of(row) if row is not None else {}
    row, created = add_subscriber(session, data, now, known_fields)
    changed = changed_parts(before, row)
    if created or changed:   # a save that changed nothing leaves no trace
        record_audit(session, actor=actor, action="subscriber:add" if created else "subscriber:update",
                     target_type="subscriber", target_id=row.id, now=now,
                     details=None if created else {"changed": changed})
    return row, created


def search_subscribers(session: Session, *, text: str = "", status: str = "", offset: int = 0, limit: int = 50) -> Page:
    query = select(Subscriber).where(Subscriber.status != "deleted")
    if text.strip():
        pattern = contains_pattern(text.strip())
        query = query.where(or_(Subscriber.email.ilike(pattern, escape="\\"),
                                Subscriber.name.ilike(pattern, escape="\\")))
    if status == "unconfirmed":
        query = query.where(Subscriber.confirmed.is_(False))
    elif status:
        query = query.where(Subscriber.status == status, Subscriber.confirmed.is_(True))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Subscriber.email).offset(offset).limit(limit)).all()
    return Page(tuple(rows), total, offset, limit)


def set_subscriber_status(session: Session, row: Subscriber, status: str, *, actor: str, now: datetime,
                          reason: str = "") -> bool:
    """Suspend, reactivate or unsubscribe a subscriber; returns False when nothing changed (idempotent)."""
    if status not in ("active", "suspended", "unsubscribed"):
        raise ValueError(f"unknown subscriber status {status!r}: use active, suspended or unsubscribed")
    if row.status == status:
        return False
    before = row.status
    row.status = status
    row.suspended_reason = reason or None if status == "suspended" else None
    if status == "unsubscribed":
        row.unsubscribed_at = now
    record_audit(session, actor=actor, action=f"subscriber:{status}", target_type="subscriber", target_id=row.id,
                 now=now, details={"before": before, "after": status})
    return True


def erase_subscriber(session: Session, row: Subscriber, *, actor: str, now: datetime) -> None:
    """Remove a subscriber's personal data for good, keeping a hashed suppression and the bare ledger rows.

    The row stays (anonymized) so the send log keeps its counts; the address lives on only as a hash.
    """
    suppress(session, row.email, "deleted", now)
    session.execute(delete(Token).where(Token.subscriber_id == row.id))
    # A person's own list and chat are theirs, not the send log's: they go with the address.
    session.execute(delete(Bookmark).where(Bookmark.subscriber_id == row.id))
    session.execute(delete(TelegramChat).where(TelegramChat.subscriber_id == row.id))
    session.execute(delete(ResearchProfile).where(ResearchProfile.subscriber_id == row.id))   # their research too
    session.execute(delete(ReachPerson).where(ReachPerson.subscriber_id == row.id))   # clicks counted by name
    row.reach_counting = "group"
    row.email = f"deleted-{row.id}@deleted.invalid"
    row.name = ""
    row.disciplines, row.levels, row.kinds = [], [], []
    row.confirmed = False
    row.status = "deleted"
    row.suspended_reason = None
    row.unsubscribed_at = now
    row.token_nonce = (row.token_nonce or 0) + 1
    record_audit(session, actor=actor, action="subscriber:delete", target_type="subscriber", target_id=row.id, now=now)
    session.flush()
