"""Subscribers at the desk: search, CSV export and import, suspend, delete with a hashed suppression kept."""
from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import timedelta

from sqlalchemy import select

from fursa import storage
from fursa.storage import issue_token, suppress
from tests.web.conftest import csrf_of, make_context, make_settings

# One file for both doors, with a case of each rule of storage.roster_files; line 5 is blank.
ROSTER = ("email,Name,role,fields,levels,kinds,language\n"
          "rana@ppu.edu,Rana,student,0714;061,master;phd,scholarship,ar\n"   # 2: added
          "not-an-address,Bad,student,,,,en\n"                                # 3: not an address
          "ali@ppu.edu,Ali,emperor,,,,en\n"                                   # 4: no such role
          "\n"
          "RANA@ppu.edu,Rana again,student,,,,en\n"                           # 6: on line 2 already
          "gone@ppu.edu,Gone,student,,,,en\n"                                 # 7: on the do-not-mail list
          "huda@ppu.edu,Huda Q,faculty,,faculty,,en\n"                        # 8: subscribed: updated
          "sami@ppu.edu,Sami,student,714;banana,,,en\n")                      # 9: no such field codes
REJECTED = [3, 4, 6, 7, 9]


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
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))  # the export starts with a BOM
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


def _known_and_suppressed(ctx, now) -> None:
    with ctx.sessions.begin() as session:
        storage.add_subscriber(session, storage.SubscriberInput(email="huda@ppu.edu", name="Huda", confirmed=True), now)
        suppress(session, "gone@ppu.edu", "deleted", now)


def _roster_state(ctx) -> tuple[dict, list]:
    """Who is subscribed with what, and what the import's audit entry says (but who did it)."""
    with ctx.sessions() as session:
        rows = {s.email: (s.name, s.role, s.disciplines, s.levels, s.kinds, s.language, s.confirmed, s.status)
                for s in storage.list_subscribers(session)}
        audit = [(e.action, e.details) for e in session.scalars(select(storage.AuditEntry))
                 if e.action == "subscribers:import"]
    return rows, audit


def test_one_roster_gives_one_outcome_through_both_doors(admin_client, ctx, now, command_line, tmp_path):
    (tmp_path / "shell").mkdir()
    shell = make_context(make_settings(tmp_path / "shell"))
    for context in (ctx, shell):
        _known_and_suppressed(context, now)
    (tmp_path / "people.csv").write_text(ROSTER, encoding="utf-8")

    typed = command_line("subscribers", "import", str(tmp_path / "people.csv"), ctx=shell)
    page = _upload(admin_client, ROSTER.encode(), consent=True)

    assert typed.exit_code == 0, typed.output
    assert typed.stdout.strip() == "1 added, 1 updated, 5 rejected"
    assert "people.csv:9: fields: '714', 'banana' are not ISCED-F codes" in typed.stderr
    assert [int(n) for n in re.findall(r"people\.csv:(\d+):", typed.stderr)] == REJECTED
    assert page.status_code == 200
    assert [int(n) for n in re.findall(r"line (\d+):", page.text)] == REJECTED
    assert "Imported: 2." in page.text
    assert "line 9: sami@ppu.edu was skipped: these are not field codes: 714, banana." in page.text
    rows, audit = _roster_state(ctx)
    assert (rows, audit) == _roster_state(shell)
    assert set(rows) == {"rana@ppu.edu", "huda@ppu.edu"} and "gone@ppu.edu" not in rows
    assert rows["rana@ppu.edu"] == ("Rana", "student", ["0714", "061"], ["master", "phd"], ["scholarship"], "ar",
                                    True, "active")
    assert rows["huda@ppu.edu"][:4] == ("Huda Q", "faculty", [], ["faculty"])
    assert audit == [("subscribers:import", {"added": 1, "updated": 1, "rejected": 5, "consent": True})]


def test_a_suppressed_address_is_refused_by_both_doors(admin_client, ctx, now, command_line, tmp_path):
    with ctx.sessions.begin() as session:
        suppress(session, "gone@ppu.edu", "deleted", now)
    added = command_line("subscribers", "add", "Gone@PPU.edu")
    assert added.exit_code == 1 and "do-not-mail list (reason: deleted)" in added.output
    (tmp_path / "gone.csv").write_text("email\ngone@ppu.edu\n", encoding="utf-8")
    imported = command_line("subscribers", "import", str(tmp_path / "gone.csv"))
    assert "0 added, 0 updated, 1 rejected" in imported.stdout and "gone.csv:2:" in imported.stderr
    response = _upload(admin_client, b"email\ngone@ppu.edu\n", consent=True)
    assert "line 2: gone@ppu.edu is on the do-not-mail list and was skipped." in response.text
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


def test_staff_adding_one_person_with_field_codes_the_taxonomy_lacks_get_a_usage_error(ctx, command_line):
    refused = command_line("subscribers", "add", "sami@ppu.edu", "--fields", "714,banana")
    assert refused.exit_code == 2, refused.output
    assert "'714', 'banana' are not ISCED-F codes" in refused.output and "0714" in refused.output
    with ctx.sessions() as session:
        assert storage.list_subscribers(session) == []
    added = command_line("subscribers", "add", "sami@ppu.edu", "--fields", "0714,061,07")
    assert added.exit_code == 0, added.output
    with ctx.sessions() as session:
        assert storage.get_subscriber(session, "sami@ppu.edu").disciplines == ["0714", "061", "07"]


def test_the_desk_names_unknown_field_codes_in_arabic_too(admin_client, ctx):
    admin_client.get("/language/ar?next=/desk/subscribers/import")
    response = _upload(admin_client, "email,fields\nsami@ppu.edu,714;banana\n".encode(), consent=True)
    assert "sami@ppu.edu" in response.text and "ليست رموز تخصصات: 714, banana" in response.text
