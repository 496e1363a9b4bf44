"""The partner register at the desk: add and edit through the form as rendered, the refusals (a
duplicate name, an end before the start, an unknown agreement type) with nothing lost, calls seen
before a partner was added linked when it is, agreements about to expire, the partner's page, the
CSV import and the CSV and Excel exports."""
from __future__ import annotations

import csv
import io
from datetime import timedelta
from urllib.parse import urlencode

from openpyxl import load_workbook
from sqlalchemy import select

from fursa import storage
from tests.web.conftest import csrf_of
from tests.web.rendered_form import rendered_form, with_values

def _post(client, path, pairs, **kwargs):
    """Post (name, value) pairs as a browser encodes a form."""
    return client.post(path, content=urlencode(pairs), headers={"content-type": "application/x-www-form-urlencoded"},
                       **kwargs)


PPU_PARTNER = {"name_en": "University of Granada", "name_ar": "جامعة غرناطة", "aliases": "UGR",
               "country": "ES", "agreement": "erasmus_iia", "starts_on": "2025-09-01", "ends_on": "2027-08-31",
               "areas": "Engineering\nStudent mobility", "contact_name": "Ana Ruiz",
               "contact_email": "ana@ugr.es"}


def _add(client, **changes):
    page = client.get("/desk/partners/new").text
    pairs = with_values(rendered_form(page, "/desk/partners/new"), **{**PPU_PARTNER, **changes})
    return _post(client, "/desk/partners/new", pairs, follow_redirects=False)


def _partners(ctx):
    with ctx.sessions() as session:
        return [(p.name_en, p.name_ar, tuple(a.name for a in p.aliases), p.agreement, p.ends_on)
                for p in storage.list_partners(session)]


def test_a_partner_added_links_the_calls_seen_before_and_ranks_them_first(admin_client, client, ctx, make_call):
    plain = make_call("Summer school in Lisbon", status="approved", deadline_days=3, text="Open to all.")
    named = make_call("Exchange semester at the University of Granada", status="approved", deadline_days=40,
                      kind="exchange")
    arabic = make_call("منحة تبادل طلابي", status="approved", deadline_days=50,
                       text="يعلن مكتب العلاقات الدولية عن منح للدراسة بجامعة غرناطة في إسبانيا.")
    inside = make_call("Grant about UGRowth models", status="approved", deadline_days=20, text="Nothing else.")
    response = _add(admin_client)
    assert response.status_code == 303, response.text
    partner_page = admin_client.get(response.headers["location"]).text
    assert "Exchange semester at the University of Granada" in partner_page
    assert "منحة تبادل طلابي" in partner_page and "«بجامعة غرناطة»" in partner_page
    assert "Grant about UGRowth models" not in partner_page and "Summer school in Lisbon" not in partner_page
    with ctx.sessions() as session:
        flags = {row.id: row.partnered for row in session.scalars(select(storage.Opportunity))}
    assert flags == {plain: False, named: True, arabic: True, inside: False}
    listing = admin_client.get("/").text
    order = [listing.index(f'href="/calls/{call_id}"') for call_id in (named, arabic, plain, inside)]
    assert order == sorted(order), "partner calls first (each by its deadline), then the others"
    assert listing.count('class="badge partner"') == 2
    detail = admin_client.get(f"/calls/{arabic}").text
    assert 'class="badge partner"' in detail and "University of Granada" in detail
    assert 'class="badge partner"' not in admin_client.get(f"/calls/{plain}").text


def test_refusals_say_what_is_wrong_and_keep_what_was_typed(admin_client, ctx):
    assert _add(admin_client).status_code == 303
    duplicate = _add(admin_client, name_en="Universidad de Granada", name_ar="", aliases="ugr ", notes="keep me")
    assert duplicate.status_code == 400
    assert "is already a name of the partner University of Granada" in duplicate.text
    assert "keep me" in duplicate.text and 'value="Universidad de Granada"' in duplicate.text
    reversed_ = _add(admin_client, name_en="Sapienza", name_ar="", aliases="", starts_on="2027-01-01",
                     ends_on="2026-01-01")
    assert reversed_.status_code == 400
    assert "cannot end (2026-01-01) before it starts (2027-01-01)" in reversed_.text
    assert 'value="Sapienza"' in reversed_.text
    unknown = _add(admin_client, name_en="Sapienza", name_ar="", aliases="", agreement="treaty")
    assert unknown.status_code == 400 and "Choose the agreement type from the list." in unknown.text
    bad_day = _add(admin_client, name_en="Sapienza", name_ar="", aliases="", ends_on="31/12/2027")
    assert bad_day.status_code == 400 and "is not a date" in bad_day.text
    assert [row[0] for row in _partners(ctx)] == ["University of Granada"]


def test_editing_as_rendered_changes_nothing_and_an_alias_links_more_calls(admin_client, ctx, make_call):
    location = _add(admin_client).headers["location"]
    later = make_call("Mobility grants with Universidad de Granada", status="approved")
    with ctx.sessions() as session:
        audits = len(storage.recent_audit(session, 1000))
    form = admin_client.get(f"{location}/edit").text
    unchanged = _post(admin_client, f"{location}/edit", rendered_form(form, f"{location}/edit"))
    assert unchanged.status_code == 200 and "Nothing changed." in unchanged.text
    with ctx.sessions() as session:
        assert len(storage.recent_audit(session, 1000)) == audits
        assert session.get(storage.Opportunity, later).partnered is False
    pairs = with_values(rendered_form(form, f"{location}/edit"), aliases="UGR\nUniversidad de Granada")
    assert _post(admin_client, f"{location}/edit", pairs).status_code == 200
    with ctx.sessions() as session:
        assert session.get(storage.Opportunity, later).partnered is True
    assert _partners(ctx)[0][2] == ("UGR", "Universidad de Granada")


def test_agreements_about_to_expire_are_listed_first(admin_client, now):
    soon = (now + timedelta(days=20)).date().isoformat()
    _add(admin_client, ends_on=soon)
    _add(admin_client, name_en="Sapienza University of Rome", name_ar="", aliases="", ends_on="2030-01-01")
    page = admin_client.get("/desk/partners").text
    expiring = page[page.index('id="expiring-title"'):page.index("<h2>Register</h2>")]
    assert "University of Granada" in expiring and "Sapienza" not in expiring
    assert "in 20 days" in expiring
    assert "Ending soon" in page and "In force" in page


def test_exports_and_import_round_trip(admin_client, ctx, make_call):
    _add(admin_client)
    make_call("Exchange semester at the University of Granada", status="approved", kind="exchange")
    _post(admin_client, "/desk/partners/1/edit", with_values(
        rendered_form(admin_client.get("/desk/partners/1/edit").text, "/desk/partners/1/edit"), notes="x"))
    exported = admin_client.get("/desk/partners/export.csv")
    assert exported.status_code == 200 and exported.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [(r["name_en"], r["name_ar"], r["aliases"], r["calls"], r["exchanges"]) for r in rows] == [
        ("University of Granada", "جامعة غرناطة", "UGR", "1", "1")]
    book = load_workbook(io.BytesIO(admin_client.get("/desk/partners/export.xlsx").content))
    assert book.sheetnames == ["Partners", "Calls"]
    assert book["Partners"]["B2"].value == "جامعة غرناطة"
    assert book["Calls"]["B2"].value == "Exchange semester at the University of Granada"
    upload = (exported.content.decode("utf-8-sig").replace("University of Granada", "University of Granada")
              + "Sapienza,سابienza,,IT,mou,2027-01-01,2026-01-01,,,,,,\n"
              + "Uni Wien,,,AT,treaty,,,,,,,,\n"
              + "University of Vienna,جامعة فيينا,Uni Wien,AT,mou,2024-01-01,2028-12-31,,,,,,\n"
              + "جامعة فيينا,,,,,,,,,,,,\n").encode("utf-8-sig")
    token = csrf_of(admin_client.get("/desk/partners/import").text)
    result = admin_client.post("/desk/partners/import", data={"csrf_token": token},
                               files={"file": ("partners.csv", upload, "text/csv")}).text
    assert "Partners added: 1, updated: 0." in result
    assert "line 3:" in result and "before it starts" in result
    assert "line 4:" in result and "Choose the agreement type from the list." in result
    assert "line 6:" in result
    assert [row[0] for row in _partners(ctx)] == ["University of Granada", "University of Vienna"]


def test_calls_are_matched_when_they_are_tagged(ctx, make_call, now):
    """The pipeline's tagging links a newly crawled call to the partners it names (the register is read
    once per run); a call naming none is left alone."""
    from fursa import pipeline
    with ctx.sessions.begin() as session:
        storage.add_partner(session, storage.PartnerInput(name_en="University of Granada", name_ar="جامعة غرناطة"),
                            actor="t", now=now)
    named = make_call("منح تبادل", text="منح للدراسة في الجامعة؛ وللطلبة بجامعة غرناطة فرص أخرى.")
    other = make_call("Scholarships in Granada city", text="Not the university.")
    pipeline.tag_new(ctx, now)
    with ctx.sessions() as session:
        assert session.get(storage.Opportunity, named).partnered is True
        assert session.get(storage.Opportunity, other).partnered is False


def test_the_command_line_refuses_and_adds_as_the_desk_does(command_line, ctx, make_call, tmp_path):
    call = make_call("Scholarships with UGR", status="approved")
    added = command_line("partners", "add", "University of Granada", "--ar", "جامعة غرناطة", "--alias", "UGR",
                         "--agreement", "erasmus_iia", "--start", "2025-09-01", "--end", "2027-08-31")
    assert added.exit_code == 0, added.output
    assert "calls whose partners changed: 1" in added.output
    refused = command_line("partners", "add", "ugr", "--agreement", "treaty", "--start", "2027-01-01",
                           "--end", "2026-01-01")
    assert refused.exit_code == 2
    for words in ("already a name of the partner", "not an agreement type", "before it starts"):
        assert words in " ".join(refused.output.split()), refused.output
    assert [row[0] for row in _partners(ctx)] == ["University of Granada"]
    listed = command_line("partners", "list", "--format", "json")
    assert '"calls": 1' in listed.output and "جامعة غرناطة" in listed.output
    target = tmp_path / "partners.xlsx"
    assert command_line("partners", "export", str(target)).exit_code == 0
    assert load_workbook(target)["Calls"]["B2"].value == "Scholarships with UGR"
    with ctx.sessions() as session:
        assert session.get(storage.Opportunity, call).partnered is True
