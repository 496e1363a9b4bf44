"""Single-use tokens (subscription confirmation): only their hash is stored."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fursa.storage.models import Subscriber, Token


def issue_token(session: Session, *, purpose: str, subscriber: Subscriber, now: datetime, ttl: timedelta) -> str:
    """A new single-use token; only its hash is stored, the clear value goes into the e-mail."""
    raw = secrets.token_urlsafe(32)
    session.add(Token(purpose=purpose, token_hash=_token_hash(raw), subscriber_id=subscriber.id,
                      created_at=now, expires_at=now + ttl))
    session.flush()
    return raw


def find_token(session: Session, raw: str, purpose: str, now: datetime) -> Token | None:
    """The live token for `raw` (right purpose, unused, unexpired), or None; nothing is changed."""
    if not raw or len(raw) > 200:
        return None
    token = session.scalar(select(Token).where(Token.token_hash == _token_hash(raw), Token.purpose == purpose))
    if token is None or token.used_at is not None or token.expires_at <= now:
        return None
    return token


def redeem_token(session: Session, raw: str, purpose: str, now: datetime) -> Subscriber | None:
    """Use a token once: returns its subscriber and marks it used, or None if it is not live."""
    token = find_token(session, raw, purpose, now)
    if token is None or token.subscriber_id is None:
        return None
    token.used_at = now
    return session.get(Subscriber, token.subscriber_id)


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()
