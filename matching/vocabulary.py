"""Call wording as data: the compiled phrase index and the funder-category hints.

Everything here is read from matching/data/ once per process and cached.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from .errors import TaxonomyError
from .normalize import normalize_english
from .eligibility import eligibility_phrases
from .names import ANCHOR_WORDS
from .phrases import Entry, PhraseIndex
from .taxonomy import LANGUAGES, Taxonomy, load_taxonomy, read_data

# A phrase that names a field outright outweighs one that only suggests it.
KEYWORD_WEIGHT = 3.0
TOPIC_WEIGHT = 1.0
NO_LEVEL = "_none"   # level phrases that only exist to shadow a false level ("faculty of")
NOT_A_FIELD = "_none"   # field-looking phrases that name no field ("health insurance")

_HORIZON = re.compile(r"\bHORIZON-(CL\d|[A-Z]{3,5})\b", re.IGNORECASE)
_BRACKETED = re.compile(r"\(([^()]{2,40})\)")
_TOKEN_SPLIT = re.compile(r"[\s/,;]+")


@dataclass(frozen=True)
class Vocabulary:
    index: PhraseIndex
    kind_order: tuple[str, ...]
    admitting: frozenset[str]
    restricting: frozenset[str]
    funders: dict[str, dict[str, tuple[str, ...]]]   # scheme -> lower-cased key -> codes
    programme_names: re.Pattern | None                # multi-word programme names, for titles


def _field_phrases(taxonomy: Taxonomy) -> Iterator[tuple[str, Entry]]:
    """Field keywords; a phrase listed under several codes of one broad field counts once for
    that field, shared among its most specific codes ("الطب" under 091 and 0912 goes to 0912)."""
    by_phrase: dict[tuple[str, float], set[str]] = defaultdict(set)
    for code, field in taxonomy.fields.items():
        for lang in LANGUAGES:
            for phrase in field.keywords.get(lang, ()):
                by_phrase[(normalize_english(phrase), KEYWORD_WEIGHT)].add(code)
            for phrase in field.topics.get(lang, ()):
                by_phrase[(normalize_english(phrase), TOPIC_WEIGHT)].add(code)
    for (phrase, weight), codes in by_phrase.items():
        if weight == TOPIC_WEIGHT and (phrase, KEYWORD_WEIGHT) in by_phrase:
            codes = codes - by_phrase[(phrase, KEYWORD_WEIGHT)]
        # sorted: a phrase under two fields must give its entries in the same order in every
        # process, or float sums (and so trained models) differ with the string-hash seed
        for broad in sorted({c[:2] for c in codes}):
            mine = sorted(c for c in codes if c[:2] == broad)
            specific = [c for c in mine if not any(o != c and o.startswith(c) for o in mine)]
            for code in specific:
                yield phrase, Entry("field", code, weight / len(specific), weight == KEYWORD_WEIGHT)


def _facet_phrases(data: dict) -> Iterator[tuple[str, Entry]]:
    for lang in LANGUAGES:
        for phrase in data["any"].get(lang, ()):
            yield phrase, Entry("any", "any")
        for phrase in data["exclusions"].get(lang, ()):
            yield phrase, Entry("exclusion", "palestine")
        for phrase in data.get("not_fields", {}).get(lang, ()):
            yield phrase, Entry("field", NOT_A_FIELD, 0.0)
        for phrase in data.get("deadline_cues", {}).get(lang, ()):
            yield phrase, Entry("deadline_cue", "cue")
        for phrase in data.get("field_cues", {}).get(lang, ()):
            yield phrase, Entry("field_cue", "listed")
        for phrase in data.get("field_exceptions", {}).get(lang, ()):
            yield phrase, Entry("field_exception", "except")
        for phrase in data.get("general_award", {}).get(lang, ()):
            yield phrase, Entry("general_award", "any")
        for phrase in data.get("level_requirements", {}).get(lang, ()):
            yield phrase, Entry("level_requirement", "held")
    for phrase in data.get("level_requirements", {}).get("not_eligible", ()):
        yield phrase, Entry("level_exclusion", "not_eligible")
    yield from eligibility_phrases()
    for word in ANCHOR_WORDS:
        yield word, Entry("name_anchor", "name")
    for category, section in (("level", "levels"), ("kind", "kinds"), ("region", "regions")):
        for value, by_lang in data[section].items():
            if not isinstance(by_lang, dict):
                continue   # settings such as kind_order live beside the phrase tables
            for lang, phrases in by_lang.items():
                for phrase in phrases:
                    yield phrase, Entry(category, NO_LEVEL if value == "none" else value)


def _read_funders() -> dict[str, dict[str, tuple[str, ...]]]:
    taxonomy = load_taxonomy()
    funders = {}
    for scheme, table in read_data("funders.toml").items():
        mapped = {}
        for key, codes in table.items():
            unknown = [c for c in codes if c not in taxonomy.fields]
            if unknown:
                raise TaxonomyError(f"matching/data/funders.toml: [{scheme}] {key} maps to unknown codes {unknown}")
            mapped[key.strip().lower()] = tuple(codes)
        funders[scheme] = mapped
    return funders


def _read_vocabulary_data() -> dict:
    data = read_data("vocabulary.toml")
    for section in ("any", "levels", "kinds", "regions", "exclusions"):
        if section not in data:
            raise TaxonomyError(f"matching/data/vocabulary.toml has no [{section}] table")
    return data


def read_phrases(data: dict | None = None) -> list[tuple[str, Entry]]:
    """Every phrase of the taxonomy and vocabulary files with what it means: what the index is
    compiled from (`data` is vocabulary.toml, when the caller has read it already)."""
    return list(_field_phrases(load_taxonomy())) + list(_facet_phrases(data or _read_vocabulary_data()))


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """Compile the phrase index from the taxonomy and vocabulary files (once per process)."""
    data = _read_vocabulary_data()
    regions = data["regions"]
    return Vocabulary(
        index=PhraseIndex(read_phrases(data)),
        kind_order=tuple(data["kinds"].get("kind_order", ())),
        admitting=frozenset(regions.get("admitting", ())),
        restricting=frozenset(regions.get("restricting", ())),
        funders=(funders := _read_funders()),
        programme_names=_name_pattern(funders.get("programmes", {})),
    )


def _name_pattern(programmes: dict[str, tuple[str, ...]]) -> re.Pattern | None:
    names = sorted((k for k in programmes if " " in k), key=len, reverse=True)
    if not names:
        return None
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE)


def codes_for_category(category: str) -> tuple[str, ...]:
    """ISCED-F codes a funder's own category implies: a Grants.gov code ("HL"), a Horizon call id
    ("HORIZON-CL5-2025-D3-01"), a UKRI council ("EPSRC") or a DARPA research topic."""
    funders = load_vocabulary().funders
    key = category.strip().lower()
    horizon = _HORIZON.search(category)
    if horizon:
        return funders.get("horizon", {}).get(horizon.group(1).lower(), ())
    if category.strip().isupper() and key in funders.get("grants_gov", {}):
        return funders["grants_gov"][key]
    for scheme in ("ukri", "darpa", "grants_gov"):
        if key in funders.get(scheme, {}):
            return funders[scheme][key]
    return ()


def _looks_like_acronym(token: str) -> bool:
    """"SaTC", "EFRI", "oVert", "SI2-SSE", not "Advance" or "includes": a programme acronym written
    as one, so an ordinary capitalised word before a colon is not read as a programme."""
    return any(c.isupper() for c in token[1:])


def _title_tokens(title: str) -> Iterator[str]:
    """Words where titles name programmes: before a colon ("CIF: Small: …") or in brackets."""
    segments = title.split(":")[:-1] + _BRACKETED.findall(title)
    for segment in segments:
        for token in _TOKEN_SPLIT.split(segment.strip()):
            token = token.strip(".()[]:")
            if not token or not _looks_like_acronym(token):
                continue
            yield token
            if "-" in token:
                yield token.split("-")[0]


def programmes_in_title(title: str) -> list[tuple[str, tuple[str, ...]]]:
    """Funders' programmes a call's title names, as (the words found, the codes they imply), in
    the order they appear; each programme once."""
    vocabulary = load_vocabulary()
    programmes = vocabulary.funders.get("programmes", {})
    if not programmes or not title:
        return []
    found: dict[str, tuple[str, tuple[str, ...]]] = {}
    for token in _title_tokens(title):
        codes = programmes.get(token.lower())
        if codes and codes not in [c for _, c in found.values()]:
            found.setdefault(token.lower(), (token, codes))
    if vocabulary.programme_names is not None:
        for match in vocabulary.programme_names.finditer(title):
            codes = programmes[match.group(1).lower()]
            if codes not in [c for _, c in found.values()]:
                found.setdefault(match.group(1).lower(), (match.group(1), codes))
    return list(found.values())
