"""Research profiles of faculty subscribers: what they wrote and what matching derived from it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fursa.storage.audit import record_audit
from fursa.storage.errors import InvalidSubscriberError
from fursa.storage.models import ResearchProfile, Subscriber


@dataclass(frozen=True)
class ResearchEntry:
    """A research description and what was derived from it, ready to store (the door builds it)."""

    keywords: str = ""
    publications: str = ""
    orcid: str = ""
    orcid_works: tuple[str, ...] = ()
    orcid_fetched_at: datetime | None = None
    fields: tuple[str, ...] = ()
    ford: tuple[str, ...] = ()
    terms: tuple[tuple[str, float, str], ...] = field(default=())   # (normal form, weight, the person's words)

    @property
    def is_empty(self) -> bool:
        return not (self.keywords.strip() or self.publications.strip() or self.orcid)


def research_profile_of(session: Session, subscriber_id: int) -> ResearchProfile | None:
    return session.get(ResearchProfile, subscriber_id)


def save_research_profile(session: Session, subscriber: Subscriber, entry: ResearchEntry, *, actor: str,
                          now: datetime) -> ResearchProfile | None:
    """Store (or replace) a faculty member's research profile; an empty entry removes it. Audited.

    Only faculty have one: the digests rank research funding by it, and a student's or staff member's
    preferences never show the section."""
    if subscriber.role != "faculty":
        raise InvalidSubscriberError(f"{subscriber.email} is a {subscriber.role}: only faculty have a research profile")
    row = session.get(ResearchProfile, subscriber.id)
    if entry.is_empty:
        if row is not None:
            session.delete(row)
            record_audit(session, actor=actor, action="research_profile:clear", target_type="subscriber",
                         target_id=subscriber.id, now=now)
            session.flush()
        return None
    if row is None:
        row = ResearchProfile(subscriber_id=subscriber.id)
        session.add(row)
    row.keywords, row.publications, row.orcid = entry.keywords, entry.publications, entry.orcid
    row.orcid_works = list(entry.orcid_works)
    row.orcid_fetched_at = entry.orcid_fetched_at
    row.fields, row.ford = list(entry.fields), list(entry.ford)
    row.terms = [[term, weight, label] for term, weight, label in entry.terms]
    row.updated_at = now
    record_audit(session, actor=actor, action="research_profile:save", target_type="subscriber",
                 target_id=subscriber.id, now=now,
                 details={"fields": list(entry.fields), "orcid": entry.orcid, "terms": len(entry.terms)})
    session.flush()
    return row


def faculty_with_research(session: Session) -> list[ResearchProfile]:
    """Every stored research profile, by subscriber id (the benchmark and the desk's counts read them)."""
    return list(session.scalars(select(ResearchProfile).order_by(ResearchProfile.subscriber_id)))
