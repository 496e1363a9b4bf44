"""Links that count reach without following people: the call links of an e-mail, and "I applied".

A call link goes through the public site's redirect (`/r/<token>`). The token carries the call, the
mailing it came in, that mailing's month and the reader's segment (college, level, role), signed
with the secret key; it names the person only for a subscriber who chose "count my clicks
personally". A subscriber who chose "do not count my clicks" gets the funder's link itself, so no
request of theirs reaches Fursa at all. Links older than LINK_MONTHS months still lead to the
call list but count nothing.

"I applied" is a signed link per (person, call), like "I intend to apply": the person is needed to
count one report once. What is stored is the report in the segment, and a keyed one-way mark of
(person, call) (`applied_mark`); the person's id only when they opted in.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Sequence
from zoneinfo import ZoneInfo

from fursa.matching import college_of, load_taxonomy
from fursa.storage import COUNT_OFF, COUNT_PERSONAL, LEVELS, ROLES, ReachSegment

from fursa.digests.config import DeliveryConfig
from fursa.digests.errors import TokenError

LINK_MONTHS = 13   # a link in a mail older than this counts nothing (the call has long closed)
_CLICK = re.compile(r"^([A-Za-z0-9_-]{8,400})\.([A-Za-z0-9_-]{20,64})$")
_APPLIED = re.compile(r"^(\d{1,12})\.(\d{1,12})\.(\d{1,9})\.([A-Za-z0-9_-]{20,64})$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_SLUG = re.compile(r"^[a-z0-9_]{0,40}$")
_MAILING = re.compile(r"^[A-Za-z0-9_:.-]{1,60}$")


@dataclass(frozen=True)
class ClickLink:
    """What a genuine call link says: which call, from which mailing and month, for which segment;
    `person` and `nonce` only when the reader asked to be counted personally."""

    opportunity_id: int
    mailing: str
    month: str
    segment: ReachSegment
    person: int | None = None
    nonce: int | None = None


@dataclass(frozen=True)
class AppliedLink:
    """Who (subscriber id) reports having applied to which call, as a genuine link names them."""

    subscriber_id: int
    opportunity_id: int
    nonce: int


@lru_cache(maxsize=1)
def _taxonomy():
    return load_taxonomy()


def segment_of(subscriber) -> ReachSegment:
    """The subscriber's segment: the college their fields point to (matching.college_of), the highest
    level they chose ("" for none) and their role."""
    levels = [level for level in LEVELS if level in (subscriber.levels or ())]
    role = subscriber.role if subscriber.role in ROLES else ""
    return ReachSegment(_college(tuple(subscriber.disciplines or ())), levels[-1] if levels else "", role)


@lru_cache(maxsize=4096)   # a run asks for the same few hundred profiles once per call of each digest
def _college(codes: tuple[str, ...]) -> str:
    return college_of(codes, _taxonomy())


@lru_cache(maxsize=64)   # a run has one `now`
def reach_month(now: datetime, zone: ZoneInfo) -> str:
    """The month ("YYYY-MM") an instant falls in, in the configured zone."""
    return f"{now.astimezone(zone):%Y-%m}"


def months_between(earlier: str, later: str) -> int:
    return (int(later[:4]) - int(earlier[:4])) * 12 + int(later[5:7]) - int(earlier[5:7])


def tracked_link(subscriber, opportunity_id: int, *, url: str, mailing: str, now: datetime,
                 config: DeliveryConfig) -> str:
    """The link an e-mail gives for call `opportunity_id`: the counting redirect, or `url` unchanged
    for a reader who chose not to be counted. `mailing` names the e-mail (a digest period such as
    "weekly:2026-W49", "reminder", "announcement:12"); the month is `now`'s, in the configured zone.
    Every e-mail that links to a call should make its link here."""
    if getattr(subscriber, "reach_counting", None) == COUNT_OFF:
        return url
    personal = getattr(subscriber, "reach_counting", None) == COUNT_PERSONAL
    link = ClickLink(opportunity_id, mailing, reach_month(now, config.zone), segment_of(subscriber),
                     subscriber.id if personal else None, (subscriber.token_nonce or 0) if personal else None)
    return f"{config.public_base_url.rstrip('/')}/r/{make_click_token(link, config.secret_key)}"


def digest_links(subscriber, calls: Sequence[tuple[int, str]], *, mailing: str, now: datetime,
                 config: DeliveryConfig) -> tuple[tuple[tuple[int, str], ...], tuple[tuple[int, str], ...]]:
    """tracked_link and applied_link for each (call id, url) of one e-mail, the segment worked out once:
    ((call id, link to the call) for calls with a url, (call id, "I applied" link))."""
    counting = getattr(subscriber, "reach_counting", None)
    if counting == COUNT_OFF:
        return tuple((call, url) for call, url in calls if url), ()
    base = config.public_base_url.rstrip("/")
    personal = counting == COUNT_PERSONAL
    month, segment = reach_month(now, config.zone), segment_of(subscriber)
    person, nonce = (subscriber.id, subscriber.token_nonce or 0) if personal else (None, None)
    read = tuple((call, f"{base}/r/{make_click_token(ClickLink(call, mailing, month, segment, person, nonce), config.secret_key)}")
                 for call, url in calls if url)
    applied = tuple((call, f"{base}/applied/{make_applied_token(subscriber, call, config.secret_key)}")
                    for call, _ in calls)
    return read, applied


@lru_cache(maxsize=16384)   # a segment's readers share their links: one signature per call, segment and run
def make_click_token(link: ClickLink, secret_key: str) -> str:
    """The URL-safe token of a call link; only the holder of `secret_key` can make one."""
    if not _MAILING.match(link.mailing):
        raise ValueError(f"mailing name {link.mailing!r} must be 1-60 letters, digits and : . _ -")
    segment = link.segment
    fields = (str(link.opportunity_id), link.mailing, link.month, segment.college, segment.level, segment.role,
              "" if link.person is None else str(link.person), "" if link.nonce is None else str(link.nonce))
    payload = base64.urlsafe_b64encode("~".join(fields).encode()).decode().rstrip("=")
    return f"{payload}.{_sign('click', payload, secret_key)}"


def read_click_token(token: str, secret_key: str, *, now_month: str) -> ClickLink:
    """What a genuine, current call link says; raises TokenError for anything forged, altered, cut
    short or older than LINK_MONTHS months."""
    found = _CLICK.match(token.strip()) if isinstance(token, str) else None
    if found is None:
        raise TokenError("this link is incomplete or damaged; copy the whole link from the e-mail")
    if not hmac.compare_digest(found[2], _sign("click", found[1], secret_key)):
        raise TokenError("this link is not valid (wrong signature); use the link from your e-mail")
    link = _decode(found[1])
    if months_between(link.month, now_month) > LINK_MONTHS:
        raise TokenError(f"this link is from {link.month}, more than {LINK_MONTHS} months ago; it counts nothing now")
    return link


def _decode(payload: str) -> ClickLink:
    try:
        text = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise TokenError("this link is damaged; copy the whole link from the e-mail") from None
    parts = text.split("~")
    # A signed token holds what make_click_token wrote; checked anyway, so a leaked key cannot inject values.
    if (len(parts) != 8 or not parts[0].isdigit() or not _MAILING.match(parts[1]) or not _MONTH.match(parts[2])
            or not all(_SLUG.match(part) for part in parts[3:6])
            or not all(part == "" or part.isdigit() for part in parts[6:])):
        raise TokenError("this link is damaged; copy the whole link from the e-mail")
    person = int(parts[6]) if parts[6] else None
    nonce = int(parts[7]) if parts[7] else None
    return ClickLink(int(parts[0]), parts[1], parts[2], ReachSegment(*parts[3:6]), person, nonce)


def applied_link(subscriber, opportunity_id: int, config: DeliveryConfig) -> str:
    """The signed "I applied" link for one call, or '' for a reader who chose not to be counted."""
    if getattr(subscriber, "reach_counting", None) == COUNT_OFF:
        return ""
    return f"{config.public_base_url.rstrip('/')}/applied/{make_applied_token(subscriber, opportunity_id, config.secret_key)}"


def make_applied_token(subscriber, opportunity_id: int, secret_key: str) -> str:
    nonce = subscriber.token_nonce or 0
    return f"{subscriber.id}.{opportunity_id}.{nonce}.{_sign('applied', f'{subscriber.id}:{opportunity_id}:{nonce}', secret_key)}"


def read_applied_token(token: str, secret_key: str) -> AppliedLink:
    """What a genuine "I applied" token names; raises TokenError for anything forged, altered or cut short."""
    found = _APPLIED.match(token.strip()) if isinstance(token, str) else None
    if found is None:
        raise TokenError("this link is incomplete or damaged; copy the whole link from the e-mail")
    link = AppliedLink(int(found[1]), int(found[2]), int(found[3]))
    expected = _sign("applied", f"{link.subscriber_id}:{link.opportunity_id}:{link.nonce}", secret_key)
    if not hmac.compare_digest(found[4], expected):
        raise TokenError("this link is not valid (wrong signature); use the link from your latest e-mail")
    return link


def verify_applied_token(link: AppliedLink, subscriber) -> None:
    """Raise TokenError unless the link is current for this subscriber row (not revoked by a newer nonce)."""
    if subscriber.id != link.subscriber_id or (subscriber.token_nonce or 0) != link.nonce:
        raise TokenError("this link was replaced by a newer one; use the link from your latest e-mail")


def applied_mark(subscriber_id: int, opportunity_id: int, secret_key: str) -> str:
    """A one-way key of (person, call) for storage.record_applied: the same person and call give the same
    mark, and without the secret key it names no one."""
    return _sign("applied-mark", f"{subscriber_id}:{opportunity_id}", secret_key)


def _sign(purpose: str, message: str, secret_key: str) -> str:
    digest = hmac.new(secret_key.encode(), f"fursa-reach:{purpose}:{message}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")
