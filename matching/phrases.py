"""A compiled phrase index: every keyword of every kind, looked up in one pass over the tokens.

Phrases are stored as tuples of normalized tokens keyed by their first token, so a call costs one
dict lookup per word whatever the vocabulary size, and matches fall on word boundaries by
construction ("art" never matches inside "start").
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, NamedTuple

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
    named: bool = False   # a field keyword (it names the field), not a topic word that suggests it


class Hit(NamedTuple):
    """One phrase found in a text: its words as written, and what it means (a NamedTuple, as a
    long call yields hundreds and a frozen dataclass costs several times more to build)."""

    entry: Entry
    phrase: str      # the words as found, joined by single spaces
    key: tuple[str, ...]
    start: int = 0   # index of its first word in the text (lists of fields are read by position)


class PhraseIndex:
    """One-word phrases by their word, longer ones by their first two words; longest match wins
    within a category."""

    def __init__(self, phrases: Iterable[tuple[str, Entry]]):
        table: dict[tuple[str, ...], list[Entry]] = defaultdict(list)
        for phrase, entry in phrases:
            key = tuple(normalize_english(phrase).split())
            if key and entry not in table[key]:
                table[key].append(entry)
        self._single: dict[str, tuple[Entry, ...]] = {}
        pairs: dict[tuple[str, str], list] = defaultdict(list)
        for key, entries in table.items():
            if len(key) == 1:
                self._single[key[0]] = tuple(entries)
            else:
                pairs[key[:2]].append((len(key), list(key[2:]), key, tuple(entries)))
        for candidates in pairs.values():
            candidates.sort(key=lambda c: -c[0])   # longest first
        self._pairs = dict(pairs)
        self._pair_starts = frozenset(first for first, _ in pairs)
        self._starts = frozenset(self._single) | self._pair_starts
        self.size = len(table)

    def _unglued(self, form: str) -> str | None:
        """The word without a conjunction or preposition glued on without the article ("وهندسة")."""
        if len(form) > 3 and form[0] in _ARABIC_CLITICS and not form.isascii():
            rest = form[1:]
            if rest in self._single or rest in self._pair_starts:
                return rest
        return None

    def _matches(self, forms: list[str], i: int, form: str) -> list[tuple[int, tuple[str, ...], tuple[Entry, ...]]]:
        found = []
        n = len(forms)
        if form in self._pair_starts and i + 1 < n:
            for size, rest, key, entries in self._pairs.get((form, forms[i + 1]), ()):
                if size == 2 or (i + size <= n and forms[i + 2:i + size] == rest):
                    found.append((size, key, entries))
        single = self._single.get(form)
        if single:
            found.append((1, (form,), single))
        return found

    def find(self, text: str) -> list[Hit]:
        """Every phrase in `text`; a category's words are consumed by its longest phrase."""
        words, forms = tokenize(text)
        covered: dict[str, int] = {}
        hits: list[Hit] = []
        starts = self._starts
        positions = [(i, f) for i, f in enumerate(forms) if f in starts]
        if not text.isascii():
            positions += [(i, f) for i, f in enumerate(map(self._unglued, forms))
                          if f is not None and forms[i] not in starts]
            positions.sort()
        for i, form in positions:
            for size, key, entries in self._matches(forms, i, form):
                for entry in entries:
                    if covered.get(entry.category, 0) <= i:
                        hits.append(Hit(entry, " ".join(words[i:i + size]), key, i))
                for entry in entries:
                    if covered.get(entry.category, 0) < i + size:
                        covered[entry.category] = i + size
        return hits
