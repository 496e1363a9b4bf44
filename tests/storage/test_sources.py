from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fursa import storage
from fursa.storage import FetchResult, SourceSpec, Validators
from fursa.storage.sources import MAX_BACKOFF, PAUSE_AFTER_FAILURES


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
        for attempt in range(PAUSE_AFTER_FAILURES):
            storage.record_fetch(session, row, FetchResult("dead", error="connection refused"), 0, now)
            delays.append(row.next_run_at - now)
        assert delays[1] > delays[0]
        assert max(delays) <= MAX_BACKOFF
        assert row.paused_reason and "connection refused" in row.paused_reason
        assert storage.due_sources(session, now + timedelta(days=30)) == []
        assert "fursa sources resume 'dead'" in row.paused_reason
        assert storage.resume_source(session, row, actor="test", now=now)
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


def test_staff_changes_are_checked_by_one_set_of_rules_and_audited(sessions, now):
    spec = SourceSpec(name="Partner", type="feed", url="https://partner.example/feed", kind="scholarship")
    with sessions.begin() as session:
        row = storage.add_source(session, spec, actor="amal", now=now)
        with pytest.raises(storage.InvalidSourceError) as refused:
            storage.add_source(session, spec, actor="amal", now=now)
        assert set(refused.value.problems) == {"name"} and "already named 'Partner'" in str(refused.value)
        bad = storage.SourceEdit(url="partner.example/feed", kind="party", language="xx", every_hours=0)
        assert set(storage.source_problems(bad)) == {"url", "kind", "language", "every_hours"}
        with pytest.raises(storage.InvalidSourceError, match="between 1 and 720"):
            storage.edit_source(session, row, bad, actor="amal", now=now)
        edit = storage.SourceEdit(url=row.url, kind="exchange", language="ar", every_hours=6)
        assert storage.edit_source(session, row, edit, actor="amal", now=now) == ("kind", "language", "every_hours")
        assert storage.edit_source(session, row, edit, actor="amal", now=now) == ()
        assert storage.pause_source(session, row, actor="amal", now=now)
        assert not storage.pause_source(session, row, actor="amal", now=now)
        assert storage.resume_source(session, row, actor="amal", now=now)
        assert not storage.resume_source(session, row, actor="amal", now=now)
        entries = session.scalars(select(storage.AuditEntry).order_by(storage.AuditEntry.id))
        audit = [(e.action, e.details) for e in entries]
    assert [action for action, _ in audit] == ["source:add", "source:edit", "source:pause", "source:resume"]
    assert audit[1][1]["kind"] == {"before": "scholarship", "after": "exchange"}
