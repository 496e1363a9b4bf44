"""For9a (فرصة), a Jordan-based opportunities site built with Next.js, in Arabic and English.

A category listing (`…/opportunity/category/{name}?page=N`) is read for its links to opportunity
pages — `/opportunity/{slug}` in Arabic, `/en/opportunity/{slug}` in English, the addresses of the
real For9a pages in ../shared/corpus/arabic-calls — and each link is followed to its page. When
the listing carries its Next.js data (`props.pageProps.opportunities.data[]`: title, deadline,
no_deadline, closed, organization), items it marks closed are dropped and its deadlines kept; a
listing drawn in the browser only (data, no links) is read from the data's `slug`s.
An opportunity page's `__NEXT_DATA__` holds `props.pageProps.data.opportunity`: title, the
sections of the call (`descriptions[]` {header, body}: «وصف الفرصة», «المنافع والفوائد»,
«معايير التقديم» …), `organization`, `redirect_url` (the funder's own page) and the deadline
fields. A deadline in 1969 or 1970 is For9a's way of writing "none" (an empty date's epoch).
"""
from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from parsel import Selector

from fursa.storage import Deadline, Draft, SourceSpec

from fursa.crawlers.dates import deadline_from
from fursa.crawlers.errors import FormatError
from fursa.crawlers.html_pages import complete_draft, read_page
from fursa.crawlers.jsondata import as_text, get_path
from fursa.crawlers.pages import PageRequest, ParsedPage, keep_by_title, new_draft, with_flags
from fursa.crawlers.text import clean_title, html_to_text, summarize
from fursa.crawlers.urls import absolute_url, host_of

LISTING_ITEMS = "props.pageProps.opportunities.data"
DETAIL_OBJECT = "props.pageProps.data.opportunity"
_OPPORTUNITY_PATH = re.compile(r"^/(?:en/)?opportunity/(?!category/)[^/]+/?$")
_NO_DATE_YEARS = re.compile(r"^\s*19(?:69|70)\b")
_NEXT_DATA = 'script#__NEXT_DATA__::text'


def first_request(spec: SourceSpec) -> PageRequest:
    return PageRequest(url=spec.url)


def _zone(spec: SourceSpec) -> str:
    return str(spec.options.get("timezone", "Asia/Amman"))


def _next_data(page: Selector) -> Any:
    raw = page.css(_NEXT_DATA).get()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return None


def is_opportunity_link(url: str, listing_url: str) -> bool:
    """True for a link to one opportunity's page on the listing's own host."""
    parts = urlsplit(url)
    return host_of(url) == host_of(listing_url) and bool(_OPPORTUNITY_PATH.match(parts.path))


def for9a_deadline(row: dict[str, Any], spec: SourceSpec) -> Deadline:
    """The deadline of an opportunity object: a date, rolling (`no_deadline`), or unknown.
    For9a writes "no date" as a 1969/1970 timestamp; that is never a deadline."""
    raw = as_text(row.get("deadline")).strip()
    if raw and _NO_DATE_YEARS.match(raw):
        raw = ""
    if row.get("no_deadline") in (True, 1, "1", "true"):
        return Deadline(kind="rolling", text=raw)
    return deadline_from(raw, _zone(spec), "auto", (spec.language, "en"))


def _listing_rows(page: Selector) -> dict[str, dict[str, Any]]:
    rows = get_path(_next_data(page), LISTING_ITEMS)
    if not isinstance(rows, list):
        return {}
    return {clean_title(as_text(row.get("title"))): row for row in rows if isinstance(row, dict) and row.get("title")}


def _with_page(url: str, number: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"] + [("page", str(number))]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def parse_for9a_listing(body: bytes, spec: SourceSpec, url: str | None = None,
                        request: PageRequest | None = None, content_type: str | None = None) -> ParsedPage:
    """One detail request per opportunity linked from a For9a category page, and the next page."""
    url = url or spec.url
    page, flags = read_page(body, content_type)
    rows = _listing_rows(page)
    titles: dict[str, str] = {}
    for anchor in page.css("a[href]"):
        link = absolute_url(url, anchor.attrib["href"]).split("#")[0]
        if not is_opportunity_link(link, url):
            continue
        text = clean_title(anchor.xpath("string(.)").get(""))
        if text or link not in titles:       # a card's picture and its title link to the same page
            titles[link] = titles.get(link) or text
    if not titles:
        titles = _links_from_rows(rows, url)
    if not titles:
        raise FormatError(f"{url} links to no For9a opportunity page (/opportunity/…) and its page data names no "
                          "slug; the site may have been rebuilt or the address is not a category listing")
    details = []
    for link, title in list(titles.items())[: int(spec.options.get("max_items", 50))]:
        row = rows.get(title, {})
        if row.get("closed") in (True, 1, "1", "true"):
            continue
        draft = new_draft(spec, link, title or link, deadline=for9a_deadline(row, spec) if row else Deadline(),
                          provider=clean_title(_organization_name(row.get("organization"))))
        if keep_by_title(spec, draft):
            details.append(PageRequest(url=link, role="detail", draft=with_flags(draft, flags)))
    number = request.page if request else 1
    more = bool(titles) and number < int(spec.options.get("max_pages", 1))
    return ParsedPage(detail_requests=tuple(details),
                      next_request=PageRequest(url=_with_page(url, number + 1), page=number + 1) if more else None)


def _links_from_rows(rows: dict[str, dict[str, Any]], url: str) -> dict[str, str]:
    """Opportunity links built from the page data's slugs, for a listing drawn in the browser only."""
    prefix = "/en/opportunity/" if urlsplit(url).path.startswith("/en/") else "/opportunity/"
    return {absolute_url(url, prefix + quote(as_text(row.get("slug")).strip("/"))): title
            for title, row in rows.items() if as_text(row.get("slug")).strip("/")}


def _organization_name(value: Any) -> str:
    if isinstance(value, dict):
        return as_text(value.get("name") or value.get("title"))
    return as_text(value)


def opportunity_text(opportunity: dict[str, Any]) -> str:
    """The call's sections as plain text, each under its header, and the funder's page if given."""
    parts = []
    for section in opportunity.get("descriptions") or ():
        if not isinstance(section, dict):
            continue
        header, body = clean_title(as_text(section.get("header"))), html_to_text(as_text(section.get("body")))
        if body:
            parts.append(f"{header}\n{body}" if header else body)
    official = as_text(opportunity.get("redirect_url")).strip()
    if official.startswith(("http://", "https://")) and "for9a.com" not in host_of(official):
        parts.append(official)
    return "\n\n".join(parts)


def parse_for9a_detail(body: bytes, spec: SourceSpec, draft: Draft, url: str | None = None,
                       content_type: str | None = None) -> Draft:
    """`draft` completed from its opportunity page's data; a page without it is read as HTML."""
    page, flags = read_page(body, content_type)
    draft = with_flags(draft, flags)
    opportunity = get_path(_next_data(page), DETAIL_OBJECT)
    if not isinstance(opportunity, dict):
        return complete_draft(page, spec, draft)
    text = opportunity_text(opportunity)
    deadline = draft.deadline
    if deadline.kind == "unknown":
        found = for9a_deadline(opportunity, spec)
        deadline = found if found.kind != "unknown" or found.text else deadline
    provider = clean_title(_organization_name(opportunity.get("organization"))) or draft.provider
    return replace(draft, title=clean_title(as_text(opportunity.get("title"))) or draft.title,
                   text=text or draft.text, summary=draft.summary or summarize(text),
                   deadline=deadline, provider=provider)
