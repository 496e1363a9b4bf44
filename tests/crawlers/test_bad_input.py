"""The bad-input table of issues 2 and 3, all in one crawl against local servers: each source fails
(or survives) with a message a person can act on, and the others are unaffected."""
from __future__ import annotations

import gzip
import socket
from pathlib import Path
from typing import Iterator

import pytest

from fursa.storage import FetchResult, Validators

from fursa.crawlers import crawl_sources
from tests.crawlers.conftest import loopback_config, spec
from tests.crawlers.server import LocalServer, Reply, Request

RSS = {"Content-Type": "application/rss+xml"}
CAP = 1_000_000


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _flaky(first: Reply, then: Reply):
    calls: list[int] = []

    def handle(request: Request) -> Reply:
        calls.append(1)
        return first if len(calls) == 1 else then
    return handle


def _feed(title: str, link: str = "https://funder.example.org/call") -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            f'<item><title>{title}</title><link>{link}</link></item></channel></rss>').encode()


def _xxe_feed(probe_url: str) -> bytes:
    return (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">'
            f'<!ENTITY remote SYSTEM "{probe_url}">]><rss version="2.0"><channel><title>t</title>'
            '<item><title>&secret;&remote;</title><link>https://evil.example/x</link></item></channel></rss>').encode()


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10) for n in range(1, 10))
          + b']><rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
          b"<link>https://evil.example/</link></item></channel></rss>")

PAYLOADS = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            b"<item><title><![CDATA[<script>alert(1)</script>Research <img src=x onerror=alert(2)>Fellowship]]></title>"
            b"<link>https://funder.example.org/fellowship</link>"
            b"<description><![CDATA[<svg onload=alert(3)><text>svg-text</text></svg><p>Open to all.</p>"
            b'<a href="javascript:alert(4)">apply</a>]]></description></item>'
            b"<item><title>Click me</title><link>javascript:alert(5)</link></item></channel></rss>")

ARABIC_PAGE = ('<html><head><meta charset="utf-8"><title>منحة دراسية في جامعة بوليتكنك فلسطين</title></head>'
               '<body><main><h1>منحة دراسية في جامعة بوليتكنك فلسطين</h1><p>تعلن الجامعة عن منح دراسية لطلبة '
               'الماجستير في الهندسة والعلوم. ' * 8 + '</p><dl><dt>آخر موعد</dt><dd>15 كانون الثاني 2027</dd></dl>'
               '</main></body></html>').encode("windows-1256")


@pytest.fixture(scope="module")
def crawl(data_dir: Path) -> Iterator[tuple[dict[str, FetchResult], LocalServer]]:
    with LocalServer() as server, LocalServer() as private:
        good = (data_dir / "scholarships_en.rss").read_bytes()
        private.add("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /\n", {"Content-Type": "text/plain"}))
        routes = {
            "good feed": ("/good.rss", Reply(200, good, RSS)),
            "not xml": ("/not-xml.rss", Reply(200, b'{"this": "is json, not a feed"}', RSS)),
            "html instead of feed": ("/GG_NewOppByCategory.xml", Reply(200, (data_dir / "grants_gov_rss_trap.html").read_bytes(), {"Content-Type": "text/html"})),
            "5xx then 200": ("/flaky.rss", _flaky(Reply(503, b"busy"), Reply(200, good, RSS))),
            "429 with Retry-After then 200": ("/slow-down.rss", _flaky(Reply(429, b"", {"Retry-After": "1"}), Reply(200, good, RSS))),
            "429 asking for an hour": ("/hour.rss", Reply(429, b"", {"Retry-After": "3600"})),
            "404": ("/gone.rss", Reply(404, b"not here")),
            "410": ("/removed.rss", Reply(410, b"removed")),
            "redirect loop": ("/loop/a", Reply(302, b"", {"Location": "/loop/b"})),
            "redirect to file:": ("/to-file", Reply(302, b"", {"Location": "file:///etc/passwd"})),
            "redirect to metadata": ("/to-metadata", Reply(302, b"", {"Location": "http://169.254.169.254/latest/meta-data/"})),
            "body over the cap": ("/huge.rss", Reply(200, b"<rss>" + b" " * (CAP * 2) + b"</rss>", RSS)),
            "gzip bomb": ("/bomb.rss", Reply(200, gzip.compress(b"\0" * (CAP * 50)), {**RSS, "Content-Encoding": "gzip"})),
            "external entities": ("/xxe.rss", Reply(200, _xxe_feed(server.url("/xxe-probe")), RSS)),
            "entity expansion": ("/laughs.rss", Reply(200, LAUGHS, RSS)),
            "stalled socket": ("/stall.rss", Reply(stall=True)),
            "payloads in items": ("/payloads.rss", Reply(200, PAYLOADS, RSS)),
            "windows-1256 page labelled utf-8": ("/arabic.html", Reply(200, ARABIC_PAGE, {"Content-Type": "text/html; charset=utf-8"})),
            "api answering html": ("/api/search2", Reply(200, (data_dir / "grants_gov_rss_trap.html").read_bytes(), {"Content-Type": "text/html"})),
        }
        server.add("/loop/b", Reply(302, b"", {"Location": "/loop/a"}))
        jobs = []
        for name, (path, reply) in routes.items():
            url = server.add(path, reply)
            kind = {"windows-1256 page labelled utf-8": ("html", ""), "api answering html": ("api", "grants_gov")}.get(name, ("feed", ""))
            jobs.append((spec(name, url, type=kind[0], parser=kind[1], language="ar" if "1256" in name else "en",
                              options={"timezone": "Asia/Hebron"} if kind[0] == "html" else {}), Validators()))
        jobs.append((spec("unreachable", f"http://127.0.0.1:{_closed_port()}/feed.xml"), Validators()))
        jobs.append((spec("robots.txt disallows", private.url("/feed.xml")), Validators()))
        results = crawl_sources(jobs, loopback_config(max_bytes=CAP, timeout_s=2.0))
        assert [result.source_name for result in results] == [source.name for source, _ in jobs]
        yield {result.source_name: result for result in results}, server


@pytest.mark.parametrize("name, fragment", [
    ("not xml", "is not a readable RSS/Atom feed"),
    ("html instead of feed", "returned an HTML page ('Grants.gov - RSS Feeds'), not a feed (RSS/Atom)"),
    ("429 asking for an hour", "429 Too Many Requests (Retry-After: 3600)"),
    ("404", "answered 404 Not Found: the address is gone or mistyped"),
    ("410", "answered 410 Gone"),
    ("redirect loop", "/loop/a redirected more than 5 times (a redirect loop?)"),
    ("redirect to file:", "redirected (302 Found) to 'file:///etc/passwd', which is not an http(s) address"),
    ("redirect to metadata", "refused 'http://169.254.169.254/latest/meta-data/': host '169.254.169.254' resolves to 169.254.169.254, a cloud metadata address"),
    ("body over the cap", "sent more than 1,000,000 bytes"),
    ("gzip bomb", "sent more than 1,000,000 bytes (counted after decompression)"),
    ("external entities", "declares XML entities (<!ENTITY …>), which Fursa refuses to expand"),
    ("entity expansion", "declares XML entities"),
    ("stalled socket", "did not answer within 2 s"),
    ("api answering html", "did not answer JSON (got an HTML page)"),
    ("unreachable", "refused the connection"),
    ("robots.txt disallows", "disallows"),
])
def test_failing_sources_get_a_message_and_no_stack_trace(crawl, name: str, fragment: str) -> None:
    results, _server = crawl
    result = results[name]
    assert not result.ok and fragment in result.error
    assert "Traceback" not in result.error and result.drafts == ()


def test_the_good_feed_in_the_same_run_is_unaffected(crawl) -> None:
    results, _server = crawl
    assert results["good feed"].ok and len(results["good feed"].drafts) == 2


@pytest.mark.parametrize("name, path", [("5xx then 200", "/flaky.rss"), ("429 with Retry-After then 200", "/slow-down.rss")])
def test_transient_failures_are_retried_and_succeed(crawl, name: str, path: str) -> None:
    results, server = crawl
    assert results[name].ok and len(results[name].drafts) == 2
    assert len(server.seen(path)) == 2


@pytest.mark.parametrize("path", ["/gone.rss", "/removed.rss", "/hour.rss"])
def test_permanent_failures_and_long_waits_are_not_retried(crawl, path: str) -> None:
    _results, server = crawl
    assert len(server.seen(path)) == 1


def test_entities_are_never_resolved(crawl) -> None:
    results, server = crawl
    assert server.seen("/xxe-probe") == []
    assert "root:" not in (results["external entities"].error or "")


def test_payloads_are_stripped_and_non_http_links_skipped(crawl) -> None:
    result = crawl[0]["payloads in items"]
    (draft,) = result.drafts
    assert draft.title == "Research Fellowship"
    assert "Open to all." in draft.text
    assert not any(word in draft.text + draft.title for word in ("alert", "svg-text", "javascript", "onerror"))
    assert [error.message for error in result.item_errors] == [
        "item 'Click me' links to 'javascript:alert(5)', not an http(s) page; skipped"]


def test_arabic_page_in_the_wrong_declared_encoding_reads_as_arabic(crawl) -> None:
    (draft,) = crawl[0]["windows-1256 page labelled utf-8"].drafts
    assert draft.title == "منحة دراسية في جامعة بوليتكنك فلسطين"
    assert "طلبة الماجستير في الهندسة" in draft.text
    assert draft.deadline.kind == "date" and draft.deadline.at.date().isoformat() == "2027-01-15"
    assert draft.deadline.timezone == "Asia/Hebron"
