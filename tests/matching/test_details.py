"""What a call pays and asks (issue 16.3): the money, duration, age, language and document readers,
with the bad input the issue names ("up to 1,200 € per month", «1200 يورو شهرياً»)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from fursa.matching import CallDetails, find_age_limit, find_amounts, find_details, find_duration, find_language_tests
from fursa.matching import parse_number


def _money(text: str) -> list[tuple]:
    return [(a.minimum, a.maximum, a.currency, a.period) for a in find_amounts(text)]


D = Decimal


@pytest.mark.parametrize("text, expected", [
    ("up to 1,200 € per month", [(None, D(1200), "EUR", "month")]),
    ("«1200 يورو شهرياً»", [(D(1200), D(1200), "EUR", "month")]),
    ("راتب ١٢٠٠ يورو شهرياً", [(D(1200), D(1200), "EUR", "month")]),          # Arabic-Indic digits
    ("$50,000", [(D(50000), D(50000), "USD", "")]),
    ("£2,000–£5,000", [(D(2000), D(5000), "GBP", "")]),
    ("between 2,000 and 5,000 EUR a year", [(D(2000), D(5000), "EUR", "year")]),
    ("يحصل على ألف دولار شهريا", [(D(1000), D(1000), "USD", "month")]),
    ("a monthly stipend of €1,200", [(D(1200), D(1200), "EUR", "month")]),
    ("مكافأة شهرية بواقع 6500 درهم", [(D(6500), D(6500), "AED", "month")]),
    ("تمويل يصل إلى 70000 دولار سنويًا", [(None, D(70000), "USD", "year")]),
    ("(up to US $20,000)", [(None, D(20000), "USD", "")]),
    ("EUR 60 000", [(D(60000), D(60000), "EUR", "")]),
    ("1.200 € monthly", [(D(1200), D(1200), "EUR", "month")]),
    ("an application fee of $50; a stipend of USD 1,000 per month", [(D(1000), D(1000), "USD", "month")]),
])
def test_amounts(text, expected):
    assert _money(text) == expected


@pytest.mark.parametrize("text", ["try 3 times", "in 2026 and 2027", "50% of the fees", "6.5 in IELTS", "1200 Eur"])
def test_no_currency_is_no_money(text):
    assert find_amounts(text) == ()


def test_parse_number():
    assert parse_number("١٢٠٠") == 1200 and parse_number("1,200") == 1200 and parse_number("1.5 million") == 1_500_000
    assert parse_number("ألف") == 1000 and parse_number("5 آلاف") == 5000 and parse_number("twelve") is None


@pytest.mark.parametrize("text, value, unit", [
    ("The fellowship lasts 12 months.", 12, "month"), ("for two years", 2, "year"), ("a two-year programme", 2, "year"),
    ("لمدة سنتين", 2, "year"), ("مدة المنحة 3 سنوات", 3, "year"), ("لمدة ستة أسابيع", 6, "week"),
    ("for a period of 3 years", 3, "year"),
])
def test_durations(text, value, unit):
    found = find_duration(text)
    assert found is not None and (found.value, found.unit) == (value, unit)


@pytest.mark.parametrize("text", ["founded 30 years ago", "for the year 2026", "experience for 30 years"])
def test_no_duration(text):
    assert find_duration(text) is None


@pytest.mark.parametrize("text, maximum, minimum", [
    ("Applicants must be under 35 years of age", 35, None), ("aged 18-30", 30, 18),
    ("35 years old or younger", 35, None), ("ألا يزيد العمر عن 35 سنة", 35, None),
    ("أن يكون عمر المتقدم دون الـ 35 عامًا", 35, None), ("maximum age: 40", 40, None),
])
def test_age_limits(text, maximum, minimum):
    found = find_age_limit(text)
    assert found is not None and (found.maximum, found.minimum) == (maximum, minimum)


@pytest.mark.parametrize("text", ["under 35 applicants were selected last year", "Founded in 1935", "in 35 countries"])
def test_no_age_limit(text):
    assert find_age_limit(text) is None


def test_language_tests():
    tests = find_language_tests("IELTS overall 6.5 (no band below 6.0) or TOEFL iBT 90; TestDaF accepted")
    assert tests.ielts == D("6.5") and tests.toefl == 90 and tests.named == ("IELTS", "TOEFL", "TestDaF")
    assert find_language_tests("IELTS required; results from 2024 are accepted").ielts is None


def test_details_of_a_call_in_english():
    details = find_details("Fully funded Master at the University of Bologna", """Benefits
The scholarship covers tuition fees and health insurance. It does not cover accommodation or travel.
Courses are taught in English. Required documents:
CV
Two letters of recommendation""")
    assert details.coverage == "full" and details.covers == ("tuition", "insurance")
    assert details.institution == "University of Bologna" and details.study_languages == ("en",)
    assert details.documents == ("cv", "recommendation_letters")


def test_details_of_a_call_in_arabic():
    details = find_details("منحة", "المزايا:\nراتب شهري 1200 يورو شهرياً وتأمين صحي\nلغة التدريس هي التركية\n"
                                    "الوثائق المطلوبة:\nالسيرة الذاتية\nجواز السفر")
    assert details.covers == ("stipend", "insurance") and details.study_languages == ("tr",)
    assert details.documents == ("cv", "passport") and details.amounts[0].period == "month"


def test_a_call_that_states_nothing_has_empty_details():
    details = find_details("Exchange week", "Open to all students of partner universities. Apply online.")
    assert not details and details == CallDetails()


def test_details_survive_storage():
    details = find_details("Award", "The award provides a stipend of up to 1,200 € per month for 12 months.")
    assert CallDetails.from_dict(details.as_dict()) == details
    assert CallDetails.from_dict({"amounts": [{"max": "x"}], "toefl": "many", "covers": ["yacht"]}) == CallDetails()


@pytest.mark.parametrize("text, expected", [
    ("بدل معيشة بقيمة 6،500 دولار سنغافوري لكل عام دراسي", [(D(6500), D(6500), "SGD", "year")]),   # Arabic comma
    ("($30,000+ in matching funding)", [(D(30000), None, "USD", "")]),
    ("بدل معيشي سنوي، منحة دعم بحثي 5000 جنيه إسترليني", [(D(5000), D(5000), "GBP", "")]),   # the period of another item
])
def test_amounts_as_arabic_pages_write_them(text, expected):
    assert _money(text) == expected


@pytest.mark.parametrize("text", [
    "تقدر الرسوم الدراسية سنوياً ب 50,000 درهم غير قابلة للاسترداد",
    "تكلفة الساعة المعتمدة للطلبة المصنّفين في كلية الطب: 1300 شيكل",
    "على الطلبة شراء بطاقة طلب التحاق بقيمة 220 شيقل غير مستردة",
    "Tuition fees are EUR 12,000 a year.",
])
def test_what_a_student_pays_is_not_what_the_call_pays(text):
    assert find_amounts(text) == ()


@pytest.mark.parametrize("text, value, unit", [
    ("ستكون مدة هذه المنحة ثلاث سنوات مع إمكانية التمديد", 3, "year"),
    ("مدة الدراسة والتدريب هي ثلاث سنوات سريرية", 3, "year"),
    ("حتى أقصى مدة تصل إلى أربع سنوات", 4, "year"),
])
def test_arabic_durations_after_a_subject(text, value, unit):
    found = find_duration(text)
    assert found is not None and (found.value, found.unit) == (value, unit)


def test_the_language_of_study_is_not_the_language_asked_for():
    assert find_details("منحة", "يجب أن تكون برامج الماجستير باللغة الإنجليزية، والدكتوراه باللغتين الإنجليزية "
                                "والتركية.").study_languages == ("en", "tr")
    assert find_details("منحة", "إجادة اللغة الإنجليزية، ووزارة التعليم العالي تحدد المستوى.").study_languages == ()


def test_what_the_student_pays_for_is_not_covered():
    details = find_details("Award", "Benefits\nThe award covers tuition.\nScholars are responsible for all other "
                                    "costs, including living costs, housing and flights.")
    assert details.covers == ("tuition",)


@pytest.mark.parametrize("title, text, coverage", [
    ("منحة", "تغطية كاملة للرسوم الدراسية وبدل معيشة.", ""),          # full tuition is not a fully funded award
    ("منح دراسية بنسبة 50% من الرسوم الدراسية", "", "partial"),
    ("منحة 30%", "", "partial"),
    ("Scholarship", "A 25% tuition discount for international students.", "partial"),
    ("منحة 100% من الرسوم الدراسية", "", ""),                          # all the fees: still not said to be full
    ("Fully funded master", "A 50% tuition scholarship is also offered.", ""),   # both said: unknown
])
def test_coverage(title, text, coverage):
    from fursa.matching import find_coverage
    assert find_coverage(title, text) == coverage


def test_an_aggregators_links_to_its_other_pages_say_nothing():
    details = find_details("منحة", "المنافع والفوائد\nتغطية الرسوم الدراسية.\nتصفح المزيد من فرص السفر الى كندا المتاحة على فرصة")
    assert details.covers == ("tuition",)
