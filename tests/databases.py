"""Where a test's database lives: SQLite in its temp folder, or a fresh PostgreSQL database.

`FURSA_TEST_POSTGRES_URL` names a PostgreSQL server for the storage-level tests, which run on both.
With `FURSA_TEST_DATABASE=postgres` as well, every test that calls `test_database_url` runs on
PostgreSQL instead of SQLite: `.ci/run` makes that second pass over the web, digest and pipeline tests.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_URL_VARIABLE = "FURSA_TEST_POSTGRES_URL"
DATABASE_VARIABLE = "FURSA_TEST_DATABASE"


def postgres_admin_url() -> str | None:
    return os.environ.get(POSTGRES_URL_VARIABLE) or None


def fresh_postgres_database(admin_url: str) -> str:
    """A new empty database on the test server, so each test starts from nothing as on SQLite."""
    name = f"fursa_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def test_database_url(folder: Path) -> str:
    """The database for one test: PostgreSQL on the PostgreSQL pass, else a SQLite file in `folder`."""
    if os.environ.get(DATABASE_VARIABLE) == "postgres":
        admin_url = postgres_admin_url()
        if not admin_url:
            raise RuntimeError(f"{DATABASE_VARIABLE}=postgres needs {POSTGRES_URL_VARIABLE} (.ci/start-postgres sets it)")
        return fresh_postgres_database(admin_url)
    return f"sqlite:///{folder / 'fursa.db'}"


test_database_url.__test__ = False  # a helper, not a test, despite its name
