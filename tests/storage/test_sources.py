from __future__ import annotations

from datetime import timedelta

import pytest

from fursa import storage
from fursa.storage import FetchResult, SourceSpec, Validators


def test_sync_catalogue_adds_then_updates_and_keeps_health(sessions, now):
    spec = SourceSpec(name="UKRI", type="feed", url="https://www.ukri.org/opportunity/feed/", every_hours=12)
    with sessions.begin() as session:
        assert storage.sync_catalogue(session, [spec]).added == ("UKRI",)
        row = storage.get_source(session, "UKRI")
        storage.record_fetch(session, row, FetchResult("UKRI", validators=Validators(etag='"v1"')), 0, now)
    changed = SourceSpec(name="UKRI", type="feed", url="https://www.ukri.org/opportunity/feed/", every_hours=6)
    with sessions.begin() as session:
        sync = storage.sync_catalogue(session, [changed, spec.__class__(name="New", type="api", url="https://x.org")])
        row = storage.get_source(session, "UKRI")
        assert sync.updated == ("UKRI",) and sync.added == ("New",)
        assert row.every_hours == 6 and row.etag == '"v1"' and row.last_status == "ok"


def test_failures_back_off_and_pause_the_source_with_a_reason(sessions, now):
    with sessions.begin() as session:
        storage.sync_catalogue(session, [SourceSpec(name="dead", type="feed", url="http://dead.example")])
        row = storage.get_source(session, "dead")
        delays = []
        for attempt in range(storage.sources.PAUSE_AFTER_FAILURES):
            storage.record_fetch(session, row, FetchResult("dead", error="connection refused"), 0, now)
            delays.append(row.next_run_at - now)
        assert delays[1] > delays[0]
        assert max(delays) <= storage.sources.MAX_BACKOFF
        assert row.paused_reason and "connection refused" in row.paused_reason
        assert storage.due_sources(session, now + timedelta(days=30)) == []
        storage.resume_source(row)
        assert [s.name for s in storage.due_sources(session, now)] == ["dead"]


def test_each_crawl_leaves_a_run_row(sessions, now):
    with sessions.begin() as session:
        storage.sync_catalogue(session, [SourceSpec(name="a", type="feed", url="http://a.example")])
        row = storage.get_source(session, "a")
        storage.record_fetch(session, row, FetchResult("a", not_modified=True), 0, now)
        storage.record_fetch(session, row, FetchResult("a", error="HTTP 500"), 0, now)
        runs = session.query(storage.SourceRun).order_by(storage.SourceRun.id).all()
        assert [r.status for r in runs] == ["not_modified", "error"]


def test_unknown_source_names_the_known_ones(sessions):
    with sessions() as session:
        storage.sync_catalogue(session, [SourceSpec(name="a", type="feed", url="http://a.example")])
        with pytest.raises(storage.NotFoundError, match="known sources: a"):
            storage.get_source(session, "b")
