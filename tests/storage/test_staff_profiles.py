"""A staff subscriber's profile and a call's audiences, stored and read back on SQLite and PostgreSQL
(migration 0012, issue 15.4). Before 0012 neither column existed, so every test here failed."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fursa import storage
from fursa.storage import Opportunity, Subscriber, SubscriberInput


def test_a_staff_profile_round_trips_and_other_roles_keep_none(sessions, now):
    title = "رئيسة قسم التسجيل — Head of Registration"
    with sessions.begin() as session:
        storage.add_subscriber(session, SubscriberInput(email="reg@ppu.edu", role="staff", unit="registration",
                                                        job_title=f"  {title}\n"), now)
        storage.add_subscriber(session, SubscriberInput(email="stu@ppu.edu", role="student", unit="finance",
                                                        job_title="Treasurer"), now)
    with sessions() as session:
        rows = {row.email: row for row in session.scalars(select(Subscriber))}
        assert (rows["reg@ppu.edu"].unit, rows["reg@ppu.edu"].job_title) == ("registration", title)
        assert (rows["stu@ppu.edu"].unit, rows["stu@ppu.edu"].job_title) == ("", "")
    with sessions.begin() as session:   # becoming a student drops the staff profile
        row, created = storage.add_subscriber(session, SubscriberInput(email="reg@ppu.edu", role="student"), now)
        assert not created and (row.unit, row.job_title) == ("", "")


@pytest.mark.parametrize("unit, job_title, message", [
    ("canteen", "", "unit 'canteen' is not one of"),
    ("library", "x" * (storage.JOB_TITLE_MAX + 1), "job title: at most 120 characters"),
])
def test_a_bad_staff_profile_is_refused_and_nothing_is_stored(sessions, now, unit, job_title, message):
    with pytest.raises(storage.InvalidSubscriberError, match=message):
        with sessions.begin() as session:
            storage.add_subscriber(session, SubscriberInput(email="s@ppu.edu", role="staff", unit=unit,
                                                            job_title=job_title), now)
    with sessions() as session:
        assert session.scalars(select(Subscriber)).all() == []


def test_a_calls_audiences_round_trip_and_default_to_none(sessions, now):
    with sessions.begin() as session:
        for number, audiences in enumerate((["student", "staff"], None)):
            row = Opportunity(title=f"call {number}", url=f"https://calls.example.org/{number}", first_seen_at=now,
                              last_seen_at=now, content_hash=f"h{number}", deadline_at=now + timedelta(days=9))
            if audiences is not None:
                row.audiences = audiences
            session.add(row)
    with sessions() as session:
        stored = {row.title: row.audiences for row in session.scalars(select(Opportunity))}
        assert stored == {"call 0": ["student", "staff"], "call 1": []}
