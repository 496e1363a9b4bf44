"""Scrapy downloader middlewares and the resolver that make the crawl safe and polite.

- GuardMiddleware: the SSRF guard on every request, redirect hop and robots.txt fetch.
- GuardedResolver: the same rule at connection time, so a host cannot pass the check with one
  address and then connect to another (DNS rebinding).
- RobotsTxtMiddleware, RedirectMiddleware, MetaRefreshMiddleware, HttpCompressionMiddleware:
  Scrapy's own, raising a typed IgnoreRequest (robots.txt, redirect loop, size cap after
  decompression) where Scrapy raises a bare one, so the spider's errback knows why by type;
  the robots.txt one also waits for a host's robots.txt in its own way (see its docstring).
- RetryAfterMiddleware: Scrapy's retry (transient codes only) that waits as long as a 429/503's
  Retry-After asks, up to a cap; beyond the cap it gives up until the next run.
- PerHostLimitMiddleware: at most CONCURRENT_REQUESTS_PER_DOMAIN downloads in flight per host.
"""
from __future__ import annotations

import asyncio
import ipaddress
import logging
import time
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.downloadermiddlewares import httpcompression, redirect, robotstxt
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.resolver import CachingThreadedResolver
from scrapy.robotstxt import RobotParser
from scrapy.utils.asyncio import run_in_thread, sleep
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.error import DNSLookupError

from fursa.crawlers.errors import UnsafeURLError
from fursa.crawlers.guard import address_problem, check_public_url

log = logging.getLogger(__name__)


# These subclass Scrapy's IgnoreRequest (Scrapy drops such a request quietly and calls the
# errback), so they live here with Scrapy rather than in errors.py, which the preview and the desk
# import without loading Scrapy.
class RobotsDisallowedError(IgnoreRequest):
    """Raised by RobotsTxtMiddleware when the site's robots.txt disallows the request."""


class RedirectLoopError(IgnoreRequest):
    """Raised by RedirectMiddleware and MetaRefreshMiddleware past REDIRECT_MAX_TIMES redirects."""


class DecompressedTooLargeError(IgnoreRequest):
    """Raised by HttpCompressionMiddleware when a body passes DOWNLOAD_MAXSIZE while it is decompressed."""


class RefusedAddressError(DNSLookupError, UnsafeURLError):
    """Raised by GuardedResolver when a host resolves to a non-public address at connection time;
    a DNSLookupError for Twisted, an UnsafeURLError (the guard's refusal) for Fursa."""


class GuardMiddleware:
    """Refuses any request whose URL is not public http(s); results are cached per host for the run.

    The refusal is an IgnoreRequest (dropped quietly, also for the robots.txt fetch) raised from
    the guard's own UnsafeURLError, which the spider's errback finds by type."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self._verdicts: dict[tuple[str, str, int | None], UnsafeURLError | None] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> GuardMiddleware:
        return cls(crawler.settings.getbool("FURSA_ALLOW_PRIVATE"))

    def _verdict(self, url: str) -> UnsafeURLError | None:
        try:
            check_public_url(url, allow_private=self.allow_private)
        except UnsafeURLError as exc:
            return exc
        return None

    async def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        try:
            key = (parts.scheme.lower(), (parts.hostname or "").lower(), parts.port)
        except ValueError:
            key = (parts.scheme.lower(), parts.netloc, None)
        if key not in self._verdicts:
            # getaddrinfo blocks; keep the reactor free while it runs.
            self._verdicts[key] = await run_in_thread(self._verdict, request.url)
        refusal = self._verdicts[key]
        if refusal is not None:
            raise IgnoreRequest(str(refusal)) from refusal


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing names that resolve to non-public addresses."""

    allow_private = False

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GuardedResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.allow_private = crawler.settings.getbool("FURSA_ALLOW_PRIVATE")
        return resolver

    def getHostByName(self, name: str, timeout: Any = ()) -> Any:  # noqa: N802 (Twisted's name)
        return super().getHostByName(name, timeout).addCallback(self._check, name)

    def _check(self, address: str, name: str) -> str:
        problem = address_problem(ipaddress.ip_address(address), allow_loopback=self.allow_private)
        if problem:
            raise RefusedAddressError(f"refused {name!r}: it resolves to {address}, {problem}; "
                                      "Fursa only fetches public internet addresses")
        return address


class RobotsTxtMiddleware(robotstxt.RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, raising RobotsDisallowedError for a disallowed request, with
    its own wait for a host's robots.txt.

    Scrapy's `robot_parser` hands one Deferred to every request that waits for a host's robots.txt;
    under the asyncio reactor each waiter turns it into a Future through a callback that returns
    None, so the first waiter got the parser and every later one None, which Scrapy reads as
    "allowed": with three or more sources on one host, robots.txt was ignored. Here each host's
    fetch is one asyncio Task, and a finished Task gives the same parser to every request that
    awaits it. As in Scrapy, a robots.txt that cannot be downloaded sets no rules.
    """

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._fetches: dict[str, asyncio.Task[RobotParser | None]] = {}

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        fetch = self._fetches.get(netloc)
        if fetch is None:
            fetch = self._fetches[netloc] = asyncio.get_running_loop().create_task(self._fetch_robots(request))
        # shield: one waiter cancelled (its request timed out or the run closes) must not cancel the
        # fetch the other requests on the host are waiting for.
        return await asyncio.shield(fetch)

    async def _fetch_robots(self, request: Request) -> RobotParser | None:
        parts = urlparse_cached(request)
        robots = Request(f"{parts.scheme}://{parts.netloc}/robots.txt", priority=self.DOWNLOAD_PRIORITY,
                         meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK)
        self._stats.inc_value("robotstxt/request_count")
        try:
            response = await self.crawler.engine.download_async(robots)
        except IgnoreRequest:   # the guard refused the host: its own requests are refused the same way
            return None
        except Exception as exc:  # noqa: BLE001 -- any download failure: no rules, as in Scrapy
            self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
            log.warning("could not download %s (%s: %s); its host is crawled without robots.txt rules this run",
                        robots.url, type(exc).__name__, exc)
            return None
        self._stats.inc_value("robotstxt/response_count")
        self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        parser = build_from_crawler(self._parserimpl, self.crawler, response.body)
        await self.crawler.signals.send_catch_log_async(signal=signals.robots_parsed, robotparser=parser,
                                                        request=request)
        return parser

    def process_request_2(self, rp: Any, request: Request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest as exc:   # the one IgnoreRequest of this method: disallowed by robots.txt
            raise RobotsDisallowedError(str(exc)) from exc


class RedirectMiddleware(redirect.RedirectMiddleware):
    """Scrapy's redirect middleware, raising RedirectLoopError past the allowed number of redirects."""

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:   # the one IgnoreRequest of a redirect middleware: too many redirects
            raise RedirectLoopError(str(exc)) from exc


class MetaRefreshMiddleware(redirect.MetaRefreshMiddleware):
    """Scrapy's <meta http-equiv=refresh> middleware, raising RedirectLoopError like RedirectMiddleware."""

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:   # as above: too many redirects
            raise RedirectLoopError(str(exc)) from exc


class HttpCompressionMiddleware(httpcompression.HttpCompressionMiddleware):
    """Scrapy's decompression, raising DecompressedTooLargeError when a body passes the size cap
    while it is decompressed (a gzip bomb)."""

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:   # the one IgnoreRequest of this middleware: DOWNLOAD_MAXSIZE passed
            raise DecompressedTooLargeError(str(exc)) from exc


def retry_after_seconds(value: str, now: float | None = None) -> float | None:
    """Seconds asked by a Retry-After header (delta-seconds or an HTTP date); None if unreadable."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class RetryAfterMiddleware(RetryMiddleware):
    """RetryMiddleware (5xx, 408, 429; never 404) that honours Retry-After up to FURSA_MAX_RETRY_AFTER."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfterMiddleware:
        middleware = super().from_crawler(crawler)
        middleware.max_wait = crawler.settings.getfloat("FURSA_MAX_RETRY_AFTER", 120.0)
        return middleware

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        header = response.headers.get("Retry-After")
        if (response.status not in (429, 503) or not header or request.meta.get("dont_retry")
                or response.status not in self.retry_http_codes):
            return super().process_response(request, response)
        delay = retry_after_seconds(header.decode("latin-1"))
        if delay is None:
            return super().process_response(request, response)
        if delay > self.max_wait:
            log.info("%s asks to wait %.0f s (over the %.0f s cap); giving up until the next run",
                     request.url, delay, self.max_wait)
            return response
        retry = self._retry(request, f"{response.status} with Retry-After {delay:.0f}s")
        if retry is None:
            return response
        await sleep(delay)
        return retry


class PerHostLimitMiddleware:
    """Holds each request until fewer than N downloads to its host are in flight.

    Scrapy 2.19's downloader starts every queued request of a slot at once under the asyncio
    reactor (the per-slot count is updated only after the download task starts), so
    CONCURRENT_REQUESTS_PER_DOMAIN alone does not bound concurrency; this middleware, placed next
    to the download handler, does. It holds no slot while a retry waits for Retry-After.
    """

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self._semaphores: dict[str, asyncio.Semaphore] = {}
        self._holding: dict[int, asyncio.Semaphore] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> PerHostLimitMiddleware:
        return cls(crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))

    async def process_request(self, request: Request) -> None:
        host = (urlsplit(request.url).hostname or "").lower()
        semaphore = self._semaphores.setdefault(host, asyncio.Semaphore(self.limit))
        await semaphore.acquire()
        self._holding[id(request)] = semaphore

    def _release(self, request: Request) -> None:
        semaphore = self._holding.pop(id(request), None)
        if semaphore is not None:
            semaphore.release()

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)
