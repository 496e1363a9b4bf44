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
