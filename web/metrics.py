"""`GET /metrics`: Fursa's state in the Prometheus text format, for a Prometheus server with the token.

Off unless `metrics_token` (FURSA_METRICS_TOKEN) is set: without it the path answers 404 like any
unknown page, so nothing is told. With it, a request must carry `Authorization: Bearer <token>`;
anything else gets 401. Every figure is read from the database at scrape time by one collector
(no counters kept in the process), so any of several web workers answers the same.
"""
from __future__ import annotations

import hmac
import logging
from typing import Callable, Iterable, Iterator

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from fursa.storage import SOURCE_STATES, MetricsSnapshot, SourceMetrics, read_metrics
from fursa.web.errors import PageNotFoundError
from fursa.web.state import WebState, web_state

log = logging.getLogger("fursa.web.metrics")
router = APIRouter(include_in_schema=False)

# What pipeline.run_job and the scheduler record; a status found in the log beyond these is reported too.
JOB_STATUSES = ("ok", "degraded", "failed", "missed", "running")
_NO_STORE = {"Cache-Control": "no-store"}


@router.get("/metrics")
def metrics(request: Request) -> Response:
    """The metrics for a scraper that sends the configured bearer token; 404 when none is configured."""
    state = web_state(request)
    token = state.settings.metrics_token
    if not token:
        raise PageNotFoundError("metrics are off: no metrics_token is set")
    if not bearer_matches(request.headers.get("authorization", ""), token):
        return PlainTextResponse("a bearer token is needed to read the metrics\n", status_code=401,
                                 headers={**_NO_STORE, "WWW-Authenticate": 'Bearer realm="fursa metrics"'})
    registry = CollectorRegistry()
    registry.register(DatabaseCollector(lambda: read_snapshot(state)))
    # Prometheus's text format 0.0.4 unless the scraper asks for OpenMetrics or a later text version.
    encode, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encode(registry), headers={**_NO_STORE, "Content-Type": content_type})


def bearer_matches(header: str, token: str) -> bool:
    """Whether an Authorization header is `Bearer <token>`, compared in constant time."""
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def read_snapshot(state: WebState) -> MetricsSnapshot:
    with state.ctx.sessions() as session:
        return read_metrics(session)


class DatabaseCollector(Collector):
    """Turns one read of the database into metric families; `fursa_database_up 0` when it cannot be read."""

    def __init__(self, read: Callable[[], MetricsSnapshot]):
        self.read = read

    def describe(self) -> Iterable[Metric]:
        return ()   # registering must not read the database

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("fursa_database_up", "1 when the database could be read for these metrics, else 0.")
        try:
            snapshot = self.read()
        except SQLAlchemyError as exc:
            log.error("metrics: database unreadable", extra={"error": str(exc)})
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from source_families(snapshot.sources)
        yield from job_families(snapshot)
        yield from ledger_families(snapshot)


def source_families(sources: tuple[SourceMetrics, ...]) -> Iterator[Metric]:
    totals = GaugeMetricFamily("fursa_sources", "Sources by state: ok, failing (latest crawl failed), paused "
                               "(stopped after failures), disabled (by staff), never (not crawled yet).",
                               labels=["state"])
    counts = dict.fromkeys(SOURCE_STATES, 0)
    for source in sources:
        counts[source.state] += 1
    for name, count in counts.items():
        totals.add_metric([name], count)
    yield totals
    state = GaugeMetricFamily("fursa_source_state", "1 for the state each source is in, 0 for the others.",
                              labels=["source", "state"])
    crawls = CounterMetricFamily("fursa_source_crawls", "Crawls of each source by outcome (ok, not_modified, error).",
                                 labels=["source", "status"])
    failures = GaugeMetricFamily("fursa_source_consecutive_failures", "Failed crawls in a row of each source.",
                                 labels=["source"])
    seen = GaugeMetricFamily("fursa_source_items_seen", "Items each source's latest crawl returned.",
                             labels=["source"])
    new = CounterMetricFamily("fursa_source_new_items", "New calls each source has found over all its crawls.",
                              labels=["source"])
    success = GaugeMetricFamily("fursa_source_last_success_timestamp_seconds",
                                "When each source was last crawled without error (Unix time).", labels=["source"])
    for source in sources:
        for name in SOURCE_STATES:
            state.add_metric([source.name, name], int(source.state == name))
        for status, count in source.crawls.items():
            crawls.add_metric([source.name, status], count)
        failures.add_metric([source.name], source.consecutive_failures)
        seen.add_metric([source.name], source.items_seen)
        new.add_metric([source.name], source.items_new)
        if source.last_success_at is not None:
            success.add_metric([source.name], source.last_success_at.timestamp())
    yield from (state, crawls, failures, seen, new, success)


def job_families(snapshot: MetricsSnapshot) -> Iterator[Metric]:
    # The label is job_name: Prometheus gives every scraped series its own `job` label (the scrape job).
    runs = CounterMetricFamily("fursa_job_runs", "Runs of each job in the job log, by status.",
                               labels=["job_name", "status"])
    last = GaugeMetricFamily("fursa_job_last_status", "1 for the status of each job's latest run, 0 for the others.",
                             labels=["job_name", "status"])
    started = GaugeMetricFamily("fursa_job_last_run_timestamp_seconds",
                                "When each job's latest run started, or was due if missed (Unix time).",
                                labels=["job_name"])
    duration = GaugeMetricFamily("fursa_job_last_duration_seconds",
                                 "How long each job's latest finished run took.", labels=["job_name"])
    ok = GaugeMetricFamily("fursa_job_last_ok_timestamp_seconds",
                           "When each job last started a run that ended ok (Unix time).", labels=["job_name"])
    for job in snapshot.jobs:
        for status, count in job.runs.items():
            runs.add_metric([job.job, status], count)
        for status in dict.fromkeys((*JOB_STATUSES, job.last_status)):
            last.add_metric([job.job, status], int(job.last_status == status))
        started.add_metric([job.job], job.last_started_at.timestamp())
        if job.last_duration_s is not None:
            duration.add_metric([job.job], job.last_duration_s)
        if job.last_ok_at is not None:
            ok.add_metric([job.job], job.last_ok_at.timestamp())
    missed = GaugeMetricFamily("fursa_weekly_digest_missed",
                               "1 when the weekly digest's latest run was skipped and recorded as missed, else 0.",
                               value=int(snapshot.weekly_digest_missed))
    yield from (runs, last, started, duration, ok, missed)


def ledger_families(snapshot: MetricsSnapshot) -> Iterator[Metric]:
    deliveries = GaugeMetricFamily("fursa_deliveries", "Digest deliveries in the ledger by state: sent, deferred "
                                   "(to be retried), failed (refused for good, e.g. bounced, or out of attempts), "
                                   "pending, sending.", labels=["state"])
    for state, count in snapshot.deliveries.items():
        deliveries.add_metric([state], count)
    bouncing = GaugeMetricFamily("fursa_subscribers_bouncing",
                                 "Active subscribers whose latest delivery bounced (the address was refused).",
                                 value=snapshot.bouncing_subscribers)
    subscribers = GaugeMetricFamily("fursa_subscribers", "Subscribers by status.", labels=["status"])
    for status, count in snapshot.subscribers.items():
        subscribers.add_metric([status], count)
    calls = GaugeMetricFamily("fursa_calls", "Calls by status (merged duplicates left out).", labels=["status"])
    for status, count in snapshot.calls.items():
        calls.add_metric([status], count)
    queue = GaugeMetricFamily("fursa_review_queue_length", "Calls waiting for staff review (status new).",
                              value=snapshot.review_queue)
    yield from (deliveries, bouncing, subscribers, calls, queue)
