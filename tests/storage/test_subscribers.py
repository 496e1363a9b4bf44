from __future__ import annotations

import pytest

from fursa import storage
from fursa.storage import SubscriberInput


@pytest.mark.parametrize("raw, expected", [
    ("  Student@PPU.edu ", "student@ppu.edu"),
    ("a.b+digest@mail.example.org", "a.b+digest@mail.example.org"),
    ("faculty@bücher.example", "faculty@xn--bcher-kva.example"),
])
def test_addresses_are_normalized(raw, expected):
    assert storage.normalize_email(raw) == expected


@pytest.mark.parametrize("raw, hint", [
    ("no-at-sign", "exactly one '@'"),
    ("two@@ppu.edu", "exactly one '@'"),
    ("طالب@ppu.edu", "plain ASCII"),
    ("a..b@ppu.edu", "plain ASCII"),
    ("user@localhost", "valid host name"),
    ("user@-bad-.edu", "valid host name"),
])
def test_bad_addresses_are_refused_with_what_to_fix(raw, hint):
    with pytest.raises(storage.InvalidSubscriberError, match=hint):
        storage.normalize_email(raw)


def test_add_subscriber_creates_then_updates(sessions, now):
    with sessions.begin() as session:
        _, created = storage.add_subscriber(session, SubscriberInput(email="S@ppu.edu", levels=("master",)), now)
        row, created_again = storage.add_subscriber(
            session, SubscriberInput(email="s@ppu.edu", language="ar", confirmed=True), now)
        assert (created, created_again) == (True, False)
        assert row.language == "ar" and row.confirmed and row.confirmed_at == now
        assert [s.email for s in storage.active_subscribers(session)] == ["s@ppu.edu"]


@pytest.mark.parametrize("field, value", [("role", "dean"), ("language", "fr"), ("levels", ("kindergarten",))])
def test_bad_preferences_name_the_field(sessions, now, field, value):
    with sessions.begin() as session, pytest.raises(storage.InvalidSubscriberError, match=field.rstrip("s")):
        storage.add_subscriber(session, SubscriberInput(email="x@ppu.edu", **{field: value}), now)


KNOWN = frozenset(("07", "071", "0714", "061"))


def test_field_codes_are_checked_against_the_codes_the_door_passes(sessions, now):
    with sessions.begin() as session, pytest.raises(storage.InvalidSubscriberError,
                                                   match=r"fields: '714', 'banana' are not ISCED-F codes"):
        storage.add_subscriber(session, SubscriberInput(email="x@ppu.edu", disciplines=("0714", "714", "banana")),
                               now, KNOWN)
    with sessions() as session:
        assert storage.list_subscribers(session) == []
    assert storage.unknown_fields(("0714", "0799"), KNOWN) == ("0799",)


def test_names_are_kept_as_a_form_can_show_them(sessions, now):
    clean = storage.validate_subscriber(SubscriberInput(email="x@ppu.edu", name=" Layla\r\nQ\x1b\x00 "))
    assert clean.name == "Layla Q"
    with pytest.raises(storage.InvalidSubscriberError, match="at most 200 characters"):
        storage.validate_subscriber(SubscriberInput(email="x@ppu.edu", name="ل" * 201))


def test_a_save_with_the_same_choices_in_another_order_reorders_nothing(sessions, now):
    with sessions.begin() as session:
        storage.add_subscriber(session, SubscriberInput(email="x@ppu.edu", disciplines=("0714", "061"),
                                                        levels=("phd", "master")), now)
        row, _ = storage.add_subscriber(session, SubscriberInput(email="x@ppu.edu", disciplines=("061", "0714", "061"),
                                                                 levels=("master", "phd")), now)
        assert (row.disciplines, row.levels) == (["0714", "061"], ["phd", "master"])
