from __future__ import annotations

from pathlib import Path

import pytest

from fursa import pipeline, storage
from fursa.settings import load_settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
EMPTY_CATALOGUE = "# no sources: these tests add what they need\n"


@pytest.fixture
def make_ctx(tmp_path, database_url):
    """A context on a fresh database (SQLite, and PostgreSQL where a test server is given)."""
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(EMPTY_CATALOGUE, encoding="utf-8")

    def make(**overrides) -> pipeline.Context:
        values = dict(database_url=database_url, outbox_dir=tmp_path / "outbox", catalogue=catalogue,
                      model_dir=tmp_path / ".fursa", weekend_days=())
        values.update(overrides)
        ctx = pipeline.make_context(load_settings(**values))
        pipeline.init_database(ctx)
        return ctx

    return make


@pytest.fixture
def ctx(make_ctx) -> pipeline.Context:
    return make_ctx()


def job_runs(ctx: pipeline.Context) -> list[storage.JobRun]:
    with ctx.sessions() as session:
        return session.query(storage.JobRun).order_by(storage.JobRun.id).all()
