"""Helpers of the scheduler tests: `fursa scheduler` as a real child process, and the stored job state.

A child is read line by line on a thread; the tests wait for a line, never for time to pass.
"""
from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from fursa import pipeline


def scheduler_env(ctx: pipeline.Context, outbox: Path, **settings: str) -> dict[str, str]:
    """The environment of a scheduler child on `ctx`'s database. FURSA_MODEL_DIR is left unset, so
    each child keeps its local files under the folder it starts in, as a person's would."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FURSA_")}
    env.update(FURSA_DATABASE_URL=ctx.settings.database_url, FURSA_CATALOGUE=str(ctx.catalogue_path),
               FURSA_WEEKEND_DAYS="[]", FURSA_OUTBOX_DIR=str(outbox), FURSA_SECRET_KEY="test-secret")
    env.update({f"FURSA_{key.upper()}": value for key, value in settings.items()})
    return env


class SchedulerProcess:
    """`fursa -v scheduler` started in `folder`; its output is collected as it comes."""

    def __init__(self, folder: Path, env: dict[str, str]):
        folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen([sys.executable, "-m", "fursa.cli", "-v", "scheduler"], cwd=folder, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.seen: list[str] = []
        self._lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    @property
    def output(self) -> str:
        return "".join(self.seen)

    def wait_for(self, *words: str, timeout: float = 60) -> str:
        """The first line (from now on) holding every one of `words`; fails if the process ends first."""
        while True:
            try:
                line = self._lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no line with {words} within {timeout} s:\n{self.output}") from None
            if line is None:
                raise AssertionError(f"the scheduler ended before a line with {words}:\n{self.output}")
            self.seen.append(line)
            if all(word in line for word in words):
                return line

    def wait_exit(self, timeout: float = 60) -> int:
        code = self.process.wait(timeout=timeout)
        while (line := self._lines.get(timeout=timeout)) is not None:
            self.seen.append(line)
        return code

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.wait_exit()

    def kill(self) -> int:
        self.process.kill()
        return self.wait_exit()

    def __enter__(self) -> SchedulerProcess:
        return self

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=60)


def move_next_run(ctx: pipeline.Context, job_id: str, when: datetime) -> None:
    """Change when a stored job runs next, in the job store in the database, as if time had passed."""
    store = SQLAlchemyJobStore(engine=ctx.engine, tablename="scheduler_jobs")
    store.start(BackgroundScheduler(timezone=ctx.settings.timezone), "default")
    job = store.lookup_job(job_id)
    assert job is not None, f"no stored job {job_id}"
    job._modify(next_run_time=when)
    store.update_job(job)


def stored_next_run(ctx: pipeline.Context, job_id: str) -> datetime | None:
    store = SQLAlchemyJobStore(engine=ctx.engine, tablename="scheduler_jobs")
    store.start(BackgroundScheduler(timezone=ctx.settings.timezone), "default")
    job = store.lookup_job(job_id)
    return job.next_run_time if job is not None else None
