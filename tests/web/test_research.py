"""A faculty member's research profile on the preferences page (the signed link) and at the desk:
saved with keywords, a paste and an ORCID iD (read from a loopback server in the documented shape),
and refused with a message beside its field, nothing saved and nothing lost, for a wrong check digit,
an ORCID answer in another shape and a pasted megabyte."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from fursa import digests, storage, web
from fursa.demo.loopback import LocalServer, Reply
from tests.web.conftest import TestClient, csrf_of, log_in, make_context, make_settings

WORKS = Path(__file__).parents[1] / "crawlers" / "data" / "orcid_works.json"
GOOD_ID = "0000-0002-1825-0097"


@pytest.fixture
def orcid():
    with LocalServer() as server:
        server.add(f"/v3.0/{GOOD_ID}/works", Reply(200, WORKS.read_bytes(), {"Content-Type": "application/json"}))
        yield server


@pytest.fixture
def research_client(tmp_path, now, orcid):
    settings = make_settings(tmp_path).model_copy(update={"orcid_api_base": orcid.url("/v3.0")})
    ctx = make_context(settings)
    with ctx.sessions.begin() as session:
        storage.add_user(session, "admin@ppu.edu", "correct horse battery", "admin", now)
        for email, role, lang in (("huda@ppu.edu", "faculty", "en"), ("samir@ppu.edu", "faculty", "ar"),
                                  ("lina@ppu.edu", "student", "en")):
            storage.add_subscriber(session, storage.SubscriberInput(email=email, role=role, language=lang,
                                                                    confirmed=True), now)
    with TestClient(web.create_app(ctx, clock=lambda: now), base_url="http://testserver") as client:
        client.fursa_ctx = ctx
        yield client


def _link(client, email: str) -> str:
    ctx = client.fursa_ctx
    with ctx.sessions() as session:
        row = storage.get_subscriber(session, email)
        return f"/preferences/{digests.make_subscriber_token(row, 'preferences', ctx.settings.secret_key)}"


def _stored(client, email: str):
    with client.fursa_ctx.sessions() as session:
        row = storage.research_profile_of(session, storage.get_subscriber(session, email).id)
        return None if row is None else dataclasses.replace(storage.ResearchEntry(), keywords=row.keywords,
                                                            publications=row.publications, orcid=row.orcid,
                                                            orcid_works=tuple(row.orcid_works), fields=tuple(row.fields),
                                                            ford=tuple(row.ford),
                                                            terms=tuple(tuple(t) for t in row.terms))


def _post(client, link: str, **fields):
    page = client.get(link)
    return client.post(f"{link}/research", data={"csrf_token": csrf_of(page.text), "keywords": "", "orcid": "",
                                                 "publications": "", **fields})


def test_faculty_save_keywords_and_an_orcid_id_and_see_what_fursa_understood(research_client, orcid):
    link = _link(research_client, "huda@ppu.edu")
    page = research_client.get(link)
    assert 'id="research"' in page.text and "Your research" in page.text
    saved = _post(research_client, link, keywords="water desalination, membranes", orcid=f"https://orcid.org/{GOOD_ID}")
    assert saved.status_code == 200 and "Your research is saved" in saved.text
    assert len(orcid.seen(f"/v3.0/{GOOD_ID}/works")) == 1
    stored = _stored(research_client, "huda@ppu.edu")
    assert stored.orcid == GOOD_ID and len(stored.orcid_works) == 3 and stored.fields
    assert "water desalination" in [label for _, _, label in stored.terms]
    assert "What Fursa understood" in saved.text and "3 works read from ORCID" in saved.text
    # saving again with the same iD keeps the works read and does not fetch again
    _post(research_client, link, keywords="water desalination, membranes, solar energy", orcid=GOOD_ID)
    assert len(orcid.seen(f"/v3.0/{GOOD_ID}/works")) == 1
    assert len(_stored(research_client, "huda@ppu.edu").orcid_works) == 3


def test_a_wrong_check_digit_is_refused_before_any_fetch_and_the_form_keeps_what_was_typed(research_client, orcid):
    link = _link(research_client, "huda@ppu.edu")
    refused = _post(research_client, link, keywords="membrane distillation", orcid="0000-0002-1825-0098")
    assert refused.status_code == 400
    assert "This is not a valid ORCID iD" in refused.text
    assert 'value="membrane distillation"' in refused.text and 'value="0000-0002-1825-0098"' in refused.text
    assert orcid.requests == [] and _stored(research_client, "huda@ppu.edu") is None


def test_an_orcid_answer_in_another_shape_is_refused_and_nothing_saved(research_client, orcid):
    orcid.add(f"/v3.0/{GOOD_ID}/works", Reply(200, b'{"group": [{"work-summary": "not a list"}]}'))
    refused = _post(research_client, _link(research_client, "huda@ppu.edu"), keywords="membranes", orcid=GOOD_ID)
    assert refused.status_code == 400 and "ORCID answered in a form Fursa cannot read" in refused.text
    assert _stored(research_client, "huda@ppu.edu") is None


def test_a_pasted_megabyte_is_refused_with_a_message_in_arabic(research_client):
    pasted = "تحلية المياه المالحة بالأغشية. " * 18_000
    assert 1_000_000 < len(pasted.encode()) < 1_100_000    # a megabyte as the browser sends it
    refused = _post(research_client, _link(research_client, "samir@ppu.edu"), keywords="تحلية المياه",
                    publications=pasted)
    assert refused.status_code == 400
    assert "الحد الأقصى" in refused.text and "60,000" in refused.text
    assert 'value="تحلية المياه"' in refused.text         # the keywords are kept to correct the paste
    assert _stored(research_client, "samir@ppu.edu") is None


def test_a_student_sees_no_research_section_and_cannot_save_one(research_client):
    link = _link(research_client, "lina@ppu.edu")
    assert 'id="research"' not in research_client.get(link).text
    refused = _post(research_client, link, keywords="robotics")
    assert refused.status_code == 400 and _stored(research_client, "lina@ppu.edu") is None


def test_a_tampered_link_saves_nothing(research_client):
    link = _link(research_client, "huda@ppu.edu")
    page = research_client.get(link)
    response = research_client.post(link[:-3] + "xyz/research", data={"csrf_token": csrf_of(page.text),
                                                                      "keywords": "membranes"})
    assert response.status_code == 400 and _stored(research_client, "huda@ppu.edu") is None


def test_staff_describe_a_faculty_members_research_at_the_desk(research_client):
    log_in(research_client, ("admin@ppu.edu", "correct horse battery"))
    with research_client.fursa_ctx.sessions() as session:
        huda = storage.get_subscriber(session, "huda@ppu.edu").id
    page = research_client.get(f"/desk/subscribers/{huda}")
    assert f'action="/desk/subscribers/{huda}/research"' in page.text
    saved = research_client.post(f"/desk/subscribers/{huda}/research", data={
        "csrf_token": csrf_of(page.text), "keywords": "smart grid, photovoltaic", "orcid": "", "publications": ""})
    assert saved.status_code == 200 and "Research profile saved" in saved.text
    assert _stored(research_client, "huda@ppu.edu").keywords == "smart grid, photovoltaic"
    with research_client.fursa_ctx.sessions() as session:
        actions = [(e.actor, e.action) for e in storage.recent_audit(session)]
    assert ("admin@ppu.edu", "research_profile:save") in actions
