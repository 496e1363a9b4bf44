"""Signed links to a subscriber's own list ("My list", issue 16.4), which expire.

A token is "<subscriber id>.<nonce>.<last day>.<signature>": HMAC over the id, the subscriber's
token_nonce (bumping it revokes every link, as for digests.tokens), the last day the link works (a UTC
date, as a day number) and its purpose. Unlike the unsubscribe link, which must work in old mail
for ever (RFC 8058), a list link opens a person's saved calls and can change their profile, so it ends:
`LIST_LINK_DAYS` after the e-mail that carried it. Every digest and reminder carries a fresh one.

The same format, with purpose "browser", is the value of the cookie that lets a browser that opened
the list save calls from the public pages (`BROWSER_DAYS`).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from fursa.digests.errors import TokenError

LIST_LINK_DAYS = 60    # a link in an e-mail: two months of weekly digests, each with a fresh one
BROWSER_DAYS = 30      # the cookie: an application season on one's own phone, not for ever on a shared computer
TELEGRAM_DAYS = 2      # the "start" link to the bot: used at once, from the list page that made it
PURPOSES = ("list", "browser", "telegram")
_TOKEN = re.compile(r"^(\d{1,12})\.(\d{1,9})\.(\d{6,7})\.([A-Za-z0-9_-]{20,64})$")


class ExpiredLinkError(TokenError):
    """Raised by read_list_token for a genuine link past its last day; names whose it is, so the page
    can offer to e-mail that person a fresh one."""

    def __init__(self, subscriber_id: int, last_day: date):
        self.subscriber_id = subscriber_id
        self.last_day = last_day
        super().__init__(f"this link to your list expired after {last_day.isoformat()}; ask for a fresh one")


@dataclass(frozen=True)
class ListLink:
    """Whose list a genuine, unexpired link opens, with the nonce it was made under and its last day."""

    subscriber_id: int
    nonce: int
    last_day: date


def make_list_token(subscriber, secret_key: str, now: datetime, *, purpose: str = "list",
                    days: int | None = None) -> str:
    """A token opening `subscriber`'s list until `days` (LIST_LINK_DAYS, or BROWSER_DAYS for a cookie) after `now`."""
    _check_purpose(purpose)
    days = days if days is not None else {"list": LIST_LINK_DAYS, "browser": BROWSER_DAYS}.get(purpose, TELEGRAM_DAYS)
    last = (now.astimezone(timezone.utc).date() + timedelta(days=days)).toordinal()
    nonce = subscriber.token_nonce or 0
    return f"{subscriber.id}.{nonce}.{last}.{_sign(subscriber.id, nonce, last, purpose, secret_key)}"


def read_list_token(token: str, secret_key: str, now: datetime, *, purpose: str = "list") -> ListLink:
    """What a genuine token names; TokenError for anything forged, altered or cut short, ExpiredLinkError
    (a TokenError) for a genuine one past its last day."""
    _check_purpose(purpose)
    found = _TOKEN.match(token.strip()) if isinstance(token, str) else None
    if found is None:
        raise TokenError("this link is incomplete or damaged; copy the whole link from the e-mail")
    subscriber_id, nonce, last = int(found[1]), int(found[2]), int(found[3])
    if not hmac.compare_digest(found[4], _sign(subscriber_id, nonce, last, purpose, secret_key)):
        raise TokenError("this link is not valid (wrong signature); use the link from your latest e-mail")
    last_day = date.fromordinal(last)
    if now.astimezone(timezone.utc).date() > last_day:
        raise ExpiredLinkError(subscriber_id, last_day)
    return ListLink(subscriber_id, nonce, last_day)


def verify_list_token(link: ListLink, subscriber) -> None:
    """Raise TokenError unless the link is current for this subscriber row (not revoked by a newer nonce)."""
    if subscriber.id != link.subscriber_id or (subscriber.token_nonce or 0) != link.nonce:
        raise TokenError("this link was replaced by a newer one; use the link from your latest e-mail")


def make_telegram_payload(subscriber, secret_key: str, now: datetime) -> str:
    """The `start` parameter of a t.me link that links the reader's Telegram chat to their list: a
    "telegram" token with "_" between its parts, as Telegram allows only A-Z, a-z, 0-9, _ and - there
    (64 characters at most; this is at most 63)."""
    return make_list_token(subscriber, secret_key, now, purpose="telegram", days=TELEGRAM_DAYS).replace(".", "_", 3)


def read_telegram_payload(payload: str, secret_key: str, now: datetime) -> ListLink:
    """What a `/start` payload names; TokenError (ExpiredLinkError when old) as read_list_token."""
    parts = payload.strip().split("_", 3) if isinstance(payload, str) else []
    return read_list_token(".".join(parts), secret_key, now, purpose="telegram")


def _sign(subscriber_id: int, nonce: int, last: int, purpose: str, secret_key: str) -> str:
    message = f"fursa-list:{purpose}:{subscriber_id}:{nonce}:{last}".encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def _check_purpose(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise ValueError(f"list link purpose {purpose!r} is not one of {PURPOSES}")
