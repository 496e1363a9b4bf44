"""A person's own subscription: the double opt-in (request, confirm) and their preferences.

The public form and the desk's import without recorded consent both start an opt-in here; the
confirmation link, whoever sent it, ends it here. What this module returns says which e-mail to
send; sending it is the caller's (the web's letters).

The visitor always sees the same answer; what differs is only the e-mail the address receives
(a confirmation link, or a note that it is already subscribed, or nothing for a bounced address).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from fursa.storage.audit import record_audit
from fursa.storage.models import Subscriber
from fursa.storage.subscribers import SubscriberInput, add_subscriber, changed_parts, normalize_email, profile_of
from fursa.storage.suppressions import blocks_request, lift_suppression, suppression_of
from fursa.storage.tokens import issue_token, redeem_token

log = logging.getLogger("fursa.storage.subscriptions")

CONFIRM_HOURS = 48
CONFIRM_TTL = timedelta(hours=CONFIRM_HOURS)
CONFIRM_PURPOSE = "confirm"


@dataclass(frozen=True)
class OptIn:
    """What to send after a request: `letter` is "confirm", "already" or "" (send nothing)."""

    letter: str
    subscriber_id: int | None = None
    email: str = ""
    name: str = ""
    language: str = "en"
    token: str = ""


def request_subscription(session: Session, data: SubscriberInput, now: datetime, *,
                         known_fields: Collection[str]) -> OptIn:
    """Record a request from the public form; confirmed preferences stay as they are.

    `known_fields` are the field codes a profile may hold (the taxonomy's; storage.subscribers.check_fields).
    """
    email = normalize_email(data.email)
    found = suppression_of(session, email)
    if blocks_request(found):
        log.info("subscription request for a suppressed address ignored", extra={"reason": found.reason})
        return OptIn("")
    row = session.scalar(select(Subscriber).where(Subscriber.email == email))
    if row is not None and row.status == "suspended":
        return OptIn("")
    if row is not None and row.confirmed and row.status == "active":
        # Someone else may have typed this address: tell the owner, change nothing.
        return OptIn("already", row.id, row.email, row.name, row.language)
    row, _ = add_subscriber(session, replace(data, email=email, confirmed=False), now, known_fields)
    return start_opt_in(session, row, now)


def kept_fields(row: Subscriber, known_fields: Collection[str]) -> frozenset[str]:
    """The codes a save of `row`'s profile may hold: the known ones and those it holds already."""
    return frozenset(known_fields) | frozenset(row.disciplines or ())


def start_opt_in(session: Session, row: Subscriber, now: datetime) -> OptIn:
    """A new confirmation token for `row`: the "confirm" letter carries it to the person."""
    token = issue_token(session, purpose=CONFIRM_PURPOSE, subscriber=row, now=now, ttl=CONFIRM_TTL)
    return OptIn("confirm", row.id, row.email, row.name, row.language, token)


def confirm_subscription(session: Session, token: str, now: datetime) -> Subscriber | None:
    """Use a confirmation token: the subscriber becomes active, audited. None when the token is not live."""
    row = redeem_token(session, token, CONFIRM_PURPOSE, now)
    if row is None or row.status == "deleted":
        return None
    row.confirmed = True
    row.confirmed_at = now
    row.status = "active"
    row.unsubscribed_at = None
    lift_suppression(session, row.email)
    record_audit(session, actor="subscriber", action="subscriber:confirm", target_type="subscriber",
                 target_id=row.id, now=now)
    return row


def update_preferences(session: Session, row: Subscriber, data: SubscriberInput, now: datetime, *,
                       known_fields: Collection[str]) -> Subscriber:
    """A subscriber's own change of profile through their signed link, audited; the address stays theirs.

    New field codes must be in `known_fields`; codes the profile already holds stay allowed, so a
    save keeps what an older taxonomy (or an older, unchecked door) put there.
    """
    allowed = kept_fields(row, known_fields)
    before = profile_of(row)
    row, _ = add_subscriber(session, replace(data, email=row.email), now, allowed)
    changed = changed_parts(before, row)
    if changed:   # a save that changed nothing leaves no trace
        record_audit(session, actor="subscriber", action="subscriber:preferences", target_type="subscriber",
                     target_id=row.id, now=now, details={"changed": changed})
    return row
