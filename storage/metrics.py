"""Read-only totals for monitoring (`/metrics`): sources' health, crawl and job history, the ledger, the queue.

Everything is read from the database when asked, so several web workers report the same figures.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fursa.storage.curation import delivery_totals, status_counts
from fursa.storage.deliveries import DELIVERY_STATES
from fursa.storage.jobs import latest_job_runs
from fursa.storage.models import JobRun, Source, SourceRun, Subscriber

# A source is in exactly one of these states.
SOURCE_STATES = ("ok", "failing", "paused", "disabled", "never")
# What a crawl ended as (record_fetch), and a call's statuses: reported as 0 when none are stored.
CRAWL_STATUSES = ("ok", "not_modified", "error")
CALL_STATUSES = ("new", "approved", "rejected", "expired")
# Job runs that did not run: they have no duration.
_DID_NOT_RUN = ("missed", "running")


@dataclass(frozen=True)
class SourceMetrics:
    """One source: its health row and the totals of its crawl history."""

    name: str
    state: str                          # one of SOURCE_STATES
    consecutive_failures: int
    items_seen: int                     # items its latest crawl returned
    last_success_at: datetime | None
    crawls: dict[str, int] = field(default_factory=dict)   # crawl status (ok, not_modified, error) → crawls
    items_new: int = 0                  # new calls over all its crawls


@dataclass(frozen=True)
class JobMetrics:
    """One job: its latest run, the latest run that ran, the latest run that ended ok, runs by status."""

    job: str
    last_status: str
    last_started_at: datetime
    last_duration_s: float | None       # of the latest run that ran (a missed run has no duration)
    last_ok_at: datetime | None
    runs: dict[str, int] = field(default_factory=dict)     # status → runs


@dataclass(frozen=True)
class MetricsSnapshot:
    """What /metrics reports, read in one session."""

    sources: tuple[SourceMetrics, ...]
    jobs: tuple[JobMetrics, ...]
    deliveries: dict[str, int]          # ledger state → rows, over all periods
    calls: dict[str, int]               # call status → calls (merged duplicates left out)
    subscribers: dict[str, int]         # subscriber status → subscribers
    bouncing_subscribers: int           # active subscribers whose latest delivery bounced

    @property
    def review_queue(self) -> int:
        """Calls waiting for staff: status new, as the desk's review queue counts them."""
        return self.calls.get("new", 0)

    @property
    def weekly_digest_missed(self) -> bool:
        """The weekly digest's latest run was skipped and recorded as missed."""
        return any(job.job == "weekly_digest" and job.last_status == "missed" for job in self.jobs)


def read_metrics(session: Session) -> MetricsSnapshot:
    """Every figure /metrics reports; a handful of aggregate queries, no writes."""
    return MetricsSnapshot(
        sources=source_metrics(session),
        jobs=job_metrics(session),
        deliveries=dict.fromkeys(DELIVERY_STATES, 0) | delivery_totals(session),
        calls=dict.fromkeys(CALL_STATUSES, 0) | status_counts(session),
        subscribers={status: count for status, count in session.execute(
            select(Subscriber.status, func.count()).group_by(Subscriber.status))},
        bouncing_subscribers=session.scalar(select(func.count()).select_from(Subscriber).where(
            Subscriber.status == "active", Subscriber.bounces > 0)) or 0,
    )


def source_metrics(session: Session) -> tuple[SourceMetrics, ...]:
    """Every source by name, with its state, health figures and crawl totals."""
    crawls: dict[int, dict[str, int]] = {}
    items_new: dict[int, int] = {}
    history = (select(SourceRun.source_id, SourceRun.status, func.count(),
                      func.coalesce(func.sum(SourceRun.items_new), 0))
               .group_by(SourceRun.source_id, SourceRun.status))
    for source_id, status, count, new in session.execute(history):
        crawls.setdefault(source_id, dict.fromkeys(CRAWL_STATUSES, 0))[status] = count
        items_new[source_id] = items_new.get(source_id, 0) + int(new)
    rows = session.scalars(select(Source).order_by(Source.name))
    return tuple(SourceMetrics(name=row.name, state=source_state(row), consecutive_failures=row.consecutive_failures,
                               items_seen=row.items_seen, last_success_at=row.last_success_at,
                               crawls=crawls.get(row.id, dict.fromkeys(CRAWL_STATUSES, 0)),
                               items_new=items_new.get(row.id, 0))
                 for row in rows)


def source_state(row: Source) -> str:
    """disabled (staff paused it), paused (stopped after failures), failing (its latest crawl failed),
    never (not crawled yet) or ok."""
    if not row.enabled:
        return "disabled"
    if row.paused_reason:
        return "paused"
    if row.last_status == "error":
        return "failing"
    if row.last_status == "never":
        return "never"
    return "ok"


def job_metrics(session: Session) -> tuple[JobMetrics, ...]:
    """Every job that has a run in the log, by name."""
    runs: dict[str, dict[str, int]] = {}
    for job, status, count in session.execute(
            select(JobRun.job, JobRun.status, func.count()).group_by(JobRun.job, JobRun.status)):
        runs.setdefault(job, {})[status] = count
    last_ok = dict(session.execute(
        select(JobRun.job, func.max(JobRun.started_at)).where(JobRun.status == "ok").group_by(JobRun.job)).all())
    durations = _latest_durations(session)
    return tuple(JobMetrics(job=row.job, last_status=row.status, last_started_at=row.started_at,
                            last_duration_s=durations.get(row.job), last_ok_at=last_ok.get(row.job),
                            runs=runs.get(row.job, {}))
                 for row in latest_job_runs(session))


def _latest_durations(session: Session) -> dict[str, float]:
    """job → seconds its latest finished run took (never negative: a run given an earlier `now` by a test)."""
    rank = func.row_number().over(partition_by=JobRun.job, order_by=(JobRun.started_at.desc(), JobRun.id.desc()))
    ranked = (select(JobRun.job, JobRun.started_at, JobRun.finished_at, rank.label("rank"))
              .where(JobRun.status.not_in(_DID_NOT_RUN), JobRun.finished_at.is_not(None)).subquery())
    rows = session.execute(select(ranked.c.job, ranked.c.started_at, ranked.c.finished_at).where(ranked.c.rank == 1))
    return {job: max(0.0, (finished - started).total_seconds()) for job, started, finished in rows}
