"""ISCED-F 2013 fields, PPU programmes and the FORD crosswalk, loaded from matching/data/*.toml."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import TaxonomyError, UnknownCodeError

DATA_DIR = Path(__file__).resolve().parent / "data"
LANGUAGES = ("en", "ar")
ANY = "any"

# Suffixes UNESCO reserves in every broad and narrow field; names are derived, not stored.
_DERIVED_SUFFIXES = {
    "0": ("{name}, not further defined", "{name}، غير محدد بدقة"),
    "8": ("Inter-disciplinary programmes involving {name}", "برامج متعددة التخصصات في {name}"),
    "9": ("{name}, not elsewhere classified", "{name}، غير مصنف في موضع آخر"),
}


@dataclass(frozen=True)
class Field:
    """One ISCED-F field: 2-digit broad, 3-digit narrow or 4-digit detailed."""

    code: str
    en: str
    ar: str
    keywords: dict[str, tuple[str, ...]]   # lang -> phrases that name the field (strong)
    topics: dict[str, tuple[str, ...]]     # lang -> vocabulary that suggests it (weak)
    derived: bool = False                  # a "0/8/9" code made by the loader

    @property
    def level(self) -> str:
        return {2: "broad", 3: "narrow", 4: "detailed"}[len(self.code)]


@dataclass(frozen=True)
class Programme:
    """A PPU programme a subscriber can pick instead of a code."""

    key: str
    college: str
    en: str
    ar: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class College:
    key: str
    en: str
    ar: str


@dataclass(frozen=True)
class FordField:
    """An OECD Field of R&D (Frascati 2015) and the ISCED-F codes it maps to, closest first."""

    key: str
    en: str
    ar: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    fields: dict[str, Field]
    programmes: dict[str, Programme]
    colleges: dict[str, College]
    ford: dict[str, FordField]

    def __contains__(self, code: object) -> bool:
        return code in self.fields or code == ANY

    def field(self, code: str) -> Field:
        try:
            return self.fields[code]
        except KeyError:
            raise UnknownCodeError(
                f"unknown ISCED-F code {code!r}: codes are strings with leading zeros "
                f"(\"07\", \"071\", \"0714\"); see matching/data/taxonomy.toml") from None

    def name(self, code: str, lang: str = "en") -> str:
        """The field's name in English or Arabic; `any` reads as "all fields"."""
        if code == ANY:
            return "جميع التخصصات" if lang == "ar" else "All fields"
        entry = self.field(code)
        return entry.ar if lang == "ar" else entry.en

    def broad(self) -> tuple[str, ...]:
        return tuple(c for c, f in self.fields.items() if len(c) == 2)

    def narrow(self, broad: str | None = None) -> tuple[str, ...]:
        return tuple(c for c, f in self.fields.items()
                     if len(c) == 3 and not f.derived and (broad is None or c.startswith(broad)))

    def detailed(self, narrow: str | None = None) -> tuple[str, ...]:
        return tuple(c for c, f in self.fields.items()
                     if len(c) == 4 and not f.derived and (narrow is None or c.startswith(narrow)))

    def parents(self, code: str) -> tuple[str, ...]:
        """Broad then narrow ancestors of a code ("0714" -> ("07", "071"))."""
        self.field(code)
        return tuple(code[:n] for n in (2, 3) if n < len(code))

    def codes_for_programme(self, key: str) -> tuple[str, ...]:
        try:
            return self.programmes[key].codes
        except KeyError:
            raise UnknownCodeError(
                f"unknown PPU programme {key!r}; known: {', '.join(sorted(self.programmes))}") from None

    def codes_for_ford(self, key: str) -> tuple[str, ...]:
        try:
            return self.ford[key].codes
        except KeyError:
            raise UnknownCodeError(
                f"unknown FORD field {key!r}; use the Frascati numbering (\"2.2\", \"5.4\")") from None


def read_data(name: str) -> dict[str, Any]:
    """Parse one packaged TOML file; a broken file names itself and the parse error."""
    try:
        raw = (DATA_DIR / name).read_text(encoding="utf-8")
        return tomllib.loads(raw)
    except FileNotFoundError:
        raise TaxonomyError(f"matching/data/{name} is missing; reinstall the package") from None
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"matching/data/{name} is not valid TOML: {exc}") from None


def _build_field(code: str, raw: dict[str, Any]) -> Field:
    if not (code.isdigit() and len(code) in (2, 3, 4)):
        raise TaxonomyError(f"matching/data/taxonomy.toml: {code!r} is not a 2-4 digit ISCED-F code")
    for key in LANGUAGES:
        if not raw.get(key):
            raise TaxonomyError(f"matching/data/taxonomy.toml: field {code} has no {key!r} name")
    return Field(
        code=code, en=raw["en"], ar=raw["ar"],
        keywords={lang: tuple(raw.get(f"keywords_{lang}", ())) for lang in LANGUAGES},
        topics={lang: tuple(raw.get(f"topics_{lang}", ())) for lang in LANGUAGES},
    )


def _add_derived(fields: dict[str, Field]) -> None:
    """Add the 0/8/9 codes of every broad and narrow field unless the data defines them."""
    for code, parent in list(fields.items()):
        if len(code) == 4:
            continue
        for suffix, (en, ar) in _DERIVED_SUFFIXES.items():
            child = code + suffix
            if child not in fields:
                fields[child] = Field(child, en.format(name=parent.en), ar.format(name=parent.ar),
                                      {}, {}, derived=True)


def _build_fields(data: dict[str, Any]) -> dict[str, Field]:
    fields = {code: _build_field(code, raw) for code, raw in data.get("field", {}).items()}
    for code in fields:
        if len(code) > 2 and code[:2] not in fields:
            raise TaxonomyError(f"matching/data/taxonomy.toml: {code} has no broad field {code[:2]}")
    _add_derived(fields)
    return dict(sorted(fields.items()))


def _build_programmes(data: dict[str, Any], fields: dict[str, Field]) -> tuple[dict, dict]:
    colleges = {k: College(k, v["en"], v["ar"]) for k, v in data.get("college", {}).items()}
    programmes = {}
    for key, raw in data.get("programme", {}).items():
        bad = [c for c in raw["isced"] if c not in fields]
        if raw.get("college") not in colleges or bad:
            raise TaxonomyError(f"matching/data/programmes.toml: programme {key!r} names an "
                                f"unknown college or codes {bad}")
        programmes[key] = Programme(key, raw["college"], raw["en"], raw["ar"], tuple(raw["isced"]))
    return programmes, colleges


def _build_ford(data: dict[str, Any], fields: dict[str, Field]) -> dict[str, FordField]:
    ford = {}
    for key, raw in data.get("ford", {}).items():
        bad = [c for c in raw["isced"] if c not in fields]
        if bad:
            raise TaxonomyError(f"matching/data/ford.toml: FORD {key} maps to unknown codes {bad}")
        ford[key] = FordField(key, raw["en"], raw["ar"], tuple(raw["isced"]))
    return ford


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    """The packaged taxonomy, parsed once per process."""
    fields = _build_fields(read_data("taxonomy.toml"))
    programmes, colleges = _build_programmes(read_data("programmes.toml"), fields)
    return Taxonomy(fields=fields, programmes=programmes, colleges=colleges,
                    ford=_build_ford(read_data("ford.toml"), fields))
