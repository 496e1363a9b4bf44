"""The scheduler: one per database, weekly digests once per week across DST, missed runs recorded."""
from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from fursa import digests, scheduler, storage
from tests.operations.conftest import PROJECT_ROOT

HEBRON = ZoneInfo("Asia/Hebron")


def test_a_second_scheduler_on_the_same_database_is_refused(ctx):
    engine = ctx.engine
    with storage.SchedulerLock(engine):
        with pytest.raises(storage.LockHeldError, match="another scheduler"):
            storage.SchedulerLock(engine).acquire()
    # Released with the first: a new scheduler may start.
    storage.SchedulerLock(engine).acquire().release()


def test_weekly_digest_fires_once_a_week_at_08_local_across_both_dst_changes(ctx):
    (plan,) = [p for p in scheduler.plans(ctx.settings) if p.job == "weekly_digest"]
    fire = plan.trigger.get_next_fire_time(None, datetime(2026, 1, 1, tzinfo=HEBRON))
    fires = []
    while fire < datetime(2028, 1, 1, tzinfo=HEBRON):
        fires.append(fire)
        fire = plan.trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    local = [f.astimezone(HEBRON) for f in fires]
    offsets = {f.utcoffset() for f in local}
    assert offsets == {timedelta(hours=2), timedelta(hours=3)}, "the range must cross DST both ways"
    assert all(f.weekday() == 6 and (f.hour, f.minute) == (8, 0) for f in local)
    weeks = [f.isocalendar()[:2] for f in local]
    first, end = date(2026, 1, 1), date(2028, 1, 1)
    sundays = sum((first + timedelta(days=n)).weekday() == 6 for n in range((end - first).days))
    assert len(weeks) == len(set(weeks)) == sundays
    # The ledger's period for each firing is distinct, so no week is sent twice or skipped.
    periods = [digests.digest_period(f.astimezone(timezone.utc), ctx.delivery_config) for f in fires]
    assert len(set(periods)) == len(periods)
    gaps = {b - a for a, b in zip(fires, fires[1:])}
    assert gaps <= {timedelta(days=7), timedelta(days=7, hours=1), timedelta(days=7, hours=-1)}


@pytest.mark.parametrize("start_utc, end_utc", [
    # Summer time ended at 02:00 on Saturday 24 October 2026 (clocks back to 01:00).
    (datetime(2026, 10, 23, 9, 0, tzinfo=timezone.utc), datetime(2026, 10, 25, 5, 30, tzinfo=timezone.utc)),
    # Summer time began at 02:00 on Saturday 28 March 2026 (clocks forward to 03:00).
    (datetime(2026, 3, 27, 9, 0, tzinfo=timezone.utc), datetime(2026, 3, 29, 4, 30, tzinfo=timezone.utc)),
])
def test_the_clock_jumping_across_dst_keeps_one_period_until_the_next_sunday(ctx, start_utc, end_utc):
    config = ctx.delivery_config
    instants = [start_utc + timedelta(minutes=30 * i) for i in range(int((end_utc - start_utc) / timedelta(minutes=30)) + 1)]
    assert len({t.astimezone(HEBRON).utcoffset() for t in instants}) == 2, "the window must cross the change"
    assert len({digests.digest_period(t, config) for t in instants}) == 1
    # Half an hour after the window, Sunday 08:00 local has come: exactly one new period.
    after = {digests.digest_period(t, config) for t in instants + [end_utc + timedelta(minutes=30)]}
    assert len(after) == 2


def test_stored_jobs_survive_a_restart_without_duplicates_and_keep_their_next_run(ctx):
    first = scheduler.build_scheduler(ctx)
    scheduler.start_scheduler(ctx, first, paused=True)
    planned = {job.id: job.next_run_time for job in first.get_jobs()}
    first.shutdown(wait=False)
    second = scheduler.build_scheduler(ctx)
    scheduler.start_scheduler(ctx, second, paused=True)
    try:
        assert {job.id: job.next_run_time for job in second.get_jobs()} == planned
        assert set(planned) == {plan.job for plan in scheduler.plans(ctx.settings)}
    finally:
        second.shutdown(wait=False)


def test_a_changed_schedule_starts_afresh_and_a_job_no_longer_planned_is_removed(make_ctx):
    ctx = make_ctx(digest_weekday=6, digest_hour=8)
    first = scheduler.build_scheduler(ctx)
    scheduler.start_scheduler(ctx, first, paused=True)
    first.add_job(scheduler.run_named_job, "interval", hours=1, args=("old_job",), id="old_job")
    first.shutdown(wait=False)
    moved = make_ctx(digest_weekday=0, digest_hour=9)   # the same database, digests moved to Monday 09:00
    second = scheduler.build_scheduler(moved)
    scheduler.start_scheduler(moved, second, paused=True)
    try:
        assert second.get_job("old_job") is None
        nxt = second.get_job("weekly_digest").next_run_time.astimezone(HEBRON)
        assert (nxt.weekday(), nxt.hour) == (0, 9)
    finally:
        second.shutdown(wait=False)


def _lines(stream, into: queue.Queue) -> None:
    for line in stream:
        into.put(line)
    into.put(None)


def test_sigterm_stops_the_scheduler_cleanly_and_frees_the_lock(make_ctx, tmp_path):
    ctx = make_ctx()
    env = dict(os.environ, FURSA_DATABASE_URL=ctx.settings.database_url, FURSA_CATALOGUE=str(ctx.catalogue_path),
               FURSA_MODEL_DIR=str(ctx.settings.model_dir), FURSA_WEEKEND_DAYS="[]",
               FURSA_OUTBOX_DIR=str(tmp_path / "outbox"))
    child = subprocess.Popen([sys.executable, "-m", "fursa.cli", "-v", "scheduler"], cwd=PROJECT_ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_lines, args=(child.stdout, lines), daemon=True).start()
    seen = []
    try:
        while not any("scheduler started" in line for line in seen):
            line = lines.get(timeout=60)
            assert line is not None, "the scheduler exited before starting:\n" + "".join(seen)
            seen.append(line)
        with pytest.raises(storage.LockHeldError):
            storage.SchedulerLock(ctx.engine).acquire()
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=60) == 0
    finally:
        if child.poll() is None:
            child.kill()
    storage.SchedulerLock(ctx.engine).acquire().release()
