"""The job runner: failures are recorded and contained; a locked or unreachable database is retried."""
from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy.exc import OperationalError

from fursa import pipeline
from tests.operations.conftest import job_runs

NOW = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)


def test_a_raising_job_is_logged_recorded_and_the_next_job_still_runs(ctx, monkeypatch, caplog):
    def broken(_ctx, _now):
        raise ValueError("template missing")

    monkeypatch.setitem(pipeline.JOBS, "expire", broken)
    failed = pipeline.run_job(ctx, "expire", NOW)
    ok = pipeline.run_job(ctx, "instant_alerts", NOW)

    assert failed.status == "failed" and "ValueError: template missing" in failed.error
    assert ok.status == "ok"
    assert [(r.job, r.status) for r in job_runs(ctx)] == [("expire", "failed"), ("instant_alerts", "ok")]
    assert any(getattr(r, "job", None) == "expire" and r.levelname == "ERROR" for r in caplog.records)


def test_an_unavailable_database_is_retried_with_backoff(ctx, monkeypatch):
    calls, waits = [], []

    def flaky(_ctx, now):
        calls.append(now)
        if len(calls) < 3:
            raise OperationalError("SELECT 1", {}, Exception("could not connect to server"))
        return pipeline.expire_calls(_ctx, now)

    monkeypatch.setitem(pipeline.JOBS, "expire", flaky)
    outcome = pipeline.run_job(ctx, "expire", NOW, backoff_s=2.0, sleep=waits.append)
    assert outcome.status == "ok" and outcome.attempts == 3
    assert waits == [2.0, 4.0]
    assert [r.status for r in job_runs(ctx)] == ["ok"]


def test_a_database_that_stays_unavailable_fails_the_run_with_a_reason(ctx, monkeypatch):
    def down(_ctx, _now):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setitem(pipeline.JOBS, "expire", down)
    outcome = pipeline.run_job(ctx, "expire", NOW, attempts=3, sleep=lambda _: None)
    assert outcome.status == "failed" and outcome.attempts == 3
    assert "connection refused" in outcome.error


def test_a_sqlite_lock_held_by_another_process_is_waited_out(make_ctx, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's database-wide write lock; PostgreSQL locks rows")
    ctx = make_ctx(database_busy_timeout_s=0.2)
    other = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    released = threading.Event()

    def release_then_wait(seconds: float) -> None:
        other.execute("COMMIT")
        released.set()

    outcome = pipeline.run_job(ctx, "expire", NOW, sleep=release_then_wait)
    other.close()
    assert released.is_set(), "the first attempt should have met the lock"
    assert outcome.status == "ok" and outcome.attempts == 2
    assert [r.status for r in job_runs(ctx)] == ["ok"]
