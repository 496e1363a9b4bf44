"""Announcements in storage, on SQLite and PostgreSQL: what a draft may hold, the moves between
states (each audited), who a segment's columns select, and the ledger that takes one claim per person."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fursa import storage
from fursa.storage import AnnouncementInput, Segment


def _person(session, email, now, **fields):
    row, _ = storage.add_subscriber(session, storage.SubscriberInput(email=email, confirmed=True, **fields), now)
    return row


def _draft(session, now, **fields):
    data = AnnouncementInput(subject_en="Information session", body_en="Room B201 at 10:00.", **fields)
    return storage.save_announcement(session, data, actor="amal@ppu.edu", now=now)


def test_a_draft_needs_a_whole_message_in_one_language(sessions, now):
    with sessions.begin() as session:
        with pytest.raises(storage.InvalidAnnouncementError) as refused:
            storage.save_announcement(session, AnnouncementInput(subject_ar="لقاء", body_en="words",
                                                                 segment=Segment(roles=("alumni",))),
                                      actor="a", now=now)
        reasons = {(p.field, p.reason) for p in refused.value.problems}
        assert reasons == {("body_ar", "body_missing"), ("subject_en", "subject_missing"),
                           ("roles", "unknown_choice")}
        with pytest.raises(storage.InvalidAnnouncementError, match="English, Arabic or both"):
            storage.save_announcement(session, AnnouncementInput(), actor="a", now=now)
        assert session.scalars(select(storage.Announcement)).all() == []


def test_states_move_one_way_and_each_move_is_audited(sessions, now):
    with sessions.begin() as session:
        row = _draft(session, now, segment=Segment(roles=("faculty",), languages=("ar",)))
        assert (row.status, row.languages, storage.segment_of(row)) == ("draft", ("en",),
                                                                         Segment(roles=("faculty",), languages=("ar",)))
        storage.schedule_announcement(session, row, now + timedelta(hours=2), actor="amal", now=now)
        with pytest.raises(storage.AnnouncementError, match="only a draft"):
            storage.save_announcement(session, storage.announcement_input_of(row), actor="amal", now=now, announcement=row)
        assert storage.due_announcements(session, now) == []
        assert storage.due_announcements(session, now + timedelta(hours=2)) == [row]
        assert storage.start_sending(session, row, recipients=3, actor="scheduler", now=now) is True
        assert storage.start_sending(session, row, recipients=3, actor="scheduler", now=now) is False
        storage.finish_announcement(session, row, actor="scheduler", now=now)
        with pytest.raises(storage.AnnouncementError, match="sent already"):
            storage.start_sending(session, row, recipients=3, actor="amal", now=now)
        with pytest.raises(storage.AnnouncementError):
            storage.cancel_announcement(session, row, actor="amal", now=now)
        actions = [e.action for e in session.scalars(select(storage.AuditEntry).order_by(storage.AuditEntry.id))]
        assert actions == ["announcement:created", "announcement:scheduled", "announcement:sending",
                           "announcement:sent"]


def test_the_segment_leaves_out_the_unconfirmed_the_gone_and_the_suppressed(sessions, now):
    with sessions.begin() as session:
        keep = _person(session, "keep@ppu.edu", now, role="faculty", levels=("faculty",), language="ar")
        _person(session, "student@ppu.edu", now, role="student", levels=("master",), language="ar")
        _person(session, "english@ppu.edu", now, role="faculty", levels=("faculty",), language="en")
        storage.add_subscriber(session, storage.SubscriberInput(email="pending@ppu.edu", role="faculty",
                                                                language="ar"), now)
        gone = _person(session, "gone@ppu.edu", now, role="faculty", language="ar")
        gone.status = "unsubscribed"
        _person(session, "bounced@ppu.edu", now, role="faculty", language="ar")
        storage.suppress(session, "bounced@ppu.edu", "bounce", now)
        chosen = storage.segment_candidates(session, Segment(roles=("faculty",), languages=("ar",)))
        assert [p.email for p in chosen] == ["keep@ppu.edu"]
        by_level = storage.segment_candidates(session, Segment(levels=("master",)))
        assert [p.email for p in by_level] == ["student@ppu.edu"]
        assert keep.id in {p.id for p in storage.segment_candidates(session, Segment())}
        library = _person(session, "library@ppu.edu", now, role="staff", language="en")
        library.unit = "library"
        _person(session, "finance@ppu.edu", now, role="staff", language="en").unit = "finance"
        assert storage.segment_candidates(session, Segment(units=("library",))) == [library]


def test_the_ledger_takes_one_claim_per_person(sessions, now):
    with sessions.begin() as session:
        row = _draft(session, now)
        person = _person(session, "rana@ppu.edu", now)
        assert storage.claim_announcement_delivery(session, row, person, "<m1@ppu.edu>", now) is True
        assert storage.claim_announcement_delivery(session, row, person, "<m1@ppu.edu>", now) is False
        storage.mark_announcement_sent(session, row.id, person.id, now)
        assert storage.announcement_counts(session, row) == {"sent": 1, "failed": 0, "sending": 0}
        assert storage.announced_to(session, row) == {person.id}
        other = _person(session, "other@ppu.edu", now)
        storage.claim_announcement_delivery(session, row, other, "<m2@ppu.edu>", now)
        storage.mark_announcement_failed(session, row.id, other.id, "421 try later", permanent=False)
        assert storage.announced_to(session, row) == {person.id}   # given back: the next run tries again
