"""A call's search text: its own words and the names of its tags in both languages, normalized as
the tagger normalizes, so that the database's full-text index finds "PhD", "دكتوراه" and "Hungary"
whatever words the call itself used. The query goes through `search_terms`, the same normalization.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .countries import countries_named, load_countries
from .normalize import normalize_english
from .taxonomy import ANY, load_taxonomy, read_data

# Raise when the document's recipe changes: stored calls with an older version are indexed again.
SEARCH_VERSION = 2   # 2: coverage read anew (a share of the fees is partial; full tuition is not full funding)


@dataclass(frozen=True)
class Searchable:
    """What a call's search text is made of."""

    title: str
    summary: str = ""
    text: str = ""
    provider: str = ""
    kind: str = ""
    levels: tuple[str, ...] = ()
    disciplines: tuple[str, ...] = ()
    host_country: str = ""
    coverage: str = ""


@lru_cache(maxsize=1)
def _names() -> dict[str, dict[str, tuple[str, ...]]]:
    return {group: {key: tuple(values) for key, values in table.items()}
            for group, table in read_data("search_names.toml").items()}


def _field_names(code: str) -> list[str]:
    taxonomy = load_taxonomy()
    if code == ANY or code == "all":
        return list(_names()["any_field"]["any"])
    if code not in taxonomy.fields:
        return []
    codes = [*taxonomy.parents(code), code]
    return [name for each in codes for name in (taxonomy.name(each, "en"), taxonomy.name(each, "ar"))]


def tag_names(call: Searchable) -> list[str]:
    """The names, English and Arabic, of the call's kind, levels, fields, coverage and countries."""
    names = _names()
    found = list(names["kinds"].get(call.kind, ()))
    for level in call.levels:
        found += names["levels"].get(level, ())
    for code in call.disciplines:
        found += _field_names(code)
    found += names["coverage"].get(call.coverage, ())
    countries = load_countries()
    named = dict.fromkeys([call.host_country, *countries_named(f"{call.title}\n{call.summary}\n{call.text}")])
    for code in named:
        if code in countries:
            found += [countries[code].en, countries[code].ar]
    return found


def search_document(call: Searchable) -> str:
    """The normalized text the full-text index holds for `call`."""
    parts = [call.title, call.summary, call.provider, call.text, *tag_names(call)]
    return normalize_english("\n".join(part for part in parts if part))


def search_terms(text: str) -> tuple[str, ...]:
    """A visitor's search words in the form the index holds them (dropping words with no letter or digit)."""
    return tuple(dict.fromkeys(word for word in normalize_english(text).split() if any(c.isalnum() for c in word)))
