"""The MIME message: structure, addresses, and the fast serializer matching the stdlib generator byte for byte."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest

from fursa.digests import DeliveryConfig, InvalidAddressError, build_message, instant_period, render_digest
from fursa.digests.compose import compose_digest
from fursa.digests.messages import WIRE_POLICY, envelope_address, message_id_for, wire_bytes
from tests.digests.conftest import NOW, PERIOD
from tests.digests.test_render import call, person

CONFIG = DeliveryConfig(outbox_dir=Path("unused"), secret_key="k", from_address="Fursa <fursa@ppu.edu>")


def message_for(language="ar", calls=None, name="ليلى", now=NOW):
    subscriber = person(language, name=name)
    calls = calls if calls is not None else [call(1), call(2, deadline=None)]
    digest = compose_digest(subscriber, calls, sent_ids=set(), period=PERIOD, now=NOW, config=CONFIG)
    return build_message(render_digest(digest, CONFIG), subscriber, CONFIG, now=now)


@pytest.mark.parametrize("language, calls", [("ar", None), ("en", None), ("en", [call(3, deadline=None)])])
def test_fast_serializer_writes_what_the_stdlib_generator_writes(language, calls):
    message = message_for(language, calls)
    fast = wire_bytes(message)
    assert fast == message.as_bytes(policy=WIRE_POLICY)
    assert b"\r\n" in fast and b"\n" not in fast.replace(b"\r\n", b"")


def test_the_parts_decode_back_to_what_was_rendered():
    message = message_for("ar")
    parsed = message_from_bytes(wire_bytes(message), policy=default)
    assert parsed["To"].addresses[0].display_name == "ليلى"
    assert "مرحبًا ليلى" in parsed.get_body(preferencelist=("plain",)).get_content()
    attachment = next(parsed.iter_attachments())
    assert attachment.get_content_type() == "text/calendar" and attachment.get_filename() == "fursa-deadlines.ics"
    assert attachment.get_param("method") == "PUBLISH"


def test_message_id_is_stable_per_subscriber_and_period():
    """A digest built again (a resend after a crash, an hour later) carries the same Message-ID;
    another subscriber, another period or another installation's key gives another one."""
    first, again = message_for("en"), message_for("en", now=NOW + timedelta(hours=1))
    assert first["Date"] != again["Date"]
    assert first["Message-ID"] == again["Message-ID"] == message_id_for(person("en").id, PERIOD, CONFIG)
    assert message_for("en", name="Someone else")["Message-ID"] == first["Message-ID"]   # the row's id counts, not the name
    ids = {message_id_for(subscriber, period, config)
           for subscriber in (5, 6, 50) for period in (PERIOD, "weekly:2026-W49", instant_period(NOW, CONFIG))
           for config in (CONFIG, replace(CONFIG, secret_key="another installation"))}
    assert len(ids) == 3 * 3 * 2
    assert all(re.fullmatch(r"<[A-Za-z0-9.-]+\.[0-9a-f]{20}@ppu\.edu>", value) for value in ids), ids


def test_a_display_name_with_a_line_break_cannot_inject_headers():
    message = message_for("en", name="Lina\r\nBcc: everyone@ppu.edu")
    data = wire_bytes(message)
    assert b"\r\nBcc:" not in data


@pytest.mark.parametrize("address, fixed", [("Lina@PPU.edu", "lina@ppu.edu"), ("lina@جامعة.فلسطين", "lina@xn--")])
def test_envelope_addresses_are_normalized(address, fixed):
    assert envelope_address(address).startswith(fixed)


@pytest.mark.parametrize("address", ["lina", "ليلى@ppu.edu", "a@b@ppu.edu", "lina@localhost"])
def test_addresses_that_cannot_be_sent_to_are_refused_with_a_reason(address):
    with pytest.raises(InvalidAddressError, match="fursa subscribers add"):
        envelope_address(address)
