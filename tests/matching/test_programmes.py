"""Funders' programmes named in a call's title imply the field the funder placed the call in."""
from __future__ import annotations

import pytest

from fursa.matching import tag_item
from fursa.matching.vocabulary import programmes_in_title


@pytest.mark.parametrize("title, found, codes", [
    ("EFRI NewLAW: Mid-infrared plasmon-polaritons with 2D materials", "EFRI", ("071",)),
    ("CIF: Small: Coding for distributed storage", "CIF", ("061",)),
    ("Collaborative Research: SI2-SSE: A toolkit for lattice simulations", "SI2-SSE", ("0613",)),
    ("Improving Undergraduate STEM Education: Education and Human Resources (IUSE: EHR)", "IUSE", ("011",)),
    ("Doctoral Dissertation Research: Kinship and land tenure in the Andes", "Doctoral Dissertation Research", ("031",)),
    ("Secure and Trustworthy Cyberspace program solicitation 2025", "Secure and Trustworthy Cyberspace", ("0612",)),
])
def test_programme_is_found_where_titles_name_programmes(title, found, codes):
    assert (found, codes) in programmes_in_title(title)


@pytest.mark.parametrize("title", [
    "Advance: a scholarship for women in science",        # a capitalised word before a colon is no acronym
    "Master's scholarships in the CIF region",             # an acronym outside a programme slot
    "CAREER: Structure of social networks",                # a programme every directorate runs
    "",
])
def test_no_programme_where_none_is_named(title):
    assert programmes_in_title(title) == []


def test_programme_field_goes_first_over_the_topic_words():
    text = ("This project studies topological photonics: photons, quantum optics and condensed matter "
            "physics, with light propagating in lattices of atoms. Physics students will be trained.")
    plain = tag_item("Non-reciprocal light propagation in photonic lattices", text)
    placed = tag_item("EFRI NewLAW: Non-reciprocal light propagation in photonic lattices", text)
    assert plain.disciplines[0].broad == "05"
    assert placed.disciplines[0].broad == "07"
    assert ("EFRI", "programme") in {(e.phrase, e.where) for e in placed.disciplines[0].evidence}


def test_programme_serving_two_fields_tags_both():
    tagging = tag_item("SCH: INT: Wearable sensing for stroke rehabilitation", "")
    assert [t.broad for t in tagging.disciplines][:2] == ["06", "09"]


def test_a_programme_named_twice_counts_once():
    assert programmes_in_title("Secure and Trustworthy Cyberspace (SaTC): solicitation") == [("SaTC", ("0612",))]
