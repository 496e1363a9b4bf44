"""The source catalogue: a TOML file of `[[source]]` tables that staff read and edit.

`load_catalogue` validates every entry and reports every problem at once, each naming the file,
the source and the field. The format is documented at the top of `default.toml`.
"""
from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from fursa.storage import AUDIENCES, KINDS, LEVELS, SOURCE_TYPES, SourceSpec

from fursa.crawlers.dates import is_zone_name
from fursa.crawlers.errors import CatalogueError
from fursa.crawlers.extract import selector_problem
from fursa.crawlers.formats import DEFAULT_BY_TYPE, FORMATS
from fursa.crawlers.urls import is_http_url

FIELDS = ("name", "type", "url", "language", "kind", "audience", "levels", "provider", "parser", "every_hours",
          "enabled", "description", "options")
REQUIRED = ("name", "type", "url")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def default_catalogue_path() -> Path:
    """The catalogue shipped with Fursa (packaged data)."""
    return Path(__file__).with_name("default.toml")


def load_catalogue(path: Path) -> tuple[SourceSpec, ...]:
    """Every source of the TOML catalogue at `path`, validated; CatalogueError lists all problems."""
    path = Path(path)
    label = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogueError(f"{label}: file not found (looked for {path})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{label}: cannot read the file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{label}: not valid TOML ({exc}); fix the line it names") from None
    return parse_catalogue(data, label)


def parse_catalogue(data: dict[str, Any], label: str) -> tuple[SourceSpec, ...]:
    """Validate already-decoded TOML `data`; `label` (the file name) starts every message."""
    problems = [f"{label}: unknown top-level key {key!r} (sources go in [[source]] tables)"
                for key in data if key != "source"]
    entries = data.get("source", [])
    if not isinstance(entries, list):
        problems.append(f"{label}: 'source' must be an array of tables, written [[source]]")
        entries = []
    specs: list[SourceSpec] = []
    seen: dict[str, int] = {}
    for number, entry in enumerate(entries, start=1):
        where = _where(label, entry, number)
        entry_problems = _check_entry(entry, where) if isinstance(entry, dict) else [f"{where}: must be a table"]
        name = entry.get("name") if isinstance(entry, dict) else None
        if isinstance(name, str) and name.strip():
            if name.strip().casefold() in seen:
                entry_problems.append(f"{where}: duplicate name (source #{seen[name.strip().casefold()]} has it too); "
                                      "names must be unique")
            seen.setdefault(name.strip().casefold(), number)
        problems += entry_problems
        if not entry_problems:
            specs.append(_spec(entry))
    if problems:
        raise CatalogueError("\n".join(problems), tuple(problems))
    return tuple(specs)


def _where(label: str, entry: Any, number: int) -> str:
    name = entry.get("name") if isinstance(entry, dict) else None
    return f"{label}: source {name.strip()!r}" if isinstance(name, str) and name.strip() else f"{label}: source #{number}"


def _one_of(field: str, value: Any, allowed: tuple[str, ...], where: str) -> list[str]:
    if value in allowed:
        return []
    return [f"{where}: field {field!r} must be one of {', '.join(allowed)} (got {value!r})"]


def _check_entry(entry: dict[str, Any], where: str) -> list[str]:
    problems = [f"{where}: unknown field {key!r} (allowed: {', '.join(FIELDS)})" for key in entry if key not in FIELDS]
    problems += [f"{where}: field {key!r} is required" for key in REQUIRED if key not in entry]
    for key in ("name", "url", "language", "kind", "provider", "parser", "description", "type"):
        if key in entry and not isinstance(entry[key], str):
            problems.append(f"{where}: field {key!r} must be text (got {entry[key]!r})")
    if problems:
        return problems
    if not entry["name"].strip():
        problems.append(f"{where}: field 'name' must not be empty")
    problems += _one_of("type", entry["type"], SOURCE_TYPES, where)
    if not is_http_url(entry["url"]):
        problems.append(f"{where}: field 'url' must be an http(s) address with a host (got {entry['url']!r})")
    if "language" in entry and not _LANGUAGE.match(entry["language"]):
        problems.append(f"{where}: field 'language' must be a language code such as 'en' or 'ar' (got {entry['language']!r})")
    if "kind" in entry:
        problems += _one_of("kind", entry["kind"], KINDS, where)
    problems += _check_list("audience", entry.get("audience", []), AUDIENCES, where)
    problems += _check_list("levels", entry.get("levels", []), LEVELS, where)
    every = entry.get("every_hours", 24)
    if isinstance(every, bool) or not isinstance(every, (int, float)) or not 0.25 <= every <= 24 * 31:
        problems.append(f"{where}: field 'every_hours' must be a number of hours between 0.25 and 744 (got {every!r})")
    if not isinstance(entry.get("enabled", True), bool):
        problems.append(f"{where}: field 'enabled' must be true or false (got {entry['enabled']!r})")
    if problems:
        return problems
    return _check_parser(entry, where)


def _check_list(field: str, value: Any, allowed: tuple[str, ...], where: str) -> list[str]:
    if not isinstance(value, list):
        return [f"{where}: field {field!r} must be a list such as [\"{allowed[0]}\"] (got {value!r})"]
    return [f"{where}: field {field!r} has {item!r}; each must be one of {', '.join(allowed)}"
            for item in value if item not in allowed]


def _check_parser(entry: dict[str, Any], where: str) -> list[str]:
    parser = entry.get("parser", "") or DEFAULT_BY_TYPE[entry["type"]]
    if parser not in FORMATS:
        return [f"{where}: field 'parser' must be one of {', '.join(sorted(FORMATS))} or \"\" (got {parser!r})"]
    fmt = FORMATS[parser]
    if entry["type"] not in fmt.source_types:
        return [f"{where}: field 'parser' is {parser!r}, which reads {' or '.join(fmt.source_types)} sources, "
                f"but field 'type' is {entry['type']!r}"]
    options = entry.get("options", {})
    if not isinstance(options, dict):
        return [f"{where}: field 'options' must be a table, written [source.options]"]
    return _check_options(options, fmt.options, parser, where)


def _check_options(options: dict[str, Any], schema: dict[str, Any], parser: str, where: str) -> list[str]:
    problems = []
    for key, value in options.items():
        rule = schema.get(key)
        if rule is None:
            problems.append(f"{where}: option {key!r} is not known to parser {parser!r} "
                            f"(allowed: {', '.join(sorted(schema))})")
        elif _contains_datetime(value):
            problems.append(f"{where}: option {key!r} holds a TOML date; write dates as quoted text")
        elif not isinstance(value, rule.types) or (rule.types == (int,) and isinstance(value, bool)):
            wanted = " or ".join({str: "text", int: "a whole number", bool: "true/false", list: "a list",
                                  dict: "a table"}[kind] for kind in rule.types)
            problems.append(f"{where}: option {key!r} must be {wanted} (got {value!r})")
        elif rule.choices and value not in rule.choices:
            problems.append(f"{where}: option {key!r} must be one of {', '.join(map(repr, rule.choices))} (got {value!r})")
        elif key == "timezone" and not is_zone_name(value):
            problems.append(f"{where}: option 'timezone' must be an IANA zone such as 'Europe/London' (got {value!r})")
        elif rule.selector and selector_problem(value):
            problems.append(f"{where}: option {key!r} is {selector_problem(value)}")
        elif key in ("max_pages", "max_items", "page_size") and not 1 <= value <= 1000:
            problems.append(f"{where}: option {key!r} must be between 1 and 1000 (got {value!r})")
    return problems


def _contains_datetime(value: Any) -> bool:
    if isinstance(value, (date, datetime, time)):
        return True
    if isinstance(value, dict):
        return any(_contains_datetime(item) for item in value.values())
    if isinstance(value, list):
        return any(_contains_datetime(item) for item in value)
    return False


def _spec(entry: dict[str, Any]) -> SourceSpec:
    return SourceSpec(
        name=entry["name"].strip(), type=entry["type"], url=entry["url"].strip(),
        language=entry.get("language", "en"), kind=entry.get("kind", "other"),
        audience=tuple(entry.get("audience", ())), levels=tuple(entry.get("levels", ())),
        provider=entry.get("provider", ""), parser=entry.get("parser", ""),
        every_hours=float(entry.get("every_hours", 24)), options=dict(entry.get("options", {})),
        enabled=entry.get("enabled", True), description=entry.get("description", ""))
