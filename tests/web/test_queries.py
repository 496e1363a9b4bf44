"""The web's storage queries (storage.curation, storage.users) on SQLite and, where a server is given, PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from fursa import storage
from fursa.storage import (
    CallQuery, OpportunityEdit, apply_edit, email_hash, erase_subscriber, find_token, issue_token, merge_opportunities,
    redeem_token, review_queue, search_calls, search_subscribers, suppression_of, weekly_new_by_kind,
)
from fursa.storage import InvalidUserError, create_user, find_user

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def sessions(database_url):
    engine = storage.make_engine(database_url)
    storage.migrate(engine)
    yield storage.make_sessionmaker(engine)
    engine.dispose()


def _call(session, title: str, *, status: str = "approved", days: int | None = 30, **fields) -> storage.Opportunity:
    source = session.scalar(select(storage.Source).where(storage.Source.name == "S"))
    if source is None:
        source = storage.source_from_spec(storage.SourceSpec(name="S", type="feed", url="https://example.org/f"))
        session.add(source)
        session.flush()
    deadline = storage.Deadline(kind="date", at=NOW + timedelta(days=days)) if days is not None else storage.Deadline()
    draft = storage.Draft(source_name="S", url=f"https://example.org/{title.replace(' ', '-')}", title=title,
                          text=fields.pop("text", ""), deadline=deadline, language=fields.pop("language", "en"))
    row = storage.ingest_drafts(session, source, [draft], NOW).new[0]
    for name, value in fields.items():
        setattr(row, name, value)
    storage.set_status(row, status, NOW)
    session.flush()
    return row


def test_search_filters_in_the_database(sessions):
    with sessions.begin() as session:
        _call(session, "Engineering 100% funded", kind="scholarship", levels=["master", "phd"], disciplines=["0715"],
              palestinian_eligible=True, days=5, text="Mechanical engineering")
        _call(session, "Any field exchange", kind="exchange", levels=["bachelor"], disciplines=["any"], days=90)
        _call(session, "Medicine fellowship", kind="fellowship", levels=["postdoc"], disciplines=["091"], days=None,
              featured=True, language="ar")
        _call(session, "Closed call", days=-1)
        _call(session, "Waiting call", status="new")
    with sessions() as session:
        def titles(**query):
            return [row.title for row in search_calls(session, CallQuery(**query), NOW).rows]

        assert titles() == ["Medicine fellowship", "Engineering 100% funded", "Any field exchange"]
        assert titles(discipline="07") == ["Engineering 100% funded", "Any field exchange"]
        assert titles(discipline="071") == ["Engineering 100% funded", "Any field exchange"]
        assert titles(discipline="0715") == ["Engineering 100% funded", "Any field exchange"]
        assert titles(discipline="072") == ["Any field exchange"]
        assert titles(level="phd") == ["Engineering 100% funded"]
        assert titles(kind="fellowship", language="ar") == ["Medicine fellowship"]
        assert titles(within_days=30) == ["Engineering 100% funded"]
        assert titles(palestinian_only=True) == ["Engineering 100% funded"]
        assert titles(text="MECHANICAL engineering") == ["Engineering 100% funded"]
        assert titles(text="100%") == ["Engineering 100% funded"]
        assert titles(text="_") == []  # LIKE wildcards in the search box are taken literally
        page = search_calls(session, CallQuery(), NOW, offset=2, limit=2)
        assert page.total == 3 and [r.title for r in page.rows] == ["Any field exchange"] and not page.has_next
        assert search_calls(session, CallQuery(), NOW, offset=10).total == 3


def test_edits_merges_and_the_queue(sessions):
    with sessions.begin() as session:
        keep, twin = _call(session, "Fulbright", status="new"), _call(session, "Fulbright again", status="new")
        edit = OpportunityEdit(title="Fulbright 2027", kind="scholarship", levels=("master",), disciplines=("any",),
                               regions=(), palestinian_eligible=True, deadline_kind="rolling", deadline_at=None,
                               deadline_tz=None)
        assert set(apply_edit(session, keep, edit, actor="a@ppu.edu", now=NOW)) >= {"title", "kind", "deadline"}
        merge_opportunities(session, twin, keep, actor="a@ppu.edu", now=NOW)
        keep_id = keep.id
    with sessions() as session:
        queue = review_queue(session, status="new")
        assert [row.id for row in queue.rows] == [keep_id] and queue.total == 1
        assert session.get(storage.Opportunity, keep_id).deadline_at is None
        assert {c.field for c in session.scalars(select(storage.TagCorrection))} >= {"kind", "deadline"}
        assert len(session.scalars(select(storage.Sighting).where(storage.Sighting.opportunity_id == keep_id)).all()) == 2


def test_tokens_are_single_use_and_expire(sessions):
    with sessions.begin() as session:
        row, _ = storage.add_subscriber(session, storage.SubscriberInput(email="a@ppu.edu"), NOW)
        raw = issue_token(session, purpose="confirm", subscriber=row, now=NOW, ttl=timedelta(hours=1))
        other = issue_token(session, purpose="confirm", subscriber=row, now=NOW, ttl=timedelta(hours=1))
    with sessions.begin() as session:
        assert find_token(session, raw, "reset", NOW) is None
        assert find_token(session, raw, "confirm", NOW + timedelta(hours=2)) is None
        assert redeem_token(session, raw, "confirm", NOW).email == "a@ppu.edu"
        assert redeem_token(session, raw, "confirm", NOW) is None
        assert redeem_token(session, other, "confirm", NOW + timedelta(minutes=59)) is not None


def test_erasing_a_subscriber_keeps_only_a_hash(sessions):
    with sessions.begin() as session:
        row, _ = storage.add_subscriber(session, storage.SubscriberInput(email="Huda@PPU.edu", name="Huda"), NOW)
        erase_subscriber(session, row, actor="admin@ppu.edu", now=NOW)
    with sessions() as session:
        assert suppression_of(session, "huda@ppu.edu").email_hash == email_hash("HUDA@ppu.edu")
        assert search_subscribers(session, text="huda").total == 0
        assert session.scalars(select(storage.Subscriber)).one().name == ""


def test_weekly_counts_and_staff_accounts(sessions):
    with sessions.begin() as session:
        _call(session, "A", kind="exchange")
        create_user(session, email="Admin@PPU.edu", password_hash="$argon2id$x", role="admin", now=NOW)
        with pytest.raises(InvalidUserError):
            create_user(session, email="admin@ppu.edu", password_hash="$argon2id$y", role="admin", now=NOW)
    with sessions() as session:
        assert dict(weekly_new_by_kind(session, NOW)[-1].by_kind) == {"exchange": 1}
        assert find_user(session, "ADMIN@ppu.edu").role == "admin"
        assert find_user(session, "not an address") is None


def test_the_field_filter_leaves_out_calls_that_exclude_that_field(sessions):
    with sessions.begin() as session:
        _call(session, "All but health", disciplines=["any"], excluded=["09"], days=10)
        _call(session, "All fields", disciplines=["any"], days=20)
        _call(session, "Medicine only", disciplines=["0912"], days=30)
        _call(session, "No field found", disciplines=[], days=40)
    with sessions() as session:
        def titles(**query):
            return [row.title for row in search_calls(session, CallQuery(**query), NOW).rows]

        assert titles(discipline="0912") == ["All fields", "Medicine only"]
        assert titles(discipline="09") == ["All fields", "Medicine only"]
        assert titles(discipline="0613") == ["All but health", "All fields"]
        assert titles(discipline="any") == ["All but health", "All fields"]
        assert titles() == ["All but health", "All fields", "Medicine only", "No field found"]
