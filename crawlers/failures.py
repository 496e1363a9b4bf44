"""Failures by kind, and the words a person can act on: what failed, and what to check.

Each fetching boundary maps the exception TYPES of its library to a `FailureKind` (Twisted and
Scrapy in `crawlers.spiders`, httpx in `crawlers.preview`, each with its own table run through
`classify`); `describe_failure` then owns every sentence, so the crawl child and the interactive
preview say the same thing about the same failure. Nothing here reads an exception's message to
decide what happened; a message is at most quoted as a detail. A stack trace never reaches a
source's health record.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from http import HTTPStatus
from typing import Callable, Iterable, Iterator
from urllib.parse import urlsplit

from fursa.crawlers.config import CrawlConfig
from fursa.crawlers.errors import UnresolvableHostError, UnsafeURLError


class FailureKind(enum.Enum):
    """Why a download failed, as data; the value is a stable name fit for a database column."""

    TIMEOUT = "timeout"                        # no (complete) answer within the download timeout
    DNS = "dns"                                # the host name does not resolve
    REFUSED = "refused"                        # nothing listens on that address and port
    UNREACHABLE = "unreachable"                # the connection could not be made for another reason (no route …)
    TLS = "tls"                                # the certificate could not be verified, or the TLS handshake failed
    DROPPED_CONNECTION = "dropped_connection"  # the server hung up before a complete answer
    ROBOTS = "robots"                          # the site's robots.txt disallows the page
    TOO_LARGE = "too_large"                    # the body passed the size cap (counted after decompression)
    REDIRECT_LOOP = "redirect_loop"            # more redirects than allowed
    BAD_REDIRECT = "bad_redirect"              # a redirect to an address that is not http(s), or to nowhere
    GUARD_REFUSED = "guard_refused"            # the SSRF guard refused the address (not public, not http(s))
    BAD_URL = "bad_url"                        # the address cannot be requested at all (port out of range …)
    UNREADABLE = "unreadable"                  # the body arrived but its compression is broken
    HTTP_STATUS = "http_status"                # the server answered with a failing status (4xx, 5xx)
    UNEXPECTED = "unexpected"                  # none of the above: a library error Fursa does not know yet


@dataclass(frozen=True)
class HttpAnswer:
    """The facts of a failing HTTP answer that its words need."""

    status: int
    location: str = ""         # the Location header, for a redirect that could not be followed
    body: bytes = b""          # the start of the body, quoted for a 4xx the site explains
    retry_after: str = ""      # the Retry-After header, for 429 and 503


# One table per boundary: (exception type or types, kind), most specific first; the first entry
# that matches any exception of the chain decides.
KindTable = tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], FailureKind], ...]


Inner = Callable[[BaseException], Iterable[BaseException]]


def _nothing_inside(_exc: BaseException) -> Iterable[BaseException]:
    return ()


def exception_chain(exc: BaseException, inner: Inner = _nothing_inside) -> Iterator[BaseException]:
    """`exc`, what caused it (`raise … from`, or the exception being handled when it was raised),
    and whatever `inner` finds inside each (Twisted's ResponseFailed keeps its causes in a list)."""
    pending, seen = [exc], set()
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending.extend(inner(current))
        cause = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
        if cause is not None:
            pending.append(cause)


def classify(exc: BaseException, table: KindTable, inner: Inner = _nothing_inside) -> FailureKind:
    """The kind of `exc` by the types in its chain, per `table`; UNEXPECTED when none matches."""
    chain = list(exception_chain(exc, inner))
    for types, kind in table:
        if any(isinstance(link, types) for link in chain):
            return kind
    return FailureKind.UNEXPECTED


def first_of(exc: BaseException, types: type[BaseException] | tuple[type[BaseException], ...],
             inner: Inner = _nothing_inside) -> BaseException | None:
    """The first exception of `exc`'s chain that is one of `types`, for a detail worth quoting."""
    return next((link for link in exception_chain(exc, inner) if isinstance(link, types)), None)


def types_of(table: KindTable, kind: FailureKind) -> tuple[type[BaseException], ...]:
    """Every exception type `table` maps to `kind`."""
    found: list[type[BaseException]] = []
    for types, row_kind in table:
        if row_kind is kind:
            found.extend(types if isinstance(types, tuple) else (types,))
    return tuple(found)


def quoted_detail(kind: FailureKind, exc: BaseException, table: KindTable, inner: Inner = _nothing_inside) -> str:
    """The most specific thing said about `exc`, for the parenthesis of `describe_failure`'s words:
    the guard's own sentence, the resolver's reason, the text of the exception that decided the
    kind; nothing where the kind says it all. TLS details are the boundary's (OpenSSL or ssl)."""
    if kind is FailureKind.GUARD_REFUSED:
        refusal = first_of(exc, UnsafeURLError, inner)
        # args[0], not str(): the resolver's refusal is also a DNSLookupError, whose str() adds a prefix
        return str(refusal.args[0]) if refusal is not None and refusal.args else ""
    if kind is FailureKind.DNS:
        unresolved = first_of(exc, UnresolvableHostError, inner)
        if isinstance(unresolved, UnresolvableHostError):
            return unresolved.reason
    if kind in (FailureKind.DNS, FailureKind.UNREACHABLE, FailureKind.BAD_URL, FailureKind.UNREADABLE):
        cause = first_of(exc, types_of(table, kind), inner)
        return str(cause) if cause is not None else ""
    if kind is FailureKind.UNEXPECTED:
        return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return ""


def kind_of_status(status: int) -> FailureKind:
    """A failing answer's kind: a 3xx here is a redirect that could not be followed."""
    return FailureKind.BAD_REDIRECT if 300 <= status < 400 else FailureKind.HTTP_STATUS


def status_phrase(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


_STATUS_ADVICE = {
    401: "the page needs a login; Fursa only reads public pages",
    403: "the site refuses our crawler (some sites block non-browser clients); try the site's feed or API, "
         "or a `headers` option with a browser-like User-Agent",
    404: "the address is gone or mistyped; open it in a browser and update the catalogue",
    410: "the site says the page was removed for good; find its new address or disable the source",
    429: "the site asks us to slow down; it will be tried again at the next run",
}
_LIMITED = {FailureKind.TIMEOUT, FailureKind.TOO_LARGE, FailureKind.REDIRECT_LOOP}


def describe_failure(kind: FailureKind, url: str, config: CrawlConfig | None = None, *, origin: str = "",
                     detail: str = "", attempts: int = 1, answer: HttpAnswer | None = None) -> str:
    """What failed and what to check, for a download of `url` that failed with `kind`.

    `config` gives the limits the words quote (timeout, size cap, redirects); only TIMEOUT,
    TOO_LARGE and REDIRECT_LOOP need it. `origin` is the address first asked for, when redirects
    led to `url`; `detail` is the most specific thing the library said (quoted, never parsed);
    `attempts` counts retries; HTTP_STATUS and BAD_REDIRECT need the `answer`. For GUARD_REFUSED
    the detail is the guard's own sentence, which `check_public_url` also gives the CLI and the
    desk, and is returned as it is.
    """
    if kind in _LIMITED and config is None:
        raise ValueError(f"describe_failure({kind}) quotes a limit of the crawl; pass its CrawlConfig")
    host = urlsplit(url).netloc or url
    if kind is FailureKind.GUARD_REFUSED:
        return detail or f"refused {url!r}: Fursa only fetches public internet addresses"
    if kind in (FailureKind.HTTP_STATUS, FailureKind.BAD_REDIRECT):
        if answer is None:
            raise ValueError(f"describe_failure({kind}) needs the HttpAnswer")
        return _describe_answer(answer, url, attempts)
    if kind is FailureKind.TIMEOUT:
        assert config is not None
        retried = ", even after retries" if attempts > 1 else ""
        return (f"{url} did not answer within {config.timeout_s:g} s{retried}; the site may be slow or down "
                "— it will be tried again at the next run")
    if kind is FailureKind.TOO_LARGE:
        assert config is not None
        return (f"{url} sent more than {config.max_bytes:,} bytes (counted after decompression); refused as too "
                "large — ask for a smaller feed or page, or raise the size cap")
    if kind is FailureKind.REDIRECT_LOOP:
        assert config is not None
        return (f"{origin or url} redirected more than {config.max_redirects} times (a redirect loop?); open it in a "
                "browser and put the final address in the catalogue")
    return _WORDS[kind](url, host, detail)


def _quoted(detail: str) -> str:
    return f" ({detail})" if detail else ""


_WORDS: dict[FailureKind, Callable[[str, str, str], str]] = {
    FailureKind.DNS: lambda url, host, detail:
        f"cannot resolve host {host}{_quoted(detail)}; check the address for typos, or the network",
    FailureKind.REFUSED: lambda url, host, detail:
        f"{host} refused the connection; the server is down or the address/port is wrong",
    FailureKind.UNREACHABLE: lambda url, host, detail:
        f"cannot connect to {host}{_quoted(detail)}; the site or the network may be down — it will be tried again at the next run",
    FailureKind.TLS: lambda url, host, detail:
        f"the TLS certificate of {host} could not be verified, or the secure connection failed{_quoted(detail)}; Fursa only "
        "accepts valid certificates — open the address in a browser to see what is wrong",
    FailureKind.DROPPED_CONNECTION: lambda url, host, detail:
        f"the connection to {host} was dropped before a complete answer arrived{_quoted(detail)}; the site may be down or "
        "overloaded — it will be tried again at the next run",
    FailureKind.ROBOTS: lambda url, host, detail:
        f"robots.txt of {host} disallows {url}; Fursa obeys robots.txt — use another page or feed of the site, "
        "or ask its owner",
    FailureKind.BAD_URL: lambda url, host, detail:
        f"{url!r} is not an address Fursa can request{_quoted(detail)}; check the URL in the catalogue",
    FailureKind.UNREADABLE: lambda url, host, detail:
        f"{url} sent a body whose compression is broken{_quoted(detail)}; the site may be misconfigured "
        "— it will be tried again at the next run",
    FailureKind.UNEXPECTED: lambda url, host, detail: f"{url}: {detail or 'failed'}",
}


def _describe_answer(answer: HttpAnswer, url: str, attempts: int) -> str:
    """Why an HTTP answer is a failure, and what to check."""
    status = answer.status
    if 300 <= status < 400:
        target = answer.location or "nowhere"
        return (f"{url} redirected ({status_phrase(status)}) to {target!r}, which is not an http(s) address "
                "Fursa may follow; refused")
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    if status in _STATUS_ADVICE:
        wait = f" (Retry-After: {answer.retry_after})" if answer.retry_after else ""
        return f"{url} answered {status_phrase(status)}{wait}{tries}: {_STATUS_ADVICE[status]}"
    if status >= 500:
        return (f"{url} answered {status_phrase(status)}{tries}: the site is down or overloaded; "
                "it will be tried again at the next run")
    snippet = " ".join(answer.body[:200].decode("utf-8", "replace").split())
    said = f" (the site said: {snippet!r})" if snippet else ""
    return (f"{url} answered {status_phrase(status)}{said}: the request may be wrong; "
            "check the URL and the source's options in the catalogue")
