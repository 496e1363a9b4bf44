"""Signed "I intend to apply" links: HMAC over subscriber id, call id and the subscriber's token_nonce.

A token is "<subscriber id>.<call id>.<nonce>.<signature>", made like the unsubscribe and
preferences links (digests.tokens): no login, the signature is the authority, and bumping
Subscriber.token_nonce revokes it with the others.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

from fursa.digests.errors import TokenError

_TOKEN = re.compile(r"^(\d{1,12})\.(\d{1,12})\.(\d{1,9})\.([A-Za-z0-9_-]{20,64})$")


@dataclass(frozen=True)
class IntentLink:
    """Who (subscriber id) says they intend to apply to which call (opportunity id), as a genuine link names them."""

    subscriber_id: int
    opportunity_id: int
    nonce: int


def make_intent_token(subscriber, opportunity_id: int, secret_key: str) -> str:
    """A URL-safe token for `subscriber` to say they intend to apply to call `opportunity_id`."""
    nonce = subscriber.token_nonce or 0
    return f"{subscriber.id}.{opportunity_id}.{nonce}.{_sign(subscriber.id, opportunity_id, nonce, secret_key)}"


def read_intent_token(token: str, secret_key: str) -> IntentLink:
    """What a genuine token names; raises TokenError for anything forged, altered or cut short."""
    found = _TOKEN.match(token.strip()) if isinstance(token, str) else None
    if found is None:
        raise TokenError("this link is incomplete or damaged; copy the whole link from the e-mail")
    link = IntentLink(int(found[1]), int(found[2]), int(found[3]))
    expected = _sign(link.subscriber_id, link.opportunity_id, link.nonce, secret_key)
    if not hmac.compare_digest(found[4], expected):
        raise TokenError("this link is not valid (wrong signature); use the link from your latest e-mail")
    return link


def verify_intent_token(link: IntentLink, subscriber) -> None:
    """Raise TokenError unless the link is current for this subscriber row (not revoked by a newer nonce)."""
    if subscriber.id != link.subscriber_id or (subscriber.token_nonce or 0) != link.nonce:
        raise TokenError("this link was replaced by a newer one; use the link from your latest e-mail")


def _sign(subscriber_id: int, opportunity_id: int, nonce: int, secret_key: str) -> str:
    message = f"fursa-intent:{subscriber_id}:{opportunity_id}:{nonce}".encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")
