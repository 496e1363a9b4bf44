"""Text normalization shared by the tagger, the taxonomy index and the learned model.

Keywords and call text go through the same functions, so a keyword matches whatever spelling
variant a call uses (أ/إ/ا, ة/ه, "Studies"/"study") without listing every variant in the data.
"""
from __future__ import annotations

import html
import re

# Harakat, Quranic marks and the superscript alef: never meaningful for matching.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")

# One-to-one character folds, so that a folded string keeps the offsets of the original.
_ARABIC_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي",
    **{chr(0x0660 + d): str(d) for d in range(10)},   # Arabic-Indic digits
    **{chr(0x06F0 + d): str(d) for d in range(10)},   # Extended (Persian) digits
    "،": ",", "؛": ";", "؟": "?",
})

# The article with the clitics that glue onto it (و/ف, then ب/ك, + ال, and لل = ل + ال); only stripped
# when at least two letters remain, so short words such as "الا" survive.
_ARTICLE = re.compile(r"^(?:[وف]?[بك]?ال|[وف]?لل)(?=\w\w)")

# A word: letters/digits plus the Arabic marks that sit inside words (they are not \w).
WORD = re.compile("[\\w\u0610-\u061a\u064b-\u065f\u0670\u0640\u06d6-\u06ed]+")

_TAG = re.compile(r"<[^>]{0,2000}>")
_SCRIPT_BLOCK = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_POSSESSIVE = re.compile(r"['’]s\b", re.IGNORECASE)
_APOSTROPHE = re.compile(r"['’]")

# English words whose final "s" is not a plural; stripping it would merge unrelated words.
_KEEP_S = frozenset({
    "analysis", "basis", "thesis", "crisis", "diagnosis", "synthesis", "physics", "mathematics",
    "statistics", "economics", "politics", "ethics", "linguistics", "genetics", "electronics",
    "mechanics", "robotics", "logistics", "informatics", "aeronautics", "optics", "acoustics",
    "dynamics", "athletics", "gas", "bus", "campus", "virus", "focus", "status", "news",
    "series", "species", "always", "across", "less", "process", "business", "stress", "access",
    "various", "previous", "this", "his", "its", "us", "was", "has", "is", "as", "yes",
    "aids", "graphics", "bioinformatics", "geomatics", "metaphysics",
    "biophysics", "astrophysics", "geophysics", "biomechanics", "thermodynamics", "semantics",
    "pharmaceutics", "orthodontics", "paediatrics", "pediatrics", "obstetrics", "geriatrics",
    "ceramics", "aerobics", "classics", "civics", "aesthetics", "hydraulics", "photonics",
    "mechatronics", "avionics", "ergonomics", "econometrics", "proteomics", "genomics",
    "metabolomics", "bioethics", "forensics", "phonetics", "pragmatics", "logics",
})


def fold_arabic_chars(text: str) -> str:
    """Fold alef forms, taa marbuta, alef maqsura, hamza seats and Arabic-Indic digits, 1:1."""
    return text.translate(_ARABIC_FOLD)


def strip_html(text: str) -> str:
    """Drop tags, scripts and entities that crawlers sometimes leave in a call's text."""
    if "<" not in text and "&" not in text:
        return text
    text = _SCRIPT_BLOCK.sub(" ", text)
    text = _TAG.sub(" ", text)
    return html.unescape(text)


def stem_english(word: str) -> str:
    """Reduce an English plural to its singular; light on purpose (no Porter-style surgery)."""
    if len(word) <= 3 or not word.endswith("s") or word in _KEEP_S:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is", "ics")):
        return word
    return word[:-1]


def normalize_token(token: str) -> str:
    """The matching form of one word, Arabic or English."""
    first = token[0]
    if "\u0600" <= first <= "\u06ff" or "\u0750" <= first <= "\u077f":
        folded = fold_arabic_chars(_DIACRITICS.sub("", token))
        return _ARTICLE.sub("", folded)
    word = token.casefold()
    if word.isascii() and word.isalpha():
        return stem_english(word)
    return fold_arabic_chars(word)


def normalize_arabic(text: str) -> str:
    """Arabic matching form: no diacritics or tatweel, one alef, ه for ة, ي for ى, Western digits,
    no definite article (with its clitics و ف ب ك ل); words joined by single spaces."""
    return " ".join(normalize_token(w) for w in WORD.findall(strip_html(text)))


def normalize_english(text: str) -> str:
    """English matching form: case-folded, punctuation as word breaks, possessives dropped and
    plurals singular ("Master's Scholarships" -> "master scholarship")."""
    text = _APOSTROPHE.sub("", _POSSESSIVE.sub("", strip_html(text)))
    return " ".join(normalize_token(w) for w in WORD.findall(text))


def normalize_text(text: str) -> str:
    """Either language (or both) in one pass: the form used for learning and phrase lookup."""
    return normalize_english(text)


# Punctuation that ends a word, as one translate table: splitting on it is several times faster
# than a Unicode regex over a long call; words that keep any other symbol go through WORD.
_BREAKS = str.maketrans({c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~«»“”‘’–—•·…،؛؟\u00a0\u200b\u200c\u200d\u200e\u200f"})


def split_words(text: str) -> list[str]:
    """The words of a text as written, without a possessive's "s" ("master's" -> "master")."""
    if "'" in text or "’" in text:
        text = _POSSESSIVE.sub("", text)
    words = text.translate(_BREAKS).split()
    if text.isascii() or all(map(str.isalnum, words)):   # every ASCII symbol is in _BREAKS
        return words
    return [part for word in words for part in (WORD.findall(word) if not word.isalnum() else (word,))]


_FORMS: dict[str, str] = {}    # word -> matching form; a plain dict is the fastest cache here
_FORMS_LIMIT = 500_000


def tokenize(text: str) -> tuple[list[str], list[str]]:
    """(words as written, their matching forms), index for index, so evidence can quote them."""
    words = split_words(text)
    forms = list(map(_FORMS.get, words))
    if None in forms:
        if len(_FORMS) > _FORMS_LIMIT:
            _FORMS.clear()
        for i, form in enumerate(forms):
            if form is None:
                forms[i] = _FORMS[words[i]] = normalize_token(words[i])
    return words, forms
