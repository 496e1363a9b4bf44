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
from xml.sax import SAXParseException

import feedparser
from parsel import Selector

from fursa.storage import Draft, ItemError, SourceSpec

from fursa.crawlers.charsets import decode_body
from fursa.crawlers.errors import FormatError
from fursa.crawlers.pages import PageRequest, ParsedPage, check_item, new_draft, sort_results, with_flags
from fursa.crawlers.text import clean_title, decode_html, html_to_text, summarize
from fursa.crawlers.urls import absolute_url, canonical_url, is_http_url


_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                         re.IGNORECASE | re.DOTALL)
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF|RDF)\b", re.IGNORECASE)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_ITEM_START = re.compile(r"<(?:item|entry)[\s/>]")
_HIDDEN = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>", re.DOTALL)   # only those that close
_CHUNK_LINK = re.compile(r"""<link[^>]*?\bhref\s*=\s*["']([^"']+)|<link\b[^>]*>\s*(?:<!\[CDATA\[)?\s*([^<\s]+)"""
                         r"""|<guid\b[^>]*>\s*(https?://[^<\s]+)""", re.IGNORECASE)
_CHUNK_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
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
    """Drafts from an RSS/Atom body; items without a title or link, and items the feed has but
    the feed reader could not return (a malformed feed), become item errors.

    Raises FormatError when the body is not a feed at all (HTML, empty, not XML, entity
    declarations), and when the feed has items and none of them could be read.
    """
    check_feed_body(body, url, content_type)
    decoded = decode_body(body, content_type, "xml")
    # Our own nh3 pass cleans every text; feedparser's sanitizer and URI rewriting would only
    # repeat that work (they are most of its parsing time).
    parsed = feedparser.parse(as_utf8_xml(decoded.text), response_headers={"content-type": utf8_content_type(content_type),
                                                                          "content-location": url},
                              sanitize_html=False, resolve_relative_uris=False)
    starts = item_starts(decoded.text)
    if not parsed.entries and (parsed.bozo or not parsed.version):
        reason = parsed.get("bozo_exception") or "no RSS or Atom root element"
        lost = f"; {_none_read(len(starts))}" if starts else ""
        raise FormatError(f"{url} is not a readable RSS/Atom feed ({reason}){lost}; check the URL in a browser")
    feed_language = (parsed.feed.get("language") or "").split("-")[0].lower()
    read = [draft_from_entry(entry, spec, feed_language, f"{url} item {number}")
            for number, entry in enumerate(parsed.entries, start=1)]
    read = unread_items(decoded.text, starts, read, parsed, url)
    drafts, errors = sort_results(spec, read)
    found = max(len(starts), len(parsed.entries))
    if found and len(errors) >= found:
        raise FormatError(f"{url}: {_none_read(found)} ({errors[0].message}"
                          f"{f' … and {len(errors) - 1} more' if len(errors) > 1 else ''}); "
                          "check the feed in a browser or ask its publisher to fix it")
    return ParsedPage(drafts=tuple(with_flags(draft, decoded.flags) for draft in drafts), item_errors=errors,
                      next_request=_next_page(parsed, spec, url, page))


def _none_read(count: int) -> str:
    return "its one item could not be read" if count == 1 else f"none of its {count} items could be read"


def item_starts(text: str) -> list[int]:
    """Where each <item> (RSS) or <entry> (Atom) starts in a feed's text, outside the comments and
    CDATA sections that close: the items the publisher wrote, read or not."""
    masked = _HIDDEN.sub(lambda match: " " * len(match.group(0)), text)
    return [match.start() for match in _ITEM_START.finditer(masked)]


def _xml_problem(parsed: Any) -> str:
    problem = parsed.get("bozo_exception")
    if isinstance(problem, SAXParseException):
        return (f"the feed is not well-formed XML: {problem.getMessage()} at line {problem.getLineNumber()}, "
                f"column {problem.getColumnNumber()}")
    return "the feed reader did not take it for an item"


def _chunk_link(chunk: str, url: str) -> str:
    match = _CHUNK_LINK.search(chunk)
    link = next((group for group in match.groups() if group), "") if match else ""
    return absolute_url(url, clean_title(link)) if link else ""


def _chunk_title(chunk: str) -> str:
    match = _CHUNK_TITLE.search(chunk)
    return clean_title(match.group(1).replace("<![CDATA[", "").replace("]]>", "")) if match else ""


def _identity(entry: Any, url: str) -> tuple[str, str]:
    link = _entry_link(entry)
    return (canonical_url(absolute_url(url, link)) if link else "", clean_title(entry.get("title") or ""))


def unread_items(text: str, starts: list[int], read: list[Draft | ItemError], parsed: Any,
                 url: str) -> list[Draft | ItemError]:
    """`read` (a Draft or an ItemError per entry the feed reader returned), accounted against the
    items written in the feed when the reader returned fewer entries than that (a malformed feed:
    an item swallowed by its neighbour, items lost after a broken tag).

    Each written item is matched to the entry with its link or title; an item no entry matches
    gets an ItemError naming it by its link or title where its own text still shows them, and
    the reader's empty entries (what is left of merged items) are dropped. When the items cannot
    be told apart that way, each missing one gets an ItemError of its own, unnamed.
    """
    lost = len(starts) - len(parsed.entries)
    if lost <= 0:
        return read
    unused = {index: _identity(entry, url) for index, entry in enumerate(parsed.entries)}
    accounted: list[Draft | ItemError] = []
    unread = []
    for number, (start, end) in enumerate(zip(starts, starts[1:] + [len(text)]), start=1):
        chunk = text[start:end]
        link, title = _chunk_link(chunk, url), _chunk_title(chunk)
        index = next((index for index, (entry_link, entry_title) in unused.items()
                      if (link and canonical_url(link) == entry_link) or (title and title == entry_title)), None)
        if index is None:
            unread.append((f"item {number}", link, title))
        else:
            del unused[index]
            accounted.append(read[index])
    if any(isinstance(read[index], Draft) for index in unused):   # items that cannot be told apart
        accounted, unread = list(read), [("an item", "", "")] * lost
    problem = _xml_problem(parsed)
    return accounted + [ItemError(url=link or f"{url} ({which})",
                                  message=f"{which} of {len(starts)}{f' ({title!r})' if title else ''} could not "
                                          f"be read: {problem}; skipped — ask the feed's publisher to fix it")
                        for which, link, title in unread]


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
