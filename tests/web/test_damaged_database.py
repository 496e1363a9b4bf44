"""A damaged database (issue 13, item 11): /healthz really reads every table and says "down" with
a 503, and pages answer 503 instead of a traceback's 500."""
from __future__ import annotations

import warnings

import pytest
from sqlalchemy import text

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from tests.web.damage import damage_table, sqlite_file


@pytest.fixture
def sqlite_only(ctx):
    if ctx.engine.dialect.name != "sqlite":
        pytest.skip("damages a SQLite file byte by byte")


@pytest.fixture
def loose_client(app):
    """A client that receives a 500 as a response, as a browser would, instead of the exception."""
    with TestClient(app, base_url="http://testserver", raise_server_exceptions=False) as client:
        yield client


def test_a_damaged_table_makes_healthz_down_and_pages_unavailable(sqlite_only, ctx, make_call, loose_client):
    for number in range(5):
        make_call(f"Scholarship number {number}", status="approved")
    assert loose_client.get("/healthz").json()["status"] == "ok"

    damage_table(sqlite_file(ctx.engine), "opportunities")   # job log and sources stay readable
    health = loose_client.get("/healthz")
    assert health.status_code == 503
    assert health.json() == {"status": "down", "database": "unreachable"}
    assert health.headers["cache-control"] == "no-store"

    page = loose_client.get("/")
    assert page.status_code == 503 and "Temporarily unavailable" in page.text and page.headers["retry-after"]
    api = loose_client.get("/api/v1/calls")
    assert api.status_code == 503 and api.json() == {"detail": "the database is not available"}
    arabic = loose_client.get("/", headers={"Accept-Language": "ar"})
    assert arabic.status_code == 503 and "غير متاح مؤقتًا" in arabic.text


def test_a_missing_table_makes_healthz_down(ctx, loose_client):
    """On PostgreSQL too: a database whose tables are not all there is not up."""
    assert loose_client.get("/healthz").status_code == 200
    with ctx.engine.begin() as connection:
        connection.execute(text("DROP TABLE tokens"))
    health = loose_client.get("/healthz")
    assert health.status_code == 503 and health.json()["status"] == "down"
