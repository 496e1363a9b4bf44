"""Names of organisations, whose words are not the call's field.

"Ministry of Education, Culture, Sports, Science and Technology", "Institute for Nanomaterials",
"Banafshe Law Firm, PC", "Nanyang Technological University", «وزارة التربية والتعليم العالي»,
«جامعة الملك عبدالله للعلوم والتقنية»: a careful reader skips them when asking what a call is
about, and so does the tagger, which drops the field words that stand inside these names
(`name_spans`, where the phrase index found one of `ANCHOR_WORDS`). The same goes for the applications of a method ("a mathematics project with applications in public
health" is mathematics).

Each kind of name is found from a word it must contain (its anchor), looked up with str.find, and
the pattern is only matched there: scanning a long abstract with the patterns would cost more than
the rest of the tagger.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_CAPITALISED_RUN = (r"(?:(?!(?:Scholarships?|Programm?e?s?|Fellowships?|Grants?|Awards?|Prizes?)\b)[A-Z][\w'’&-]*"
                    r"(?:,\s*(?:and\s+)?|\s+(?:and|&|of|for|the|in)\s+|\s+)?){1,8}")


@dataclass(frozen=True)
class _Name:
    """One kind of name: the anchors it contains and the pattern, matched from `back` characters
    before an anchor (0: the name starts at its anchor)."""

    anchors: tuple[str, ...]
    pattern: re.Pattern
    back: int = 0


_NAMES = (
    _Name(("Ministry", "Minister", "Secretary", "Bureau", "Agency", "Council", "Institute", "Foundation", "Society",
           "Association", "Academy", "Museum", "Trust", "Commission", "Authority", "Federation"),
          re.compile(r"[A-Z][a-z]+\s+(?:of|for)\s+(?:the\s+)?" + _CAPITALISED_RUN)),
    _Name(("Law Firm", "Law Group", "Law Office", "Associates", "LLC", "LLP", "P.C.", " PC", "Inc", "Ltd", "Corporation",
           "Clinic"),
          re.compile(r"(?:[A-Z][\w'’&.-]*\s+){1,4}(?:Law\s+(?:Firm|Group|Offices?)|&\s+Associates|Associates|LLC|LLP|"
                     r"P\.C\.|PC|Inc\.?|Ltd\.?|Corporation|Clinic)\b"), back=60),
    _Name(("of Technology", "of Science and Technology"),
          re.compile(r"(?:[A-Z][\w'’&.-]*\s+){0,3}(?:University|Institute)\s+of\s+(?:Science\s+and\s+)?Technology\b"),
          back=60),
    _Name(("Technological University", "Technical University", "Polytechnic University"),
          re.compile(r"(?:[A-Z][\w'’&.-]*\s+){0,3}(?:Technological|Technical|Polytechnic)\s+University\b"), back=60),
    _Name(("application",),
          re.compile(r"with (?:potential |possible |direct )?applications? (?:in|to) (?:the )?[\w -]{1,60}?(?=[.;:]|$)"),
          back=40),
    _Name(("وزار",), re.compile(r"وزار[ةه](?:\s+(?:و?ال|لل)\S+){1,5}")),
    _Name(("جامع", "معهد", "كاديمي"),
          re.compile(r"(?:جامع[ةه]|معهد|[أا]كاديمي[ةه])(?:\s+\S+){0,4}?\s+(?:لل|ال)(?:علوم|تكنولوجيا|تقني[ةه]|"
                     r"تكنولوجي[ةه]|بترول)\S*(?:\s+و(?:ال)?\S+)?")),
)


# Every anchor in one pattern per script: a text that holds none is passed over in one scan.
_ANCHORS_LATIN = re.compile("|".join(re.escape(a) for name in _NAMES for a in name.anchors if a.isascii()))
_ANCHORS_ARABIC = re.compile("|".join(re.escape(a) for name in _NAMES for a in name.anchors if not a.isascii()))


def _spans(text: str) -> list[tuple[int, int]]:
    spans = []
    present = {m.group(0) for m in _ANCHORS_LATIN.finditer(text)}
    if not text.isascii():
        present |= {m.group(0) for m in _ANCHORS_ARABIC.finditer(text)}
    for name in _NAMES:
        for anchor in name.anchors:
            if anchor not in present:
                continue
            at = text.find(anchor)
            while at != -1:
                start = max(0, at - name.back)
                found = (name.pattern.search(text, start, at + len(anchor) + 200) if name.back
                         else name.pattern.match(text, at))
                if found and found.start() <= at < found.end():
                    spans.append(found.span())
                at = text.find(anchor, at + len(anchor))
    return spans


# Whole words that every kind of name above contains: entries of the phrase index, so the tagger
# knows from its one pass over a call whether there is a name to look for at all.
ANCHOR_WORDS = (
    *(f"{head} {link}" for head in ("ministry", "minister", "secretary", "bureau", "agency", "council", "institute",
                                    "foundation", "society", "association", "academy", "museum", "trust", "commission",
                                    "authority", "federation") for link in ("of", "for")),
    "law firm", "law group", "law office", "associates", "llc", "llp", "inc", "ltd", "corporation", "clinic",
    "of technology", "technological university", "technical university", "polytechnic university",
    "with applications in", "with applications to", "with application in", "with application to",
    "with potential applications", "with possible applications", "with direct applications",
    "وزارة", "جامعة", "معهد", "أكاديمية", "اكاديمية")


def name_spans(text: str) -> list[tuple[int, int]]:
    """Where organisations' names (and a method's applications) stand in the text, merged."""
    merged: list[list[int]] = []
    for start, end in sorted(_spans(text)) if text else ():
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]
