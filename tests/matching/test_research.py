"""Research profiles: terms in both languages, fields (ISCED-F and FORD), the size cap, and the
ranking of calls by the words they share with a profile, with the reason a person reads."""
from __future__ import annotations

import pytest

from fursa.matching import (
    CallIndex, Reason, ResearchInputError, build_research_profile, check_research_text, shared_words,
)
from fursa.matching.research import MAX_PUBLICATIONS, MIN_SIMILARITY, profile_terms

WATER = ("water desalination, membrane distillation, brackish water",
         "Solar-powered reverse osmosis for brackish groundwater in small villages. Fouling of membranes in the field.")

CALLS = [
    (1, "Water security research grants", "Funding for projects on brackish water desalination with membrane "
        "processes and solar energy in arid regions. Membrane fouling and reverse osmosis pilots are welcome."),
    (2, "Call for research on water governance", "Social science research on water policy and institutions."),
    (3, "Renewable energy for health facilities", "Solar photovoltaic systems for rural clinics and hospitals."),
    (4, "Machine learning for Arabic text", "Deep learning and natural language processing of Arabic corpora."),
    (5, "منح بحثية في تحلية المياه", "تمويل مشاريع تحلية المياه المالحة باستخدام الأغشية والطاقة الشمسية في فلسطين."),
]


def test_terms_keep_the_persons_words_and_phrases_without_joining_a_list() -> None:
    terms = {t.term: t for t in profile_terms(*WATER)}
    assert {"brackish water", "membrane distillation", "desalination", "membrane"} <= set(terms)
    assert "desalination membrane" not in terms       # two entries of a list are not a phrase
    assert terms["brackish water"].label == "brackish water"
    assert terms["membrane"].label == "membrane"      # "membranes" in the abstract is the same term
    assert "the" not in terms and "of" not in terms


def test_a_keyword_weighs_more_than_a_word_of_an_abstract() -> None:
    terms = {t.term: t.weight for t in profile_terms("membrane", "fouling")}
    assert terms["membrane"] > terms["fouling"]


def test_arabic_keywords_bring_in_the_english_terms_and_keep_the_arabic_words_for_the_reason() -> None:
    terms = {t.term: t for t in profile_terms("تحلية المياه، الطاقة الشمسية", "")}
    assert "تحليه مياه" in terms and "طاقه شمسيه" in terms   # normal forms: no article, ة as ه
    assert terms["water desalination"].label == "تحلية المياه"
    assert terms["solar energy"].label == "الطاقة الشمسية"


def test_fields_are_derived_in_isced_and_ford() -> None:
    profile = build_research_profile("software engineering, machine learning, computer networks",
                                     "Deep learning models for intrusion detection in computer networks.")
    assert profile.fields and profile.fields[0].startswith("06")
    assert "1.2" in profile.ford        # computer and information sciences


def test_a_pasted_megabyte_is_refused_with_a_message() -> None:
    pasted = "Membrane distillation of brackish water. " * (1_000_000 // 41 + 1)
    assert len(pasted) >= 1_000_000
    with pytest.raises(ResearchInputError, match=f"at most {MAX_PUBLICATIONS:,}"):
        build_research_profile("desalination", pasted)
    with pytest.raises(ResearchInputError, match="keywords"):
        check_research_text("x" * 5_000, "")


def test_a_description_with_no_topic_word_is_refused() -> None:
    with pytest.raises(ResearchInputError, match="no topic words"):
        build_research_profile("the and of", "")


def test_nothing_at_all_is_an_empty_profile() -> None:
    assert build_research_profile("", "").is_empty


def test_calls_are_ranked_by_the_words_they_share_and_the_reason_names_them() -> None:
    index = CallIndex(CALLS)
    profile = build_research_profile(*WATER)
    ranked = index.rank(profile)
    assert ranked[0].call_id == 1
    assert ranked[-1].score == 0.0 and ranked[-1].call_id == 4
    best = ranked[0]
    assert best.shared[0] in ("brackish water", "membrane", "desalination")
    assert len(best.shared) == 3 and len(set(best.shared)) == 3
    # a word inside a phrase already named is not named again
    assert not ("brackish water" in best.shared and "brackish" in best.shared)
    assert best.reason().text("en") == "shares: " + ", ".join(best.shared)


def test_an_english_profile_finds_an_arabic_call_through_the_glossary() -> None:
    index = CallIndex(CALLS)
    match = index.match(build_research_profile(*WATER), 5)
    assert match.score > 0
    assert set(match.shared) <= {"water desalination", "brackish water", "membrane", "desalination", "water"}


def test_an_arabic_profile_reads_its_reason_in_arabic() -> None:
    index = CallIndex(CALLS)
    profile = build_research_profile("تحلية المياه، الأغشية", "")
    ranked = index.rank(profile)
    assert {ranked[0].call_id, ranked[1].call_id} == {1, 5}
    reason = ranked[0].reason()
    assert reason.text("ar").startswith("مواضيع مشتركة: ")
    assert "، " in reason.text("ar") or len(shared_words(dict(reason.params)["terms"])) == 1


def test_the_reason_round_trips_its_words() -> None:
    reason = Reason("shares", (("terms", "desalination\nbrackish water"),))
    assert shared_words(dict(reason.params)["terms"]) == ("desalination", "brackish water")
    assert reason.text("en") == "shares: desalination, brackish water"
    assert reason.text("ar") == "مواضيع مشتركة: desalination، brackish water"


def test_a_call_sharing_one_word_in_passing_is_not_put_first_and_has_no_reason() -> None:
    passing = " ".join(f"topic{number} subject{number}" for number in range(400)) + " and one membrane"
    index = CallIndex([*CALLS, (6, "Archive digitisation grants", passing)])
    match = index.match(build_research_profile(*WATER), 6)
    assert 0 < match.score < MIN_SIMILARITY and match.shared == ()
    assert index.match(build_research_profile(*WATER), 1).score >= MIN_SIMILARITY
