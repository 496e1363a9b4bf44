"""Canonical URLs, and the SSRF guard on every URL, redirect hop and resolved address."""
from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from fursa.storage import Validators

from fursa.crawlers import CrawlConfig, UnsafeURLError, canonical_url, check_public_url, check_source, crawl_sources
from fursa.crawlers.guard import address_problem
from tests.crawlers.conftest import spec
from tests.crawlers.server import LocalServer, Reply


@pytest.mark.parametrize("raw, canonical", [
    ("HTTPS://WWW.UKRI.ORG:443/opportunity/x/?utm_source=rss&utm_medium=rss#apply", "https://www.ukri.org/opportunity/x/"),
    ("https://example.org/call?id=7&fbclid=abc&gclid=x&mc_cid=1", "https://example.org/call?id=7"),
    ("http://Example.org", "http://example.org/"),
    ("https://user:secret@example.org:8443/a?q=%20x", "https://example.org:8443/a?q=%20x"),
    ("https://example.org/a?b=2&a=1", "https://example.org/a?b=2&a=1"),
])
def test_canonical_urls(raw: str, canonical: str) -> None:
    assert canonical_url(raw) == canonical


@pytest.mark.parametrize("address, problem", [
    ("127.0.0.1", "a loopback address"), ("::1", "a loopback address"), ("10.1.2.3", "a private or reserved address"),
    ("192.168.0.10", "a private or reserved address"), ("172.16.5.5", "a private or reserved address"),
    ("169.254.169.254", "a cloud metadata address"), ("169.254.10.10", "a link-local address"),
    ("fe80::1", "a link-local address"), ("fd12::1", "a unique-local (private) IPv6 address"),
    ("::ffff:10.0.0.1", "a private or reserved address (10.0.0.1 inside an IPv6 address)"),
    ("0.0.0.0", "the unspecified address"), ("100.64.1.1", "a private or reserved address"),
])
def test_non_public_addresses_are_named(address: str, problem: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) == problem


def test_public_addresses_pass_and_loopback_is_allowed_only_when_asked() -> None:
    assert address_problem(ipaddress.ip_address("8.8.8.8")) is None
    assert address_problem(ipaddress.ip_address("2001:4860:4860::8888")) is None
    assert address_problem(ipaddress.ip_address("127.0.0.1"), allow_loopback=True) is None
    assert address_problem(ipaddress.ip_address("10.0.0.1"), allow_loopback=True) == "a private or reserved address"


@pytest.mark.parametrize("url, message", [
    ("file:///etc/passwd", "only http and https links are fetched (got scheme 'file')"),
    ("gopher://example.org/", "only http and https links are fetched (got scheme 'gopher')"),
    ("http://127.0.0.1:8080/admin", "resolves to 127.0.0.1, a loopback address"),
    ("http://localhost/", "a loopback address"),
    ("http://169.254.169.254/latest/meta-data/", "a cloud metadata address"),
    ("http://[::ffff:127.0.0.1]/", "a loopback address"),
    ("http:///no-host", "has no host name"),
])
def test_check_public_url_refuses_with_a_clear_message(url: str, message: str) -> None:
    with pytest.raises(UnsafeURLError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_public_url(url)


def test_the_test_allowance_admits_loopback_and_nothing_else() -> None:
    check_public_url("http://127.0.0.1:9/", allow_private=True)
    with pytest.raises(UnsafeURLError, match="a cloud metadata address"):
        check_public_url("http://169.254.169.254/", allow_private=True)


def test_crawls_and_previews_refuse_loopback_by_default(data_dir: Path) -> None:
    with LocalServer() as server:
        url = server.add("/feed.rss", Reply(200, (data_dir / "scholarships_en.rss").read_bytes()))
        (crawled,) = crawl_sources([(spec("loopback", url), Validators())], CrawlConfig(autothrottle=False))
        previewed = check_source(spec("loopback", url), CrawlConfig())
        assert server.requests == []                    # not one byte was fetched
    assert crawled.error.startswith(f"refused '{url}': host '127.0.0.1' resolves to 127.0.0.1, a loopback address")
    assert previewed.error.startswith(f"refused '{url}'")


def test_the_resolver_refuses_non_public_answers_at_connection_time() -> None:
    from twisted.internet.error import DNSLookupError

    from fursa.crawlers.middlewares import GuardedResolver

    resolver = GuardedResolver.__new__(GuardedResolver)
    resolver.allow_private = False
    with pytest.raises(DNSLookupError, match="refused 'rebind.example': it resolves to 10.0.0.7, a private or reserved address"):
        resolver._check("10.0.0.7", "rebind.example")
    assert resolver._check("93.184.216.34", "example.org") == "93.184.216.34"
    resolver.allow_private = True
    assert resolver._check("127.0.0.1", "localhost") == "127.0.0.1"
    with pytest.raises(DNSLookupError, match="a cloud metadata address"):
        resolver._check("169.254.169.254", "metadata.example")


def test_host_names_go_through_the_guarded_resolver(data_dir: Path) -> None:
    from tests.crawlers.conftest import loopback_config

    with LocalServer() as server:
        server.add("/feed.rss", Reply(200, (data_dir / "scholarships_en.rss").read_bytes()))
        url = server.url("/feed.rss").replace("127.0.0.1", "localhost")
        (result,) = crawl_sources([(spec("by name", url), Validators())], loopback_config())
    assert result.ok and len(result.drafts) == 2
