"""The catalogue: the shipped default loads, and every malformed entry gets a message naming the
file, the source and the field."""
from __future__ import annotations

from pathlib import Path

import pytest

from fursa.storage import KINDS, SOURCE_TYPES

from fursa.crawlers import CatalogueError, default_catalogue_path, load_catalogue
from fursa.crawlers.formats import FORMATS, format_of


def test_default_catalogue_loads_with_at_least_thirty_described_sources() -> None:
    specs = load_catalogue(default_catalogue_path())
    assert len(specs) >= 30
    assert len({source.name for source in specs}) == len(specs)
    assert all(source.description for source in specs), "every entry says what it yields"
    assert all(source.type in SOURCE_TYPES and source.kind in KINDS for source in specs)
    assert all(format_of(source).name in FORMATS for source in specs)


def test_default_catalogue_covers_the_required_kinds_of_source() -> None:
    specs = {source.name: source for source in load_catalogue(default_catalogue_path())}
    parsers = {format_of(source).name for source in specs.values()}
    assert {"grants_gov", "sedia", "darpa", "feed", "json", "html"} <= parsers
    assert specs["Grants.gov: posted and forecasted calls"].url == "https://api.grants.gov/v1/api/search2"
    assert specs["UKRI funding opportunities (feed)"].url == "https://www.ukri.org/opportunity/feed/"
    assert any(source.language == "ar" and source.enabled for source in specs.values())
    assert sum(1 for source in specs.values() if source.kind == "scholarship" and source.type == "feed") >= 3
    assert not any("grants.gov/rss" in source.url for source in specs.values()), "the old RSS answers HTML"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "staff.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = '''
[[source]]
name = "UKRI opportunities"
type = "feed"
url = "https://www.ukri.org/opportunity/feed/"
'''


def test_a_minimal_entry_gets_defaults(tmp_path: Path) -> None:
    (source,) = load_catalogue(_write(tmp_path, GOOD))
    assert (source.language, source.kind, source.every_hours, source.enabled, source.parser) == ("en", "other", 24.0, True, "")


@pytest.mark.parametrize("change, message", [
    ('type = "rss"', "staff.toml: source 'UKRI opportunities': field 'type' must be one of feed, api, html (got 'rss')"),
    ('colour = "blue"', "staff.toml: source 'UKRI opportunities': unknown field 'colour'"),
    ('kind = "holiday"', "staff.toml: source 'UKRI opportunities': field 'kind' must be one of scholarship"),
    ('levels = ["undergrad"]', "staff.toml: source 'UKRI opportunities': field 'levels' has 'undergrad'"),
    ('every_hours = 0', "staff.toml: source 'UKRI opportunities': field 'every_hours' must be a number of hours"),
    ('enabled = "yes"', "staff.toml: source 'UKRI opportunities': field 'enabled' must be true or false"),
    ('language = "Arabic"', "staff.toml: source 'UKRI opportunities': field 'language' must be a language code"),
    ('parser = "sedia"', "staff.toml: source 'UKRI opportunities': field 'parser' is 'sedia', which reads api sources, but field 'type' is 'feed'"),
    ('parser = "magic"', "staff.toml: source 'UKRI opportunities': field 'parser' must be one of"),
    ('options = { colour = 1 }', "staff.toml: source 'UKRI opportunities': option 'colour' is not known to parser 'feed'"),
    ('options = { max_pages = "two" }', "staff.toml: source 'UKRI opportunities': option 'max_pages' must be a whole number"),
])
def test_each_malformed_field_is_named(tmp_path: Path, change: str, message: str) -> None:
    key = change.split(" = ")[0]
    lines = [line for line in GOOD.splitlines() if not line.startswith(f"{key} =")] + [change]
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(_write(tmp_path, "\n".join(lines)))
    assert message in str(caught.value)


def test_the_url_must_be_http(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="field 'url' must be an http\\(s\\) address"):
        load_catalogue(_write(tmp_path, GOOD.replace("https://www.ukri.org/opportunity/feed/", "file:///etc/passwd")))


def test_missing_fields_duplicates_and_every_problem_are_reported_together(tmp_path: Path) -> None:
    text = GOOD + GOOD + '''
[[source]]
type = "feed"
url = "https://example.org/feed"

[[source]]
name = "html source"
type = "html"
url = "https://example.org/"
[source.options]
timezone = "Mars/Olympus"
'''
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(_write(tmp_path, text))
    problems = caught.value.problems
    assert "staff.toml: source 'UKRI opportunities': duplicate name (source #1 has it too); names must be unique" in problems
    assert "staff.toml: source #3: field 'name' is required" in problems
    assert any(problem.startswith("staff.toml: source 'html source': option 'timezone' must be an IANA zone") for problem in problems)
    assert len(problems) == 3


def test_broken_toml_and_missing_files_are_catalogue_errors(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match=r"staff.toml: not valid TOML \(.*line"):
        load_catalogue(_write(tmp_path, '[[source]]\nname = "unterminated'))
    with pytest.raises(CatalogueError, match="nowhere.toml: file not found"):
        load_catalogue(tmp_path / "nowhere.toml")
    with pytest.raises(CatalogueError, match="unknown top-level key 'sources'"):
        load_catalogue(_write(tmp_path, GOOD.replace("[[source]]", "[[sources]]")))


def test_selectors_are_checked_when_the_catalogue_loads(tmp_path: Path) -> None:
    text = GOOD.replace('type = "feed"', 'type = "html"') + '[source.options]\nitem = "div."\nlink = "//a[@href"\n'
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(_write(tmp_path, text))
    assert caught.value.problems[0].startswith("staff.toml: source 'UKRI opportunities': option 'item' is not a valid CSS selector")
    assert caught.value.problems[1].startswith("staff.toml: source 'UKRI opportunities': option 'link' is not a valid XPath")
