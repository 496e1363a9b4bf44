"""Alembic environment: runs on the connection storage.db.migrate hands over."""
from alembic import context
from sqlalchemy import create_engine

from fursa.storage.models import Base
from fursa.storage.search import include_in_schema_comparison

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        _run(conn)


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      include_object=include_in_schema_comparison)
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
