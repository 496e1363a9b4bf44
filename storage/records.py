"""Plain record types that cross package lines.

Crawlers return these; the pipeline stores them. They hold no database state, so
`crawlers/` can build them without ever opening a session.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Mapping

SOURCE_TYPES = ("feed", "api", "html")
# "other" stays last: forms and filters list kinds in this order.
KINDS = ("scholarship", "exchange", "research_funding", "fellowship", "training", "conference", "job", "admission",
         "other")
LEVELS = ("bachelor", "master", "phd", "postdoc", "faculty", "staff")
AUDIENCES = ("student", "faculty")
# What a subscriber may choose: who they are, the language of their digest, how often it comes.
ROLES = ("student", "faculty", "staff")
LANGUAGES = ("en", "ar")
FREQUENCIES = ("weekly", "instant")


@dataclass(frozen=True)
class SourceSpec:
    """One source as the catalogue describes it: what staff edit, without health or validators."""

    name: str
    type: str
    url: str
    language: str = "en"
    kind: str = "other"
    audience: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    provider: str = ""
    parser: str = ""
    every_hours: float = 24.0
    options: Mapping[str, Any] = field(default_factory=dict)
    enabled: bool = True
    description: str = ""


@dataclass(frozen=True)
class Validators:
    """HTTP cache validators remembered per source for conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Deadline:
    """When applications close. `kind` is "date", "rolling" or "unknown"; never invented."""

    kind: str = "unknown"
    at: datetime | None = None
    timezone: str | None = None
    text: str = ""

    @property
    def day(self) -> date | None:
        return self.at.date() if self.at else None


@dataclass(frozen=True)
class Draft:
    """One call as a crawler found it, before it is stored, deduplicated or tagged."""

    source_name: str
    url: str
    title: str
    text: str = ""
    summary: str = ""
    provider: str = ""
    external_id: str = ""
    published_at: datetime | None = None
    opens_at: datetime | None = None
    deadline: Deadline = field(default_factory=Deadline)
    amount: Decimal | None = None
    currency: str = ""
    language: str = ""
    kind: str = ""
    levels: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    # What reading the item had to guess, for staff to check, e.g. "encoding_guessed": no label
    # (header, BOM, declaration) named the page's encoding, so it was detected.
    flags: tuple[str, ...] = ()


# Flags a crawler may put on a Draft; they stay on the stored call beside the tagger's own.
CRAWL_FLAGS = ("encoding_guessed",)


@dataclass(frozen=True)
class ItemError:
    """An item a crawler skipped, and why, in words a person can act on."""

    url: str
    message: str


@dataclass(frozen=True)
class FetchResult:
    """What one crawl of one source produced: drafts, validators and health figures.

    `not_modified` is data, not an error: the server answered 304 to our validators.
    `error` is set when the source as a whole failed; drafts may still hold what was read.
    """

    source_name: str
    drafts: tuple[Draft, ...] = ()
    validators: Validators = field(default_factory=Validators)
    not_modified: bool = False
    error: str | None = None
    http_status: int | None = None
    bytes_read: int = 0
    duration_s: float = 0.0
    item_errors: tuple[ItemError, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None
