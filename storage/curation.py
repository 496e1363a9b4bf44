"""What staff do to calls, and the queries behind the call pages and the dashboard (the public list is
storage/search.py).

Every change a person makes is written to the audit log; a change of tags also becomes a
TagCorrection row, the training data for the matcher.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from fursa.storage.audit import record_audit
from fursa.storage.models import (
    AuditEntry, Delivery, Opportunity, Sighting, Source, SourceRun, Subscriber, TagCorrection,
)
from fursa.storage.opportunities import set_status
from fursa.storage.paging import Page, contains_pattern

# Fields the tagger fills in: a person changing one of them is a correction to learn from.
TAG_FIELDS = ("kind", "levels", "disciplines", "excluded", "regions", "palestinian_eligible", "deadline")


@dataclass(frozen=True)
class OpportunityEdit:
    """What a curator may change on a call; every field is the complete new value."""

    title: str
    kind: str
    levels: tuple[str, ...]
    disciplines: tuple[str, ...]
    regions: tuple[str, ...]
    palestinian_eligible: bool | None
    deadline_kind: str
    deadline_at: datetime | None
    deadline_tz: str | None
    excluded: tuple[str, ...] = ()   # broad fields an "all fields except …" call leaves out
    deadline_day: date | None = None   # the date of a date-only deadline (deadline_at is then its closing instant)
    audiences: tuple[str, ...] | None = None   # who the call is for (records.AUDIENCES); None keeps the stored ones


def _deadline_of(row: Opportunity) -> dict[str, Any]:
    return {"kind": row.deadline_kind, "at": row.deadline_at.isoformat() if row.deadline_at else None,
            "tz": row.deadline_tz, "day": row.deadline_date.isoformat() if row.deadline_date else None}


def _tag_values(row: Opportunity) -> dict[str, Any]:
    return {"kind": row.kind, "levels": list(row.levels or []), "disciplines": list(row.disciplines or []),
            "excluded": list(row.excluded or []), "regions": list(row.regions or []),
            "palestinian_eligible": row.palestinian_eligible, "deadline": _deadline_of(row)}


def apply_edit(session: Session, row: Opportunity, edit: OpportunityEdit, *, actor: str, now: datetime) -> tuple[str, ...]:
    """Apply a curator's edit; returns the names of the fields that changed (empty when none did)."""
    before = _tag_values(row) | {"title": row.title, "audiences": list(row.audiences or [])}
    if edit.audiences is not None:
        row.audiences = _same_or_new(row.audiences, edit.audiences)
    row.title = edit.title
    row.kind = edit.kind
    row.levels = _same_or_new(row.levels, edit.levels)
    row.disciplines = _same_or_new(row.disciplines, edit.disciplines)
    row.excluded = _same_or_new(row.excluded, edit.excluded)
    row.regions = list(edit.regions)
    if row.palestinian_eligible != edit.palestinian_eligible:
        # The tagger's words explained its own answer, not the person's: showing them under the new
        # answer would give staff a wrong "because".
        row.eligibility_evidence = []
    row.palestinian_eligible = edit.palestinian_eligible
    dated = edit.deadline_kind == "date" and edit.deadline_at is not None
    deadline = (edit.deadline_kind, edit.deadline_at.astimezone(timezone.utc) if dated else None,
                edit.deadline_tz if dated else None, edit.deadline_day if dated else None)
    if deadline != (row.deadline_kind, row.deadline_at, row.deadline_tz, row.deadline_date):
        # Only a changed deadline is written: the stored one may say more than the form shows.
        row.deadline_kind, row.deadline_at, row.deadline_tz, row.deadline_date = deadline
    after = _tag_values(row) | {"title": row.title, "audiences": list(row.audiences or [])}
    changed = tuple(name for name in before if before[name] != after[name])
    for name in changed:
        if name in TAG_FIELDS:
            session.add(TagCorrection(opportunity_id=row.id, at=now, actor=actor, field=name,
                                      before=before[name], after=after[name]))
    # A person's audiences are kept from the tagger like their tags, but teach the matcher nothing.
    if any(name in TAG_FIELDS or name == "audiences" for name in changed):
        row.tags_edited = True
    if changed:
        record_audit(session, actor=actor, action="edit", target_type="opportunity", target_id=row.id, now=now,
                     details={name: {"before": before[name], "after": after[name]} for name in changed})
    session.flush()
    return changed


def _same_or_new(stored: list[str] | None, chosen: tuple[str, ...]) -> list[str]:
    """The chosen codes, but in the stored order when they are the same codes: a form lists its
    checkboxes in its own order, and saving it unchanged must change (and teach) nothing."""
    stored = list(stored or [])
    return stored if sorted(stored) == sorted(chosen) else list(chosen)


def change_status(session: Session, row: Opportunity, status: str, *, actor: str, now: datetime) -> bool:
    """Approve, reject or reopen a call; returns False when it already had that status."""
    if row.status == status:
        return False
    before = row.status
    set_status(row, status, now)
    actions = {"approved": "approve", "rejected": "reject"}
    record_audit(session, actor=actor, action=actions.get(status, f"status:{status}"),
                 target_type="opportunity", target_id=row.id, now=now, details={"before": before, "after": status})
    return True


def set_featured(session: Session, row: Opportunity, featured: bool, *, actor: str, now: datetime) -> bool:
    if row.featured == featured:
        return False
    row.featured = featured
    record_audit(session, actor=actor, action="feature" if featured else "unfeature",
                 target_type="opportunity", target_id=row.id, now=now)
    return True


def merge_opportunities(session: Session, duplicate: Opportunity, target: Opportunity, *, actor: str, now: datetime) -> None:
    """Fold `duplicate` into `target`: its sightings move over and it leaves every list for good."""
    if duplicate.id == target.id:
        raise ValueError("a call cannot be merged into itself; choose another call's number")
    if target.merged_into_id is not None:
        raise ValueError(f"call {target.id} was itself merged into {target.merged_into_id}; merge into that one")
    for sighting in session.scalars(select(Sighting).where(Sighting.opportunity_id == duplicate.id)):
        sighting.opportunity_id = target.id
    for earlier in session.scalars(select(Opportunity).where(Opportunity.merged_into_id == duplicate.id)):
        earlier.merged_into_id = target.id
    duplicate.merged_into_id = target.id
    duplicate.featured = False
    target.first_seen_at = min(target.first_seen_at, duplicate.first_seen_at)
    record_audit(session, actor=actor, action="merge", target_type="opportunity", target_id=duplicate.id, now=now,
                 details={"into": target.id, "title": duplicate.title})
    session.flush()


def duplicate_candidates(session: Session, row: Opportunity, limit: int = 5) -> Sequence[Opportunity]:
    """Other live calls with the same title (ignoring case and spacing): likely the same call twice."""
    key = " ".join(row.title.split()).casefold()
    query = select(Opportunity).where(Opportunity.id != row.id, Opportunity.merged_into_id.is_(None),
                                      func.lower(Opportunity.title) == row.title.lower())
    found = [o for o in session.scalars(query.limit(limit * 4)) if " ".join(o.title.split()).casefold() == key]
    return found[:limit]


def review_queue(session: Session, *, status: str = "new", text: str = "", kind: str = "",
                 offset: int = 0, limit: int = 50) -> Page:
    """Calls awaiting (or past) review, newest first, with simple filters."""
    query = select(Opportunity).where(Opportunity.merged_into_id.is_(None))
    if status:
        query = query.where(Opportunity.status == status)
    if kind:
        query = query.where(Opportunity.kind == kind)
    if text:
        pattern = contains_pattern(text)
        query = query.where(or_(Opportunity.title.ilike(pattern, escape="\\"),
                                Opportunity.provider.ilike(pattern, escape="\\"),
                                Opportunity.url.ilike(pattern, escape="\\")))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Opportunity.first_seen_at.desc(), Opportunity.id.desc())
                           .offset(offset).limit(limit)).all()
    return Page(tuple(rows), total, offset, limit)


def opportunities_by_ids(session: Session, ids: Sequence[int]) -> Sequence[Opportunity]:
    if not ids:
        return []
    return session.scalars(select(Opportunity).where(Opportunity.id.in_(list(ids))).order_by(Opportunity.id)).all()


def sources_of(session: Session, row: Opportunity) -> Sequence[tuple[Source, Sighting]]:
    query = select(Source, Sighting).join(Sighting, Sighting.source_id == Source.id).where(
        Sighting.opportunity_id == row.id).order_by(Sighting.first_seen_at)
    return [(source, sighting) for source, sighting in session.execute(query)]


def runs_of(session: Session, source: Source, limit: int = 20) -> Sequence[SourceRun]:
    """A source's latest crawls, newest first."""
    query = select(SourceRun).where(SourceRun.source_id == source.id)
    return session.scalars(query.order_by(SourceRun.at.desc(), SourceRun.id.desc()).limit(limit)).all()


def history_of(session: Session, target_type: str, target_id: int, limit: int = 50) -> Sequence[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.target_type == target_type, AuditEntry.target_id == target_id)
    return session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)).all()


def corrections_of(session: Session, row: Opportunity) -> Sequence[TagCorrection]:
    query = select(TagCorrection).where(TagCorrection.opportunity_id == row.id)
    return session.scalars(query.order_by(TagCorrection.at, TagCorrection.id)).all()


def public_call(session: Session, call_id: int) -> Opportunity | None:
    """A call as the public may see it: approved or expired, following merges to the surviving call."""
    row = session.get(Opportunity, call_id)
    seen = set()
    while row is not None and row.merged_into_id is not None and row.id not in seen:
        seen.add(row.id)
        row = session.get(Opportunity, row.merged_into_id)
    if row is None or row.status not in ("approved", "expired"):
        return None
    return row


@dataclass(frozen=True)
class WeekCount:
    """New calls first seen in the week starting `week`, by kind."""

    week: datetime
    by_kind: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.by_kind)


def weekly_new_by_kind(session: Session, now: datetime, weeks: int = 12) -> tuple[WeekCount, ...]:
    """Counts of calls first seen in each of the last `weeks` weeks (Monday-based, UTC), oldest first."""
    this_monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    start = this_monday - timedelta(weeks=weeks - 1)
    rows = session.execute(select(Opportunity.first_seen_at, Opportunity.kind)
                           .where(Opportunity.first_seen_at >= start, Opportunity.merged_into_id.is_(None)))
    counts: dict[int, Counter[str]] = {i: Counter() for i in range(weeks)}
    for seen_at, kind in rows:
        index = (seen_at - start).days // 7
        if 0 <= index < weeks:
            counts[index][kind or "other"] += 1
    return tuple(WeekCount(start + timedelta(weeks=i), tuple(sorted(counts[i].items()))) for i in range(weeks))


def upcoming_deadlines(session: Session, now: datetime, days: int = 60, limit: int = 40) -> Sequence[Opportunity]:
    """New or approved calls closing within `days`, soonest first."""
    query = (select(Opportunity)
             .where(Opportunity.status.in_(("new", "approved")), Opportunity.merged_into_id.is_(None))
             .where(Opportunity.deadline_at >= now, Opportunity.deadline_at <= now + timedelta(days=days))
             .order_by(Opportunity.deadline_at, Opportunity.id).limit(limit))
    return session.scalars(query).all()


def status_counts(session: Session) -> dict[str, int]:
    query = (select(Opportunity.status, func.count()).where(Opportunity.merged_into_id.is_(None))
             .group_by(Opportunity.status))
    return {status: count for status, count in session.execute(query)}


def recent_deliveries(session: Session, *, limit: int = 100, state: str = "") -> Sequence[tuple[Delivery, Subscriber]]:
    """The send log, newest first, with each delivery's subscriber."""
    query = select(Delivery, Subscriber).join(Subscriber, Delivery.subscriber_id == Subscriber.id)
    if state:
        query = query.where(Delivery.state == state)
    query = query.order_by(Delivery.updated_at.desc(), Delivery.id.desc()).limit(limit)
    return [(delivery, subscriber) for delivery, subscriber in session.execute(query)]


def delivery_totals(session: Session) -> dict[str, int]:
    """state → number of ledger rows over all periods, for the desk's send log."""
    return {state: count for state, count in session.execute(
        select(Delivery.state, func.count()).group_by(Delivery.state))}
