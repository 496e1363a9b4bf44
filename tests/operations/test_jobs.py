"""The job runner: failures are recorded and contained; a locked or unreachable database is retried."""
from __future__ import annotations

import socket
import sqlite3
import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy.exc import OperationalError

from fursa import pipeline
from fursa.settings import load_settings
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


def _closed_port() -> int:
    """A loopback port nothing listens on: bound to get a free one, closed when the block ends."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_database_that_stays_unavailable_fails_the_run_with_a_reason(tmp_path, caplog):
    """A real PostgreSQL URL whose server is not there: every attempt fails to connect, the runner
    waits longer each time, then gives up with the driver's reason (and cannot log the run there)."""
    port = _closed_port()
    ctx = pipeline.make_context(load_settings(
        database_url=f"postgresql+psycopg://fursa@127.0.0.1:{port}/fursa", outbox_dir=tmp_path / "outbox",
        catalogue=tmp_path / "catalogue.toml", model_dir=tmp_path / ".fursa"))
    waits: list[float] = []
    with caplog.at_level("WARNING", logger="fursa.pipeline"):
        outcome = pipeline.run_job(ctx, "expire", NOW, attempts=3, backoff_s=2.0, sleep=waits.append)
    ctx.engine.dispose()
    assert outcome.status == "failed" and outcome.attempts == 3
    assert waits == [2.0, 4.0]
    assert outcome.error.startswith("database unavailable: ")
    assert f"port {port} failed" in outcome.error and "refused" in outcome.error.lower()
    assert [r.attempt for r in caplog.records if r.getMessage() == "database unavailable"] == [1, 2, 3]
    assert "could not record job run" in caplog.text


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
