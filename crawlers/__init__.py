"""Crawlers: the source catalogue, fetching (Scrapy in a child process or on a Scrapyd server;
httpx for single interactive fetches), parsing of source formats, canonical URLs, near-duplicates, the SSRF guard.

Returns records (`storage`'s Draft and FetchResult) and never opens the database. Free-text
understanding (disciplines, levels, eligibility, deadlines in prose) is matching/'s job.

Every crawl child and the Scrapyd egg import this package, and each needs only a few of its parts
(a crawl child never previews a source with httpx, never deduplicates with datasketch and SciPy,
never validates a catalogue), so the errors load at once and everything else on first use
(PEP 562), from the table below.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from fursa.crawlers.errors import CatalogueError, CrawlerError, FetchError, FormatError, UnsafeURLError
from fursa.crawlers.errors import OrcidError, OrcidFetchError, OrcidFormatError, OrcidIdError

_LAZY = {
    "default_catalogue_path": "fursa.crawlers.catalogue", "load_catalogue": "fursa.crawlers.catalogue",
    "CrawlConfig": "fursa.crawlers.config",
    "parse_darpa": "fursa.crawlers.darpa",
    "deadline_from": "fursa.crawlers.dates",
    "NearDuplicate": "fursa.crawlers.dedup", "SignatureCache": "fursa.crawlers.dedup",
    "find_near_duplicates": "fursa.crawlers.dedup", "pick_canonical_url": "fursa.crawlers.dedup",
    "find_feed_links": "fursa.crawlers.feeds", "parse_feed": "fursa.crawlers.feeds",
    "FORMATS": "fursa.crawlers.formats", "format_of": "fursa.crawlers.formats",
    "parse_grants_gov_opportunity": "fursa.crawlers.grants_gov", "parse_grants_gov_search": "fursa.crawlers.grants_gov",
    "check_public_url": "fursa.crawlers.guard",
    "parse_html_detail": "fursa.crawlers.html_pages", "parse_html_listing": "fursa.crawlers.html_pages",
    "parse_html_page": "fursa.crawlers.html_pages",
    "parse_json_listing": "fursa.crawlers.json_api",
    "PageRequest": "fursa.crawlers.pages", "ParsedPage": "fursa.crawlers.pages",
    "check_source": "fursa.crawlers.preview", "discover_feeds": "fursa.crawlers.preview",
    "crawl_sources": "fursa.crawlers.runner",
    "parse_sedia": "fursa.crawlers.sedia",
    "html_to_text": "fursa.crawlers.text", "sanitize_html": "fursa.crawlers.text",
    "canonical_url": "fursa.crawlers.urls",
    "OrcidWork": "fursa.crawlers.orcid", "check_orcid_id": "fursa.crawlers.orcid",
    "fetch_orcid_works": "fursa.crawlers.orcid", "parse_orcid_works": "fursa.crawlers.orcid",
}

if TYPE_CHECKING:   # what editors and type checkers see; at run time the names load on first use
    from fursa.crawlers.catalogue import default_catalogue_path, load_catalogue
    from fursa.crawlers.config import CrawlConfig
    from fursa.crawlers.darpa import parse_darpa
    from fursa.crawlers.dates import deadline_from
    from fursa.crawlers.dedup import NearDuplicate, SignatureCache, find_near_duplicates, pick_canonical_url
    from fursa.crawlers.feeds import find_feed_links, parse_feed
    from fursa.crawlers.formats import FORMATS, format_of
    from fursa.crawlers.grants_gov import parse_grants_gov_opportunity, parse_grants_gov_search
    from fursa.crawlers.guard import check_public_url
    from fursa.crawlers.html_pages import parse_html_detail, parse_html_listing, parse_html_page
    from fursa.crawlers.json_api import parse_json_listing
    from fursa.crawlers.pages import PageRequest, ParsedPage
    from fursa.crawlers.preview import check_source, discover_feeds
    from fursa.crawlers.runner import crawl_sources
    from fursa.crawlers.sedia import parse_sedia
    from fursa.crawlers.text import html_to_text, sanitize_html
    from fursa.crawlers.urls import canonical_url
    from fursa.crawlers.orcid import OrcidWork, check_orcid_id, fetch_orcid_works, parse_orcid_works


def __getattr__(name: str) -> object:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value   # later lookups are plain attribute reads
        return value
    raise AttributeError(f"module 'fursa.crawlers' has no attribute {name!r}")


__all__ = [
    "CatalogueError", "CrawlConfig", "CrawlerError", "FORMATS", "FetchError", "FormatError", "NearDuplicate",
    "PageRequest", "ParsedPage", "SignatureCache", "UnsafeURLError", "canonical_url", "check_public_url", "check_source",
    "crawl_sources", "deadline_from", "default_catalogue_path", "discover_feeds", "find_feed_links",
    "find_near_duplicates", "format_of", "html_to_text", "load_catalogue", "parse_darpa", "parse_feed",
    "parse_grants_gov_opportunity", "parse_grants_gov_search", "parse_html_detail", "parse_html_listing",
    "parse_html_page", "parse_json_listing", "parse_sedia", "pick_canonical_url", "sanitize_html",
    # ORCID works lists for research profiles
    "OrcidError", "OrcidFetchError", "OrcidFormatError", "OrcidIdError", "OrcidWork", "check_orcid_id",
    "fetch_orcid_works", "parse_orcid_works",
]
