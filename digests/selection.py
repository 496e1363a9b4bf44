"""Choosing calls for one subscriber: profile from their preferences, scoring by `matching`, ranking."""
from __future__ import annotations

import math
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Iterable

from matching import Match, MatchItem, Profile, score_profile

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
    scored = [(row, match) for row in opportunities if _is_open(row, now) and _is_wanted_kind(profile, row)
              for match in (_cached_score(profile, match_item_of(row), now),) if match is not None]
    scored.sort(key=_rank)
    return [_digest_item(row, match) for row, match in scored[:limit]]


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


@lru_cache(maxsize=65536)
def _cached_score(profile: Profile, item: MatchItem, now: datetime) -> Match | None:
    """score_profile, remembered: students of one programme share a profile, so a run scores each pair once."""
    return score_profile(profile, item, now=now)


def _digest_item(opportunity, match: Match) -> DigestItem:
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


def _rank(pair: tuple) -> tuple:
    row, match = pair
    deadline = row.deadline_at.timestamp() if row.deadline_at else math.inf
    return (not row.featured, -match.score, deadline, row.id)
