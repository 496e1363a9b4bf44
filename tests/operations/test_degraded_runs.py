"""A send that failed does not look healthy: `fursa job weekly_digest` with the SMTP server down says
'degraded' with the counts and exits 3, and the retry job sends the deferred digests later, once each."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone

from fursa import pipeline, storage
from tests.digests.smtpsink import SmtpSink
from tests.operations.conftest import job_runs

SUBSCRIBERS = 12
DOWN = "smtp://127.0.0.1:9"   # nothing listens on the discard port


def _fill(ctx: pipeline.Context, now: datetime) -> None:
    with ctx.sessions.begin() as session:
        storage.sync_catalogue(session, [storage.SourceSpec(name="s", type="feed", url="http://example.org/feed")])
        drafts = [storage.Draft(source_name="s", url=f"http://example.org/call/{i}",
                                title=f"Master's scholarship {i} in any field of study",
                                text="Open to applicants from all countries, including Palestinians, in all fields.")
                  for i in range(3)]
        storage.ingest_drafts(session, storage.get_source(session, "s"), drafts, now)
    pipeline.tag_new(ctx, now)
    pipeline.approve_new(ctx, now, actor="test")
    with ctx.sessions.begin() as session:
        for i in range(SUBSCRIBERS):
            storage.add_subscriber(session, storage.SubscriberInput(
                email=f"student{i}@ppu.example", levels=("master",), confirmed=True), now)


def _fursa(ctx: pipeline.Context, folder, smtp_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("FURSA_")}
    env.update(FURSA_DATABASE_URL=ctx.settings.database_url, FURSA_CATALOGUE=str(ctx.catalogue_path),
               FURSA_MODEL_DIR=str(ctx.settings.model_dir), FURSA_WEEKEND_DAYS="[]", FURSA_SMTP_URL=smtp_url,
               FURSA_SECRET_KEY="test-secret", FURSA_PUBLIC_BASE_URL="https://fursa.ppu.edu")
    return subprocess.run([sys.executable, "-m", "fursa.cli", *args], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=240)


def test_a_weekly_digest_with_the_smtp_server_down_is_degraded_and_retried_on_its_own_schedule(make_ctx, tmp_path):
    ctx = make_ctx()
    _fill(ctx, datetime.now(timezone.utc) - timedelta(hours=1))

    down = _fursa(ctx, tmp_path, DOWN, "job", "weekly_digest")

    assert down.returncode == 3, down.stdout + down.stderr
    line = down.stdout.strip()
    (run,) = job_runs(ctx)
    assert (run.job, run.status) == ("weekly_digest", "degraded")
    deferred = run.summary["deferred"]   # the budget (10) and what was still in flight on the other connection
    assert run.summary["sent"] == 0 and deferred in (10, 11) and run.summary["paused"]
    assert line.startswith("weekly_digest: degraded — ") and "0 sent, 0 already sent" in line, line
    assert f"{deferred} to retry" in line and re.search(r"Paused: the server refused 1[01] messages in a row", line)
    assert "127.0.0.1:9" in line and "retry_deliveries" in run.error and run.error in line

    # The deferred digests wait their turn (retry_after); move the ledger back instead of waiting.
    with ctx.sessions.begin() as session:
        for row in session.query(storage.Delivery):
            row.updated_at -= ctx.delivery_config.retry_after + timedelta(minutes=1)
    sink = SmtpSink().start()
    try:
        retried = _fursa(ctx, tmp_path, sink.url, "job", "retry_deliveries")
        again = _fursa(ctx, tmp_path, sink.url, "job", "retry_deliveries")
        status = _fursa(ctx, tmp_path, sink.url, "status", "--format", "json")
    finally:
        sink.stop()

    assert retried.returncode == 0 and retried.stdout.strip() == "retry_deliveries: ok", retried.stdout + retried.stderr
    copies = Counter(recipient for message in sink.messages for recipient in message.recipients)
    assert len(copies) == SUBSCRIBERS and set(copies.values()) == {1}
    assert again.returncode == 0
    with ctx.sessions() as session:
        assert Counter(row.state for row in session.query(storage.Delivery)) == {"sent": SUBSCRIBERS}
    report = json.loads(status.stdout)
    states = {job["job"]: job["status"] for job in report["jobs"]}
    assert states == {"weekly_digest": "degraded", "retry_deliveries": "ok"}
    assert [problem["job"] for problem in report["problems"]] == ["weekly_digest"]
    # Every digest of that week went out since: the installation is healthy again now, not next week.
    assert report["status"] == "ok" and report["reasons"] == [], report
    assert [job["resolved"] for job in report["jobs"] if job["job"] == "weekly_digest"] == [True]


def test_digest_send_says_degraded_records_it_and_exits_3_when_the_server_is_down(make_ctx, tmp_path):
    ctx = make_ctx()
    _fill(ctx, datetime.now(timezone.utc) - timedelta(hours=1))

    down = _fursa(ctx, tmp_path, DOWN, "digest", "send")
    status = json.loads(_fursa(ctx, tmp_path, DOWN, "status", "--format", "json").stdout)

    assert down.returncode == 3, down.stdout + down.stderr
    assert "weekly_digest: degraded — " in down.stdout and "to retry" in down.stdout
    (run,) = job_runs(ctx)
    assert (run.job, run.status) == ("weekly_digest", "degraded")
    assert status["status"] == "degraded" and status["reasons"] == ["the latest weekly_digest run did only part of its work"]
