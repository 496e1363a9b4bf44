"""Research profiles: what a faculty member works on, as fields and weighted terms, and which calls share them.

A profile is built once from what the person wrote (keywords, pasted titles and abstracts, the
titles of their ORCID works): the tagger places it in ISCED-F fields (and so in FORD fields), and
its words become terms, single words and two-word phrases in the matcher's normal form, weighted by
where they came from (a keyword says more than a word of an abstract). A small glossary brings in
the other language's word, so an Arabic profile meets an English call.

Calls are ranked by the cosine of TF-IDF vectors, the IDF taken over the calls being ranked, and
the reason a person reads is the profile's own words that weigh most in the call ("shares:
desalination, membrane, brackish water"). Pure functions over text and matching/data; no I/O.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from .errors import ResearchInputError
from .normalize import tokenize
from .profiles import Reason
from .tagger import ANY, tag_item
from .taxonomy import load_taxonomy, read_data

# What a person may write: a keyword list is short; a pasted list of publications may hold some
# thirty abstracts, and past that it is a whole CV or a file pasted by mistake.
MAX_KEYWORDS = 2_000           # characters
MAX_PUBLICATIONS = 60_000      # characters
MAX_WORKS = 500                # ORCID works kept (their titles)
MAX_TERMS = 300                # terms a profile keeps, heaviest first
CALL_TEXT_LIMIT = 30_000       # characters of a call read for its terms (the rest is boilerplate)
REASON_TERMS = 3               # words the reason names
# Below this cosine a call shares only a few common words ("model", "field") with a profile: it is not
# put first and gets no reason. On the benchmark's pool (bench/research_ranking.py) the calls judged
# relevant score 0.03-0.2 and the weak tail shares one or two generic words below 0.02.
MIN_SIMILARITY = 0.02
MAX_FIELDS = 3
MAX_FORD = 3

# How much one occurrence of a word says, by where the person wrote it.
SOURCE_WEIGHTS = {"keywords": 3.0, "orcid": 1.5, "publications": 1.0}
PHRASE_BONUS = 1.5             # two words together name a topic more precisely than either alone
TRANSLATION_SHARE = 0.8        # the glossary's other-language term, relative to the person's own
TITLE_REPEAT = 2               # a call's title words count this many times

# Segments a text is cut into before pairing words, so a list ("desalination, membrane") never
# makes the phrase "desalination membrane".
_SEGMENT = re.compile(r"[\n\r\t,;:.!?()\[\]{}\"“”«»،؛؟/|•·–—]+")
_TERM_SEPARATOR = "\n"         # between the words of a reason's `terms` parameter


@dataclass(frozen=True)
class ProfileTerm:
    """One term of a profile: its normal form ("brackish water"), its weight, and the words as the person wrote them."""

    term: str
    weight: float
    label: str


@dataclass(frozen=True)
class ResearchProfile:
    """What Fursa understood of a person's research: ISCED-F codes, FORD fields, weighted terms."""

    fields: tuple[str, ...]
    ford: tuple[str, ...]
    terms: tuple[ProfileTerm, ...]

    @property
    def is_empty(self) -> bool:
        return not self.terms


@dataclass(frozen=True)
class ResearchMatch:
    """How well one call shares a profile's terms: cosine in [0, 1] and the person's words it shares, best first."""

    call_id: int
    score: float
    shared: tuple[str, ...]

    def reason(self) -> Reason:
        """The reason as matching words every reason ("shares: desalination, membrane")."""
        return Reason("shares", (("terms", _TERM_SEPARATOR.join(self.shared)),))


def shared_words(terms: str) -> tuple[str, ...]:
    """The words of a `shares` reason's `terms` parameter, as ResearchMatch.reason joined them."""
    return tuple(word for word in terms.split(_TERM_SEPARATOR) if word)


def check_research_text(keywords: str, publications: str) -> None:
    """Raise ResearchInputError when either text is longer than one person's research description can be."""
    if len(keywords) > MAX_KEYWORDS:
        raise ResearchInputError(
            f"the keywords are {len(keywords):,} characters long; keep them under {MAX_KEYWORDS:,} "
            "(a list of topics, separated by commas)")
    if len(publications) > MAX_PUBLICATIONS:
        raise ResearchInputError(
            f"the publications are {len(publications):,} characters long; paste at most {MAX_PUBLICATIONS:,} "
            "(titles and abstracts of your main publications, not a whole CV or file)")


@lru_cache(maxsize=1)
def _language_data() -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """Stop words in normal form, and each glossary term's other-language terms, in normal form."""
    data = read_data("research_terms.toml")
    stop = frozenset(form for lang in ("en", "ar") for word in data["stopwords"][lang] for form in tokenize(word)[1])
    glossary: dict[str, list[str]] = defaultdict(list)
    for english, arabic in data["glossary"]["pairs"]:
        one, other = _normal_term(english), _normal_term(arabic)
        if one and other:
            glossary[one].append(other)
            glossary[other].append(one)
    return stop, {term: tuple(others) for term, others in glossary.items()}


def _normal_term(phrase: str) -> str:
    """A glossary entry's normal form when it is one or two words (the terms profiles hold), else ''."""
    forms = tokenize(phrase)[1]
    return " ".join(forms) if 1 <= len(forms) <= 2 else ""


def _is_content(form: str, stop: frozenset[str]) -> bool:
    if form in stop or form.isdigit() or not any(ch.isalpha() for ch in form):
        return False
    return len(form) >= (2 if "\u0600" <= form[0] <= "\u06ff" else 3)


def _terms_of(text: str) -> Iterable[tuple[str, str, bool]]:
    """(normal form, the words as written, is a phrase) for every word and two-word phrase of `text`."""
    stop = _language_data()[0]
    for segment in _SEGMENT.split(text):
        words, forms = tokenize(segment)
        previous: tuple[str, str] | None = None
        for word, form in zip(words, forms):
            if not _is_content(form, stop):
                previous = None
                continue
            label = word.lower() if word.isascii() else word
            yield form, label, False
            if previous is not None:
                yield f"{previous[0]} {form}", f"{previous[1]} {label}", True
            previous = (form, label)


def profile_terms(keywords: str, publications: str, works: Iterable[str] = ()) -> tuple[ProfileTerm, ...]:
    """The weighted terms of a research description, heaviest first, with the glossary's translations."""
    raw: dict[str, float] = defaultdict(float)
    labels: dict[str, str] = {}
    sources = (("keywords", keywords), ("orcid", "\n".join(works)), ("publications", publications))
    for source, text in sources:
        for form, label, phrase in _terms_of(text):
            raw[form] += SOURCE_WEIGHTS[source] * (PHRASE_BONUS if phrase else 1.0)
            labels.setdefault(form, label)
    weights = {term: math.log1p(value) for term, value in raw.items()}
    for term, weight in list(weights.items()):
        for other in _language_data()[1].get(term, ()):
            if weights.get(other, 0.0) < weight * TRANSLATION_SHARE:
                weights[other] = weight * TRANSLATION_SHARE
                labels[other] = labels[term]   # the reason names the person's own word
    ranked = sorted(weights, key=lambda term: (-weights[term], term))[:MAX_TERMS]
    return tuple(ProfileTerm(term, round(weights[term], 4), labels[term]) for term in ranked)


def research_fields(keywords: str, publications: str, works: Iterable[str] = ()) -> tuple[str, ...]:
    """ISCED-F codes the tagger reads in the description (keywords as its title), best first."""
    tagging = tag_item(keywords, "\n".join([*works, publications]))
    return tuple(code for code in tagging.codes if code != ANY)[:MAX_FIELDS]


def ford_fields(codes: Iterable[str]) -> tuple[str, ...]:
    """FORD fields ("2.7") whose ISCED-F codes hold, or sit inside, one of `codes`; closest first."""
    found: dict[str, int] = {}
    for code in codes:
        for key, ford in load_taxonomy().ford.items():
            if "." not in key:
                continue
            for theirs in ford.codes:
                if (code.startswith(theirs) and len(theirs) >= 3) or theirs.startswith(code):
                    found[key] = max(found.get(key, 0), min(len(code), len(theirs)))
    return tuple(sorted(found, key=lambda key: (-found[key], [int(p) for p in key.split(".")])))[:MAX_FORD]


def build_research_profile(keywords: str, publications: str = "", works: Iterable[str] = ()) -> ResearchProfile:
    """The profile of a research description; raises ResearchInputError when it is too long or says nothing."""
    check_research_text(keywords, publications)
    works = tuple(works)[:MAX_WORKS]
    terms = profile_terms(keywords, publications, works)
    if not terms and (keywords.strip() or publications.strip() or works):
        raise ResearchInputError("no topic words were found: write a few keywords such as 'water desalination, membranes'")
    codes = research_fields(keywords, publications, works) if terms else ()
    return ResearchProfile(fields=codes, ford=ford_fields(codes), terms=terms)


def call_terms(title: str, text: str) -> Counter[str]:
    """How often each term occurs in a call, its title counted TITLE_REPEAT times."""
    counts: Counter[str] = Counter()
    for form, _, _ in _terms_of(text[:CALL_TEXT_LIMIT]):
        counts[form] += 1
    for form, _, _ in _terms_of(title):
        counts[form] += TITLE_REPEAT
    return counts


@dataclass(frozen=True)
class _CallVector:
    weights: dict[str, float]
    norm: float


class CallIndex:
    """TF-IDF vectors of a set of calls, built once and used for every profile ranked against them."""

    def __init__(self, calls: Iterable[tuple[int, str, str]]):
        counts = {call_id: call_terms(title, text) for call_id, title, text in calls}
        frequency: Counter[str] = Counter()
        for terms in counts.values():
            frequency.update(terms.keys())
        total = len(counts)
        self._unseen_idf = math.log(total + 1) + 1.0
        self._idf = {term: math.log((total + 1) / (df + 1)) + 1.0 for term, df in frequency.items()}
        self._vectors = {call_id: self._vector(terms) for call_id, terms in counts.items()}

    def __len__(self) -> int:
        return len(self._vectors)

    def _vector(self, terms: Counter[str]) -> _CallVector:
        weights = {term: (1.0 + math.log(tf)) * self._idf[term] for term, tf in terms.items()}
        return _CallVector(weights, math.sqrt(sum(w * w for w in weights.values())) or 1.0)

    def idf(self, term: str) -> float:
        return self._idf.get(term, self._unseen_idf)

    def matches(self, profile: ResearchProfile, call_ids: Iterable[int]) -> dict[int, ResearchMatch]:
        """How each call of `call_ids` shares `profile`'s terms (0 and no words for a call the index does not
        hold, or below MIN_SIMILARITY)."""
        query = {t.term: (t.weight * self.idf(t.term), t.label) for t in profile.terms}
        norm = math.sqrt(sum(w * w for w, _ in query.values())) or 1.0
        return {call_id: self._match(query, norm, call_id) for call_id in call_ids}

    def _match(self, query: dict[str, tuple[float, str]], norm: float, call_id: int) -> ResearchMatch:
        call = self._vectors.get(call_id)
        if call is None or not query:
            return ResearchMatch(call_id, 0.0, ())
        parts = sorted(((weight * call.weights[term], term, label) for term, (weight, label) in query.items()
                        if term in call.weights), reverse=True)
        score = round(min(sum(part for part, _, _ in parts) / (norm * call.norm), 1.0), 6)
        return ResearchMatch(call_id, score, _reason_words(parts) if score >= MIN_SIMILARITY else ())

    def match(self, profile: ResearchProfile, call_id: int) -> ResearchMatch:
        """The similarity of one call of the index to `profile`."""
        return self.matches(profile, (call_id,))[call_id]

    def rank(self, profile: ResearchProfile, call_ids: Iterable[int] | None = None) -> list[ResearchMatch]:
        """The calls (all, or `call_ids`) by similarity to `profile`, best first; ties by call id."""
        found = self.matches(profile, self._vectors if call_ids is None else call_ids)
        return sorted(found.values(), key=lambda m: (-m.score, m.call_id))


def _reason_words(parts: list[tuple[float, str, str]]) -> tuple[str, ...]:
    """The person's words of the heaviest shared terms; a word inside a phrase already named is not named again."""
    chosen: list[str] = []
    covered: set[str] = set()
    for _, term, label in parts:
        if label in chosen or term in covered:
            continue
        chosen.append(label)
        covered.add(term)
        covered.update(term.split())
        if len(chosen) == REASON_TERMS:
            break
    return tuple(chosen)
