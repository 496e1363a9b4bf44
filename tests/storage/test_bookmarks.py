"""A student's own list in storage (SQLite and PostgreSQL): a call saved once, removed, marked applied; the
list's order and each call's state (open, closed, withdrawn, merged into another); which closing reminders
are due (14 and 3 days, not after "applied", not to the unsubscribed); the ledger claimed once per (person,
call, mark, channel), also after a remove and a second save; a saved search taken into a profile."""
from __future__ import annotations

from datetime import timedelta

import pytest

from fursa import storage
from fursa.storage import Deadline, SearchProfile

ZONE = "Asia/Hebron"


def _call(session, now, title="Erasmus+ exchange", *, days: int | None = 20, status="approved"):
    row = storage.Opportunity(title=title, url=f"https://example.org/{title}/{days}/{status}", first_seen_at=now,
                              last_seen_at=now, content_hash="x", status=status)
    row.deadline = Deadline.timed(now + timedelta(days=days), ZONE) if days is not None else Deadline()
    session.add(row)
    session.flush()
    return row


def _person(session, now, email="rana@ppu.edu", **fields):
    row = storage.Subscriber(email=email, role="student", disciplines=list(fields.pop("disciplines", ["0613"])),
                             levels=list(fields.pop("levels", ["master"])), kinds=[], confirmed=True,
                             status=fields.pop("status", "active"), created_at=now, **fields)
    session.add(row)
    session.flush()
    return row


def test_a_call_is_saved_once_removed_and_marked_applied(sessions, now):
    with sessions.begin() as session:
        person, call = _person(session, now), _call(session, now)
        assert storage.save_bookmark(session, person, call, now) is True
        assert storage.save_bookmark(session, person, call, now + timedelta(hours=1)) is False
        assert storage.saved_call_ids(session, person.id) == {call.id}
        marked = storage.mark_applied(session, person, call.id, now + timedelta(days=1))
        assert marked.applied_at == now + timedelta(days=1)
        storage.mark_applied(session, person, call.id, now + timedelta(days=2))   # the first time stays
        assert storage.bookmark_of(session, person.id, call.id).applied_at == now + timedelta(days=1)
        assert storage.mark_applied(session, person, call.id + 1000, now) is None
        assert storage.remove_bookmark(session, person, call.id) is True
        assert storage.remove_bookmark(session, person, call.id) is False
        assert storage.saved_call_ids(session, person.id) == set()


def test_the_list_shows_open_calls_soonest_first_then_closed_and_withdrawn(sessions, now):
    with sessions.begin() as session:
        person = _person(session, now)
        later, sooner, rolling = _call(session, now, "later", days=40), _call(session, now, "sooner", days=5), \
            _call(session, now, "rolling", days=None)
        closed, withdrawn = _call(session, now, "closed", days=-2), _call(session, now, "withdrawn", days=9)
        expired = _call(session, now, "expired", days=9, status="expired")
        old, kept = _call(session, now, "merged away", days=30), _call(session, now, "kept", days=12)
        for minutes, call in enumerate((later, sooner, rolling, closed, withdrawn, expired, old)):
            storage.save_bookmark(session, person, call, now + timedelta(minutes=minutes))
        withdrawn.status = "rejected"
        old.merged_into_id = kept.id
        listed = [(saved.call.title, saved.state) for saved in storage.saved_calls(session, person, now)]
    # the call merged into another shows as the one that survived; the rest keep the order they were saved in
    assert listed == [("sooner", "open"), ("kept", "open"), ("later", "open"), ("rolling", "open"),
                      ("expired", "closed"), ("withdrawn", "withdrawn"), ("closed", "closed")]


@pytest.mark.parametrize(("days_left", "due"), [(20, None), (15, None), (14, 14), (10, 14), (4, 14), (3, 3),
                                                 (0, 3), (None, None)])
def test_which_reminder_is_due(days_left, due):
    assert storage.reminder_due(days_left) == due


def test_due_reminders_skip_applied_unsubscribed_withdrawn_and_far_calls(sessions, now):
    with sessions.begin() as session:
        rana, gone = _person(session, now), _person(session, now, "gone@ppu.edu", status="unsubscribed")
        soon, far, applied = _call(session, now, "soon", days=2), _call(session, now, "far", days=30), \
            _call(session, now, "applied", days=10)
        pulled, dated_day = _call(session, now, "pulled", days=10), _call(session, now, "day only", days=None)
        dated_day.deadline = Deadline.on_day((now + timedelta(days=14)).astimezone(storage.zone_named(ZONE)).date())
        for call in (soon, far, applied, pulled, dated_day):
            storage.save_bookmark(session, rana, call, now)
            storage.save_bookmark(session, gone, call, now)
        storage.mark_applied(session, rana, applied.id, now)
        pulled.status = "rejected"
        due = {(d.subscriber.email, d.call.title, d.days_before, d.days_left)
               for d in storage.due_bookmark_reminders(session, now, ZONE)}
    assert due == {("rana@ppu.edu", "soon", 3, 2), ("rana@ppu.edu", "day only", 14, 14)}


def test_the_ledger_claims_each_reminder_once_even_after_a_second_save(sessions, now):
    with sessions.begin() as session:
        person, call = _person(session, now), _call(session, now, days=12)
        storage.save_bookmark(session, person, call, now)
        (due,) = storage.due_bookmark_reminders(session, now, ZONE)
        assert storage.claim_bookmark_reminder(session, due, "email", now) is True
        assert storage.claim_bookmark_reminder(session, due, "email", now) is False
        assert storage.claim_bookmark_reminder(session, due, "telegram", now) is True
        storage.mark_bookmark_reminder_sent(session, due, "email", now)
        storage.remove_bookmark(session, person, call.id)
        storage.save_bookmark(session, person, call, now + timedelta(hours=1))
        (again,) = storage.due_bookmark_reminders(session, now + timedelta(hours=1), ZONE)
        assert storage.claim_bookmark_reminder(session, again, "email", now) is False
        storage.release_bookmark_reminder(session, again, "telegram")
        rows = [(r.days_before, r.channel, r.state) for r in storage.bookmark_reminders_of(session, person.id)]
        assert rows == [(14, "email", "sent")]
        with pytest.raises(ValueError, match="channel"):
            storage.claim_bookmark_reminder(session, again, "pigeon", now)


def test_a_telegram_chat_is_linked_replaced_and_refused_when_not_an_id(sessions, now):
    with sessions.begin() as session:
        person = _person(session, now)
        storage.link_telegram_chat(session, person, " 123456789 ", now)
        storage.link_telegram_chat(session, person, "-1001234", now)
        assert storage.telegram_chat_of(session, person.id).chat_id == "-1001234"
        with pytest.raises(ValueError, match="not a Telegram chat id"):
            storage.link_telegram_chat(session, person, "@rana", now)
        assert storage.unlink_telegram_chat(session, person) is True
        assert storage.telegram_chat_of(session, person.id) is None


def test_a_saved_search_adds_to_the_profile_and_refuses_unknown_fields(sessions, now):
    known = {"0613", "07", "071"}
    with sessions.begin() as session:
        person = _person(session, now, disciplines=["0613"], levels=["master"])
        storage.adopt_search(session, person, SearchProfile(field="07", level="phd", kind="scholarship"), now,
                             known_fields=known)
        assert (person.disciplines, person.levels, person.kinds) == (["0613", "07"], ["master", "phd"],
                                                                    ["scholarship"])
        assert person.confirmed is True
        with pytest.raises(storage.InvalidSubscriberError, match="zz"):
            storage.profile_with_search(person, SearchProfile(field="zz"), known)


def test_erasing_a_person_deletes_their_bookmarks(sessions, now):
    with sessions.begin() as session:
        person, call = _person(session, now), _call(session, now)
        storage.save_bookmark(session, person, call, now)
        storage.erase_subscriber(session, person, actor="admin@ppu.edu", now=now)
        assert storage.saved_call_ids(session, person.id) == set()

