"""Calls stored before migration 0012 have their audiences read at the next tagging run (issue 15.4):
the migration leaves them NULL ("not read yet"), and pipeline.tag_new reads them from their words and
the levels and kind they hold, so a staff subscriber of an existing install gets the staff calls
already stored. Runs on SQLite and, where a server is given, PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import text

from fursa import pipeline, storage
from fursa.settings import Settings
from tests.storage.test_migrations import _upgrade_to

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=timezone.utc)
CALLS = [   # title, text, kind, levels: as a tagging run before 0012 left them
    ("International Staff Training Week", "For administrative staff of partner universities.", "training", '["staff"]'),
    ("Master's scholarship in Germany", "Capacity building; university staff review applications.", "scholarship",
     '["master"]'),
]


def test_the_next_tagging_run_reads_the_audiences_of_calls_stored_before_0012(database_url, tmp_path):
    ctx = pipeline.make_context(Settings(database_url=database_url, outbox_dir=tmp_path / "outbox",
                                         model_dir=tmp_path / ".fursa", secret_key="test secret key"))
    _upgrade_to(ctx.engine, "0011")
    with ctx.engine.begin() as connection:
        for number, (title, words, kind, levels) in enumerate(CALLS):
            connection.execute(text(
                "INSERT INTO opportunities (title, summary, text, url, provider, external_id, kind, levels, disciplines,"
                " categories, regions, deadline_kind, deadline_text, currency, language, status, featured,"
                " first_seen_at, last_seen_at, content_hash, evidence, scores, flags, tagged_at, tags_edited)"
                " VALUES (:title, '', :text, :url, '', '', :kind, :levels, '[]', '[]', '[]', 'unknown', '', '',"
                " 'en', 'approved', false, :now, :now, :hash, '{}', '{}', '[]', :now, false)"),
                {"title": title, "text": words, "url": f"https://calls.example.org/{number}", "kind": kind,
                 "levels": levels, "now": NOW.replace(tzinfo=None), "hash": f"h{number}"})
    storage.migrate(ctx.engine)
    with ctx.sessions() as session:
        assert [row.audiences for row in session.query(storage.Opportunity).order_by(storage.Opportunity.id)] == [
            None, None]

    pipeline.tag_new(ctx, NOW)

    with ctx.sessions() as session:
        read = {row.title: row.audiences for row in session.query(storage.Opportunity)}
        assert read == {CALLS[0][0]: ["staff"], CALLS[1][0]: ["student"]}
        assert storage.calls_without_audiences(session) == []
    ctx.engine.dispose()


def test_a_call_from_a_source_for_staff_is_for_staff(tmp_path):
    """A source the catalogue says is for staff alone (`audience = ["staff"]`) makes its calls staff calls,
    even when their words do not say so; the same words from another source do not."""
    from fursa.settings import Settings as _Settings
    ctx = pipeline.make_context(_Settings(database_url=f"sqlite:///{tmp_path / 'fursa.db'}",
                                          outbox_dir=tmp_path / "outbox", model_dir=tmp_path / ".fursa",
                                          secret_key="test secret key"))
    storage.migrate(ctx.engine)
    words = "A week at the University of Porto: job shadowing and visits. Apply by 1 March 2027."
    with ctx.sessions.begin() as session:
        for name, audience, title in (("Staff weeks", ("staff",), "Porto week 2027"),
                                      ("Scholarships", ("student",), "Porto week 2027 (again)")):
            source = storage.source_from_spec(storage.SourceSpec(name=name, type="feed", audience=audience,
                                                                 url=f"https://example.org/{len(name)}.xml"))
            session.add(source)
            session.flush()
            draft = storage.Draft(source_name=name, url=f"https://example.org/{len(name)}/porto", title=title,
                                  text=words, summary="", provider="", deadline=storage.Deadline(), language="en")
            storage.ingest_drafts(session, source, [draft], NOW)

    pipeline.tag_new(ctx, NOW)

    with ctx.sessions() as session:
        read = {row.title: row.audiences for row in session.query(storage.Opportunity)}
    assert "staff" in read["Porto week 2027"] and "staff" not in read["Porto week 2027 (again)"]
    ctx.engine.dispose()
