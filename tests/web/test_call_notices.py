"""What the matcher found that staff must see: no field, exclusions, closed to Palestinians and a
deadline without a year, each with its evidence, in English and Arabic; the edit form's exclusions;
the new kinds job and admission wherever kinds are listed."""
from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from fursa import storage
from tests.web.conftest import csrf_of

NO_FIELD = "No field found — tag it"
EXCEPT = "All fields except: <bdi>Health and welfare (09)</bdi>, <bdi>Services (10)</bdi>"
CLOSED = "Not open to Palestinians — because: <bdi class=\"quote\">«Applicants must hold Saudi nationality»</bdi>"
YEARLESS = "Deadline stated without a year: <bdi class=\"quote\">«Deadline: 15 March»</bdi>"


@pytest.fixture
def flagged_calls(make_call) -> dict[str, int]:
    return {
        "no_field": make_call("Call for applications", disciplines=[], flags=["no_field_found"]),
        "except": make_call("Scholarships in every field except medicine", disciplines=["any"],
                            excluded=["09", "10"]),
        "closed": make_call("Scholarships for Saudi students", disciplines=["any"], palestinian_eligible=False,
                            eligibility_evidence=["Applicants must hold Saudi nationality"]),
        "yearless": make_call("Engineering scholarship", disciplines=["07"], deadline_days=None,
                              deadline_text="Deadline: 15 March", flags=["deadline_year_unknown"]),
    }


def _row(ctx, call_id: int) -> storage.Opportunity:
    with ctx.sessions() as session:
        return session.get(storage.Opportunity, call_id)


def _corrections(ctx) -> list[str]:
    with ctx.sessions() as session:
        return [c.field for c in session.scalars(select(storage.TagCorrection))]


def test_the_queue_shows_each_finding_with_its_evidence(admin_client, flagged_calls):
    page = admin_client.get("/desk/queue").text
    for words in (NO_FIELD, EXCEPT, CLOSED, YEARLESS):
        assert words in page, words
    assert page.count(NO_FIELD) == 1, "only the call with no field says so"
    assert "no_field_found" not in page and "deadline_year_unknown" not in page, "codes are worded"


def test_each_call_page_shows_its_own_finding(admin_client, flagged_calls):
    expected = {"no_field": NO_FIELD, "except": EXCEPT, "closed": CLOSED, "yearless": YEARLESS}
    for name, call_id in flagged_calls.items():
        page = admin_client.get(f"/desk/calls/{call_id}").text
        assert expected[name] in page, name
        for other, words in expected.items():
            if other != name:
                assert words not in page, (name, other)


def test_the_findings_read_in_arabic(admin_client, flagged_calls):
    admin_client.get("/language/ar?next=/desk/queue")
    page = admin_client.get("/desk/queue").text
    assert 'dir="rtl"' in page
    assert "لم يُعثر على تخصص — صنّفها" in page
    assert "جميع التخصصات ما عدا: <bdi>الصحة والرفاه (09)</bdi>، <bdi>" in page
    assert "غير متاحة للفلسطينيين — والسبب: <bdi class=\"quote\">«Applicants must hold Saudi nationality»</bdi>" in page
    assert "الموعد النهائي مذكور دون سنة: <bdi class=\"quote\">«Deadline: 15 March»</bdi>" in page


def test_a_call_staff_have_since_tagged_no_longer_says_no_field(admin_client, make_call):
    call_id = make_call("Tagged by staff", disciplines=["0613"], flags=["no_field_found"])
    assert NO_FIELD not in admin_client.get(f"/desk/calls/{call_id}").text


def test_a_call_closed_to_palestinians_without_recorded_words_still_says_so(admin_client, make_call):
    call_id = make_call("Closed by staff", disciplines=["any"], palestinian_eligible=False)
    page = admin_client.get(f"/desk/calls/{call_id}").text
    assert "Not open to Palestinians</li>" in page and "because" not in page


def test_evidence_is_escaped(admin_client, make_call):
    call_id = make_call("Escaping", disciplines=["any"], palestinian_eligible=False,
                        eligibility_evidence=["<script>alert(1)</script>"])
    page = admin_client.get(f"/desk/calls/{call_id}").text
    assert "<script>alert(1)</script>" not in page and html.escape("<script>alert(1)</script>") in page


def _form(ctx, call_id: int, page: str, **changes) -> dict:
    row = _row(ctx, call_id)
    values = {"title": row.title, "kind": row.kind, "levels": list(row.levels), "disciplines": list(row.disciplines),
              "excluded": list(row.excluded), "regions": ", ".join(row.regions), "eligible": "none",
              "deadline_kind": "date", "deadline_date": "2026-12-30", "deadline_time": "11:00",
              "deadline_tz": "Asia/Hebron", "csrf_token": csrf_of(page)}
    values.update(changes)
    return values


def test_staff_set_and_clear_exclusions_and_each_change_is_a_correction(admin_client, ctx, make_call):
    call_id = make_call("Open call", disciplines=["any"])
    page = admin_client.get(f"/desk/calls/{call_id}").text
    assert 'name="excluded" value="09"' in page and "Health and welfare (09)" in page
    admin_client.post(f"/desk/calls/{call_id}", data=_form(ctx, call_id, page, excluded=["09", "10"]))
    row = _row(ctx, call_id)
    assert row.excluded == ["09", "10"] and row.tags_edited
    page = admin_client.get(f"/desk/calls/{call_id}").text
    assert 'name="excluded" value="09" checked' in page and EXCEPT in page

    admin_client.post(f"/desk/calls/{call_id}", data=_form(ctx, call_id, page, excluded=[]))
    assert _row(ctx, call_id).excluded == []
    assert _corrections(ctx) == ["excluded", "excluded"]


def test_saving_unchanged_keeps_every_code_and_records_nothing(admin_client, ctx, make_call):
    call_id = make_call("Detailed codes", disciplines=["0714", "061"], excluded=[],
                        levels=["master", "bachelor"], kind="admission")
    open_id = make_call("Odd exclusions", disciplines=["any"], excluded=["10", "091"])
    for number in (call_id, open_id):
        before = _row(ctx, number)
        page = admin_client.get(f"/desk/calls/{number}").text
        assert "Also kept (untick to remove):" in page
        form = {"title": before.title, "kind": before.kind, "regions": "", "eligible": "none",
                "deadline_kind": "date", "deadline_date": "2026-12-30", "deadline_time": "11:00",
                "deadline_tz": "Asia/Hebron", "csrf_token": csrf_of(page),
                # what a browser sends: every ticked box, in the page's order
                "levels": sorted(before.levels, key=storage.LEVELS.index),
                "disciplines": sorted(before.disciplines, reverse=True), "excluded": sorted(before.excluded)}
        response = admin_client.post(f"/desk/calls/{number}", data=form)
        assert "Nothing to change." in response.text
        after = _row(ctx, number)
        assert (after.disciplines, after.excluded, after.levels) == (before.disciplines, before.excluded, before.levels)
        assert not after.tags_edited
    assert _corrections(ctx) == []


def test_exclusions_need_a_call_open_to_all_fields(admin_client, ctx, make_call):
    call_id = make_call("Engineering call", disciplines=["07"])
    page = admin_client.get(f"/desk/calls/{call_id}").text
    response = admin_client.post(f"/desk/calls/{call_id}", data=_form(ctx, call_id, page, excluded=["09"]))
    assert response.status_code == 400 and 'id="excluded-error"' in response.text
    assert "tick “Open to all fields”" in response.text
    bad = admin_client.post(f"/desk/calls/{call_id}", data=_form(ctx, call_id, page, disciplines=["any"],
                                                                  excluded=["any", "99"]))
    assert bad.status_code == 400 and "Unknown field codes: any, 99" in bad.text
    assert _row(ctx, call_id).excluded == []


def test_the_public_call_page_and_list_say_all_fields_except(client, make_call):
    call_id = make_call("Scholarships in every field except medicine", status="approved", disciplines=["any"],
                        excluded=["09"])
    assert "All fields except: <bdi>Health and welfare</bdi>" in client.get(f"/calls/{call_id}").text
    assert "All fields except: <bdi>Health and welfare</bdi>" in client.get("/").text
    client.get("/language/ar?next=/")
    assert "جميع التخصصات ما عدا: <bdi>الصحة والرفاه</bdi>" in client.get(f"/calls/{call_id}").text


def test_job_and_admission_are_offered_wherever_kinds_are_chosen(admin_client, make_call):
    make_call("Lecturer in civil engineering", status="approved", kind="job")
    make_call("Admission to the MSc programmes", status="approved", kind="admission")
    browse = admin_client.get("/").text
    assert '<option value="job">Job vacancy</option>' in browse
    assert '<option value="admission">Admission</option>' in browse
    only_jobs = admin_client.get("/?kind=job").text
    assert "Lecturer in civil engineering" in only_jobs and "Admission to the MSc" not in only_jobs
    assert '<option value="job">Job vacancy</option>' in admin_client.get("/desk/queue").text
    assert 'value="admission"' in admin_client.get("/subscribe").text
    assert 'value="job"' in admin_client.get("/desk/digests").text
    api = admin_client.get("/api/v1/calls?kind=admission").json()
    assert [item["title"] for item in api["items"]] == ["Admission to the MSc programmes"]
    assert api["items"][0]["excluded"] == []
    kind_doc = next(p for p in admin_client.get("/api/openapi.json").json()["paths"]["/api/v1/calls"]["get"]
                    ["parameters"] if p["name"] == "kind")
    assert "job" in kind_doc["description"] and "admission" in kind_doc["description"]
    admin_client.get("/language/ar?next=/")
    arabic = admin_client.get("/").text
    assert "وظيفة شاغرة" in arabic and "قبول جامعي" in arabic
