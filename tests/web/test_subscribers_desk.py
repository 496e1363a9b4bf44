"""Subscribers at the desk: search, CSV export and import, suspend, delete with a hashed suppression kept."""
from __future__ import annotations

import csv
import hashlib
import io
from datetime import timedelta

from sqlalchemy import select

from fursa import storage
from fursa.storage import issue_token, suppress
from tests.web.conftest import csrf_of


def _add(ctx, now, email: str, **fields) -> int:
    with ctx.sessions.begin() as session:
        row, _ = storage.add_subscriber(session, storage.SubscriberInput(email=email, confirmed=True, **fields), now)
        return row.id


def _upload(client, content: bytes, consent: bool = False):
    token = csrf_of(client.get("/desk/subscribers/import").text)
    data = {"csrf_token": token, **({"consent": "yes"} if consent else {})}
    return client.post("/desk/subscribers/import", data=data, files={"file": ("people.csv", content, "text/csv")})


def test_search_by_address_or_name_and_status(admin_client, ctx, now):
    _add(ctx, now, "huda@ppu.edu", name="Huda Qawasmi")
    _add(ctx, now, "sami@ppu.edu", name="Sami")
    page = admin_client.get("/desk/subscribers?q=qawasmi").text
    assert "huda@ppu.edu" in page and "sami@ppu.edu" not in page
    assert "1 subscriber" in page
    assert "sami@ppu.edu" not in admin_client.get("/desk/subscribers?status=suspended").text


def test_export_is_a_csv_that_spreadsheets_cannot_run(admin_client, ctx, now):
    _add(ctx, now, "huda@ppu.edu", name="=HYPERLINK(\"http://evil.example\")", levels=("master",))
    response = admin_client.get("/desk/subscribers/export.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows[0]["email"] == "huda@ppu.edu" and rows[0]["levels"] == "master"
    assert rows[0]["name"].startswith("'=")
    with ctx.sessions() as session:
        assert [e.action for e in session.scalars(select(storage.AuditEntry))] == ["subscribers:export"]


def test_import_adds_good_rows_reports_bad_ones_and_asks_the_unconfirmed_to_confirm(admin_client, ctx, now):
    content = ("email,name,role,levels,kinds,language\n"
               "rana@ppu.edu,Rana,student,master;phd,scholarship,ar\n"
               "not-an-address,Bad,student,,,en\n"
               "ali@ppu.edu,Ali,emperor,,,en\n"
               "\n"
               "sara@ppu.edu,Sara,faculty,faculty,,en\n").encode()
    response = _upload(admin_client, content)
    assert response.status_code == 200
    assert "line 3" in response.text and "line 4" in response.text and "role &#39;emperor&#39;" in response.text
    with ctx.sessions() as session:
        rows = {s.email: s for s in session.scalars(select(storage.Subscriber))}
    assert set(rows) == {"rana@ppu.edu", "sara@ppu.edu"}
    assert rows["rana@ppu.edu"].levels == ["master", "phd"] and rows["rana@ppu.edu"].language == "ar"
    assert not rows["rana@ppu.edu"].confirmed
    outbox = sorted(ctx.delivery_config.outbox_dir.glob("*.eml"))
    assert len(outbox) == 2  # one confirmation each; nothing else until they confirm


def test_import_with_recorded_consent_confirms_and_sends_nothing(admin_client, ctx):
    _upload(admin_client, b"email\nrana@ppu.edu\n", consent=True)
    with ctx.sessions() as session:
        assert session.scalars(select(storage.Subscriber)).one().confirmed
    assert not ctx.delivery_config.outbox_dir.exists() or not list(ctx.delivery_config.outbox_dir.glob("*.eml"))


def test_import_refuses_a_file_that_is_not_csv_text(admin_client, ctx):
    response = _upload(admin_client, b"\xff\xfe\x00binary")
    assert "not UTF-8 text" in response.text
    response = _upload(admin_client, b"")
    assert response.status_code == 400 and 'id="file-error"' in response.text


def test_import_skips_suppressed_addresses(admin_client, ctx, now):
    with ctx.sessions.begin() as session:
        suppress(session, "gone@ppu.edu", "deleted", now)
    response = _upload(admin_client, b"email\ngone@ppu.edu\n", consent=True)
    assert "do-not-mail list" in response.text
    with ctx.sessions() as session:
        assert session.scalars(select(storage.Subscriber)).all() == []


def test_suspend_and_reactivate(admin_client, ctx, now):
    subscriber_id = _add(ctx, now, "huda@ppu.edu")
    token = csrf_of(admin_client.get("/desk/subscribers").text)
    admin_client.post(f"/desk/subscribers/{subscriber_id}/status", data={"csrf_token": token, "status": "suspended"})
    with ctx.sessions() as session:
        row = session.get(storage.Subscriber, subscriber_id)
        assert row.status == "suspended" and row.suspended_reason
        assert storage.active_subscribers(session) == []
    admin_client.post(f"/desk/subscribers/{subscriber_id}/status", data={"csrf_token": token, "status": "active"})
    with ctx.sessions() as session:
        assert session.get(storage.Subscriber, subscriber_id).status == "active"


def test_delete_removes_personal_data_and_keeps_only_a_hash(admin_client, ctx, now):
    subscriber_id = _add(ctx, now, "huda@ppu.edu", name="Huda Qawasmi", levels=("master",))
    with ctx.sessions.begin() as session:
        issue_token(session, purpose="confirm", subscriber=session.get(storage.Subscriber, subscriber_id), now=now,
                    ttl=timedelta(hours=1))
    page = admin_client.get(f"/desk/subscribers/{subscriber_id}/delete")
    assert "huda@ppu.edu" in page.text and "Delete for good" in page.text
    admin_client.post(f"/desk/subscribers/{subscriber_id}/delete", data={"csrf_token": csrf_of(page.text)})
    with ctx.sessions() as session:
        row = session.get(storage.Subscriber, subscriber_id)
        assert "huda" not in row.email and row.name == "" and row.levels == [] and row.status == "deleted"
        assert session.scalars(select(storage.Token)).all() == []
        suppression = session.scalars(select(storage.Suppression)).one()
        audit = [(e.action, e.details) for e in session.scalars(select(storage.AuditEntry))]
    assert suppression.email_hash == hashlib.sha256(b"huda@ppu.edu").hexdigest()
    assert "huda" not in repr(audit)
    assert "huda@ppu.edu" not in admin_client.get("/desk/subscribers").text
    assert admin_client.get(f"/desk/subscribers/{subscriber_id}/delete").status_code == 404
