"""The crawl engine's promises, each against a real server: the HTTP cache turns unchanged detail
pages into 304s, per-domain concurrency holds, TLS is verified, and a dying or overrunning child
process still yields one result per job."""
from __future__ import annotations

import datetime as dt
import json
import ssl
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from fursa.storage import Validators

from fursa.crawlers import CrawlConfig, crawl_sources, runner
from fursa.crawlers.engine import scrapy_settings
from fursa.crawlers.middlewares import retry_after_seconds
from tests.crawlers.conftest import loopback_config, spec
from tests.crawlers.server import LocalServer, Reply, Request

HTML = {"Content-Type": "text/html; charset=utf-8"}


def listing(count: int, prefix: str) -> bytes:
    items = "".join(f'<li class="call"><a href="{prefix}/{n}">Research grant number {n}</a></li>' for n in range(count))
    return f"<html><body><ul>{items}</ul></body></html>".encode()


def detail(n: int) -> bytes:
    return (f"<html><head><title>Research grant number {n}</title></head><body><main><h1>Research grant number {n}</h1>"
            f"<p>{'Funding for research teams in engineering. ' * 10}</p><dl><dt>Deadline</dt><dd>1 October 2026</dd></dl>"
            "</main></body></html>").encode()


def html_source(name: str, url: str, **options) -> object:
    return spec(name, url, type="html", options={"item": "li.call", "title": "a", "detail": True,
                                                 "timezone": "Asia/Hebron", **options})


def test_the_http_cache_turns_unchanged_detail_pages_into_304s(tmp_path: Path) -> None:
    def etagged(n: int):
        def handle(request: Request) -> Reply:
            if request.headers.get("if-none-match") == f'"d{n}"':
                return Reply(304, b"", {"ETag": f'"d{n}"'})
            return Reply(200, detail(n), {**HTML, "ETag": f'"d{n}"'})
        return handle

    with LocalServer() as server:
        url = server.add("/cache/list", Reply(200, listing(3, "/cache/item"), HTML))
        for n in range(3):
            server.add(f"/cache/item/{n}", etagged(n))
        config = loopback_config(cache_dir=tmp_path / "http-cache")
        first = crawl_sources([(html_source("cached", url), Validators())], config)[0]
        second = crawl_sources([(html_source("cached", url), Validators())], config)[0]
        revalidations = [request for request in server.requests if request.path.startswith("/cache/item/")][3:]

    assert first.ok and len(first.drafts) == 3
    assert [request.headers.get("if-none-match") for request in revalidations] != [None, None, None]
    assert sorted(request.headers["if-none-match"] for request in revalidations) == ['"d0"', '"d1"', '"d2"']
    assert sorted(draft.text for draft in second.drafts) == sorted(draft.text for draft in first.drafts)
    assert second.bytes_read < first.bytes_read                  # 304s carry no body
    assert all(draft.deadline.kind == "date" for draft in second.drafts)


def test_per_domain_concurrency_is_bounded() -> None:
    state = {"active": 0, "peak": 0}
    lock = threading.Lock()

    def slow(request: Request) -> Reply:
        with lock:
            state["active"] += 1
            state["peak"] = max(state["peak"], state["active"])
        time.sleep(0.3)            # server side: makes requests overlap if the crawler allows it
        with lock:
            state["active"] -= 1
        return Reply(200, detail(1), HTML)

    with LocalServer() as server:
        url = server.add("/busy/list", Reply(200, listing(8, "/busy/item"), HTML))
        for n in range(8):
            server.add(f"/busy/item/{n}", slow)
        (result,) = crawl_sources([(html_source("busy", url), Validators())], loopback_config(concurrency_per_domain=2))
    assert result.ok and len(result.drafts) == 8
    assert state["peak"] == 2


@pytest.fixture(scope="module")
def self_signed() -> Iterator[ssl.SSLContext]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]), False)
            .sign(key, hashes.SHA256()))
    folder = Path(__import__("tempfile").mkdtemp())
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    yield context


def test_tls_certificates_are_verified(self_signed: ssl.SSLContext, data_dir: Path) -> None:
    with LocalServer(tls=self_signed) as server:
        url = server.add("/feed.rss", Reply(200, (data_dir / "scholarships_en.rss").read_bytes()))
        (result,) = crawl_sources([(spec("self-signed", url), Validators())], loopback_config(obey_robots=False))
        assert server.seen("/feed.rss") == []
    assert not result.ok and "TLS certificate of 127.0.0.1" in result.error and "could not be verified" in result.error


def test_a_child_that_dies_still_gives_every_job_a_result(monkeypatch: pytest.MonkeyPatch) -> None:
    script = ("import json, os, sys; out = open(sys.argv[2], 'a'); "
              "out.write(json.dumps({'index': 0, 'result': {'source_name': 'first'}}) + '\\n'); out.flush(); "
              "print('MemoryError: simulated', file=sys.stderr); os._exit(3)")
    monkeypatch.setattr(runner, "child_command", lambda jobs, results: [sys.executable, "-c", script, str(jobs), str(results)])
    jobs = [(spec("first", "https://a.example/feed"), Validators()), (spec("second", "https://b.example/feed"), Validators())]
    first, second = crawl_sources(jobs, CrawlConfig())
    assert first.ok and first.source_name == "first"
    assert second.source_name == "second" and second.error == (
        "the crawl process stopped unexpectedly (exit code 3: MemoryError: simulated); "
        "'second' was not finished and will be tried again at the next run")


def test_a_run_past_its_time_limit_closes_and_reports_the_unfinished(data_dir: Path) -> None:
    with LocalServer() as server:
        good = server.add("/ok.rss", Reply(200, (data_dir / "scholarships_en.rss").read_bytes()))
        stuck = server.add("/stuck.rss", Reply(stall=True))
        jobs = [(spec("stuck", stuck), Validators()), (spec("quick", good), Validators())]
        stuck_result, quick = crawl_sources(jobs, loopback_config(timeout_s=4, run_timeout_s=1))
        # Closed at its limit, the run sends no retry (retry_times is 1): without the limit the stuck
        # source is asked twice and fails with the timeout message below, so that alone proves nothing.
        assert len(server.seen("/stuck.rss")) == 1
    assert quick.ok and len(quick.drafts) == 2
    # Which words the stuck source gets depends on which comes first, the close or the download's own timeout.
    assert stuck_result.error.startswith("the crawl stopped (closespider_timeout) before 'stuck' finished") or \
        stuck_result.error.endswith("did not answer within 4 s, even after retries; the site may be slow or down "
                                    "— it will be tried again at the next run")


def test_settings_are_polite_bounded_and_safe(tmp_path: Path) -> None:
    settings = scrapy_settings(CrawlConfig(cache_dir=tmp_path, concurrency_per_domain=3, timeout_s=20, max_bytes=5_000_000))
    assert settings["ROBOTSTXT_OBEY"] is True and settings["AUTOTHROTTLE_ENABLED"] is True
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 3 and settings["DOWNLOAD_TIMEOUT"] == 20
    assert settings["DOWNLOAD_MAXSIZE"] == 5_000_000 and settings["DOWNLOAD_VERIFY_CERTIFICATES"] is True
    assert 404 not in settings["RETRY_HTTP_CODES"] and {429, 503, 408} <= set(settings["RETRY_HTTP_CODES"])
    assert settings["HTTPCACHE_POLICY"] == "scrapy.extensions.httpcache.RFC2616Policy"
    assert settings["DOWNLOAD_HANDLERS"] == {"file": None, "ftp": None, "s3": None, "data": None}
    assert settings["FURSA_ALLOW_PRIVATE"] is False and settings["REMOTE_CONTROL_ENABLED"] is False


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert retry_after_seconds("soon") is None


def test_sedia_darpa_and_wordpress_sources_end_to_end(corpus_dir: Path) -> None:
    with LocalServer() as server:
        sedia = server.add("/search-api/prod/rest/search", Reply(200, (corpus_dir / "eu-funding-tenders" / "sedia-search-page.json").read_bytes(),
                                                                 {"Content-Type": "application/json"}))
        darpa = server.add("/json/opportunity.json", Reply(200, (corpus_dir / "darpa" / "darpa.json").read_bytes(),
                                                          {"Content-Type": "application/json"}))
        posts = [{"title": {"rendered": f"Scholarship {n}"}, "link": f"https://agg.example/{n}/", "content": {"rendered": "<p>text</p>"}}
                 for n in range(2)]
        wp = server.add("/wp-json/wp/v2/posts", lambda request: Reply(200, json.dumps(posts if "page=1" in request.path else []).encode(),
                                                                      {"Content-Type": "application/json"}))
        jobs = [(spec("EU", sedia + "?apiKey=SEDIA&text=***", type="api", parser="sedia", options={"max_pages": 1}), Validators()),
                (spec("DARPA", darpa, type="api", parser="darpa"), Validators()),
                (spec("WP", wp + "?per_page=2", type="api", parser="json", options={
                    "fields": {"title": "title.rendered", "url": "link", "text": "content.rendered"}, "page_param": "page",
                    "max_pages": 3}), Validators())]
        eu, darpa_result, wordpress = crawl_sources(jobs, loopback_config())
        (posted,) = server.seen("/search-api/prod/rest/search?apiKey=SEDIA&text=%2A%2A%2A&pageSize=100&pageNumber=1") or [
            request for request in server.requests if request.path.startswith("/search-api/")]
        wp_pages = [request.path for request in server.requests if request.path.startswith("/wp-json/")]
    assert posted.method == "POST" and posted.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'name="query"' in posted.body and b"Content-Type: application/json" in posted.body
    assert eu.ok and [draft.external_id for draft in eu.drafts] == ["HORIZON-JU-CHIPS-2025-IA-LEAI-two-stage",
                                                                    "HORIZON-JU-EDCTP3-2026-SCILEADERSHIPMANSSAPRIZE"]
    assert darpa_result.ok and len(darpa_result.drafts) == 10
    assert wordpress.ok and [draft.title for draft in wordpress.drafts] == ["Scholarship 0", "Scholarship 1"]
    assert wp_pages == ["/wp-json/wp/v2/posts?per_page=2&page=1", "/wp-json/wp/v2/posts?per_page=2&page=2"]


def test_autothrottle_counts_304_as_success_but_not_errors() -> None:
    from types import SimpleNamespace

    from fursa.crawlers.throttle import NotModifiedAwareAutoThrottle

    throttle = NotModifiedAwareAutoThrottle.__new__(NotModifiedAwareAutoThrottle)
    throttle.target_concurrency, throttle.mindelay, throttle.maxdelay = 2.0, 0.0, 30.0
    slot = SimpleNamespace(delay=0.5)
    throttle._adjust_delay(slot, 0.01, SimpleNamespace(status=304))
    assert slot.delay == pytest.approx(0.2525)         # halfway to latency / target, as for a 200
    throttle._adjust_delay(slot, 0.01, SimpleNamespace(status=500))
    assert slot.delay == pytest.approx(0.2525)         # a fast error page never speeds the crawl up
