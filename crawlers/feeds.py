"""RSS and Atom: feedparser over the downloaded bytes (never over a URL), plus feed discovery.

A feed's bytes are decoded once, here (`crawlers.charsets`: header, BOM, XML declaration, then
detection); feedparser gets that text as UTF-8 under a declaration and a header that both say
UTF-8, so its own encoding rules have nothing left to decide.
"""
from __future__ import annotations

import calendar
import re
from datetime import datetime, timezone
from typing import Any

import feedparser
from parsel import Selector

from fursa.storage import Draft, ItemError, SourceSpec

from fursa.crawlers.charsets import decode_body
from fursa.crawlers.errors import FormatError
from fursa.crawlers.pages import PageRequest, ParsedPage, check_item, new_draft, sort_results, with_flags
from fursa.crawlers.text import clean_title, decode_html, html_to_text, summarize
from fursa.crawlers.urls import absolute_url, is_http_url


_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                         re.IGNORECASE | re.DOTALL)
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF|RDF)\b", re.IGNORECASE)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_UTF8_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")
COMMON_FEED_PATHS = ("/feed/", "/rss.xml", "/feed.xml", "/atom.xml", "/rss/", "/index.xml", "/feeds/posts/default",
                     "/?feed=rss2")


def looks_like_html(body: bytes, content_type: str | None = None) -> bool:
    """True when `body` is a web page rather than a feed (the Grants.gov RSS trap)."""
    head = body[:4096].lstrip(b"\xef\xbb\xbf")
    if _FEED_ROOT.search(head):
        return False
    return bool(_HTML_START.match(head)) or "html" in (content_type or "").lower()


def is_feed_body(body: bytes, content_type: str | None = None) -> bool:
    """True when `body` has an RSS, Atom or RDF root element and is not a web page."""
    head = body[:4096].lstrip(b"\xef\xbb\xbf")
    return bool(_FEED_ROOT.search(head)) and not _HTML_START.match(head)


def _page_title(body: bytes) -> str:
    match = re.search(rb"<title[^>]*>(.*?)</title>", body[:20000], re.IGNORECASE | re.DOTALL)
    return clean_title(decode_html(match.group(1))) if match else ""


def check_feed_body(body: bytes, url: str, content_type: str | None = None) -> None:
    """Raise FormatError when `body` cannot be a safe feed: empty, HTML, or declaring XML entities."""
    if not body.strip():
        raise FormatError(f"{url} returned an empty body, not a feed; check that the feed URL is still published")
    if looks_like_html(body, content_type):
        title = _page_title(body)
        raise FormatError(
            f"{url} returned an HTML page{f' ({title!r})' if title else ''}, not a feed (RSS/Atom); "
            "the site may have moved or retired the feed — open the URL in a browser and look for a "
            "new feed link, or switch the source to the site's API or HTML listing")
    if _ENTITY_DECL.search(body[:65536]):
        raise FormatError(
            f"{url} declares XML entities (<!ENTITY …>), which Fursa refuses to expand (XXE and "
            "entity-expansion attacks); ask the publisher for a plain feed")


def _when(entry: Any, *keys: str) -> datetime | None:
    for key in keys:
        parsed = entry.get(key)
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc)
    return None


def _entry_html(entry: Any) -> str:
    contents = [part.get("value", "") for part in entry.get("content", []) or []]
    longest = max(contents, key=len, default="")
    summary = entry.get("summary", "") or ""
    return longest if len(longest) >= len(summary) else summary


def _entry_link(entry: Any) -> str:
    link = entry.get("link") or ""
    if not link:
        for candidate in entry.get("links", []) or []:
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    if not link and is_http_url(entry.get("id", "") or ""):
        link = entry["id"]  # RSS <guid isPermaLink="true"> and Atom ids that are URLs
    return link.strip()


def _language(entry: Any, feed_language: str, default: str) -> str:
    for detail in (entry.get("title_detail") or {}, (entry.get("content") or [{}])[0]):
        if detail.get("language"):
            return detail["language"].split("-")[0].lower()
    return feed_language or default


def draft_from_entry(entry: Any, spec: SourceSpec, feed_language: str, where: str) -> Draft | ItemError:
    title = entry.get("title", "") or ""
    link = _entry_link(entry)
    problem = check_item(link, title, where)
    if problem:
        return problem
    text = html_to_text(_entry_html(entry))
    categories = tuple(dict.fromkeys(clean_title(tag.get("term") or tag.get("label") or "")
                                     for tag in entry.get("tags", []) or [] if tag.get("term") or tag.get("label")))
    return new_draft(
        spec, link, title, text=text, summary=summarize(text),
        provider=clean_title((entry.get("source") or {}).get("title", "") or ""),
        external_id=(entry.get("id") or "").strip()[:300],
        published_at=_when(entry, "published_parsed", "updated_parsed", "created_parsed"),
        language=_language(entry, feed_language, spec.language), categories=categories)


def parse_feed(body: bytes, spec: SourceSpec, url: str, content_type: str | None = None,
               page: int = 1) -> ParsedPage:
    """Drafts from an RSS/Atom body; items without a title or link become item errors.

    Raises FormatError when the body is not a feed at all (HTML, empty, not XML, entity declarations).
    """
    check_feed_body(body, url, content_type)
    decoded = decode_body(body, content_type, "xml")
    # Our own nh3 pass cleans every text; feedparser's sanitizer and URI rewriting would only
    # repeat that work (they are most of its parsing time).
    parsed = feedparser.parse(as_utf8_xml(decoded.text), response_headers={"content-type": utf8_content_type(content_type),
                                                                          "content-location": url},
                              sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries and (parsed.bozo or not parsed.version):
        reason = parsed.get("bozo_exception") or "no RSS or Atom root element"
        raise FormatError(f"{url} is not a readable RSS/Atom feed ({reason}); check the URL in a browser")
    feed_language = (parsed.feed.get("language") or "").split("-")[0].lower()
    drafts, errors = sort_results(spec, (draft_from_entry(entry, spec, feed_language, f"{url} item {number}")
                                         for number, entry in enumerate(parsed.entries, start=1)))
    return ParsedPage(drafts=tuple(with_flags(draft, decoded.flags) for draft in drafts), item_errors=errors,
                      next_request=_next_page(parsed, spec, url, page))


def as_utf8_xml(text: str) -> bytes:
    """Decoded feed text as UTF-8 bytes whose XML declaration says so (on the first line, so the
    XML parser's line numbers stay those of the feed)."""
    declaration = _XML_DECLARATION.match(text)
    rest = text[declaration.end():] if declaration else text.lstrip()
    return (_UTF8_DECLARATION + rest).encode("utf-8")


def utf8_content_type(content_type: str | None) -> str:
    """The response's media type with charset=utf-8, the encoding `as_utf8_xml` writes."""
    media = (content_type or "").split(";")[0].strip() or "application/xml"
    return f"{media}; charset=utf-8"


def _next_page(parsed: Any, spec: SourceSpec, url: str, page: int) -> PageRequest | None:
    # RFC 5005 paging (<atom:link rel="next">); WordPress and others publish it.
    if page >= int(spec.options.get("max_pages", 1)):
        return None
    for link in parsed.feed.get("links", []) or []:
        if link.get("rel") == "next" and link.get("href"):
            return PageRequest(url=absolute_url(url, link["href"]), page=page + 1)
    return None


def find_feed_links(body: bytes, url: str, content_type: str | None = None) -> list[str]:
    """Feed URLs a page announces with <link rel="alternate" type="application/rss+xml" …>."""
    selector = Selector(text=decode_html(body, content_type))
    found: list[str] = []
    for link in selector.css("link[href]"):
        rel = (link.attrib.get("rel") or "").lower().split()
        kind = (link.attrib.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in FEED_TYPES:
            found.append(absolute_url(url, link.attrib["href"]))
    return list(dict.fromkeys(href for href in found if is_http_url(href)))
