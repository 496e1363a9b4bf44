"""What a call pays and what it asks, where it says so (issue 16.3): what it covers (tuition, a
stipend, travel, housing, health insurance; full or partial), how much, for how long, where and at
which institution, the language of study and test scores, an age limit and the documents to send.

Conservative on purpose: an item is read only from a sentence that states a benefit (or asks for a
document) or from under a heading that does, never from one that negates it; what a call does not
state stays empty. The phrases are data (matching/data/details.toml).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import lru_cache

from .amounts import Amount, find_amounts
from .coverage import find_coverage
from .durations import Duration, find_duration
from .normalize import normalize_english, strip_html
from .requirements import DOCUMENTS, find_age_limit, find_arabic_taught_in, find_language_tests, find_study_languages
from .taxonomy import read_data

COVERS = ("tuition", "stipend", "travel", "housing", "insurance")
# Raise when the recipe changes: stored calls with an older record are read again (pipeline.read_stale_details).
DETAILS_VERSION = 2

_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+|\s*[•·▪●]\s*|\s+[-–]\s+(?=\S)|\n+")
_INSTITUTION_EN = re.compile(
    r"(?:[A-Z][\w'’&.-]+\s+){0,4}"
    r"(?:University|Institute|College|Academy|Universität|Université|Universidad|Università|Universiteit|Polytechnic)"
    r"(?:\s+(?:of|for|in)(?:\s+(?:[A-Z][\w'’&.-]+|and|the|of))+)?")
_INSTITUTION_AR = re.compile(r"(?<![\u0600-\u06ff])(?:[وب]?)(?P<name>(?:جامعة|معهد|أكاديمية|كلية)(?:\s+(?!(?:في|من|عن|على|إلى|الى|مع|التي|الذي|"
                             r"لعام|للعام|لدراسة|للدراسة|للطلاب|ضمن|حيث|وهي|هي|كما|بعد|قبل|الحكومية|الخاصة|و|أو)(?![\u0600-\u06ff]))"
                             r"[\u0600-\u06ffA-Za-z]+){1,4})")
_GENERIC_AR = frozenset({"جامعة", "معهد", "أكاديمية", "كلية"})


@dataclass(frozen=True)
class CallDetails:
    """What one call states it pays for and asks; every field empty when the call does not say."""

    coverage: str = ""                          # "full", "partial" or "" (coverage.py)
    covers: tuple[str, ...] = ()                # of COVERS, in that order
    amounts: tuple[Amount, ...] = ()
    duration: Duration | None = None
    institution: str = ""
    study_languages: tuple[str, ...] = ()       # ISO 639-1 codes ("en", "de", "ar")
    tests: tuple[str, ...] = ()                 # language and admission tests named ("IELTS", "TOEFL")
    ielts: Decimal | None = None                # minimum band stated
    toefl: int | None = None                    # minimum iBT score stated
    age_max: int | None = None
    age_min: int | None = None
    documents: tuple[str, ...] = ()             # of requirements.DOCUMENTS, in that order
    evidence: tuple[str, ...] = field(default=(), compare=False)   # the words read, for staff to check

    @property
    def pays(self) -> bool:
        return bool(self.coverage or self.covers or self.amounts or self.duration)

    @property
    def asks(self) -> bool:
        return bool(self.study_languages or self.ielts or self.toefl or self.age_max or self.documents or self.tests)

    def __bool__(self) -> bool:
        return self.pays or self.asks or bool(self.institution)

    def as_dict(self) -> dict:
        """JSON-ready, as stored on the call (storage keeps it as one JSON column)."""
        raw = asdict(self)
        raw["amounts"] = [amount.as_dict() for amount in self.amounts]
        raw["duration"] = self.duration.as_dict() if self.duration else None
        raw["ielts"] = str(self.ielts) if self.ielts is not None else None
        for key in ("covers", "study_languages", "tests", "documents", "evidence"):
            raw[key] = list(raw[key])
        raw["version"] = DETAILS_VERSION
        return raw

    @classmethod
    def from_dict(cls, raw: dict | None) -> CallDetails:
        """The stored form back; unknown or broken values are left out, never guessed."""
        if not raw:
            return cls()
        amounts = tuple(Amount.from_dict(each) for each in raw.get("amounts") or () if isinstance(each, dict))
        duration = Duration.from_dict(raw["duration"]) if isinstance(raw.get("duration"), dict) else None
        ielts = raw.get("ielts")
        return cls(
            coverage=str(raw.get("coverage") or ""), covers=tuple(c for c in raw.get("covers") or () if c in COVERS),
            amounts=tuple(a for a in amounts if a.currency), duration=duration,
            institution=str(raw.get("institution") or ""), study_languages=tuple(raw.get("study_languages") or ()),
            tests=tuple(raw.get("tests") or ()), ielts=Decimal(str(ielts)) if ielts not in (None, "") else None,
            toefl=_int(raw.get("toefl")), age_max=_int(raw.get("age_max")), age_min=_int(raw.get("age_min")),
            documents=tuple(d for d in raw.get("documents") or () if d in DOCUMENTS),
            evidence=tuple(raw.get("evidence") or ()))


def _int(value) -> int | None:
    try:
        return None if value in (None, "") else int(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class _Vocabulary:
    covers: dict[str, tuple[tuple[str, ...], ...]]
    documents: dict[str, tuple[tuple[str, ...], ...]]
    benefit_cues: frozenset[str]
    document_cues: frozenset[str]
    benefit_headings: tuple[tuple[str, ...], ...]
    document_headings: tuple[tuple[str, ...], ...]
    negations: tuple[tuple[str, ...], ...]
    sentence_negations: tuple[tuple[str, ...], ...]
    navigation_starts: tuple[tuple[str, ...], ...]


def _forms(phrases) -> tuple[tuple[str, ...], ...]:
    return tuple(dict.fromkeys(form for form in (tuple(normalize_english(p).split()) for p in phrases) if form))


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    raw = read_data("details.toml")
    return _Vocabulary(
        covers={item: _forms(raw["covers"][item]) for item in COVERS},
        documents={item: _forms(raw["documents"][item]) for item in DOCUMENTS},
        benefit_cues=frozenset(word for form in _forms(raw["covers"]["benefit_cues"]) for word in form),
        document_cues=frozenset(word for form in _forms(raw["documents_cues"]["words"]) for word in form),
        benefit_headings=_forms(raw["covers"]["benefit_headings"]),
        document_headings=_forms(raw["covers"]["document_headings"]),
        negations=_forms(raw["covers"]["negations"]),
        sentence_negations=_forms(raw["covers"]["sentence_negations"]),
        navigation_starts=_forms(raw["covers"]["navigation_starts"]),
    )


@dataclass(frozen=True)
class _Sentence:
    text: str
    words: tuple[str, ...]
    section: str       # "benefits", "documents" or ""


def _is_heading(line: str, words: tuple[str, ...], headings) -> bool:
    return 0 < len(words) <= 6 and any(words[:len(h)] == h and len(words) - len(h) <= 2 for h in headings) and \
        not line.rstrip().endswith((".", "؟", "?"))


def _sentences(text: str) -> list[_Sentence]:
    """The call's sentences, each with the section (benefits, documents) its heading puts it in."""
    vocabulary = _vocabulary()
    found = []
    section = ""
    for line in strip_html(text).splitlines():
        line = line.strip()
        if not line:
            continue
        words = tuple(normalize_english(line).split())
        if _is_heading(line, words, vocabulary.benefit_headings):
            section = "benefits"
        elif _is_heading(line, words, vocabulary.document_headings):
            section = "documents"
        elif line.endswith((":", "：")) and len(words) <= 8:
            section = "benefits" if vocabulary.benefit_cues & set(words) else \
                "documents" if vocabulary.document_cues & set(words) else ""
        elif len(words) <= 4 and not line.endswith((".", "،", ",")) and section and _looks_like_heading(line):
            section = ""
        for part in _SENTENCE_END.split(line):
            part_words = tuple(normalize_english(part).split())
            if any(part_words[:len(start)] == start for start in vocabulary.navigation_starts):
                continue   # an aggregator's link to its other pages
            if part_words:
                found.append(_Sentence(part, part_words, section))
    return found


def _looks_like_heading(line: str) -> bool:
    """A short title-like line ("About the university", «حول المؤسسة») ends the section above it."""
    return line.split()[0].lower() in {"about", "eligibility", "requirements", "how", "deadline", "حول", "معايير",
                                       "شروط", "الشروط", "الأهلية", "نبذة", "مقالات", "اقرأ", "للمزيد", "آخر", "موعد"}


def _at(words: tuple[str, ...], form: tuple[str, ...]) -> list[int]:
    """Where `form` starts in `words`; its first word may carry the conjunction و («وتأمين صحي»), which
    the normalization strips only together with the article."""
    size = len(form)
    first = form[0]
    return [i for i in range(len(words) - size + 1)
            if (words[i] == first or words[i][:1] == "و" and words[i][1:] == first)
            and words[i + 1:i + size] == form[1:]]


def _negated(words: tuple[str, ...], position: int, negations) -> bool:
    window = words[max(0, position - 6):position]
    return any(_at(window, negation) for negation in negations)


def _items_in(sentences: list[_Sentence], table: dict[str, tuple[tuple[str, ...], ...]], section: str,
              cues: frozenset[str], negations, sentence_negations=()) -> tuple[tuple[str, ...], list[str]]:
    found: dict[str, None] = {}
    quotes: list[str] = []
    for sentence in sentences:
        if sentence.section != section and not cues & set(sentence.words):
            continue
        if any(_at(sentence.words, negation) for negation in sentence_negations):
            continue
        for item, forms in table.items():
            if item in found:
                continue
            for form in forms:
                if any(not _negated(sentence.words, at, negations) for at in _at(sentence.words, form)):
                    found[item] = None
                    quotes.append(sentence.text[:160])
                    break
    return tuple(item for item in table if item in found), quotes


def find_institution(title: str, text: str) -> str:
    """The host institution a call names first (its title before its text), or ""."""
    for part in (title, text[:1500]):
        english = [m.group().strip() for m in _INSTITUTION_EN.finditer(part)]
        english = [name for name in english if len(name.split()) >= 2]
        arabic = [m.group("name") for m in _INSTITUTION_AR.finditer(part) if m.group("name") not in _GENERIC_AR]
        named = [*english, *arabic]
        if named:
            return min(named, key=part.find)[:120]
    return ""


def find_details(title: str, text: str) -> CallDetails:
    """Everything the call states that it pays and asks (see the module's docstring)."""
    vocabulary = _vocabulary()
    whole = f"{title}\n{text}"
    sentences = _sentences(whole)
    covers, cover_quotes = _items_in(sentences, vocabulary.covers, "benefits", vocabulary.benefit_cues,
                                     vocabulary.negations, vocabulary.sentence_negations)
    documents, document_quotes = _items_in(sentences, vocabulary.documents, "documents", vocabulary.document_cues,
                                           vocabulary.negations)
    tests = find_language_tests(whole)
    age = find_age_limit(whole)
    amounts = find_amounts(whole)
    duration = find_duration(whole)
    evidence = [*cover_quotes, *document_quotes, *(amount.text for amount in amounts),
                *((duration.text,) if duration else ()), *((age.text,) if age else ())]
    return CallDetails(
        coverage=find_coverage(title, text), covers=covers, amounts=amounts, duration=duration,
        institution=find_institution(title, text),
        study_languages=tuple(dict.fromkeys([*find_study_languages([list(s.words) for s in sentences]),
                                             *find_arabic_taught_in(whole)])),
        tests=tests.named, ielts=tests.ielts, toefl=tests.toefl,
        age_max=age.maximum if age else None, age_min=age.minimum if age else None,
        documents=documents, evidence=tuple(dict.fromkeys(evidence))[:12])
