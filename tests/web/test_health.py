"""GET /healthz: up, degraded or down, for monitors; counts and job states, no details."""
from __future__ import annotations

import warnings
from datetime import timedelta

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from fursa import pipeline, storage, web
from tests.web.conftest import make_settings


def test_a_fresh_installation_is_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "reasons": [], "database": "ok", "jobs": {}, "sources": 0,
                               "failing_sources": 0, "paused_sources": 0, "problems_last_7_days": 0}
    assert response.headers["cache-control"] == "no-store"


def test_a_failed_job_and_a_failing_source_make_it_degraded_without_telling_details(client, ctx, now):
    with ctx.sessions.begin() as session:
        ok = storage.start_job_run(session, "crawl", now - timedelta(hours=2))
        storage.finish_job_run(ok, now - timedelta(hours=2), "ok", {})
        failed = storage.start_job_run(session, "weekly_digest", now - timedelta(hours=1))
        storage.finish_job_run(failed, now - timedelta(hours=1), "failed", {}, "SMTP refused login for secret@ppu.edu")
        source = storage.source_from_spec(storage.SourceSpec(name="Ministry feed", type="feed",
                                                             url="https://mohe.example.ps/feed"))
        source.last_status, source.last_error, source.paused_reason = "error", "host secret.example not found", "8 failures"
        session.add(source)
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "degraded"
    assert body["jobs"] == {"crawl": {"status": "ok", "started_at": (now - timedelta(hours=2)).isoformat()},
                            "weekly_digest": {"status": "failed", "started_at": (now - timedelta(hours=1)).isoformat()}}
    assert (body["sources"], body["failing_sources"], body["paused_sources"], body["problems_last_7_days"]) == (1, 1, 1, 1)
    assert body["reasons"] == ["the latest weekly_digest run failed", "1 of 1 enabled sources failed their last crawl"]
    assert "secret" not in response.text and "Ministry" not in response.text


def _sources_with_failures(ctx, now, failing: int, total: int) -> None:
    with ctx.sessions.begin() as session:
        for number in range(total):
            source = storage.source_from_spec(storage.SourceSpec(name=f"Source {number}", type="feed",
                                                                 url=f"https://feed{number}.example.org/rss"))
            source.last_run_at = now - timedelta(minutes=5)
            source.last_status = "error" if number < failing else "ok"
            source.last_error = "cannot resolve host feed.example.org" if number < failing else None
            session.add(source)


def test_most_enabled_sources_failing_makes_it_degraded_and_says_why(client, ctx, now):
    """50 of 52 sources failing while every job ran fine was "ok" before: the job log alone decided."""
    _sources_with_failures(ctx, now, failing=50, total=52)
    with ctx.sessions.begin() as session:
        crawl = storage.start_job_run(session, "crawl", now - timedelta(minutes=5))
        storage.finish_job_run(crawl, now - timedelta(minutes=4), "ok", {})
    body = client.get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["reasons"] == ["50 of 52 enabled sources failed their last crawl"]
    assert "example.org" not in str(body)


def test_a_few_failing_sources_leave_it_ok(client, ctx, now):
    _sources_with_failures(ctx, now, failing=2, total=52)
    body = client.get("/healthz").json()
    assert (body["status"], body["reasons"], body["failing_sources"]) == ("ok", [], 2)


def test_an_unreachable_database_is_down(tmp_path, now):
    settings = make_settings(tmp_path).model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'fursa.db'}"})
    app = web.create_app(pipeline.make_context(settings), clock=lambda: now)
    with TestClient(app, base_url="http://testserver") as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "unreachable"}
