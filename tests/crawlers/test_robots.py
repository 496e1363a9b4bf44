"""robots.txt is obeyed however many sources share a host (issue 13, item 1).

Scrapy's own middleware fetched robots.txt once per host and handed the answer to the requests
waiting for it through one Deferred; under the asyncio reactor the first waiter consumed the
answer and every later one got None, which means "allowed". Each case below is one real crawl
in a child process against real loopback servers: one host whose robots.txt disallows every
source on it, one that allows them all, and one that disallows every other source.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from fursa.storage import FetchResult, Validators

from fursa.crawlers import crawl_sources
from tests.crawlers.conftest import loopback_config, spec
from tests.crawlers.server import LocalServer, Reply

RSS = {"Content-Type": "application/rss+xml"}
ROBOTS = Reply(200, b"User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"})


def _paths(count: int, mixed: bool, closed: bool) -> list[str]:
    """Feed paths of one host: every one disallowed (closed), none, or every other one (mixed)."""
    if mixed:
        return [f"/{'private' if n % 2 else 'public'}/feed-{n}.rss" for n in range(count)]
    return [f"/{'private' if closed else 'public'}/feed-{n}.rss" for n in range(count)]


@pytest.mark.parametrize("count", [1, 2, 3, 10])
def test_robots_txt_holds_for_every_source_on_a_host(count: int, data_dir: Path) -> None:
    feed = (data_dir / "scholarships_en.rss").read_bytes()
    hosts = {"closed": LocalServer(), "open": LocalServer(), "mixed": LocalServer()}
    with hosts["closed"], hosts["open"], hosts["mixed"]:
        jobs, expected = [], {}
        for label, server in hosts.items():
            server.add("/robots.txt", ROBOTS)
            for path in _paths(count, mixed=label == "mixed", closed=label == "closed"):
                name = f"{label} {path}"
                jobs.append((spec(name, server.add(path, Reply(200, feed, RSS))), Validators()))
                expected[name] = (server, path)
        results: dict[str, FetchResult] = {result.source_name: result
                                           for result in crawl_sources(jobs, loopback_config())}

        for name, (server, path) in expected.items():
            result = results[name]
            if path.startswith("/private/"):
                assert not result.ok and "disallows" in result.error, (name, result)
                assert result.drafts == () and server.seen(path) == [], f"{name} was fetched against robots.txt"
            else:
                assert result.ok and len(result.drafts) == 2, (name, result)
                assert len(server.seen(path)) == 1
        for server in hosts.values():
            assert len(server.seen("/robots.txt")) == 1     # one robots.txt per host and run
