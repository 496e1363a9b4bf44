"""The one Scrapy spider: every job of a run, each source read by its Format.

Each job counts its outstanding requests; when the count reaches zero its FetchResult is handed to
`emit` at once, so a crash later in the run loses nothing already finished. Failures are caught per
request (one page, one item), translated into words, and recorded on the job; the others go on.
"""
from __future__ import annotations

import gzip
import logging
import time
import zlib
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable

import scrapy
from OpenSSL import SSL
from scrapy import exceptions as scrapy_errors
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as tx_errors
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed
from twisted.web.error import SchemeNotSupported

from fursa.storage import Draft, FetchResult, ItemError, SourceSpec, Validators

from fursa.crawlers.config import CrawlConfig
from fursa.crawlers.errors import FormatError, UnresolvableHostError, UnsafeURLError
from fursa.crawlers.failures import (FailureKind, HttpAnswer, KindTable, classify, describe_failure, first_of,
                                    kind_of_status, quoted_detail)
from fursa.crawlers.formats import Format, format_of
from fursa.crawlers.middlewares import DecompressedTooLargeError, RedirectLoopError, RobotsDisallowedError
from fursa.crawlers.pages import PageRequest, ParsedPage

log = logging.getLogger(__name__)

# What reaches the errback is Scrapy's exception (DownloadFailedError …), raised from Twisted's
# (ResponseNeverReceived …), whose `reasons` hold the socket's or OpenSSL's; `classify` looks at
# the whole chain, and the first row that matches anywhere in it decides, so specific rows first.
SCRAPY_FAILURE_KINDS: KindTable = (
    (UnresolvableHostError, FailureKind.DNS),                # the guard's lookup found nothing
    (UnsafeURLError, FailureKind.GUARD_REFUSED),             # GuardMiddleware, and GuardedResolver's RefusedAddressError
    (RobotsDisallowedError, FailureKind.ROBOTS),
    (RedirectLoopError, FailureKind.REDIRECT_LOOP),
    # Scrapy cancels a download of its own accord for one reason, DOWNLOAD_MAXSIZE (announced or
    # counted); its timeout cancels too but is re-raised as DownloadTimeoutError, matched below.
    ((DecompressedTooLargeError, scrapy_errors.DownloadCancelledError), FailureKind.TOO_LARGE),
    ((gzip.BadGzipFile, zlib.error, EOFError), FailureKind.UNREADABLE),   # HttpCompressionMiddleware's decoders
    ((SSL.Error, tx_errors.SSLError, tx_errors.CertificateError, tx_errors.VerifyError), FailureKind.TLS),
    ((scrapy_errors.DownloadTimeoutError, tx_errors.TimeoutError, tx_errors.TCPTimedOutError), FailureKind.TIMEOUT),
    ((scrapy_errors.DownloadConnectionRefusedError, tx_errors.ConnectionRefusedError), FailureKind.REFUSED),
    ((scrapy_errors.CannotResolveHostError, tx_errors.DNSLookupError, tx_errors.UnknownHostError), FailureKind.DNS),
    ((scrapy_errors.UnsupportedURLSchemeError, SchemeNotSupported), FailureKind.BAD_URL),
    ((scrapy_errors.ResponseDataLossError, scrapy_errors.DownloadFailedError, ResponseFailed,
      tx_errors.ConnectionClosed), FailureKind.DROPPED_CONNECTION),
    (tx_errors.ConnectError, FailureKind.UNREACHABLE),     # no route to host, network down …
)


def _twisted_reasons(exc: BaseException) -> Iterable[BaseException]:
    """The causes Twisted's ResponseFailed (and ResponseNeverReceived) keeps as a list of Failures."""
    return [reason.value for reason in exc.reasons] if isinstance(exc, ResponseFailed) else []


def failure_kind(exc: BaseException) -> FailureKind:
    """The kind of a download failure that reached the spider's errback, by the types in its chain."""
    return classify(exc, SCRAPY_FAILURE_KINDS, _twisted_reasons)


def failure_detail(kind: FailureKind, exc: BaseException) -> str:
    """The most specific thing the library said about `exc`, quoted in the words' parenthesis."""
    if kind is FailureKind.TLS:
        # pyOpenSSL has one Error type for every TLS failure; its argument is OpenSSL's error queue,
        # (library, function, reason) tuples, and the last reason ("certificate verify failed") says most.
        tls = first_of(exc, SSL.Error, _twisted_reasons)
        queue = tls.args[0] if tls is not None and tls.args and isinstance(tls.args[0], list) else []
        return str(queue[-1][-1]) if queue and isinstance(queue[-1], tuple) else ""
    # DROPPED_CONNECTION gets no detail: Twisted's text there is a list of Failure reprs.
    return quoted_detail(kind, exc, SCRAPY_FAILURE_KINDS, _twisted_reasons)


@dataclass
class Job:
    """One source's crawl in progress (mutable; lives only inside the spider)."""

    index: int
    spec: SourceSpec
    validators: Validators
    started: float = field(default_factory=time.monotonic)
    pending: int = 0
    drafts: list[Draft] = field(default_factory=list)
    item_errors: list[ItemError] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    bytes_read: int = 0
    http_status: int | None = None
    new_validators: Validators | None = None
    not_modified: bool = False
    error: str | None = None
    failure_kind: str | None = None
    done: bool = False

    def result(self) -> FetchResult:
        # A call listed on two pages (or twice on one) is one draft: the first sighting wins.
        unique = {draft.url: draft for draft in reversed(self.drafts)}
        drafts = tuple(draft for draft in self.drafts if unique.get(draft.url) is draft)
        return FetchResult(
            source_name=self.spec.name, drafts=drafts,
            validators=self.new_validators or self.validators, not_modified=self.not_modified,
            error=self.error, http_status=self.http_status, bytes_read=self.bytes_read,
            duration_s=round(time.monotonic() - self.started, 3), item_errors=tuple(self.item_errors),
            failure_kind=self.failure_kind)


def _header(response: Any, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class SourcesSpider(scrapy.Spider):
    """Crawls every (spec, validators) job of one run and emits one FetchResult per job."""

    name = "fursa"

    def __init__(self, jobs: list[tuple[SourceSpec, Validators]], config: CrawlConfig,
                 emit: Callable[[int, FetchResult], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.jobs = [Job(index, spec, validators) for index, (spec, validators) in enumerate(jobs)]
        self.config = config
        self.emit = emit

    async def start(self) -> Any:
        for job in self.jobs:
            try:
                first = format_of(job.spec).first_request(job.spec)
            except (KeyError, ValueError, TypeError) as exc:
                job.error = f"cannot build the first request of {job.spec.name!r}: {exc}; check its catalogue entry"
                self._finish(job)
                continue
            request = self._request(job, first, first_page=True)
            if request is not None:
                yield request
            elif not job.pending:
                self._finish(job)

    def _request(self, job: Job, page: PageRequest, first_page: bool = False) -> scrapy.Request | None:
        key = f"{page.method} {page.url} {page.body!r}"
        if key in job.seen:
            return None  # a page that links back to itself must not loop
        job.seen.add(key)
        headers = {**dict(job.spec.options.get("headers") or {}), **dict(page.headers)}
        fmt = format_of(job.spec)
        if first_page and fmt.conditional and page.method == "GET":
            if job.validators.etag:
                headers["If-None-Match"] = job.validators.etag
            if job.validators.last_modified:
                headers["If-Modified-Since"] = job.validators.last_modified
        meta = {"job": job.index, "page_request": page, "first_page": first_page, "handle_httpstatus_list": [304]}
        if first_page and fmt.conditional:
            meta["dont_cache"] = True  # our own validators decide; the HTTP cache serves detail pages
        try:
            request = scrapy.Request(page.url, method=page.method, body=page.body or None, headers=headers, meta=meta,
                                     callback=self._on_response, errback=self._on_failure, dont_filter=True)
        except ValueError as exc:   # w3lib refuses the address (no scheme, a port out of range …)
            message = describe_failure(FailureKind.BAD_URL, page.url, self.config, detail=str(exc))
            self._record_failure(job, page, message, first_page, FailureKind.BAD_URL)
            return None
        job.pending += 1
        return request

    def _on_response(self, response: Any) -> list[scrapy.Request]:
        job = self.jobs[response.meta["job"]]
        page: PageRequest = response.meta["page_request"]
        if "cached" not in response.flags:   # a 304 revalidated from the HTTP cache moved no body
            job.bytes_read += len(response.body)
        follow: list[scrapy.Request] = []
        try:
            follow = self._read(job, page, response)
        except FormatError as exc:
            self._record_failure(job, page, str(exc), response.meta.get("first_page", False))
        except Exception as exc:  # a parser bug must cost one page, not the run
            log.exception("parser %s failed on %s", format_of(job.spec).name, response.url)
            self._record_failure(job, page, f"{response.url}: the {format_of(job.spec).name!r} parser failed "
                                            f"({type(exc).__name__}: {exc}); please report this source",
                                 response.meta.get("first_page", False))
        self._done_one(job)
        return follow

    def _read(self, job: Job, page: PageRequest, response: Any) -> list[scrapy.Request]:
        fmt: Format = format_of(job.spec)
        if response.meta.get("first_page"):
            job.http_status = response.status
            etag, modified = _header(response, "ETag"), _header(response, "Last-Modified")
            if response.status == 304:
                job.not_modified = True
                return []
            job.new_validators = Validators(etag=etag, last_modified=modified)
        content_type = _header(response, "Content-Type")
        if page.role == "detail" and page.draft is not None:
            job.drafts.append(fmt.parse_detail(response.body, job.spec, page.draft, response.url, content_type)
                              if fmt.parse_detail else page.draft)
            return []
        parsed: ParsedPage = fmt.parse_page(response.body, job.spec, response.url, page, content_type)
        job.drafts.extend(parsed.drafts)
        job.item_errors.extend(parsed.item_errors)
        requests = [self._request(job, detail) for detail in parsed.detail_requests]
        if parsed.next_request is not None:
            requests.append(self._request(job, parsed.next_request))
        return [request for request in requests if request is not None]

    def _on_failure(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        job = self.jobs[request.meta["job"]]
        page: PageRequest = request.meta["page_request"]
        message = self._describe(failure, request)
        if isinstance(failure.value, HttpError) and request.meta.get("first_page"):
            job.http_status = failure.value.response.status
        kind = (kind_of_status(failure.value.response.status) if isinstance(failure.value, HttpError)
                else failure_kind(failure.value))
        self._record_failure(job, page, message, request.meta.get("first_page", False), kind)
        self._done_one(job)

    def _describe(self, failure: Failure, request: Any) -> str:
        attempts = request.meta.get("retry_times", 0) + 1
        if isinstance(failure.value, HttpError):
            response = failure.value.response
            answer = HttpAnswer(status=response.status, location=_header(response, "Location") or "",
                                body=response.body if response.status < 500 else b"",
                                retry_after=_header(response, "Retry-After") or "")
            return describe_failure(kind_of_status(response.status), request.url, self.config, attempts=attempts,
                                    answer=answer)
        kind = failure_kind(failure.value)
        if kind is FailureKind.UNEXPECTED:
            log.warning("download of %s failed in a way Fursa does not know yet", request.url, exc_info=failure.value)
        return describe_failure(kind, request.url, self.config, origin=(request.meta.get("redirect_urls") or [request.url])[0],
                                detail=failure_detail(kind, failure.value), attempts=attempts)

    def _record_failure(self, job: Job, page: PageRequest, message: str, first_page: bool,
                        kind: FailureKind | None = None) -> None:
        """The first page failing fails the source; a later page or a detail page costs one item."""
        if first_page:
            job.error = message
            job.failure_kind = kind.value if kind is not None else None
            return
        job.item_errors.append(ItemError(url=page.url, message=message))
        if page.role == "detail" and page.draft is not None:
            job.drafts.append(replace(page.draft))  # keep what the listing said about the item

    def _done_one(self, job: Job) -> None:
        job.pending -= 1
        if job.pending <= 0:
            self._finish(job)

    def _finish(self, job: Job) -> None:
        if job.done:
            return
        job.done = True
        self.emit(job.index, job.result())

    def closed(self, reason: str) -> None:
        for job in self.jobs:
            if not job.done:
                stopped = "was cancelled or shut down" if reason == "shutdown" else f"stopped ({reason})"
                job.error = job.error or (f"the crawl {stopped} before {job.spec.name!r} finished; "
                                          "what was read so far is kept")
                self._finish(job)
