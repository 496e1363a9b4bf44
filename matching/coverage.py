"""How much a call pays for, when it states it: "full", "partial", or "" (not stated, or both)."""
from __future__ import annotations

import re
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


# «منحة بنسبة 50%», «منحة 30%», «منح دراسية تغطي 90% من الرسوم», "a 50% tuition scholarship": part of the fees.
_SHARE = re.compile(r"(?:منح[ةه]?|منح\s+دراسية|خصم|تخفيض|[إا]عفاء)(?:\s+\S+){0,3}?\s+(?:بنسبة\s+)?(?P<ar>\d{1,3})\s*[%٪]|"
                    r"(?P<en>\d{1,3})\s*%\s+(?:tuition\s+)?(?:scholarship|discount|fee\s+waiver|tuition\s+waiver|"
                    r"reduction)", re.IGNORECASE)


def _shares(text: str) -> set[str]:
    """"partial" for each share of the fees below 100 % the call offers (100 % of fees is not a funded award)."""
    text = text.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))
    values = {int(m.group("ar") or m.group("en")) for m in _SHARE.finditer(text)}
    return {PARTIAL} if any(0 < value < 100 for value in values) else set()


def find_coverage(title: str, text: str) -> str:
    """"full" or "partial" when the call says so in words of matching/data/coverage.toml (or offers a
    share of the fees below 100 %) and does not also say the other (nor "not fully funded"); "" otherwise."""
    phrases, negations = _phrases()
    words = normalize_english(f"{title}\n{text}").split()
    found = {kind for kind in COVERAGES if any(_states(words, p, negations) for p in phrases[kind])}
    found |= _shares(f"{title}\n{text}")
    return found.pop() if len(found) == 1 else ""
