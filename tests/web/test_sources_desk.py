"""Sources at the desk: health in words, add by URL (SSRF guard, autodiscovery, preview), edit, pause, run now."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select
from typer.testing import CliRunner

from fursa import storage
from fursa.cli import app as cli_app
from tests.web.conftest import NOW, csrf_of
from tests.web.live import static_site
from tests.web.rendered_form import rendered_form, with_values
from tests.web.test_desk_round_trip import post_pairs

FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>PPU partner calls</title><link>http://example.org/</link>
<description>Calls</description>
<item><title>Marie Curie postdoctoral fellowship in chemistry</title><link>http://example.org/calls/msca</link>
<description>Postdoctoral fellowship for researchers in chemistry. Deadline: 15 January 2027.</description></item>
<item><title>DAAD master scholarship for engineering students</title><link>http://example.org/calls/daad</link>
<description>Master scholarships in mechanical engineering for Palestinian students.</description></item>
</channel></rss>"""
HOME = b"""<!doctype html><html><head><title>Partner</title>
<link rel="alternate" type="application/rss+xml" title="Calls" href="/feed.xml"></head><body>Hello</body></html>"""
TWO_FEEDS = b"""<!doctype html><html><head>
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
<link rel="alternate" type="application/atom+xml" href="/other.xml"></head><body></body></html>"""
NO_FEED = b"<!doctype html><html><head><title>Nothing</title></head><body>No feed here</body></html>"


@pytest.fixture
def site():
    pages = {"/": ("text/html", HOME), "/feed.xml": ("application/rss+xml", FEED), "/two": ("text/html", TWO_FEEDS),
             "/other.xml": ("application/rss+xml", FEED), "/none": ("text/html", NO_FEED)}
    with static_site(pages) as base:
        yield base


def _form(client, **fields):
    token = csrf_of(client.get("/desk/sources/new").text)
    return client.post("/desk/sources/new", data={"kind": "scholarship", "language": "en", "every_hours": "12",
                                                  **fields, "csrf_token": token})


def _sources(ctx) -> list[storage.Source]:
    with ctx.sessions() as session:
        return list(session.scalars(select(storage.Source).order_by(storage.Source.id)))


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/", "http://10.0.0.7/admin", "http://[::ffff:192.168.1.1]/",
    "http://0.0.0.0/", "file:///etc/passwd", "gopher://127.0.0.1/",
])
def test_private_and_local_addresses_are_refused_next_to_the_url_field(admin_client, ctx, url):
    response = _form(admin_client, url=url)
    assert response.status_code == 400 and 'id="url-error"' in response.text
    assert _sources(ctx) == []


def test_autodiscovery_finds_the_feed_and_the_preview_shows_what_a_crawl_yields(admin_client, ctx, site):
    response = _form(admin_client, url=f"{site}/", name="Partner university")
    assert response.status_code == 200
    assert "Marie Curie postdoctoral fellowship in chemistry" in response.text
    assert "It would collect 2 calls now" in response.text
    assert f"{site}/feed.xml" in response.text
    assert _sources(ctx) == []  # nothing is saved by a preview


def test_saving_the_previewed_source_stores_the_feed_and_audits(admin_client, ctx, site):
    preview = _form(admin_client, url=f"{site}/", name="Partner university")
    response = admin_client.post("/desk/sources/save", data={
        "url": f"{site}/", "feed_url": f"{site}/feed.xml", "name": "Partner university", "kind": "scholarship",
        "language": "en", "every_hours": "12", "csrf_token": csrf_of(preview.text)}, follow_redirects=False)
    assert response.status_code == 303
    [source] = _sources(ctx)
    assert (source.name, source.url, source.type, source.origin, source.every_hours) == (
        "Partner university", f"{site}/feed.xml", "feed", "desk", 12.0)
    with ctx.sessions() as session:
        assert [e.action for e in session.scalars(select(storage.AuditEntry))] == ["source:add"]


def test_a_page_with_several_feeds_asks_which(admin_client, site):
    response = _form(admin_client, url=f"{site}/two")
    assert "several feeds" in response.text
    assert f'value="{site}/feed.xml"' in response.text and f'value="{site}/other.xml"' in response.text
    chosen = _form(admin_client, url=f"{site}/two", feed_url=f"{site}/other.xml")
    assert "It would collect 2 calls now" in chosen.text


def test_a_page_without_a_feed_says_what_to_do(admin_client):
    with static_site({"/none": ("text/html", NO_FEED)}) as bare:
        response = _form(admin_client, url=f"{bare}/none")
    assert response.status_code == 400 and "No RSS or Atom feed was found" in response.text


def test_field_errors_on_the_source_form(admin_client, ctx, site):
    with ctx.sessions.begin() as session:
        session.add(storage.source_from_spec(storage.SourceSpec(name="Taken", type="feed", url=f"{site}/feed.xml")))
    response = _form(admin_client, url="ppu.edu/feed", name="Taken", kind="party", every_hours="0")
    assert response.status_code == 400
    for field in ("url", "name", "kind", "every_hours"):
        assert f'id="{field}-error"' in response.text, field


@pytest.fixture
def source_id(ctx, site, now) -> int:
    with ctx.sessions.begin() as session:
        row = storage.source_from_spec(storage.SourceSpec(name="Partner feed", type="feed", url=f"{site}/feed.xml",
                                                          kind="scholarship"))
        row.last_status, row.last_error, row.consecutive_failures = "error", "the server answered 503", 3
        row.last_run_at = now - timedelta(hours=2)
        session.add(row)
        session.flush()
        return row.id


def test_the_list_shows_health_in_words(admin_client, source_id):
    page = admin_client.get("/desk/sources").text
    assert "Partner feed" in page and "Failing" in page and "the server answered 503" in page
    assert "failures in a row: 3" in page and "2 hours ago" in page


def test_pause_and_resume(admin_client, ctx, source_id):
    token = csrf_of(admin_client.get(f"/desk/sources/{source_id}").text)
    admin_client.post(f"/desk/sources/{source_id}/pause", data={"csrf_token": token})
    assert not _sources(ctx)[0].enabled
    with ctx.sessions() as session:
        assert storage.due_sources(session, NOW + timedelta(days=30)) == []
    admin_client.post(f"/desk/sources/{source_id}/resume", data={"csrf_token": token})
    source = _sources(ctx)[0]
    assert source.enabled and source.consecutive_failures == 0


def test_editing_a_source_checks_the_new_address(admin_client, ctx, source_id, site):
    page = admin_client.get(f"/desk/sources/{source_id}").text
    data = {"url": "http://10.1.2.3/feed", "kind": "exchange", "language": "ar", "every_hours": "6",
            "csrf_token": csrf_of(page)}
    refused = admin_client.post(f"/desk/sources/{source_id}", data=data)
    assert refused.status_code == 400 and 'id="url-error"' in refused.text
    admin_client.post(f"/desk/sources/{source_id}", data={**data, "url": f"{site}/other.xml"})
    source = _sources(ctx)[0]
    assert (source.url, source.kind, source.language, source.every_hours) == (f"{site}/other.xml", "exchange", "ar", 6.0)


def test_run_now_crawls_the_source_and_its_calls_reach_the_queue(admin_client, ctx, source_id):
    token = csrf_of(admin_client.get(f"/desk/sources/{source_id}").text)
    response = admin_client.post(f"/desk/sources/{source_id}/run", data={"csrf_token": token})
    assert "Crawled: 2 items read, 2 new." in response.text
    source = _sources(ctx)[0]
    assert source.last_status == "ok" and source.consecutive_failures == 0
    queue = admin_client.get("/desk/queue").text
    assert "Marie Curie postdoctoral fellowship in chemistry" in queue
    assert [(action, actor) for action, actor, _ in _source_audit(ctx)] == [("source:run", "admin@ppu.edu")]


def test_running_a_job_by_hand_is_audited_at_both_doors(admin_client, ctx, command_line):
    token = csrf_of(admin_client.get("/desk").text)
    admin_client.post("/desk/jobs/expire", data={"csrf_token": token})
    typed = command_line("job", "expire")
    assert typed.exit_code == 0 and "expire: ok" in typed.stdout
    with ctx.sessions() as session:
        entries = session.scalars(select(storage.AuditEntry).order_by(storage.AuditEntry.id)).all()
        runs = session.scalars(select(storage.JobRun)).all()
    assert [(e.action, e.actor.endswith("(command line)")) for e in entries] == [("job:expire", False),
                                                                                   ("job:expire", True)]
    assert [run.job for run in runs] == ["expire", "expire"]


def _source_audit(ctx, *actions: str) -> list[tuple[str, str, dict | None]]:
    """The sources' audit entries (only these actions, when named), oldest first."""
    with ctx.sessions() as session:
        entries = session.scalars(select(storage.AuditEntry).where(storage.AuditEntry.target_type == "source")
                                  .order_by(storage.AuditEntry.id))
        return [(e.action, "shell" if e.actor.endswith("(command line)") else e.actor, e.details) for e in entries
                if not actions or e.action in actions]


def test_pause_and_resume_are_one_change_through_both_doors(admin_client, ctx, source_id, command_line):
    token = csrf_of(admin_client.get(f"/desk/sources/{source_id}").text)
    paused = command_line("sources", "pause", "Partner feed")
    assert paused.exit_code == 0 and "paused" in paused.stdout
    assert not _sources(ctx)[0].enabled
    admin_client.post(f"/desk/sources/{source_id}/resume", data={"csrf_token": token})
    assert _sources(ctx)[0].enabled and _sources(ctx)[0].consecutive_failures == 0
    admin_client.post(f"/desk/sources/{source_id}/pause", data={"csrf_token": token})
    with ctx.sessions() as session:
        assert storage.due_sources(session, NOW + timedelta(days=30)) == []
    assert "was paused already" in command_line("sources", "pause", "Partner feed").stdout
    resumed = command_line("sources", "resume", "Partner feed")
    assert resumed.exit_code == 0 and _sources(ctx)[0].enabled
    assert [(action, actor) for action, actor, _ in _source_audit(ctx)] == [
        ("source:pause", "shell"), ("source:resume", "admin@ppu.edu"), ("source:pause", "admin@ppu.edu"),
        ("source:resume", "shell")]
    unknown = command_line("sources", "pause", "No such source")
    assert unknown.exit_code == 1 and "known sources: Partner feed" in unknown.output


def test_an_edit_is_one_change_through_both_doors(admin_client, ctx, site, command_line, now):
    with ctx.sessions.begin() as session:
        for name in ("Desk door", "Shell door"):
            session.add(storage.source_from_spec(storage.SourceSpec(name=name, type="feed", url=f"{site}/feed.xml",
                                                                    kind="scholarship")))
    desk_id, _shell_id = [s.id for s in _sources(ctx)]
    page = admin_client.get(f"/desk/sources/{desk_id}").text
    admin_client.post(f"/desk/sources/{desk_id}", data={
        "url": f"{site}/other.xml", "kind": "exchange", "language": "ar", "every_hours": "6",
        "csrf_token": csrf_of(page)})
    typed = command_line("sources", "edit", "Shell door", "--url", f"{site}/other.xml", "--kind", "exchange",
                         "--language", "ar", "--every-hours", "6")
    assert typed.exit_code == 0 and "changed url, kind, language, every_hours" in typed.stdout
    desk, shell = _sources(ctx)
    fields = ("url", "kind", "language", "every_hours", "provider", "description", "enabled")
    assert [getattr(desk, f) for f in fields] == [getattr(shell, f) for f in fields]
    [(_, desk_actor, desk_details), (_, shell_actor, shell_details)] = _source_audit(ctx)
    assert (desk_actor, shell_actor) == ("admin@ppu.edu", "shell") and desk_details == shell_details
    # the same rules refuse the same values at both doors
    refused = command_line("sources", "edit", "Shell door", "--url", "http://10.1.2.3/feed")
    assert refused.exit_code == 1 and "public web addresses" in refused.output
    bad_hours = command_line("sources", "edit", "Shell door", "--every-hours", "0")
    assert bad_hours.exit_code == 1 and "between 1 and 720" in bad_hours.output
    response = admin_client.post(f"/desk/sources/{desk_id}", data={
        "url": f"{site}/other.xml", "kind": "exchange", "language": "ar", "every_hours": "0",
        "csrf_token": csrf_of(page)})
    assert response.status_code == 400 and 'id="every_hours-error"' in response.text
    assert len(_source_audit(ctx)) == 2


# --- Desk edits to catalogue sources are overrides kept on top of the catalogue (issue 14, item 3) ---

CATALOGUE = """
[[source]]
name = "DAAD scholarships"
type = "feed"
url = "{url}"
kind = "scholarship"
language = "{language}"
every_hours = 24
provider = "DAAD"
description = "German scholarships"
"""


def _init(ctx, tmp_path, url: str, language: str = "en"):
    """`fursa init` as typed at a shell, with a catalogue file of one source."""
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(CATALOGUE.format(url=url, language=language), encoding="utf-8")
    settings = ctx.settings
    env = {"FURSA_DATABASE_URL": settings.database_url, "FURSA_OUTBOX_DIR": str(settings.outbox_dir),
           "FURSA_SECRET_KEY": settings.secret_key, "FURSA_CATALOGUE": str(catalogue), "FURSA_SMTP_URL": None}
    result = CliRunner().invoke(cli_app, ["init"], env=env)
    assert result.exit_code == 0, result.output
    return result


def _row_of(ctx, name: str = "DAAD scholarships") -> dict:
    with ctx.sessions() as session:
        row = storage.get_source(session, name)
        return {column.key: getattr(row, column.key) for column in inspect(storage.Source).column_attrs}


def test_a_desk_edit_to_a_catalogue_source_survives_fursa_init_and_can_be_reverted(
        admin_client, ctx, site, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _init(ctx, tmp_path, f"{site}/feed.xml")
    source_id = _row_of(ctx)["id"]
    path = f"/desk/sources/{source_id}"
    page = admin_client.get(path).text
    assert "What you change here is kept when the catalogue is loaded again" in page
    post_pairs(admin_client, path, with_values(rendered_form(page, path), url=f"{site}/other.xml", every_hours="6"))
    saved = _row_of(ctx)
    assert (saved["url"], saved["every_hours"]) == (f"{site}/other.xml", 6.0)

    result = _init(ctx, tmp_path, f"{site}/feed-2027.xml", language="ar")   # the file moved on, too
    after = _row_of(ctx)
    assert (after["url"], after["every_hours"], after["language"]) == (f"{site}/other.xml", 6.0, "ar")
    assert after["overrides"] == {"url": f"{site}/feed-2027.xml", "every_hours": 24.0}
    assert "desk changes kept on 1" in result.output

    page = admin_client.get(path).text
    assert page.count("Changed here. The catalogue file says:") == 2 and f"{site}/feed-2027.xml" in page
    token = csrf_of(page)
    admin_client.post(f"{path}/revert", data={"field": "url", "csrf_token": token})
    reverted = _row_of(ctx)
    assert (reverted["url"], reverted["every_hours"], reverted["overrides"]) == (
        f"{site}/feed-2027.xml", 6.0, {"every_hours": 24.0})
    admin_client.post(f"{path}/revert", data={"field": "", "csrf_token": token})
    assert (_row_of(ctx)["every_hours"], _row_of(ctx)["overrides"]) == (24.0, {})
    assert [a for a, _, _ in _source_audit(ctx, "source:edit", "source:revert")] == [
        "source:edit", "source:revert", "source:revert"]
    assert "Changed here" not in admin_client.get(path).text
    assert "changed here, kept over the catalogue" not in admin_client.get("/desk/sources").text


def test_the_source_list_marks_catalogue_sources_changed_at_the_desk(admin_client, ctx):
    with ctx.sessions.begin() as session:
        storage.sync_catalogue(session, [storage.SourceSpec(name="Kept", type="feed", url="https://a.example/feed"),
                                         storage.SourceSpec(name="Plain", type="feed", url="https://b.example/feed")])
        row = storage.get_source(session, "Kept")
        storage.edit_source(session, row, storage.SourceEdit(url="https://c.example/feed"), actor="amal", now=NOW)
    page = admin_client.get("/desk/sources").text
    rows = dict(re.findall(r'>(Kept|Plain)</a><br><span class="muted">([^<]*)</span>', page))
    assert "changed here, kept over the catalogue" in rows["Kept"]
    assert "changed here" not in rows["Plain"]


SOURCE_SHAPES = {
    "catalogue, a language the desk list lacks": dict(language="ru", origin="catalogue"),
    "schedule with many digits": dict(every_hours=1.2345678901234, origin="catalogue"),
    "notes over several lines": dict(description="Line one\nLine two\n\nLine four", provider=""),
    "added at the desk, Arabic": dict(language="ar", kind="fellowship", provider="جامعة بيرزيت", origin="desk"),
    "already overridden": dict(url="https://mirror.example/feed.xml", overrides={"url": "https://example.org/feed"}),
}


@pytest.mark.parametrize("shape", SOURCE_SHAPES, ids=str)
def test_the_source_form_saved_as_rendered_changes_nothing_and_one_change_changes_only_that(
        admin_client, ctx, shape):
    spec = storage.SourceSpec(name="Shaped source", type="feed", url="https://example.org/feed", kind="scholarship",
                              provider="Partner", description="Notes")
    with ctx.sessions.begin() as session:
        row = storage.source_from_spec(spec)
        for name, value in SOURCE_SHAPES[shape].items():
            setattr(row, name, value)
        session.add(row)
        session.flush()
        source_id = row.id
    path = f"/desk/sources/{source_id}"
    before = _row_of(ctx, "Shaped source")
    response = post_pairs(admin_client, path, rendered_form(admin_client.get(path).text, path))
    assert response.status_code == 303, response.text
    assert _row_of(ctx, "Shaped source") == before and _source_audit(ctx, "source:edit") == []
    assert "Nothing to change." in admin_client.get(path).text

    post_pairs(admin_client, path, with_values(rendered_form(admin_client.get(path).text, path), provider="Someone else"))
    after = _row_of(ctx, "Shaped source")
    assert {name for name in before if before[name] != after[name]} - {"overrides"} == {"provider"}
    assert after["provider"] == "Someone else"
    if before["origin"] == "catalogue":
        assert after["overrides"] == {**before["overrides"], "provider": before["provider"]}


@pytest.mark.parametrize("lang, names", [("en", ("English", "Arabic", "French", "Spanish", "Turkish")),
                                         ("ar", ("الإنجليزية", "العربية", "الفرنسية", "الإسبانية", "التركية"))])
def test_the_source_forms_name_languages_in_the_desks_language(admin_client, lang, names):
    admin_client.get(f"/language/{lang}?next=/desk")
    page = admin_client.get("/desk/sources/new").text
    options = re.findall(r'<option value="(\w+)"[^>]*>([^<]+)</option>', page.split('id="language"')[1].split("</select>")[0])
    assert [name for _, name in options][:2] == list(names[:2]) and set(names) <= {name for _, name in options}
    assert all(code != name for code, name in options)
