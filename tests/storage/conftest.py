from __future__ import annotations

from datetime import datetime, timezone

import pytest

import storage


@pytest.fixture
def sessions(tmp_path):
    engine = storage.make_engine(f"sqlite:///{tmp_path / 'fursa.db'}")
    storage.migrate(engine)
    yield storage.make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 11, 29, 8, 0, tzinfo=timezone.utc)
