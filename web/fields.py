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
class ProfileChoice:
    """One code of the subscriber's field picker, with the PPU programmes that lead to it."""

    code: str
    name: str
    depth: int                      # 2 broad, 3 narrow, 4 detailed
    reserved: bool                  # a 0/8/9 code: offered only to a profile that holds it
    programmes: tuple[str, ...]     # names, in the page's language


@dataclass(frozen=True)
class ProfileGroup:
    """A broad field and every code under it, in code order (so a form posts them in that order)."""

    broad: Choice
    choices: tuple[ProfileChoice, ...]

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(choice.code for choice in self.choices)


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
def profile_groups(lang: str) -> tuple[ProfileGroup, ...]:
    """Every code a subscriber's profile may hold (profile_codes), grouped under its broad field."""
    taxonomy = matching.load_taxonomy()
    leads_to: dict[str, list[str]] = {}
    for programme in taxonomy.programmes.values():
        for code in programme.codes:
            leads_to.setdefault(code, []).append(programme.ar if lang == "ar" else programme.en)
    groups = []
    for broad in taxonomy.broad():
        choices = tuple(
            ProfileChoice(code, field.ar if lang == "ar" else field.en, len(code), field.derived,
                          tuple(leads_to.get(code, ())))
            for code, field in taxonomy.fields.items() if code.startswith(broad))
        groups.append(ProfileGroup(Choice(broad, taxonomy.name(broad, lang)), choices))
    return tuple(groups)


@lru_cache(maxsize=1)
def profile_codes() -> frozenset[str]:
    """The field codes a subscriber's profile may hold: every ISCED-F code the taxonomy knows, at any
    depth (a PPU programme gives detailed ones). Every door that writes a profile passes these to storage."""
    return frozenset(matching.load_taxonomy().fields)


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
