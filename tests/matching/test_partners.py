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
