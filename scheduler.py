"""The long-running process: APScheduler 3 runs each pipeline job on its clock.

Jobs live in the project's database (SQLAlchemy job store), so a restart keeps the schedule and
knows what was missed. Only `cli.py` imports this module.
"""
from __future__ import annotations

import fcntl
import logging
import signal
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

import pipeline

log = logging.getLogger("fursa.scheduler")

# APScheduler's persistent store pickles a reference to each job's function, not its arguments'
# live objects, so the jobs reach the context through this module once `run_forever` sets it.
_context: pipeline.Context | None = None

CRAWL_EVERY_MINUTES = 15
WEEKLY_GRACE_S = 6 * 3600


class SchedulerLockedError(Exception):
    """Raised by run_forever when another scheduler already runs on the same database."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _ctx() -> pipeline.Context:
    if _context is None:
        raise RuntimeError("scheduler jobs run only inside `fursa scheduler`")
    return _context


def job_crawl_and_tag() -> None:
    """Every source is due on its own interval; this job only asks storage which ones are due."""
    now = _now()
    summary = pipeline.crawl_due(_ctx(), now)
    tags = pipeline.tag_new(_ctx(), now)
    log.info("crawl done", extra={"sources": len(summary.outcomes), "failed": len(summary.failed),
                                  "new": summary.new_items, "tagged": tags.tagged})


def job_weekly_digest() -> None:
    report = pipeline.send_due_digests(_ctx(), _now())
    log.info("weekly digest done: %s", report.describe())


def job_expire() -> None:
    log.info("expired %d calls", pipeline.expire_calls(_ctx(), _now()))


def build_scheduler(ctx: pipeline.Context) -> BlockingScheduler:
    settings = ctx.settings
    engine = ctx.sessions.kw["bind"]
    scheduler = BlockingScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename="scheduler_jobs")},
        timezone=settings.timezone,
        # One instance of each job at a time, and a backlog of missed runs collapses into one.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 15 * 60},
    )
    scheduler.add_job(job_crawl_and_tag, IntervalTrigger(minutes=CRAWL_EVERY_MINUTES), id="crawl",
                      replace_existing=True, next_run_time=_now())
    scheduler.add_job(
        job_weekly_digest,
        CronTrigger(day_of_week=settings.digest_weekday, hour=settings.digest_hour, timezone=settings.timezone),
        id="weekly_digest", replace_existing=True, misfire_grace_time=WEEKLY_GRACE_S,
    )
    scheduler.add_job(job_expire, CronTrigger(hour=2, timezone=settings.timezone), id="expire", replace_existing=True)
    return scheduler


def acquire_lock(folder: Path) -> IO[str]:
    """One scheduler per installation: a second one exits instead of sending digests twice."""
    folder.mkdir(parents=True, exist_ok=True)
    handle = (folder / "scheduler.lock").open("w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise SchedulerLockedError(f"another `fursa scheduler` holds {folder / 'scheduler.lock'}; stop it first") from None
    return handle


def run_forever(ctx: pipeline.Context) -> None:
    global _context
    lock = acquire_lock(ctx.settings.model_dir)
    _context = ctx
    scheduler = build_scheduler(ctx)
    # SIGTERM (systemd stop) lets the job in flight finish before the process exits.
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=True))
    try:
        scheduler.start()
    finally:
        lock.close()
