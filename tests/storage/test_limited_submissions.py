"""Limited submissions in storage (SQLite and PostgreSQL): refusals (slots below one, an internal
deadline after the funder's, date-only and timed), intents recorded once, a closed list, the CSV
with a BOM, the reminder ledger claimed once per person and call, and who gets reminded."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from fursa import storage
from fursa.storage import Deadline, InvalidLimitedSubmissionError, LimitedInput


def _call(session, now, *, deadline: Deadline, disciplines=("0588",)):
    row = storage.Opportunity(title="Seed grants", url=f"https://example.org/{id(deadline)}", first_seen_at=now,
                              last_seen_at=now, content_hash="x", disciplines=list(disciplines), status="approved")
    row.deadline = deadline
    session.add(row)
    session.flush()
    return row


def _person(session, now, email, role="faculty", disciplines=("0588",), name=""):
    row = storage.Subscriber(email=email, name=name, role=role, disciplines=list(disciplines), confirmed=True,
                             status="active", created_at=now)
    session.add(row)
    session.flush()
    return row


def test_refusals_store_nothing(sessions, now):
    with sessions.begin() as session:
        call = _call(session, now, deadline=Deadline.on_day(date(2027, 3, 31)))
        call_id = call.id
    late = LimitedInput(slots=0, internal=Deadline.on_day(date(2027, 4, 1)))
    with pytest.raises(InvalidLimitedSubmissionError) as caught, sessions.begin() as session:
        storage.set_limited_submission(session, session.get(storage.Opportunity, call_id), late, now)
    assert {(p.field, p.reason) for p in caught.value.problems} == {("slots", "slots_low"),
                                                                     ("internal_date", "internal_late")}
    # the same day as a date-only funder deadline is allowed; one minute past its closing instant is not
    timed_late = Deadline.timed(storage.closing_instant(date(2027, 3, 31)) + timedelta(minutes=1), "Asia/Hebron")
    with pytest.raises(InvalidLimitedSubmissionError), sessions.begin() as session:
        storage.set_limited_submission(session, session.get(storage.Opportunity, call_id),
                                       LimitedInput(slots=2, internal=timed_late), now)
    with sessions() as session:
        assert storage.limited_of(session, call_id) is None
    with sessions.begin() as session:
        row = storage.set_limited_submission(session, session.get(storage.Opportunity, call_id),
                                             LimitedInput(slots=2, internal=Deadline.on_day(date(2027, 3, 31)),
                                                          contact="ir@ppu.edu"), now)
    with sessions() as session:
        row = storage.limited_of(session, call_id)
        assert row.slots == 2 and row.internal_deadline.date_only
        assert row.internal_deadline.day == date(2027, 3, 31)
        assert row.internal_deadline.at == storage.closing_instant(date(2027, 3, 31))


def test_intent_recorded_once_closed_list_and_csv(sessions, now):
    with sessions.begin() as session:
        call = _call(session, now, deadline=Deadline.on_day(date(2027, 3, 31)))
        limited = storage.set_limited_submission(
            session, call, LimitedInput(slots=1, internal=Deadline.on_day(date(2027, 3, 1))), now)
        amal = _person(session, now, "amal@ppu.edu", name="أمل خليل")
        sami = _person(session, now, "sami@ppu.edu", name="Sami")
        assert storage.record_intent(session, limited, amal, now) == storage.INTENT_RECORDED
        assert storage.record_intent(session, limited, amal, now) == storage.INTENT_ALREADY
        assert storage.close_intents(session, limited, now) is True
        assert storage.close_intents(session, limited, now) is False
        assert storage.record_intent(session, limited, sami, now) == storage.INTENT_CLOSED
        assert storage.record_intent(session, limited, amal, now) == storage.INTENT_ALREADY
        limited_id = limited.id
    with sessions() as session:
        limited = session.get(storage.LimitedSubmission, limited_id)
        intents = storage.intents_of(session, limited)
        assert [i.subscriber.email for i in intents] == ["amal@ppu.edu"]
        data = storage.export_intents_csv(intents)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(storage.INTENT_COLUMNS)
    assert lines[1].startswith("أمل خليل,amal@ppu.edu,0588,")


def test_reminder_ledger_and_recipients(sessions, now):
    with sessions.begin() as session:
        call = _call(session, now, deadline=Deadline.on_day(date(2027, 3, 31)))
        limited = storage.set_limited_submission(
            session, call, LimitedInput(slots=1, internal=Deadline.timed(now + timedelta(days=5), "UTC")), now)
        intends = _person(session, now, "in@ppu.edu", disciplines=("0311",))      # other field, but said yes
        silent = _person(session, now, "silent@ppu.edu")                          # same field, no answer
        _person(session, now, "student@ppu.edu", role="student")                 # students are not reminded
        _person(session, now, "far@ppu.edu", disciplines=("0311",))               # faculty of another field
        storage.record_intent(session, limited, intends, now)
        assert [r.id for r in storage.limited_due_reminders(session, now, 7)] == [limited.id]
        assert storage.limited_due_reminders(session, now, 3) == []
        chosen = [(p.email, said) for p, said in storage.reminder_recipients(session, limited)]
        assert chosen == [("in@ppu.edu", True), ("silent@ppu.edu", False)]
        assert storage.claim_reminder(session, limited, silent, now) is True
        assert storage.claim_reminder(session, limited, silent, now) is False
        storage.mark_reminder_sent(session, limited, silent, now)
        limited_id = limited.id
    with sessions() as session:
        rows = storage.reminders_sent(session, session.get(storage.LimitedSubmission, limited_id))
        assert [(r.state, r.sent_at) for r in rows] == [("sent", now)]
        assert storage.limited_due_reminders(session, now + timedelta(days=6), 7) == []
