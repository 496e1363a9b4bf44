"""Signed links for one subscriber (unsubscribe, preferences): HMAC over id, purpose and token_nonce.

A token is "<id>.<nonce>.<signature>". Bumping Subscriber.token_nonce revokes every link sent
before; links never expire otherwise, because RFC 8058 one-click unsubscribe must keep working
in old mail.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re

from fursa.digests.errors import TokenError

PURPOSES = ("unsubscribe", "preferences")
_TOKEN = re.compile(r"^(\d{1,12})\.(\d{1,9})\.([A-Za-z0-9_-]{20,64})$")


def make_subscriber_token(subscriber, purpose: str, secret_key: str) -> str:
    """A URL-safe token naming `subscriber` for `purpose`; only the holder of `secret_key` can make one."""
    _check_purpose(purpose)
    nonce = subscriber.token_nonce or 0
    return f"{subscriber.id}.{nonce}.{_sign(subscriber.id, nonce, purpose, secret_key)}"


def read_subscriber_token(token: str, purpose: str, secret_key: str, *, nonce: int | None = None) -> int:
    """The subscriber id a genuine token names; raises TokenError for anything forged or malformed.

    Pass the subscriber's current `nonce` (Subscriber.token_nonce) to also refuse revoked links;
    `verify_subscriber_token` does both steps for a loaded row.
    """
    _check_purpose(purpose)
    found = _TOKEN.match(token.strip()) if isinstance(token, str) else None
    if found is None:
        raise TokenError("this link is incomplete or damaged; copy the whole link from the e-mail")
    subscriber_id, token_nonce, signature = int(found[1]), int(found[2]), found[3]
    expected = _sign(subscriber_id, token_nonce, purpose, secret_key)
    if not hmac.compare_digest(signature, expected):
        raise TokenError(f"this {purpose} link is not valid (wrong signature); use the link from your latest e-mail")
    if nonce is not None and token_nonce != nonce:
        raise TokenError(f"this {purpose} link was replaced by a newer one; use the link from your latest e-mail")
    return subscriber_id


def verify_subscriber_token(token: str, subscriber, purpose: str, secret_key: str) -> None:
    """Raise TokenError unless `token` is a current `purpose` link for this very subscriber row."""
    subscriber_id = read_subscriber_token(token, purpose, secret_key, nonce=subscriber.token_nonce or 0)
    if subscriber_id != subscriber.id:
        raise TokenError(f"this {purpose} link belongs to another subscriber")


def _sign(subscriber_id: int, nonce: int, purpose: str, secret_key: str) -> str:
    message = f"fursa-subscriber:{purpose}:{subscriber_id}:{nonce}".encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def _check_purpose(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise ValueError(f"token purpose {purpose!r} is not one of {PURPOSES}")
