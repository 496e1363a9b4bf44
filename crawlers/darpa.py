"""DARPA's opportunities JSON: one row per opportunity, each sent twice (one copy with an empty body)."""
from __future__ import annotations

from typing import Any

from fursa.storage import Draft, ItemError, SourceSpec

from fursa.crawlers.dates import deadline_from, instant_from
from fursa.crawlers.errors import FormatError
from fursa.crawlers.jsondata import as_text, get_path, load_json
from fursa.crawlers.pages import PageRequest, ParsedPage, check_item, new_draft, sort_results
from fursa.crawlers.text import html_to_text, summarize

ZONE = "America/New_York"


def first_request(spec: SourceSpec) -> PageRequest:
    return PageRequest(url=spec.url, headers={"Accept": "application/json"})


def dedupe_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per opportunity (by nid, else number), keeping the copy with the longest body."""
    best: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = as_text(row.get("nid")) or as_text(row.get("field_opportunity_number")) or as_text(row.get("title"))
        body = as_text(row.get("field_body_with_summary"))
        if key not in best or len(body) > len(as_text(best[key].get("field_body_with_summary"))):
            best[key] = row
    return list(best.values())


def draft_from_row(row: dict[str, Any], spec: SourceSpec, where: str) -> Draft | ItemError:
    url = as_text(row.get("field_external_url")).strip()
    title = as_text(row.get("title"))
    problem = check_item(url, title, where)
    if problem:
        return problem
    text = html_to_text(as_text(row.get("field_body_with_summary")) or as_text(row.get("field_body_with_summary_1")))
    topics = [topic.strip() for topic in as_text(row.get("field_research_topics")).split("|") if topic.strip()]
    office = as_text(row.get("field_taxonomy_office")).strip()
    categories = ([f"office:{office}"] if office else []) + topics
    return new_draft(
        spec, url, title, text=text, summary=summarize(text),
        external_id=as_text(row.get("field_opportunity_number")),
        deadline=deadline_from(as_text(row.get("field_close_date")), ZONE, "iso"),
        opens_at=instant_from(as_text(row.get("field_open_date")), ZONE, "iso"),
        categories=tuple(dict.fromkeys(categories)))


def parse_darpa(body: bytes, spec: SourceSpec, url: str | None = None, request: PageRequest | None = None) -> ParsedPage:
    """Drafts from DARPA's opportunities JSON (a list of rows, or rows under `options.items`)."""
    url = url or spec.url
    data = load_json(body, url)
    rows = get_path(data, str(spec.options.get("items", ""))) if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise FormatError(f"{url} answered JSON that is not a list of opportunities; the DARPA feed may have changed")
    rows = dedupe_rows([row for row in rows if isinstance(row, dict)])
    drafts, errors = sort_results(spec, (draft_from_row(row, spec, f"{url} row {number}")
                                         for number, row in enumerate(rows, start=1)))
    return ParsedPage(drafts=drafts, item_errors=errors)
