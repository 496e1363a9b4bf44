"""Crawlers: the source catalogue, fetching (Scrapy in a child process or on a Scrapyd server;
httpx for single interactive fetches), parsing of source formats, canonical URLs, near-duplicates, the SSRF guard.

Returns records (`storage`'s Draft and FetchResult) and never opens the database. Free-text
understanding (disciplines, levels, eligibility, deadlines in prose) is matching/'s job.
"""
import importlib

from fursa.crawlers.catalogue import default_catalogue_path, load_catalogue
from fursa.crawlers.config import CrawlConfig
from fursa.crawlers.darpa import parse_darpa
from fursa.crawlers.dates import deadline_from
from fursa.crawlers.errors import CatalogueError, CrawlerError, FetchError, FormatError, UnsafeURLError
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

# datasketch pulls in SciPy (about a second); every crawl child imports this package and never
# deduplicates, so the dedup names load on first use (PEP 562).
_LAZY = {"NearDuplicate": "fursa.crawlers.dedup", "SignatureCache": "fursa.crawlers.dedup", "find_near_duplicates": "fursa.crawlers.dedup",
         "pick_canonical_url": "fursa.crawlers.dedup"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'crawlers' has no attribute {name!r}")


__all__ = [
    "CatalogueError", "CrawlConfig", "CrawlerError", "FORMATS", "FetchError", "FormatError", "NearDuplicate",
    "PageRequest", "ParsedPage", "SignatureCache", "UnsafeURLError", "canonical_url", "check_public_url", "check_source",
    "crawl_sources", "deadline_from", "default_catalogue_path", "discover_feeds", "find_feed_links",
    "find_near_duplicates", "format_of", "html_to_text", "load_catalogue", "parse_darpa", "parse_feed",
    "parse_grants_gov_opportunity", "parse_grants_gov_search", "parse_html_detail", "parse_html_listing",
    "parse_html_page", "parse_json_listing", "parse_sedia", "pick_canonical_url", "sanitize_html",
]
