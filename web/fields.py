"""Field pickers: ISCED-F broad and narrow fields and PPU programmes, named in the page's language."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from fursa import matching


@dataclass(frozen=True)
class Choice:
    code: str
    name: str


@dataclass(frozen=True)
class FieldGroup:
    """A broad field and the narrow fields under it."""

    broad: Choice
    narrow: tuple[Choice, ...]


@dataclass(frozen=True)
class ProgrammeGroup:
    college: str
    programmes: tuple[Choice, ...]


@lru_cache(maxsize=4)
def field_groups(lang: str) -> tuple[FieldGroup, ...]:
    taxonomy = matching.load_taxonomy()
    groups = []
    for broad in taxonomy.broad():
        narrow = tuple(Choice(code, taxonomy.name(code, lang)) for code in taxonomy.narrow(broad))
        groups.append(FieldGroup(Choice(broad, taxonomy.name(broad, lang)), narrow))
    return tuple(groups)


@lru_cache(maxsize=4)
def programme_groups(lang: str) -> tuple[ProgrammeGroup, ...]:
    taxonomy = matching.load_taxonomy()
    groups = []
    for college in taxonomy.colleges.values():
        programmes = tuple(Choice(p.key, p.ar if lang == "ar" else p.en)
                           for p in taxonomy.programmes.values() if p.college == college.key)
        if programmes:
            groups.append(ProgrammeGroup(college.ar if lang == "ar" else college.en, programmes))
    return tuple(groups)


@lru_cache(maxsize=1)
def picker_codes() -> frozenset[str]:
    """The codes the field picker offers (broad and narrow); a call may hold others (detailed codes)."""
    taxonomy = matching.load_taxonomy()
    return frozenset(taxonomy.broad()) | frozenset(taxonomy.narrow())


def broad_codes() -> tuple[str, ...]:
    return matching.load_taxonomy().broad()


def field_name(code: str, lang: str) -> str:
    """A code's name, or the code itself when the taxonomy does not know it (old data, typos)."""
    taxonomy = matching.load_taxonomy()
    return taxonomy.name(code, lang) if code in taxonomy else code


def known_field(code: str) -> bool:
    return code in matching.load_taxonomy()


def programme_codes(key: str) -> tuple[str, ...] | None:
    """The ISCED-F codes of a PPU programme, or None when there is no such programme."""
    taxonomy = matching.load_taxonomy()
    programme = taxonomy.programmes.get(key)
    return programme.codes if programme else None
