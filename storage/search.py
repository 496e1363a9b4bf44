"""The public list of calls: filters, orders, full-text search and cheap counts, on SQLite and PostgreSQL.

Search runs on the database's own full-text index over the public calls only (approved, not merged):
SQLite's FTS5 table `opportunity_search`, kept by triggers; PostgreSQL's GIN index on the stored
column `search_vector` = `to_tsvector('simple', search_text)`. `search_text` is written by the pipeline when a call is tagged
or edited (matching.search_document: the call's words and its tags' names in English and Arabic,
normalized as the matcher normalizes); storage writes a plain stand-in at ingest (version 0). The
visitor's words arrive in `CallQuery.terms`, normalized the same way by the caller.

Counting every open call for every page was most of a list request's time; the count of a filter
set is kept per process until the list generation changes (a number every write to opportunities
moves: a crawl, a tagging run, an approval, an edit) or a minute passes (deadlines pass too).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from threading import Lock
from typing import Sequence

from sqlalchemy import (
    Connection, Integer, String, and_, cast, column, func, literal, literal_column, or_, select, table,
)
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.orm import Session, defer

from fursa.storage.models import PUBLIC_PREDICATE, Opportunity
from fursa.storage.paging import Page

# Disciplines meaning "open to every field" (the tagger writes `any`, the design says `all`).
OPEN_TO_ALL = frozenset({"any", "all"})
# The public list's orders: nearest deadline (featured first), newest approved, best match first.
SORTS = ("closing", "newest", "relevance")
# Tables the schema keeps outside the ORM's models (the FTS5 table, its shadow tables, the generation).
SEARCH_TABLES = frozenset({"opportunity_search", "opportunity_search_data", "opportunity_search_idx",
                           "opportunity_search_content", "opportunity_search_docsize", "opportunity_search_config",
                           "list_generation"})
# A deadline later than any, for calls without one.
NEVER = datetime(9999, 12, 31, tzinfo=timezone.utc)
_COUNT_ENTRIES = 4096


def _sqlite_from_hint(compiler: SQLiteCompiler, table_: object, text: str) -> str:
    return text


# SQLAlchemy's SQLite compiler drops table hints (`Select.with_hint`); SQLite has one, INDEXED BY,
# which this module needs (see _statement). Only statements that ask for a hint for SQLite change.
SQLiteCompiler.get_from_hint_text = _sqlite_from_hint

_fts = table("opportunity_search", column("rowid", Integer))
_PG_VECTOR = "opportunities.search_vector"   # PostgreSQL only: to_tsvector('simple', search_text), stored
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class CallQuery:
    """The public filters over approved calls; empty fields filter nothing.

    `text` is what the visitor typed (shown back, kept in links); `terms` are its words as the index
    holds them (matching.search_terms). Without `terms` the words of `text` are only case-folded.
    `sort` is one of SORTS, or "" for the default: best match when searching, else closing soonest.
    """

    text: str = ""
    discipline: str = ""
    level: str = ""
    kind: str = ""
    language: str = ""
    within_days: int | None = None
    palestinian_only: bool = False
    host_country: str = ""
    coverage: str = ""
    study_language: str = ""   # a language the call is taught in (ISO 639-1), where it says so
    sort: str = ""
    terms: tuple[str, ...] = ()

    @property
    def words(self) -> tuple[str, ...]:
        """The words searched for: `terms`, or the case-folded words of `text`."""
        return self.terms or tuple(dict.fromkeys(_WORD.findall(self.text.casefold())))

    @property
    def order(self) -> str:
        if self.sort in SORTS and (self.sort != "relevance" or self.words):
            return self.sort
        return "relevance" if self.words else "closing"


def plain_document(title: str, summary: str, provider: str, text: str) -> str:
    """Storage's stand-in search text, until the pipeline writes the full one: the words, case-folded."""
    return " ".join(_WORD.findall(f"{title} {summary} {provider} {text}".casefold()))


# --- the schema objects outside the models (migration 0008) -------------------------------------

_SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE opportunity_search USING fts5(document, tokenize = 'unicode61 remove_diacritics 2')",
    """CREATE TRIGGER opportunity_search_insert AFTER INSERT ON opportunities
        WHEN new.status = 'approved' AND new.merged_into_id IS NULL
        BEGIN INSERT INTO opportunity_search (rowid, document) VALUES (new.id, new.search_text); END""",
    """CREATE TRIGGER opportunity_search_update AFTER UPDATE OF search_text, status, merged_into_id ON opportunities
        BEGIN
            DELETE FROM opportunity_search WHERE rowid = old.id;
            INSERT INTO opportunity_search (rowid, document) SELECT new.id, new.search_text
                WHERE new.status = 'approved' AND new.merged_into_id IS NULL;
        END""",
    """CREATE TRIGGER opportunity_search_delete AFTER DELETE ON opportunities
        BEGIN DELETE FROM opportunity_search WHERE rowid = old.id; END""",
    f"""INSERT INTO opportunity_search (rowid, document)
        SELECT id, search_text FROM opportunities WHERE {PUBLIC_PREDICATE}""",
    "CREATE TABLE list_generation (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)",
    "INSERT INTO list_generation (id, value) VALUES (1, 0)",
    *(f"""CREATE TRIGGER list_generation_{event.lower()} AFTER {event} ON opportunities
          BEGIN UPDATE list_generation SET value = value + 1 WHERE id = 1; END"""
      for event in ("INSERT", "UPDATE", "DELETE")),
)
_SQLITE_DROP = (
    *(f"DROP TRIGGER IF EXISTS {name}" for name in (
        "opportunity_search_insert", "opportunity_search_update", "opportunity_search_delete",
        "list_generation_insert", "list_generation_update", "list_generation_delete")),
    "DROP TABLE IF EXISTS opportunity_search", "DROP TABLE IF EXISTS list_generation",
)
_POSTGRES_SEARCH = (
    # Stored, so that ranking and the index's recheck read it instead of parsing every matched text again.
    "ALTER TABLE opportunities ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED",
    f"CREATE INDEX ix_opportunities_search ON opportunities USING gin (search_vector) WHERE {PUBLIC_PREDICATE}",
    "CREATE SEQUENCE list_generation_seq",
    """CREATE FUNCTION list_generation_bump() RETURNS trigger LANGUAGE plpgsql AS
       $$ BEGIN PERFORM nextval('list_generation_seq'); RETURN NULL; END $$""",
    """CREATE TRIGGER list_generation_bump AFTER INSERT OR UPDATE OR DELETE ON opportunities
       FOR EACH STATEMENT EXECUTE FUNCTION list_generation_bump()""",
)
_POSTGRES_DROP = (
    "DROP TRIGGER IF EXISTS list_generation_bump ON opportunities", "DROP FUNCTION IF EXISTS list_generation_bump()",
    "DROP SEQUENCE IF EXISTS list_generation_seq", "DROP INDEX IF EXISTS ix_opportunities_search",
    "ALTER TABLE opportunities DROP COLUMN IF EXISTS search_vector",
)


def create_search_objects(connection: Connection) -> None:
    """Create the full-text index and the list generation for the connection's database (migration 0008)."""
    for statement in _POSTGRES_SEARCH if connection.dialect.name == "postgresql" else _SQLITE_SEARCH:
        connection.exec_driver_sql(statement)


def drop_search_objects(connection: Connection) -> None:
    for statement in _POSTGRES_DROP if connection.dialect.name == "postgresql" else _SQLITE_DROP:
        connection.exec_driver_sql(statement)


def include_in_schema_comparison(obj, name, type_, reflected, compare_to) -> bool:
    """For Alembic's comparison of models and database: the search tables and PostgreSQL's full-text
    column and index have no model on purpose (SQLite keeps them in a virtual table instead)."""
    return not ((type_ == "table" and name in SEARCH_TABLES) or (type_ == "index" and name == "ix_opportunities_search")
                or (type_ == "column" and name == "search_vector"))


def list_generation(session: Session) -> int:
    """A number that changes whenever a call is written (any process, any worker): a cache key."""
    if session.get_bind().dialect.name == "postgresql":
        return session.execute(select(literal_column("last_value")).select_from(table("list_generation_seq"))).scalar_one()
    return session.execute(select(literal_column("value")).select_from(table("list_generation"))).scalar_one()


# --- the list -------------------------------------------------------------------------------------

def _json_has(column_, pattern: str):
    """A JSON list column whose text contains `pattern` (a quoted code, so "07 also finds "0715").

    Tag lists are JSON, which SQLite and PostgreSQL query differently; their text form is the same
    in both (`["071", "any"]`), so a LIKE on it filters in the database on either.
    """
    return cast(column_, String).like(f"%{pattern}%")


def _discipline_filter(code: str):
    if code in OPEN_TO_ALL:
        return or_(*(_json_has(Opportunity.disciplines, f'"{each}"') for each in sorted(OPEN_TO_ALL)))
    # The field and everything under it, its broader fields, and calls open to every field.
    wider = {f'"{code[:n]}"' for n in (2, 3) if n < len(code)}
    patterns = [f'"{code}', *sorted(wider)]
    # "All fields except medicine" is not shown under medicine, nor under anything inside it.
    left_out = [f'"{code[:n]}"' for n in range(2, len(code) + 1)]
    open_here = and_(or_(*(_json_has(Opportunity.disciplines, f'"{each}"') for each in sorted(OPEN_TO_ALL))),
                     *(~_json_has(Opportunity.excluded, p) for p in left_out))
    return or_(*(_json_has(Opportunity.disciplines, p) for p in patterns), open_here)


def _filters(query: CallQuery, now: datetime) -> list:
    filters = [literal_column(PUBLIC_PREDICATE.replace("status", "opportunities.status")
                              .replace("merged_into_id", "opportunities.merged_into_id")),
               # "no deadline, or not passed" as one expression: PostgreSQL then estimates a third of the
               # public calls open (not the product of two skewed columns' odds, a few rows) and walks
               # the ordered partial index instead of fetching and sorting every open call.
               func.coalesce(Opportunity.deadline_at, literal(NEVER, Opportunity.deadline_at.type)) >= now]
    if query.kind:
        filters.append(Opportunity.kind == query.kind)
    if query.language:
        filters.append(Opportunity.language == query.language)
    if query.palestinian_only:
        filters.append(Opportunity.palestinian_eligible.is_(True))
    if query.level:
        filters.append(_json_has(Opportunity.levels, f'"{query.level}"'))
    if query.discipline.isdigit() or query.discipline in OPEN_TO_ALL:
        filters.append(_discipline_filter(query.discipline))
    if query.within_days is not None:
        filters.append(Opportunity.deadline_at <= now + timedelta(days=query.within_days))
    if query.host_country:
        filters.append(Opportunity.host_country == query.host_country)
    if query.coverage:
        filters.append(Opportunity.coverage == query.coverage)
    if query.study_language:
        filters.append(_json_has(Opportunity.study_languages, f'"{query.study_language}"'))
    return filters


def _match(statement, session: Session, words: Sequence[str]):
    """`statement` limited to the public calls whose search text has every word (as a word's start)."""
    if session.get_bind().dialect.name == "postgresql":
        expression = " & ".join(f"'{word}':*" for word in words)
        return statement.where(literal_column(_PG_VECTOR).op("@@")(func.to_tsquery(literal_column("'simple'"), expression)))
    expression = " ".join('"' + word.replace('"', '""') + '"*' for word in words)
    return statement.join(_fts, _fts.c.rowid == Opportunity.id).where(
        literal_column("opportunity_search").op("MATCH")(expression))


def _ordered(statement, session: Session, query: CallQuery):
    order = query.order
    if order == "newest":
        return statement.order_by(Opportunity.approved_at.desc(), Opportunity.id.desc())
    # partner calls first (0009), then featured ones: the closing index's own order
    closing = (Opportunity.partnered.desc(), Opportunity.featured.desc(), Opportunity.deadline_at.is_(None),
               Opportunity.deadline_at, Opportunity.id)
    if order == "relevance":
        if session.get_bind().dialect.name == "postgresql":
            expression = " & ".join(f"'{word}':*" for word in _searchable(query) or ())
            rank = func.ts_rank(literal_column(_PG_VECTOR), func.to_tsquery(literal_column("'simple'"), expression))
            return statement.order_by(rank.desc(), *closing)
        return statement.order_by(literal_column("opportunity_search.rank"), *closing)
    return statement.order_by(*closing)


def _searchable(query: CallQuery) -> tuple[str, ...] | None:
    """The words to match, () for no search; None when the visitor typed only symbols (nothing matches)."""
    words = tuple("".join(_WORD.findall(word)) for word in query.words)
    words = tuple(word for word in words if word)
    if query.text.strip() and not words:
        return None
    return words


def _statement(session: Session, query: CallQuery, now: datetime, what):
    statement = select(*what).select_from(Opportunity).where(*_filters(query, now))
    words = _searchable(query)
    if words:
        return _match(statement, session, words)
    # Without statistics SQLite prefers the status (or deadline) index and sorts every open call in
    # a temporary B-tree; the partial index of the order walks the public calls already in order.
    index = "ix_opportunities_public_newest" if query.order == "newest" else "ix_opportunities_public_closing"
    return statement.with_hint(Opportunity, f"INDEXED BY {index}", dialect_name="sqlite")


_counts: dict[tuple, tuple[int, datetime]] = {}
_counts_lock = Lock()


def count_calls(session: Session, query: CallQuery, now: datetime) -> int:
    """How many public calls match `query`, counted once per filter set, list generation and minute."""
    if _searchable(query) is None:
        return 0
    key = (str(session.get_bind().url), list_generation(session), replace(query, sort="", text="", terms=query.words),
           now.replace(second=0, microsecond=0))
    with _counts_lock:
        cached = _counts.get(key)
    if cached is not None:
        return cached[0]
    total = session.scalar(_statement(session, query, now, (func.count(),))) or 0
    with _counts_lock:
        if len(_counts) >= _COUNT_ENTRIES:
            _counts.clear()
        _counts[key] = (total, now)
    return total


def search_calls(session: Session, query: CallQuery, now: datetime, *, offset: int = 0, limit: int = 50) -> Page:
    """Public calls still open that match `query`, in its order (featured first, then the nearest
    deadline, none last, by default), with how many there are in all."""
    total = count_calls(session, query, now)
    if offset >= total:
        return Page((), total, offset, limit)
    statement = _statement(session, query, now, (Opportunity,)).options(
        defer(Opportunity.text), defer(Opportunity.evidence), defer(Opportunity.search_text))
    rows = session.scalars(_ordered(statement, session, query).offset(offset).limit(limit)).all()
    return Page(tuple(rows), total, offset, limit)


def calls_without_details(session: Session, version: int, limit: int = 1000) -> Sequence[Opportunity]:
    """Calls whose details were never read (stored before migration 0017) or were read by a recipe older
    than `version` (the record's last key, `"version": N}` in its JSON text on either database), public
    ones first, for the pipeline to read again."""
    query = (select(Opportunity).where(~cast(Opportunity.details, String).like(f'%"version": {int(version)}}}'))
             .order_by((Opportunity.status == "approved").desc(), Opportunity.id).limit(limit))
    return session.scalars(query).all()


def calls_to_index(session: Session, version: int, limit: int = 1000) -> Sequence[Opportunity]:
    """Calls whose search text is older than `version` (public ones first), for the pipeline to rewrite."""
    query = (select(Opportunity).where(Opportunity.search_version < version)
             .order_by((Opportunity.status == "approved").desc(), Opportunity.id).limit(limit))
    return session.scalars(query).all()
