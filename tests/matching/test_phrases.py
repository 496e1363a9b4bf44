"""The phrase index: longest match per category, word boundaries, glued Arabic clitics — and the
same hits, in the same order, as the per-position matcher it replaced (kept below as the oracle)."""
from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

import pytest

from fursa.matching.normalize import normalize_english, tokenize
from fursa.matching.phrases import Entry, Hit, PhraseIndex
from fursa.matching.vocabulary import read_phrases

FIELD_ENG = Entry("field", "0710", 3.0, True)
FIELD_CIVIL = Entry("field", "0732", 3.0, True)
FIELD_ART = Entry("field", "0213")
LEVEL_MASTER = Entry("level", "master")
KIND = Entry("kind", "scholarship")
FIELD_ENG_AR = Entry("field", "0710", 3.0, True)
PHRASES = [("engineering", FIELD_ENG), ("civil engineering", FIELD_CIVIL), ("art", FIELD_ART),
           ("master", LEVEL_MASTER), ("master scholarship", KIND), ("civil engineering master degree", LEVEL_MASTER),
           ("هندسة", FIELD_ENG_AR), ("هندسة مدنية", FIELD_CIVIL)]


class OracleIndex:
    """The index before the trie: one-word phrases by their word, longer ones by their first two
    words, each place where a phrase may start looked at in turn (matching/phrases.py at 97b578e)."""

    def __init__(self, phrases):
        table = defaultdict(list)
        for phrase, entry in phrases:
            key = tuple(normalize_english(phrase).split())
            if key and entry not in table[key]:
                table[key].append(entry)
        self._single = {}
        pairs = defaultdict(list)
        for key, entries in table.items():
            if len(key) == 1:
                self._single[key[0]] = tuple(entries)
            else:
                pairs[key[:2]].append((len(key), list(key[2:]), key, tuple(entries)))
        for candidates in pairs.values():
            candidates.sort(key=lambda c: -c[0])
        self._pairs = dict(pairs)
        self._pair_starts = frozenset(first for first, _ in pairs)
        self._starts = frozenset(self._single) | self._pair_starts

    def _unglued(self, form):
        if len(form) > 3 and form[0] in "وفبل" and not form.isascii():
            rest = form[1:]
            if rest in self._single or rest in self._pair_starts:
                return rest
        return None

    def _matches(self, forms, i, form):
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

    def find(self, text):
        words, forms = tokenize(text)
        covered, hits = {}, []
        positions = [(i, f) for i, f in enumerate(forms) if f in self._starts]
        if not text.isascii():
            positions += [(i, f) for i, f in enumerate(map(self._unglued, forms))
                          if f is not None and forms[i] not in self._starts]
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


def found(text: str) -> list[tuple[str, str, int]]:
    return [(hit.phrase, hit.entry.value, hit.start) for hit in PhraseIndex(PHRASES).find(text)]


def test_the_longest_phrase_of_a_category_consumes_its_words() -> None:
    assert found("Civil Engineering scholarships") == [("Civil Engineering", "0732", 0)]
    assert found("a Master's scholarship in art") == [("Master scholarship", "scholarship", 1),   # words as
                                                      ("Master", "master", 1), ("art", "0213", 4)]      # split

    # the five-word phrase is cut short, so the two-word one wins
    assert found("civil engineering master") == [("civil engineering", "0732", 0), ("master", "master", 2)]
    assert found("civil engineering master degree") == [
        ("civil engineering master degree", "master", 0), ("civil engineering", "0732", 0)]


def test_phrases_fall_on_word_boundaries() -> None:
    assert found("start smart parties") == []
    assert found("art") == [("art", "0213", 0)] and found("") == []


def test_a_glued_conjunction_or_preposition_is_read_off() -> None:
    assert found("منحة وهندسة مدنية") == [("وهندسة مدنية", "0732", 1)]
    assert found("بهندسة") == [("بهندسة", "0710", 0)]
    assert found("الهندسة") == [("الهندسة", "0710", 0)]   # the article is normalization's job


def test_the_same_hits_as_the_oracle_on_random_texts() -> None:
    words = ["civil", "engineering", "master", "masters", "degree", "scholarship", "art", "arts", "of", "the",
             "هندسة", "وهندسة", "فهندسة", "والهندسة", "مدنية", "مدنيه", "منحة", "بهندسة", "لل", "و", "و-هندسة"]
    phrases = PHRASES + [("master degree", Entry("level", "master")), ("of the art", Entry("any", "any")),
                         ("the arts", FIELD_ART), ("degree", Entry("level", "bachelor", 0.5)),
                         ("هندسة مدنية متقدمة", Entry("field", "0732", 2.0))]
    index, oracle = PhraseIndex(phrases), OracleIndex(phrases)
    rng = random.Random(11)
    for _ in range(3000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 12)))
        assert index.find(text) == oracle.find(text), text


def _real_texts(shared: Path) -> list[str]:
    texts = []
    for path in [*sorted((shared / "labels").glob("*.jsonl")), *sorted((shared / "corpus" / "arabic-calls").glob("*.jsonl"))]:
        with path.open(encoding="utf-8") as lines:   # not splitlines(): texts hold U+2028
            items = [json.loads(line) for line in lines if line.strip()]
        for item in items:
            texts += [item.get("title", ""), item.get("text", "")]
    return texts


def test_the_same_hits_as_the_oracle_on_real_calls(shared_dir: Path) -> None:
    phrases = read_phrases()
    index, oracle = PhraseIndex(phrases), OracleIndex(phrases)
    texts = _real_texts(shared_dir)
    assert len(texts) > 2000 and sum(not t.isascii() for t in texts) > 500
    differing = [text[:80] for text in texts if index.find(text) != oracle.find(text)]
    assert not differing, f"{len(differing)} texts give other hits, e.g. {differing[:3]}"


@pytest.mark.parametrize("text", ["", "   ", "!!!", "ًٌٍ", "و", "ــ"])
def test_texts_without_words(text: str) -> None:
    assert PhraseIndex(PHRASES).find(text) == OracleIndex(PHRASES).find(text) == []
