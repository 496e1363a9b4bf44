"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, Table, inspect, select, text

from fursa import storage
from fursa.storage.db import MIGRATIONS
from fursa.storage.search import include_in_schema_comparison


def test_migrated_schema_matches_the_models(database_url):
    engine = storage.make_engine(database_url)
    storage.migrate(engine)
    with engine.connect() as connection:
        # the full-text tables (storage/search.py) have no model on purpose
        context = MigrationContext.configure(connection, opts={"include_object": include_in_schema_comparison})
        diff = compare_metadata(context, storage.Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ; write a migration for: {diff}"


def _schema(engine) -> dict[str, list[str]]:
    found = inspect(engine)
    return {table: sorted(column["name"] for column in found.get_columns(table)) for table in found.get_table_names()}


def test_migrating_twice_is_a_no_op(database_url, now):
    """The second run changes nothing: the same revision, the same tables and columns, every row kept."""
    engine = storage.make_engine(database_url)
    storage.migrate(engine)
    with storage.make_sessionmaker(engine).begin() as session:
        storage.add_subscriber(session, storage.SubscriberInput(email="rana@ppu.edu", name="رنا", confirmed=True), now)
    with engine.connect() as connection:
        revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
    schema = _schema(engine)
    storage.migrate(engine)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == revision
        assert connection.scalar(text("SELECT count(*) FROM alembic_version")) == 1
    assert _schema(engine) == schema
    with storage.make_sessionmaker(engine)() as session:
        assert [(s.email, s.name) for s in session.scalars(select(storage.Subscriber))] == [("rana@ppu.edu", "رنا")]
    engine.dispose()


def _upgrade_to(engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _downgrade_to(engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _opportunity_columns(engine) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns("opportunities")}


def _store_a_call_the_old_way(engine) -> None:
    """A row written by a 0002 schema, before the new columns existed."""
    seen = datetime(2026, 11, 1, 8, 0)
    with engine.begin() as connection:
        table = Table("opportunities", MetaData(), autoload_with=connection)
        connection.execute(table.insert().values(
            title="All fields except medicine", summary="", text="", url="https://example.org/old", provider="",
            external_id="", kind="scholarship", levels=[], disciplines=["any"], categories=[], regions=[],
            deadline_kind="unknown", deadline_text="", currency="", language="en", status="approved",
            featured=False, first_seen_at=seen, last_seen_at=seen, content_hash="old", evidence={}, scores={},
            flags=[], tags_edited=False))


def test_0003_adds_exclusions_and_eligibility_evidence_to_stored_calls_and_takes_them_away(database_url):
    engine = storage.make_engine(database_url)
    _upgrade_to(engine, "0002")
    assert {"excluded", "eligibility_evidence"}.isdisjoint(_opportunity_columns(engine))
    _store_a_call_the_old_way(engine)

    _upgrade_to(engine, "0003")
    assert {"excluded", "eligibility_evidence"} <= _opportunity_columns(engine)
    # Read through the table as 0003 left it: the model has columns of later revisions.
    with engine.begin() as connection:
        table = Table("opportunities", MetaData(), autoload_with=connection)
        row = connection.execute(select(table.c.excluded, table.c.eligibility_evidence)).one()
        assert tuple(row) == ([], [])   # the old row reads as "none"
        connection.execute(table.update().values(excluded=["09"], eligibility_evidence=["Saudi nationality"]))

    _downgrade_to(engine, "0002")
    assert {"excluded", "eligibility_evidence"}.isdisjoint(_opportunity_columns(engine))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT title FROM opportunities")).scalar_one() == "All fields except medicine"
    _upgrade_to(engine, "head")
    assert storage.is_migrated(engine)
    engine.dispose()


def test_0004_adds_the_lock_lease_table_and_takes_it_away(database_url):
    engine = storage.make_engine(database_url)
    _upgrade_to(engine, "0003")
    assert not inspect(engine).has_table("lock_leases")
    _upgrade_to(engine, "0004")
    assert {column["name"] for column in inspect(engine).get_columns("lock_leases")} == {
        "name", "holder", "acquired_at", "expires_at"}
    storage.SchedulerLock(engine).acquire().release()
    _downgrade_to(engine, "0003")
    assert not inspect(engine).has_table("lock_leases")
    _upgrade_to(engine, "head")
    engine.dispose()
