"""Palestinian eligibility is three-valued, read from who the call says may apply (invented sentences)."""
from __future__ import annotations

import pytest

from fursa.matching import tag_item
from fursa.matching.eligibility import read_eligibility


@pytest.mark.parametrize("title, text", [
    ("Research grant", "Applicants must hold Saudi nationality."),
    ("Research grant", "Open to Egyptian researchers at public universities."),
    ("Fellowship", "Only citizens of EU member states may apply."),
    ("Leadership programme", "For African nationals under 35."),
    ("Innovation funding", "UK registered SMEs can apply for a share of £2 million."),
    ("Scholarship 2026 (Nigerians Only)", ""),
    ("Funding", "You must be based at a UK research organisation."),
    ("وظائف أكاديمية شاغرة", "يشترط أن يكون المتقدم سعودي الجنسية وحاصلا على الدكتوراه."),
    ("منح دراسية", "تعلن الوزارة عن منح لطلاب جمهورية مصر العربية في الجامعات الألمانية."),
    ("منحة", "المنحة مخصصة للكويتيين فقط."),
    ("برنامج تدريبي", "يسر الجامعة دعوة المواطنين والمواطنات للتقدم."),
    ("منحة", "يجب أن يكون المتقدم من حملة الجنسية الأردنية."),
    ("International scholarship", "International students from African countries may apply."),
    ("منحة للطلاب الإماراتيين", "الجامعة تستقبل طلابا من جميع أنحاء العالم."),
])
def test_a_call_restricted_to_other_nationalities_is_closed(title: str, text: str) -> None:
    found = read_eligibility(title, text)
    assert found.palestinian is False, found
    assert found.evidence, "the words that decided are kept for staff"


@pytest.mark.parametrize("title, text", [
    ("Scholarship", "Open to students of all nationalities."),
    ("Fellowship", "Researchers from developing countries on the DAC list are eligible."),
    ("Grant", "Arab researchers from any Arab country may apply."),
    ("Scholarship", "Palestinian students from the West Bank and Gaza are encouraged to apply."),
    ("Scholarship", "Qatari and international students are eligible."),
    ("Award", "Applicants who hold Korean citizenship are not eligible; open to all other nationals."),
    ("Mahmoud Scholarship for Arab and Dutch students", ""),
    ("منحة", "المنحة متاحة لجميع الجنسيات."),
    ("منحة", "تستهدف الطلاب الفلسطينيين في الضفة الغربية وقطاع غزة."),
    ("منحة", "للطلاب الدوليين من مختلف دول العالم."),
    ("زمالة", "للطلاب من مصر أو الدول العربية."),
])
def test_an_open_call_or_one_naming_palestinians_is_open(title: str, text: str) -> None:
    assert read_eligibility(title, text).palestinian is True


@pytest.mark.parametrize("title, text", [
    ("Scholarship in physics", "For excellent students. Study at German universities."),
    ("منحة ماجستير", "تقدم الجامعات السعودية برامج متميزة في الهندسة."),
    ("PhD position", "The project is funded by the Swiss National Science Foundation."),
])
def test_a_call_that_does_not_say_who_may_apply_is_unknown(title: str, text: str) -> None:
    assert read_eligibility(title, text).palestinian is None


def test_words_that_shut_palestinians_out_win_over_everything() -> None:
    found = read_eligibility("Scholarship", "Open to all nationalities; Palestinians are not eligible.")
    assert found.palestinian is False


def test_the_tagger_reports_eligibility_with_its_evidence() -> None:
    tagging = tag_item("Research grant", "Applicants must hold Saudi nationality. Open to all fields.")
    assert tagging.palestinian_eligible is False
    assert "palestinian_eligible" in tagging.as_dict() and tagging.as_dict()["eligibility_evidence"]


@pytest.mark.parametrize("title, text, expected", [
    ("بدء قبول طلبة الداخل", "تعلن جامعة القدس عن بدء القبول لطلبة الداخل من حملة شهادة البجروت.", False),
    ("منحة", "المنحة متاحة للطلاب من أي جنسية.", True),
    ("منحة", "الإقامة الأصلية خارج الاتحاد الأوروبي.", True),
    ("زمالة", "مخصصة لطلاب الماجستير من مصر والعالم العربي.", True),
])
def test_more_arabic_eligibility_wording(title: str, text: str, expected: bool) -> None:
    assert read_eligibility(title, text).palestinian is expected
