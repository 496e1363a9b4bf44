"""Reminders before a limited submission's internal deadline, through a real SMTP server: who said they
intend to apply and the silent faculty of the call's fields get one (with the signed link for the
silent), students and other fields none; a second run sends nothing; a refused delivery is tried again."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from fursa import storage
from fursa.digests import read_intent_token, send_limited_reminders
from fursa.digests.tokens import read_subscriber_token
from fursa.storage import Deadline, LimitedInput
from tests.digests.conftest import NOW, add_call, add_person


def _limited(session, days_left: int):
    call = add_call(session, "Seed grants", kind="research_funding", levels=("faculty",),
                    deadline=NOW + timedelta(days=30))
    row = storage.set_limited_submission(session, call, LimitedInput(
        slots=2, internal=Deadline.timed(NOW + timedelta(days=days_left), "Asia/Hebron")), NOW)
    session.commit()
    return row


def test_each_person_is_reminded_once(session, smtp_config, sink):
    limited = _limited(session, days_left=2)
    said = add_person(session, "said@ppu.edu", role="faculty", disciplines=("0311",), language="ar", name="سعيد")
    silent = add_person(session, "silent@ppu.edu", role="faculty")
    add_person(session, "student@ppu.edu")
    add_person(session, "other@ppu.edu", role="faculty", disciplines=("0311",))
    storage.record_intent(session, limited, said, NOW)
    session.commit()

    first = send_limited_reminders(session, now=NOW, config=smtp_config)
    assert (first.sent, first.skipped, first.failed) == (2, 0, 0)
    letters = {m.parsed()["To"].addresses[0].addr_spec: m.parsed() for m in sink.messages}
    assert set(letters) == {"said@ppu.edu", "silent@ppu.edu"}
    silent_text = letters["silent@ppu.edu"].get_body(("plain",)).get_content()
    assert silent_text.index("Internal deadline") < silent_text.index("Funder's deadline")
    link = next(line for line in silent_text.splitlines() if "/intent/" in line).rpartition("/intent/")[2]
    named = read_intent_token(link, smtp_config.secret_key)
    assert (named.subscriber_id, named.opportunity_id) == (silent.id, limited.opportunity_id)
    said_text = letters["said@ppu.edu"].get_body(("plain",)).get_content()
    assert "الموعد النهائي الداخلي" in said_text and "/intent/" not in said_text

    again = send_limited_reminders(session, now=NOW + timedelta(hours=1), config=smtp_config)
    assert (again.sent, again.skipped) == (0, 2)
    assert len(sink.messages) == 2


def test_not_yet_due_and_a_refused_delivery_is_tried_again(session, smtp_config, sink):
    limited = _limited(session, days_left=10)
    add_person(session, "silent@ppu.edu", role="faculty")
    assert send_limited_reminders(session, now=NOW, config=smtp_config).sent == 0
    later = NOW + timedelta(days=8)
    broken = replace(smtp_config, smtp_url="smtp://127.0.0.1:9")   # nothing listens there
    failed = send_limited_reminders(session, now=later, config=broken)
    assert (failed.sent, failed.failed) == (0, 1)
    assert storage.reminders_sent(session, limited) == []
    assert send_limited_reminders(session, now=later, config=smtp_config).sent == 1
    assert [r.state for r in storage.reminders_sent(session, limited)] == ["sent"]


def test_a_reminder_carries_the_one_click_unsubscribe_of_its_reader(session, smtp_config, sink):
    # The silent faculty of a field did not ask for this letter: like a digest, it must let them leave.
    _limited(session, days_left=2)
    silent = add_person(session, "silent@ppu.edu", role="faculty")
    assert send_limited_reminders(session, now=NOW, config=smtp_config).sent == 1
    (letter,) = [m.parsed() for m in sink.messages]
    assert letter["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert letter["List-Id"] == f"Fursa digest <{smtp_config.list_id}>"
    url = str(letter["List-Unsubscribe"]).partition(">")[0].lstrip(" <")   # the https link comes first
    assert url.startswith(smtp_config.public_base_url.rstrip("/") + "/unsubscribe/")
    assert read_subscriber_token(url.rpartition("/")[2], "unsubscribe", smtp_config.secret_key) == silent.id
