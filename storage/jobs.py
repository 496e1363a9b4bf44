"""Job runs: what ran, when, how it ended, for `fursa status` and the staff desk."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fursa.storage.models import JobRun


def start_job_run(session: Session, job: str, now: datetime) -> JobRun:
    row = JobRun(job=job, started_at=now, status="running", summary={})
    session.add(row)
    session.flush()
    return row


def finish_job_run(row: JobRun, now: datetime, status: str, summary: dict[str, Any], error: str | None = None) -> None:
    row.finished_at = now
    row.status = status
    row.summary = summary
    row.error = error


def record_missed_job(session: Session, job: str, scheduled_for: datetime, now: datetime, reason: str) -> JobRun:
    """A run the scheduler skipped (past its grace time), kept so staff are told."""
    row = JobRun(job=job, started_at=scheduled_for, finished_at=now, status="missed", summary={}, error=reason)
    session.add(row)
    return row


def latest_job_runs(session: Session) -> Sequence[JobRun]:
    """The latest run of every job, by when it was due: a missed run is dated when it should have
    run, so a run recorded as missed after a later one ran (a backlog judged at once) is not the latest."""
    rank = func.row_number().over(partition_by=JobRun.job, order_by=(JobRun.started_at.desc(), JobRun.id.desc()))
    ranked = select(JobRun.id, rank.label("rank")).subquery()
    query = select(JobRun).join(ranked, JobRun.id == ranked.c.id).where(ranked.c.rank == 1).order_by(JobRun.job)
    return session.scalars(query).all()


def recent_problems(session: Session, since: datetime) -> Sequence[JobRun]:
    """Runs since `since` that failed, were missed, or were degraded (did part of their work), newest first."""
    query = (
        select(JobRun)
        .where(JobRun.started_at >= since, JobRun.status.in_(("degraded", "failed", "missed")))
        .order_by(JobRun.started_at.desc(), JobRun.id.desc())
    )
    return session.scalars(query).all()
