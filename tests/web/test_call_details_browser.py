"""The call page's "What it pays / what it asks" block in a real browser on a phone (390 px), English and
Arabic, for a call that states a great deal (a long institution name, several sums, every document):
the block is there, nothing scrolls sideways, and axe finds nothing serious."""
from __future__ import annotations

import pytest

from fursa import matching, pipeline, storage
from tests.web.browsing import (
    LANGUAGES, PHONE, axe_violations, chromium, needs_axe, needs_browser, new_page, overflow_of, serious, shoot, site,
    use_language,
)
from tests.web.conftest import NOW, CallMaker

pytestmark = [*needs_browser, needs_axe]
__all__ = ["chromium", "site"]   # the fixtures, imported to be found

TEXT = """Benefits
The scholarship covers tuition fees, a monthly living allowance of up to 1,200 € per month, a travel allowance
of £2,000–£5,000, accommodation in the Internationales Studierendenwohnheim Universitätsstadt and health insurance.
راتب شهري بقيمة ١٢٠٠ يورو شهرياً
The programme at the Rheinisch-Westfälische Technische Hochschule Aachen University of Applied Sciences and
Engineering lasts 24 months and is taught in English and German. Applicants must be under 35 years of age and hold
IELTS 6.5 or TOEFL iBT 90; TestDaF, DELF and Duolingo results are also read.
Required documents:
CV
Motivation letter
Two letters of recommendation
Transcripts
Degree certificate
Passport
Language certificate
Research proposal
Photo"""


@pytest.fixture(scope="module")
def call_id(site):
    call = CallMaker(site.ctx, NOW)("Fully funded master's scholarship in engineering with a long list of benefits",
                                    status="approved", text=TEXT)
    with site.ctx.sessions.begin() as session:
        row = session.get(storage.Opportunity, call)
        pipeline.apply_tagging(row, matching.tag_item(row.title, row.text), NOW)
        pipeline.index_call(row)
    return call


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_long_details_block_fits_a_phone(chromium, site, call_id, lang):
    page = new_page(chromium, PHONE)
    try:
        use_language(page, site, lang, then=f"/calls/{call_id}")
        block = page.locator("section.call-details")
        assert block.is_visible()
        words = block.inner_text()
        assert ("What it pays / what it asks" if lang == "en" else "ما تقدّمه الفرصة وما تطلبه") in words
        assert "1,200 EUR" in words and "2,000–5,000 GBP" in words and "TOEFL iBT" in words and "90" in words
        assert ("Research proposal" if lang == "en" else "مقترح بحثي") in words
        shoot(page, f"call-details-{PHONE}-{lang}")
        assert overflow_of(page) == [], f"call page with details ({lang}) at {PHONE} px"
        assert serious(axe_violations(page)) == []
    finally:
        page.context.close()
