"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from fursa import storage


def test_migrated_schema_matches_the_models(database_url):
    engine = storage.make_engine(database_url)
    storage.migrate(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), storage.Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ; write a migration for: {diff}"


def test_migrating_twice_is_a_no_op(database_url):
    engine = storage.make_engine(database_url)
    storage.migrate(engine)
    storage.migrate(engine)
    assert storage.is_migrated(engine)
    engine.dispose()
