"""Suppressions: addresses never to be mailed again, kept only as a hash."""
from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from fursa.storage.models import Suppression
from fursa.storage.subscribers import normalize_email


def email_hash(email: str) -> str:
    """The suppression key of an address: SHA-256 of its normalized form, so the address itself is gone."""
    return hashlib.sha256(normalize_email(email).encode("utf-8")).hexdigest()


def suppression_of(session: Session, email: str) -> Suppression | None:
    return session.scalar(select(Suppression).where(Suppression.email_hash == email_hash(email)))


def suppress(session: Session, email: str, reason: str, now: datetime) -> Suppression:
    """Keep `email` from ever being mailed again, remembering only its hash (idempotent)."""
    found = suppression_of(session, email)
    if found is None:
        found = Suppression(email_hash=email_hash(email), reason=reason, created_at=now)
        session.add(found)
    return found


def lift_suppression(session: Session, email: str, reasons: Sequence[str]) -> bool:
    """Forget a suppression made for one of `reasons` (a person opting in again); bounces stay."""
    found = suppression_of(session, email)
    if found is None or found.reason not in reasons:
        return False
    session.delete(found)
    return True
