"""The tagging job reads what a call pays and asks (issue 16.3): new calls as they are tagged, and calls
tagged before migration 0017 (or by an older recipe) on the next run, public ones first."""
from __future__ import annotations

from datetime import datetime, timezone

from fursa import matching, pipeline, storage
from fursa.settings import load_settings
from tests.databases import test_database_url

NOW = datetime(2026, 11, 29, 7, 0, tzinfo=timezone.utc)
TEXT = "Benefits\nThe scholarship covers tuition and a stipend of up to 1,200 € per month. Courses are taught in German."


def _context(tmp_path):
    (tmp_path / "c.toml").write_text("")
    ctx = pipeline.make_context(load_settings(
        database_url=test_database_url(tmp_path), catalogue=tmp_path / "c.toml", model_dir=tmp_path / ".fursa",
        outbox_dir=tmp_path / "outbox"))
    pipeline.init_database(ctx)
    return ctx


def _store(ctx, titles: list[str]) -> list[int]:
    with ctx.sessions.begin() as session:
        storage.sync_catalogue(session, [storage.SourceSpec(name="feed", type="feed", url="http://example.org/f")])
        source = storage.get_source(session, "feed")
        drafts = [storage.Draft(source_name="feed", url=f"http://example.org/c/{i}", title=title, text=TEXT)
                  for i, title in enumerate(titles)]
        return [row.id for row in storage.ingest_drafts(session, source, drafts, NOW).new]


def test_tagging_stores_the_details_and_the_languages_of_study(tmp_path):
    ctx = _context(tmp_path)
    (call,) = _store(ctx, ["Master's scholarship"])
    pipeline.tag_new(ctx, NOW)
    with ctx.sessions() as session:
        row = session.get(storage.Opportunity, call)
        details = matching.CallDetails.from_dict(row.details)
        assert details.covers == ("tuition", "stipend") and row.study_languages == ["de"]
        assert (details.amounts[0].maximum, details.amounts[0].currency) == (1200, "EUR")


def test_calls_tagged_before_the_details_existed_are_read_on_the_next_run(tmp_path):
    ctx = _context(tmp_path)
    old, older_recipe = _store(ctx, ["Tagged before 0017", "Read by an older recipe"])
    pipeline.tag_new(ctx, NOW)
    with ctx.sessions.begin() as session:
        session.get(storage.Opportunity, old).details = {}        # as migration 0017 leaves a stored call
        session.get(storage.Opportunity, old).study_languages = []
        stale = session.get(storage.Opportunity, older_recipe)
        stale.details = {**stale.details, "covers": [], "version": matching.DETAILS_VERSION - 1}
    with ctx.sessions() as session:
        assert {row.id for row in storage.calls_without_details(session, matching.DETAILS_VERSION)} == \
            {old, older_recipe}
    pipeline.tag_new(ctx, NOW)   # nothing new to tag: only the stale details are read
    with ctx.sessions() as session:
        for call in (old, older_recipe):
            row = session.get(storage.Opportunity, call)
            assert matching.CallDetails.from_dict(row.details).covers == ("tuition", "stipend")
            assert row.study_languages == ["de"]
        assert storage.calls_without_details(session, matching.DETAILS_VERSION) == []
