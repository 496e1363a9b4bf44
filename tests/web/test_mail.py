"""The web's own letters (confirmations) are DKIM-signed like the digests, in the outbox and over SMTP."""
from __future__ import annotations

from dataclasses import replace
from email import message_from_bytes
from email.policy import default

import dkim
import pytest

from tests.digests.keys import dkim_dns_record, make_rsa_key, private_pem
from tests.digests.smtpsink import SmtpSink
from fursa.web.mail import Letter, deliver
from fursa.web.render import make_environment

LETTER = Letter("lina@ppu.edu", "لينا", "ar", "confirm", {"link": "http://testserver/confirm/abc", "hours": 48})


@pytest.fixture(scope="module")
def key():
    return make_rsa_key()


def _verifies(data: bytes, key) -> bool:
    record = dkim_dns_record(key)
    return dkim.verify(data, dnsfunc=lambda name, timeout=5: record if name == b"fursa._domainkey.ppu.edu." else None)


def _signed(config, key):
    return replace(config, dkim_selector="fursa", dkim_domain="ppu.edu", dkim_private_key=private_pem(key))


def test_a_confirmation_in_the_outbox_is_signed_and_verifies(ctx, now, key):
    config = _signed(ctx.delivery_config, key)
    assert deliver(make_environment(), LETTER, config, now)
    [written] = list(config.outbox_dir.glob("*.eml"))
    data = written.read_bytes()
    assert _verifies(data, key)
    message = message_from_bytes(data, policy=default)
    assert message["To"].addresses[0].addr_spec == "lina@ppu.edu"
    assert "http://testserver/confirm/abc" in message.get_body(("plain",)).get_content()


def test_a_confirmation_over_smtp_is_signed_and_verifies(ctx, now, key):
    sink = SmtpSink().start()
    try:
        config = replace(_signed(ctx.delivery_config, key), smtp_url=sink.url)
        assert deliver(make_environment(), LETTER, config, now)
        sink.wait_for(1)
        assert sink.messages[0].recipients == ("lina@ppu.edu",)
        assert _verifies(sink.messages[0].data, key)
    finally:
        sink.stop()


def test_without_a_key_the_letter_goes_unsigned_and_a_bad_key_sends_nothing(ctx, now, caplog):
    assert deliver(make_environment(), LETTER, ctx.delivery_config, now)
    [plain] = list(ctx.delivery_config.outbox_dir.glob("*.eml"))
    assert b"DKIM-Signature" not in plain.read_bytes()
    broken = replace(ctx.delivery_config, dkim_selector="fursa", dkim_domain="ppu.edu",
                     dkim_private_key=b"-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----\n")
    assert not deliver(make_environment(), LETTER, broken, now)
    assert len(list(ctx.delivery_config.outbox_dir.glob("*.eml"))) == 1
    assert "DKIM" in caplog.records[-1].error   # the log says why, in words


def test_an_smtp_server_that_is_down_is_logged_and_the_visitor_is_not_told(ctx, now, caplog):
    sink = SmtpSink().start()
    url = sink.url
    sink.stop()   # the port is closed now
    assert not deliver(make_environment(), LETTER, replace(ctx.delivery_config, smtp_url=url), now)
    assert "could not open an SMTP session" in caplog.records[-1].error
