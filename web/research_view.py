"""What the research section of a faculty member's profile page shows: the form's values (as stored,
or as just submitted beside their errors) and what Fursa understood from them."""
from __future__ import annotations

from dataclasses import dataclass

from fursa.matching import load_taxonomy

TERMS_SHOWN = 12


@dataclass(frozen=True)
class ResearchView:
    """The research form's values, and the stored profile's fields, FORD fields and words."""

    keywords: str = ""
    publications: str = ""
    orcid: str = ""
    works: int = 0                       # ORCID works read
    fields: tuple[str, ...] = ()         # ISCED-F codes (the page names them with field_name)
    ford: tuple[str, ...] = ()           # FORD fields' names in the page's language
    terms: tuple[str, ...] = ()          # the person's words, heaviest first
    saved: bool = False


def research_view(subscriber, lang: str = "en") -> ResearchView:
    """The stored research profile of `subscriber` as the page shows it (empty when they have none)."""
    row = getattr(subscriber, "research_profile", None)
    if row is None:
        return ResearchView()
    ford = load_taxonomy().ford
    return ResearchView(
        keywords=row.keywords, publications=row.publications, orcid=row.orcid, works=len(row.orcid_works or ()),
        fields=tuple(row.fields or ()),
        ford=tuple((ford[key].ar if lang == "ar" else ford[key].en) for key in row.ford or () if key in ford),
        terms=tuple(dict.fromkeys(label for _, _, label in row.terms or ()))[:TERMS_SHOWN], saved=True)
