"""The public list's queries (storage/search.py) on SQLite and PostgreSQL: the full-text index follows
every write, the list and search use their indexes, counts are cached until a call changes."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, select, update

from fursa import matching, pipeline, storage
from fursa.storage import CallQuery, Opportunity, count_calls, list_generation, search_calls
from fursa.storage.search import _ordered, _statement

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


def _call(session, title: str, *, text: str = "", status: str = "approved", days: int | None = 30,
          index: bool = True, **fields) -> Opportunity:
    source = session.scalar(select(storage.Source).where(storage.Source.name == "S"))
    if source is None:
        source = storage.source_from_spec(storage.SourceSpec(name="S", type="feed", url="https://example.org/f"))
        session.add(source)
        session.flush()
    deadline = storage.Deadline(kind="date", at=NOW + timedelta(days=days)) if days is not None else storage.Deadline()
    draft = storage.Draft(source_name="S", url=f"https://example.org/{abs(hash(title))}", title=title, text=text,
                          deadline=deadline)
    row = storage.ingest_drafts(session, source, [draft], NOW).new[0]
    for name, value in fields.items():
        setattr(row, name, value)
    if index:
        pipeline.index_call(row)
    storage.set_status(row, status, NOW)
    session.flush()
    return row


def _titles(session, **query) -> list[str]:
    text = query.get("text", "")
    query.setdefault("terms", matching.search_terms(text))
    return [row.title for row in search_calls(session, CallQuery(**query), NOW).rows]


def test_search_finds_calls_by_the_names_of_their_tags_in_both_languages(sessions):
    with sessions.begin() as session:
        _call(session, "Health sciences award", text="For future pharmacists.", disciplines=["0916"], levels=["master"])
        _call(session, "Drug discovery grant", text="Laboratory work.", disciplines=["0916"], levels=["phd"])
        _call(session, "منحة للدراسة في المجر", text="منح دراسية للطلبة الفلسطينيين في جامعات المجر", levels=["bachelor"])
        _call(session, "Engineering exchange", text="Mechanical engineering in Germany", disciplines=["0715"])
    with sessions() as session:
        assert sorted(_titles(session, text="pharmacy")) == ["Drug discovery grant", "Health sciences award"]
        assert sorted(_titles(session, text="الصيدلة")) == ["Drug discovery grant", "Health sciences award"]
        for words in ("PhD", "doctorate", "دكتوراه"):
            assert _titles(session, text=words) == ["Drug discovery grant"], words
        for words in ("masters", "ماجستير"):
            assert _titles(session, text=words) == ["Health sciences award"], words
        for words in ("Hungary", "هنغاريا", "المجر"):
            assert _titles(session, text=words) == ["منحة للدراسة في المجر"], words
        assert _titles(session, text="engineer germany") == ["Engineering exchange"]   # a word's start, every word
        assert _titles(session, text="pharmacy germany") == []
        assert _titles(session, text="_ %") == []   # symbols alone match nothing


def test_the_best_match_comes_first_when_searching(sessions):
    with sessions.begin() as session:
        _call(session, "Robotics summer school", text="A course. " + "Other words. " * 30 + "Some robotics.", days=5)
        _call(session, "Robotics robotics fellowship", text="Robotics research in robotics labs.", days=50)
    with sessions() as session:
        assert _titles(session, text="robotics") == ["Robotics robotics fellowship", "Robotics summer school"]
        assert _titles(session, text="robotics", sort="closing") == ["Robotics summer school",
                                                                      "Robotics robotics fellowship"]


def test_the_index_holds_public_calls_only_and_follows_every_write(sessions):
    with sessions.begin() as session:
        waiting = _call(session, "Waiting physics call", status="new")
        public = _call(session, "Public physics call")
        ids = waiting.id, public.id
    with sessions.begin() as session:
        assert _titles(session, text="physics") == ["Public physics call"]
        storage.set_status(session.get(Opportunity, ids[0]), "approved", NOW)
        storage.set_status(session.get(Opportunity, ids[1]), "rejected", NOW)
    with sessions.begin() as session:
        assert _titles(session, text="physics") == ["Waiting physics call"]
        row = session.get(Opportunity, ids[0])
        row.title, row.levels = "Waiting chemistry call", ["phd"]
        pipeline.index_call(row)   # what the desk runs after an edit
    with sessions() as session:
        assert _titles(session, text="physics") == []
        assert _titles(session, text="chemistry doctorate") == ["Waiting chemistry call"]


def test_calls_stored_before_the_index_are_found_by_their_words_then_by_their_tags(sessions):
    with sessions.begin() as session:
        row = _call(session, "Stipend for nursing", text="Two places.", index=False, levels=["phd"])
        assert row.search_version == 0
        assert _titles(session, text="nursing") == ["Stipend for nursing"]   # storage's plain text
        assert _titles(session, text="doctorate") == []
        assert pipeline.index_stale_calls(session) == 1
    with sessions() as session:
        assert _titles(session, text="doctorate") == ["Stipend for nursing"]
        assert session.get(Opportunity, row.id).search_version == matching.SEARCH_VERSION


def test_host_country_coverage_and_the_newest_order(sessions):
    with sessions.begin() as session:
        german = _call(session, "Fully funded master", text="Study in Germany at a technical university.", days=5)
        german.approved_at = NOW - timedelta(days=3)
        partial = _call(session, "Partial scholarship in Italy", text="Tuition only.", days=10)
        partial.approved_at = NOW - timedelta(days=1)
        _call(session, "Exchange semester", text="Somewhere in Europe.", days=20).approved_at = NOW - timedelta(days=2)
    with sessions() as session:
        rows = {row.title: row for row in session.scalars(select(Opportunity))}
        assert (rows["Fully funded master"].host_country, rows["Fully funded master"].coverage) == ("DE", "full")
        assert (rows["Partial scholarship in Italy"].host_country, rows["Partial scholarship in Italy"].coverage) == (
            "IT", "partial")
        assert (rows["Exchange semester"].host_country, rows["Exchange semester"].coverage) == ("", "")
        assert _titles(session, host_country="DE") == ["Fully funded master"]
        assert _titles(session, coverage="partial") == ["Partial scholarship in Italy"]
        assert _titles(session) == ["Fully funded master", "Partial scholarship in Italy", "Exchange semester"]
        assert _titles(session, sort="newest") == ["Partial scholarship in Italy", "Exchange semester",
                                                   "Fully funded master"]
        assert _titles(session, sort="newest", host_country="IT") == ["Partial scholarship in Italy"]


def test_the_count_is_cached_until_a_call_changes(sessions):
    with sessions.begin() as session:
        first = _call(session, "First call")
        first_id = first.id
    with sessions.begin() as session:
        before = list_generation(session)
        assert count_calls(session, CallQuery(), NOW) == 1
    with sessions.begin() as session:
        _call(session, "Second call", status="new")
    with sessions.begin() as session:
        assert list_generation(session) != before
        assert count_calls(session, CallQuery(), NOW) == 1
        second = session.scalar(select(Opportunity).where(Opportunity.title == "Second call"))
        storage.set_status(second, "approved", NOW)
    with sessions.begin() as session:
        assert count_calls(session, CallQuery(), NOW) == 2   # the approval changed the generation
        assert search_calls(session, CallQuery(), NOW, offset=0, limit=1).total == 2
        session.execute(update(Opportunity).where(Opportunity.id == first_id).values(status="rejected"))
    with sessions() as session:
        assert count_calls(session, CallQuery(), NOW) == 1   # a raw UPDATE counts as a write too


def _plan(session, query: CallQuery) -> str:
    statement = _ordered(_statement(session, query, NOW, (Opportunity.id,)), session, query).limit(20)
    dialect = session.get_bind().dialect
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    prefix = "EXPLAIN QUERY PLAN " if dialect.name == "sqlite" else "EXPLAIN "
    return "\n".join(str(row[-1]) for row in session.connection().exec_driver_sql(prefix + sql))


def _fill(session, count: int) -> None:
    """Enough calls, most of them closed, that PostgreSQL's planner weighs its indexes as it would in use."""
    rows = [dict(title=f"Call {n}", summary="", text="", url=f"https://example.org/bulk/{n}", provider="",
                 external_id="", kind="scholarship", levels=[], disciplines=[], excluded=[], categories=[], regions=[],
                 eligibility_evidence=[], deadline_kind="date", deadline_at=NOW + timedelta(days=n % 90 - 45),
                 deadline_text="", currency="", language="en", status="approved" if n % 30 == 0 else "expired",
                 featured=False, first_seen_at=NOW, last_seen_at=NOW, approved_at=NOW, content_hash=str(n),
                 evidence={}, scores={}, flags=[], tags_edited=False, search_text=f"call {n} scholarship pharmacy",
                 search_version=1) for n in range(count)]
    session.execute(insert(Opportunity), rows)


def test_the_list_and_search_use_their_indexes(sessions):
    with sessions.begin() as session:
        _fill(session, 6000)
        if session.get_bind().dialect.name == "postgresql":
            session.connection().exec_driver_sql("ANALYZE opportunities")
    with sessions() as session:
        postgres = session.get_bind().dialect.name == "postgresql"
        default = _plan(session, CallQuery())
        newest = _plan(session, CallQuery(sort="newest"))
        filtered = _plan(session, CallQuery(kind="scholarship", level="phd"))
        search = _plan(session, CallQuery(text="pharmacy", terms=("pharmacy",)))
        if postgres:
            assert "ix_opportunities_public_closing" in default and "Sort" not in default, default
            assert "ix_opportunities_public_newest" in newest and "Sort" not in newest, newest
            assert "Seq Scan" not in filtered, filtered   # a rare filter may rather sort the few it finds
            assert "ix_opportunities_search" in search, search
        else:
            assert "USING INDEX ix_opportunities_public_closing" in default, default
            assert "USE TEMP B-TREE FOR ORDER BY" not in default, default
            assert "USING INDEX ix_opportunities_public_newest" in newest and "TEMP B-TREE" not in newest, newest
            assert "TEMP B-TREE" not in filtered, filtered
            assert "VIRTUAL TABLE INDEX" in search, search   # FTS5 finds the rows; only they are sorted


def test_0008_indexes_the_calls_already_stored_and_takes_its_objects_away(database_url):
    from sqlalchemy import MetaData, Table, inspect, text

    from tests.storage.test_migrations import _downgrade_to, _upgrade_to
    engine = storage.make_engine(database_url)
    _upgrade_to(engine, "0007")
    seen = datetime(2026, 11, 1, 8, 0)
    with engine.begin() as connection:
        table = Table("opportunities", MetaData(), autoload_with=connection)
        for number, status in enumerate(("approved", "new")):
            connection.execute(table.insert().values(
                title=f"Old Pharmacy call {number}", summary="", text="Stored before search.", url=f"https://o.org/{number}",
                provider="Old Foundation", external_id="", kind="scholarship", levels=[], disciplines=[], excluded=[],
                categories=[], regions=[], eligibility_evidence=[], deadline_kind="unknown", deadline_text="",
                currency="", language="en", status=status, featured=False, first_seen_at=seen, last_seen_at=seen,
                content_hash=str(number), evidence={}, scores={}, flags=[], tags_edited=False))
    _upgrade_to(engine, "0008")
    with engine.connect() as connection:   # read as 0008 left it: the models may hold later columns
        rows = connection.execute(text("SELECT search_version, search_text, host_country, coverage FROM opportunities "
                                       "ORDER BY id")).all()
    assert [row[0] for row in rows] == [0, 0] and "pharmacy" in rows[0][1] and tuple(rows[0][2:]) == ("", "")
    _upgrade_to(engine, "head")
    with storage.make_sessionmaker(engine)() as session:
        assert _titles(session, text="pharmacy foundation") == ["Old Pharmacy call 0"]   # the new one is not public
    _downgrade_to(engine, "0007")
    inspector = inspect(engine)
    assert {"search_text", "host_country"}.isdisjoint(c["name"] for c in inspector.get_columns("opportunities"))
    assert not inspector.has_table("opportunity_search") and not inspector.has_table("list_generation")
    with engine.begin() as connection:   # no trigger is left behind to write to a dropped table
        connection.execute(text("UPDATE opportunities SET title = 'renamed'"))
    _upgrade_to(engine, "head")
    engine.dispose()
