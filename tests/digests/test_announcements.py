"""Announcements through a real SMTP server on loopback: the segment gets one copy each and nobody
else any; a second send sends nothing and says so; the unsubscribed, the unconfirmed and the
do-not-mail list are left out; an empty segment queues nothing; the test copy goes to the staff
member alone and leaves the ledger alone; each copy carries its reader's one-click unsubscribe;
an Arabic reader gets the Arabic words right to left; the job sends a scheduled one at its time."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from fursa import storage
from fursa.digests import (
    EmptySegmentError, send_announcement, send_due_announcements, send_test_announcement, segment_members,
)
from fursa.digests import read_click_token
from fursa.digests.tokens import read_subscriber_token
from fursa.storage import AnnouncementInput, Segment
from tests.digests.conftest import NOW, add_call, add_person

WORDS = AnnouncementInput(
    subject_en="Erasmus+ information session", body_en="Come to room B201 on Tuesday.\n\nSlides: https://ppu.edu/erasmus.",
    subject_ar="لقاء تعريفي ببرنامج إيراسموس+", body_ar="ندعوكم إلى القاعة B201 يوم الثلاثاء.\n\nالعرض: https://ppu.edu/erasmus")


def _announce(session, segment: Segment, words: AnnouncementInput = WORDS, **fields):
    data = AnnouncementInput(words.subject_en, words.body_en, words.subject_ar, words.body_ar,
                             segment=segment, **fields)
    row = storage.save_announcement(session, data, actor="amal@ppu.edu", now=NOW)
    session.commit()
    return row


def _to(sink) -> list[str]:
    return sorted(address for message in sink.messages for address in message.recipients)


def test_the_segment_gets_one_copy_each_and_a_second_send_sends_nothing(session, smtp_config, sink):
    # Engineering: automation (0714); IT: software (0613). A master's student of each, and a faculty member.
    engineer = add_person(session, "engineer@ppu.edu", disciplines=("0714",), levels=("master",))
    add_person(session, "coder@ppu.edu", disciplines=("0613",), levels=("master",))
    add_person(session, "lecturer@ppu.edu", role="faculty", disciplines=("0714",), levels=("faculty",))
    row = _announce(session, Segment(roles=("student",), colleges=("engineering",), levels=("master",)))
    assert [p.email for p in segment_members(session, storage.segment_of(row))] == ["engineer@ppu.edu"]

    first = send_announcement(session, row.id, now=NOW, config=smtp_config, actor="amal@ppu.edu")
    assert (first.sent, first.already_sent, first.failed, first.status) == (1, 0, 0, "sent")
    assert _to(sink) == ["engineer@ppu.edu"]
    assert storage.announcement_counts(session, row)["sent"] == 1

    again = send_announcement(session, row.id, now=NOW + timedelta(hours=1), config=smtp_config, actor="amal@ppu.edu")
    assert again.sent == 0 and "sent already" in again.describe() and "nothing was sent again" in again.describe()
    assert len(sink.messages) == 1
    # Even with the state put back by hand, the ledger holds: the person who has it is not mailed again.
    row.status = "draft"
    session.commit()
    third = send_announcement(session, row.id, now=NOW + timedelta(hours=2), config=smtp_config, actor="amal@ppu.edu")
    assert (third.sent, third.already_sent) == (0, 1) and len(sink.messages) == 1
    actions = session.scalars(select(storage.AuditEntry.action).where(storage.AuditEntry.target_id == row.id,
                                                                        storage.AuditEntry.target_type == "announcement"))
    assert list(actions)[:3] == ["announcement:created", "announcement:sending", "announcement:sent"]
    assert engineer.id in storage.announced_to(session, row)


def test_the_unsubscribed_the_unconfirmed_and_the_suppressed_are_left_out(session, smtp_config, sink):
    add_person(session, "stays@ppu.edu")
    add_person(session, "left@ppu.edu").status = "unsubscribed"
    add_person(session, "bounced@ppu.edu")
    storage.suppress(session, "bounced@ppu.edu", "bounce", NOW)
    storage.add_subscriber(session, storage.SubscriberInput(email="pending@ppu.edu"), NOW)
    session.commit()
    row = _announce(session, Segment())
    report = send_announcement(session, row.id, now=NOW, config=smtp_config, actor="amal@ppu.edu")
    assert (report.recipients, report.sent) == (1, 1)
    assert _to(sink) == ["stays@ppu.edu"]


def test_an_empty_segment_queues_nothing_and_says_so(session, smtp_config, sink):
    add_person(session, "coder@ppu.edu", disciplines=("0613",))
    row = _announce(session, Segment(programmes=("building_engineering",)))
    with pytest.raises(EmptySegmentError, match="holds no one"):
        send_announcement(session, row.id, now=NOW, config=smtp_config, actor="amal@ppu.edu")
    session.refresh(row)
    assert row.status == "draft" and storage.announcement_counts(session, row)["sent"] == 0
    assert sink.messages == []


def test_each_copy_carries_its_readers_unsubscribe_and_an_arabic_reader_reads_right_to_left(session, smtp_config,
                                                                                            sink):
    call = add_call(session, "Erasmus+ staff training week")
    reader = add_person(session, "rania@ppu.edu", language="ar", name="رانية")
    add_person(session, "sam@ppu.edu", language="en", name="Sam")
    row = _announce(session, Segment(), opportunity_id=call.id)
    send_announcement(session, row.id, now=NOW, config=smtp_config, actor="amal@ppu.edu")
    letters = {m.recipients[0]: m.parsed() for m in sink.messages}
    arabic = letters["rania@ppu.edu"]
    assert arabic["Subject"] == WORDS.subject_ar and arabic["Content-Language"] == "ar"
    html = arabic.get_body(("html",)).get_content()
    assert '<html lang="ar" dir="rtl">' in html and "ندعوكم" in html and "Come to room" not in html
    assert '<a href="https://ppu.edu/erasmus"' in html and call.title in html   # staff's own link leads straight there
    # The call's link counts reach like a digest's: through the redirect, under this announcement, no name.
    counted = re.search(r'href="https://fursa\.ppu\.edu/r/([^"]+)"', html)
    assert counted, html
    link = read_click_token(counted.group(1), smtp_config.secret_key, now_month=f"{NOW:%Y-%m}")
    assert (link.opportunity_id, link.mailing, link.person) == (call.id, f"announcement:{row.id}", None)
    assert arabic["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = str(arabic["List-Unsubscribe"]).partition(">")[0].lstrip(" <")
    assert read_subscriber_token(url.rpartition("/")[2], "unsubscribe", smtp_config.secret_key) == reader.id
    english = letters["sam@ppu.edu"]
    assert english["Subject"] == WORDS.subject_en and 'dir="ltr"' in english.get_body(("html",)).get_content()
    # Staff's words are text, never markup: a tag they type is shown, not obeyed.
    tagged = _announce(session, Segment(languages=("en",)), AnnouncementInput(
        subject_en="Note", body_en="<img src=x onerror=alert(1)> see https://ppu.edu/a?b=1&c=2"))
    send_announcement(session, tagged.id, now=NOW, config=smtp_config, actor="amal@ppu.edu")
    note = [m.parsed() for m in sink.messages if m.parsed()["Subject"] == "Note"][0].get_body(("html",)).get_content()
    assert "<img" not in note and "&lt;img src=x" in note and 'href="https://ppu.edu/a?b=1&amp;c=2"' in note


def test_a_test_copy_goes_to_the_staff_member_alone_and_leaves_the_ledger(session, smtp_config, sink):
    add_person(session, "reader@ppu.edu")
    row = _announce(session, Segment())
    sent = send_test_announcement(session, row.id, email="amal@ppu.edu", name="Amal", now=NOW, config=smtp_config)
    assert sent == ["en", "ar"]
    assert _to(sink) == ["amal@ppu.edu", "amal@ppu.edu"]
    assert {m.parsed()["Subject"] for m in sink.messages} == {f"[Test] {WORDS.subject_en}", f"[Test] {WORDS.subject_ar}"}
    session.refresh(row)
    assert row.status == "draft" and storage.announced_to(session, row) == set()


def test_a_refused_copy_is_tried_again_by_the_job_and_a_bounce_is_not(session, smtp_config, sink):
    sink.behaviour.rcpt["gone@ppu.edu"] = "550 5.1.1 no such user"
    sink.behaviour.rcpt["busy@ppu.edu"] = "451 4.3.0 try again later"
    add_person(session, "fine@ppu.edu")
    add_person(session, "gone@ppu.edu")
    add_person(session, "busy@ppu.edu")
    row = _announce(session, Segment())
    report = send_announcement(session, row.id, now=NOW, config=smtp_config, actor="amal@ppu.edu")
    assert (report.sent, report.failed, report.deferred, report.status) == (1, 1, 1, "sending")
    del sink.behaviour.rcpt["busy@ppu.edu"]
    run = send_due_announcements(session, now=NOW + timedelta(minutes=5), config=smtp_config)
    assert [(r.sent, r.already_sent, r.status) for r in run.reports] == [(1, 2, "sent")]
    assert _to(sink) == ["busy@ppu.edu", "fine@ppu.edu"]


def test_the_job_sends_a_scheduled_announcement_at_its_time(session, smtp_config, sink):
    add_person(session, "reader@ppu.edu")
    row = _announce(session, Segment())
    storage.schedule_announcement(session, row, NOW + timedelta(hours=3), actor="amal@ppu.edu", now=NOW)
    session.commit()
    early = send_due_announcements(session, now=NOW + timedelta(hours=2, minutes=55), config=smtp_config)
    assert early.reports == [] and sink.messages == []
    due = send_due_announcements(session, now=NOW + timedelta(hours=3), config=smtp_config)
    assert [(r.sent, r.status) for r in due.reports] == [(1, "sent")]
    assert _to(sink) == ["reader@ppu.edu"]
    assert send_due_announcements(session, now=NOW + timedelta(hours=4), config=smtp_config).reports == []
    assert len(sink.messages) == 1


def test_a_scheduled_announcement_whose_segment_emptied_goes_back_to_draft(session, smtp_config, sink):
    row = _announce(session, Segment(roles=("faculty",)))
    storage.schedule_announcement(session, row, NOW, actor="amal@ppu.edu", now=NOW)
    session.commit()
    run = send_due_announcements(session, now=NOW, config=smtp_config)
    assert run.degraded and "holds no one" in run.trouble()
    session.refresh(row)
    assert row.status == "draft" and sink.messages == []
