"""Interactive single fetches with httpx (no Scrapy): previewing a source, discovering feeds.

Same rules as the crawl: the SSRF guard on every redirect hop, the size cap counted after
decompression, robots.txt obeyed, the same parsers; nothing is stored.
"""
from __future__ import annotations

import socket
import ssl
import time
from dataclasses import dataclass
from typing import Iterable, Mapping
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from fursa.storage import FetchResult, ItemError, SourceSpec, Validators

from fursa.crawlers.config import CrawlConfig
from fursa.crawlers.errors import FetchError, FormatError, UnresolvableHostError, UnsafeURLError
from fursa.crawlers.failures import (FailureKind, HttpAnswer, KindTable, classify, describe_failure, first_of,
                                    kind_of_status, quoted_detail)
from fursa.crawlers.feeds import COMMON_FEED_PATHS, find_feed_links, is_feed_body
from fursa.crawlers.formats import format_of
from fursa.crawlers.guard import check_public_url
from fursa.crawlers.pages import PageRequest

PREVIEW_DETAILS = 5

# httpx raises its own type (ConnectError, ReadError …) from httpcore's, which holds the socket's or
# the ssl module's exception as its argument; `classify` looks at the whole chain, and the first
# row that matches anywhere in it decides, so specific rows first (ssl.SSLError,
# ConnectionRefusedError and socket.gaierror are OSErrors, all inside a ConnectError).
HTTPX_FAILURE_KINDS: KindTable = (
    (UnresolvableHostError, FailureKind.DNS),               # the guard's lookup found nothing
    (UnsafeURLError, FailureKind.GUARD_REFUSED),
    (httpx.TooManyRedirects, FailureKind.REDIRECT_LOOP),
    (ssl.SSLError, FailureKind.TLS),                         # SSLCertVerificationError included
    ((httpx.TimeoutException, TimeoutError), FailureKind.TIMEOUT),
    (ConnectionRefusedError, FailureKind.REFUSED),
    (socket.gaierror, FailureKind.DNS),
    ((httpx.UnsupportedProtocol, httpx.InvalidURL), FailureKind.BAD_URL),
    (httpx.DecodingError, FailureKind.UNREADABLE),
    ((httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError, ConnectionError), FailureKind.DROPPED_CONNECTION),
    (httpx.ConnectError, FailureKind.UNREACHABLE),          # no route to host, network down …
)


def _wrapped(exc: BaseException) -> Iterable[BaseException]:
    """httpcore wraps the socket's exception as its argument (ConnectError(ConnectionRefusedError(…)))
    and its connection pool re-raises `from None`, so the argument is where that cause survives."""
    return [arg for arg in exc.args if isinstance(arg, BaseException)]


def failure_kind(exc: BaseException) -> FailureKind:
    """The kind of a failed httpx fetch (or of the guard's refusal), by the types in its chain."""
    return classify(exc, HTTPX_FAILURE_KINDS, _wrapped)


def failure_detail(kind: FailureKind, exc: BaseException) -> str:
    """The most specific thing the library said about `exc`, quoted in the words' parenthesis."""
    if kind is FailureKind.TLS:
        tls = first_of(exc, ssl.SSLError, _wrapped)
        if isinstance(tls, ssl.SSLCertVerificationError):
            return tls.verify_message        # "self-signed certificate", "certificate has expired" …
        return str(tls.reason) if isinstance(tls, ssl.SSLError) and tls.reason else ""
    return quoted_detail(kind, exc, HTTPX_FAILURE_KINDS, _wrapped)


@dataclass(frozen=True)
class Download:
    """One finished download: the final URL after redirects, status, headers and body."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes


def _client(config: CrawlConfig) -> httpx.Client:
    return httpx.Client(timeout=config.timeout_s, follow_redirects=False, verify=config.verify_tls,
                        headers={"User-Agent": config.user_agent})


def _failed(kind: FailureKind, url: str, config: CrawlConfig, *, origin: str = "", detail: str = "",
            answer: HttpAnswer | None = None) -> FetchError:
    return FetchError(describe_failure(kind, url, config, origin=origin, detail=detail, answer=answer), kind)


def _read_capped(response: httpx.Response, url: str, config: CrawlConfig) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():   # decoded bytes: the cap holds after decompression
        size += len(chunk)
        if size > config.max_bytes:
            raise _failed(FailureKind.TOO_LARGE, url, config)
        chunks.append(chunk)
    return b"".join(chunks)


def fetch(client: httpx.Client, page: PageRequest, config: CrawlConfig, extra_headers: Mapping[str, str] = {}) -> Download:
    """Download `page`, following redirects by hand so each hop passes the SSRF guard."""
    url, method, body = page.url, page.method, page.body
    for _hop in range(config.max_redirects + 1):
        try:
            check_public_url(url, allow_private=config.allow_private_addresses)
            request = client.build_request(method, url, content=body or None, headers={**extra_headers, **page.headers})
            response = client.send(request, stream=True)
            try:
                location = response.headers.get("Location")
                if response.is_redirect and location:
                    url = urljoin(url, location)
                    if response.status_code in (301, 302, 303) and method == "POST":
                        method, body = "GET", b""
                    continue
                payload = _read_capped(response, url, config)
            finally:
                response.close()
            if response.status_code >= 300:
                answer = HttpAnswer(status=response.status_code, location=location or "", body=payload,
                                    retry_after=response.headers.get("Retry-After", ""))
                raise _failed(kind_of_status(response.status_code), url, config, answer=answer)
            return Download(url=str(response.url), status=response.status_code, headers=dict(response.headers),
                            body=payload)
        except (UnsafeURLError, httpx.HTTPError, httpx.InvalidURL) as exc:
            kind = failure_kind(exc)
            raise _failed(kind, url, config, origin=page.url, detail=failure_detail(kind, exc)) from None
    raise _failed(FailureKind.REDIRECT_LOOP, page.url, config)


def _robots_allow(client: httpx.Client, url: str, config: CrawlConfig) -> bool:
    parts = urlsplit(url)
    try:
        robots = fetch(client, PageRequest(url=f"{parts.scheme}://{parts.netloc}/robots.txt"), config)
    except FetchError:
        return True   # no robots.txt (or an unreadable one) allows everything, as in Scrapy
    return Protego.parse(robots.body.decode("utf-8", "replace")).can_fetch(url, config.user_agent)


def _guarded_fetch(client: httpx.Client, page: PageRequest, spec: SourceSpec, config: CrawlConfig) -> Download:
    if config.obey_robots and not _robots_allow(client, page.url, config):
        raise _failed(FailureKind.ROBOTS, page.url, config)
    return fetch(client, page, config, dict(spec.options.get("headers") or {}))


def check_source(spec: SourceSpec, config: CrawlConfig) -> FetchResult:
    """What `spec` would yield now (first page and a few detail pages), fetched with httpx; nothing stored."""
    started = time.monotonic()
    fmt = format_of(spec)
    drafts, errors, size = [], [], 0
    with _client(config) as client:
        try:
            first = _guarded_fetch(client, fmt.first_request(spec), spec, config)
            size += len(first.body)
            parsed = fmt.parse_page(first.body, spec, first.url, fmt.first_request(spec), first.headers.get("content-type"))
        except (FetchError, FormatError) as exc:
            kind = exc.kind.value if isinstance(exc, FetchError) else None
            return FetchResult(source_name=spec.name, error=str(exc), bytes_read=size,
                               duration_s=round(time.monotonic() - started, 3), failure_kind=kind)
        drafts.extend(parsed.drafts)
        errors.extend(parsed.item_errors)
        for detail in parsed.detail_requests[:PREVIEW_DETAILS]:
            try:
                download = _guarded_fetch(client, detail, spec, config)
                size += len(download.body)
                drafts.append(fmt.parse_detail(download.body, spec, detail.draft, download.url,
                                               download.headers.get("content-type")) if fmt.parse_detail and detail.draft
                              else detail.draft)
            except (FetchError, FormatError) as exc:
                errors.append(ItemError(url=detail.url, message=str(exc)))
                drafts.append(detail.draft)     # keep what the listing said about the item
    return FetchResult(
        source_name=spec.name, drafts=tuple(draft for draft in drafts if draft is not None),
        validators=Validators(etag=first.headers.get("etag"), last_modified=first.headers.get("last-modified")),
        http_status=first.status, bytes_read=size, duration_s=round(time.monotonic() - started, 3),
        item_errors=tuple(errors))


def discover_feeds(url: str, config: CrawlConfig) -> list[str]:
    """Feeds of the site at `url`: the URL itself if it is a feed, the feeds its page announces with
    <link rel="alternate">, else the common feed paths that answer with a feed. Raises FetchError
    when the page itself cannot be fetched."""
    with _client(config) as client:
        if config.obey_robots and not _robots_allow(client, url, config):
            raise _failed(FailureKind.ROBOTS, url, config)
        page = fetch(client, PageRequest(url=url), config)
        content_type = page.headers.get("content-type")
        if is_feed_body(page.body, content_type):
            return [page.url]
        found = find_feed_links(page.body, page.url, content_type)
        if found:
            return found
        return [candidate for candidate in (urljoin(page.url, path) for path in COMMON_FEED_PATHS)
                if _is_feed(client, candidate, config)]


def _is_feed(client: httpx.Client, url: str, config: CrawlConfig) -> bool:
    try:
        download = fetch(client, PageRequest(url=url), config)
    except FetchError:
        return False
    return is_feed_body(download.body, download.headers.get("content-type"))
