"""What a call asks of applicants, where it says so: an age limit, IELTS/TOEFL minimum scores, the
language of study and the documents to send. Each finder returns nothing rather than a guess."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .amounts import fold_digits
from .normalize import normalize_english
from .taxonomy import read_data

# --- age ----------------------------------------------------------------------------------------

_AGE_WORD = r"(?:age[sd]?|years?\s+old|years?\s+of\s+age|yrs)"
_AGE_MAX_EN = re.compile(
    r"(?:under(?:\s+the\s+age\s+of)?|below(?:\s+the\s+age\s+of)?|younger\s+than|not\s+(?:be\s+)?older\s+than|"
    r"no\s+older\s+than|not\s+(?:be\s+)?over|maximum\s+age(?:\s+limit)?(?:\s+of|\s+is)?|age\s+limit(?:\s+of|\s+is)?|"
    r"not\s+exceed(?:ing)?(?:\s+the\s+age\s+of)?|up\s+to\s+the\s+age\s+of|aged?\s+(?:up\s+to|under|below|less\s+than)|"
    r"less\s+than|at\s+most)\s*:?\s*(?P<n>\d{2})(?:\s*(?:years?|yrs))?(?P<tail>[^.\n]{0,30})", re.IGNORECASE)
_AGE_OR_YOUNGER = re.compile(r"(?P<n>\d{2})\s*(?:years?\s+(?:old\s+)?|yrs\s+)?(?:of\s+age\s+)?or\s+(?:younger|less|under|below)",
                             re.IGNORECASE)
_AGE_RANGE_EN = re.compile(r"(?:aged?|between\s+the\s+ages?\s+of|ages?)\s*:?\s*(?:between\s+)?(?P<lo>\d{2})\s*(?:–|-|to|and)\s*"
                           r"(?P<n>\d{2})(?:\s*years)?", re.IGNORECASE)
_AGE_MAX_AR = re.compile(
    r"(?:(?:[أا]لا|لا|[أا]ن\s+لا)\s+(?:يزيد|يتجاوز|يتعدى|تزيد|تتجاوز|تتعدى)|دون|[أا]قل\s+من|لا\s+يزيد|لا\s+يتجاوز|"
    r"حتى\s+سن|الحد\s+الأقصى\s+للعمر|بحد\s+[أا]قصى)\s+"
    r"(?:(?:ال)?(?:عمر|سن)(?:\s+\S+){0,2}\s+)?(?:عن\s+|على\s+)?(?:الـ\s*|ال\s*)?(?P<n>\d{2})\s*(?:سنة|عاما|عامًا|عاماً|عام|سنه)?")
_AGE_CONTEXT_AR = re.compile(r"عمر|العمر|سن|السن|عمره|عمرها|سنة|عاما|عامًا|عاماً|عام")
_AGE_RANGE_AR = re.compile(r"(?:عمر|العمر|سن|السن|عمره)[^.\n]{0,25}?بين\s+(?P<lo>\d{2})\s*(?:و|-|–|إلى|الى)\s*(?P<n>\d{2})")


@dataclass(frozen=True)
class AgeLimit:
    """The oldest (and youngest) an applicant may be, as the call states; `text` is what was read."""

    maximum: int
    minimum: int | None
    text: str


def find_age_limit(text: str) -> AgeLimit | None:
    """"under 35", "aged 18-30", "35 or younger", «ألا يزيد العمر عن 35 سنة», «دون الـ 35 عامًا»."""
    text = fold_digits(text)
    candidates: list[tuple[int, AgeLimit]] = []
    for match in _AGE_RANGE_EN.finditer(text):
        candidates.append((match.start(), _age(match, int(match.group("lo")))))
    for match in _AGE_RANGE_AR.finditer(text):
        candidates.append((match.start(), _age(match, int(match.group("lo")))))
    for match in _AGE_MAX_EN.finditer(text):
        window = text[max(0, match.start() - 40):match.end()]
        if re.search(_AGE_WORD, window, re.IGNORECASE):
            candidates.append((match.start(), _age(match, None)))
    for match in _AGE_OR_YOUNGER.finditer(text):
        candidates.append((match.start(), _age(match, None)))
    for match in _AGE_MAX_AR.finditer(text):
        window = text[max(0, match.start() - 30):match.end()]
        if _AGE_CONTEXT_AR.search(window) and re.search(r"عمر|سن(?![\u0600-\u06ff])|السن", window):
            candidates.append((match.start(), _age(match, None)))
    candidates = [(at, age) for at, age in candidates if 15 <= age.maximum <= 70]
    return min(candidates, key=lambda item: item[0])[1] if candidates else None


def _age(match: re.Match, minimum: int | None) -> AgeLimit:
    shown = match.group()
    if "tail" in match.groupdict() and match.group("tail"):
        shown = shown[:match.start("tail") - match.start()]
    return AgeLimit(int(match.group("n")), minimum, " ".join(shown.split()))


# --- language tests ---------------------------------------------------------------------------

_IELTS = re.compile(r"(?:IELTS|[آا]يلتس|الآيلتس|الايلتس)(?:\s+(?:academic|Academic|UKVI|أكاديمي))?[^\d\n]{0,40}?"
                    r"(?<![\d.])(?P<n>[4-9](?:\.[05])?)(?![\d%])", re.IGNORECASE)
_IELTS_BEFORE = re.compile(r"(?<![\d.])(?P<n>[4-9](?:\.[05])?)\s+(?:(?:overall\s+)?(?:band\s+)?(?:score\s+)?(?:in|on)\s+(?:the\s+)?)?"
                           r"(?:IELTS|[آا]يلتس)", re.IGNORECASE)
_TOEFL = re.compile(r"(?:TOEFL|التوفل|توفل)(?:\s*\(?\s*(?:iBT|IBT|internet[\s-]based)\s*\)?)?[^\d\n]{0,40}?"
                    r"(?<![\d.])(?P<n>\d{2,3})(?![\d%])", re.IGNORECASE)
_TOEFL_BEFORE = re.compile(r"(?<![\d.])(?P<n>\d{2,3})\s+(?:points?\s+)?(?:(?:in|on)\s+(?:the\s+)?)?(?:TOEFL|التوفل|توفل)",
                           re.IGNORECASE)
_TESTS = {"IELTS": re.compile(r"IELTS|[آا]يلتس", re.IGNORECASE), "TOEFL": re.compile(r"TOEFL|توفل", re.IGNORECASE),
          "TestDaF": re.compile(r"TestDaF|Test\s?DaF", re.IGNORECASE), "DELF": re.compile(r"\bDELF\b|\bDALF\b"),
          "TÖMER": re.compile(r"T[ÖO]MER|تومر", re.IGNORECASE), "Duolingo": re.compile(r"Duolingo", re.IGNORECASE),
          "PTE": re.compile(r"\bPTE\b"), "Cambridge": re.compile(r"\bCAE\b|\bCPE\b|Cambridge\s+(?:English|C1|C2)"),
          "HSK": re.compile(r"\bHSK\b"), "GRE": re.compile(r"\bGRE\b"), "GMAT": re.compile(r"\bGMAT\b")}


@dataclass(frozen=True)
class LanguageTests:
    """The tests a call names and the minimum scores it states (IELTS band, TOEFL iBT points)."""

    named: tuple[str, ...]
    ielts: Decimal | None
    toefl: int | None


def find_language_tests(text: str) -> LanguageTests:
    text = fold_digits(text)
    named = tuple(name for name, pattern in _TESTS.items() if pattern.search(text))
    ielts = _first_score(text, (_IELTS, _IELTS_BEFORE), lambda n: 4 <= float(n) <= 9)
    toefl = _first_score(text, (_TOEFL, _TOEFL_BEFORE), lambda n: 40 <= float(n) <= 120 and "." not in n)
    return LanguageTests(named, Decimal(ielts) if ielts else None, int(toefl) if toefl else None)


def _first_score(text: str, patterns, plausible) -> str | None:
    found = []
    for pattern in patterns:
        for match in pattern.finditer(text):
            # the number must not be a year, a date or a percentage the sentence gives next to the test name
            if plausible(match.group("n")):
                found.append((match.start(), match.group("n")))
                break
    return min(found)[1] if found else None


# --- language of study ---------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _language_table() -> tuple[dict[tuple[str, ...], str], tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...],
                               frozenset[str], dict[str, dict[str, str]]]:
    raw = read_data("details.toml")
    names = {tuple(normalize_english(name).split()): code for code, forms in raw["languages"].items() for name in forms}
    before = tuple(tuple(normalize_english(cue).split()) for cue in raw["study_language_cues"]["before"])
    after = tuple(tuple(normalize_english(cue).split()) for cue in raw["study_language_cues"]["after"])
    study = frozenset(normalize_english(word) for word in raw["study_language_cues"]["arabic_study_words"])
    return names, before, after, study, raw["language_names"]


def language_name(code: str, lang: str) -> str:
    """A language of study's name in English or Arabic (the code itself when the table lacks it)."""
    return _language_table()[4].get(code, {}).get(lang, code)


def study_language_codes() -> tuple[str, ...]:
    """Every language of study the extractor knows, by ISO 639-1 code."""
    return tuple(_language_table()[4])


_ARABIC_IN_LANGUAGE = "لغه"   # «باللغة» normalized: the article and the preposition are stripped


def find_study_languages(sentences: list[list[str]]) -> tuple[str, ...]:
    """Languages a programme is taught in: a language name right after "taught in", "language of
    instruction", «لغة التدريس» …, or before "-taught"; «باللغة X» only in a sentence about study."""
    names, before, after, study, _ = _language_table()
    found: dict[str, None] = {}
    for words in sentences:
        has_study_word = any(word in study for word in words)
        for position in range(len(words)):
            for form, code in names.items():
                if tuple(words[position:position + len(form)]) != form:
                    continue
                preceding = [cue for cue in before if tuple(words[max(0, position - len(cue)):position]) == cue]
                if preceding and (preceding != [(_ARABIC_IN_LANGUAGE,)] or has_study_word):
                    found[code] = None
                elif any(tuple(words[position + len(form):position + len(form) + len(cue)]) == cue for cue in after):
                    found[code] = None
                # "English and German": a second language joined to one just found
                elif position >= 2 and words[position - 1] in ("and", "or", "و", "او") and \
                        names.get((words[position - 2],)) in found:
                    found[code] = None
    return tuple(found)


# «برامج الماجستير باللغة الإنجليزية», «يتم تدريسها باللغة الإنجليزية», «باللغتين الإنجليزية والتركية»: a
# study word at most three words before «باللغة». Read on the text as written, because the normalization
# turns «باللغة» and «اللغة» («إجادة اللغة الإنجليزية», a requirement) into the same word.
_AR_TAUGHT_IN = re.compile(
    r"(?<![\u0600-\u06ff])[وف]?(?:برامج|برنامج|البرنامج|البرامج|الدراسات|الدراسة|منهج\S*|دراسي\S*|التدريس|تدريس\S*|"
    r"تدرس|تُدرس|يدرس|يُدرس|المساقات|مساقات|الماجستير|البكالوريوس|الدكتوراه)(?:\s+\S+){0,3}?\s+باللغ(?:ة|تين)\s+"
    r"(?P<first>[\u0621-\u065f\u0670-\u06d3]+)(?:\s+(?:و|أو)\s*(?P<second>[\u0621-\u065f\u0670-\u06d3]+)|\s+(?P<joined>و[\u0621-\u065f\u0670-\u06d3]+))?")


def find_arabic_taught_in(text: str) -> tuple[str, ...]:
    """Languages an Arabic call says its programme is taught in («البرامج باللغة الإنجليزية»)."""
    names = _language_table()[0]
    found: dict[str, None] = {}
    for match in _AR_TAUGHT_IN.finditer(text):
        for group in ("first", "second", "joined"):
            word = match.group(group)
            code = names.get(tuple(normalize_english(word).split())) if word else None
            if code:
                found[code] = None
    return tuple(found)


# --- documents -----------------------------------------------------------------------------------

DOCUMENTS = ("cv", "motivation_letter", "recommendation_letters", "transcripts", "degree_certificate", "passport",
             "language_certificate", "research_proposal", "photo")
