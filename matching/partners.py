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

from .normalize import normalize_token, tokenize

# Letters Arabic glues in front of a word without the article: and, then, with/in, for/to, like.
_CLITICS = frozenset("وفبلك")
# An English name's leading article is optional in prose ("the University of Jordan").
_OPTIONAL_FIRST = frozenset({"the"})
# Words most institutions' names share (in the matcher's form): a name is filed under another of its words.
_GENERIC = frozenset(normalize_token(word) for word in (
    "university", "college", "institute", "institution", "school", "faculty", "academy", "centre", "center",
    "polytechnic", "national", "state", "technical", "of", "the", "and", "for", "in", "de", "di", "du", "la", "le",
    "universidad", "università", "universität", "université", "universiteit", "جامعة", "كلية", "معهد", "مدرسة",
    "أكاديمية", "مركز", "الوطنية", "التقنية", "في", "و"))


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


def _glued_forms(first: str) -> tuple[str, ...]:
    """The forms an Arabic first word takes with one or two prepositions glued on («بجامعه», «وبجامعه»);
    none for a word shorter than three letters, so a short word is never read as a letter plus a name."""
    if len(first) < 3 or not _is_arabic(first):
        return ()
    once = tuple(clitic + first for clitic in sorted(_CLITICS))
    return once + tuple(clitic + form for clitic in sorted(_CLITICS) for form in once)


@dataclass(frozen=True)
class _Entry:
    forms: tuple[str, ...]
    anchor: int                   # the position of the word the index files the name under
    first_glued: frozenset[str]   # forms[0] with prepositions glued on
    partner_id: int
    name: str

    def matches_at(self, forms: list[str], start: int) -> bool:
        end = start + len(self.forms)
        if start < 0 or end > len(forms):
            return False
        first = forms[start]
        return ((first == self.forms[0] or first in self.first_glued)
                and tuple(forms[start + 1:end]) == self.forms[1:])


def _anchor(forms: tuple[str, ...]) -> int:
    """The name's most telling word: the longest that is not a word every institution's name has."""
    return max(range(len(forms)), key=lambda i: (forms[i] not in _GENERIC, len(forms[i]), -i))


class PartnerIndex:
    """The register's names filed under their most telling word, built once and used for many texts.

    Filing every name under its first word would put most of them under "University" or «جامعة»,
    which most calls contain; the telling word ("Granada", «غرناطة») rules a text out by set look-ups."""

    def __init__(self, partners: Iterable[PartnerNames]):
        self._by_anchor: dict[str, list[_Entry]] = {}
        for partner in partners:
            for name in dict.fromkeys(partner.names):
                forms = name_forms(name)
                if forms:
                    entry = _Entry(forms, _anchor(forms), frozenset(_glued_forms(forms[0])), partner.partner_id, name)
                    self._by_anchor.setdefault(forms[entry.anchor], []).append(entry)
                    for glued in entry.first_glued if entry.anchor == 0 else ():
                        self._by_anchor.setdefault(glued, []).append(entry)

    def __bool__(self) -> bool:
        return bool(self._by_anchor)

    def may_name(self, document: str) -> bool:
        """False when a call's search text (matching.search_document: its words in the matcher's form)
        holds none of the words the register's names are filed under, so the call names no partner and
        need not be read again. The search text joins an elided article to its word ("d'Artois" is
        "dartoi"), so a word is also tried without a leading d or l."""
        words = set(document.split())
        words.update([word[1:] for word in words if word[:1] in ("d", "l")])
        return not self._by_anchor.keys().isdisjoint(words)

    def find(self, *texts: str) -> list[PartnerMention]:
        """The partners named in any of `texts`, each once (its first mention), in order of appearance."""
        mentions: dict[int, PartnerMention] = {}
        for text in texts:
            for mention in self._find_in(text):
                mentions.setdefault(mention.partner_id, mention)
        return list(mentions.values())

    def _find_in(self, text: str) -> list[PartnerMention]:
        if not text or not self._by_anchor:
            return []
        words, forms = tokenize(text)
        by_anchor = self._by_anchor
        # Most calls name no partner: one set look-up (in C) decides that before any word-by-word work.
        if by_anchor.keys().isdisjoint(forms):
            return []
        spans: list[tuple[int, int, int, str]] = []   # start, end, partner, name
        for i, form in enumerate(forms):
            for entry in by_anchor.get(form, ()):
                start = i - entry.anchor
                if entry.matches_at(forms, start):
                    spans.append((start, start + len(entry.forms), entry.partner_id, entry.name))
        taken: set[int] = set()
        kept: list[tuple[int, int, int, str]] = []
        for span in sorted(set(spans), key=lambda s: (s[0] - s[1], s[0])):   # longest first
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
