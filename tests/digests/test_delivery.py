"""The foundation path: a digest per subscriber over real SMTP or to the outbox, recorded in the ledger, once."""
from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes
from email.policy import default

from sqlalchemy import select, update
from fursa.storage import Delivery, Subscriber

import fursa.digests.sending as sending
from fursa.digests import send_digests
from tests.digests.conftest import NOW, PERIOD, add_call, add_person


def _body(message, subtype: str) -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()


def test_sends_one_multipart_digest_per_subscriber_in_their_language(session, sink, smtp_config):
    add_person(session, "lina@ppu.edu", language="en", name="Lina")
    add_person(session, "omar@ppu.edu", language="ar", name="عمر")
    add_call(session, "Erasmus+ master scholarship in software engineering")
    add_call(session, "Chemistry PhD fellowship", disciplines=("0531",), levels=("phd",))

    report = send_digests(session, now=NOW, config=smtp_config)

    assert (report.sent, report.failed, report.skipped_empty) == (2, 0, 0), report.describe()
    received = sink.by_recipient()
    assert sorted(received) == ["lina@ppu.edu", "omar@ppu.edu"]
    english = received["lina@ppu.edu"][0].parsed()
    arabic = received["omar@ppu.edu"][0].parsed()
    for message in (english, arabic):
        assert message.get_content_type() == "multipart/mixed"
        alternative = message.get_payload()[0]
        assert [part.get_content_type() for part in alternative.get_payload()] == ["text/plain", "text/html"]
        assert "Erasmus+ master scholarship" in _body(message, "plain")
        assert "Erasmus+ master scholarship" in _body(message, "html")
        assert "Chemistry PhD" not in _body(message, "html")
    assert english["Content-Language"] == "en" and 'dir="ltr"' in _body(english, "html")
    assert arabic["Content-Language"] == "ar" and '<html lang="ar" dir="rtl">' in _body(arabic, "html")
    assert "مرحبًا عمر" in _body(arabic, "plain")
    assert arabic["Subject"] == "فرصة: فرصة جديدة واحدة لك"
    assert english["Subject"] == "Fursa: 1 new opportunity for you"


def test_headers_name_the_list_and_offer_one_click_unsubscribe(session, sink, smtp_config):
    person = add_person(session, "lina@ppu.edu")
    add_call(session, "Software engineering scholarship")

    send_digests(session, now=NOW, config=smtp_config)

    message = sink.messages[0].parsed()
    assert message["List-Id"] == "Fursa digest <digest.fursa.ppu.edu>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    links = [link.strip(" <>") for link in message["List-Unsubscribe"].split(",")]
    assert links[0].startswith(f"https://fursa.ppu.edu/unsubscribe/{person.id}.0.")
    assert links[1].startswith("mailto:unsubscribe@fursa.ppu.edu?subject=unsubscribe%20")
    assert b"=?utf-8?" not in sink.messages[0].data.split(b"List-Unsubscribe:")[1].split(b"List-Unsubscribe-Post")[0]
    assert message["Date"].datetime == NOW
    assert message["From"] == "Fursa <fursa@ppu.edu>"
    delivery = session.scalar(select(Delivery))
    assert message["Message-ID"] == delivery.message_id
    assert sink.messages[0].mail_from == "fursa@ppu.edu"


def test_ledger_records_the_send_and_a_second_run_sends_nothing(session, sink, smtp_config):
    person = add_person(session, "lina@ppu.edu")
    call = add_call(session, "Software engineering scholarship")

    first = send_digests(session, now=NOW, config=smtp_config)
    second = send_digests(session, now=NOW, config=smtp_config)

    assert first.sent == 1 and second.sent == 0 and second.already_sent == 1
    assert len(sink.messages) == 1
    delivery = session.scalar(select(Delivery))
    assert (delivery.subscriber_id, delivery.period, delivery.state) == (person.id, PERIOD, "sent")
    assert delivery.items == [call.id] and delivery.attempts == 1
    assert NOW <= delivery.sent_at < NOW + timedelta(minutes=1), "stamped by the run's clock, which starts at now"
    assert delivery.transport == "smtp"


def test_empty_digest_is_not_sent_and_leaves_no_ledger_row(session, sink, smtp_config):
    add_person(session, "lina@ppu.edu", disciplines=("0111",))
    add_call(session, "Software engineering scholarship")

    report = send_digests(session, now=NOW, config=smtp_config)

    assert report.skipped_empty == 1 and report.sent == 0
    assert sink.messages == []
    assert session.scalar(select(Delivery)) is None


def test_outbox_mode_writes_one_eml_file_per_message_and_none_twice(session, outbox_config):
    add_person(session, "lina@ppu.edu")
    add_person(session, "omar@ppu.edu", language="ar")
    add_call(session, "Software engineering scholarship")

    first = send_digests(session, now=NOW, config=outbox_config)
    second = send_digests(session, now=NOW, config=outbox_config)

    files = sorted(outbox_config.outbox_dir.glob("*.eml"))
    assert first.sent == 2 and second.sent == 0 and len(files) == 2
    assert not list(outbox_config.outbox_dir.glob(".writing-*")), "no temp file may be left behind"
    recipients = sorted(message_from_bytes(path.read_bytes(), policy=default)["To"].addresses[0].addr_spec
                        for path in files)
    assert recipients == ["lina@ppu.edu", "omar@ppu.edu"]
    assert session.scalar(select(Delivery.transport)) == "outbox"


def test_refused_address_is_recorded_on_its_row_and_the_others_still_get_theirs(session, sink, smtp_config):
    sink.behaviour.rcpt["gone@ppu.edu"] = "550 5.1.1 no such user"
    add_person(session, "gone@ppu.edu")
    add_person(session, "lina@ppu.edu")
    add_person(session, "omar@ppu.edu")
    add_call(session, "Software engineering scholarship")

    report = send_digests(session, now=NOW, config=smtp_config)

    assert (report.sent, report.failed) == (2, 1)
    assert any("gone@ppu.edu" in line and "550" in line for line in report.failures)
    assert sorted(sink.by_recipient()) == ["lina@ppu.edu", "omar@ppu.edu"]
    gone = session.scalar(select(Subscriber).where(Subscriber.email == "gone@ppu.edu"))
    row = session.scalar(select(Delivery).where(Delivery.subscriber_id == gone.id))
    assert row.state == "failed" and "no such user" in row.error
    session.refresh(gone)
    assert gone.bounces == 1


def test_invalid_address_stored_by_mistake_fails_alone(session, sink, smtp_config):
    add_person(session, "lina@ppu.edu")
    broken = add_person(session, "placeholder@ppu.edu")
    broken.email = "not an address"
    session.commit()
    add_call(session, "Software engineering scholarship")

    report = send_digests(session, now=NOW, config=smtp_config)

    assert (report.sent, report.failed) == (1, 1)
    assert sorted(sink.by_recipient()) == ["lina@ppu.edu"]
    row = session.scalar(select(Delivery).where(Delivery.subscriber_id == broken.id))
    assert row.state == "failed" and "@" in row.error


def test_outbox_resend_after_a_crash_replaces_the_file_instead_of_adding_one(session, outbox_config):
    add_person(session, "lina@ppu.edu")
    add_call(session, "Software engineering scholarship")
    send_digests(session, now=NOW, config=outbox_config)
    # As if the run had died after writing the file but before marking the row sent:
    session.execute(update(Delivery).values(state="sending", updated_at=NOW))
    session.commit()

    resumed = send_digests(session, now=NOW + outbox_config.sending_lease + timedelta(minutes=1), config=outbox_config)

    assert resumed.sent == 1
    assert len(list(outbox_config.outbox_dir.glob("*.eml"))) == 1
    assert session.scalar(select(Delivery.attempts)) == 2


def test_a_digest_that_fails_to_build_is_recorded_for_retry_and_the_others_go_out(session, sink, smtp_config,
                                                                                  monkeypatch):
    real = sending.render_digest

    def broken_in_arabic(digest, config):  # digests are rendered once per content, not per person
        if digest.language == "ar":
            raise ValueError("template bug")
        return real(digest, config)

    monkeypatch.setattr(sending, "render_digest", broken_in_arabic)
    add_person(session, "lina@ppu.edu")
    omar = add_person(session, "omar@ppu.edu", language="ar")
    add_call(session, "Software engineering scholarship")

    report = send_digests(session, now=NOW, config=smtp_config)

    assert report.sent == 1 and report.deferred == 1 and sorted(sink.by_recipient()) == ["lina@ppu.edu"]
    row = session.scalar(select(Delivery).where(Delivery.subscriber_id == omar.id))
    assert row.state == "deferred" and "template bug" in row.error
