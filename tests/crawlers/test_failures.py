"""Failures by type: each boundary's table maps the exception types its library really raises (built
here as the library chains them, or raised by the real middleware) to a FailureKind, and
describe_failure says each kind in words; an exception's text never decides the kind."""
from __future__ import annotations

import gzip
import socket
import ssl

import httpcore
import httpx
import pytest
from OpenSSL import SSL
from scrapy import exceptions as scrapy_errors
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.utils.test import get_crawler
from twisted.internet import defer
from twisted.internet import error as tx_errors
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived, _DataLoss
from twisted.web.client import ResponseFailed
from twisted.web.error import SchemeNotSupported

from fursa.crawlers import CrawlConfig, UnsafeURLError, check_public_url
from fursa.crawlers import guard, middlewares, preview, spiders
from fursa.crawlers.errors import UnresolvableHostError
from fursa.crawlers.failures import FailureKind, HttpAnswer, classify, describe_failure, exception_chain

URL = "https://funder.example.org/calls/feed.xml"
CONFIG = CrawlConfig(timeout_s=7, max_bytes=2_000_000, max_redirects=4)


def raised(exc: BaseException, cause: BaseException | None = None) -> BaseException:
    """`exc` as it is caught after `raise exc from cause`: how Scrapy and httpx chain their errors."""
    try:
        raise exc from cause
    except BaseException as caught:   # whatever was raised, kept as it is
        return caught


def crawl_words(exc: BaseException, *, origin: str = "", attempts: int = 1) -> str:
    kind = spiders.failure_kind(exc)
    return describe_failure(kind, URL, CONFIG, detail=spiders.failure_detail(kind, exc), origin=origin, attempts=attempts)


def preview_words(exc: BaseException) -> str:
    kind = preview.failure_kind(exc)
    return describe_failure(kind, URL, CONFIG, detail=preview.failure_detail(kind, exc))


def resolver_refusal() -> BaseException:
    """What GuardedResolver raises for a name that resolves to a private address (DNS rebinding)."""
    resolver = middlewares.GuardedResolver.__new__(middlewares.GuardedResolver)
    resolver.allow_private = False
    with pytest.raises(middlewares.RefusedAddressError) as caught:
        resolver._check("10.0.0.7", "rebind.example")
    return caught.value


def guard_refusal(url: str) -> UnsafeURLError:
    with pytest.raises(UnsafeURLError) as caught:
        check_public_url(url)
    return caught.value


def unresolvable(monkeypatch: pytest.MonkeyPatch) -> UnresolvableHostError:
    """The guard's own DNS failure, from a resolver that finds nothing (no network needed)."""
    def no_answer(*_args: object, **_kwargs: object) -> list[object]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    monkeypatch.setattr(guard.socket, "getaddrinfo", no_answer)
    with pytest.raises(UnresolvableHostError) as caught:
        check_public_url("https://no-such-host.example/feed")
    return caught.value


# -- the crawl (Scrapy 2.19, Twisted, pyOpenSSL) ------------------------------------------------

TLS_QUEUE = [("SSL routines", "", "certificate verify failed")]
SCRAPY_CASES = [
    ("download timeout", raised(scrapy_errors.DownloadTimeoutError(f"Getting {URL} took longer than 7.0 seconds.")),
     FailureKind.TIMEOUT, f"{URL} did not answer within 7 s; the site may be slow or down"),
    ("TCP connect timeout", raised(tx_errors.TCPTimedOutError()), FailureKind.TIMEOUT, "did not answer within 7 s"),
    ("refused", raised(scrapy_errors.DownloadConnectionRefusedError("Connection was refused by other side"),
                       tx_errors.ConnectionRefusedError()),
     FailureKind.REFUSED, "funder.example.org refused the connection; the server is down or the address/port is wrong"),
    ("DNS", raised(scrapy_errors.CannotResolveHostError("DNS lookup failed: no results for hostname lookup: x."),
                   tx_errors.DNSLookupError("no results for hostname lookup: x.")),
     FailureKind.DNS, ("cannot resolve host funder.example.org (DNS lookup failed: no results for hostname lookup: x.); "
                      "check the address for typos, or the network")),
    ("resolver refuses a private answer", raised(scrapy_errors.CannotResolveHostError("DNS lookup failed"), resolver_refusal()),
     FailureKind.GUARD_REFUSED,
     "refused 'rebind.example': it resolves to 10.0.0.7, a private or reserved address; Fursa only fetches public internet addresses"),
    ("guard middleware refuses", raised(IgnoreRequest("refused"), guard_refusal("http://169.254.169.254/latest/meta-data/")),
     FailureKind.GUARD_REFUSED, ("refused 'http://169.254.169.254/latest/meta-data/': host '169.254.169.254' resolves to "
                                "169.254.169.254, a cloud metadata address; Fursa only fetches public internet addresses")),
    ("certificate not verified", raised(scrapy_errors.DownloadFailedError("[<Failure …>]"),
                                        ResponseNeverReceived([Failure(SSL.Error(TLS_QUEUE))])),
     FailureKind.TLS, ("the TLS certificate of funder.example.org could not be verified, or the secure connection failed "
                      "(certificate verify failed); Fursa only accepts valid certificates")),
    ("connection lost before an answer", raised(scrapy_errors.DownloadFailedError("[<Failure …>]"),
                                                ResponseNeverReceived([Failure(tx_errors.ConnectionLost())])),
     FailureKind.DROPPED_CONNECTION, ("the connection to funder.example.org was dropped before a complete answer arrived; "
                                     "the site may be down or overloaded")),
    ("body cut short", raised(scrapy_errors.ResponseDataLossError(),
                              ResponseFailed([Failure(tx_errors.ConnectionDone()), Failure(_DataLoss())])),
     FailureKind.DROPPED_CONNECTION, "was dropped before a complete answer arrived"),
    ("announced size over the cap", raised(scrapy_errors.DownloadCancelledError("Expected to receive 5000000 bytes …")),
     FailureKind.TOO_LARGE, f"{URL} sent more than 2,000,000 bytes (counted after decompression); refused as too large"),
    ("counted size over the cap", raised(scrapy_errors.DownloadCancelledError(""), defer.CancelledError()),
     FailureKind.TOO_LARGE, "sent more than 2,000,000 bytes"),
    ("unsupported scheme", raised(scrapy_errors.UnsupportedURLSchemeError("Unsupported URL scheme 'gopher'"),
                                  SchemeNotSupported("Unsupported scheme: b'gopher'")),
     FailureKind.BAD_URL, f"{URL!r} is not an address Fursa can request (Unsupported URL scheme 'gopher')"),
    ("no route to host", raised(tx_errors.NoRouteError()), FailureKind.UNREACHABLE, "cannot connect to funder.example.org ("),
    ("unknown", raised(KeyError("surprise")), FailureKind.UNEXPECTED, f"{URL}: KeyError: 'surprise'"),
]


@pytest.mark.parametrize("exc, kind, words", [case[1:] for case in SCRAPY_CASES], ids=[case[0] for case in SCRAPY_CASES])
def test_the_crawl_maps_scrapy_and_twisted_types_to_a_kind_and_words(exc: BaseException, kind: FailureKind,
                                                                      words: str) -> None:
    assert spiders.failure_kind(exc) is kind
    assert words in crawl_words(exc)


def test_the_crawl_says_the_guard_could_not_resolve_as_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    exc = raised(IgnoreRequest("unresolved"), unresolvable(monkeypatch))   # as GuardMiddleware raises it
    assert spiders.failure_kind(exc) is FailureKind.DNS
    assert crawl_words(exc) == ("cannot resolve host funder.example.org ([Errno -2] Name or service not known); "
                                "check the address for typos, or the network")


def test_a_timeout_after_retries_says_so() -> None:
    exc = raised(scrapy_errors.DownloadTimeoutError("late"))
    assert crawl_words(exc, attempts=3).endswith(
        "did not answer within 7 s, even after retries; the site may be slow or down — it will be tried again at the next run")


@pytest.fixture(scope="module")
def crawler():
    return get_crawler(settings_dict={"REDIRECT_MAX_TIMES": 4, "DOWNLOAD_MAXSIZE": 1000, "ROBOTSTXT_OBEY": True})


def test_scrapys_own_ignore_requests_arrive_typed(crawler) -> None:
    """robots.txt, the redirect limit and the decompression cap: Scrapy raises a bare IgnoreRequest
    for each; Fursa's subclasses of its middlewares raise a type the errback can tell apart."""
    robots = middlewares.RobotsTxtMiddleware.from_crawler(crawler)
    parser = ProtegoRobotParser(b"User-agent: *\nDisallow: /\n", None)
    with pytest.raises(middlewares.RobotsDisallowedError) as disallowed:
        robots.process_request_2(parser, Request(URL))
    redirects = middlewares.RedirectMiddleware.from_crawler(crawler)
    with pytest.raises(middlewares.RedirectLoopError) as looped:
        redirects.process_response(Request(URL, meta={"redirect_times": 4}), Response(URL, status=302, headers={"Location": "/b"}))
    refresh = middlewares.MetaRefreshMiddleware.from_crawler(crawler)
    page = b'<html><head><meta http-equiv="refresh" content="0;url=/b"></head></html>'
    with pytest.raises(middlewares.RedirectLoopError):
        refresh.process_response(Request(URL, meta={"redirect_times": 4}), HtmlResponse(URL, body=page))
    compression = middlewares.HttpCompressionMiddleware.from_crawler(crawler)
    with pytest.raises(middlewares.DecompressedTooLargeError) as bomb:
        compression.process_response(Request(URL), Response(URL, body=gzip.compress(b"\0" * 100_000),
                                                            headers={"Content-Encoding": "gzip"}))
    with pytest.raises(gzip.BadGzipFile) as broken:
        compression.process_response(Request(URL), Response(URL, body=b"not gzip", headers={"Content-Encoding": "gzip"}))

    assert spiders.failure_kind(disallowed.value) is FailureKind.ROBOTS
    assert crawl_words(disallowed.value) == ("robots.txt of funder.example.org disallows " + URL + "; Fursa obeys "
                                             "robots.txt — use another page or feed of the site, or ask its owner")
    assert spiders.failure_kind(looped.value) is FailureKind.REDIRECT_LOOP
    assert crawl_words(looped.value, origin="https://funder.example.org/start") == (
        "https://funder.example.org/start redirected more than 4 times (a redirect loop?); open it in a browser and put "
        "the final address in the catalogue")
    assert spiders.failure_kind(bomb.value) is FailureKind.TOO_LARGE
    assert spiders.failure_kind(broken.value) is FailureKind.UNREADABLE
    assert crawl_words(broken.value) == (f"{URL} sent a body whose compression is broken (Not a gzipped file (b'no')); "
                                         "the site may be misconfigured — it will be tried again at the next run")


def test_text_never_decides_the_kind() -> None:
    """The old classifier read these messages; a bare IgnoreRequest (the HTTP cache's, say) or a
    RuntimeError saying 'robots.txt' or 'timeout' is not one of the known failures."""
    for exc in (IgnoreRequest("Forbidden by robots.txt"), IgnoreRequest("max redirections reached"),
                RuntimeError("max size exceeded"), ValueError("timeout: connection refused, ssl, dnslookup")):
        assert spiders.failure_kind(exc) is FailureKind.UNEXPECTED
        assert preview.failure_kind(exc) is FailureKind.UNEXPECTED
    assert crawl_words(IgnoreRequest("Forbidden by robots.txt")) == f"{URL}: IgnoreRequest: Forbidden by robots.txt"


# -- the preview (httpx, httpcore, socket, ssl) --------------------------------------------------

def httpx_error(outer: type[httpx.HTTPError], inner: type[Exception], cause: BaseException) -> BaseException:
    """httpx's error raised from httpcore's, which holds the socket's exception as its argument; the
    cause is the argument alone because httpcore's pool re-raises `from None`."""
    return raised(outer(str(cause)), inner(cause))


def verify_failed() -> ssl.SSLCertVerificationError:
    error = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    error.verify_message = "certificate has expired"
    return error


HTTPX_CASES = [
    ("connect timeout", raised(httpx.ConnectTimeout("timed out")), FailureKind.TIMEOUT, "did not answer within 7 s;"),
    ("read timeout", raised(httpx.ReadTimeout("timed out")), FailureKind.TIMEOUT, "did not answer within 7 s;"),
    ("refused", httpx_error(httpx.ConnectError, httpcore.ConnectError, ConnectionRefusedError(111, "Connection refused")),
     FailureKind.REFUSED, "funder.example.org refused the connection"),
    ("DNS", httpx_error(httpx.ConnectError, httpcore.ConnectError, socket.gaierror(-2, "Name or service not known")),
     FailureKind.DNS, "cannot resolve host funder.example.org ([Errno -2] Name or service not known)"),
    ("certificate", httpx_error(httpx.ConnectError, httpcore.ConnectError, verify_failed()),
     FailureKind.TLS, "could not be verified, or the secure connection failed (certificate has expired)"),
    ("no route", httpx_error(httpx.ConnectError, httpcore.ConnectError, OSError(113, "No route to host")),
     FailureKind.UNREACHABLE, "cannot connect to funder.example.org ([Errno 113] No route to host)"),
    ("server hung up", raised(httpx.RemoteProtocolError("Server disconnected without sending a response.")),
     FailureKind.DROPPED_CONNECTION, "was dropped before a complete answer arrived"),
    ("reset mid-body", httpx_error(httpx.ReadError, httpcore.ReadError, ConnectionResetError(104, "Connection reset by peer")),
     FailureKind.DROPPED_CONNECTION, "was dropped before a complete answer arrived"),
    ("too many redirects", raised(httpx.TooManyRedirects("Exceeded maximum allowed redirects.")),
     FailureKind.REDIRECT_LOOP, f"{URL} redirected more than 4 times"),
    ("unsupported scheme", raised(httpx.UnsupportedProtocol("Request URL has an unsupported protocol 'gopher://'.")),
     FailureKind.BAD_URL, "is not an address Fursa can request (Request URL has an unsupported protocol 'gopher://'.)"),
    ("invalid URL", raised(httpx.InvalidURL("Invalid port: 'x'")), FailureKind.BAD_URL, "(Invalid port: 'x')"),
    ("broken gzip", raised(httpx.DecodingError("Error -3 while decompressing data")), FailureKind.UNREADABLE,
     "sent a body whose compression is broken (Error -3 while decompressing data)"),
    ("guard", guard_refusal("file:///etc/passwd"), FailureKind.GUARD_REFUSED,
     "refused 'file:///etc/passwd': only http and https links are fetched (got scheme 'file')"),
    ("unknown", raised(httpx.ProxyError("proxy said no")), FailureKind.UNEXPECTED, f"{URL}: ProxyError: proxy said no"),
]


@pytest.mark.parametrize("exc, kind, words", [case[1:] for case in HTTPX_CASES], ids=[case[0] for case in HTTPX_CASES])
def test_the_preview_maps_httpx_types_to_a_kind_and_words(exc: BaseException, kind: FailureKind, words: str) -> None:
    assert preview.failure_kind(exc) is kind
    assert words in preview_words(exc)


def test_the_preview_says_the_guard_could_not_resolve_as_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    exc = unresolvable(monkeypatch)
    assert str(exc) == "cannot resolve host no-such-host.example ([Errno -2] Name or service not known); " \
                       "check the address for typos, or the network"
    assert preview.failure_kind(exc) is FailureKind.DNS
    assert preview_words(exc).startswith("cannot resolve host funder.example.org ([Errno -2] Name or service not known)")


# -- the words -------------------------------------------------------------------------------------

def test_http_answers_keep_their_words() -> None:
    assert describe_failure(FailureKind.HTTP_STATUS, URL, answer=HttpAnswer(404)) == (
        f"{URL} answered 404 Not Found: the address is gone or mistyped; open it in a browser and update the catalogue")
    assert describe_failure(FailureKind.HTTP_STATUS, URL, attempts=3, answer=HttpAnswer(429, retry_after="3600")) == (
        f"{URL} answered 429 Too Many Requests (Retry-After: 3600) after 3 attempts: the site asks us to slow down; "
        "it will be tried again at the next run")
    assert describe_failure(FailureKind.HTTP_STATUS, URL, answer=HttpAnswer(400, body=b"missing  apiKey\n")) == (
        f"{URL} answered 400 Bad Request (the site said: 'missing apiKey'): the request may be wrong; check the URL "
        "and the source's options in the catalogue")
    assert describe_failure(FailureKind.BAD_REDIRECT, URL, answer=HttpAnswer(302, location="file:///etc/passwd")) == (
        f"{URL} redirected (302 Found) to 'file:///etc/passwd', which is not an http(s) address Fursa may follow; refused")


def test_every_kind_has_words_and_a_stable_name() -> None:
    for kind in FailureKind:
        answer = HttpAnswer(503) if kind in (FailureKind.HTTP_STATUS, FailureKind.BAD_REDIRECT) else None
        words = describe_failure(kind, URL, CONFIG, detail="the detail", answer=answer)
        assert words and "Traceback" not in words
        assert kind.value == kind.name.lower()


def test_words_that_quote_a_limit_need_the_crawl_config() -> None:
    with pytest.raises(ValueError, match="pass its CrawlConfig"):
        describe_failure(FailureKind.TIMEOUT, URL)
    with pytest.raises(ValueError, match="needs the HttpAnswer"):
        describe_failure(FailureKind.HTTP_STATUS, URL, CONFIG)


def test_the_chain_follows_causes_context_and_what_a_library_keeps_inside() -> None:
    inner = tx_errors.ConnectionLost()
    outer = raised(scrapy_errors.DownloadFailedError("x"), ResponseNeverReceived([Failure(inner)]))
    assert inner not in list(exception_chain(outer))                       # only Twisted's reasons hold it
    assert inner in list(exception_chain(outer, spiders._twisted_reasons))
    table = ((tx_errors.ConnectionLost, FailureKind.DROPPED_CONNECTION),)
    assert classify(outer, table) is FailureKind.UNEXPECTED
    assert classify(outer, table, spiders._twisted_reasons) is FailureKind.DROPPED_CONNECTION
    try:
        try:
            raise ConnectionRefusedError
        except ConnectionRefusedError:
            raise RuntimeError("while handling")   # implicit context, no `from`
    except RuntimeError as caught:
        assert classify(caught, ((ConnectionRefusedError, FailureKind.REFUSED),)) is FailureKind.REFUSED
