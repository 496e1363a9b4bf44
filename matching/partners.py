"""Finding partner institutions named in a call: whole words only, in English and Arabic.

The register (storage) gives each partner's names and aliases; this module only reads text. A name
matches as a sequence of whole words in the matcher's normal form (matching.normalize: case, plurals,
أ/إ/ا, ة/ه, ى/ي, the article ال with its glued و/ف/ب/ك/ل), so "UCL" is not found in "nuclear" nor
«القدس» in «المقدسة». Arabic glues a preposition or a conjunction onto the word it governs without
the article too («بجامعة», «لجامعة», «وجامعة», «وبجامعة»): the first word of a name is also found with
one or two of those letters in front. Where names overlap (a partner «جامعة القدس» and a partner
«جامعة القدس المفتوحة»), the longest one present wins the words it covers.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from .normalize import tokenize

# Letters Arabic glues in front of a word without the article: and, then, with/in, for/to, like.
_CLITICS = frozenset("وفبلك")
# An English name's leading article is optional in prose ("the University of Jordan").
_OPTIONAL_FIRST = frozenset({"the"})


@dataclass(frozen=True)
class PartnerNames:
    """One partner as the matcher needs it: its id in the register and every name it goes by."""

    partner_id: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class PartnerMention:
    """A partner named in a text: which of its names matched, and the words as the text wrote them."""

    partner_id: int
    name: str
    quote: str


def name_forms(name: str) -> tuple[str, ...]:
    """A name's words in the matcher's normal form, without a leading English "the"."""
    forms = tokenize(name)[1]
    while len(forms) > 1 and forms[0] in _OPTIONAL_FIRST:
        forms = forms[1:]
    return tuple(forms)


def _is_arabic(form: str) -> bool:
    return "\u0600" <= form[0] <= "\u06ff"


def _variants(form: str) -> tuple[str, ...]:
    """A text word's form, and the same without one or two glued prepositions (Arabic only); what
    remains must keep three letters, so a short word is never read as a letter plus a name."""
    found = [form]
    if _is_arabic(form):
        rest = form
        for _ in range(2):
            if len(rest) > 3 and rest[0] in _CLITICS:
                rest = rest[1:]
                found.append(rest)
            else:
                break
    return tuple(found)


class PartnerIndex:
    """The register's names by their first word, built once and used for many texts."""

    def __init__(self, partners: Iterable[PartnerNames]):
        self._by_first: dict[str, list[tuple[tuple[str, ...], int, str]]] = {}
        for partner in partners:
            for name in dict.fromkeys(partner.names):
                forms = name_forms(name)
                if forms:
                    self._by_first.setdefault(forms[0], []).append((forms, partner.partner_id, name))

    def __bool__(self) -> bool:
        return bool(self._by_first)

    def find(self, *texts: str) -> list[PartnerMention]:
        """The partners named in any of `texts`, each once (its first mention), in order of appearance."""
        mentions: dict[int, PartnerMention] = {}
        for text in texts:
            for mention in self._find_in(text):
                mentions.setdefault(mention.partner_id, mention)
        return list(mentions.values())

    def _find_in(self, text: str) -> list[PartnerMention]:
        if not text or not self._by_first:
            return []
        words, forms = tokenize(text)
        spans: list[tuple[int, int, int, str]] = []   # start, end, partner, name
        for start, form in enumerate(forms):
            for variant in _variants(form):
                for name_forms_, partner_id, name in self._by_first.get(variant, ()):
                    end = start + len(name_forms_)
                    if tuple(forms[start + 1:end]) == name_forms_[1:]:
                        spans.append((start, end, partner_id, name))
        taken: set[int] = set()
        kept: list[tuple[int, int, int, str]] = []
        for span in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):   # longest first
            covered = set(range(span[0], span[1]))
            if not covered & taken:
                taken |= covered
                kept.append(span)
        return [PartnerMention(partner_id, name, " ".join(words[start:end]))
                for start, end, partner_id, name in sorted(kept)]


def find_partners(text: str, partners: Sequence[PartnerNames]) -> list[PartnerMention]:
    """The partners of `partners` that `text` names (see the module's rules); for one text. To read
    many texts against one register, build a PartnerIndex once."""
    return PartnerIndex(partners).find(text)
