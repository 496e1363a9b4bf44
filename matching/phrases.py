"""A compiled phrase index: every keyword of every kind, looked up in one pass over the tokens.

Phrases are stored as tuples of normalized tokens keyed by their first token, so a call costs one
dict lookup per word whatever the vocabulary size, and matches fall on word boundaries by
construction ("art" never matches inside "start").
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from .normalize import normalize_english, tokenize

# Conjunctions and prepositions glued to an Arabic word without the article ("وهندسة").
_ARABIC_CLITICS = "وفبل"


@dataclass(frozen=True)
class Entry:
    """What a phrase means: a category ("field", "level", "kind", "region", "any", "exclusion",
    "none"), its value (a code, a level name …) and how much one occurrence weighs."""

    category: str
    value: str
    weight: float = 1.0


@dataclass(frozen=True)
class Hit:
    """One phrase found in a text: token span, character span and what it means."""

    entry: Entry
    start: int       # character offsets into the text the tokens came from
    end: int
    key: tuple[str, ...]


class PhraseIndex:
    """Phrases grouped by first token; longest match wins within a category."""

    def __init__(self, phrases: Iterable[tuple[str, Entry]]):
        table: dict[tuple[str, ...], list[Entry]] = defaultdict(list)
        for phrase, entry in phrases:
            key = tuple(normalize_english(phrase).split())
            if key and entry not in table[key]:
                table[key].append(entry)
        by_first: dict[str, list[tuple[tuple[str, ...], tuple[Entry, ...]]]] = defaultdict(list)
        for key, entries in table.items():
            by_first[key[0]].append((key, tuple(entries)))
        for candidates in by_first.values():
            candidates.sort(key=lambda c: -len(c[0]))   # longest first
        self._by_first = dict(by_first)
        self.size = len(table)

    def _candidates(self, token: str) -> list:
        found = self._by_first.get(token)
        if found is None and len(token) > 3 and token[0] in _ARABIC_CLITICS and "\u0600" <= token[-1] <= "\u06ff":
            found = self._by_first.get(token[1:])
        return found or []

    def find(self, text: str) -> list[Hit]:
        """Every phrase in `text`; a category's tokens are consumed by its longest phrase."""
        tokens = tokenize(text)
        words = [t[0] for t in tokens]
        covered: dict[str, int] = {}
        hits: list[Hit] = []
        n = len(words)
        for i in range(n):
            candidates = self._candidates(words[i])
            if not candidates:
                continue
            for key, entries in candidates:
                size = len(key)
                if size > 1 and (i + size > n or tuple(words[i + 1:i + size]) != key[1:]):
                    continue
                for entry in entries:
                    if covered.get(entry.category, 0) > i:
                        continue
                    hits.append(Hit(entry, tokens[i][1], tokens[i + size - 1][2], key))
                for entry in entries:
                    covered[entry.category] = max(covered.get(entry.category, 0), i + size)
        return hits
