"""check_source and discover_feeds: single interactive fetches with httpx, nothing stored."""
from __future__ import annotations

from pathlib import Path

import pytest

from fursa.crawlers import FetchError, check_source, discover_feeds
from tests.crawlers.conftest import loopback_config, spec
from tests.crawlers.server import LocalServer, Reply

HTML = {"Content-Type": "text/html; charset=utf-8"}


def test_check_source_previews_a_feed(server: LocalServer, data_dir: Path) -> None:
    url = server.add("/preview/feed.rss", Reply(200, (data_dir / "scholarships_en.rss").read_bytes(),
                                                {"Content-Type": "application/rss+xml", "ETag": '"p1"'}))
    result = check_source(spec("preview", url), loopback_config())
    assert result.ok and len(result.drafts) == 2 and len(result.item_errors) == 2
    assert result.validators.etag == '"p1"' and result.http_status == 200 and result.bytes_read > 1000


def test_check_source_follows_a_listing_to_its_detail_pages(server: LocalServer, corpus_dir: Path) -> None:
    listing = (corpus_dir / "ukri" / "ukri-listing-page.html").read_bytes().replace(b"https://www.ukri.org", server.base.encode())
    url = server.add("/opportunity/", Reply(200, listing, HTML))
    server.add("/opportunity/future-leaders-fellowship-round-11/", Reply(200, (corpus_dir / "ukri" / "ukri-opportunity-flf.html").read_bytes(), HTML))
    server.add("/opportunity/national-pet-imaging-platform-data-platform/", Reply(200, (corpus_dir / "ukri" / "ukri-opportunity-pet-imaging.html").read_bytes(), HTML))
    source = spec("UKRI", url, type="html", options={"item": "div.opportunity", "title": "h3 a", "detail": True,
                                                     "deadline_label": "Closing date", "timezone": "Europe/London",
                                                     "detail_text": ".description"})
    result = check_source(source, loopback_config())
    assert result.ok and len(result.drafts) == 3
    flf = next(draft for draft in result.drafts if "Future Leaders" in draft.title)
    assert flf.text.startswith("Apply for funding to support ambitious research")
    (error,) = result.item_errors
    assert error.message.startswith(
        f"{server.base}/opportunity/defra-farming-innovation-investor-partnership-2026/ answered 404 Not Found")
    defra = next(draft for draft in result.drafts if "Defra" in draft.title)
    assert defra.deadline.kind == "date"             # the listing's fields are kept when the detail page fails


def test_check_source_reports_the_html_trap_and_unreachable_hosts(server: LocalServer, data_dir: Path) -> None:
    url = server.add("/preview/trap.xml", Reply(200, (data_dir / "grants_gov_rss_trap.html").read_bytes(), HTML))
    assert "returned an HTML page ('Grants.gov - RSS Feeds'), not a feed" in check_source(spec("trap", url), loopback_config()).error
    down = check_source(spec("down", "http://127.0.0.1:1/feed"), loopback_config())
    assert down.error == "127.0.0.1:1 refused the connection; the server is down or the address/port is wrong"


def test_check_source_obeys_robots_txt(data_dir: Path) -> None:
    with LocalServer() as private:
        private.add("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /private/\n"))
        url = private.add("/private/feed.rss", Reply(200, (data_dir / "scholarships_en.rss").read_bytes()))
        result = check_source(spec("private", url), loopback_config())
        assert "robots.txt" in result.error and private.seen("/private/feed.rss") == []


def test_discover_feeds_from_link_tags_then_common_paths(data_dir: Path) -> None:
    with LocalServer() as site:
        site.add("/", Reply(200, b'<html><head><link rel="alternate" type="application/rss+xml" href="/news/rss.xml">'
                                 b'<link rel="alternate" type="application/atom+xml" href="https://other.example/a.atom">'
                                 b'<link rel="stylesheet" href="/s.css"></head></html>', HTML))
        assert discover_feeds(site.url("/"), loopback_config()) == [site.url("/news/rss.xml"), "https://other.example/a.atom"]
        site.add("/plain", Reply(200, b"<html><head><title>no links</title></head></html>", HTML))
        site.add("/feed/", Reply(200, (data_dir / "scholarships_en.rss").read_bytes(), {"Content-Type": "application/rss+xml"}))
        site.add("/rss.xml", Reply(200, b"<html><body>not a feed</body></html>", HTML))
        assert discover_feeds(site.url("/plain"), loopback_config()) == [site.url("/feed/")]
        assert discover_feeds(site.url("/feed/"), loopback_config()) == [site.url("/feed/")]
        with pytest.raises(FetchError, match="404 Not Found"):
            discover_feeds(site.url("/missing"), loopback_config())


def test_check_source_caps_decompressed_bodies_and_guards_redirect_hops(server: LocalServer) -> None:
    import gzip

    bomb = server.add("/preview/bomb.rss", Reply(200, gzip.compress(b"\0" * 5_000_000),
                                                 {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"}))
    result = check_source(spec("bomb", bomb), loopback_config(max_bytes=1_000_000))
    assert "sent more than 1,000,000 bytes (counted after decompression)" in result.error
    hop = server.add("/preview/hop", Reply(302, b"", {"Location": "http://169.254.169.254/latest/meta-data/"}))
    assert check_source(spec("hop", hop), loopback_config()).error.startswith(
        "refused 'http://169.254.169.254/latest/meta-data/'")
