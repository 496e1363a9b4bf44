"""Opportunity rows: ingesting drafts (safe to re-run), tagging state, and lookups."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from fursa.storage.models import Opportunity, Sighting, Source
from fursa.storage.records import Draft
from fursa.storage.search import plain_document


@dataclass(frozen=True)
class IngestResult:
    """Outcome of storing one source's drafts: only genuinely new opportunities are in `new`."""

    new: tuple[Opportunity, ...]
    updated: tuple[Opportunity, ...]
    seen: int
    joined: tuple[Opportunity, ...] = ()


def content_hash(title: str, text: str) -> str:
    """A hash of what a person reads, insensitive to whitespace and case, so re-crawls match."""
    normal = " ".join(f"{title}\n{text}".split()).casefold()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SameAs:
    """A near-duplicate found before ingest: draft `draft_index` is the stored call `opportunity_id`,
    or the same call as the earlier draft `earlier_draft` of this batch."""

    draft_index: int
    opportunity_id: int | None = None
    earlier_draft: int | None = None


def ingest_drafts(
    session: Session, source: Source, drafts: Sequence[Draft], now: datetime, same_as: Sequence[SameAs] = (),
) -> IngestResult:
    """Store a source's drafts: new calls become Opportunities, known ones get a Sighting touch.

    `same_as` names drafts that repeat a call under another URL (found by near-duplicate detection):
    they become Sightings of that call. Running it twice with the same drafts changes nothing but
    `last_seen_at` and returns no new rows.
    """
    hints = {hint.draft_index: hint for hint in same_as}
    stored: list[Opportunity] = []
    new: list[Opportunity] = []
    updated: list[Opportunity] = []
    joined: list[Opportunity] = []
    for index, draft in enumerate(drafts):
        duplicate_of = _resolve_hint(session, hints.get(index), stored)
        opportunity, created, changed, sighted = _ingest_one(session, source, draft, now, duplicate_of)
        stored.append(opportunity)
        if created:
            new.append(opportunity)
        elif changed:
            updated.append(opportunity)
        elif sighted:
            joined.append(opportunity)
    session.flush()
    return IngestResult(tuple(new), tuple(updated), len(stored), tuple(joined))


def _resolve_hint(session: Session, hint: SameAs | None, stored: list[Opportunity]) -> Opportunity | None:
    if hint is None:
        return None
    if hint.opportunity_id is not None:
        return session.get(Opportunity, hint.opportunity_id)
    if hint.earlier_draft is not None and hint.earlier_draft < len(stored):
        return stored[hint.earlier_draft]
    return None


def _ingest_one(
    session: Session, source: Source, draft: Draft, now: datetime, duplicate_of: Opportunity | None,
) -> tuple[Opportunity, bool, bool, bool]:
    digest = content_hash(draft.title, draft.text)
    sighting = session.scalar(select(Sighting).where(Sighting.source_id == source.id, Sighting.url == draft.url))
    if sighting is not None:
        sighting.last_seen_at = now
        opportunity = sighting.opportunity
        opportunity.last_seen_at = now
        changed = opportunity.content_hash != digest and not opportunity.tags_edited
        if changed:
            _fill_from_draft(opportunity, draft, digest)
            opportunity.tagged_at = None
        return opportunity, False, changed, False
    opportunity = duplicate_of or find_duplicate(session, draft.url, digest)
    created = opportunity is None
    if created:
        opportunity = Opportunity(url=draft.url, first_seen_at=now, last_seen_at=now, status="new")
        _fill_from_draft(opportunity, draft, digest)
        session.add(opportunity)
    else:
        opportunity.last_seen_at = now
    session.add(Sighting(opportunity=opportunity, source=source, url=draft.url, first_seen_at=now, last_seen_at=now))
    session.flush()
    return opportunity, created, False, not created


def find_duplicate(session: Session, url: str, digest: str) -> Opportunity | None:
    """An opportunity already stored under the same canonical URL or with the same content."""
    found = session.scalar(select(Opportunity).where(Opportunity.url == url))
    if found is not None:
        return found
    return session.scalar(select(Opportunity).where(Opportunity.content_hash == digest).limit(1))


def _fill_from_draft(opportunity: Opportunity, draft: Draft, digest: str) -> None:
    opportunity.title = draft.title
    opportunity.summary = draft.summary
    opportunity.text = draft.text
    opportunity.provider = draft.provider
    opportunity.external_id = draft.external_id
    opportunity.kind = draft.kind or "other"
    opportunity.levels = list(draft.levels)
    opportunity.categories = list(draft.categories)
    opportunity.regions = list(draft.regions)
    opportunity.deadline = draft.deadline
    opportunity.opens_at = draft.opens_at
    opportunity.published_at = draft.published_at
    opportunity.amount = draft.amount
    opportunity.currency = draft.currency
    opportunity.language = draft.language
    opportunity.flags = list(draft.flags)
    opportunity.content_hash = digest
    # searchable at once by its own words; the pipeline's tagging writes the full search text
    opportunity.search_text = plain_document(draft.title, draft.summary, draft.provider, draft.text)
    opportunity.search_version = 0


def dedup_candidates(session: Session, limit: int = 5000) -> Sequence[tuple[int, str, str]]:
    """(id, title, text) of the calls a new draft may repeat: the live ones, newest first."""
    query = (
        select(Opportunity.id, Opportunity.title, Opportunity.text)
        .where(Opportunity.status.in_(("new", "approved")), Opportunity.merged_into_id.is_(None))
        .order_by(Opportunity.last_seen_at.desc())
        .limit(limit)
    )
    return [tuple(row) for row in session.execute(query)]


def set_canonical_url(session: Session, opportunity: Opportunity, url: str) -> bool:
    """Point the call at a better link (the funder's own page) unless another call already has it."""
    if url == opportunity.url:
        return False
    taken = session.scalar(select(Opportunity.id).where(Opportunity.url == url, Opportunity.id != opportunity.id))
    if taken is not None:
        return False
    opportunity.url = url
    return True


def untagged(session: Session) -> Sequence[Opportunity]:
    return session.scalars(select(Opportunity).where(Opportunity.tagged_at.is_(None)).order_by(Opportunity.id)).all()


def approved_open(session: Session, now: datetime) -> Sequence[Opportunity]:
    """Approved calls whose deadline has not passed (rolling and unknown deadlines stay open)."""
    query = (
        select(Opportunity)
        .where(Opportunity.status == "approved", Opportunity.merged_into_id.is_(None))
        .where((Opportunity.deadline_at.is_(None)) | (Opportunity.deadline_at >= now))
        .order_by(Opportunity.featured.desc(), Opportunity.deadline_at, Opportunity.id)
    )
    return session.scalars(query).all()


def set_status(opportunity: Opportunity, status: str, now: datetime) -> None:
    if status not in ("new", "approved", "rejected", "expired"):
        raise ValueError(f"unknown status {status!r}: use new, approved, rejected or expired")
    opportunity.status = status
    if status == "approved" and opportunity.approved_at is None:
        opportunity.approved_at = now


def expire_passed(session: Session, now: datetime) -> int:
    """Mark calls whose deadline has passed as expired; returns how many changed."""
    rows = session.scalars(
        select(Opportunity).where(
            Opportunity.status.in_(("new", "approved")),
            Opportunity.deadline_at.is_not(None),
            Opportunity.deadline_at < now,
        )
    ).all()
    for row in rows:
        row.status = "expired"
    return len(rows)


def with_status(session: Session, status: str) -> Sequence[Opportunity]:
    query = select(Opportunity).where(Opportunity.status == status, Opportunity.merged_into_id.is_(None))
    return session.scalars(query.order_by(Opportunity.id)).all()


def training_opportunities(session: Session) -> Sequence[Opportunity]:
    """Calls whose fields a person vouched for: corrected at the desk, or approved as tagged."""
    query = select(Opportunity).where(
        (Opportunity.tags_edited.is_(True)) | (Opportunity.status.in_(("approved", "expired")) & Opportunity.approved_at.is_not(None))
    )
    return session.scalars(query.order_by(Opportunity.id)).all()
