"""How much a call pays for, when it states it: "full", "partial", or "" (not stated, or both)."""
from __future__ import annotations

from functools import lru_cache

from .normalize import normalize_english
from .taxonomy import read_data

FULL = "full"
PARTIAL = "partial"
COVERAGES = (FULL, PARTIAL)


@lru_cache(maxsize=1)
def _phrases() -> tuple[dict[str, tuple[tuple[str, ...], ...]], frozenset[str]]:
    raw = read_data("coverage.toml")
    phrases = {kind: tuple(tuple(normalize_english(p).split()) for p in raw[kind]) for kind in COVERAGES}
    return phrases, frozenset(normalize_english(word) for word in raw["negations"])


def _states(words: list[str], phrase: tuple[str, ...], negations: frozenset[str]) -> bool:
    size = len(phrase)
    return any(tuple(words[i:i + size]) == phrase and (i == 0 or words[i - 1] not in negations)
               for i in range(len(words) - size + 1) if words[i] == phrase[0])


def find_coverage(title: str, text: str) -> str:
    """"full" or "partial" when the call says so in words of matching/data/coverage.toml and does
    not also say the other (nor "not fully funded"); "" otherwise."""
    phrases, negations = _phrases()
    words = normalize_english(f"{title}\n{text}").split()
    found = {kind for kind in COVERAGES if any(_states(words, p, negations) for p in phrases[kind])}
    return found.pop() if len(found) == 1 else ""
