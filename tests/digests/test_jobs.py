"""The other jobs: alerts as soon as staff approve (faculty's choice), and the staff preview."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from fursa.storage import Delivery

from fursa.digests import preview_digest, send_digests, send_instant_alerts
from tests.digests.conftest import NOW, add_call, add_person


def test_instant_subscribers_get_each_new_call_once_and_weekly_ones_wait(session, sink, smtp_config):
    add_person(session, "dr.sami@ppu.edu", role="faculty", levels=("faculty",), frequency="instant")
    add_person(session, "lina@ppu.edu")
    add_call(session, "Research funding for software", kind="research_funding", levels=("faculty",))

    first = send_instant_alerts(session, now=NOW, config=smtp_config)
    again = send_instant_alerts(session, now=NOW + timedelta(minutes=5), config=smtp_config)
    add_call(session, "Visiting fellowship in software", kind="fellowship", levels=("faculty",))
    later = send_instant_alerts(session, now=NOW + timedelta(minutes=10), config=smtp_config)

    assert (first.sent, again.sent, again.skipped_empty, later.sent) == (1, 0, 1, 1)
    assert sorted(sink.by_recipient()) == ["dr.sami@ppu.edu"]
    texts = [m.parsed().get_body(preferencelist=("plain",)).get_content() for m in sink.messages]
    assert "Research funding for software" in texts[0] and "Research funding" not in texts[1]
    assert "Visiting fellowship" in texts[1]


def test_the_weekly_digest_leaves_out_calls_already_alerted(session, sink, smtp_config):
    add_person(session, "dr.sami@ppu.edu", role="faculty", levels=("faculty",), frequency="instant")
    add_call(session, "Research funding for software", kind="research_funding", levels=("faculty",),
             deadline=NOW + timedelta(days=40))
    alert = send_instant_alerts(session, now=NOW - timedelta(days=3), config=smtp_config)  # Thursday

    weekly = send_digests(session, now=NOW, config=smtp_config)

    assert alert.sent == 1 and weekly.skipped_empty == 1 and len(sink.messages) == 1


def test_students_get_scholarships_not_research_funding_by_default(session, sink, smtp_config):
    add_person(session, "lina@ppu.edu")
    add_call(session, "Master scholarship in software")
    add_call(session, "Research grant in software", kind="research_funding")

    send_digests(session, now=NOW, config=smtp_config)

    text = sink.messages[0].parsed().get_body(preferencelist=("plain",)).get_content()
    assert "Master scholarship in software" in text and "Research grant" not in text


def test_preview_renders_without_sending_or_writing(session, smtp_config):
    add_person(session, "omar@ppu.edu", language="ar")
    add_call(session, "Software engineering scholarship")

    rendered = preview_digest(session, "Omar@PPU.edu", now=NOW, config=smtp_config)

    assert rendered.language == "ar" and 'dir="rtl"' in rendered.html
    assert "Software engineering scholarship" in rendered.text
    assert session.scalar(select(func.count()).select_from(Delivery)) == 0
