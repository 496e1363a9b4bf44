"""The taxonomy data: complete in both languages, consistent, and usable by the tagger."""
from __future__ import annotations

import pytest

from fursa.matching import UnknownCodeError, codes_for_category, load_taxonomy, normalize_english, tag_item

TAXONOMY = load_taxonomy()
BROAD = ["00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10"]


def test_broad_fields_are_the_eleven_isced_fields_as_strings():
    assert list(TAXONOMY.broad()) == BROAD


def test_every_narrow_and_detailed_field_of_isced_f_is_present():
    assert len(TAXONOMY.narrow()) == 29
    assert {"0011", "0114", "0232", "0322", "0421", "0542", "0613", "0732", "0841", "0923", "1041"} <= set(TAXONOMY.detailed())
    for code in TAXONOMY.detailed():
        assert code[:3] in TAXONOMY.fields, f"{code} has no narrow parent"


@pytest.mark.parametrize("code", BROAD + list(load_taxonomy().narrow()))
def test_broad_and_narrow_fields_have_names_and_keywords_in_both_languages(code):
    field = TAXONOMY.field(code)
    assert field.en and field.ar
    assert any("\u0600" <= ch <= "\u06ff" for ch in field.ar), f"{code}'s Arabic name is not Arabic"
    for lang in ("en", "ar"):
        assert field.keywords[lang], f"{code} has no {lang} keywords"
        assert all(normalize_english(k) for k in field.keywords[lang])


@pytest.mark.parametrize("code", list(load_taxonomy().narrow()))
def test_a_narrow_fields_own_name_in_a_title_tags_its_broad_field(code):
    field = TAXONOMY.field(code)
    for lang in ("en", "ar"):
        keyword = field.keywords[lang][0]
        tagging = tag_item(f"Scholarship: {keyword}", "")
        assert code[:2] in {t.broad for t in tagging.disciplines}, (lang, keyword, tagging.codes)


def test_unesco_placements_of_disputed_subjects():
    placements = {"robotics": "0714", "computer engineering": "0714", "surveying": "0731",
                  "geomatics": "0532", "biotechnology": "0512", "artificial intelligence": "0619",
                  "nutrition and dietetics": "0915", "occupational therapy": "0915",
                  "radiography": "0914", "occupational health and safety": "1022"}
    for subject, code in placements.items():
        assert subject in TAXONOMY.field(code).keywords["en"], (subject, code)


def test_derived_codes_and_names():
    assert TAXONOMY.name("059") == "Natural sciences, mathematics and statistics, not elsewhere classified"
    # 0/8/9 are added under each broad and narrow field of the data, not under codes that are derived themselves
    assert TAXONOMY.field("058").derived and TAXONOMY.field("0518").derived and TAXONOMY.field("0519").derived
    assert TAXONOMY.name("0518") == "Inter-disciplinary programmes involving Biological and related sciences"
    assert not TAXONOMY.field("051").derived and not TAXONOMY.field("0511").derived
    assert "0588" not in TAXONOMY.fields and "0589" not in TAXONOMY.fields
    assert TAXONOMY.name("0714", "ar") == "الإلكترونيات والأتمتة"
    assert TAXONOMY.name("any", "ar") == "جميع التخصصات"
    assert TAXONOMY.parents("0714") == ("07", "071")


def test_unknown_codes_raise_with_a_hint():
    with pytest.raises(UnknownCodeError, match="leading zeros"):
        TAXONOMY.field("714")
    with pytest.raises(UnknownCodeError, match="known: "):
        TAXONOMY.codes_for_programme("astrology")


def test_ppu_programmes_map_to_codes():
    assert TAXONOMY.codes_for_programme("mechatronics") == ("0714", "0715")
    assert TAXONOMY.codes_for_programme("medical_imaging") == ("0914",)
    assert set(TAXONOMY.colleges) == {"engineering", "it", "applied_sciences", "administrative_sciences",
                                      "medicine", "applied_professions"}
    for programme in TAXONOMY.programmes.values():
        assert programme.en and programme.ar and programme.codes
        assert programme.college in TAXONOMY.colleges


def test_ford_crosswalk_covers_the_six_fields_and_their_subfields():
    assert {k for k in TAXONOMY.ford if "." not in k} == {"1", "2", "3", "4", "5", "6"}
    assert TAXONOMY.codes_for_ford("2.3") == ("0715", "0716")
    assert TAXONOMY.codes_for_ford("5.1") == ("0313",)
    assert len(TAXONOMY.ford) == 6 + 7 + 11 + 5 + 5 + 9 + 5


@pytest.mark.parametrize("category, codes", [
    ("HL", ("091",)), ("AG", ("081",)), ("ST", ()), ("EPSRC", ("071", "053", "054")),
    ("Medical Research Council", ("091",)), ("HORIZON-CL5-2025-D3-01", ("0713", "052", "0716")),
    ("HORIZON-CL1-2026-01-DISEASE-03", ("091",)), ("Quantum", ("0533",)), ("nonsense", ()),
])
def test_funder_categories_imply_fields(category, codes):
    assert codes_for_category(category) == codes
