"""The jobs: plain functions that take a context and `now`, whoever runs them (CLI, scheduler, web).

crawl due sources → ingest → tag → (staff approve) → send due digests; plus expiry and retraining.
Each job catches failures per unit of work (one source, one item) and records them; nothing here
is fatal to the run but a database that cannot be reached.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from fursa import crawlers, digests, matching, storage
from fursa.settings import Settings

log = logging.getLogger("fursa.pipeline")


@dataclass(frozen=True)
class Context:
    """What every job needs: sessions and the settings, already turned into each package's config."""

    settings: Settings
    sessions: sessionmaker[Session]
    crawl_config: crawlers.CrawlConfig
    delivery_config: digests.DeliveryConfig

    @property
    def engine(self) -> Engine:
        return self.sessions.kw["bind"]

    @property
    def catalogue_path(self) -> Path:
        return self.settings.catalogue or crawlers.default_catalogue_path()

    @property
    def model_path(self) -> Path:
        return self.settings.model_dir / "matcher.model"


def make_context(settings: Settings) -> Context:
    engine = storage.make_engine(settings.database_url, settings.database_busy_timeout_s)
    crawl_config = crawlers.CrawlConfig(
        timeout_s=settings.crawl_timeout_s, max_bytes=settings.crawl_max_bytes,
        allow_private_addresses=settings.allow_private_addresses,
        # Unchanged detail pages then cost a 304 instead of a full download.
        cache_dir=settings.model_dir / "http-cache",
        scrapyd_url=settings.crawl_scrapyd_url,
    )
    delivery_config = digests.DeliveryConfig(
        outbox_dir=settings.outbox_dir, smtp_url=settings.smtp_url, from_address=settings.from_address,
        public_base_url=settings.public_base_url, secret_key=settings.secret_key or "",
        timezone=settings.timezone, list_id=settings.list_id, unsubscribe_mailto=settings.unsubscribe_mailto,
        weekday=settings.digest_weekday, hour=settings.digest_hour, weekend_days=tuple(settings.weekend_days),
        connections=settings.smtp_connections, rate_per_second=settings.smtp_rate_per_second,
        smtp_cafile=settings.smtp_cafile, dkim_selector=settings.dkim_selector, dkim_domain=settings.dkim_domain,
        dkim_private_key=settings.dkim_private_key_file,
    )
    return Context(settings, storage.make_sessionmaker(engine), crawl_config, delivery_config)


@dataclass(frozen=True)
class SourceOutcome:
    """One source's part of a crawl, in words for the summary."""

    name: str
    status: str
    items_seen: int
    items_new: int
    error: str | None
    items_skipped: int = 0
    failure_kind: str | None = None    # crawlers.FailureKind's value, when the crawler knew why


# Failures that say the network is missing rather than one site: when every source fails so, the
# machine is offline and the summary says that once instead of once per source.
NETWORK_FAILURES = frozenset({"dns", "unreachable"})
OFFLINE = ("no source could be reached: this machine seems to be offline (every host name failed to resolve or "
           "every connection failed); check its network and DNS, then run again")


@dataclass(frozen=True)
class CrawlSummary:
    outcomes: tuple[SourceOutcome, ...]

    @property
    def failed(self) -> tuple[SourceOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "error")

    @property
    def new_items(self) -> int:
        return sum(o.items_new for o in self.outcomes)

    @property
    def offline(self) -> bool:
        """No source answered and every failure was a name that did not resolve or a connection that
        could not be made: the cause is this machine's network, not fifty sites."""
        failed = self.failed
        return (len(failed) >= 2 and len(failed) == len(self.outcomes)
                and all(o.failure_kind in NETWORK_FAILURES for o in failed))

    @property
    def degraded(self) -> bool:
        """More than half of the sources crawled failed: the run did not do most of its work."""
        return bool(self.outcomes) and 2 * len(self.failed) > len(self.outcomes)

    def trouble(self) -> str:
        """For the job log of a degraded crawl: how many failed and, when it is one cause, which."""
        counts = f"{len(self.failed)} of {len(self.outcomes)} sources failed"
        if self.offline:
            return f"{OFFLINE} ({counts})"
        return f"{counts}; `fursa sources list` says what to check for each"


@dataclass(frozen=True)
class TagSummary:
    tagged: int
    flagged: int


@dataclass(frozen=True)
class RunSummary:
    """One round of `fursa run --once`: each step's outcome, recorded in the job log as the scheduler's runs are."""

    outcomes: tuple["JobOutcome", ...]

    def result_of(self, job: str) -> Any:
        return next((o.result for o in self.outcomes if o.job == job), None)

    @property
    def crawl(self) -> CrawlSummary:
        result = self.result_of("crawl")
        return result.crawl if isinstance(result, CrawlAndTag) else CrawlSummary(())

    @property
    def tags(self) -> TagSummary | None:
        result = self.result_of("crawl")
        return result.tags if isinstance(result, CrawlAndTag) else None

    @property
    def expired(self) -> int | None:
        return self.result_of("expire")

    @property
    def digests(self) -> digests.SendReport | None:
        return self.result_of("weekly_digest")

    @property
    def instant(self) -> digests.SendReport | None:
        return self.result_of("instant_alerts")

    @property
    def status(self) -> str:
        """The worst of its steps: failed, else degraded, else ok."""
        statuses = {o.status for o in self.outcomes}
        return next((s for s in ("failed", "degraded") if s in statuses), "ok")


def init_database(ctx: Context) -> storage.CatalogueSync:
    """Create or upgrade the schema and load the catalogue (new sources added, edited ones updated)."""
    storage.migrate(ctx.engine)
    specs = crawlers.load_catalogue(ctx.catalogue_path)
    with ctx.sessions.begin() as session:
        return storage.sync_catalogue(session, specs)


def ensure_database(ctx: Context) -> None:
    """Migrate a database that was never initialised, so every command works on a fresh machine."""
    if not storage.is_migrated(ctx.engine):
        init_database(ctx)


@dataclass(frozen=True)
class CrawlProgress:
    """Where a crawl is, for a progress line: `done` of `total` sources stored, `step` in words."""

    done: int
    total: int
    step: str


def crawl_due(
    ctx: Context, now: datetime, source_name: str | None = None,
    progress: Callable[[CrawlProgress], None] | None = None,
) -> CrawlSummary:
    """Crawl every due source (or the one named, due or not) and store what it found."""
    with ctx.sessions() as session:
        rows = [storage.get_source(session, source_name)] if source_name else list(storage.due_sources(session, now))
        jobs = [(storage.spec_of(r), storage.validators_of(r)) for r in rows]
    if not jobs:
        return CrawlSummary(())
    if progress:
        progress(CrawlProgress(0, len(jobs), f"downloading {len(jobs)} source(s)"))
    results = crawlers.crawl_sources(jobs, ctx.crawl_config)
    outcomes = []
    signatures = crawlers.SignatureCache()   # live calls' signatures, computed once per crawl
    for done, ((spec, _), result) in enumerate(zip(jobs, results), 1):
        if progress:
            progress(CrawlProgress(done - 1, len(jobs), f"storing {spec.name}"))
        outcomes.append(_store_result(ctx, spec.name, result, now, signatures))
    if progress:
        progress(CrawlProgress(len(jobs), len(jobs), "tagging"))
    return CrawlSummary(tuple(outcomes))


def _store_result(ctx: Context, name: str, result: storage.FetchResult, now: datetime,
                  signatures: crawlers.SignatureCache) -> SourceOutcome:
    """Ingest one source's drafts and health in one transaction, so a failure loses only this source."""
    with ctx.sessions.begin() as session:
        row = storage.get_source(session, name)
        same_as = find_same_calls(session, result.drafts, signatures)
        ingest = storage.ingest_drafts(session, row, result.drafts, now, same_as)
        for opportunity in ingest.joined:
            prefer_funder_link(session, opportunity)
        storage.record_fetch(session, row, result, len(ingest.new), now)
        status = row.last_status
    if result.error:
        # Recorded on the source row and shown in every summary; the log line is for operators.
        log.info("source failed", extra={"source": name, "error": result.error})
    for item_error in result.item_errors:
        log.info("item skipped", extra={"source": name, "url": item_error.url, "error": item_error.message})
    log.info("source crawled", extra={"source": name, "status": status, "seen": ingest.seen, "new": len(ingest.new)})
    return SourceOutcome(name, status, ingest.seen, len(ingest.new), result.error, len(result.item_errors),
                         result.failure_kind if result.error else None)


def find_same_calls(session: Session, drafts: tuple[storage.Draft, ...],
                    signatures: crawlers.SignatureCache | None = None) -> list[storage.SameAs]:
    """Drafts that repeat a live call (or each other) under another URL: one call, several sightings."""
    if not drafts:
        return []
    found = crawlers.find_near_duplicates(drafts, storage.dedup_candidates(session), cache=signatures)
    return [storage.SameAs(index, hit.known_id, hit.draft_index) for index, hit in found.items()]


def prefer_funder_link(session: Session, opportunity: storage.Opportunity) -> None:
    """Of all the places a call was seen, link to the funder's page rather than an aggregator's post."""
    candidates = [(s.url, storage.spec_of(s.source)) for s in opportunity.sightings]
    storage.set_canonical_url(session, opportunity, crawlers.pick_canonical_url(candidates))


def load_model(ctx: Context) -> matching.LearnedModel | None:
    """The learned matcher if one was trained; the rules work alone without it, and also when the
    stored model cannot be read (written by an older version, or damaged): tagging must not stop
    for that, and the next `retrain` replaces it."""
    if not ctx.model_path.exists():
        return None
    try:
        return matching.LearnedModel.from_bytes(ctx.model_path.read_bytes())
    except matching.ModelError as exc:
        log.warning("stored matcher not used; tagging with the rules alone until `fursa job retrain`",
                    extra={"path": str(ctx.model_path), "error": str(exc)})
        return None


def tag_new(ctx: Context, now: datetime) -> TagSummary:
    """Tag every opportunity not tagged since it was stored or changed; staff-edited tags are kept."""
    model = load_model(ctx)
    tagged = flagged = 0
    with ctx.sessions.begin() as session:
        partners = partner_index(session)
        staff_sources = staff_source_ids(session)
        for opportunity in storage.untagged(session):
            tagging = matching.tag_item(
                opportunity.title, opportunity.text, categories=tuple(opportunity.categories),
                language=opportunity.language or None, published=opportunity.published_at, model=model,
            )
            apply_tagging(opportunity, tagging, now)
            if staff_sources:
                add_source_audience(opportunity, staff_sources)
            index_call(opportunity)
            match_partners(session, opportunity, partners, now)
            tagged += 1
            flagged += bool(tagging.flags)
        index_stale_calls(session)
        read_stale_audiences(session)
        read_stale_details(session)
    return TagSummary(tagged, flagged)


def index_call(opportunity: storage.Opportunity) -> None:
    """Write what the public list searches and filters by: the call's host country and coverage where
    it states them, and its search text (its words and its tags' names in English and Arabic). Run
    after tagging and after a person edits a call, so that search follows the tags."""
    words = f"{opportunity.summary}\n{opportunity.text}"
    opportunity.host_country = matching.find_host_country(opportunity.title, words)
    opportunity.coverage = matching.find_coverage(opportunity.title, words)
    opportunity.search_text = matching.search_document(matching.Searchable(
        title=opportunity.title, summary=opportunity.summary, text=opportunity.text, provider=opportunity.provider,
        kind=opportunity.kind, levels=tuple(opportunity.levels or ()), disciplines=tuple(opportunity.disciplines or ()),
        host_country=opportunity.host_country, coverage=opportunity.coverage))
    opportunity.search_version = matching.SEARCH_VERSION


def index_stale_calls(session: Session, batch: int = 2000) -> int:
    """Rewrite the search text of calls stored before it existed or by an older recipe (public calls
    first), `batch` at a time so that one tagging run stays short; returns how many."""
    rows = storage.calls_to_index(session, matching.SEARCH_VERSION, limit=batch)
    for row in rows:
        index_call(row)
    return len(rows)


def staff_source_ids(session: Session) -> frozenset[int]:
    """The sources the catalogue (or staff) say are for administrative staff alone (`audience = ["staff"]`)."""
    return frozenset(source.id for source in storage.list_sources(session) if list(source.audience or ()) == ["staff"])


def add_source_audience(opportunity: storage.Opportunity, staff_sources: frozenset[int]) -> None:
    """A call a staff-only source announced is for staff, whatever its words say; a person's choice stays."""
    if opportunity.tags_edited or "staff" in (opportunity.audiences or ()):
        return
    if any(sighting.source_id in staff_sources for sighting in opportunity.sightings):
        audiences = set(opportunity.audiences or ()) | {"staff"}
        opportunity.audiences = [audience for audience in storage.AUDIENCES if audience in audiences]


def read_stale_audiences(session: Session, batch: int = 2000) -> int:
    """Read who the calls tagged before migration 0012 are for (from their words and the levels and kind
    they hold), `batch` at a time; returns how many. Without it an existing install's staff digest
    stays empty until every call is tagged again."""
    rows = storage.calls_without_audiences(session, limit=batch)
    for row in rows:
        row.audiences = list(matching.read_call_audiences(row.title or "", row.text or "",
                                                          levels=tuple(row.levels or ()), kind=row.kind or None))
    return len(rows)


def partner_index(session: Session) -> matching.PartnerIndex:
    """The partner register's names (storage) as the matcher reads them, built once per run."""
    return matching.PartnerIndex(matching.PartnerNames(partner.id, partner.names)
                                 for partner in storage.list_partners(session))


def match_partners(session: Session, opportunity: storage.Opportunity, partners: matching.PartnerIndex,
                   now: datetime) -> bool:
    """Link the call to every partner its title, provider, summary or text names (and to no other);
    True when its links changed."""
    mentions = partners.find(opportunity.title, opportunity.provider, opportunity.summary, opportunity.text)
    if not mentions and not opportunity.partnered:
        return False   # nothing to write, nothing to remove: no query for most calls
    links = [storage.PartnerLink(m.partner_id, m.name, m.quote) for m in mentions]
    return storage.link_partners(session, opportunity, links, now)


def rematch_partners(session: Session, now: datetime) -> int:
    """Match every stored call against the register again: after a partner is added, renamed or given
    an alias, the calls seen before it was named are linked too (and links to a dropped name go).
    A call whose search text holds none of the names' telling words is ruled out without being read;
    the others are read whole. Returns how many calls' links changed (`python bench/partners.py`)."""
    partners = partner_index(session)
    changed = 0
    for call in storage.calls_to_match(session):
        if (call.search_version == matching.SEARCH_VERSION and not call.partnered
                and not partners.may_name(call.search_text)):
            continue
        changed += match_partners(session, session.get(storage.Opportunity, call.id), partners, now)
    return changed


def apply_tagging(opportunity: storage.Opportunity, tagging: matching.Tagging, now: datetime) -> None:
    """Copy the tagger's findings onto the row without overwriting what a person or the source said."""
    result = tagging.as_dict()
    opportunity.tagged_at = now
    # what the crawl had to guess (an undeclared encoding) stays beside what the tagger flags
    crawled = [flag for flag in opportunity.flags if flag in storage.CRAWL_FLAGS]
    opportunity.flags = crawled + [flag for flag in tagging.flags if flag not in crawled]
    # what the call states it pays and asks is read from its words, whoever edited its tags (16.3)
    read_details(opportunity)
    if opportunity.tags_edited:
        return
    # No field found stays [] (never "any"): the digests send such a call only to subscribers who
    # chose no field, and the desk asks staff to tag it.
    opportunity.disciplines = [tag.code for tag in tagging.disciplines]
    opportunity.excluded = list(tagging.excluded)
    opportunity.scores = {tag.code: tag.score for tag in tagging.disciplines}
    opportunity.evidence = result.get("evidence", {})
    opportunity.levels = sorted(set(opportunity.levels) | set(tagging.levels), key=_level_order)
    opportunity.audiences = list(tagging.audiences)
    if opportunity.kind in ("", "other") and tagging.kind:
        opportunity.kind = tagging.kind
    opportunity.regions = sorted(set(opportunity.regions) | set(tagging.regions))
    opportunity.palestinian_eligible = tagging.palestinian_eligible
    opportunity.eligibility_evidence = list(tagging.eligibility_evidence)
    if not opportunity.language:
        opportunity.language = tagging.language
    if opportunity.deadline_kind == "unknown" and tagging.deadline is not None:
        opportunity.deadline = _stated_deadline(tagging.deadline)


def read_details(opportunity: storage.Opportunity) -> None:
    """What the call states it pays and asks (matching.find_details), stored with the languages it is taught in."""
    details = matching.find_details(opportunity.title, f"{opportunity.summary}\n{opportunity.text}")
    opportunity.details = details.as_dict()
    opportunity.study_languages = list(details.study_languages)


def read_stale_details(session: Session, batch: int = 2000) -> int:
    """Read the details of calls tagged before migration 0017 or by an older recipe (public ones first),
    `batch` at a time."""
    rows = storage.calls_without_details(session, matching.DETAILS_VERSION, limit=batch)
    for row in rows:
        read_details(row)
    return len(rows)


def _stated_deadline(found: Any) -> storage.Deadline:
    """The tagger's deadline (matching.FoundDeadline) as stored: a day read from prose without a time,
    which the tagger dates 23:59 in the call's zone, is a date-only deadline on that day."""
    if found.kind != "date" or found.at is None:
        return storage.Deadline(kind=found.kind if found.kind == "rolling" else "unknown", text=found.text)
    if (found.at.hour, found.at.minute, found.at.second) == (23, 59, 0):
        return storage.Deadline.on_day(found.at.date(), found.text, found.timezone)
    return storage.Deadline.timed(found.at, found.timezone, found.text)


def _level_order(level: str) -> int:
    return storage.LEVELS.index(level) if level in storage.LEVELS else len(storage.LEVELS)


def approve_new(ctx: Context, now: datetime, actor: str) -> int:
    """Approve every new call at once: for the offline demo, where no one sits at the staff desk."""
    with ctx.sessions.begin() as session:
        rows = storage.with_status(session, "new")
        for row in rows:
            storage.set_status(row, "approved", now)
            storage.record_audit(session, actor=actor, action="approve", target_type="opportunity",
                                 target_id=row.id, now=now)
        return len(rows)


def expire_calls(ctx: Context, now: datetime) -> int:
    with ctx.sessions.begin() as session:
        return storage.expire_passed(session, now)


def send_due_digests(ctx: Context, now: datetime) -> digests.SendReport:
    """Send this period's digest to everyone who has not had it; the ledger makes this safe to repeat."""
    with ctx.sessions() as session:
        return digests.send_digests(session, now=now, config=ctx.delivery_config)


def send_instant_alerts(ctx: Context, now: datetime) -> digests.SendReport:
    """Mail newly approved calls to subscribers who asked for them as soon as staff approve them."""
    with ctx.sessions() as session:
        return digests.send_instant_alerts(session, now=now, config=ctx.delivery_config)


def retry_deliveries(ctx: Context, now: datetime) -> digests.SendReport:
    """Send again what earlier runs deferred, paused before or were killed in; give up what is too old."""
    with ctx.sessions() as session:
        return digests.retry_deliveries(session, now=now, config=ctx.delivery_config)


def send_limited_reminders(ctx: Context, now: datetime) -> digests.ReminderReport:
    """Before a limited submission's internal deadline, remind who intends to apply and the faculty who
    have not answered; the reminder ledger sends each person one reminder per call."""
    with ctx.sessions() as session:
        return digests.send_limited_reminders(session, now=now, config=ctx.delivery_config)


def telegram_config(settings: Settings) -> digests.TelegramConfig:
    """The Telegram settings as digests/ takes them (the token read once, here, from the secret setting)."""
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else None
    return digests.TelegramConfig(
        token=token, api_url=settings.telegram_api_url, public_base_url=settings.public_base_url,
        timezone=settings.timezone, backfill=timedelta(days=settings.telegram_backfill_days),
        channels=tuple(digests.ChannelSpec(c.chat, c.language, c.audience) for c in settings.telegram_channels))


def post_to_telegram(ctx: Context, now: datetime) -> digests.TelegramReport:
    """Post newly approved calls to the Telegram channels, edit the posts of changed calls and say so on
    withdrawn or closed ones; the post ledger posts each call once per channel."""
    with ctx.sessions() as session:
        return digests.post_calls_to_telegram(session, now=now, config=telegram_config(ctx.settings))


def send_list_reminders(ctx: Context, now: datetime) -> digests.ListReminderReport:
    """14 and 3 days before a call a person saved to their list closes, remind them (not after they marked
    it applied), and in the Telegram chat they linked when a bot token is set; the ledger sends each once."""
    token = ctx.settings.telegram_bot_token
    with ctx.sessions() as session:
        if token is None:
            return digests.send_list_reminders(session, now=now, config=ctx.delivery_config)
        with digests.TelegramClient(token.get_secret_value(), api_url=ctx.settings.telegram_api_url) as bot:
            return digests.send_list_reminders(session, now=now, config=ctx.delivery_config,
                                               chat_sender=lambda chat, text: bot.send_message(chat, text, html=False))


def send_due_announcements(ctx: Context, now: datetime) -> digests.AnnouncementsRun:
    """Send the scheduled announcements whose moment has come, and finish those left sending; the
    announcement ledger sends each person one copy."""
    with ctx.sessions() as session:
        return digests.send_due_announcements(session, now=now, config=ctx.delivery_config)


# The steps of `fursa run --once`, each run and recorded as the scheduler's job of that name.
RUN_ONCE_JOBS = ("crawl", "expire", "weekly_digest", "instant_alerts")


def run_once(ctx: Context, now: datetime, progress: Callable[[CrawlProgress], None] | None = None,
             **run_options: Any) -> RunSummary:
    """The main job: crawl what is due, tag, expire passed calls, send what is due.

    Each step goes through run_job, so it is in the job log (`fursa status`, the dashboard, /healthz)
    exactly as if the scheduler had run it, and one step that fails does not stop the next."""
    ensure_database(ctx)
    work = {"crawl": lambda c, n: crawl_and_tag(c, n, progress=progress)}
    return RunSummary(tuple(run_job(ctx, name, now, work=work.get(name), **run_options) for name in RUN_ONCE_JOBS))


@dataclass(frozen=True)
class RetrainSummary:
    examples: int
    trained: bool
    reason: str = ""


MIN_TRAINING_EXAMPLES = 20


def retrain_matcher(ctx: Context, now: datetime) -> RetrainSummary:
    """Train the learned matcher on calls people vouched for; the rules keep working without it."""
    with ctx.sessions() as session:
        examples = [
            matching.LabeledExample(row.title, row.text, tuple(row.disciplines), tuple(row.categories or ()))
            for row in storage.training_opportunities(session) if row.disciplines
        ]
    if len(examples) < MIN_TRAINING_EXAMPLES:
        return RetrainSummary(len(examples), False, f"needs {MIN_TRAINING_EXAMPLES} reviewed calls, has {len(examples)}")
    try:
        model = matching.train_model(examples)
    except matching.ModelError as exc:
        return RetrainSummary(len(examples), False, str(exc))
    ctx.model_path.parent.mkdir(parents=True, exist_ok=True)
    partial = ctx.model_path.with_suffix(".partial")
    partial.write_bytes(model.to_bytes())
    os.replace(partial, ctx.model_path)  # a reader never sees half a model
    return RetrainSummary(len(examples), True)


@dataclass(frozen=True)
class CrawlAndTag:
    crawl: CrawlSummary
    tags: TagSummary

    @property
    def degraded(self) -> bool:
        return self.crawl.degraded

    def trouble(self) -> str:
        return self.crawl.trouble()


def crawl_and_tag(ctx: Context, now: datetime, source_name: str | None = None,
                  progress: Callable[[CrawlProgress], None] | None = None) -> CrawlAndTag:
    """The crawl job: crawl the due sources (or the one named), then tag what they brought."""
    return CrawlAndTag(crawl_due(ctx, now, source_name=source_name, progress=progress), tag_new(ctx, now))


# Every job the scheduler and the CLI can run by name; each takes (ctx, now).
JOBS: dict[str, Callable[[Context, datetime], Any]] = {
    "crawl": crawl_and_tag,
    "weekly_digest": send_due_digests,
    "instant_alerts": send_instant_alerts,
    "retry_deliveries": retry_deliveries,
    "limited_reminders": send_limited_reminders,
    "telegram": post_to_telegram,
    "list_reminders": send_list_reminders,
    "announcements": send_due_announcements,
    "expire": expire_calls,
    "retrain": retrain_matcher,
}


@dataclass(frozen=True)
class JobOutcome:
    """How one run of a job ended: ok; degraded (it ran, but did only part of its work, e.g. messages
    left to retry: `error` says what and why); failed (it raised, or the database stayed unavailable)."""

    job: str
    status: str
    result: Any = None
    error: str | None = None
    attempts: int = 1


def run_job(
    ctx: Context, name: str, now: datetime, *, attempts: int = 4, backoff_s: float = 5.0,
    sleep: Callable[[float], None] = time.sleep, actor: str | None = None,
    work: Callable[[Context, datetime], Any] | None = None,
) -> JobOutcome:
    """Run one job by name, record it in the job log, and never let it take the caller down.

    A database that is locked or briefly unreachable is retried with backoff (every job is safe
    to repeat: ingest is idempotent and the ledger guards sends); a full one fails the run at once
    with what to do; any other failure is logged with the job's name and recorded, and the other
    jobs go on. `actor` names the person who asked
    (`fursa job`, the desk's buttons) for the audit log; the scheduler's own runs have none.
    `work` runs instead of the job's own function, with the same recording: one source's crawl,
    a crawl that reports its progress. A result that says it is `degraded` (a send that left
    messages to retry, a crawl where most sources failed) makes the run degraded, with its `trouble()`.
    """
    job = work or JOBS[name]
    if actor is not None:
        _audit(ctx, actor, f"job:{name}", "job", None, now)
    for attempt in range(1, attempts + 1):
        try:
            result = job(ctx, now)
            if getattr(result, "degraded", False):
                return _record(ctx, JobOutcome(name, "degraded", result, result.trouble(), attempt), now)
            return _record(ctx, JobOutcome(name, "ok", result, None, attempt), now)
        except digests.LedgerError as exc:   # a sending run stopped cleanly when the database failed
            log.warning("the database stopped recording a sending run", extra={"job": name, "error": str(exc)})
            if not exc.database_full and attempt < attempts:
                sleep(backoff_s * 2 ** (attempt - 1))
                continue
            outcome = JobOutcome(name, "failed", exc.report, str(exc), attempt)
        except OperationalError as exc:
            log.warning("database unavailable", extra={"job": name, "attempt": attempt, "error": str(exc.orig)})
            if storage.is_database_full(exc):   # not passing: waiting will not free the disk
                outcome = JobOutcome(name, "failed", None, f"the database is full ({exc.orig}): free space on the "
                                     "disk that holds it, then run the job again", attempt)
            elif attempt < attempts:
                sleep(backoff_s * 2 ** (attempt - 1))
                continue
            else:
                outcome = JobOutcome(name, "failed", None, f"database unavailable: {exc.orig}", attempt)
        except Exception as exc:  # the job loop: one job's bug must not stop the others
            log.exception("job failed", extra={"job": name})
            outcome = JobOutcome(name, "failed", None, f"{type(exc).__name__}: {exc}", attempt)
        try:
            return _record(ctx, outcome, now)
        except OperationalError as exc:
            log.error("could not record job run", extra={"job": name, "error": str(exc.orig)})
            return outcome
    raise AssertionError("unreachable: the last attempt returns")


def crawl_source_now(ctx: Context, name: str, now: datetime, *, actor: str) -> SourceOutcome | None:
    """Staff's "run now" for one source, due or not: crawl it, then tag what it found; audited, and
    recorded in the job log as a run of the crawl job.

    Raises storage.NotFoundError for an unknown name; None when the crawl returned nothing to report.
    """
    with ctx.sessions.begin() as session:
        row = storage.get_source(session, name)
        storage.record_audit(session, actor=actor, action="source:run", target_type="source", target_id=row.id,
                             now=now)
    outcome = run_job(ctx, "crawl", now, attempts=1, work=lambda c, n: crawl_and_tag(c, n, source_name=name))
    result = outcome.result
    return result.crawl.outcomes[0] if isinstance(result, CrawlAndTag) and result.crawl.outcomes else None


def _audit(ctx: Context, actor: str, action: str, target_type: str, target_id: int | None, now: datetime) -> None:
    with ctx.sessions.begin() as session:
        storage.record_audit(session, actor=actor, action=action, target_type=target_type, target_id=target_id,
                             now=now)


def _record(ctx: Context, outcome: JobOutcome, now: datetime) -> JobOutcome:
    summary = _summary_of(outcome.result)
    log.info("job finished", extra={"job": outcome.job, "status": outcome.status, "summary": summary,
                                    "error": outcome.error})
    with ctx.sessions.begin() as session:
        row = storage.start_job_run(session, outcome.job, now)
        storage.finish_job_run(row, datetime.now(timezone.utc), outcome.status, summary, outcome.error)
    return outcome


def _summary_of(result: Any) -> dict[str, Any]:
    if result is None:
        return {}
    if dataclasses.is_dataclass(result):
        return dataclasses.asdict(result)
    return {"value": result}


@dataclass(frozen=True)
class JobHealth:
    job: str
    status: str                 # ok, degraded, failed, missed or running
    started_at: datetime        # a missed run: when it was due
    finished_at: datetime | None
    error: str | None
    # A degraded send whose digests have all gone out (or been given up) since, by the retry job:
    # it is history now, and no longer makes the installation degraded.
    resolved: bool = False


@dataclass(frozen=True)
class FailingSource:
    name: str
    error: str | None
    failures: int               # in a row
    paused: bool


PROBLEM_STATUSES = ("degraded", "failed", "missed")
_PROBLEM_WORDS = {"degraded": "did only part of its work", "failed": "failed", "missed": "was missed"}
SENDING_JOBS = ("weekly_digest", "instant_alerts")


@dataclass(frozen=True)
class Health:
    """The state of the installation as operators need it: `fursa status` and `/healthz`."""

    jobs: tuple[JobHealth, ...]             # the latest run of each job
    failing_sources: tuple[FailingSource, ...]
    due_sources: tuple[str, ...]
    problems_last_7_days: int               # degraded, failed or missed job runs
    sources: int
    problems: tuple[JobHealth, ...] = ()    # those runs, newest first (at most 20)
    enabled_sources: int = 0
    failing_enabled: int = 0                # enabled sources whose last crawl failed
    # Why it is degraded, one sentence each, free of addresses and error texts (/healthz shows them
    # to anyone); empty when all is well.
    reasons: tuple[str, ...] = ()

    @property
    def degraded(self) -> bool:
        """A job's latest run failed, was missed or did only part of its work (and was not made good
        since), or most enabled sources failed their last crawl: something needs a look."""
        return bool(self.reasons)


def health(ctx: Context, now: datetime) -> Health:
    """Read the job log and the sources' health; raises the database's error if it is unreachable."""
    with ctx.sessions() as session:
        jobs = tuple(_job_health(r, _made_good(session, r)) for r in storage.latest_job_runs(session))
        sources = storage.list_sources(session)
        failing = tuple(FailingSource(s.name, s.last_error, s.consecutive_failures, bool(s.paused_reason))
                        for s in sources if s.last_status == "error")
        enabled = [s for s in sources if s.enabled]
        failing_enabled = sum(s.last_status == "error" for s in enabled)
        due = tuple(s.name for s in storage.due_sources(session, now))
        problems = storage.recent_problems(session, now - timedelta(days=7))
    reasons = [f"the latest {job.job} run {_PROBLEM_WORDS[job.status]}" for job in jobs
               if job.status in PROBLEM_STATUSES and not job.resolved]
    if enabled and 2 * failing_enabled > len(enabled):
        reasons.append(f"{failing_enabled} of {len(enabled)} enabled sources failed their last crawl")
    return Health(jobs, failing, due, len(problems), len(sources), tuple(_job_health(r) for r in problems[:20]),
                  len(enabled), failing_enabled, tuple(reasons))


def _made_good(session: Session, row: storage.JobRun) -> bool:
    """A degraded digest run none of whose digests is still waiting to be sent: the retry job finished it."""
    period = (row.summary or {}).get("period")
    if row.status != "degraded" or row.job not in SENDING_JOBS or not period:
        return False
    waiting = (storage.PENDING, storage.DEFERRED, storage.SENDING)
    return not any(state in waiting for state in storage.delivery_states(session, period).values())


def _job_health(row: storage.JobRun, resolved: bool = False) -> JobHealth:
    return JobHealth(row.job, row.status, row.started_at, row.finished_at, row.error, resolved)


def describe_research(ctx: Context, session: Session, subscriber: storage.Subscriber, *, keywords: str,
                      publications: str, orcid: str, now: datetime, actor: str,
                      refresh_orcid: bool = False) -> storage.ResearchProfile | None:
    """Store what a faculty member wrote about their research, with the fields and terms matching
    derives from it; all empty removes the profile.

    The texts' size and the ORCID iD's check digit are checked before anything is fetched. The works
    list is fetched when the iD is new or changed, or `refresh_orcid`; otherwise the stored titles are
    kept. Raises matching.ResearchInputError, crawlers.OrcidError or storage.InvalidSubscriberError
    with a message for the person, and stores nothing then."""
    matching.check_research_text(keywords, publications)
    orcid_id = crawlers.check_orcid_id(orcid) if orcid.strip() else ""
    stored = storage.research_profile_of(session, subscriber.id)
    works: tuple[str, ...] = ()
    fetched_at = None
    if orcid_id and stored is not None and stored.orcid == orcid_id and not refresh_orcid:
        works, fetched_at = tuple(stored.orcid_works or ()), stored.orcid_fetched_at
    elif orcid_id:
        found = crawlers.fetch_orcid_works(orcid_id, base_url=ctx.settings.orcid_api_base,
                                           timeout_s=ctx.settings.orcid_timeout_s)
        works, fetched_at = tuple(work.title for work in found), now
    profile = matching.build_research_profile(keywords, publications, works)
    entry = storage.ResearchEntry(
        keywords=keywords.strip(), publications=publications.strip(), orcid=orcid_id, orcid_works=works,
        orcid_fetched_at=fetched_at, fields=profile.fields, ford=profile.ford,
        terms=tuple((t.term, t.weight, t.label) for t in profile.terms))
    return storage.save_research_profile(session, subscriber, entry, actor=actor, now=now)
