"""What a call pays and asks (issue 16.3) on its page (English and Arabic), in the API, and as the
list's language-of-study filter; the details come from the tagging job, as in production."""
from __future__ import annotations

import re

import pytest

from fursa import matching, pipeline, storage

ENGLISH_TEXT = """Benefits
The scholarship covers tuition fees, a monthly stipend of up to 1,200 € per month and health insurance.
It does not cover accommodation.
The programme is taught in English and lasts 12 months. Applicants must be under 35 years of age and hold
IELTS 6.5 or TOEFL iBT 90.
Required documents:
CV
Motivation letter
Two letters of recommendation"""
ARABIC_TEXT = """المزايا:
راتب شهري بقيمة ١٢٠٠ يورو شهرياً وتأمين صحي
لمدة سنتين
لغة التدريس هي الألمانية
ألا يزيد العمر عن 35 سنة
الوثائق المطلوبة:
السيرة الذاتية
جواز السفر"""


def _tagged(ctx, make_call, now, title: str, text: str) -> int:
    """A call stored as a crawl stores it, then through the tagging job's own steps."""
    call_id = make_call(title, status="approved", text=text)
    with ctx.sessions.begin() as session:
        row = session.get(storage.Opportunity, call_id)
        pipeline.apply_tagging(row, matching.tag_item(row.title, row.text), now)
        pipeline.index_call(row)
    return call_id


def _block(html: str) -> str:
    found = re.search(r'<section class="call-details".*?</section>', html, re.DOTALL)
    return found.group() if found else ""


@pytest.fixture
def calls(ctx, make_call, now):
    return {"en": _tagged(ctx, make_call, now, "Master's scholarship at the University of Bologna", ENGLISH_TEXT),
            "ar": _tagged(ctx, make_call, now, "منحة ماجستير في ألمانيا", ARABIC_TEXT),
            "none": _tagged(ctx, make_call, now, "Exchange week", "Open to all students.")}


def test_the_call_page_shows_what_it_pays_and_asks_in_english(client, calls):
    block = _block(client.get(f"/calls/{calls['en']}").text)
    assert "What it pays / what it asks" in block
    assert "Tuition, Monthly stipend, Health insurance" in block and "Housing" not in block   # "does not cover"
    assert "up to 1,200 EUR a month" in block
    assert "12 months" in block and "University of Bologna" in block
    assert "English" in block and "IELTS 6.5 or higher" in block and "TOEFL iBT 90 or higher" in block
    assert "<dt>Age limit</dt><dd dir=\"auto\">35 years</dd>" in block
    assert "CV, Motivation letter, Recommendation letters" in block


def test_the_call_page_shows_the_block_in_arabic(client, calls):
    client.get("/language/ar")
    block = _block(client.get(f"/calls/{calls['ar']}").text)
    assert "ما تقدّمه الفرصة وما تطلبه" in block and "What it pays" not in block
    assert "1,200 EUR شهريًا" in block                   # ١٢٠٠ يورو شهرياً, Arabic-Indic digits read
    assert "مخصص شهري، التأمين الصحي" in block
    assert "سنتان" in block and "الألمانية" in block and "<dt>حد العمر</dt><dd dir=\"auto\">35 سنة</dd>" in block
    assert "السيرة الذاتية، جواز السفر" in block


def test_a_call_that_states_nothing_has_no_block(client, calls):
    page = client.get(f"/calls/{calls['none']}").text
    assert 'class="call-details"' not in page and "Exchange week" in page


def test_the_api_gives_the_details(client, calls):
    call = client.get(f"/api/v1/calls/{calls['en']}").json()
    details = call["details"]
    assert details["covers"] == ["tuition", "stipend", "insurance"]
    assert details["amounts"][0] | {"text": ""} == {"min": None, "max": "1200", "currency": "EUR", "period": "month",
                                                    "text": ""}
    assert details["duration_months"] == 12 and details["study_languages"] == ["en"]
    assert details["ielts"] == "6.5" and details["toefl"] == 90 and details["age_max"] == 35
    assert details["documents"] == ["cv", "motivation_letter", "recommendation_letters"]
    empty = client.get(f"/api/v1/calls/{calls['none']}").json()["details"]
    assert empty["covers"] == [] and empty["amounts"] == [] and empty["age_max"] is None


def test_the_list_filters_by_language_of_study(client, calls):
    page = client.get("/?lang_of_study=de").text
    assert "منحة ماجستير في ألمانيا" in page and "University of Bologna" not in page and "Exchange week" not in page
    titles = [item["title"] for item in client.get("/api/v1/calls?lang_of_study=en").json()["items"]]
    assert titles == ["Master's scholarship at the University of Bologna"]
    client.get("/language/ar")
    assert '<option value="de">الألمانية</option>' in client.get("/").text


def test_an_unknown_language_of_study_is_refused(client, calls):
    page = client.get("/?lang_of_study=klingon")
    assert page.status_code == 400 and "klingon" in page.text and "Language of study" in page.text
    assert "Exchange week" not in page.text
    api = client.get("/api/v1/calls?lang_of_study=klingon")
    assert api.status_code == 400 and "klingon" in api.json()["detail"]
    assert client.get("/feeds/calls.rss?lang_of_study=klingon").status_code == 400


def test_the_desk_shows_the_details_and_the_words_they_were_read_from(admin_client, calls):
    page = admin_client.get(f"/desk/calls/{calls['en']}").text
    block = _block(page)
    assert "up to 1,200 EUR a month" in block and "IELTS 6.5 or higher" in block
    assert "Words the details were read from:" in page
    assert "The scholarship covers tuition fees, a monthly stipend of up to 1,200 € per month" in page
    assert "Words the details were read from:" not in admin_client.get(f"/desk/calls/{calls['none']}").text
