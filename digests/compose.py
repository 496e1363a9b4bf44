"""Putting one subscriber's digest together: new calls, closing-soon reminders, signed links."""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from sqlalchemy.orm import Session
from fursa.storage import approved_open, get_subscriber
from fursa.storage import sent_item_ids

from fursa.digests.config import DeliveryConfig
from fursa.digests.periods import digest_period
from fursa.digests.records import Digest, RenderedDigest
from fursa.digests.render import render_digest
from fursa.digests.selection import OpenCalls
from fursa.digests.intent_links import make_intent_token
from fursa.digests.list_links import make_list_token
from fursa.digests.formatting import safe_url
from fursa.digests.reach_links import digest_links
from fursa.digests.tokens import make_subscriber_token


def compose_digest(
    subscriber, opportunities: OpenCalls | Sequence, *, sent_ids: set[int], period: str, now: datetime,
    config: DeliveryConfig, closing_soon: bool = True,
) -> Digest:
    """The digest for one subscriber: calls not mailed to them before, and reminders of mailed ones closing soon.

    A run passes one OpenCalls for every subscriber, so each profile is ranked once; a list of
    Opportunity rows (a preview) is ranked for this subscriber alone.
    """
    calls = opportunities if isinstance(opportunities, OpenCalls) else OpenCalls(opportunities, now=now)
    items = calls.select(subscriber, sent_ids=sent_ids, limit=config.max_items)
    closing = calls.closing_soon(subscriber, sent_ids, days=config.closing_soon_days) if closing_soon else []
    base = config.public_base_url.rstrip("/")
    unsubscribe = make_subscriber_token(subscriber, "unsubscribe", config.secret_key)
    preferences = make_subscriber_token(subscriber, "preferences", config.secret_key)
    links = digest_links(subscriber, [(item.opportunity_id, safe_url(item.url))
                                      for item in (*items, *closing[: config.max_items])],
                         mailing=period, now=now, config=config)
    return Digest(
        subscriber_id=subscriber.id,
        email=subscriber.email,
        name=subscriber.name or "",
        language=subscriber.language or "en",
        role=subscriber.role or "student",
        period=period,
        generated_at=now,
        items=tuple(items),
        closing_soon=tuple(closing[: config.max_items]),
        disciplines=tuple(subscriber.disciplines or ()),
        levels=tuple(subscriber.levels or ()),
        kinds=tuple(subscriber.kinds or ()),
        unit=getattr(subscriber, "unit", "") or "",
        unsubscribe_url=f"{base}/unsubscribe/{unsubscribe}",
        preferences_url=f"{base}/preferences/{preferences}",
        unsubscribe_token=unsubscribe,
        intent_urls=_intent_urls(subscriber, (*items, *closing), base, config.secret_key),
        list_url=f"{base}/my/{make_list_token(subscriber, config.secret_key, now)}",
        read_urls=links[0],
        applied_urls=links[1],
    )


def _intent_urls(subscriber, items, base: str, secret_key: str) -> tuple[tuple[int, str], ...]:
    """Signed "I intend to apply" links for the limited calls of a faculty member's digest."""
    if subscriber.role != "faculty":
        return ()
    return tuple((item.opportunity_id, f"{base}/intent/{make_intent_token(subscriber, item.opportunity_id, secret_key)}")
                 for item in items if item.slots)


def preview_digest(session: Session, email: str, *, now: datetime, config: DeliveryConfig) -> RenderedDigest:
    """What `email` would get (or got) for the current period; sends nothing and writes nothing."""
    subscriber = get_subscriber(session, email)
    period = digest_period(now, config)
    sent = sent_item_ids(session, exclude_period=period).get(subscriber.id, set())
    digest = compose_digest(subscriber, approved_open(session, now), sent_ids=sent, period=period,
                            now=now, config=config)
    return render_digest(digest, config)
