"""The plain record types the tagger returns; other packages store and render them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

KINDS = ("scholarship", "exchange", "research_funding", "fellowship", "training", "conference", "job", "admission",
         "other")
LEVELS = ("bachelor", "master", "phd", "postdoc", "faculty", "staff")


@dataclass(frozen=True)
class Evidence:
    """The words that gave a tag, as found, and where: "title", "text", "category" (a funder's
    category) or "programme" (a funder's programme named in the title)."""

    phrase: str
    where: str


@dataclass(frozen=True)
class Tag:
    """A discipline tag: an ISCED-F code ("07", "071", "0714") or "any", with score and evidence."""

    code: str
    score: float
    evidence: tuple[Evidence, ...]

    @property
    def broad(self) -> str:
        return self.code if self.code == "any" else self.code[:2]


@dataclass(frozen=True)
class FoundDeadline:
    """A call's deadline: a tz-aware instant, "rolling", or "unknown" (a deadline is mentioned
    but no date could be read, or its year could not be known: `year_unknown`); `text` holds the
    words it came from."""

    kind: str
    at: datetime | None
    timezone: str | None
    text: str
    year_unknown: bool = False

    def as_json(self) -> str | None:
        """ISO date for a dated deadline, "rolling", or None."""
        if self.kind == "date" and self.at is not None:
            return self.at.date().isoformat()
        return "rolling" if self.kind == "rolling" else None


@dataclass(frozen=True)
class Tagging:
    """Everything the tagger found in one call."""

    disciplines: tuple[Tag, ...]
    levels: tuple[str, ...]
    kind: str | None
    regions: tuple[str, ...]
    palestinian_eligible: bool | None
    deadline: FoundDeadline | None
    language: str
    flags: tuple[str, ...]
    eligibility_evidence: tuple[str, ...] = ()   # the words that decided palestinian_eligible
    excluded: tuple[str, ...] = ()   # broad fields an "all fields except …" call leaves out
    audiences: tuple[str, ...] = ()   # who the call is for: "student", "faculty", "staff" (matching/audiences.py)
    audience_evidence: tuple[str, ...] = ()   # the words that made it a staff call

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(tag.code for tag in self.disciplines)

    def as_dict(self) -> dict:
        """JSON-ready form, the `fursa tag` output line without its id."""
        return {
            "disciplines": [tag.code for tag in self.disciplines],
            "excluded": list(self.excluded),
            "levels": list(self.levels),
            "kind": self.kind,
            "deadline": self.deadline.as_json() if self.deadline else None,
            "deadline_at": (self.deadline.at.isoformat()
                            if self.deadline and self.deadline.at else None),
            "evidence": {tag.code: [{"phrase": e.phrase, "where": e.where} for e in tag.evidence]
                         for tag in self.disciplines},
            "scores": {tag.code: tag.score for tag in self.disciplines},
            "regions": list(self.regions),
            "palestinian_eligible": self.palestinian_eligible,
            "eligibility_evidence": list(self.eligibility_evidence),
            "language": self.language,
            "audiences": list(self.audiences),
            "audience_evidence": list(self.audience_evidence),
            "flags": list(self.flags),
        }
