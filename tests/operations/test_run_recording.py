"""Every run is in the job log, whoever starts it, and health says when most sources fail and why.

`fursa run --once` (the README's first command), `fursa crawl`, `fursa digest send` and the desk's
"run now" record their runs as the scheduler's do; a crawl where every source failed for want of a
network says "offline" once; /healthz and `fursa status` are degraded when most enabled sources
failed their last crawl.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone

from fursa import pipeline, storage
from fursa.demo.loopback import LocalServer, Reply
from tests.operations.conftest import job_runs

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>Master's scholarship in civil engineering</title><link>http://calls.example/1</link>
<description>Open to all nationalities.</description></item></channel></rss>"""


def _sources(ctx: pipeline.Context, *urls: str) -> None:
    # .invalid never resolves (RFC 6761), with or without a network: a DNS failure every time.
    with ctx.sessions.begin() as session:
        storage.sync_catalogue(session, [storage.SourceSpec(name=f"source {i}", type="feed", url=url)
                                         for i, url in enumerate(urls)])


def test_run_once_records_each_step_in_the_job_log(make_ctx):
    ctx = make_ctx(allow_private_addresses=True)
    with LocalServer() as server:
        server.add("/feed.xml", Reply(200, FEED, {"Content-Type": "application/rss+xml"}))
        _sources(ctx, f"{server.base}/feed.xml")
        summary = pipeline.run_once(ctx, datetime.now(timezone.utc))

    assert summary.status == "ok" and summary.crawl.new_items == 1
    assert sorted((run.job, run.status) for run in job_runs(ctx)) == [
        ("crawl", "ok"), ("expire", "ok"), ("instant_alerts", "ok"), ("weekly_digest", "ok")]
    report = pipeline.health(ctx, datetime.now(timezone.utc))
    assert {job.job for job in report.jobs} == {"crawl", "expire", "instant_alerts", "weekly_digest"}
    assert not report.degraded and report.reasons == ()


def test_a_crawl_where_every_source_is_unresolvable_is_offline_degraded_and_says_so_once(make_ctx):
    ctx = make_ctx()
    _sources(ctx, *(f"http://feed-{i}.fursa-test.invalid/rss" for i in range(3)))

    summary = pipeline.run_once(ctx, datetime.now(timezone.utc))

    assert summary.crawl.offline and summary.status == "degraded"
    assert {o.failure_kind for o in summary.crawl.outcomes} == {"dns"}
    (crawl,) = [run for run in job_runs(ctx) if run.job == "crawl"]
    assert crawl.status == "degraded" and "this machine seems to be offline" in crawl.error
    assert "3 of 3 sources failed" in crawl.error
    report = pipeline.health(ctx, datetime.now(timezone.utc))
    assert report.degraded
    assert "3 of 3 enabled sources failed their last crawl" in report.reasons


def test_sources_failing_for_different_reasons_are_not_called_offline(make_ctx):
    ctx = make_ctx(allow_private_addresses=True)
    _sources(ctx, "http://feed.fursa-test.invalid/rss", "http://127.0.0.1:9/feed.xml")   # nothing listens on 9

    summary = pipeline.run_once(ctx, datetime.now(timezone.utc))

    assert {o.failure_kind for o in summary.crawl.failed} == {"dns", "refused"}
    assert not summary.crawl.offline and summary.status == "degraded"
    assert "offline" not in summary.crawl.trouble() and "2 of 2 sources failed" in summary.crawl.trouble()


def test_one_broken_source_of_three_leaves_the_run_and_health_ok(make_ctx):
    ctx = make_ctx(allow_private_addresses=True)
    with LocalServer() as server:
        server.add("/a.xml", Reply(200, FEED, {"Content-Type": "application/rss+xml"}))
        server.add("/b.xml", Reply(200, FEED.replace(b"/1<", b"/2<"), {"Content-Type": "application/rss+xml"}))
        _sources(ctx, f"{server.base}/a.xml", f"{server.base}/b.xml", "http://gone.fursa-test.invalid/rss")
        summary = pipeline.run_once(ctx, datetime.now(timezone.utc))

    assert len(summary.crawl.failed) == 1 and summary.status == "ok"
    report = pipeline.health(ctx, datetime.now(timezone.utc))
    assert not report.degraded and report.failing_enabled == 1 and report.enabled_sources == 3


def test_the_desks_run_now_of_one_source_is_a_crawl_run(make_ctx):
    ctx = make_ctx(allow_private_addresses=True)
    with LocalServer() as server:
        server.add("/feed.xml", Reply(200, FEED, {"Content-Type": "application/rss+xml"}))
        _sources(ctx, f"{server.base}/feed.xml")
        outcome = pipeline.crawl_source_now(ctx, "source 0", datetime.now(timezone.utc), actor="staff@ppu.edu")

    assert outcome is not None and outcome.status == "ok" and outcome.items_new == 1
    assert [(run.job, run.status) for run in job_runs(ctx)] == [("crawl", "ok")]
    assert job_runs(ctx)[0].summary["crawl"]["outcomes"][0]["name"] == "source 0"


def _fursa(ctx: pipeline.Context, folder, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("FURSA_")}
    env.update(FURSA_DATABASE_URL=ctx.settings.database_url, FURSA_CATALOGUE=str(ctx.catalogue_path),
               FURSA_MODEL_DIR=str(ctx.settings.model_dir), FURSA_OUTBOX_DIR=str(ctx.settings.outbox_dir),
               FURSA_SECRET_KEY="test-secret", COLUMNS="60")
    return subprocess.run([sys.executable, "-m", "fursa.cli", *args], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=240)


def test_run_once_offline_prints_one_line_exits_3_and_status_shows_every_job_ran(make_ctx, tmp_path):
    ctx = make_ctx()
    hosts = [f"feed-{i}.fursa-test.invalid" for i in range(4)]
    _sources(ctx, *(f"http://{host}/rss" for host in hosts))

    run = _fursa(ctx, tmp_path, "run", "--once")
    status = _fursa(ctx, tmp_path, "status", "--format", "json")

    assert run.returncode == 3, run.stdout + run.stderr
    assert run.stdout.count("this machine seems to be offline") == 1   # once, not once per source
    assert not any(host in run.stdout for host in hosts)               # not one line per source
    assert "run: degraded" in run.stdout
    report = json.loads(status.stdout)
    assert {job["job"]: job["status"] for job in report["jobs"]} == {
        "crawl": "degraded", "expire": "ok", "instant_alerts": "ok", "weekly_digest": "ok"}
    assert report["status"] == "degraded" and "4 of 4 enabled sources failed their last crawl" in report["reasons"]
