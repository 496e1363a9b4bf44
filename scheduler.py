"""The long-running process: APScheduler 3 runs each pipeline job on its clock.

Jobs live in the project's database (SQLAlchemy job store), so a restart keeps the schedule and
knows what it missed. Only the CLI (`fursa.cli`) imports this module.
"""
from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass
from datetime import datetime, timezone

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from fursa import pipeline, storage

log = logging.getLogger("fursa.scheduler")

# The persistent job store pickles a reference to each job's function and its arguments, so jobs
# name what to run ("crawl") and reach the live context through this module, set at start.
_context: pipeline.Context | None = None


@dataclass(frozen=True)
class Plan:
    """When one job runs and how it behaves when the process was down at that moment.

    `grace_s`: how late a run may still start after downtime; past it the run is skipped and
    recorded as missed, so staff are told. `coalesce` folds a backlog of missed runs into one.
    """

    job: str
    trigger: BaseTrigger
    grace_s: int
    coalesce: bool = True


def plans(settings) -> tuple[Plan, ...]:
    zone = settings.timezone
    return (
        # Each source has its own interval; this only asks storage which are due, so it runs often.
        Plan("crawl", IntervalTrigger(minutes=15, timezone=zone), grace_s=15 * 60),
        Plan("instant_alerts", IntervalTrigger(minutes=10, timezone=zone), grace_s=10 * 60),
        # A weekly digest missed by up to six hours still goes out once; later than that it would
        # land in the middle of the week, so it is skipped and recorded as missed.
        Plan("weekly_digest", CronTrigger(day_of_week=_cron_day(settings.digest_weekday),
                                          hour=settings.digest_hour, timezone=zone), grace_s=6 * 3600),
        Plan("expire", CronTrigger(hour=2, minute=30, timezone=zone), grace_s=24 * 3600),
        Plan("retrain", CronTrigger(day_of_week="sat", hour=3, timezone=zone), grace_s=24 * 3600),
    )


def _cron_day(weekday: int) -> str:
    return ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[weekday]


def run_named_job(name: str) -> None:
    """The function every stored job points at: run pipeline job `name` now."""
    if _context is None:
        raise RuntimeError("scheduler jobs run only inside `fursa scheduler`")
    pipeline.run_job(_context, name, datetime.now(timezone.utc))


def build_scheduler(ctx: pipeline.Context) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=ctx.engine, tablename="scheduler_jobs")},
        executors={"default": {"type": "threadpool", "max_workers": 2}},
        timezone=ctx.settings.timezone,
    )
    for plan in plans(ctx.settings):
        scheduler.add_job(
            run_named_job, plan.trigger, args=(plan.job,), id=plan.job, name=plan.job, replace_existing=True,
            coalesce=plan.coalesce, max_instances=1, misfire_grace_time=plan.grace_s,
        )
    scheduler.add_listener(lambda event: record_missed(ctx, event), EVENT_JOB_MISSED)
    return scheduler


def record_missed(ctx: pipeline.Context, event: JobExecutionEvent) -> None:
    """A run skipped after downtime goes into the job log, where `fursa status` and the desk show it."""
    now = datetime.now(timezone.utc)
    reason = f"skipped: the scheduler was not running at {event.scheduled_run_time:%Y-%m-%d %H:%M %Z} " \
             "and the run's grace time had passed"
    log.warning("job missed", extra={"job": event.job_id, "scheduled": str(event.scheduled_run_time)})
    with ctx.sessions.begin() as session:
        storage.record_missed_job(session, event.job_id, event.scheduled_run_time.astimezone(timezone.utc), now, reason)


def run_forever(ctx: pipeline.Context, stop: threading.Event | None = None) -> None:
    """Hold the lock, run the jobs until SIGTERM/SIGINT (or `stop`), let the job in flight finish."""
    global _context
    stop = stop or threading.Event()
    with storage.SchedulerLock(ctx.engine, ctx.settings.model_dir):
        _context = ctx
        scheduler = build_scheduler(ctx)
        if threading.current_thread() is threading.main_thread():
            for number in (signal.SIGTERM, signal.SIGINT):
                signal.signal(number, lambda *_: stop.set())
        scheduler.start()
        log.info("scheduler started", extra={"jobs": [job.id for job in scheduler.get_jobs()]})
        stop.wait()
        log.info("scheduler stopping; waiting for the job in flight")
        scheduler.shutdown(wait=True)
        _context = None
