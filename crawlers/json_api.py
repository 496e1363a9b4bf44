"""Any JSON listing, driven by field paths in the catalogue (WordPress REST, Next.js data, DAAD's
JSON-in-JavaScript, CKAN …), so staff add such a source without code.

Options (in `[source.options]`): `items` (path to the list), `fields` (a table: title, url, id,
text, summary, deadline, opens, published, provider, categories, rolling → dotted paths),
`url_template` ("https://…/{id}"), `envelope` ("", "next_data", "js"), `date_style`, `timezone`,
`page_param` + `page_start` + `max_pages` for paging, `next` (path of the next page's URL),
`method` and `body` for POST APIs.
"""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fursa.storage import Deadline, Draft, ItemError, SourceSpec

from fursa.crawlers.dates import deadline_from, instant_from
from fursa.crawlers.errors import FormatError
from fursa.crawlers.jsondata import as_list, as_text, get_path, load_embedded_json
from fursa.crawlers.pages import PageRequest, ParsedPage, check_item, new_draft, sort_results
from fursa.crawlers.text import clean_title, html_to_text, summarize
from fursa.crawlers.urls import absolute_url

FIELD_NAMES = ("title", "url", "id", "text", "summary", "deadline", "opens", "published", "provider",
               "categories", "rolling")


def _with_page(url: str, param: str, page: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != param] + [(param, str(page))]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def _request(spec: SourceSpec, url: str, page: int) -> PageRequest:
    options = spec.options
    method = str(options.get("method", "GET")).upper()
    if method == "POST":
        body = json.dumps(options.get("body") or {}).encode()
        return PageRequest(url=url, method="POST", body=body, page=page,
                           headers={"Content-Type": "application/json", "Accept": "application/json"})
    return PageRequest(url=url, page=page)


def first_request(spec: SourceSpec) -> PageRequest:
    param = spec.options.get("page_param")
    url = _with_page(spec.url, str(param), int(spec.options.get("page_start", 1))) if param else spec.url
    return _request(spec, url, 1)


def _field(item: Any, fields: dict[str, str], name: str) -> Any:
    path = fields.get(name)
    return get_path(item, path) if path else None


def draft_from_item(item: Any, spec: SourceSpec, base_url: str, where: str) -> Draft | ItemError:
    options = spec.options
    fields = dict(options.get("fields") or {})
    zone = str(options.get("timezone", "UTC"))
    style = str(options.get("date_style", "auto"))
    values = {name: as_text(_field(item, fields, name)) for name in FIELD_NAMES if name != "categories"}
    url = values["url"]
    if options.get("url_template"):
        url = str(options["url_template"]).format(**values)
    url = absolute_url(base_url, url) if url else ""
    problem = check_item(url, values["title"], where)
    if problem:
        return problem
    text = html_to_text(values["text"] or values["summary"])
    deadline = deadline_from(values["deadline"], zone, style)
    rolling = _field(item, fields, "rolling")
    if rolling not in (None, False, "", 0, "0", "false") and deadline.kind != "date":
        deadline = Deadline(kind="rolling", text=as_text(rolling))
    return new_draft(
        spec, url, values["title"], text=text, summary=summarize(html_to_text(values["summary"]) or text),
        provider=clean_title(values["provider"]), external_id=values["id"][:300], deadline=deadline,
        opens_at=instant_from(values["opens"], zone, style), published_at=instant_from(values["published"], zone, style),
        categories=tuple(dict.fromkeys(clean_title(value) for value in as_list(_field(item, fields, "categories")))))


def parse_json_listing(body: bytes, spec: SourceSpec, url: str | None = None,
                       request: PageRequest | None = None) -> ParsedPage:
    """Drafts from a JSON (or JSON-in-page) listing using the field paths of `spec.options`."""
    url = url or spec.url
    data = load_embedded_json(body, url, str(spec.options.get("envelope", "")))
    items = get_path(data, str(spec.options.get("items", "")))
    if not isinstance(items, list):
        raise FormatError(f"{url}: the path {spec.options.get('items', '')!r} does not lead to a list of items; "
                          "check `items` in the catalogue options against the API's answer")
    drafts, errors = sort_results(spec, (draft_from_item(item, spec, url, f"{url} item {number}")
                                         for number, item in enumerate(items, start=1)))
    return ParsedPage(drafts=drafts, item_errors=errors,
                      next_request=_next_page(spec, data, url, request.page if request else 1, bool(items)))


def _next_page(spec: SourceSpec, data: Any, url: str, page: int, had_items: bool) -> PageRequest | None:
    if not had_items or page >= int(spec.options.get("max_pages", 1)):
        return None
    if spec.options.get("next"):
        link = as_text(get_path(data, str(spec.options["next"])))
        return _request(spec, absolute_url(url, link), page + 1) if link else None
    param = spec.options.get("page_param")
    if param:
        number = int(spec.options.get("page_start", 1)) + page
        return _request(spec, _with_page(url, str(param), number), page + 1)
    return None
