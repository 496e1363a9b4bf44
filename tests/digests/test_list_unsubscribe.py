"""List-Unsubscribe offers a mailto: only when an address that acts on it is configured.

The default was `mailto:unsubscribe@localhost`, an address that exists nowhere: a mail client that
chose it sent the unsubscribe request into the void. The one-click https link (RFC 8058) is always there.
"""
from __future__ import annotations

from email import message_from_bytes
from email.policy import default

from fursa.digests import send_digests
from fursa.settings import Settings
from tests.digests.conftest import NOW, add_call, add_person


def test_without_a_configured_address_the_header_offers_only_the_https_link(session, outbox_config):
    person = add_person(session, "lina@ppu.edu")
    add_call(session, "Software engineering scholarship")

    send_digests(session, now=NOW, config=outbox_config)

    (path,) = list(outbox_config.outbox_dir.glob("*.eml"))
    raw = path.read_bytes()
    message = message_from_bytes(raw, policy=default)
    assert str(message["List-Unsubscribe"]).startswith(f"<https://fursa.ppu.edu/unsubscribe/{person.id}.0.")
    assert "mailto:" not in str(message["List-Unsubscribe"]) and b"mailto:" not in raw
    assert "," not in str(message["List-Unsubscribe"])
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_configured_address_is_offered_after_the_https_link(session, sink, smtp_config):
    add_person(session, "lina@ppu.edu")
    add_call(session, "Software engineering scholarship")

    send_digests(session, now=NOW, config=smtp_config)

    links = [link.strip(" <>") for link in sink.messages[0].parsed()["List-Unsubscribe"].split(",")]
    assert links[0].startswith("https://fursa.ppu.edu/unsubscribe/")
    assert links[1].startswith("mailto:unsubscribe@fursa.ppu.edu?subject=unsubscribe%20")


def test_the_setting_defaults_to_no_address_and_takes_a_bare_or_mailto_address():
    assert Settings().unsubscribe_mailto is None
    assert Settings(unsubscribe_mailto="").unsubscribe_mailto is None
    assert Settings(unsubscribe_mailto="mailto:unsubscribe@ppu.edu").unsubscribe_mailto == "unsubscribe@ppu.edu"
