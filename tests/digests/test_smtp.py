"""SMTP delivery against a real aiosmtpd server: TLS, login, reuse, drops, 4xx/5xx, error budget, DKIM."""
from __future__ import annotations

import ssl
from dataclasses import replace
from datetime import timedelta

import dkim
import pytest
from sqlalchemy import select
from fursa.storage import Delivery

from fursa.digests import ConfigurationError, ServerUnavailableError, parse_smtp_url, send_digests
from fursa.digests.pool import RateLimiter
from fursa.digests.records import Envelope
from fursa.digests.smtp import SmtpTransport
from tests.digests.conftest import NOW, add_call, add_person
from tests.digests.keys import dkim_dns_record, make_rsa_key, private_pem, write_self_signed
from tests.digests.smtpsink import SmtpSink


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return write_self_signed(tmp_path_factory.mktemp("tls"))


def server_context(certificate) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def envelope(number: int = 1) -> Envelope:
    data = f"From: a@ppu.edu\r\nTo: b@ppu.edu\r\nSubject: {number}\r\nMessage-ID: <{number}@x>\r\n\r\nhi\r\n".encode()
    return Envelope("a@ppu.edu", "b@ppu.edu", data, f"<{number}@x>")


@pytest.mark.parametrize("url, expected", [
    ("smtp://mail.ppu.edu", ("mail.ppu.edu", 25, "plain", None, None)),
    ("smtp+starttls://fursa:p%40ss@mail.ppu.edu", ("mail.ppu.edu", 587, "starttls", "fursa", "p@ss")),
    ("smtps://u:p@mail.ppu.edu:2465", ("mail.ppu.edu", 2465, "tls", "u", "p")),
])
def test_smtp_urls_are_parsed(url, expected):
    server = parse_smtp_url(url)
    assert (server.host, server.port, server.security, server.username, server.password) == expected


@pytest.mark.parametrize("url, words", [("http://x", "scheme"), ("smtp://x:port", "port"), ("smtp://", "host")])
def test_bad_smtp_urls_say_what_to_fix(url, words):
    with pytest.raises(ConfigurationError, match=words):
        parse_smtp_url(url)


def test_a_bad_smtp_url_password_is_not_shown():
    with pytest.raises(ConfigurationError) as raised:
        parse_smtp_url("ftp://user:hunter2@x")
    assert "hunter2" not in str(raised.value)


def test_starttls_with_login_delivers(tmp_path, certificate):
    sink = SmtpSink(tls_context=server_context(certificate), credentials=("fursa", "p@ss")).start()
    try:
        transport = SmtpTransport(parse_smtp_url(f"smtp+starttls://fursa:p%40ss@127.0.0.1:{sink.port}"),
                                  cafile=certificate[0])
        transport.send(envelope(1))
        transport.send(envelope(2))
        transport.close()
        assert [m.parsed()["Subject"] for m in sink.messages] == ["1", "2"]
        assert transport.connects == 1, "one connection is reused for both messages"
    finally:
        sink.stop()


def test_implicit_tls_delivers(certificate):
    sink = SmtpSink(ssl_context=server_context(certificate)).start()
    try:
        transport = SmtpTransport(parse_smtp_url(f"smtps://127.0.0.1:{sink.port}"), cafile=certificate[0])
        transport.send(envelope())
        transport.close()
        assert len(sink.messages) == 1
    finally:
        sink.stop()


def test_wrong_password_is_reported_as_a_login_problem(certificate):
    sink = SmtpSink(tls_context=server_context(certificate), credentials=("fursa", "right")).start()
    try:
        transport = SmtpTransport(parse_smtp_url(f"smtp+starttls://fursa:wrong@127.0.0.1:{sink.port}"),
                                  cafile=certificate[0])
        with pytest.raises(ServerUnavailableError, match="refused the login of 'fursa'.*check the user and password"):
            transport.send(envelope())
    finally:
        sink.stop()


def test_an_untrusted_certificate_is_refused(certificate):
    sink = SmtpSink(ssl_context=server_context(certificate)).start()
    try:
        transport = SmtpTransport(parse_smtp_url(f"smtps://127.0.0.1:{sink.port}"))
        with pytest.raises(ServerUnavailableError, match="CERTIFICATE_VERIFY_FAILED"):
            transport.send(envelope())
    finally:
        sink.stop()


def test_unreachable_server_is_named_in_the_error():
    transport = SmtpTransport(parse_smtp_url("smtp://127.0.0.1:9"), timeout=5)
    with pytest.raises(ServerUnavailableError, match=r"127\.0\.0\.1:9.*check the SMTP URL"):
        transport.send(envelope())


def test_a_server_that_drops_the_connection_after_n_messages_gets_every_message_once(session, sink, smtp_config):
    sink.behaviour.drop_after = 3
    for number in range(10):
        add_person(session, f"p{number}@ppu.edu")
    add_call(session, "Software engineering scholarship")

    report = send_digests(session, now=NOW, config=smtp_config)

    assert report.sent == 10 and report.failed == report.deferred == 0
    assert len(sink.messages) == 10 and all(len(m) == 1 for m in sink.by_recipient().values())
    assert len({message.connection for message in sink.messages}) == 4, "3 + 3 + 3 + 1 on new connections"


def test_temporary_refusal_is_deferred_and_retried_by_the_next_run(session, sink, smtp_config):
    sink.behaviour.rcpt["busy@ppu.edu"] = "450 4.2.1 mailbox busy, try later"
    add_person(session, "busy@ppu.edu")
    add_person(session, "lina@ppu.edu")
    add_call(session, "Software engineering scholarship")

    first = send_digests(session, now=NOW, config=smtp_config)
    del sink.behaviour.rcpt["busy@ppu.edu"]
    too_soon = send_digests(session, now=NOW + timedelta(minutes=5), config=smtp_config)
    second = send_digests(session, now=NOW + smtp_config.retry_after + timedelta(minutes=1), config=smtp_config)

    assert (first.sent, first.deferred, first.failed) == (1, 1, 0)
    assert too_soon.sent == 0 and too_soon.deferred == 1
    assert (second.sent, second.already_sent) == (1, 1)
    assert sorted(sink.by_recipient()) == ["busy@ppu.edu", "lina@ppu.edu"]
    assert session.scalars(select(Delivery.attempts).order_by(Delivery.subscriber_id)).all() == [2, 1]


def test_421_to_the_message_is_deferred_without_counting_a_bounce(session, sink, smtp_config):
    sink.behaviour.reply_to_data = "421 4.3.0 service shutting down"
    person = add_person(session, "lina@ppu.edu")
    add_call(session, "Software engineering scholarship")

    report = send_digests(session, now=NOW, config=smtp_config)

    assert report.deferred == 1 and report.failed == 0 and "421" in report.failures[0]
    session.refresh(person)
    assert person.bounces == 0


def test_the_error_budget_pauses_a_run_when_the_server_keeps_refusing(session, sink, smtp_config):
    sink.behaviour.reply_to_data = "451 4.7.1 greylisted"
    for number in range(12):
        add_person(session, f"p{number}@ppu.edu")
    add_call(session, "Software engineering scholarship")

    report = send_digests(session, now=NOW, config=replace(smtp_config, error_budget=4))

    assert report.deferred == 4 and report.sent == 0
    assert "refused 4 messages in a row" in report.paused and "451" in report.paused
    states = sorted(session.execute(select(Delivery.state, Delivery.attempts)).all())
    assert states[:4] == [("deferred", 1)] * 4
    assert set(states[4:]) <= {("pending", 0)}, "the rest were never claimed (rows built ahead wait as 'pending')"


def test_a_paused_run_leaves_the_rest_pending_for_the_next_run(session, sink, smtp_config):
    sink.behaviour.reply_to_data = "451 4.7.1 greylisted"
    for number in range(12):
        add_person(session, f"p{number}@ppu.edu")
    add_call(session, "Software engineering scholarship")
    config = replace(smtp_config, error_budget=4)
    send_digests(session, now=NOW, config=config)
    sink.behaviour.reply_to_data = None

    later = send_digests(session, now=NOW + config.retry_after + timedelta(minutes=1), config=config)

    assert later.sent == 12 and sorted(sink.by_recipient()) == sorted(f"p{number}@ppu.edu" for number in range(12))
    assert set(session.scalars(select(Delivery.state))) == {"sent"}


def test_parallel_connections_deliver_everything_once(session, sink, smtp_config):
    for number in range(20):
        add_person(session, f"p{number}@ppu.edu", language="ar" if number % 2 else "en")
    add_call(session, "Software engineering scholarship")

    report = send_digests(session, now=NOW, config=replace(smtp_config, connections=3))

    assert report.sent == 20 and len(sink.messages) == 20
    assert len(sink.by_recipient()) == 20
    assert 1 < len({message.connection for message in sink.messages}) <= 3


def test_dkim_signature_covers_the_list_headers_and_verifies(session, sink, smtp_config):
    key = make_rsa_key()
    config = replace(smtp_config, dkim_selector="fursa", dkim_domain="ppu.edu", dkim_private_key=private_pem(key))
    add_person(session, "lina@ppu.edu", language="ar")
    add_call(session, "Software engineering scholarship")

    send_digests(session, now=NOW, config=config)

    data = sink.messages[0].data
    record = dkim_dns_record(key)
    assert dkim.verify(data, dnsfunc=lambda name, timeout=5: record if name == b"fursa._domainkey.ppu.edu." else None)
    signature = sink.messages[0].parsed()["DKIM-Signature"]
    signed = signature.replace(" ", "").split("h=")[1].split(";")[0].lower().split(":")
    assert {"list-unsubscribe", "list-unsubscribe-post", "list-id", "message-id", "from", "date"} <= set(signed)


def test_an_unusable_dkim_key_stops_the_run_before_sending(session, sink, smtp_config, tmp_path):
    config = replace(smtp_config, dkim_selector="s", dkim_domain="ppu.edu", dkim_private_key=tmp_path / "missing.pem")
    add_person(session, "lina@ppu.edu")
    add_call(session, "Software engineering scholarship")
    with pytest.raises(ConfigurationError, match="missing.pem"):
        send_digests(session, now=NOW, config=config)
    assert sink.messages == []


def test_the_rate_limiter_spaces_sends_evenly():
    clock = [100.0]
    slept = []

    def sleep(seconds):
        slept.append(round(seconds, 6))
        clock[0] += seconds

    limiter = RateLimiter(4.0, clock=lambda: clock[0], sleep=sleep)
    for _ in range(5):
        limiter.wait()
    assert slept == [0.25, 0.25, 0.25, 0.25]
