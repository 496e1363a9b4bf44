"""The announcements desk through the app: compose shows the segment's size and refuses half a
message, a draft's page previews each recipient's own copy, a curator may write and test but not
send, and 'send now' pressed twice sends once and says so (the outbox holds one copy per person)."""
from __future__ import annotations

from fursa import storage
from tests.web.conftest import CURATOR, csrf_of, log_in

FORM = {"subject_en": "Erasmus+ information session", "body_en": "Room B201, Tuesday 10:00.\n\nhttps://ppu.edu/e",
        "subject_ar": "لقاء تعريفي", "body_ar": "القاعة B201 يوم الثلاثاء."}


def _people(ctx, now):
    with ctx.sessions.begin() as session:
        for email, language, fields in (("eng@ppu.edu", "ar", ("0714",)), ("it@ppu.edu", "en", ("0613",))):
            storage.add_subscriber(session, storage.SubscriberInput(email=email, language=language, confirmed=True,
                                                                    disciplines=fields, levels=("bachelor",)), now)


def _post(client, path, data):
    page = client.get("/desk/announcements/new")
    return client.post(path, data={**data, "csrf_token": csrf_of(page.text)}, follow_redirects=False)


def test_compose_counts_the_segment_and_refuses_half_a_message(admin_client, ctx, now):
    _people(ctx, now)
    counted = _post(admin_client, "/desk/announcements/new", {**FORM, "colleges": "engineering", "do": "count"})
    assert counted.status_code == 200 and "1 person in this segment" in counted.text
    empty = _post(admin_client, "/desk/announcements/new", {**FORM, "programmes": "building_engineering", "do": "count"})
    assert "0 people in this segment" in empty.text and "Nobody is in this segment" in empty.text
    half = _post(admin_client, "/desk/announcements/new", {"subject_en": "Only a subject", "do": "save"})
    assert half.status_code == 400 and "Write the message under this subject" in half.text
    with ctx.sessions() as session:
        assert storage.list_announcements(session) == []


def test_preview_send_twice_and_the_outbox(admin_client, ctx, now):
    _people(ctx, now)
    saved = _post(admin_client, "/desk/announcements/new", {**FORM, "do": "save"})
    assert saved.status_code == 303
    page = admin_client.get(saved.headers["location"])
    assert "2 people in this segment now" in page.text
    with ctx.sessions() as session:
        row, = storage.list_announcements(session)
        reader = storage.get_subscriber(session, "eng@ppu.edu")
    frame = admin_client.get(f"/desk/announcements/{row.id}/preview.html?to={reader.id}")
    assert 'dir="rtl"' in frame.text and "القاعة B201" in frame.text and "script-src" not in frame.text
    assert frame.headers["content-security-policy"].startswith("default-src 'none'")
    token = csrf_of(page.text)
    first = admin_client.post(f"/desk/announcements/{row.id}/send", data={"csrf_token": token}, follow_redirects=True)
    assert "Sent: 2." in first.text
    second = admin_client.post(f"/desk/announcements/{row.id}/send", data={"csrf_token": csrf_of(first.text)},
                               follow_redirects=True)
    assert "sent already: nothing was sent again" in second.text
    letters = sorted(path.name for path in ctx.settings.outbox_dir.glob("*.eml"))
    assert len(letters) == 2, letters


def test_a_curator_writes_and_tests_but_does_not_send(client, users, ctx, now):
    _people(ctx, now)
    log_in(client, CURATOR)
    saved = _post(client, "/desk/announcements/new", {**FORM, "do": "save"})
    page = client.get(saved.headers["location"])
    assert "Send now" not in page.text and "Send a test to me" in page.text
    with ctx.sessions() as session:
        row, = storage.list_announcements(session)
    tested = client.post(f"/desk/announcements/{row.id}/test", data={"csrf_token": csrf_of(page.text)},
                         follow_redirects=True)
    assert "A test was sent to curator@ppu.edu" in tested.text
    refused = client.post(f"/desk/announcements/{row.id}/send", data={"csrf_token": csrf_of(page.text)})
    assert refused.status_code == 403
    letters = list(ctx.settings.outbox_dir.glob("*.eml"))
    assert [p.name.split(".")[1] for p in letters] and all("curator" in p.name for p in letters)
    assert len(letters) == 2   # one per language written


def test_fursa_announcements_list_and_send_twice(command_line, ctx, now):
    _people(ctx, now)
    with ctx.sessions.begin() as session:
        row = storage.save_announcement(session, storage.AnnouncementInput(subject_en="Visit", body_en="Tuesday."),
                                        actor="amal", now=now)
        number = row.id
    first = command_line("announcements", "send", str(number))
    assert first.exit_code == 0, first.output
    assert "2 sent" in first.output
    second = command_line("announcements", "send", str(number))
    assert second.exit_code == 0 and "nothing was sent again" in second.output
    listed = command_line("announcements", "list")
    assert f"{number}\tsent\t2/2 sent\tVisit" in listed.output
    missing = command_line("announcements", "send", "999")
    assert missing.exit_code == 1 and "no announcement 999" in missing.output
    assert len(list(ctx.settings.outbox_dir.glob("*.eml"))) == 2


def test_scheduled_from_the_desk_and_sent_by_the_job_at_its_time(admin_client, ctx, now):
    from datetime import timedelta

    from fursa import pipeline

    _people(ctx, now)
    saved = _post(admin_client, "/desk/announcements/new", {**FORM, "do": "save"})
    page = admin_client.get(saved.headers["location"])
    number = saved.headers["location"].rsplit("/", 1)[1]
    past = admin_client.post(f"/desk/announcements/{number}/schedule",
                             data={"csrf_token": csrf_of(page.text), "send_at": "2020-01-01T10:00"}, follow_redirects=True)
    assert "Choose a date and time in the future" in past.text
    local = (now + timedelta(hours=2)).astimezone(ctx.delivery_config.zone)
    done = admin_client.post(f"/desk/announcements/{number}/schedule",
                             data={"csrf_token": csrf_of(past.text), "send_at": f"{local:%Y-%m-%dT%H:%M}"},
                             follow_redirects=True)
    assert "Scheduled." in done.text
    early = pipeline.run_job(ctx, "announcements", now + timedelta(hours=1))
    assert early.status == "ok" and early.result.reports == []
    due = pipeline.run_job(ctx, "announcements", now + timedelta(hours=2, minutes=1))
    assert due.status == "ok" and [r.sent for r in due.result.reports] == [2]
    assert len(list(ctx.settings.outbox_dir.glob("*.eml"))) == 2
    with ctx.sessions() as session:
        assert storage.get_announcement(session, int(number)).status == "sent"
