"""Partner names are found as whole words in English and Arabic, with the article and glued prepositions."""
from __future__ import annotations

import pytest

from fursa.matching import PartnerIndex, PartnerNames

REGISTER = PartnerIndex([
    PartnerNames(1, ("University College London", "UCL")),
    PartnerNames(2, ("Al-Quds University", "جامعة القدس")),
    PartnerNames(3, ("جامعة القدس المفتوحة", "Al-Quds Open University")),
    PartnerNames(4, ("The University of Jordan", "الجامعة الأردنية")),
])


@pytest.mark.parametrize("text, found", [
    ("Fellowships at UCL for researchers", [1]),
    ("Nuclear engineering scholarships", []),                     # UCL inside "nuclear"
    ("منحة في المدينة المقدسة", []),                              # القدس inside المقدسة
    ("منح للدراسة بجامعة القدس", [2]),                           # ب glued on
    ("تعلن لجامعة القدس عن", [2]),                               # ل glued on
    ("وبجامعة القدس المفتوحة", [3]),                              # و+ب, and the longer name wins
    ("بالجامعة الأردنية", [4]),                                   # ب+ال
    ("للجامعة الأردنية", [4]),                                    # لل
    ("the University of Jordan and UCL", [4, 1]),
    ("University of Jordanian studies", []),
])
def test_names_are_found_as_whole_words(text, found):
    assert [m.partner_id for m in REGISTER.find(text)] == found


def test_the_quote_is_the_text_as_written():
    (mention,) = REGISTER.find("منح للدراسة بجامعة القدس هذا العام")
    assert (mention.partner_id, mention.name, mention.quote) == (2, "جامعة القدس", "بجامعة القدس")


def test_an_empty_register_finds_nothing():
    assert PartnerIndex([]).find("UCL") == [] and not PartnerIndex([])


def test_a_call_is_ruled_out_by_its_search_text_only_when_it_names_no_partner():
    """rematch_partners skips a call whose search text (matching.search_document) has none of the names'
    telling words; every call the full reading would link must pass, the d'/l' elision included."""
    from fursa.matching import Searchable, search_document
    register = PartnerIndex([*[PartnerNames(n, names) for n, names in enumerate([
        ("University College London", "UCL"), ("جامعة القدس",), ("Université d'Artois",),
        ("The University of Jordan", "الجامعة الأردنية")])]])
    texts = ["Fellowships at UCL", "منح للدراسة بجامعة القدس", "Bourses à l'Université d'Artois",
             "للجامعة الأردنية منح", "Scholarships at the University of Jordan", "Nuclear physics in Jerusalem",
             "منح في المدينة المقدسة"]
    for text in texts:
        document = search_document(Searchable(title=text))
        if register.find(text):
            assert register.may_name(document), text
    assert not register.may_name(search_document(Searchable(title="Nuclear physics in Jerusalem")))
