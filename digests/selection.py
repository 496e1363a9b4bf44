"""Choosing calls for one subscriber: profile from their preferences, scoring by `matching`, ranking.

A run mails thousands of subscribers but they share a few hundred profiles (students of one
programme and level), so `OpenCalls` scores and ranks every call once per distinct profile and
keeps the ranking; a subscriber's digest is then that ranking minus what they were already sent.
Dropping items from a list ranked by a total order keeps the rest in order, so this gives exactly
what ranking the subscriber's own fresh calls would.
"""
from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Collection, Iterable

from fursa.matching import CallDetails
from fursa.matching import CallIndex, Match, MatchItem, ProfileTerm, Profile, ResearchProfile, score_profile
from fursa.storage import CLOSING_ZONE

from fursa.digests.records import DigestItem

# What each audience gets when a subscriber has not picked kinds themselves (issue 5, "Audiences").
# Admission notices are for (future) students; academic vacancies for faculty and researchers (a
# funded PhD place reads as a scholarship, so students still get those).
ROLE_KINDS: dict[str, tuple[str, ...]] = {
    "student": ("scholarship", "exchange", "training", "admission"),
    "faculty": ("research_funding", "fellowship", "exchange", "conference", "training", "job"),
    "staff": (),  # staff see every kind of the calls for staff (matching.fits_audience)
}
# Rankings kept per run: a few hundred profiles in practice; the bound caps memory if every
# subscriber had a profile of their own (each ranking holds the calls that fit, a few hundred at most).
RANKINGS_KEPT = 1024


def profile_of(subscriber) -> Profile:
    """The matching profile of a Subscriber row: their fields, levels, kinds (or their role's), language."""
    kinds = tuple(subscriber.kinds or ()) or ROLE_KINDS.get(subscriber.role or "student", ())
    research = research_of(subscriber)
    return Profile(
        # a research profile's fields are the faculty member's fields too (issue 15.1)
        disciplines=tuple(dict.fromkeys([*(subscriber.disciplines or ()), *(research.fields if research else ())])),
        levels=tuple(subscriber.levels or ()),
        kinds=kinds,
        language=subscriber.language or "en",
        audience=subscriber.role or "student",
        # Fursa serves a Palestinian university and keeps no nationality (DESIGN.md: nothing more
        # personal), so every subscriber is taken as Palestinian: a call that shuts Palestinians
        # out is never mailed.
        palestinian=True,
    )


def research_of(subscriber) -> ResearchProfile | None:
    """A faculty member's stored research profile as matching reads it; None without one (or for others).
    Plain stand-ins for rows (bench/digests.py) have no `research_profile` at all."""
    row = getattr(subscriber, "research_profile", None) if getattr(subscriber, "role", None) == "faculty" else None
    if row is None or not row.terms:
        return None
    return ResearchProfile(fields=tuple(row.fields or ()), ford=tuple(row.ford or ()),
                           terms=tuple(ProfileTerm(term, float(weight), label) for term, weight, label in row.terms))


def research_text_of(opportunity) -> tuple[int, str, str, str]:
    """What a call's research terms are read from: id, title, summary, text (references, joined only if a
    research profile is in the run)."""
    summary, text = getattr(opportunity, "summary", "") or "", getattr(opportunity, "text", "") or ""   # stand-ins lack them
    return opportunity.id, opportunity.title or "", summary, text


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
        excluded=_excluded_of(opportunity),
        audiences=tuple(getattr(opportunity, "audiences", None) or ()),   # bench/digests.py's stand-ins lack it
    )


def _excluded_of(opportunity) -> tuple[str, ...]:
    """The fields an "all fields except …" call leaves out; plain stand-ins for rows (bench/digests.py
    builds them) may not have the attribute at all, which means none."""
    return tuple(getattr(opportunity, "excluded", None) or ())


@dataclass(frozen=True)
class _Candidate:
    """An open call as plain values, read once from its row: ORM attribute access is slow at this scale."""

    id: int
    kind: str
    featured: bool
    deadline_at: datetime | None
    match_item: MatchItem
    shown: DigestItem  # the display fields; score and reasons are filled in per profile


class OpenCalls:
    """The approved, open calls of one run, scored and ranked once per distinct profile."""

    def __init__(self, opportunities: Iterable, *, now: datetime):
        self.now = now
        rows = [row for row in opportunities if _is_open(row, now)]
        self._candidates = [_candidate_of(row) for row in rows]
        self._rankings: OrderedDict[Profile, tuple[DigestItem, ...]] = OrderedDict()
        # Read only when a faculty member with a research profile is in the run (built on first use).
        self._research_texts = [research_text_of(row) for row in rows]
        self._research_index: CallIndex | None = None

    @property
    def ids(self) -> frozenset[int]:
        """The ids of the open calls: the only ones a digest of this run can name."""
        return frozenset(candidate.id for candidate in self._candidates)

    def ranking(self, profile: Profile) -> tuple[DigestItem, ...]:
        """Every call that fits `profile`: partner calls first, then featured, then by score, then by deadline, then by id."""
        ranked = self._rankings.get(profile)
        if ranked is None:
            ranked = self._rankings[profile] = self._rank(profile)
            if len(self._rankings) > RANKINGS_KEPT:
                self._rankings.popitem(last=False)
        else:
            self._rankings.move_to_end(profile)
        return ranked

    def _rank(self, profile: Profile) -> tuple[DigestItem, ...]:
        scored = [(candidate, match) for candidate in self._candidates if _is_wanted_kind(profile, candidate.kind)
                  for match in (score_profile(profile, candidate.match_item, now=self.now),) if match is not None]
        scored.sort(key=_rank)
        return tuple(_digest_item(candidate, match) for candidate, match in scored)

    def select(self, subscriber, *, sent_ids: Collection[int] = (), limit: int | None = None) -> list[DigestItem]:
        """The subscriber's best calls not in `sent_ids`, at most `limit`."""
        fresh = []
        ranking = self.ranking(profile_of(subscriber))
        research = research_of(subscriber)
        if research is not None:
            ranking = self.research_order(research, ranking)
        for item in ranking:
            if item.opportunity_id not in sent_ids:
                fresh.append(item)
                if limit is not None and len(fresh) >= limit:
                    break
        return fresh

    def research_order(self, research: ResearchProfile, ranking: tuple[DigestItem, ...]) -> list[DigestItem]:
        """`ranking` with the calls that share the research profile's words first, most similar first, each
        with the "shares: …" reason before its others; the rest follow in their order."""
        if self._research_index is None:
            self._research_index = CallIndex((id_, title, f"{summary}\n{text}")
                                             for id_, title, summary, text in self._research_texts)
        matches = self._research_index.matches(research, [item.opportunity_id for item in ranking])
        sharing = sorted((item for item in ranking if matches[item.opportunity_id].shared),
                         key=lambda item: -matches[item.opportunity_id].score)   # stable: ties keep their order
        shown = [_with_research_reason(item, matches[item.opportunity_id].reason()) for item in sharing]
        return shown + [item for item in ranking if not matches[item.opportunity_id].shared]

    def closing_soon(self, subscriber, sent_ids: Collection[int], *, days: int) -> list[DigestItem]:
        """Calls already sent to this subscriber that still fit them and close within `days`, soonest first."""
        if not sent_ids:
            return []
        items = [item for item in self.ranking(profile_of(subscriber))
                 if item.opportunity_id in sent_ids and _closes_within(item, self.now, days)]
        return sorted(items, key=lambda item: (item.deadline_at, item.opportunity_id))


def select_items(subscriber, opportunities: Iterable, *, now: datetime, limit: int | None = None) -> list[DigestItem]:
    """Approved, open calls that match the subscriber, featured first, then by score, then by deadline."""
    return OpenCalls(opportunities, now=now).select(subscriber, limit=limit)


def select_closing_soon(
    subscriber, opportunities: Iterable, sent_ids: set[int], *, now: datetime, days: int,
) -> list[DigestItem]:
    """Calls already sent to this subscriber that still fit them and close within `days`, soonest first."""
    return OpenCalls(opportunities, now=now).closing_soon(subscriber, sent_ids, days=days)


def _closes_within(item: DigestItem, now: datetime, days: int) -> bool:
    """Open, and its date (as every surface shows it) at most `days` calendar days ahead in Hebron, so a
    call the countdown says closes "in 7 days" is in a 7-day "closing soon"."""
    left = item.deadline.days_left(now, CLOSING_ZONE)
    return left is not None and left <= days


def _is_wanted_kind(profile: Profile, kind: str) -> bool:
    """Kinds are the audience rule (a student is not mailed research grants); a call of unknown kind goes to all."""
    return not profile.kinds or kind == "other" or kind in profile.kinds


def _is_open(opportunity, now: datetime) -> bool:
    if opportunity.status != "approved" or getattr(opportunity, "merged_into_id", None) is not None:
        return False
    return opportunity.deadline_at is None or opportunity.deadline_at >= now


def _candidate_of(opportunity) -> _Candidate:
    shown = DigestItem(
        opportunity_id=opportunity.id,
        title=opportunity.title or "",
        url=opportunity.url or "",
        provider=opportunity.provider or "",
        kind=opportunity.kind or "other",
        levels=tuple(opportunity.levels or ()),
        disciplines=tuple(opportunity.disciplines or ()),
        excluded=_excluded_of(opportunity),
        deadline_at=opportunity.deadline_at,
        deadline_kind=opportunity.deadline_kind or "unknown",
        deadline_tz=opportunity.deadline_tz,
        deadline_date=getattr(opportunity, "deadline_date", None),   # bench/digests.py's stand-ins lack it
        featured=bool(opportunity.featured),
        partner=bool(getattr(opportunity, "partnered", False)),   # bench/digests.py's stand-ins lack it
        details=CallDetails.from_dict(getattr(opportunity, "details", None)) or None,   # nor these
        **_limited_fields(getattr(opportunity, "limited", None)),
    )
    return _Candidate(id=shown.opportunity_id, kind=shown.kind, featured=shown.featured,
                      deadline_at=shown.deadline_at, match_item=match_item_of(opportunity), shown=shown)


def _limited_fields(limited) -> dict:
    """A limited submission's slots and internal deadline for its DigestItem; nothing for an ordinary call."""
    if limited is None:
        return {}
    return {"slots": limited.slots, "internal_at": limited.internal_at, "internal_tz": limited.internal_tz,
            "internal_date": limited.internal_date}


def _digest_item(candidate: _Candidate, match: Match) -> DigestItem:
    return replace(
        candidate.shown,
        score=float(match.score),
        reasons=tuple(str(reason) for reason in match.reasons),
        reason_details=tuple((reason.key, tuple(reason.params)) for reason in getattr(match, "details", ())),
    )


def _with_research_reason(item: DigestItem, reason) -> DigestItem:
    return replace(item, reasons=(reason.text(), *item.reasons),
                   reason_details=((reason.key, tuple(reason.params)), *item.reason_details))


def _rank(pair: tuple) -> tuple:
    candidate, match = pair
    deadline = candidate.deadline_at.timestamp() if candidate.deadline_at else math.inf
    return (not candidate.shown.partner, not candidate.featured, -match.score, deadline, candidate.id)
