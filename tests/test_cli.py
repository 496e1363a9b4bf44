"""The `fursa` command as a user types it: contracts of tag, sources list, subscribers and demo."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from email import message_from_bytes
from email.policy import default

import httpx
import pytest
from typer.testing import CliRunner

from fursa.cli import app
from tests.web.damage import damage_schema, damage_table
from tests.web.live import free_port

runner = CliRunner()


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "OUTBOX_DIR", "SMTP_URL", "CATALOGUE"):
        monkeypatch.delenv(f"FURSA_{name}", raising=False)
    return tmp_path


def test_tag_keeps_input_order_and_reports_bad_lines(workdir):
    lines = "\n".join([
        json.dumps({"id": "a", "title": "PhD scholarships in civil engineering", "text": "Deadline: 15 March 2027"}),
        "{not json",
        json.dumps({"id": "b", "title": "Call for applications", "text": "Open to applicants from any field of study."}),
        json.dumps({"id": "c", "title": "منح دراسية لدرجة الماجستير في الصيدلة", "text": "آخر موعد للتقديم ١٥ آذار ٢٠٢٧"}),
    ]) + "\n"
    result = runner.invoke(app, ["tag"], input=lines)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [row["id"] for row in rows] == ["a", None, "b", "c"]
    assert "error" in rows[1] and "line 2" in rows[1]["error"]
    for row in (rows[0], rows[2], rows[3]):
        assert {"disciplines", "levels", "kind", "deadline", "evidence"} <= set(row)
    assert any(code.startswith("07") for code in rows[0]["disciplines"])
    assert "phd" in rows[0]["levels"] and rows[0]["deadline"].startswith("2027-03-15")
    assert rows[2]["disciplines"] == ["any"]
    assert any(code.startswith("09") for code in rows[3]["disciplines"]) and "master" in rows[3]["levels"]


def test_tag_reads_and_writes_files(workdir):
    (workdir / "in.jsonl").write_text(json.dumps({"id": 7, "title": "Postdoctoral fellowship in physics", "text": ""}) + "\n")
    result = runner.invoke(app, ["tag", "--input", "in.jsonl", "--output", "out.jsonl"])
    assert result.exit_code == 0, result.output
    (row,) = [json.loads(line) for line in (workdir / "out.jsonl").read_text().splitlines()]
    assert row["id"] == 7 and "postdoc" in row["levels"] and any(c.startswith("05") for c in row["disciplines"])


LABELED = [
    ("Grant for crop research", "Studies of wheat yield, irrigation and soil.", ["08"]),
    ("Farming innovation award", "Livestock, pasture and crop rotation.", ["081"]),
    ("Agronomy fellowship", "Irrigation and soil fertility on small farms.", ["0811"]),
    ("Soil and water grant", "Irrigation research with farmers.", ["08"]),
    ("Poetry prize", "For novels, poems and literary criticism.", ["02"]),
    ("Literature scholarship", "Poems, novels and literary translation.", ["023"]),
    ("Writers residency", "Novels, poems and essays in any literary genre.", ["02"]),
    ("Translation grant", "Literary translation of novels and poems.", ["02"]),
    ("Open scholarship", "Students of every subject may apply.", ["any"]),
    ("Excellence award", "Every subject is welcome; merit decides.", ["any"]),
    ("Merit bursary", "Any subject, every student may apply.", ["any"]),
]


def test_train_writes_a_model_that_tag_uses(workdir):
    (workdir / "labels.jsonl").write_text("".join(
        json.dumps({"title": t, "text": x, "disciplines": d}) + "\n" for t, x, d in LABELED))
    trained = runner.invoke(app, ["train", "labels.jsonl", "--output", "matcher.model"])
    assert trained.exit_code == 0, trained.output
    assert "trained on 11 calls" in trained.output and (workdir / "matcher.model").stat().st_size > 0
    line = json.dumps({"id": "x", "title": "Irrigation study", "text": "soil and crop yield on farms"}) + "\n"
    result = runner.invoke(app, ["tag", "--model", "matcher.model"], input=line)
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout.splitlines()[0])
    assert row["disciplines"][0].startswith("08")


def test_train_and_tag_say_what_is_wrong_with_their_files(workdir):
    (workdir / "bad.jsonl").write_text('{"title": "No labels here"}\n{not json\n')
    bad = runner.invoke(app, ["train", "bad.jsonl", "--output", "m.model"])
    assert bad.exit_code == 1 and "line 1 needs title, text and a list of disciplines" in bad.output
    assert "line 2" in bad.output and not (workdir / "m.model").exists()
    missing = runner.invoke(app, ["tag", "--model", "nowhere.model"], input="")
    assert missing.exit_code == 1 and "fursa train" in missing.output
    (workdir / "junk.model").write_bytes(b"not a model")
    junk = runner.invoke(app, ["tag", "--model", "junk.model"], input="")
    assert junk.exit_code == 1 and "retrain" in junk.output


def test_sources_list_json_has_the_catalogue_fields(workdir):
    result = runner.invoke(app, ["sources", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    sources = json.loads(result.stdout)
    assert len(sources) >= 30
    for source in sources:
        assert {"name", "type", "url", "language", "kind", "health"} <= set(source)
        assert source["type"] in ("feed", "api", "html")
    names = " ".join(s["name"] for s in sources)
    for expected in ("Grants.gov", "EU Funding", "UKRI"):
        assert expected in names
    assert any(s["language"] == "ar" for s in sources)


def test_malformed_catalogue_is_named_with_source_and_field(workdir):
    (workdir / "bad.toml").write_text('[[source]]\nname = "Broken"\ntype = "rss"\nurl = "https://example.org/feed"\n')
    result = runner.invoke(app, ["init"], env={"FURSA_CATALOGUE": str(workdir / "bad.toml")})
    assert result.exit_code == 1
    assert "bad.toml" in result.output and "Broken" in result.output and "type" in result.output


def test_subscriber_add_refuses_a_bad_address_and_keeps_the_others(workdir):
    assert runner.invoke(app, ["subscribers", "add", "ok@ppu.edu", "--fields", "0714", "--levels", "master"]).exit_code == 0
    bad = runner.invoke(app, ["subscribers", "add", "not-an-address"])
    assert bad.exit_code == 2 and "'@'" in bad.output   # a usage error since 5117fe3
    listed = json.loads(runner.invoke(app, ["subscribers", "list", "--format", "json"]).stdout)
    assert [(s["email"], s["fields"], s["levels"]) for s in listed] == [("ok@ppu.edu", ["0714"], ["master"])]


def test_subscriber_import_reports_rejected_rows(workdir):
    (workdir / "people.csv").write_text(
        "email,name,role,fields,levels,language\n"
        "a@ppu.edu,A,student,0714;061,master,ar\n"
        "broken,B,student,,,en\n"
        "c@ppu.edu,C,dean,,,en\n")
    result = runner.invoke(app, ["subscribers", "import", "people.csv"])
    assert result.exit_code == 0
    assert "1 added, 0 updated, 2 rejected" in result.stdout
    assert "people.csv:3" in result.output and "people.csv:4" in result.output


def test_subscriber_import_follows_the_desks_rules_for_files_and_repeats(workdir):
    (workdir / "latin1.csv").write_bytes("email,name\nj@ppu.edu,Jos\xe9\n".encode("latin-1"))
    unreadable = runner.invoke(app, ["subscribers", "import", "latin1.csv"])
    assert unreadable.exit_code == 1 and "latin1.csv: the file is not UTF-8 text" in unreadable.output
    (workdir / "people.csv").write_text("\ufeffEMAIL,Name\na@ppu.edu,A\n\nA@PPU.edu,again\n", encoding="utf-8")
    result = runner.invoke(app, ["subscribers", "import", "people.csv"])
    assert result.exit_code == 0 and "1 added, 0 updated, 1 rejected" in result.stdout
    assert "people.csv:4: a@ppu.edu is on line 2 already" in result.stderr


def test_an_address_deleted_on_request_is_not_added_back_by_staff(workdir):
    from datetime import datetime, timezone

    from fursa import pipeline, storage
    from fursa.settings import load_settings
    assert runner.invoke(app, ["subscribers", "add", "gone@ppu.edu"]).exit_code == 0
    ctx = pipeline.make_context(load_settings())
    with ctx.sessions.begin() as session:
        row = storage.get_subscriber(session, "gone@ppu.edu")
        storage.erase_subscriber(session, row, actor="test", now=datetime.now(timezone.utc))
    again = runner.invoke(app, ["subscribers", "add", "Gone@PPU.edu"])
    assert again.exit_code == 1 and "do-not-mail list (reason: deleted)" in again.output
    (workdir / "people.csv").write_text("email,name\ngone@ppu.edu,G\nnew@ppu.edu,N\n")
    imported = runner.invoke(app, ["subscribers", "import", "people.csv"])
    assert "1 added, 0 updated, 1 rejected" in imported.stdout and "people.csv:2" in imported.output
    listed = json.loads(runner.invoke(app, ["subscribers", "list", "--format", "json"]).stdout)
    assert [s["email"] for s in listed] == ["new@ppu.edu"]


def test_bad_setting_stops_with_its_name(workdir):
    result = runner.invoke(app, ["sources", "list"], env={"FURSA_TIMEZONE": "Middle/Earth"})
    assert result.exit_code == 2 and "FURSA_TIMEZONE" in result.output and "Middle/Earth" in result.output


def test_demo_runs_the_real_path_and_writes_digests(workdir):
    result = runner.invoke(app, ["demo", "--folder", "demo"])
    assert result.exit_code == 0, result.output
    files = sorted((workdir / "demo" / "outbox").glob("*.eml"))
    assert len(files) >= 2
    messages = [message_from_bytes(p.read_bytes(), policy=default) for p in files]
    arabic = [m for m in messages if 'dir="rtl"' in m.get_body(preferencelist=("html",)).get_content()]
    assert arabic, "the Arabic-speaking sample subscriber got no right-to-left digest"
    texts = " ".join(m.get_body(preferencelist=("plain",)).get_content() for m in messages)
    assert "Mechatronics" in texts and "الصيدلة" in texts
    assert "<script>" not in " ".join(m.get_body(preferencelist=("html",)).get_content() for m in messages)
    assert "1 skipped" in result.output


def test_users_add_creates_an_admin_and_refuses_a_weak_password(workdir):
    ok = runner.invoke(app, ["users", "add", "admin@ppu.edu", "--role", "admin"],
                       input="a long enough passphrase\na long enough passphrase\n")
    assert ok.exit_code == 0 and "admin@ppu.edu (admin) created" in ok.output
    weak = runner.invoke(app, ["users", "add", "c@ppu.edu", "--password", "short"])
    assert weak.exit_code == 1 and "10 characters" in weak.output
    again = runner.invoke(app, ["users", "add", "admin@ppu.edu", "--password", "another long passphrase"])
    assert again.exit_code == 1
    changed = runner.invoke(app, ["users", "password", "admin@ppu.edu", "--password", "a new long passphrase"])
    assert changed.exit_code == 0 and "password of admin@ppu.edu changed" in changed.output
    unknown = runner.invoke(app, ["users", "password", "nobody@ppu.edu", "--password", "a new long passphrase"])
    assert unknown.exit_code == 1 and "fursa users add" in unknown.output


def test_every_command_has_help(workdir):
    for command in (["init"], ["crawl"], ["tag"], ["train"], ["run"], ["demo"], ["serve"], ["scheduler"], ["status"], ["job"],
                    ["backup"], ["restore"], ["sources", "list"], ["sources", "check"], ["sources", "pause"],
                    ["sources", "resume"], ["sources", "edit"], ["subscribers", "add"],
                    ["subscribers", "import"], ["subscribers", "list"], ["digest", "preview"], ["digest", "send"],
                    ["users", "add"], ["users", "password"]):
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output, command


def test_status_reports_the_latest_run_of_each_job(workdir):
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert runner.invoke(app, ["job", "expire"]).exit_code == 0
    result = runner.invoke(app, ["status", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [(job["job"], job["status"]) for job in report["jobs"]] == [("expire", "ok")]
    assert report["sources"] >= 30 and report["failing_sources"] == [] and report["problems_last_7_days"] == 0
    assert len(report["due_sources"]) >= 30   # a catalogue never crawled is all due


def test_sources_pause_resume_and_edit_by_name(workdir):
    name = json.loads(runner.invoke(app, ["sources", "list", "--format", "json"]).stdout)[0]["name"]
    paused = runner.invoke(app, ["sources", "pause", name])
    assert paused.exit_code == 0 and f"{name}: paused" in paused.stdout
    listed = {s["name"]: s for s in json.loads(runner.invoke(app, ["sources", "list", "--format", "json"]).stdout)}
    assert listed[name]["enabled"] is False
    status = json.loads(runner.invoke(app, ["status", "--format", "json"]).stdout)
    assert name not in status["due_sources"]
    assert runner.invoke(app, ["sources", "resume", name]).exit_code == 0
    edited = runner.invoke(app, ["sources", "edit", name, "--every-hours", "48", "--kind", "fellowship"])
    assert edited.exit_code == 0 and "changed kind, every_hours" in edited.stdout
    listed = {s["name"]: s for s in json.loads(runner.invoke(app, ["sources", "list", "--format", "json"]).stdout)}
    assert (listed[name]["enabled"], listed[name]["kind"], listed[name]["every_hours"]) == (True, "fellowship", 48.0)
    wrong = runner.invoke(app, ["sources", "edit", name, "--kind", "party"])
    assert wrong.exit_code == 1 and "kind 'party' is not one of" in wrong.output
    missing = runner.invoke(app, ["sources", "resume", "No such source"])
    assert missing.exit_code == 1 and "known sources:" in missing.output


def test_an_account_made_on_the_command_line_signs_in_at_the_desk(workdir):
    """Both doors share storage's argon2 hashing: the CLI hashes, the desk verifies."""
    from fursa import pipeline, web
    from fursa.settings import load_settings
    from tests.web.conftest import TestClient, log_in   # the TestClient imported without its warning

    account = ("admin@ppu.edu", "a long enough passphrase")
    made = runner.invoke(app, ["users", "add", account[0], "--role", "admin", "--password", account[1]])
    assert made.exit_code == 0, made.output
    with TestClient(web.create_app(pipeline.make_context(load_settings())), base_url="http://testserver") as client:
        log_in(client, account)
        assert client.get("/desk/sources", follow_redirects=False).status_code == 200


# A damaged database (issue 13, item 11): each command ends in one `error:` line and exit status 1,
# never a traceback; `serve` starts anyway so /healthz can answer "down".

DAMAGED_COMMANDS = [
    ["status"], ["sources", "list"], ["sources", "pause", "Grants.gov"], ["subscribers", "list"],
    ["subscribers", "add", "new@ppu.edu"], ["digest", "preview", "--email", "s1@ppu.edu"], ["digest", "send"], ["job", "expire"],
    ["users", "add", "staff@ppu.edu", "--password", "a long enough passphrase"], ["backup", "backup.db"], ["init"],
]


@pytest.fixture
def damaged(workdir):
    """A real database, made and filled by the CLI, with its schema page overwritten on disk."""
    assert runner.invoke(app, ["init"]).exit_code == 0
    for number in range(3):
        assert runner.invoke(app, ["subscribers", "add", f"s{number}@ppu.edu"]).exit_code == 0
    assert runner.invoke(app, ["backup", "good.db"]).exit_code == 0
    damage_schema(workdir / "fursa.db")
    return workdir


def _one_error_line(result) -> str:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)   # handled, not a crash
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize("command", DAMAGED_COMMANDS, ids=" ".join)
def test_every_command_on_a_damaged_database_ends_in_one_clear_line(damaged, command):
    line = _one_error_line(runner.invoke(app, command))
    assert "database disk image is malformed" in line and "fursa.db" in line
    assert not (damaged / "backup.db").exists()


def test_a_damaged_database_is_one_line_in_a_real_process_too(damaged):
    done = subprocess.run([sys.executable, "-m", "fursa.cli", "subscribers", "list"], cwd=damaged,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: the database at sqlite:///fursa.db failed: "
                                                                     "database disk image is malformed."), done.stderr
    verbose = subprocess.run([sys.executable, "-m", "fursa.cli", "-v", "subscribers", "list"], cwd=damaged,
                             capture_output=True, text=True, timeout=60)
    assert verbose.returncode == 1 and "Traceback" in verbose.stderr   # -v keeps the details for whoever digs


def test_backup_refuses_a_database_with_one_damaged_table_and_restore_brings_it_back(workdir):
    assert runner.invoke(app, ["init"]).exit_code == 0
    for number in range(3):
        assert runner.invoke(app, ["subscribers", "add", f"s{number}@ppu.edu"]).exit_code == 0
    assert runner.invoke(app, ["backup", "good.db"]).exit_code == 0
    good = (workdir / "good.db").read_bytes()
    damage_table(workdir / "fursa.db", "subscribers")

    refused = _one_error_line(runner.invoke(app, ["backup", "good.db"]))
    assert "fursa.db is damaged" in refused and "no backup was written" in refused
    assert (workdir / "good.db").read_bytes() == good            # the last good backup is untouched
    assert "malformed" in _one_error_line(runner.invoke(app, ["subscribers", "list"]))

    restored = runner.invoke(app, ["restore", "good.db", "--yes"])
    assert restored.exit_code == 0, restored.output
    listed = json.loads(runner.invoke(app, ["subscribers", "list", "--format", "json"]).stdout)
    assert [s["email"] for s in listed] == ["s0@ppu.edu", "s1@ppu.edu", "s2@ppu.edu"]


def test_restore_refuses_a_damaged_backup(workdir):
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert runner.invoke(app, ["subscribers", "add", "kept@ppu.edu"]).exit_code == 0
    assert runner.invoke(app, ["backup", "backup.db"]).exit_code == 0
    damage_table(workdir / "backup.db", "subscribers")
    line = _one_error_line(runner.invoke(app, ["restore", "backup.db", "--yes"]))
    assert "the backup backup.db is damaged" in line and "nothing was restored" in line
    assert "kept@ppu.edu" in runner.invoke(app, ["subscribers", "list"]).stdout


def test_serve_starts_on_a_damaged_database_and_healthz_says_down(damaged):
    port = free_port()
    env = {**os.environ, "FURSA_SECRET_KEY": "a test secret key, not for production"}
    server = subprocess.Popen([sys.executable, "-m", "fursa.cli", "serve", "--port", str(port)], cwd=damaged, env=env,
                              stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        said = []
        for line in server.stderr:   # uvicorn says when it listens; no polling, no sleep
            said.append(line)
            if "Uvicorn running on" in line:
                break
        assert any(line.startswith("warning: the database at sqlite:///fursa.db failed") for line in said), said
        health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
        assert health.status_code == 503 and health.json()["status"] == "down"
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert page.status_code == 503 and "Temporarily unavailable" in page.text
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_config_option_chooses_the_settings_file(workdir):
    (workdir / "other.toml").write_text(f'database_url = "sqlite:///{workdir / "other.db"}"\n', encoding="utf-8")
    result = runner.invoke(app, ["--config", "other.toml", "init"])
    assert result.exit_code == 0, result.output
    assert (workdir / "other.db").exists() and not (workdir / "fursa.db").exists()


def test_a_lost_second_factor_is_reset_from_the_command_line(workdir):
    from fursa.settings import load_settings
    from fursa import pipeline, storage
    runner = CliRunner()
    assert runner.invoke(app, ["users", "add", "boss@ppu.edu", "--role", "admin", "--password", "correct horse battery"]).exit_code == 0
    ctx = pipeline.make_context(load_settings(None))
    with ctx.sessions.begin() as session:
        user = storage.find_user(session, "boss@ppu.edu")
        user.totp_secret = "JBSWY3DPEHPK3PXP"
    result = runner.invoke(app, ["users", "reset-two-factor", "boss@ppu.edu"])
    assert result.exit_code == 0, result.output
    assert "reset" in result.output
    with ctx.sessions.begin() as session:
        assert storage.find_user(session, "boss@ppu.edu").totp_secret is None
        assert any(e.action == "user.reset_two_factor" for e in storage.recent_audit(session))
    missing = runner.invoke(app, ["users", "reset-two-factor", "nobody@ppu.edu"])
    assert missing.exit_code == 1 and "no staff account" in missing.output


# Configuration mistakes (issue 14, item 11): one line naming the setting, or the file and line, and
# what is expected; exit status 2; never a traceback. Run as a person runs them: a real process.

def _fursa(folder, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("FURSA_")}
    return subprocess.run([sys.executable, "-m", "fursa.cli", *args], cwd=folder, env={**clean, **(env or {})},
                          capture_output=True, text=True, timeout=120)


def _one_settings_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return lines[0]


def test_a_postgres_url_is_answered_with_the_scheme_to_write(workdir):
    line = _one_settings_line(_fursa(workdir, "status", env={
        "FURSA_DATABASE_URL": "postgres://fursa:hunter22@db.ppu.example/fursa"}))
    assert "FURSA_DATABASE_URL" in line and "write postgresql://" in line
    assert "hunter22" not in line   # the password stays out of logs and terminals


def test_a_list_setting_in_the_wrong_format_says_the_format(workdir):
    line = _one_settings_line(_fursa(workdir, "status", env={"FURSA_WEEKEND_DAYS": "4,5"}))
    assert "FURSA_WEEKEND_DAYS='4,5' is not a list" in line and "FURSA_WEEKEND_DAYS='[4, 5]'" in line


def test_a_broken_settings_file_is_named_with_its_line(workdir):
    (workdir / "fursa.toml").write_text('outbox_dir = "mail"\nsmtp_url = smtp://mail.ppu.edu\n', encoding="utf-8")
    line = _one_settings_line(_fursa(workdir, "status"))
    assert "fursa.toml is not valid TOML" in line and "line 2" in line


def test_a_misspelled_variable_is_warned_about_with_the_closest_name(workdir):
    done = _fursa(workdir, "status", "--format", "json", env={"FURSA_DATBASE_URL": "sqlite:///elsewhere.db"})
    assert done.returncode == 0 and json.loads(done.stdout)["status"] == "ok"
    assert done.stderr.strip() == ("warning: FURSA_DATBASE_URL is not a Fursa setting and is ignored; "
                                   "did you mean FURSA_DATABASE_URL?")


# Terminal output (issue 14, item 10): an error is never cut to the screen's width, a shortened list
# says how many it left out. Each command runs as a real process, piped (plain lines) and as a
# terminal would see it (TTY_COMPATIBLE=1 makes rich draw its tables), at 60 and 160 columns.

LONG_ERROR = ("cannot resolve host www.afterschoolafrica-scholarships-and-fellowships.example.org ([Errno -2] Name or "
              "service not known); check the address for typos, or the network")
CATALOGUE = "".join(f'[[source]]\nname = "Source number {i} with a rather long descriptive name"\ntype = "feed"\n'
                    f'url = "https://feed{i}.fursa-test.invalid/rss"\n\n' for i in range(25))


@pytest.fixture
def failing_sources(workdir):
    """25 sources whose last crawl failed with a long error, as a crawl without a network leaves them."""
    from fursa import pipeline, storage
    from fursa.settings import load_settings
    (workdir / "catalogue.toml").write_text(CATALOGUE, encoding="utf-8")
    (workdir / "fursa.toml").write_text('catalogue = "catalogue.toml"\n', encoding="utf-8")
    assert runner.invoke(app, ["init"]).exit_code == 0
    ctx = pipeline.make_context(load_settings())
    with ctx.sessions.begin() as session:
        for number, source in enumerate(storage.list_sources(session)):
            source.last_status, source.last_error = "error", f"{LONG_ERROR} (source {number})"
    return workdir


def _squeezed(text: str) -> str:
    return "".join(ch for ch in _plain(text) if not ch.isspace() and ch not in "│┃║|")


def _plain(text: str) -> str:
    """What the screen shows: without the colour codes a terminal does not print."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _widest(text: str) -> int:
    return max(len(line) for line in _plain(text).splitlines())


@pytest.mark.parametrize("terminal", ["0", "1"], ids=["piped", "terminal"])
@pytest.mark.parametrize("columns", [60, 160])
def test_sources_list_and_status_show_every_error_whole_at_any_width(failing_sources, columns, terminal):
    env = {"COLUMNS": str(columns), "TTY_COMPATIBLE": terminal}
    listed = _fursa(failing_sources, "sources", "list", env=env)
    status = _fursa(failing_sources, "status", env=env)

    assert listed.returncode == 0 and status.returncode == 0, listed.stderr + status.stderr
    for number in range(25):
        assert _squeezed(f"{LONG_ERROR} (source {number})") in _squeezed(listed.stdout), (number, listed.stdout)
    shown = [n for n in range(25) if _squeezed(f"{LONG_ERROR} (source {n})") in _squeezed(status.stdout)]
    assert len(shown) == 20 and "… and 5 more: `fursa sources list` shows every source" in status.stdout
    assert "25 of 25 enabled sources failed their last crawl" in status.stdout
    if terminal == "1":
        assert _widest(listed.stdout + status.stdout) <= columns


def test_a_crawl_error_is_shown_whole_on_a_narrow_terminal(workdir):
    (workdir / "catalogue.toml").write_text(
        '[[source]]\nname = "Scholarships for Africa and the Middle East"\ntype = "feed"\n'
        'url = "https://www.afterschoolafrica-scholarships-and-fellowships.fursa-test.invalid/feed/"\n',
        encoding="utf-8")
    (workdir / "fursa.toml").write_text('catalogue = "catalogue.toml"\n', encoding="utf-8")
    done = _fursa(workdir, "crawl", env={"COLUMNS": "60", "TTY_COMPATIBLE": "1"})
    assert done.returncode == 3, done.stdout + done.stderr   # its only source failed: degraded
    assert _squeezed("cannot resolve host www.afterschoolafrica-scholarships-and-fellowships.fursa-test.invalid") \
        in _squeezed(done.stdout)
    assert _squeezed("check the address for typos, or the network") in _squeezed(done.stdout), done.stdout
    assert _widest(done.stdout) <= 60


def test_the_scheduler_says_on_start_when_each_job_runs_next(workdir):
    import signal
    from tests.test_demo_serve import read_until
    (workdir / "catalogue.toml").write_text("# none\n", encoding="utf-8")
    (workdir / "fursa.toml").write_text('catalogue = "catalogue.toml"\n', encoding="utf-8")
    clean = {key: value for key, value in os.environ.items() if not key.startswith("FURSA_")}
    process = subprocess.Popen([sys.executable, "-m", "fursa.cli", "scheduler"], cwd=workdir, env=clean,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [line.rstrip("\n") for line in read_until(process, "every run is recorded")]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    assert lines[0].startswith("scheduler started") and "Asia/Hebron and UTC" in lines[0]
    jobs = {line.split(":")[0].strip(): line for line in lines[1:-1]}
    from fursa import scheduler
    from fursa.settings import load_settings
    assert set(jobs) == {plan.job for plan in scheduler.plans(load_settings())}   # every planned job, once
    assert {"crawl", "weekly_digest", "expire", "retrain"} <= set(jobs)
    assert "Sundays 08:00 Asia/Hebron" in jobs["weekly_digest"] and " UTC)" in jobs["weekly_digest"]
    assert all(("EET" in line or "EEST" in line) for line in jobs.values()), jobs
