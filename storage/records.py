"""Plain record types that cross package lines.

Crawlers return these; the pipeline stores them. They hold no database state, so
`crawlers/` can build them without ever opening a session.

`Deadline` is the one value every surface shows a deadline through, with its rules:
- A date-only deadline ("15 January 2027") is a calendar date. It is never moved between zones: every
  surface shows 15 January, a calendar makes it an all-day event on 15 January, and the call stays open
  all of 15 January in Hebron (`CLOSING_ZONE`, where PPU's applicants are).
- A timed deadline ("15 January 2027, 17:00 Brussels time") is an instant and the funder's zone. It is
  shown in the reader's zone (Hebron) with the funder's wall time beside it when that reads differently.
- Rolling and unknown deadlines have no date; they never close by themselves.
`Deadline.at` is always the instant applications close (for a date-only deadline, the last second of the
day in Hebron), so sorting and "still open" are one comparison wherever they are made (SQL included).
storage/deadline_words.py words it in a reader's language.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone as dt_timezone
from decimal import Decimal
from functools import lru_cache
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


SOURCE_TYPES = ("feed", "api", "html")
# "other" stays last: forms and filters list kinds in this order.
KINDS = ("scholarship", "exchange", "research_funding", "fellowship", "training", "conference", "job", "admission",
         "other")
LEVELS = ("bachelor", "master", "phd", "postdoc", "faculty", "staff")
AUDIENCES = ("student", "faculty", "staff")
# What a subscriber may choose: who they are, the language of their digest, how often it comes.
ROLES = ("student", "faculty", "staff")
LANGUAGES = ("en", "ar")
FREQUENCIES = ("weekly", "instant")
# The administrative units a staff subscriber may name (issue 15.4); "other" stays last. Their names in
# English and Arabic are the web's and the digests' to word.
STAFF_UNITS = ("registration", "admissions", "finance", "human_resources", "library", "it_centre",
               "international_relations", "public_relations", "student_affairs", "academic_affairs",
               "quality_assurance", "research", "procurement", "facilities", "presidency", "other")
JOB_TITLE_MAX = 120


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


CLOSING_ZONE = "Asia/Hebron"
DEADLINE_KINDS = ("date", "rolling", "unknown")
_LAST_SECOND = time(23, 59, 59)
_BARE_DATE = re.compile(r"[\d\s/.:+\-TZ]*")


@lru_cache(maxsize=128)
def zone_named(name: str | None) -> ZoneInfo | dt_timezone:
    """The zone called `name`; UTC for none, "UTC", "Z" or "GMT"; an unknown name raises ValueError."""
    if not name or name.upper() in ("UTC", "Z", "GMT", "ETC/UTC"):
        return dt_timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}: use an IANA name such as Asia/Hebron") from None


def closing_instant(day: date) -> datetime:
    """When a date-only deadline closes: the last second of `day` in Hebron, in UTC."""
    local = datetime.combine(day, _LAST_SECOND, tzinfo=zone_named(CLOSING_ZONE))
    return local.astimezone(dt_timezone.utc)


@dataclass(frozen=True)
class Deadline:
    """When applications close, as the source states it. `kind` is "date", "rolling" or "unknown"; never invented.

    `day` is set only for a date-only deadline (the date as stated); `at` is then filled in as the
    closing instant. A timed deadline has `at` (aware) and the funder's `timezone` (None: not stated).
    """

    kind: str = "unknown"
    at: datetime | None = None
    timezone: str | None = None
    text: str = ""
    day: date | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.at is None:
            object.__setattr__(self, "at", closing_instant(self.day))

    @classmethod
    def on_day(cls, day: date, text: str = "", timezone: str | None = None) -> "Deadline":
        """A date-only deadline: open all of `day` in Hebron."""
        return cls(kind="date", day=day, timezone=timezone, text=text)

    @classmethod
    def timed(cls, at: datetime, timezone: str | None, text: str = "") -> "Deadline":
        """A deadline with a time: `at` must be aware; `timezone` is the zone the funder stated it in."""
        if at.tzinfo is None:
            raise ValueError(f"a timed deadline needs an aware datetime, got {at!r}: attach the funder's zone")
        return cls(kind="date", at=at, timezone=timezone, text=text)

    @property
    def dated(self) -> bool:
        return self.kind == "date" and self.at is not None

    @property
    def date_only(self) -> bool:
        return self.dated and self.day is not None

    @property
    def note(self) -> str:
        """The source's own words when they say more than a date ("17:00 Brussels time", stages …);
        '' for a bare machine value such as "01/15/2027", which would only repeat the date ambiguously."""
        return "" if _BARE_DATE.fullmatch(self.text) else self.text

    def is_open(self, now: datetime) -> bool:
        """Applications still accepted at `now`; rolling and unknown deadlines never close by themselves."""
        return not self.dated or now <= self.at

    def shown_day(self, zone: str) -> date | None:
        """The date a reader in `zone` sees: the stated date, or the instant's date in `zone`."""
        if not self.dated:
            return None
        return self.day if self.day is not None else self.at.astimezone(zone_named(zone)).date()

    def days_left(self, now: datetime, zone: str) -> int | None:
        """Calendar days in `zone` from `now` to the shown date (0: closes today); None when undated or closed."""
        if not self.dated or not self.is_open(now):
            return None
        return max(0, (self.shown_day(zone) - now.astimezone(zone_named(zone)).date()).days)

    def funder_wall(self) -> datetime | None:
        """A timed deadline at the funder's wall clock (their stated zone, UTC when none was stated);
        None for a date-only deadline, or when the stored zone name is not one this system knows."""
        if not self.dated or self.day is not None:
            return None
        try:
            return self.at.astimezone(zone_named(self.timezone))
        except ValueError:   # an old or hand-made row: show the deadline without the funder's clock
            return None

    def local(self, zone: str) -> datetime | None:
        """A timed deadline at `zone`'s wall clock; None for a date-only one (it has no time to convert)."""
        if not self.dated or self.day is not None:
            return None
        return self.at.astimezone(zone_named(zone))

    def calendar_span(self) -> tuple[date, date] | tuple[datetime, datetime]:
        """An iCalendar event's DTSTART and DTEND: the whole stated day (VALUE=DATE, never shifted between
        zones), or the closing instant in UTC. Raises ValueError for a deadline without a date."""
        if not self.dated:
            raise ValueError("a deadline without a date has no calendar event; check Deadline.dated first")
        if self.day is not None:
            return self.day, self.day + timedelta(days=1)
        instant = self.at.astimezone(dt_timezone.utc)
        return instant, instant

    def iso(self, zone: str) -> str:
        """The machine value for `<time datetime>` and the API: the date, or the instant in `zone` with its offset."""
        if not self.dated:
            return ""
        if self.day is not None:
            return self.day.isoformat()
        return self.local(zone).isoformat(timespec="minutes")


def deadline_of(kind: str | None, at: datetime | None, timezone: str | None, text: str | None,
                day: date | None) -> Deadline:
    """The value of stored columns (`Opportunity.deadline_*`), whichever table or record they come from."""
    kind = kind if kind in DEADLINE_KINDS else "unknown"
    if kind != "date" or (at is None and day is None):
        return Deadline(kind="unknown" if kind == "date" else kind, text=text or "")
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=dt_timezone.utc)
    return Deadline(kind="date", at=at, timezone=timezone, text=text or "", day=day)


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
class FieldProblem:
    """One reason a form was refused: the field at fault, a reason code a door may word itself, and the
    English message (the limited-submission and announcement forms share it)."""

    field: str
    reason: str
    message: str

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
    # Why the download failed, as crawlers.FailureKind's value ("dns", "unreachable" …) when the
    # crawler knew; lets a run tell "this machine is offline" from fifty separate failures.
    failure_kind: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None
