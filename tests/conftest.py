"""Fixtures shared by every test package: where ../shared is, and temp working dirs."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.databases import POSTGRES_URL_VARIABLE, fresh_postgres_database, postgres_admin_url

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


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path) -> str:
    """Each storage-level test runs on SQLite and, where a test server is given, on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fursa.db'}"
    admin_url = postgres_admin_url()
    if not admin_url:
        pytest.skip(f"PostgreSQL path not tested: set {POSTGRES_URL_VARIABLE} (.ci/start-postgres does)")
    return fresh_postgres_database(admin_url)
