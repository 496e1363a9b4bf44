"""The schema: one ORM class per thing Fursa keeps (see DESIGN.md, "Data")."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlalchemy.orm import DeclarativeBase, Mapped, backref, mapped_column, relationship

from fursa.storage.records import Deadline, deadline_of
from fursa.storage.types import UTCDateTime

# The calls the public sees (before the deadline filter), as literal SQL: a partial index applies
# only when a query states its predicate in the same words.
PUBLIC_PREDICATE = "status = 'approved' AND merged_into_id IS NULL"


class Base(DeclarativeBase):
    pass


class Source(Base):
    """A place Fursa crawls, as the catalogue or staff defined it, with its health."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(10))
    url: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(10), default="en")
    kind: Mapped[str] = mapped_column(String(30), default="other")
    audience: Mapped[list[str]] = mapped_column(JSON, default=list)
    levels: Mapped[list[str]] = mapped_column(JSON, default=list)
    provider: Mapped[str] = mapped_column(String(300), default="")
    parser: Mapped[str] = mapped_column(String(50), default="")
    every_hours: Mapped[float] = mapped_column(Float, default=24.0)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    description: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    origin: Mapped[str] = mapped_column(String(20), default="catalogue")
    # Fields staff changed on a catalogue source, each with what the catalogue file says for it: loading
    # the catalogue again keeps the staff's value and only updates the catalogue's, to show and revert to
    # (storage/source_changes.py). The server default fills the rows stored before the column existed.
    overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=sql_text("'{}'"))

    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)

    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[str] = mapped_column(String(20), default="never")
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    items_seen: Mapped[int] = mapped_column(Integer, default=0)
    items_new: Mapped[int] = mapped_column(Integer, default=0)
    bytes_read: Mapped[int] = mapped_column(Integer, default=0)
    duration_s: Mapped[float] = mapped_column(Float, default=0.0)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_reason: Mapped[str | None] = mapped_column(Text)

    sightings: Mapped[list[Sighting]] = relationship(back_populates="source")


class Opportunity(Base):
    """One call, however many sources announce it."""

    __tablename__ = "opportunities"
    # The public pages and the digests ask for "approved and still open, soonest first".
    __table_args__ = (
        Index("ix_opportunities_status_deadline", "status", "deadline_at"),
        # The public list's two orders, over the public calls only (storage/search.py writes the same
        # literal predicate, so that SQLite and PostgreSQL see the index applies): closing soonest
        # (featured first, no deadline last) and newest approved.
        # Calls that name a partner institution come first (migration 0009 put `partnered` in front).
        Index("ix_opportunities_public_closing", sql_text("partnered DESC"), sql_text("featured DESC"),
              sql_text("(deadline_at IS NULL)"),
              "deadline_at", "id", sqlite_where=sql_text(PUBLIC_PREDICATE), postgresql_where=sql_text(PUBLIC_PREDICATE)),
        Index("ix_opportunities_public_newest", "approved_at", "id",
              sqlite_where=sql_text(PUBLIC_PREDICATE), postgresql_where=sql_text(PUBLIC_PREDICATE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, unique=True)
    provider: Mapped[str] = mapped_column(String(300), default="")
    external_id: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(30), default="other")
    levels: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Who the call is for as the tagger reads it (records.AUDIENCES); NULL: not read yet (stored before 0012).
    audiences: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True), default=list)
    # ISCED-F codes; ["any"] is open to every field, [] means no field was found (staff should tag it).
    disciplines: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Broad fields an "all fields except …" call leaves out; only beside "any". The server default
    # fills the rows stored before the column existed.
    excluded: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=sql_text("'[]'"))
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    # True, False or None (not known); the words that decided it are kept for staff to check.
    palestinian_eligible: Mapped[bool | None] = mapped_column(Boolean)
    eligibility_evidence: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=sql_text("'[]'"))
    # The deadline as stated (records.Deadline): `deadline_date` is the date of a date-only deadline
    # (NULL when a time was given); `deadline_at` is always the instant applications close, so queries
    # sort and filter on one column.
    deadline_kind: Mapped[str] = mapped_column(String(10), default="unknown")
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    deadline_tz: Mapped[str | None] = mapped_column(String(60))
    deadline_text: Mapped[str] = mapped_column(Text, default="")
    deadline_date: Mapped[date | None] = mapped_column(Date)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    currency: Mapped[str] = mapped_column(String(3), default="")
    language: Mapped[str] = mapped_column(String(10), default="")
    status: Mapped[str] = mapped_column(String(10), default="new", index=True)
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    scores: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    tagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tags_edited: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id"))
    # Where the call takes place (ISO 3166 alpha-2) and how much it pays for ("full", "partial"), when
    # the call states them; "" is unknown.
    host_country: Mapped[str] = mapped_column(String(2), default="", server_default="")
    coverage: Mapped[str] = mapped_column(String(10), default="", server_default="")
    # What the full-text index holds (storage/search.py): the call's words and its tags' names in both
    # languages, normalized as the matcher normalizes. Version 0 is storage's plain stand-in, written
    # at ingest until the pipeline writes the full text (the version matching.SEARCH_VERSION names).
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    search_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # True while the call names at least one institution of the partner register (storage/partners.py
    # keeps it with the links in partner_calls), so the list's order and the badges read one column.
    partnered: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sql_text("false"))
    # What the call states it pays and asks (matching.CallDetails.as_dict(): coverage items, amounts,
    # duration, institution, language tests, age limit, documents), and the languages it is taught in,
    # apart so that the public list filters on them; both empty when the call does not say (0017).
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=sql_text("'{}'"))
    study_languages: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=sql_text("'[]'"))

    sightings: Mapped[list[Sighting]] = relationship(back_populates="opportunity")

    @property
    def deadline(self) -> Deadline:
        """The deadline as one value: every page, feed and e-mail shows it through this."""
        return deadline_of(self.deadline_kind, self.deadline_at, self.deadline_tz, self.deadline_text,
                           self.deadline_date)

    @deadline.setter
    def deadline(self, value: Deadline) -> None:
        self.deadline_kind = value.kind if value.kind != "date" or value.at is not None else "unknown"
        self.deadline_at = value.at if value.dated else None
        self.deadline_tz = value.timezone if value.dated else None
        self.deadline_date = value.day if value.dated else None
        self.deadline_text = value.text


class Sighting(Base):
    """That source S announced opportunity O at URL U, first and last seen when."""

    __tablename__ = "sightings"
    __table_args__ = (UniqueConstraint("source_id", "url", name="uq_sighting_source_url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)

    opportunity: Mapped[Opportunity] = relationship(back_populates="sightings")
    source: Mapped[Source] = relationship(back_populates="sightings")


class Subscriber(Base):
    """A student, faculty member or staff person who gets digests; nothing more personal."""

    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(10), default="student")
    disciplines: Mapped[list[str]] = mapped_column(JSON, default=list)
    levels: Mapped[list[str]] = mapped_column(JSON, default=list)
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(2), default="en")
    frequency: Mapped[str] = mapped_column(String(10), default="weekly")
    # A staff subscriber's profile: their unit (records.STAFF_UNITS) and job title as they write it.
    unit: Mapped[str] = mapped_column(String(40), default="", server_default="")
    job_title: Mapped[str] = mapped_column(String(120), default="", server_default="")
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(15), default="active")
    bounces: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspended_reason: Mapped[str | None] = mapped_column(Text)
    # Bumping the nonce invalidates every signed link (preferences, unsubscribe) sent before.
    token_nonce: Mapped[int] = mapped_column(Integer, default=0)
    # Reach (issue 15.6): "group" counts clicks in the segment only, "personal" also by name, "off" not at all.
    reach_counting: Mapped[str] = mapped_column(String(10), default="group", server_default="group")

    deliveries: Mapped[list[Delivery]] = relationship(back_populates="subscriber")


class Delivery(Base):
    """The ledger: one row per (subscriber, digest period); its unique key makes a resend impossible."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("subscriber_id", "period", name="uq_delivery_subscriber_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id"), index=True)
    period: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    message_id: Mapped[str | None] = mapped_column(String(300))
    items: Mapped[list[int]] = mapped_column(JSON, default=list)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    transport: Mapped[str] = mapped_column(String(10), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    subscriber: Mapped[Subscriber] = relationship(back_populates="deliveries")


class AuditEntry(Base):
    """Who changed what, when: staff edits, approvals, source changes, corrections."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    target_type: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class SourceRun(Base):
    """One crawl of one source: the history behind the health figures and the dashboard."""

    __tablename__ = "source_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(20))
    items_seen: Mapped[int] = mapped_column(Integer, default=0)
    items_new: Mapped[int] = mapped_column(Integer, default=0)
    bytes_read: Mapped[int] = mapped_column(Integer, default=0)
    duration_s: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[str | None] = mapped_column(Text)


class TagCorrection(Base):
    """A person's fix of the tagger's output: training data for the learned matcher."""

    __tablename__ = "tag_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(30))
    before: Mapped[Any] = mapped_column(JSON)
    after: Mapped[Any] = mapped_column(JSON)


class User(Base):
    """A staff account of the curation desk."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(10), default="curator")
    language: Mapped[str] = mapped_column(String(2), default="en")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Two-factor sign-in: the authenticator app's shared secret (kept from enrolment on, in force
    # once a code confirmed it at totp_enabled_at) and the last time step accepted, so that each
    # code opens the desk once.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)


class Suppression(Base):
    """A deleted or hard-bounced address, kept only as a hash so it is never mailed again."""

    __tablename__ = "suppressions"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_hash: Mapped[str] = mapped_column(String(64), unique=True)
    reason: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Token(Base):
    """A single-use token (subscription confirmation, password reset), stored as a hash."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    subscriber_id: Mapped[int | None] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LockLease(Base):
    """A lock kept in the database (SQLite's scheduler lock): who holds it, and until when unless renewed."""

    __tablename__ = "lock_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class JobRun(Base):
    """One run of a pipeline job, for `fursa status` and the staff desk."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(50), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="running")
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)


class StaffSession(Base):
    """One signed-in browser of a staff account; deleting its row signs that browser out at once."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # False while the password is checked but the second factor (or its enrolment) is still due.
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    agent: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class RecoveryCode(Base):
    """A one-time code that stands in for a staff member's authenticator app; only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AttemptCount(Base):
    """Failed sign-in attempts of one key (an address, a client, an account's codes) in one time window."""

    __tablename__ = "attempt_counts"

    scope: Mapped[str] = mapped_column(String(20), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True, index=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class Partner(Base):
    """A partner institution of the university: who, where, which agreement, for how long, whom to ask."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_en: Mapped[str] = mapped_column(String(300), default="")
    name_ar: Mapped[str] = mapped_column(String(300), default="")
    country: Mapped[str] = mapped_column(String(2), default="")           # ISO 3166 alpha-2, "" unknown
    agreement: Mapped[str] = mapped_column(String(20), default="mou")      # storage.partners.AGREEMENT_TYPES
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date, index=True)
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)          # areas of cooperation, in words
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(320), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    aliases: Mapped[list[PartnerAlias]] = relationship(back_populates="partner", cascade="all, delete-orphan",
                                                       order_by="PartnerAlias.id")

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the partner goes by: English, Arabic, then the aliases."""
        return tuple(name for name in (self.name_en, self.name_ar, *(a.name for a in self.aliases)) if name)

    def name_in(self, language: str) -> str:
        """The name a reader of `language` should see, the other one when it is missing."""
        first, second = (self.name_ar, self.name_en) if language == "ar" else (self.name_en, self.name_ar)
        return first or second


class PartnerAlias(Base):
    """Another name a partner goes by in calls (an acronym, an older name, a spelling), in either script."""

    __tablename__ = "partner_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))

    partner: Mapped[Partner] = relationship(back_populates="aliases")


class PartnerCall(Base):
    """That call O names partner P: the name that matched and the words as the call wrote them."""

    __tablename__ = "partner_calls"

    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"),
                                                primary_key=True, index=True)
    matched_name: Mapped[str] = mapped_column(String(300), default="")
    quote: Mapped[str] = mapped_column(Text, default="")
    found_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LimitedSubmission(Base):
    """A call for which the university may nominate only `slots` applicants, with its own internal
    deadline (stored like Opportunity.deadline: `internal_date` set only when date-only, `internal_at`
    always the closing instant), the staff contact, notes, and whether the list of intents is closed."""

    __tablename__ = "limited_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), unique=True)
    slots: Mapped[int] = mapped_column(Integer)
    internal_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    internal_tz: Mapped[str | None] = mapped_column(String(60))
    internal_date: Mapped[date | None] = mapped_column(Date)
    contact: Mapped[str] = mapped_column(String(320), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # Opportunity.limited: the digests, pages and feeds read a call's settings through it.
    opportunity: Mapped[Opportunity] = relationship(backref=backref("limited", uselist=False, passive_deletes=True))

    @property
    def internal_deadline(self) -> Deadline:
        """The internal deadline as one value, with the same rules as a call's deadline."""
        return deadline_of("date", self.internal_at, self.internal_tz, "", self.internal_date)


class IntentToApply(Base):
    """That subscriber S said, through their signed link, they intend to apply to limited call L."""

    __tablename__ = "intents_to_apply"
    __table_args__ = (UniqueConstraint("limited_id", "subscriber_id", name="uq_intent_limited_subscriber"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    limited_id: Mapped[int] = mapped_column(ForeignKey("limited_submissions.id", ondelete="CASCADE"), index=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    subscriber: Mapped[Subscriber] = relationship()


class LimitedReminder(Base):
    """The reminder ledger: one row per (limited call, subscriber); its key makes a second reminder impossible."""

    __tablename__ = "limited_reminders"

    limited_id: Mapped[int] = mapped_column(ForeignKey("limited_submissions.id", ondelete="CASCADE"),
                                            primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(10), default="sending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Bookmark(Base):
    """That subscriber S saved call O to their own list (issue 16.4), and when they said they applied."""

    __tablename__ = "bookmarks"
    __table_args__ = (UniqueConstraint("subscriber_id", "opportunity_id", name="uq_bookmark_subscriber_call"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique key above starts with it.
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"))
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    opportunity: Mapped[Opportunity] = relationship()
    subscriber: Mapped[Subscriber] = relationship()


class BookmarkReminder(Base):
    """The closing-reminder ledger of saved calls: one row per (person, call, 14 or 3 days, channel); its
    key makes a second reminder impossible, also after the call was removed from the list and saved again."""

    __tablename__ = "bookmark_reminders"

    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"),
                                                primary_key=True)
    days_before: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), primary_key=True)   # "email" or "telegram"
    state: Mapped[str] = mapped_column(String(10), default="sending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TelegramChat(Base):
    """The Telegram chat a subscriber linked to their list, for closing reminders through the office's bot."""

    __tablename__ = "telegram_chats"

    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(40))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)

class Announcement(Base):
    """A one-off message staff write to a segment of subscribers (issue 15.5): its words in English
    and/or Arabic, the call it points to, who it goes to (`segment`, storage.announcements.Segment as
    JSON) and where it is in draft → scheduled → sending → sent (or cancelled)."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_en: Mapped[str] = mapped_column(String(200), default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    subject_ar: Mapped[str] = mapped_column(String(200), default="")
    body_ar: Mapped[str] = mapped_column(Text, default="")
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id", ondelete="SET NULL"))
    segment: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    send_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recipients: Mapped[int] = mapped_column(Integer, default=0)   # the segment's size when sending began
    created_by: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    opportunity: Mapped[Opportunity | None] = relationship()

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages it is written in (subject and body both given), English first."""
        return tuple(lang for lang, subject, body in (("en", self.subject_en, self.body_en),
                                                      ("ar", self.subject_ar, self.body_ar))
                     if subject.strip() and body.strip())


class AnnouncementDelivery(Base):
    """The announcement ledger: one row per (announcement, subscriber), claimed before the message is
    handed over; its key makes a second copy impossible, whoever sends and however often."""

    __tablename__ = "announcement_deliveries"

    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"),
                                                 primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), primary_key=True,
                                               index=True)
    state: Mapped[str] = mapped_column(String(10), default="sending")   # sending | sent | failed
    message_id: Mapped[str] = mapped_column(String(300), default="")
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ResearchProfile(Base):
    """A faculty member's research as they described it (keywords, pasted publications, an ORCID iD and
    the titles of its works), with what matching derived: ISCED-F and FORD fields and weighted terms."""

    __tablename__ = "research_profiles"

    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), primary_key=True)
    keywords: Mapped[str] = mapped_column(Text, default="")
    publications: Mapped[str] = mapped_column(Text, default="")
    orcid: Mapped[str] = mapped_column(String(19), default="")
    orcid_works: Mapped[list[str]] = mapped_column(JSON, default=list)   # the works' titles, as fetched
    orcid_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)         # ISCED-F codes, best first
    ford: Mapped[list[str]] = mapped_column(JSON, default=list)           # FORD fields ("2.7"), closest first
    # [[normal form, weight, the person's words], ...], heaviest first (matching.ProfileTerm)
    terms: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    subscriber: Mapped[Subscriber] = relationship(
        backref=backref("research_profile", uselist=False, cascade="all, delete-orphan", passive_deletes=True))


class TelegramChannel(Base):
    """A Telegram channel Fursa posts to: when it was first used (what is posted is counted from then)
    and whether it refuses the bot (kicked, not an admin), so the job stops trying until it is fixed."""

    __tablename__ = "telegram_channels"

    chat: Mapped[str] = mapped_column(String(100), primary_key=True)   # @username or numeric id, as configured
    state: Mapped[str] = mapped_column(String(10), default="ok")      # ok or failed
    error: Mapped[str | None] = mapped_column(Text)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TelegramPost(Base):
    """The post ledger: one row per (call, channel); its key makes a second post impossible. `text_hash`
    is what the message says now, so a changed call is edited; `plain` when its markup was refused."""

    __tablename__ = "telegram_posts"
    __table_args__ = (UniqueConstraint("opportunity_id", "channel", name="uq_telegram_post_call_channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(100), index=True)
    state: Mapped[str] = mapped_column(String(10), default="sending")   # storage.telegram_posts.POST_STATES
    message_id: Mapped[int | None] = mapped_column(Integer)   # message ids count up per chat: 32 bits last
    text_hash: Mapped[str] = mapped_column(String(64), default="")
    plain: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    opportunity: Mapped[Opportunity] = relationship()


class ReachCount(Base):
    """Reach (issue 15.6): clicks on a call's e-mail links and "I applied" reports, counted per call,
    month (YYYY-MM, configured zone) and segment (college, level, role); no person is in this table."""

    __tablename__ = "reach_counts"
    __table_args__ = (UniqueConstraint("opportunity_id", "month", "college", "level", "role",
                                       name="uq_reach_call_month_segment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique key above starts with it.
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7), index=True)
    college: Mapped[str] = mapped_column(String(40), default="")   # a key of matching's colleges, "" not known
    level: Mapped[str] = mapped_column(String(10), default="")     # storage.LEVELS, "" none chosen
    role: Mapped[str] = mapped_column(String(10), default="")      # storage.ROLES
    clicks: Mapped[int] = mapped_column(Integer, default=0)
    applied: Mapped[int] = mapped_column(Integer, default=0)


class ReachPerson(Base):
    """What one subscriber who chose "count my clicks personally" did with a call in a month."""

    __tablename__ = "reach_people"

    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"),
                                                primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), primary_key=True,
                                               index=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    clicks: Mapped[int] = mapped_column(Integer, default=0)
    applied: Mapped[bool] = mapped_column(Boolean, default=False)


class AppliedMark(Base):
    """That someone already reported "I applied" to a call: a keyed one-way mark of (person, call), so a
    second report is not counted again; no subscriber id, no date, no segment (digests.applied_mark)."""

    __tablename__ = "applied_marks"

    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"),
                                                primary_key=True)
    mark: Mapped[str] = mapped_column(String(64), primary_key=True)
