"""Failures in words a person can act on: what failed, and what to check.

Scrapy/Twisted exceptions and HTTP statuses are translated here, at the boundary, for both the
crawl child and the interactive preview; a stack trace never reaches a source's health record.
"""
from __future__ import annotations

from http import HTTPStatus
from urllib.parse import urlsplit

_STATUS_ADVICE = {
    401: "the page needs a login; Fursa only reads public pages",
    403: "the site refuses our crawler (some sites block non-browser clients); try the site's feed or API, "
         "or a `headers` option with a browser-like User-Agent",
    404: "the address is gone or mistyped; open it in a browser and update the catalogue",
    410: "the site says the page was removed for good; find its new address or disable the source",
    429: "the site asks us to slow down; it will be tried again at the next run",
}


def status_phrase(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def describe_status(status: int, url: str, *, location: str = "", body: bytes = b"", attempts: int = 1,
                    retry_after: str = "") -> str:
    """Why an HTTP answer is a failure, and what to check."""
    if 300 <= status < 400:
        target = location or "nowhere"
        return (f"{url} redirected ({status_phrase(status)}) to {target!r}, which is not an http(s) address "
                "Fursa may follow; refused")
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    if status in _STATUS_ADVICE:
        wait = f" (Retry-After: {retry_after})" if retry_after else ""
        return f"{url} answered {status_phrase(status)}{wait}{tries}: {_STATUS_ADVICE[status]}"
    if status >= 500:
        return (f"{url} answered {status_phrase(status)}{tries}: the site is down or overloaded; "
                "it will be tried again at the next run")
    snippet = " ".join(body[:200].decode("utf-8", "replace").split())
    detail = f" (the site said: {snippet!r})" if snippet else ""
    return (f"{url} answered {status_phrase(status)}{detail}: the request may be wrong; "
            "check the URL and the source's options in the catalogue")


def describe_exception(exc: BaseException, url: str, *, timeout_s: float, max_bytes: int, max_redirects: int,
                       origin: str = "") -> str:
    """Why a download failed (timeout, DNS, refused connection, robots.txt, size cap …).
    `origin` is the address first asked for, when redirects led to `url`."""
    name = type(exc).__name__
    text = str(exc)
    host = urlsplit(url).netloc or url
    lowered = f"{name} {text}".lower()
    if text.startswith(("refused ", "cannot resolve host")):
        return text  # the SSRF guard's own message, already in words a person can act on
    if "robots.txt" in lowered:
        return (f"robots.txt of {host} disallows {url}; Fursa obeys robots.txt — use another page or feed of "
                "the site, or ask its owner")
    if "max redirections" in lowered or "redirect" in lowered and "loop" in lowered:
        return (f"{origin or url} redirected more than {max_redirects} times (a redirect loop?); open it in a browser "
                "and put the final address in the catalogue")
    if "max size" in lowered or "maxsize" in lowered or "download_maxsize" in lowered or "cancelled" in lowered:
        return (f"{url} sent more than {max_bytes:,} bytes (counted after decompression); refused as too "
                "large — ask for a smaller feed or page, or raise the size cap")
    if "timeout" in lowered or "timed out" in lowered:
        return (f"{url} did not answer within {timeout_s:g} s, even after retries; the site may be slow or down "
                "— it will be tried again at the next run")
    if "dnslookup" in lowered or "name or service not known" in lowered or "resolve" in lowered:
        return f"cannot resolve host {host} ({text or name}); check the address for typos, or the network"
    if "connectionrefused" in lowered or "connection refused" in lowered:
        return f"{host} refused the connection; the server is down or the address/port is wrong"
    if "certificate" in lowered or "ssl" in lowered or "tls" in lowered:
        return (f"the TLS certificate of {host} could not be verified ({text or name}); Fursa only accepts "
                "valid certificates")
    if "connection" in lowered or "responsefailed" in lowered or "responseneverreceived" in lowered:
        return f"the connection to {host} failed or was dropped ({name}: {text}); the site may be down"
    return f"{url}: {name}: {text or 'failed'}"
