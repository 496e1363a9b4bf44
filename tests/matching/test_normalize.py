"""Each normalization rule of issue 4, in Arabic and English."""
from __future__ import annotations

import pytest

from fursa.matching import normalize_arabic, normalize_english
from fursa.matching.normalize import split_words, strip_html, tokenize


@pytest.mark.parametrize("raw, expected", [
    ("أحمد إبراهيم آمال ٱلعلم", "احمد ابراهيم امال علم"),          # alef forms (and the article)
    ("جامعة", "جامعه"),                                             # taa marbuta
    ("مستشفى", "مستشفي"),                                           # alef maqsura
    ("كـــلية", "كليه"),                                            # tatweel
    ("مِنَحٌ دِرَاسِيَّةٌ", "منح دراسيه"),                              # diacritics
    ("٢٠٢٥ ۱۵", "2025 15"),                                         # Arabic-Indic and Persian digits
    ("الهندسة", "هندسه"),                                           # the definite article
    ("والهندسة بالجامعة للطلاب فالعلوم وبالتعليم", "هندسه جامعه طلاب علوم تعليم"),  # article with clitics
    ("مسؤول رئيس", "مسوول رييس"),                                   # hamza seats
])
def test_normalize_arabic_rules(raw, expected):
    assert normalize_arabic(raw) == expected


def test_article_is_kept_on_short_words():
    # "إلى" folds to "الي": too short to carry an article, so it is left whole
    assert normalize_arabic("إلى") == "الي"


@pytest.mark.parametrize("raw, expected", [
    ("MECHANICAL Engineering", "mechanical engineering"),          # case
    ("engineering, science; (law)!", "engineering science law"),   # punctuation breaks words
    ("Scholarships Studies Classes Boxes", "scholarship study class box"),  # plurals
    ("Master's Scholarship", "master scholarship"),                 # possessive
    ("physics mathematics economics analysis", "physics mathematics economics analysis"),  # not plurals
    ("data-driven e-marketing", "data driven e marketing"),         # hyphens split words
])
def test_normalize_english_rules(raw, expected):
    assert normalize_english(raw) == expected


def test_words_match_on_boundaries_only():
    assert "art" not in normalize_english("start smart artery").split()
    assert normalize_english("the art of start").split().count("art") == 1


def test_strip_html_removes_tags_scripts_and_entities():
    html = "<p>Deadline&nbsp;&amp; <b>scope</b></p><script>var x = 'engineering';</script>"
    assert strip_html(html).split() == ["Deadline", "&", "scope"]


def test_tokenize_keeps_words_as_written_beside_their_forms():
    words, forms = tokenize("Computer-Science Scholarships، للطلاب")
    assert words == ["Computer", "Science", "Scholarships", "للطلاب"]
    assert forms == ["computer", "science", "scholarship", "طلاب"]


def test_split_words_handles_symbols_outside_the_break_table():
    assert split_words("mechatronics©2025 ☆robotics") == ["mechatronics", "2025", "robotics"]
