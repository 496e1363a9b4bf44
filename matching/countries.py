"""Countries named in a call: for the search text (both languages) and the host country.

The table is matching/data/countries.toml. Names are found as whole normalized word sequences, so
"المجرية" and "Hungarian" both name Hungary and "Jordanian" does not hide inside another word.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .normalize import normalize_english
from .taxonomy import read_data

# Words before a country that make it the applicants' home, not the host ("students from Egypt").
_HOME_CUES = frozenset(normalize_english(word) for word in (
    "from", "citizen", "citizens", "national", "nationals", "nationality", "من", "لمواطني", "مواطني", "جنسية"))
# Word sequences after which a country is where the call takes place.
_HOST_CUES = tuple(tuple(normalize_english(cue).split()) for cue in (
    "study in", "studying in", "studies in", "universities in", "university in", "based in", "hosted in",
    "held in", "takes place in", "take place in", "research stay in", "internship in",
    "الدراسة في", "للدراسة في", "جامعات", "في جامعات", "الجامعات في", "تعقد في", "يعقد في", "تقام في"))


@dataclass(frozen=True)
class Country:
    """One country of the table: its code, the names a visitor reads, and every form a call may use."""

    code: str
    en: str
    ar: str
    forms: tuple[tuple[str, ...], ...]   # normalized word sequences

    def name(self, lang: str) -> str:
        return self.ar if lang == "ar" else self.en


@lru_cache(maxsize=1)
def load_countries() -> dict[str, Country]:
    """code -> Country, parsed once per process, in the table's order."""
    table: dict[str, Country] = {}
    for code, raw in read_data("countries.toml").items():
        names = [raw["name"]["en"], raw["name"]["ar"], *raw.get("en", ()), *raw.get("ar", ())]
        forms = tuple(dict.fromkeys(tuple(normalize_english(name).split()) for name in names))
        table[code] = Country(code, raw["name"]["en"], raw["name"]["ar"], tuple(form for form in forms if form))
    return table


@lru_cache(maxsize=1)
def _by_first_word() -> dict[str, tuple[tuple[tuple[str, ...], str], ...]]:
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for country in load_countries().values():
        for form in country.forms:
            index.setdefault(form[0], []).append((form, country.code))
    # longest form first, so "united states of america" wins over "united states"
    return {word: tuple(sorted(found, key=lambda item: -len(item[0]))) for word, found in index.items()}


def country_mentions(words: list[str]) -> list[tuple[int, str]]:
    """(position, code) of each country named in normalized `words`."""
    index = _by_first_word()
    found = []
    position = 0
    while position < len(words):
        for form, code in index.get(words[position], ()):
            if tuple(words[position:position + len(form)]) == form:
                found.append((position, code))
                position += len(form) - 1
                break
        position += 1
    return found


def countries_named(text: str) -> tuple[str, ...]:
    """The codes of the countries `text` names anywhere, in order of first mention."""
    return tuple(dict.fromkeys(code for _, code in country_mentions(normalize_english(text).split())))


def find_host_country(title: str, text: str) -> str:
    """The country a call takes place in, when it says so plainly; "" when it does not.

    Conservative on purpose: the one country its title names (leaving out "from X", "citizens of
    X"), else the one country its text names right after "study in", "universities in", "الدراسة في"
    …; two candidates, or none, leave it unknown.
    """
    words = normalize_english(title).split()
    in_title = {code for position, code in country_mentions(words)
                if position == 0 or words[position - 1] not in _HOME_CUES}
    if len(in_title) == 1:
        return in_title.pop()
    if in_title:
        return ""
    words = normalize_english(text).split()
    hosts = set()
    for position, code in country_mentions(words):
        if any(tuple(words[max(0, position - len(cue)):position]) == cue for cue in _HOST_CUES):
            hosts.add(code)
    return hosts.pop() if len(hosts) == 1 else ""
