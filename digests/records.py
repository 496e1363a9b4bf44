"""The types that flow through digests/: what was chosen, what was rendered, what a run did."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from fursa.matching import CallDetails
from fursa.storage import Deadline, deadline_of


@dataclass(frozen=True)
class DigestItem:
    """One call as a subscriber will read it, with why it matched them."""

    opportunity_id: int
    title: str
    url: str
    provider: str = ""
    kind: str = "other"
    levels: tuple[str, ...] = ()
    disciplines: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()   # fields an "all fields except …" call leaves out
    deadline_at: datetime | None = None
    deadline_kind: str = "unknown"
    deadline_tz: str | None = None
    deadline_date: date | None = None   # set for a date-only deadline (storage.Deadline)
    featured: bool = False
    partner: bool = False   # the call names an institution of the partner register
    slots: int = 0   # a limited submission: how many the university may nominate (0: not limited)
    internal_at: datetime | None = None   # its internal deadline, by storage.Deadline's rules
    internal_tz: str | None = None
    internal_date: date | None = None
    details: CallDetails | None = None   # what the call states it pays and asks (issue 16.3)
    score: float = 0.0
    reasons: tuple[str, ...] = ()  # matching's wording, in the profile's language (logs, staff preview)
    # matching's reasons as (key, params) pairs; the templates word them through the digest catalogue
    reason_details: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()

    @property
    def deadline(self) -> Deadline:
        return deadline_of(self.deadline_kind, self.deadline_at, self.deadline_tz, "", self.deadline_date)

    @property
    def internal_deadline(self) -> Deadline:
        """A limited submission's internal deadline (no date for an ordinary call)."""
        return deadline_of("date" if self.slots else "unknown", self.internal_at, self.internal_tz, "",
                           self.internal_date)


@dataclass(frozen=True)
class Digest:
    """Everything one e-mail says to one subscriber for one period; rendering needs nothing else."""

    subscriber_id: int
    email: str
    name: str
    language: str
    role: str
    period: str
    generated_at: datetime
    items: tuple[DigestItem, ...] = ()
    closing_soon: tuple[DigestItem, ...] = ()
    disciplines: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    unit: str = ""   # a staff subscriber's unit (storage.STAFF_UNITS), named in the footer
    unsubscribe_url: str = ""
    preferences_url: str = ""
    unsubscribe_token: str = ""
    intent_urls: tuple[tuple[int, str], ...] = ()   # (call id, signed "I intend to apply" link) for limited calls
    list_url: str = ""   # the reader's signed link to their own list (digests.list_links); "/save/<call id>" saves a call
    read_urls: tuple[tuple[int, str], ...] = ()   # (call id, counting link to the call), digests.tracked_link
    applied_urls: tuple[tuple[int, str], ...] = ()   # (call id, signed "I applied" link), digests.applied_link

    @property
    def is_empty(self) -> bool:
        return not self.items and not self.closing_soon

    @property
    def opportunity_ids(self) -> tuple[int, ...]:
        return tuple(item.opportunity_id for item in self.items + self.closing_soon)


@dataclass(frozen=True)
class RenderedDigest:
    """A digest as text: subject, HTML (CSS inlined), plain text and an optional .ics calendar."""

    subject: str
    html: str
    text: str
    ics: bytes | None
    language: str
    digest: Digest


@dataclass
class SendReport:
    """What one run of send_digests did, in counts and in words a person can act on.

    The run fills it in as it goes (one type for the running count and the result), so a run that
    stops early still returns what it did. `paused`: the run stopped early (the server kept
    refusing, or the database failed) and says why; `resting`: nothing is sent today (the weekend).
    """

    period: str
    transport: str
    sent: int = 0
    skipped_empty: int = 0
    already_sent: int = 0
    failed: int = 0
    deferred: int = 0
    in_progress: int = 0
    given_up: int = 0
    expired: int = 0
    suspended: tuple[str, ...] = ()
    failures: tuple[str, ...] = ()
    paused: str | None = None
    resting: str | None = None

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.deferred == 0 and self.paused is None

    @property
    def degraded(self) -> bool:
        """Messages were left to retry or given up, or the run stopped early: it did only part of its work."""
        return self.deferred > 0 or self.expired > 0 or self.paused is not None

    def describe(self) -> str:
        if self.resting:
            return f"{self.period} via {self.transport}: nothing sent: {self.resting}"
        text = (
            f"{self.period} via {self.transport}: {self.sent} sent, {self.already_sent} already sent, "
            f"{self.skipped_empty} empty (not sent), {self.failed} failed, {self.deferred} to retry"
        )
        if self.in_progress:
            text += f", {self.in_progress} being sent by another run"
        if self.given_up:
            text += f", {self.given_up} failed in an earlier run (see the ledger)"
        if self.expired:
            text += f", {self.expired} given up as too old to send"
        if self.suspended:
            text += f", {len(self.suspended)} suspended after repeated bounces"
        if self.paused:
            text += f". Paused: {self.paused}"
        return text

    def trouble(self) -> str:
        """For the job log of a degraded run: the counts, the reason, and what happens next."""
        text = self.describe()
        if self.failures and not self.paused:   # a pause already names the last reason
            text += f". First problem: {self.failures[0]}"
        if self.deferred or self.paused:
            text += (". The retry_deliveries job takes the rest up every 15 minutes (a deferred message waits "
                     "longer after each try) until it is sent or its digest is too old")
        return text

    def add(self, other: "SendReport") -> None:
        """Count another run's report into this one (the retry job runs once per period it resumes)."""
        for name in ("sent", "skipped_empty", "already_sent", "failed", "deferred", "in_progress", "given_up",
                     "expired"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.suspended += other.suspended
        self.failures += other.failures
        self.paused = self.paused or other.paused
        self.resting = self.resting or other.resting

    def note_failure(self, words: str) -> None:
        self.failures += (words,)

    def note_suspended(self, email: str) -> None:
        self.suspended += (email,)


@dataclass(frozen=True)
class Envelope:
    """One finished message as a transport takes it: envelope sender, one recipient, the bytes."""

    sender: str
    recipient: str
    data: bytes
    message_id: str
