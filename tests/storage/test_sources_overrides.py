"""A desk change to a catalogue source is an override: loading the catalogue again keeps it, notes the
catalogue's value beside it, and staff can put the catalogue's value back (issue 14, item 3)."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, Table, inspect, select

from fursa import storage
from fursa.storage import SourceSpec
from fursa.storage.db import MIGRATIONS

SPEC = SourceSpec(name="DAAD", type="feed", url="https://www.daad.de/feed.xml", kind="scholarship",
                  language="en", every_hours=24, provider="DAAD", description="German scholarships")


def _edit(session, row, now, **changes) -> tuple[str, ...]:
    return storage.edit_source(session, row, replace(storage.edit_of(row), **changes), actor="amal", now=now)


def _audit(session) -> list[tuple[str, dict]]:
    return [(e.action, e.details) for e in session.scalars(select(storage.AuditEntry).order_by(storage.AuditEntry.id))]


def test_loading_the_catalogue_again_keeps_a_desk_edit_and_updates_the_rest(sessions, now):
    with sessions.begin() as session:
        storage.sync_catalogue(session, [SPEC])
        row = storage.get_source(session, "DAAD")
        assert _edit(session, row, now, url="https://www.daad.de/new-feed.xml", every_hours=12.0) == ("url", "every_hours")
        assert row.overrides == {"url": SPEC.url, "every_hours": 24.0}

    moved_on = replace(SPEC, url="https://www.daad.de/feed-2027.xml", provider="DAAD Bonn", kind="exchange")
    with sessions.begin() as session:
        sync = storage.sync_catalogue(session, [moved_on])
        row = storage.get_source(session, "DAAD")
        assert sync.kept == ("DAAD",) and sync.updated == ("DAAD",)
        assert (row.url, row.every_hours) == ("https://www.daad.de/new-feed.xml", 12.0)      # staff's, kept
        assert (row.provider, row.kind) == ("DAAD Bonn", "exchange")                        # the file's, followed
        assert row.overrides == {"url": moved_on.url, "every_hours": 24.0}                   # what the file says now

    with sessions.begin() as session:
        assert storage.sync_catalogue(session, [moved_on]).unchanged == ("DAAD",)   # a second load changes nothing


def test_revert_puts_the_catalogue_value_back_and_the_next_load_follows_the_file_again(sessions, now):
    with sessions.begin() as session:
        storage.sync_catalogue(session, [SPEC])
        row = storage.get_source(session, "DAAD")
        _edit(session, row, now, url="https://mirror.example/daad.xml", language="ar", description="Notes")
        assert storage.revert_source(session, row, ["url"], actor="amal", now=now) == ("url",)
        assert row.url == SPEC.url and set(row.overrides) == {"language", "description"}
        assert storage.revert_source(session, row, ["url"], actor="amal", now=now) == ()   # not overridden: nothing
        assert storage.revert_source(session, row, actor="amal", now=now) == ("language", "description")
        assert (row.language, row.description, row.overrides) == ("en", SPEC.description, {})
        assert [a for a, _ in _audit(session)] == ["source:edit", "source:revert", "source:revert"]
        assert _audit(session)[1][1] == {"url": {"before": "https://mirror.example/daad.xml", "after": SPEC.url}}
    with sessions.begin() as session:
        storage.sync_catalogue(session, [replace(SPEC, url="https://www.daad.de/v2.xml")])
        assert storage.get_source(session, "DAAD").url == "https://www.daad.de/v2.xml"


def test_setting_a_field_back_to_the_catalogue_value_or_the_file_agreeing_ends_the_override(sessions, now):
    with sessions.begin() as session:
        storage.sync_catalogue(session, [SPEC])
        row = storage.get_source(session, "DAAD")
        _edit(session, row, now, kind="exchange", provider="Deutscher Akademischer Austauschdienst")
        _edit(session, row, now, kind="scholarship")
        assert row.overrides == {"provider": "DAAD"}
    with sessions.begin() as session:
        storage.sync_catalogue(session, [replace(SPEC, provider="Deutscher Akademischer Austauschdienst")])
        row = storage.get_source(session, "DAAD")
        assert row.overrides == {} and row.provider == "Deutscher Akademischer Austauschdienst"


def test_an_unchanged_edit_changes_nothing_and_a_value_outside_the_lists_may_stay(sessions, now):
    with sessions.begin() as session:
        storage.sync_catalogue(session, [replace(SPEC, language="ru")])   # a language the desk list lacks
        row = storage.get_source(session, "DAAD")
        assert storage.edit_source(session, row, storage.edit_of(row), actor="amal", now=now) == ()
        assert _edit(session, row, now, every_hours=6.0) == ("every_hours",)
        assert row.language == "ru" and row.overrides == {"every_hours": 24.0}
        assert [a for a, _ in _audit(session)] == ["source:edit"]


def test_a_source_added_at_the_desk_is_never_taken_over_by_a_catalogue_entry_of_the_same_name(sessions, now):
    with sessions.begin() as session:
        storage.add_source(session, replace(SPEC, url="https://partner.example/feed"), actor="amal", now=now)
        sync = storage.sync_catalogue(session, [SPEC])
        row = storage.get_source(session, "DAAD")
        assert sync.desk_only == ("DAAD",) and sync.updated == () and sync.added == ()
        assert (row.url, row.origin, row.overrides) == ("https://partner.example/feed", "desk", {})


def _migrate(engine, revision: str, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def test_0006_turns_desk_edits_saved_before_it_into_overrides_and_goes_away_cleanly(database_url):
    """An edit saved before the upgrade is found in the audit log, so the next `fursa init` keeps it too."""
    engine = storage.make_engine(database_url)
    _migrate(engine, "0005")
    at = datetime(2026, 11, 1, 8, 0)
    with engine.begin() as connection:
        sources = Table("sources", MetaData(), autoload_with=connection)
        audit = Table("audit_entries", MetaData(), autoload_with=connection)
        for number, (name, url, origin) in enumerate((("Edited", "https://new.example/feed", "catalogue"),
                                                      ("Edited back", "https://old.example/feed", "catalogue"),
                                                      ("Desk", "https://desk2.example/feed", "desk")), start=1):
            connection.execute(sources.insert().values(
                id=number, name=name, type="feed", url=url, language="en", kind="other", audience=[], levels=[],
                provider="", parser="", every_hours=24.0, options={}, description="", enabled=True, origin=origin,
                last_status="never", consecutive_failures=0, items_seen=0, items_new=0, bytes_read=0, duration_s=0.0))
        for number, before, after in ((1, "https://old.example/feed", "https://mid.example/feed"),
                                      (1, "https://mid.example/feed", "https://new.example/feed"),
                                      (2, "https://old.example/feed", "https://new.example/feed"),
                                      (3, "https://desk.example/feed", "https://desk2.example/feed")):
            connection.execute(audit.insert().values(at=at, actor="amal", action="source:edit", target_type="source",
                                                     target_id=number, details={"url": {"before": before, "after": after}}))

    _migrate(engine, "0006")
    with engine.connect() as connection:
        sources = Table("sources", MetaData(), autoload_with=connection)
        overrides = dict(connection.execute(select(sources.c.name, sources.c.overrides)).all())
    # The first "before" is the catalogue's value; a source whose value is that again (an init undid
    # the edit) and a desk source have no override.
    assert overrides == {"Edited": {"url": "https://old.example/feed"}, "Edited back": {}, "Desk": {}}

    _migrate(engine, "0005", down=True)
    assert "overrides" not in {column["name"] for column in inspect(engine).get_columns("sources")}
    _migrate(engine, "head")
    assert storage.is_migrated(engine)
    engine.dispose()
