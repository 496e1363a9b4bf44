"""Choosing calls for one subscriber: profile from their preferences, scoring by `matching`, ranking."""
from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Iterable

from matching import MatchItem, Profile, score_profile

from digests.records import DigestItem

# What each audience gets when a subscriber has not picked kinds themselves (issue 5, "Audiences").
ROLE_KINDS: dict[str, tuple[str, ...]] = {
    "student": ("scholarship", "exchange", "training"),
    "faculty": ("research_funding", "fellowship", "exchange", "conference", "training"),
    "staff": (),  # staff see every kind
}


def profile_of(subscriber) -> Profile:
    """The matching profile of a Subscriber row: their fields, levels, kinds (or their role's), language."""
    kinds = tuple(subscriber.kinds or ()) or ROLE_KINDS.get(subscriber.role or "student", ())
    return Profile(
        disciplines=tuple(subscriber.disciplines or ()),
        levels=tuple(subscriber.levels or ()),
        kinds=kinds,
        language=subscriber.language or "en",
    )


def match_item_of(opportunity) -> MatchItem:
    """What `matching` needs to know about an Opportunity row."""
    return MatchItem(
        title=opportunity.title or "",
        disciplines=tuple(opportunity.disciplines or ()),
        levels=tuple(opportunity.levels or ()),
        kind=opportunity.kind or None,
        palestinian_eligible=opportunity.palestinian_eligible,
        regions=tuple(opportunity.regions or ()),
        deadline_at=opportunity.deadline_at,
        deadline_kind=opportunity.deadline_kind or "unknown",
    )


def select_items(subscriber, opportunities: Iterable, *, now: datetime, limit: int | None = None) -> list[DigestItem]:
    """Approved, open calls that match the subscriber, featured first, then by score, then by deadline."""
    profile = profile_of(subscriber)
    rows = (row for row in opportunities if _is_open(row, now) and _is_wanted_kind(profile, row))
    chosen = [item for item in (_score(profile, row, now) for row in rows) if item]
    chosen.sort(key=_rank)
    return chosen[:limit] if limit is not None else chosen


def select_closing_soon(
    subscriber, opportunities: Iterable, sent_ids: set[int], *, now: datetime, days: int,
) -> list[DigestItem]:
    """Calls already sent to this subscriber that still fit them and close within `days`, soonest first."""
    horizon = now + timedelta(days=days)
    rows = [row for row in opportunities
            if row.id in sent_ids and row.deadline_at is not None and now <= row.deadline_at <= horizon]
    items = select_items(subscriber, rows, now=now)
    return sorted(items, key=lambda item: (item.deadline_at, item.opportunity_id))


def _is_wanted_kind(profile: Profile, opportunity) -> bool:
    """Kinds are the audience rule (a student is not mailed research grants); a call of unknown kind goes to all."""
    kind = opportunity.kind or "other"
    return not profile.kinds or kind == "other" or kind in profile.kinds


def _is_open(opportunity, now: datetime) -> bool:
    if opportunity.status != "approved" or getattr(opportunity, "merged_into_id", None) is not None:
        return False
    return opportunity.deadline_at is None or opportunity.deadline_at >= now


def _score(profile: Profile, opportunity, now: datetime) -> DigestItem | None:
    match = score_profile(profile, match_item_of(opportunity), now=now)
    if match is None:
        return None
    return DigestItem(
        opportunity_id=opportunity.id,
        title=opportunity.title or "",
        url=opportunity.url or "",
        provider=opportunity.provider or "",
        kind=opportunity.kind or "other",
        levels=tuple(opportunity.levels or ()),
        disciplines=tuple(opportunity.disciplines or ()),
        deadline_at=opportunity.deadline_at,
        deadline_kind=opportunity.deadline_kind or "unknown",
        deadline_tz=opportunity.deadline_tz,
        featured=bool(opportunity.featured),
        score=float(match.score),
        reasons=tuple(str(reason) for reason in match.reasons),
        reason_details=tuple((reason.key, tuple(reason.params)) for reason in getattr(match, "details", ())),
    )


def _rank(item: DigestItem) -> tuple:
    deadline = item.deadline_at.timestamp() if item.deadline_at else math.inf
    return (not item.featured, -item.score, deadline, item.opportunity_id)
