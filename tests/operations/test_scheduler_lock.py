"""One scheduler per database wherever it is started: real `fursa scheduler` processes in different folders."""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from fursa import scheduler, storage
from tests.operations.schedulers import SchedulerProcess, scheduler_env


def test_a_second_scheduler_started_in_another_folder_is_refused(make_ctx, tmp_path):
    ctx = make_ctx()
    env = scheduler_env(ctx, tmp_path / "outbox")
    with SchedulerProcess(tmp_path / "first", env) as first:
        first.wait_for("scheduler started")
        with SchedulerProcess(tmp_path / "second", env) as second:
            assert second.wait_exit() == 1, second.output
        assert "another scheduler" in second.output and "scheduler started" not in second.output
        assert first.stop() == 0, first.output
    # The first one stopped and let go: a scheduler may now start in the other folder.
    with SchedulerProcess(tmp_path / "second", env) as again:
        again.wait_for("scheduler started")
        assert again.stop() == 0, again.output


def test_a_killed_scheduler_is_replaced_once_its_lock_is_free(make_ctx, tmp_path):
    ctx = make_ctx()
    env = scheduler_env(ctx, tmp_path / "outbox")
    with SchedulerProcess(tmp_path / "first", env) as first:
        first.wait_for("scheduler started")
        first.kill()
    if ctx.engine.dialect.name == "sqlite":
        # The dead scheduler's lease still runs: a new one is refused, and told until when.
        with SchedulerProcess(tmp_path / "second", env) as refused:
            assert refused.wait_exit() == 1, refused.output
        assert "holds this database's scheduler lock until" in refused.output
        # Its lease running out (moved, not waited for) lets the next one take over.
        with ctx.engine.begin() as connection:
            connection.execute(update(storage.LockLease).values(
                expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
    # PostgreSQL drops the advisory lock with the dead process's connection.
    with SchedulerProcess(tmp_path / "second", env) as second:
        second.wait_for("scheduler started")
        assert second.stop() == 0, second.output


class _Started(logging.Handler):
    """Sets `event` when the scheduler logs that it started."""

    def __init__(self) -> None:
        super().__init__()
        self.event = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "scheduler started":
            self.event.set()


def test_a_scheduler_that_loses_its_lock_stops(ctx):
    lock = storage.SchedulerLock(ctx.engine, lease=timedelta(seconds=0.4))
    started, stop = _Started(), threading.Event()
    logger = logging.getLogger("fursa.scheduler")
    level = logger.level
    logger.addHandler(started)
    logger.setLevel(logging.INFO)
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            scheduler.run_forever(ctx, stop, lock=lock)
            outcome.append(None)
        except BaseException as exc:  # the test reads what ended it
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert started.event.wait(60), "the scheduler did not start"
        if ctx.engine.dialect.name == "sqlite":
            with ctx.engine.begin() as connection:   # another scheduler took the lease over
                connection.execute(update(storage.LockLease).values(holder="another host pid 1"))
        else:
            with ctx.engine.connect() as connection:   # the connection holding the advisory lock is cut
                pid = lock._connection.connection.dbapi_connection.info.backend_pid
                connection.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
        thread.join(timeout=60)
    finally:
        logger.removeHandler(started)
        logger.setLevel(level)
        if thread.is_alive():
            stop.set()
            thread.join(timeout=60)
            pytest.fail("the scheduler kept running after losing its lock")
    assert len(outcome) == 1 and isinstance(outcome[0], storage.LockLostError), outcome
