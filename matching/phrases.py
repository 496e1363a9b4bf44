"""A compiled phrase index: every keyword of every kind, found in one pass over a text's words.

Phrases are a trie over normalized words (an automaton whose letters are words): one C-level
lookup per word finds where phrases may start, and only those places walk on, so a call costs
the same whatever the vocabulary size, and matches fall on word boundaries by construction ("art"
never matches inside "start").
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import compress, count, repeat
from typing import Iterable, NamedTuple, Optional

from .normalize import normalize_english, tokenize

# Conjunctions and prepositions glued to an Arabic word without the article ("وهندسة").
_ARABIC_CLITICS = tuple("وفبل")


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


# A phrase that ends at a trie node: its length in words, its normalized words, what it means.
_Phrase = tuple[int, tuple[str, ...], tuple[Entry, ...]]
# A trie node: the phrase ending here (or None), and the nodes one word further (or None).
_Node = tuple[Optional[_Phrase], Optional[dict[str, "_Node"]]]


def _build_trie(table: dict[tuple[str, ...], list[Entry]]) -> dict[str, _Node]:
    """The phrases as nested dicts of words; nodes become (phrase, next words) tuples, the cheapest
    shape to unpack while walking."""
    root: dict = {}
    for key, entries in table.items():
        level, node = root, None
        for word in key:
            node = level.setdefault(word, [None, {}])
            level = node[1]
        node[0] = (len(key), key, tuple(entries))

    def freeze(level: dict) -> dict[str, _Node]:
        return {word: (phrase, freeze(after) if after else None) for word, (phrase, after) in level.items()}

    return freeze(root)


class PhraseIndex:
    """Phrases as a trie over their normalized words; longest match wins within a category."""

    def __init__(self, phrases: Iterable[tuple[str, Entry]]):
        table: dict[tuple[str, ...], list[Entry]] = defaultdict(list)
        for phrase, entry in phrases:
            key = tuple(normalize_english(phrase).split())
            if key and entry not in table[key]:
                table[key].append(entry)
        self._root = _build_trie(table)
        self.size = len(table)

    def _unglue(self, forms: list[str], nodes: list[_Node | None]) -> None:
        """Let a phrase start at a word with a conjunction or preposition glued on without the
        article ("وهندسة"), where the word as written starts none."""
        root = self._root
        for i in compress(count(), map(str.startswith, forms, repeat(_ARABIC_CLITICS))):
            form = forms[i]
            if nodes[i] is None and len(form) > 3 and not form.isascii():
                nodes[i] = root.get(form[1:])

    def find(self, text: str) -> list[Hit]:
        """Every phrase in `text`; a category's words are consumed by its longest phrase."""
        words, forms = tokenize(text)
        nodes = list(map(self._root.get, forms))   # where a phrase may start, in one C-level pass
        if not text.isascii():
            self._unglue(forms, nodes)
        n = len(forms)
        covered: dict[str, int] = {}
        hits: list[Hit] = []
        for i in compress(count(), nodes):
            phrase, after = nodes[i]
            if after is None:
                found = (phrase,)
            else:   # walk on while the next words continue a phrase; longest first
                found = [phrase] if phrase else []
                j = i + 1
                while j < n:
                    node = after.get(forms[j])
                    if node is None:
                        break
                    phrase, after = node
                    if phrase:
                        found.append(phrase)
                    if after is None:
                        break
                    j += 1
                if not found:
                    continue
                found.reverse()
            for size, key, entries in found:
                for entry in entries:
                    if covered.get(entry.category, 0) <= i:
                        hits.append(Hit(entry, words[i] if size == 1 else " ".join(words[i:i + size]), key, i))
                for entry in entries:
                    if covered.get(entry.category, 0) < i + size:
                        covered[entry.category] = i + size
        return hits
