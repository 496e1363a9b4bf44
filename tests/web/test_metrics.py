"""GET /metrics: off (404) without a token, 401 with a wrong one, and with the right one the
Prometheus text of what the database holds: sources, crawls, the ledger, jobs, the review queue."""
from __future__ import annotations

import warnings
from datetime import datetime, timedelta

import httpx
import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics_families
from prometheus_client.parser import text_string_to_metric_families

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from fursa import pipeline, storage, web
from fursa.settings import SettingsError, load_settings
from tests.web.conftest import NOW, make_context, make_settings
from tests.web.live import serve_app

TOKEN = "metrics-token-for-tests-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def ctx(tmp_path) -> pipeline.Context:
    """This module's installation has a metrics token (the shared fixtures' has none)."""
    return make_context(make_settings(tmp_path).model_copy(update={"metrics_token": TOKEN}))


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """(sample name, labels) → value, parsed the way a Prometheus client library reads it."""
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def value(found: dict, name: str, **labels: str) -> float:
    return found[(name, frozenset(labels.items()))]


def test_without_a_token_configured_metrics_is_not_found(tmp_path, now):
    app = web.create_app(make_context(make_settings(tmp_path)), clock=lambda: now)
    with TestClient(app, base_url="http://testserver") as client:
        unknown = client.get("/no-such-page").text.replace("no-such-page", "metrics")
        for headers in ({}, AUTH, {"Authorization": "Bearer "}):
            response = client.get("/metrics", headers=headers)
            assert response.status_code == 404
            assert response.text == unknown   # the page of any unknown address: nothing told
            assert "fursa_" not in response.text


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", "Bearer ", "Bearer wrong-token-of-the-same-length-000", f"Basic {TOKEN}", f"Bearer {TOKEN}x",
    f"Bearer {TOKEN[:-1]}", TOKEN,
])
def test_a_missing_or_wrong_token_is_refused(client, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "fursa_" not in response.text


def test_the_right_token_reads_an_empty_installation(client):
    response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert response.headers["cache-control"] == "no-store"
    found = samples(response.text)
    assert value(found, "fursa_database_up") == 1
    assert value(found, "fursa_weekly_digest_missed") == 0
    assert value(found, "fursa_review_queue_length") == 0
    assert {value(found, "fursa_deliveries", state=state) for state in ("sent", "deferred", "failed")} == {0}
    assert {value(found, "fursa_sources", state=state) for state in storage.SOURCE_STATES} == {0}
    lower_case_scheme = {"Authorization": f"bearer {TOKEN}"}   # the scheme's case does not matter (RFC 9110)
    assert client.get("/metrics", headers=lower_case_scheme).status_code == 200


def add_sources(ctx: pipeline.Context, now: datetime) -> None:
    """Three sources: one crawled twice and failing now, one crawled fine, one a staff member paused."""
    with ctx.sessions.begin() as session:
        rows = {}
        for name in ("Ministry feed", "DAAD", "Old list"):
            rows[name] = storage.source_from_spec(storage.SourceSpec(name=name, type="feed",
                                                                     url=f"https://{len(name)}.example.org/feed"))
            session.add(rows[name])
        session.flush()
        storage.record_fetch(session, rows["Ministry feed"], storage.FetchResult("Ministry feed"), 4,
                             now - timedelta(days=1))
        storage.record_fetch(session, rows["Ministry feed"],
                             storage.FetchResult("Ministry feed", error="host not found"), 0, now - timedelta(hours=2))
        storage.record_fetch(session, rows["DAAD"], storage.FetchResult("DAAD", not_modified=True), 0,
                             now - timedelta(hours=3))
        drafts = tuple(storage.Draft(source_name="DAAD", url=f"https://daad.example.org/{n}", title=f"Call {n}")
                       for n in range(9))
        storage.record_fetch(session, rows["DAAD"], storage.FetchResult("DAAD", drafts), 7, now - timedelta(hours=1))
        rows["Old list"].enabled = False


def add_deliveries(ctx: pipeline.Context, now: datetime) -> None:
    """Four digests of one week: two sent, one deferred (the server said 4xx), one bounced."""
    with ctx.sessions.begin() as session:
        people = [storage.SubscriberInput(email=f"s{n}@ppu.edu", confirmed=True) for n in range(4)]
        ids = [storage.add_subscriber(session, person, now)[0].id for person in people]
        session.flush()
        claims = storage.claim_deliveries(
            session, "weekly:2026-W48", [storage.ClaimRequest(i, f"<{i}@fursa>", (1,)) for i in ids],
            transport="smtp", now=now, stale_before=now - timedelta(hours=1), max_attempts=3)
        rows = [claims[i].delivery_id for i in ids]
        storage.mark_deliveries_sent(session, rows[:2], now)
        storage.mark_failed(session, rows[2], "451 try later", now, temporary=True, max_attempts=3)
        storage.mark_failed(session, rows[3], "550 no such user", now, temporary=False, max_attempts=3)
        storage.record_bounce(session, ids[3], "550 no such user", now, threshold=3)


def add_job_runs(ctx: pipeline.Context, now: datetime) -> None:
    """crawl: ok then failed; weekly_digest: ok a week ago, then missed this week."""
    with ctx.sessions.begin() as session:
        ok = storage.start_job_run(session, "crawl", now - timedelta(hours=2))
        storage.finish_job_run(ok, now - timedelta(hours=2) + timedelta(seconds=42), "ok", {})
        failed = storage.start_job_run(session, "crawl", now - timedelta(hours=1))
        storage.finish_job_run(failed, now - timedelta(hours=1) + timedelta(seconds=3.5), "failed", {}, "boom")
        sent = storage.start_job_run(session, "weekly_digest", now - timedelta(days=8))
        storage.finish_job_run(sent, now - timedelta(days=8) + timedelta(minutes=2), "ok", {})
        storage.record_missed_job(session, "weekly_digest", now - timedelta(days=1), now, "scheduler was down")


def test_the_figures_are_the_databases(client, ctx, now, make_call):
    add_sources(ctx, now)
    add_deliveries(ctx, now)
    add_job_runs(ctx, now)
    for title in ("Erasmus+ exchange", "DAAD research grant", "Fulbright fellowship"):
        make_call(title)
    make_call("Chevening scholarship", status="approved")   # (stored by the "Test feed" source make_call adds)

    found = samples(client.get("/metrics", headers=AUTH).text)

    assert value(found, "fursa_review_queue_length") == 3
    assert value(found, "fursa_calls", status="new") == 3 and value(found, "fursa_calls", status="approved") == 1
    # sources: state, crawls and failures from the crawl history, items, the health row
    assert value(found, "fursa_sources", state="failing") == 1
    assert value(found, "fursa_sources", state="ok") == 1
    assert value(found, "fursa_sources", state="disabled") == 1
    assert value(found, "fursa_sources", state="never") == 1   # make_call's "Test feed", never crawled
    assert value(found, "fursa_source_state", source="Ministry feed", state="failing") == 1
    assert value(found, "fursa_source_state", source="Ministry feed", state="ok") == 0
    assert value(found, "fursa_source_crawls_total", source="Ministry feed", status="error") == 1
    assert value(found, "fursa_source_crawls_total", source="Ministry feed", status="ok") == 1
    assert value(found, "fursa_source_crawls_total", source="DAAD", status="not_modified") == 1
    assert value(found, "fursa_source_crawls_total", source="DAAD", status="error") == 0
    assert value(found, "fursa_source_consecutive_failures", source="Ministry feed") == 1
    assert value(found, "fursa_source_new_items_total", source="Ministry feed") == 4
    assert value(found, "fursa_source_new_items_total", source="DAAD") == 7
    assert value(found, "fursa_source_items_seen", source="DAAD") == 9   # in its latest crawl
    assert value(found, "fursa_source_last_success_timestamp_seconds", source="DAAD") == \
        (now - timedelta(hours=1)).timestamp()
    assert ("fursa_source_last_success_timestamp_seconds", frozenset({("source", "Old list")})) not in found
    # the ledger
    assert value(found, "fursa_deliveries", state="sent") == 2
    assert value(found, "fursa_deliveries", state="deferred") == 1
    assert value(found, "fursa_deliveries", state="failed") == 1
    assert value(found, "fursa_deliveries", state="sending") == 0
    assert value(found, "fursa_subscribers_bouncing") == 1
    assert value(found, "fursa_subscribers", status="active") == 4
    # jobs: latest status, duration, counts by status; the missed digest
    assert value(found, "fursa_job_last_status", job_name="crawl", status="failed") == 1
    assert value(found, "fursa_job_last_status", job_name="crawl", status="ok") == 0
    assert value(found, "fursa_job_last_duration_seconds", job_name="crawl") == 3.5
    assert value(found, "fursa_job_runs_total", job_name="crawl", status="ok") == 1
    assert value(found, "fursa_job_runs_total", job_name="crawl", status="failed") == 1
    assert value(found, "fursa_job_last_ok_timestamp_seconds", job_name="crawl") == \
        (now - timedelta(hours=2)).timestamp()
    assert value(found, "fursa_job_last_status", job_name="weekly_digest", status="missed") == 1
    assert value(found, "fursa_job_last_duration_seconds", job_name="weekly_digest") == 120   # the run that ran
    assert value(found, "fursa_job_last_run_timestamp_seconds", job_name="weekly_digest") == \
        (now - timedelta(days=1)).timestamp()
    assert value(found, "fursa_weekly_digest_missed") == 1


def test_a_weekly_digest_that_ran_after_a_missed_one_clears_the_flag(client, ctx, now):
    add_job_runs(ctx, now)
    with ctx.sessions.begin() as session:
        late = storage.start_job_run(session, "weekly_digest", now)
        storage.finish_job_run(late, now + timedelta(minutes=1), "ok", {})
    assert value(samples(client.get("/metrics", headers=AUTH).text), "fursa_weekly_digest_missed") == 0


def test_a_prometheus_scrape_over_real_http(tmp_path):
    """The app under uvicorn on loopback, scraped as Prometheus does: a GET with the bearer token."""
    def make_app(base_url: str):
        ctx = make_context(make_settings(tmp_path, base_url=base_url).model_copy(update={"metrics_token": TOKEN}))
        add_sources(ctx, NOW)
        return web.create_app(ctx, clock=lambda: NOW)

    with serve_app(make_app) as base_url, httpx.Client(base_url=base_url) as http:
        assert http.get("/metrics").status_code == 401
        response = http.get("/metrics", headers={**AUTH, "Accept": "text/plain;version=0.0.4;q=1,*/*;q=0.1"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    families = {family.name: family for family in text_string_to_metric_families(response.text)}
    assert families["fursa_source_crawls"].type == "counter"
    assert families["fursa_deliveries"].type == "gauge"
    assert value(samples(response.text), "fursa_sources", state="failing") == 1


def test_openmetrics_is_given_to_a_scraper_that_asks_for_it(client, ctx, now):
    add_sources(ctx, now)
    response = client.get("/metrics", headers={**AUTH, "Accept": "application/openmetrics-text;version=1.0.0"})
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    families = {family.name: family for family in openmetrics_families(response.text)}
    assert families["fursa_source_crawls"].type == "counter"
    failing = [sample.value for sample in families["fursa_sources"].samples if sample.labels == {"state": "failing"}]
    assert failing == [1]


def test_an_unreadable_database_is_reported_not_raised(tmp_path, now):
    settings = make_settings(tmp_path).model_copy(update={
        "metrics_token": TOKEN, "database_url": f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'fursa.db'}"})
    app = web.create_app(pipeline.make_context(settings), clock=lambda: now)
    with TestClient(app, base_url="http://testserver") as client:
        response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    assert samples(response.text) == {("fursa_database_up", frozenset()): 0}


@pytest.mark.parametrize("token", ["short", "x" * 23, "a token with spaces in it, long enough", "é" * 30])
def test_a_weak_or_unsendable_token_is_refused_at_start(tmp_path, token):
    with pytest.raises(SettingsError, match="metrics_token"):
        load_settings(metrics_token=token, model_dir=tmp_path)


def test_an_empty_token_turns_metrics_off(tmp_path):
    assert load_settings(metrics_token="", model_dir=tmp_path).metrics_token is None
