"""Exceptions of the crawlers package; each docstring says who raises it.

Third-party failures (Twisted, Scrapy, httpx, feedparser, json) are translated into these at the
boundary, with a message for the person who must act: what failed, and what to check.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:   # failures.py imports this module for the guard's types
    from fursa.crawlers.failures import FailureKind


class CrawlerError(Exception):
    """Base class of every error this package raises on purpose."""


class CatalogueError(CrawlerError):
    """Raised by `load_catalogue` when the TOML file is unreadable or a source entry is invalid.

    The message names the file, the source and the field; `problems` lists every problem found.
    """

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems or (message,)


class UnsafeURLError(CrawlerError):
    """Raised by `check_public_url` (and so by every fetch and redirect hop) for a URL that is not
    http(s) or that resolves to a loopback, private, link-local, metadata or otherwise non-public address.

    The message is the guard's whole sentence (the URL, the address, the rule). The crawl's
    connection-time check raises `crawlers.middlewares.RefusedAddressError`, a subclass."""


class UnresolvableHostError(UnsafeURLError):
    """Raised by `check_public_url` when the host name does not resolve at all: a DNS failure, not a
    refusal; `reason` is what the resolver said."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


class FetchError(CrawlerError):
    """Raised by `check_source` and `discover_feeds` (httpx side) when a page cannot be downloaded;
    `kind` says why as data, the message says it in words."""

    def __init__(self, message: str, kind: FailureKind) -> None:
        super().__init__(message)
        self.kind = kind


class FormatError(CrawlerError):
    """Raised by the parsers when a body is not what the source type promises (HTML instead of a
    feed, a non-JSON API answer, an API error envelope, XML with entity declarations)."""


class ScrapydError(CrawlerError):
    """Raised inside `crawlers.scrapyd` when a Scrapyd server cannot be reached or refuses a request;
    `crawl_sources` turns it into an error on each source's FetchResult, never raising it further."""


class OrcidError(CrawlerError):
    """Base of the errors `crawlers.orcid` raises about an ORCID iD or its works list."""


class OrcidIdError(OrcidError):
    """Raised by `check_orcid_id` (before any fetch) for text that is not an ORCID iD or whose check digit is wrong."""


class OrcidFetchError(OrcidError):
    """Raised by `fetch_orcid_works` when the works list cannot be downloaded: unreachable, 404, an error status, too big."""


class OrcidFormatError(OrcidError):
    """Raised by `parse_orcid_works` for an answer that is not JSON or not in the documented works-list shape."""
