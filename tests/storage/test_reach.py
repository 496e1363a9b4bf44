"""Reach counts on SQLite and PostgreSQL: clicks add up per (call, month, segment); "I applied" counts
once per person and call whether the person is named or only marked; "sent" is read from the ledger,
each person once per call; a subscriber leaving personal counting leaves no row of theirs; the
exports hold the rows as numbers, and a title that looks like a formula stays text."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from fursa import storage
from fursa.storage import ReachSegment

IT = ReachSegment("it", "master", "student")
ENGINEERING = ReachSegment("engineering", "bachelor", "student")


def _call(session, now, title="Data science scholarship"):
    row = storage.Opportunity(title=title, url=f"https://funder.example/{title}", status="approved", kind="scholarship",
                              levels=[], disciplines=[], regions=[], deadline_kind="unknown", first_seen_at=now,
                              last_seen_at=now, content_hash=title)
    session.add(row)
    session.flush()
    return row.id


def _person(session, now, email, disciplines=("0613",), levels=("master",)):
    row, _ = storage.add_subscriber(session, storage.SubscriberInput(
        email=email, disciplines=disciplines, levels=levels, confirmed=True), now)
    return row


def _segment(subscriber) -> ReachSegment:
    return IT if "0613" in subscriber.disciplines else ENGINEERING


def _counts(session):
    return {(r.opportunity_id, r.month, r.college, r.level, r.role): (r.clicks, r.applied)
            for r in session.scalars(select(storage.ReachCount))}


def test_clicks_add_up_and_reports_count_once(sessions, now):
    with sessions.begin() as session:
        call = _call(session, now)
        lina = _person(session, now, "lina@ppu.edu")
        for _ in range(3):
            storage.record_click(session, call, IT, "2026-11")
        storage.record_click(session, call, IT, "2026-12")
        storage.record_click(session, call, ENGINEERING, "2026-11", person=lina.id)
        storage.record_click(session, call, ENGINEERING, "2026-11", person=lina.id)
        assert storage.record_applied(session, call, IT, "2026-11", mark="mark-of-rami")
        assert not storage.record_applied(session, call, IT, "2026-11", mark="mark-of-rami")
        assert storage.record_applied(session, call, ENGINEERING, "2026-11", person=lina.id, mark="mark-of-lina")
        assert not storage.record_applied(session, call, ENGINEERING, "2026-12", person=lina.id)
    with sessions() as session:
        assert _counts(session) == {
            (call, "2026-11", "it", "master", "student"): (3, 1),
            (call, "2026-12", "it", "master", "student"): (1, 0),
            (call, "2026-11", "engineering", "bachelor", "student"): (2, 1),
        }
        lina = session.scalar(select(storage.Subscriber).where(storage.Subscriber.email == "lina@ppu.edu"))
        lina.reach_counting = "personal"
        session.commit()
        assert [(p.email, p.clicks, p.applied) for p in storage.personal_reach(session, call)] == \
            [("lina@ppu.edu", 2, True)]
        storage.set_reach_counting(session, lina, "group")
        session.commit()
        assert session.scalars(select(storage.ReachPerson)).all() == []
        with pytest.raises(storage.StorageError):
            storage.set_reach_counting(session, lina, "sometimes")


def test_sent_is_read_from_the_ledger_each_person_once(sessions, now):
    with sessions.begin() as session:
        first, second = _call(session, now, "First"), _call(session, now, "Second")
        lina, omar = _person(session, now, "lina@ppu.edu"), _person(session, now, "omar@ppu.edu", ("0732",))
        late = now + timedelta(days=40)
        for subscriber, period, items, when in ((lina, "weekly:a", [first, second], now),
                                                (lina, "weekly:b", [first], now + timedelta(days=7)),   # closing soon
                                                (omar, "weekly:a", [first], now),
                                                (omar, "weekly:c", [second], late)):   # another month
            session.add(storage.Delivery(subscriber_id=subscriber.id, period=period, state="sent", items=items,
                                         created_at=when, updated_at=when, sent_at=when))
        session.add(storage.Delivery(subscriber_id=omar.id, period="weekly:d", state="failed", items=[second],
                                     created_at=now, updated_at=now))
        storage.record_click(session, first, IT, "2026-11")
    month_start, month_end = now.replace(day=1, hour=0), now.replace(month=12, day=1, hour=0)
    with sessions() as session:
        assert storage.sent_counts(session, month_start, month_end + timedelta(days=9), _segment) == {
            (first, IT): 1, (first, ENGINEERING): 1, (second, IT): 1}
        rows = storage.reach_of_month(session, "2026-11", month_start, month_end + timedelta(days=9), _segment)
    assert [(r.title, r.segment, r.sent, r.clicked, r.applied) for r in rows] == [
        ("First", ENGINEERING, 1, 0, 0), ("First", IT, 1, 1, 0), ("Second", IT, 1, 0, 0)]

    book = load_workbook(io.BytesIO(storage.export_reach_xlsx(rows)))
    cells = list(book.active.iter_rows(values_only=True))
    assert cells[0] == storage.REACH_COLUMNS and cells[2][6:] == (1, 1, 0)
    text = storage.export_reach_csv(rows).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[2][6:] == ["1", "1", "0"]


def test_a_title_like_a_formula_is_exported_as_text():
    row = storage.ReachRow("2026-11", 1, "=HYPERLINK(\"http://x\")", IT, 1, 0, 0)
    assert list(csv.reader(io.StringIO(storage.export_reach_csv([row]).decode("utf-8-sig"))))[1][2].startswith("'=")


def test_erasing_a_subscriber_erases_what_was_counted_by_their_name(sessions, now):
    with sessions.begin() as session:
        call = _call(session, now)
        lina = _person(session, now, "lina@ppu.edu")
        storage.set_reach_counting(session, lina, "personal")
        storage.record_click(session, call, IT, "2026-11", person=lina.id)
    with sessions.begin() as session:
        storage.erase_subscriber(session, session.get(storage.Subscriber, lina.id), actor="admin@ppu.edu", now=now)
    with sessions() as session:
        assert session.scalars(select(storage.ReachPerson)).all() == []
        assert session.get(storage.Subscriber, lina.id).reach_counting == "group"
        assert _counts(session) == {(call, "2026-11", "it", "master", "student"): (1, 0)}   # the group's count stays
