"""Migration 0007 gives deadlines stored before it their stated date back, on SQLite and PostgreSQL.

Before 0007 a day without a time was stored as its end in the source's zone (crawlers: 23:59:59, the
tagger: 23:59), so a Grants.gov 01/15/2027 became 16 January 06:59 in Hebron. After it, such rows are
date-only (deadline_date) and close at the end of that date in Hebron; stated times are left alone.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import MetaData, Table, inspect, select

from fursa import storage
from tests.storage.test_migrations import _downgrade_to, _upgrade_to

SEEN = datetime(2026, 11, 1, 8, 0)
HEBRON = ZoneInfo("Asia/Hebron")


def _utc(local: datetime) -> datetime:
    """As storage kept instants before and after 0007: naive UTC."""
    return local.astimezone(timezone.utc).replace(tzinfo=None)


# (url, deadline_kind, deadline_at stored by the old code, deadline_tz)
OLD_ROWS = [
    ("grants", "date", _utc(datetime(2027, 1, 15, 23, 59, 59, tzinfo=ZoneInfo("America/New_York"))), "America/New_York"),
    ("tagger", "date", _utc(datetime(2027, 3, 27, 23, 59, tzinfo=HEBRON)), "Asia/Hebron"),
    ("no-zone", "date", _utc(datetime(2027, 10, 31, 23, 59, 59, tzinfo=timezone.utc)), None),
    ("timed", "date", _utc(datetime(2027, 3, 28, 17, 0, tzinfo=ZoneInfo("Europe/Brussels"))), "Europe/Brussels"),
    ("rolling", "rolling", None, None),
]


def _store_old_rows(engine) -> None:
    with engine.begin() as connection:
        table = Table("opportunities", MetaData(), autoload_with=connection)
        for url, kind, at, zone in OLD_ROWS:
            connection.execute(table.insert().values(
                title=url, summary="", text="", url=f"https://example.org/{url}", provider="", external_id="",
                kind="scholarship", levels=[], disciplines=[], categories=[], regions=[], deadline_kind=kind,
                deadline_at=at, deadline_tz=zone, deadline_text="", currency="", language="en", status="approved",
                featured=False, first_seen_at=SEEN, last_seen_at=SEEN, content_hash=url, evidence={}, scores={},
                flags=[], tags_edited=False))


def _rows(engine) -> dict[str, tuple]:
    with engine.connect() as connection:
        table = Table("opportunities", MetaData(), autoload_with=connection)
        query = select(table.c.title, table.c.deadline_date, table.c.deadline_at, table.c.deadline_tz)
        return {title: (day, at, zone) for title, day, at, zone in connection.execute(query)}


def _hebron_end_of(day: date) -> datetime:
    return _utc(datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=HEBRON))


def test_0007_gives_days_without_a_time_their_date_back_and_leaves_stated_times(database_url):
    engine = storage.make_engine(database_url)
    _upgrade_to(engine, "0006")
    _store_old_rows(engine)

    _upgrade_to(engine, "0007")
    rows = _rows(engine)
    assert rows["grants"] == (date(2027, 1, 15), _hebron_end_of(date(2027, 1, 15)), "America/New_York")
    assert rows["tagger"] == (date(2027, 3, 27), _hebron_end_of(date(2027, 3, 27)), "Asia/Hebron")
    assert rows["no-zone"] == (date(2027, 10, 31), _hebron_end_of(date(2027, 10, 31)), None)
    assert rows["timed"] == (None, OLD_ROWS[3][2], "Europe/Brussels")
    assert rows["rolling"] == (None, None, None)

    _upgrade_to(engine, "head")
    with storage.make_sessionmaker(engine)() as session:
        shown = {row.title: row.deadline for row in session.scalars(select(storage.Opportunity))}
    assert shown["grants"].date_only and shown["grants"].shown_day("Asia/Hebron") == date(2027, 1, 15)
    assert not shown["timed"].date_only and shown["timed"].shown_day("Asia/Hebron") == date(2027, 3, 28)

    _downgrade_to(engine, "0006")
    assert "deadline_date" not in {column["name"] for column in inspect(engine).get_columns("opportunities")}
    _upgrade_to(engine, "head")
    engine.dispose()
