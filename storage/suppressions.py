"""Suppressions, the do-not-mail list: addresses never to be mailed again, kept only as a hash.

The rules about who may bring an address back live here, once, for every door:
- staff (the `fursa subscribers` commands, the desk's CSV import) never add back a suppressed
  address; `refuse_suppressed` says why, in words to pass on;
- the person themselves may, by subscribing on the public form and confirming, but only when
  they asked to leave (`LIFTED_BY_CONSENT`); a bounce or a complaint stays until staff act.
"""
from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fursa.storage.errors import SuppressedAddressError
from fursa.storage.models import Suppression
from fursa.storage.subscribers import normalize_email

# Suppressions a person lifts by confirming again; bounces and complaints stay until staff act.
LIFTED_BY_CONSENT = ("deleted", "unsubscribed")


def email_hash(email: str) -> str:
    """The suppression key of an address: SHA-256 of its normalized form, so the address itself is gone."""
    return hashlib.sha256(normalize_email(email).encode("utf-8")).hexdigest()


def suppression_of(session: Session, email: str) -> Suppression | None:
    return session.scalar(select(Suppression).where(Suppression.email_hash == email_hash(email)))


def refuse_suppressed(session: Session, email: str) -> None:
    """Raise SuppressedAddressError when staff try to add an address on the do-not-mail list.

    `email` must be a valid address (normalize_email raises InvalidSubscriberError otherwise).
    """
    found = suppression_of(session, email)
    if found is not None:
        raise SuppressedAddressError(
            f"{normalize_email(email)} is on the do-not-mail list (reason: {found.reason}); the person can "
            "subscribe again on the public form, which asks them to confirm")


def blocks_request(found: Suppression | None) -> bool:
    """Whether a suppression keeps a public subscription request from mailing the address at all."""
    return found is not None and found.reason not in LIFTED_BY_CONSENT


def suppress(session: Session, email: str, reason: str, now: datetime) -> Suppression:
    """Keep `email` from ever being mailed again, remembering only its hash (idempotent)."""
    found = suppression_of(session, email)
    if found is None:
        found = Suppression(email_hash=email_hash(email), reason=reason, created_at=now)
        session.add(found)
    return found


def lift_suppression(session: Session, email: str) -> bool:
    """Forget a suppression the person may lift by confirming again (`LIFTED_BY_CONSENT`); bounces stay."""
    found = suppression_of(session, email)
    if found is None or found.reason not in LIFTED_BY_CONSENT:
        return False
    session.delete(found)
    return True
