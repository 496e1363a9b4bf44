"""The parsers a catalogue entry can name, what each expects, and the options each accepts.

A Format ties a parser name ("feed", "grants_gov", "sedia", "darpa", "json", "html") to its first
request, its page and detail parsers and its option schema, so the spider, the preview and the
catalogue validator all read the same table.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from fursa.storage import Draft, SourceSpec

from fursa.crawlers import darpa, for9a, grants_gov, html_pages, json_api, sedia, telegram
from fursa.crawlers.feeds import parse_feed
from fursa.crawlers.pages import PageRequest, ParsedPage

PageParser = Callable[[bytes, SourceSpec, str, PageRequest, "str | None"], ParsedPage]
DetailParser = Callable[[bytes, SourceSpec, Draft, str, "str | None"], Draft]


@dataclass(frozen=True)
class Option:
    """One allowed `[source.options]` key: its TOML type(s) and what it does."""

    types: tuple[type, ...]
    help: str
    choices: tuple[Any, ...] = ()
    selector: bool = False


@dataclass(frozen=True)
class Format:
    """A parser a catalogue entry can name."""

    name: str
    source_types: tuple[str, ...]
    expects: str                     # "feed", "json" or "html": what the body must be
    first_request: Callable[[SourceSpec], PageRequest]
    parse_page: PageParser
    parse_detail: DetailParser | None
    options: Mapping[str, Option]
    conditional: bool                # send our ETag/Last-Modified on the first request


_STR, _INT, _BOOL, _LIST, _TABLE = (str,), (int,), (bool,), (list,), (dict,)
COMMON = {
    "headers": Option(_TABLE, "extra HTTP headers (e.g. a browser-like User-Agent where a site refuses bots)"),
    "title_include": Option(_LIST, "keep only items whose title or summary matches one of these words/regexes"),
    "title_exclude": Option(_LIST, "drop items whose title matches one of these words/regexes"),
    "max_pages": Option(_INT, "how many listing/API pages to read per run (default 1; APIs 5)"),
    "aggregator": Option(_BOOL, "true for sites that repost others' calls: their links are leads, the funder's page wins"),
}
TIMEZONE = Option(_STR, "IANA zone for dates without one (e.g. 'Europe/London')")
SELECTOR = Option(_STR, "CSS selector (XPath when it starts with '/' or './')", selector=True)


def _feed_page(body: bytes, spec: SourceSpec, url: str, request: PageRequest, content_type: str | None) -> ParsedPage:
    return parse_feed(body, spec, url, content_type, request.page)


def _simple(parser: Callable[..., ParsedPage]) -> PageParser:
    def parse(body: bytes, spec: SourceSpec, url: str, request: PageRequest, content_type: str | None) -> ParsedPage:
        return parser(body, spec, url, request)
    return parse


def _grants_detail(body: bytes, spec: SourceSpec, draft: Draft, url: str, content_type: str | None) -> Draft:
    return grants_gov.parse_grants_gov_opportunity(body, spec, draft, url)


def _html_page(body: bytes, spec: SourceSpec, url: str, request: PageRequest, content_type: str | None) -> ParsedPage:
    return html_pages.parse_html_listing(body, spec, url, request, content_type)


def _html_detail(body: bytes, spec: SourceSpec, draft: Draft, url: str, content_type: str | None) -> Draft:
    return html_pages.parse_html_detail(body, spec, draft, url, content_type)


FORMATS: dict[str, Format] = {
    "feed": Format("feed", ("feed",), "feed", lambda spec: PageRequest(url=spec.url), _feed_page, None,
                   COMMON, conditional=True),
    "grants_gov": Format("grants_gov", ("api",), "json", grants_gov.first_request,
                         _simple(grants_gov.parse_grants_gov_search), _grants_detail, {
                             **COMMON,
                             "body": Option(_TABLE, "search2 JSON body (keyword, oppStatuses, rows, agencies, fundingCategories …)"),
                             "detail": Option(_BOOL, "also call fetchOpportunity per hit for the synopsis and award ceiling"),
                             "detail_url": Option(_STR, "fetchOpportunity endpoint (default the public one)"),
                         }, conditional=False),
    "sedia": Format("sedia", ("api",), "json", sedia.first_request, _simple(sedia.parse_sedia), None, {
        **COMMON,
        "query": Option(_TABLE, "SEDIA query (Elasticsearch bool query) sent as a JSON part"),
        "sort": Option(_TABLE, "SEDIA sort part, e.g. {field = 'startDate', order = 'DESC'}"),
        "languages": Option(_LIST, "languages part (default ['en'])"),
        "page_size": Option(_INT, "results per page (default 100)"),
        "text": Option(_STR, "free-text filter (default '***', everything)"),
        "identifier_prefixes": Option(_LIST, "keep only identifiers starting with one of these (e.g. 'ERASMUS-')"),
    }, conditional=False),
    "darpa": Format("darpa", ("api",), "json", darpa.first_request, _simple(darpa.parse_darpa), None, {
        **COMMON, "items": Option(_STR, "path to the list of rows when it is not the top level"),
    }, conditional=True),
    "json": Format("json", ("api", "html"), "json", json_api.first_request, _simple(json_api.parse_json_listing),
                   None, {
                       **COMMON,
                       "items": Option(_STR, "dotted path to the list of items ('' = the top level)"),
                       "fields": Option(_TABLE, f"field → dotted path; fields: {', '.join(json_api.FIELD_NAMES)}"),
                       "url_template": Option(_STR, "link built from fields, e.g. 'https://…/detail/{id}'"),
                       "envelope": Option(_STR, "where the JSON sits", ("", "next_data", "js")),
                       "date_style": Option(_STR, "'auto', 'iso', 'us' (MM/DD/YYYY), 'text' or a strptime pattern"),
                       "timezone": TIMEZONE,
                       "page_param": Option(_STR, "query parameter that numbers pages (e.g. 'page')"),
                       "page_start": Option(_INT, "number of the first page (default 1)"),
                       "next": Option(_STR, "dotted path of the next page's URL in the answer"),
                       "method": Option(_STR, "HTTP method", ("GET", "POST")),
                       "body": Option(_TABLE, "JSON body for POST APIs"),
                   }, conditional=True),
    "html": Format("html", ("html",), "html", html_pages.first_request, _html_page, _html_detail, {
        **COMMON,
        "item": Option(_STR, "selector of one item on the listing (none: the generic reader)", selector=True),
        "title": SELECTOR, "link": SELECTOR, "summary": SELECTOR, "deadline": SELECTOR, "opens": SELECTOR,
        "provider": SELECTOR, "categories": SELECTOR,
        "deadline_label": Option(_STR, "label text of the item's deadline field (e.g. 'Closing date')"),
        "provider_label": Option(_STR, "label text of the item's funder field (e.g. 'Funders')"),
        "amount_label": Option(_STR, "label text of the item's amount field (e.g. 'Total fund')"),
        "category_class_prefixes": Option(_LIST, "item CSS classes with these prefixes become categories"),
        "link_contains": Option(_STR, "keep only items whose link contains this text"),
        "next": Option(_STR, "selector of the next page's link", selector=True),
        "detail": Option(_BOOL, "follow each item to its detail page for the full text"),
        "max_items": Option(_INT, "at most this many items (and detail pages) per page (default 50)"),
        "detail_text": Option(_STR, "selector of the detail page's main text (default: detected)", selector=True),
        "detail_title": Option(_STR, "selector of the detail page's title", selector=True),
        "detail_deadline": Option(_STR, "selector of the detail page's deadline", selector=True),
        "timezone": TIMEZONE,
        "date_languages": Option(_LIST, "languages of written dates (default: the source language and English)"),
    }, conditional=True),
    "for9a": Format("for9a", ("html",), "html", for9a.first_request, for9a.parse_for9a_listing, for9a.parse_for9a_detail, {
        **COMMON, "max_items": Option(_INT, "at most this many opportunities (and pages) per listing page (default 50)"),
        "timezone": TIMEZONE,
    }, conditional=True),
    "telegram": Format("telegram", ("html",), "html", telegram.first_request, telegram.parse_telegram_page, None,
                       COMMON, conditional=True),
}
DEFAULT_BY_TYPE = {"feed": "feed", "api": "json", "html": "html"}


def format_of(spec: SourceSpec) -> Format:
    """The Format a source uses: its `parser`, or the default for its type."""
    return FORMATS[spec.parser or DEFAULT_BY_TYPE[spec.type]]
