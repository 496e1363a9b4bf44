"""Research profiles in storage (SQLite and PostgreSQL): saved and replaced, audited, only for faculty,
removed when emptied, and gone with the subscriber's erasure."""
from __future__ import annotations

import pytest

from fursa import storage
from fursa.storage import InvalidSubscriberError, ResearchEntry

ENTRY = ResearchEntry(keywords="desalination, membranes", publications="Membrane distillation of brackish water.",
                      orcid="0000-0002-1825-0097", orcid_works=("Solar membrane distillation",),
                      fields=("0712",), ford=("2.7",),
                      terms=(("membrane", 1.6, "membranes"), ("brackish water", 1.2, "brackish water")))


def _person(session, now, email="huda@ppu.edu", role="faculty"):
    row = storage.Subscriber(email=email, role=role, confirmed=True, status="active", created_at=now)
    session.add(row)
    session.flush()
    return row


def test_a_profile_is_saved_replaced_and_audited(sessions, now):
    with sessions.begin() as session:
        person = _person(session, now)
        storage.save_research_profile(session, person, ENTRY, actor="huda@ppu.edu", now=now)
        person_id = person.id
    with sessions() as session:
        row = storage.research_profile_of(session, person_id)
        assert (row.keywords, row.orcid, row.fields, row.ford) == ("desalination, membranes", "0000-0002-1825-0097",
                                                                 ["0712"], ["2.7"])
        assert row.terms == [["membrane", 1.6, "membranes"], ["brackish water", 1.2, "brackish water"]]
        assert row.orcid_works == ["Solar membrane distillation"]
        assert session.get(storage.Subscriber, person_id).research_profile is row
    with sessions.begin() as session:
        person = session.get(storage.Subscriber, person_id)
        storage.save_research_profile(session, person, ResearchEntry(keywords="solar energy", terms=(("solar energy", 1.0, "solar energy"),)),
                                      actor="desk@ppu.edu", now=now)
    with sessions() as session:
        row = storage.research_profile_of(session, person_id)
        assert (row.keywords, row.orcid, row.orcid_works) == ("solar energy", "", [])
        actions = [e.action for e in storage.recent_audit(session) if e.target_id == person_id]
        assert actions.count("research_profile:save") == 2


def test_only_faculty_have_one(sessions, now):
    with pytest.raises(InvalidSubscriberError, match="only faculty"), sessions.begin() as session:
        storage.save_research_profile(session, _person(session, now, role="student"), ENTRY, actor="x", now=now)
    with sessions() as session:
        assert storage.faculty_with_research(session) == []


def test_an_empty_entry_removes_the_profile(sessions, now):
    with sessions.begin() as session:
        person = _person(session, now)
        storage.save_research_profile(session, person, ENTRY, actor="x", now=now)
        assert storage.save_research_profile(session, person, ResearchEntry(), actor="x", now=now) is None
        person_id = person.id
    with sessions() as session:
        assert storage.research_profile_of(session, person_id) is None


def test_erasing_a_subscriber_erases_their_research(sessions, now):
    with sessions.begin() as session:
        person = _person(session, now)
        storage.save_research_profile(session, person, ENTRY, actor="x", now=now)
        person_id = person.id
    with sessions.begin() as session:
        storage.erase_subscriber(session, session.get(storage.Subscriber, person_id), actor="desk", now=now)
    with sessions() as session:
        assert storage.research_profile_of(session, person_id) is None
