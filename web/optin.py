"""Double opt-in: what a subscription request does, and what following the confirmation link does.

The visitor always sees the same answer; what differs is only the e-mail the address receives
(a confirmation link, or a note that it is already subscribed, or nothing for a bounced address).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fursa.storage import Subscriber, SubscriberInput, add_subscriber, normalize_email, record_audit
from fursa.storage import lift_suppression, redeem_token, issue_token, suppression_of

log = logging.getLogger("fursa.web.optin")

CONFIRM_HOURS = 48
CONFIRM_TTL = timedelta(hours=CONFIRM_HOURS)
CONFIRM_PURPOSE = "confirm"
# Suppressions a person lifts by confirming again; bounces and complaints stay until staff act.
LIFTED_BY_CONSENT = ("deleted", "unsubscribed")


@dataclass(frozen=True)
class OptIn:
    """What to send after a request: `letter` is "confirm", "already" or "" (send nothing)."""

    letter: str
    subscriber_id: int | None = None
    email: str = ""
    name: str = ""
    language: str = "en"
    token: str = ""


def request_subscription(session: Session, data: SubscriberInput, now: datetime) -> OptIn:
    """Record a request; `data` is validated already. Confirmed preferences are never changed here."""
    email = normalize_email(data.email)
    blocked = suppression_of(session, email)
    if blocked is not None and blocked.reason not in LIFTED_BY_CONSENT:
        log.info("subscription request for a suppressed address ignored", extra={"reason": blocked.reason})
        return OptIn("")
    row = session.scalar(select(Subscriber).where(Subscriber.email == email))
    if row is not None and row.status == "suspended":
        return OptIn("")
    if row is not None and row.confirmed and row.status == "active":
        # Someone else may have typed this address: tell the owner, change nothing.
        return OptIn("already", row.id, row.email, row.name, row.language)
    row, _ = add_subscriber(session, replace(data, email=email, confirmed=False), now)
    token = issue_token(session, purpose=CONFIRM_PURPOSE, subscriber=row, now=now, ttl=CONFIRM_TTL)
    return OptIn("confirm", row.id, row.email, row.name, row.language, token)


def confirm_subscription(session: Session, token: str, now: datetime) -> Subscriber | None:
    """Use a confirmation token: the subscriber becomes active. None when the token is not live."""
    row = redeem_token(session, token, CONFIRM_PURPOSE, now)
    if row is None or row.status == "deleted":
        return None
    row.confirmed = True
    row.confirmed_at = now
    row.status = "active"
    row.unsubscribed_at = None
    lift_suppression(session, row.email, LIFTED_BY_CONSENT)
    record_audit(session, actor="subscriber", action="subscriber:confirm", target_type="subscriber",
                 target_id=row.id, now=now)
    return row


def start_imported_opt_in(session: Session, row: Subscriber, now: datetime) -> OptIn:
    """A confirmation for someone staff imported without their recorded consent."""
    token = issue_token(session, purpose=CONFIRM_PURPOSE, subscriber=row, now=now, ttl=CONFIRM_TTL)
    return OptIn("confirm", row.id, row.email, row.name, row.language, token)
