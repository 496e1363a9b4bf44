"""Fixtures shared by every test package: where ../shared is, and temp working dirs."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only ../shared folder with real captures and labels; skip where it is absent."""
    if not (SHARED / "corpus").is_dir():
        pytest.skip(f"../shared is absent (looked in {SHARED}); real captures are needed for this test")
    return SHARED


@pytest.fixture(scope="session")
def corpus_dir(shared_dir: Path) -> Path:
    return shared_dir / "corpus"


@pytest.fixture(scope="session")
def labels_dir(shared_dir: Path) -> Path:
    return shared_dir / "labels"


POSTGRES_URL_VARIABLE = "FURSA_TEST_POSTGRES_URL"


def _fresh_postgres_database(admin_url: str, name: str) -> str:
    """A new empty database on the test server, so each test starts from nothing as on SQLite."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path) -> str:
    """Each storage-level test runs on SQLite and, where a test server is given, on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fursa.db'}"
    admin_url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not admin_url:
        pytest.skip(f"PostgreSQL path not tested: set {POSTGRES_URL_VARIABLE} (.ci/start-postgres does)")
    name = f"fursa_t_{uuid.uuid4().hex[:12]}"
    return _fresh_postgres_database(admin_url, name)
