"""Which language a call is written in: "en", "ar", "mixed" or "other".

Script counts decide Arabic against Latin; among Latin-script texts, English function words tell
English from French, German or Spanish, which the vocabulary does not cover.
"""
from __future__ import annotations

import re

_ARABIC = re.compile("[\u0621-\u064a\u0671-\u06d3\u0750-\u077f]")
_LATIN = re.compile("[A-Za-z]")
_LETTER = re.compile(r"[^\W\d_]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_ENGLISH_FUNCTION_WORDS = frozenset(
    "the of and to in for is are be with on by this that from will as or an at which their who "
    "must have has can may should not all any students applicants".split())
_SAMPLE = 6000          # characters inspected; a 100 KB call needs no more to be recognised
_MINOR_SHARE = 0.2      # a second script above this share makes the text mixed
_MIN_ENGLISH = 0.08     # share of English function words in real English prose is ~0.3


def detect_language(text: str) -> str:
    sample = text[:_SAMPLE]
    letters = len(_LETTER.findall(sample))
    if letters == 0:
        return "other"
    arabic = len(_ARABIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    if (arabic + latin) / letters < 0.5:
        return "other"
    arabic_share = arabic / (arabic + latin)
    if arabic_share >= 1 - _MINOR_SHARE:
        return "ar"
    if arabic_share > _MINOR_SHARE:
        return "mixed"
    words = _LATIN_WORD.findall(sample)
    if len(words) >= 8:
        english = sum(1 for w in words if w.lower() in _ENGLISH_FUNCTION_WORDS)
        if english / len(words) < _MIN_ENGLISH:
            return "other"
    return "en"
