"""A scheduler restarted late keeps each job's promise (README, "The scheduler"): a run that fell due
while it was down runs once within its grace, and one past its grace is recorded as missed, for
`fursa status` and the desk. Time is moved in the stored job state, never waited for.
"""
from __future__ import annotations

import json
import queue
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED

from fursa import pipeline, scheduler
from tests.operations.conftest import job_runs
from tests.operations.schedulers import SchedulerProcess, move_next_run, scheduler_env, stored_next_run

HEBRON = ZoneInfo("Asia/Hebron")
RAN, MISSED = "ran once", "recorded as missed"

# How late each job's run may be and what then happens; the README's table says the same.
PROMISES = {
    # job: (late within its grace, outcome), (late past its grace, outcome)
    "crawl": ((timedelta(minutes=10), RAN), (timedelta(hours=3), RAN)),            # backlog folded into one run
    "instant_alerts": ((timedelta(minutes=5), RAN), (timedelta(hours=3), RAN)),
    "retry_deliveries": ((timedelta(minutes=10), RAN), (timedelta(hours=3), RAN)),
    "weekly_digest": ((timedelta(hours=1), RAN), (timedelta(hours=7), MISSED)),
    "expire": ((timedelta(hours=3), RAN), (timedelta(hours=30), RAN)),              # the latest day's run is due
    "limited_reminders": ((timedelta(hours=3), RAN), (timedelta(hours=30), RAN)),   # the ledger keeps it once
    "list_reminders": ((timedelta(hours=3), RAN), (timedelta(hours=30), RAN)),      # the ledger keeps it once
    "announcements": ((timedelta(minutes=2), RAN), (timedelta(hours=3), RAN)),     # the ledger keeps each copy once
    "retrain": ((timedelta(hours=3), RAN), (timedelta(hours=30), MISSED)),
}


def test_every_planned_job_has_a_promise_here(ctx):
    assert {plan.job for plan in scheduler.plans(ctx.settings)} == set(PROMISES)


def _start_once_and_stop(ctx: pipeline.Context) -> None:
    """A first scheduler stores its jobs and their next runs, then stops."""
    first = scheduler.build_scheduler(ctx)
    scheduler.start_scheduler(ctx, first, paused=True)
    first.shutdown(wait=False)


@pytest.mark.parametrize("case", [0, 1], ids=["within grace", "past grace"])
@pytest.mark.parametrize("job", sorted(PROMISES))
def test_a_run_that_fell_due_while_down_runs_once_or_is_recorded_as_missed(ctx, monkeypatch, job, case):
    late, outcome = PROMISES[job][case]
    _start_once_and_stop(ctx)
    due = datetime.now(timezone.utc).replace(microsecond=0) - late
    move_next_run(ctx, job, due)
    monkeypatch.setattr(scheduler, "_context", ctx)   # as run_forever sets it
    events: queue.Queue = queue.Queue()
    restarted = scheduler.build_scheduler(ctx)
    restarted.add_listener(lambda event: events.put(event) if event.job_id == job else None,
                           EVENT_JOB_EXECUTED | EVENT_JOB_MISSED | EVENT_JOB_ERROR)
    scheduler.start_scheduler(ctx, restarted)
    try:
        event = events.get(timeout=60)
    finally:
        restarted.shutdown(wait=True)
    assert event.code != EVENT_JOB_ERROR, event.exception
    runs = [run for run in job_runs(ctx) if run.job == job]
    if outcome == RAN:
        assert event.code == EVENT_JOB_EXECUTED
        assert [run.status for run in runs] == ["ok"], "one run, nothing recorded as missed"
    else:
        assert event.code == EVENT_JOB_MISSED and event.scheduled_run_time == due
        missed = [run for run in runs if run.status == "missed"]
        assert len(missed) == 1 and missed[0].started_at == due and "grace time had passed" in missed[0].error
    assert stored_next_run(ctx, job) > datetime.now(timezone.utc), "the schedule goes on"


def _digest_at(moment: datetime) -> dict[str, str]:
    """Settings putting the weekly digest at `moment`'s weekday and hour in Hebron."""
    local = moment.astimezone(HEBRON)
    return {"digest_weekday": str(local.weekday()), "digest_hour": str(local.hour)}


@pytest.mark.parametrize("late, outcome", [(timedelta(hours=1), "ok"), (timedelta(hours=7), "missed")])
def test_fursa_scheduler_restarted_late_sends_the_weekly_digest_or_says_it_missed_it(make_ctx, tmp_path, late,
                                                                                      outcome):
    """The issue's case: stopped before the digest hour, started again an hour (or seven) after it."""
    hour = (datetime.now(timezone.utc) - late).astimezone(HEBRON).replace(minute=0, second=0, microsecond=0)
    settings = _digest_at(hour)
    ctx = make_ctx(digest_weekday=int(settings["digest_weekday"]), digest_hour=int(settings["digest_hour"]))
    env = scheduler_env(ctx, tmp_path / "outbox", **settings)
    with SchedulerProcess(tmp_path, env) as first:
        first.wait_for("scheduler started")
        assert first.stop() == 0, first.output
    # It was stopped before the digest's hour: its stored next run is that hour, now `late` ago.
    move_next_run(ctx, "weekly_digest", hour)
    with SchedulerProcess(tmp_path, env) as second:
        second.wait_for("scheduler started")
        if outcome == "ok":
            second.wait_for("job finished", '"weekly_digest"')
        else:
            second.wait_for("job missed", '"weekly_digest"')
        assert second.stop() == 0, second.output
    runs = [(run.status, run.started_at) for run in job_runs(ctx) if run.job == "weekly_digest"]
    assert [status for status, _ in runs] == [outcome]
    if outcome == "missed":
        assert runs[0][1] == hour.astimezone(timezone.utc)
    status = subprocess.run([sys.executable, "-m", "fursa.cli", "status", "--format", "json"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    (weekly,) = [job for job in report["jobs"] if job["job"] == "weekly_digest"]
    assert weekly["status"] == outcome
    if outcome == "missed":
        assert "grace time had passed" in weekly["error"] and report["problems_last_7_days"] >= 1
