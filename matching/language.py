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
_SAMPLE = 3000          # characters inspected; a 100 KB call needs no more to be recognised
_MINOR_SHARE = 0.2      # a second script above this share makes the text mixed
_MIN_ENGLISH = 0.08     # share of English function words in real English prose is ~0.3


def _english_enough(sample: str) -> bool:
    words = _LATIN_WORD.findall(sample[:600].lower())
    if len(words) < 8:
        return True
    english = sum(map(_ENGLISH_FUNCTION_WORDS.__contains__, words))
    return english / len(words) >= _MIN_ENGLISH


def detect_language(text: str) -> str:
    """"en", "ar", "mixed" (both scripts, each over a fifth of the letters) or "other"."""
    sample = text[:_SAMPLE]
    if sample.isascii():   # the common case, decided without counting letters
        if not _LATIN.search(sample):
            return "other"
        return "en" if _english_enough(sample) else "other"
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
    return "en" if _english_enough(sample) else "other"
