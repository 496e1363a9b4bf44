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
from typing import Callable
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import OperationalError

from fursa import pipeline, storage

log = logging.getLogger("fursa.scheduler")

# The persistent job store pickles a reference to each job's function and its arguments, so jobs
# name what to run ("crawl") and reach the live context through this module, set at start.
_context: pipeline.Context | None = None


@dataclass(frozen=True)
class Plan:
    """When one job runs and how it behaves when the process was down at that moment.

    `grace_s`: how late a run may still start after downtime; past it the run is skipped and
    recorded as missed, so staff are told. `coalesce` folds a backlog of runs into one, the latest
    (frequent jobs, where the latest always falls within its grace); without it each run that fell
    due is judged alone, so every week a weekly job was down is recorded as missed, and at most one,
    within its grace, is run.
    """

    job: str
    trigger: BaseTrigger
    grace_s: int
    coalesce: bool = True
    when: str = ""          # the schedule in words, for the start-up announcement


_DAY_NAMES = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")


def plans(settings) -> tuple[Plan, ...]:
    zone = settings.timezone
    planned = (
        # Each source has its own interval; this only asks storage which are due, so it runs often.
        Plan("crawl", IntervalTrigger(minutes=15, timezone=zone), grace_s=15 * 60, when="every 15 minutes"),
        Plan("instant_alerts", IntervalTrigger(minutes=10, timezone=zone), grace_s=10 * 60, when="every 10 minutes"),
        # Messages the server deferred, and runs that paused or died, are taken up again; each
        # deferred message waits longer after each try (digests.retries).
        Plan("retry_deliveries", IntervalTrigger(minutes=15, timezone=zone), grace_s=15 * 60,
             when="every 15 minutes"),
        # A weekly digest missed by up to six hours still goes out once; later than that it would
        # land in the middle of the week, so it is skipped and recorded as missed.
        Plan("weekly_digest", CronTrigger(day_of_week=_cron_day(settings.digest_weekday),
                                          hour=settings.digest_hour, timezone=zone), grace_s=6 * 3600,
             coalesce=False, when=f"{_DAY_NAMES[settings.digest_weekday]} {settings.digest_hour:02d}:00 {zone}"),
        # Limited submissions: reminders before internal deadlines; the reminder ledger sends each once.
        Plan("limited_reminders", CronTrigger(hour=8, timezone=zone), grace_s=24 * 3600,
             when=f"daily 08:00 {zone}"),
        # Saved calls: reminders 14 and 3 days before they close; the ledger sends each once.
        Plan("list_reminders", CronTrigger(hour=9, timezone=zone), grace_s=24 * 3600, when=f"daily 09:00 {zone}"),
        # Announcements staff scheduled go out within five minutes of their time; the ledger sends each once.
        Plan("announcements", IntervalTrigger(minutes=5, timezone=zone), grace_s=5 * 60, when="every 5 minutes"),
        # Expiring catches up on every day it missed in one run.
        Plan("expire", CronTrigger(hour=2, minute=30, timezone=zone), grace_s=24 * 3600, when=f"daily 02:30 {zone}"),
        Plan("retrain", CronTrigger(day_of_week="sat", hour=3, timezone=zone), grace_s=24 * 3600, coalesce=False,
             when=f"Saturdays 03:00 {zone}"),
    )
    # Telegram channels, when configured: newly approved calls within ten minutes, at Telegram's pace.
    if settings.telegram_channels:
        planned += (Plan("telegram", IntervalTrigger(minutes=10, timezone=zone), grace_s=10 * 60,
                         when="every 10 minutes"),)
    return planned


@dataclass(frozen=True)
class NextRun:
    """When a job runs next, for the line the scheduler prints on start."""

    job: str
    at: datetime | None       # None: paused
    when: str                 # its schedule in words


def next_runs(ctx: pipeline.Context, scheduler: BackgroundScheduler) -> tuple[NextRun, ...]:
    """Each planned job's next run, soonest first, as the started scheduler has it."""
    words = {plan.job: plan.when for plan in plans(ctx.settings)}
    runs = [NextRun(job.id, job.next_run_time, words.get(job.id, "")) for job in scheduler.get_jobs()]
    far = datetime.max.replace(tzinfo=timezone.utc)
    return tuple(sorted(runs, key=lambda run: (run.at or far, run.job)))


def describe_next_run(run: NextRun, zone: str) -> str:
    """`crawl: next Sun 6 Dec 20:45 EET (18:45 UTC); every 15 minutes` — local time first, then UTC."""
    if run.at is None:
        return f"{run.job}: paused; {run.when}"
    local, utc = run.at.astimezone(ZoneInfo(zone)), run.at.astimezone(timezone.utc)
    return (f"{run.job}: next {local:%a} {local.day} {local:%b %H:%M %Z} ({utc:%a %H:%M} UTC); {run.when}")


def _cron_day(weekday: int) -> str:
    return ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[weekday]


def run_named_job(name: str) -> None:
    """The function every stored job points at: run pipeline job `name` now."""
    if _context is None:
        raise RuntimeError("scheduler jobs run only inside `fursa scheduler`")
    pipeline.run_job(_context, name, datetime.now(timezone.utc))


def build_scheduler(ctx: pipeline.Context) -> BackgroundScheduler:
    """A scheduler on the database's job store, not started: `start_scheduler` starts it with its jobs."""
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=ctx.engine, tablename="scheduler_jobs")},
        executors={"default": {"type": "threadpool", "max_workers": 2}},
        timezone=ctx.settings.timezone,
    )
    scheduler.add_listener(lambda event: record_missed(ctx, event), EVENT_JOB_MISSED)
    return scheduler


def start_scheduler(ctx: pipeline.Context, scheduler: BackgroundScheduler, *, paused: bool = False) -> None:
    """Start `scheduler` with every plan's job, keeping the next run time each stored job already had.

    A stored job whose schedule is unchanged keeps its next run time, so a run that fell due while
    the process was down is run on start if within its grace, or recorded as missed (re-adding the
    job would compute the next run from now and skip it silently). A job whose schedule changed in
    the settings starts afresh from now; a stored job no plan names any more is removed.
    """
    scheduler.start(paused=True)   # the job store opens, nothing runs until the jobs are in place
    wanted = {plan.job: plan for plan in plans(ctx.settings)}
    for job in scheduler.get_jobs():
        if job.id not in wanted:
            log.info("stored job no longer planned; removed", extra={"job": job.id})
            scheduler.remove_job(job.id)
    for plan in wanted.values():
        options = dict(name=plan.job, coalesce=plan.coalesce, max_instances=1, misfire_grace_time=plan.grace_s)
        stored = scheduler.get_job(plan.job)
        if stored is None:
            scheduler.add_job(run_named_job, plan.trigger, args=(plan.job,), id=plan.job, **options)
            continue
        scheduler.modify_job(plan.job, func=run_named_job, args=(plan.job,), **options)
        if schedule_of(stored.trigger) != schedule_of(plan.trigger):
            log.info("job schedule changed; next run counted from now", extra={"job": plan.job})
            scheduler.reschedule_job(plan.job, trigger=plan.trigger)
        elif stored.next_run_time is not None and stored.next_run_time <= datetime.now(timezone.utc):
            log.info("job fell due while the scheduler was down", extra={
                "job": plan.job, "scheduled": stored.next_run_time.isoformat(), "grace_s": plan.grace_s})
    if not paused:
        scheduler.resume()


def schedule_of(trigger: BaseTrigger) -> tuple[str, str, str]:
    """What makes two triggers the same schedule (an interval trigger's start moment does not)."""
    return type(trigger).__name__, str(trigger), str(getattr(trigger, "timezone", ""))


def record_missed(ctx: pipeline.Context, event: JobExecutionEvent) -> None:
    """A run skipped after downtime goes into the job log, where `fursa status` and the desk show it."""
    now = datetime.now(timezone.utc)
    scheduled = event.scheduled_run_time.astimezone(ZoneInfo(ctx.settings.timezone))
    reason = f"skipped: the scheduler was not running at {scheduled:%Y-%m-%d %H:%M %Z} " \
             "and the run's grace time had passed"
    log.warning("job missed", extra={"job": event.job_id, "scheduled": str(event.scheduled_run_time)})
    with ctx.sessions.begin() as session:
        storage.record_missed_job(session, event.job_id, event.scheduled_run_time.astimezone(timezone.utc), now, reason)


def run_forever(ctx: pipeline.Context, stop: threading.Event | None = None,
                lock: storage.SchedulerLock | None = None,
                announce: Callable[[tuple[NextRun, ...]], None] | None = None) -> None:
    """Hold the lock, run the jobs until SIGTERM/SIGINT (or `stop`), let the job in flight finish.

    `announce` is told, once the jobs are in place, when each runs next (the CLI prints it, so an
    operator sees at once that the scheduler is alive and what it will do).

    The lock lives in the database (storage.SchedulerLock), so one scheduler runs per database
    wherever it is started. It is renewed while the scheduler runs; if it is lost, the scheduler
    stops and LockLostError is raised. LockHeldError: another scheduler holds it.
    """
    global _context
    stop = stop or threading.Event()
    lock = lock or storage.SchedulerLock(ctx.engine)
    lost: list[storage.LockLostError] = []
    with lock:
        _context = ctx
        scheduler = build_scheduler(ctx)
        if threading.current_thread() is threading.main_thread():
            for number in (signal.SIGTERM, signal.SIGINT):
                signal.signal(number, lambda *_: stop.set())
        keeper = threading.Thread(target=keep_lock, args=(lock, stop, lost), name="fursa-lock", daemon=True)
        keeper.start()
        start_scheduler(ctx, scheduler)
        log.info("scheduler started", extra={"jobs": [job.id for job in scheduler.get_jobs()]})
        if announce is not None:
            announce(next_runs(ctx, scheduler))
        stop.wait()
        log.info("scheduler stopping; waiting for the job in flight")
        scheduler.shutdown(wait=True)
        _context = None
        keeper.join()
    if lost:
        raise lost[0]


def keep_lock(lock: storage.SchedulerLock, stop: threading.Event, lost: list) -> None:
    """Renew the lock until `stop`; when it is lost, note why and stop the scheduler."""
    while not stop.wait(lock.renew_every_s):
        try:
            lock.renew()
        except storage.LockLostError as exc:
            log.error("scheduler lock lost; stopping", extra={"error": str(exc)})
            lost.append(exc)
            stop.set()
        except OperationalError as exc:   # busy or briefly unreachable: the lease has time for another try
            log.warning("could not renew the scheduler lock; trying again", extra={"error": str(exc.orig)})
