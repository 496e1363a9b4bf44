from __future__ import annotations

from datetime import datetime, timezone

import pytest

from fursa import storage


@pytest.fixture
def sessions(database_url):
    engine = storage.make_engine(database_url)
    storage.migrate(engine)
    yield storage.make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 11, 29, 8, 0, tzinfo=timezone.utc)
