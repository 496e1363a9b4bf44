"""Closing reminders of saved calls through a real SMTP server (aiosmtpd on loopback): one at 14 days and one
at 3 days before the call closes, each exactly once however often the job runs; none after "applied", none
to a person who unsubscribed, none for a withdrawn call; in the reader's language with the one-click
List-Unsubscribe of the digests and a fresh link to their list; a refused delivery is tried again."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from fursa import storage
from fursa.digests import read_list_token, send_list_reminders
from fursa.digests.tokens import read_subscriber_token
from tests.digests.conftest import NOW, add_call, add_person


def _save(session, person, call):
    storage.save_bookmark(session, person, call, NOW)
    session.commit()


def _texts(sink):
    return [(m.parsed()["To"].addresses[0].addr_spec, m.parsed()["Subject"]) for m in sink.messages]


def test_one_reminder_at_14_days_and_one_at_3_exactly_once(session, smtp_config, sink):
    call = add_call(session, "Erasmus+ master scholarship", deadline=NOW + timedelta(days=20))
    rana = add_person(session, "rana@ppu.edu", name="Rana")
    _save(session, rana, call)

    assert send_list_reminders(session, now=NOW, config=smtp_config).sent == 0   # 20 days left: nothing yet
    at_14 = NOW + timedelta(days=6)
    first = send_list_reminders(session, now=at_14, config=smtp_config)
    again = send_list_reminders(session, now=at_14 + timedelta(days=1), config=smtp_config)
    assert (first.sent, again.sent, again.skipped) == (1, 0, 1)
    at_3 = NOW + timedelta(days=17, hours=1)
    assert send_list_reminders(session, now=at_3, config=smtp_config).sent == 1
    assert send_list_reminders(session, now=at_3 + timedelta(days=1), config=smtp_config).sent == 0
    assert _texts(sink) == [("rana@ppu.edu", "Closes in 14 days: Erasmus+ master scholarship"),
                            ("rana@ppu.edu", "Closes in 3 days: Erasmus+ master scholarship")]
    ledger = [(row.days_before, row.channel, row.state) for row in storage.bookmark_reminders_of(session, rana.id)]
    assert ledger == [(14, "email", "sent"), (3, "email", "sent")]


def test_no_reminder_after_applied_nor_to_the_unsubscribed_nor_for_a_withdrawn_call(session, smtp_config, sink):
    applied = add_call(session, "Applied already", deadline=NOW + timedelta(days=10))
    withdrawn = add_call(session, "Withdrawn by the office", deadline=NOW + timedelta(days=10))
    rana, gone = add_person(session, "rana@ppu.edu"), add_person(session, "gone@ppu.edu")
    for call in (applied, withdrawn):
        _save(session, rana, call)
        _save(session, gone, call)
    storage.mark_applied(session, rana, applied.id, NOW)
    storage.set_subscriber_status(session, gone, "unsubscribed", actor="subscriber", now=NOW)
    withdrawn.status = "rejected"
    session.commit()
    report = send_list_reminders(session, now=NOW, config=smtp_config)
    assert (report.sent, report.skipped, report.failed) == (0, 0, 0)
    assert sink.messages == []


def test_a_reminder_reads_in_arabic_with_list_unsubscribe_and_a_fresh_list_link(session, smtp_config, sink):
    call = add_call(session, "منحة ماجستير في الهندسة", deadline=NOW + timedelta(days=3))
    laila = add_person(session, "laila@ppu.edu", language="ar", name="ليلى")
    _save(session, laila, call)
    assert send_list_reminders(session, now=NOW, config=smtp_config).sent == 1
    (letter,) = [m.parsed() for m in sink.messages]
    assert letter["Subject"] == "يُغلق بعد 3 أيام: منحة ماجستير في الهندسة"
    assert letter["Content-Language"] == "ar"
    text = letter.get_body(("plain",)).get_content()
    assert "قائمتي" in text and "فرصة حفظتها في قائمتك" in text
    assert letter["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = str(letter["List-Unsubscribe"]).partition(">")[0].lstrip(" <")
    assert read_subscriber_token(url.rpartition("/")[2], "unsubscribe", smtp_config.secret_key) == laila.id
    link = next(line for line in text.splitlines() if "/my/" in line).rpartition("/my/")[2]
    assert read_list_token(link, smtp_config.secret_key, NOW).subscriber_id == laila.id
    html = letter.get_body(("html",)).get_content()
    assert 'dir="rtl"' in html and f"/calls/{call.id}" in html


def test_a_refused_delivery_is_tried_again_on_the_next_run(session, smtp_config, sink):
    call = add_call(session, "Seed grants", deadline=NOW + timedelta(days=12))
    rana = add_person(session, "rana@ppu.edu")
    _save(session, rana, call)
    broken = replace(smtp_config, smtp_url="smtp://127.0.0.1:9")   # nothing listens there
    failed = send_list_reminders(session, now=NOW, config=broken)
    assert (failed.sent, failed.failed) == (0, 1)
    assert storage.bookmark_reminders_of(session, rana.id) == []
    assert send_list_reminders(session, now=NOW, config=smtp_config).sent == 1
    assert len(sink.messages) == 1


def test_a_linked_telegram_chat_gets_the_reminder_too_once(session, smtp_config, sink):
    call = add_call(session, "Seed grants", deadline=NOW + timedelta(days=2))
    rana = add_person(session, "rana@ppu.edu")
    _save(session, rana, call)
    storage.link_telegram_chat(session, rana, "424242", NOW)
    session.commit()
    chats: list[tuple[str, str]] = []
    first = send_list_reminders(session, now=NOW, config=smtp_config, chat_sender=lambda c, t: chats.append((c, t)))
    again = send_list_reminders(session, now=NOW, config=smtp_config, chat_sender=lambda c, t: chats.append((c, t)))
    assert (first.sent, first.telegram, again.sent, again.telegram) == (1, 1, 0, 0)
    ((chat_id, text),) = chats
    assert chat_id == "424242" and "Seed grants" in text and "/my/" in text
