"""Benchmark: 2,000 feeds crawled cold, then warm with 90% of them unchanged.

    python bench/crawl_feeds.py [--feeds 2000] [--hosts 20] [--changed 0.10]

Serves RSS feeds (20 items each) from --hosts servers on loopback addresses 127.0.0.1 … 127.0.0.N
(robots.txt and per-host politeness apply per host, as on the real web), each answering 304 to a
matching ETag / Last-Modified. The cold pass crawls them with no validators; then --changed of
the feeds get a new version and the warm pass crawls again with the validators the cold pass
returned. Prints bytes on the wire (status lines, headers and bodies, counted by the servers),
body bytes the crawler read, drafts and time for each pass, and the warm/cold ratios
(targets: bytes <= 0.15, time <= 0.3).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fursa.storage import FetchResult, SourceSpec, Validators  # noqa: E402

from fursa.crawlers import CrawlConfig, crawl_sources  # noqa: E402
from fursa.demo.loopback import LocalServer, Reply, Request  # noqa: E402

ITEMS = 20


def feed_body(number: int, version: int) -> bytes:
    items = "".join(
        f"<item><title>Scholarship {number}.{n} (version {version})</title>"
        f"<link>https://funder{number % 97}.example.org/calls/{number}/{n}</link>"
        f"<guid>urn:feed:{number}:{n}</guid><pubDate>Mon, 02 Mar 2026 09:{n:02d}:00 +0000</pubDate>"
        f"<description><![CDATA[<p>Fully funded study for students from developing countries, feed {number}, "
        f"item {n}. Applicants need a bachelor's degree and English at B2 level.</p>]]></description></item>"
        for n in range(ITEMS))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Feed {number}</title>'
            f"<link>https://feeds.example.org/{number}</link><description>bench</description>{items}</channel></rss>").encode()


class Feed:
    """One feed whose version can change; answers 304 to the current validators."""

    def __init__(self, number: int) -> None:
        self.number, self.version = number, 1

    def validators(self) -> tuple[str, str]:
        return f'"{self.number}-{self.version}"', f"Mon, 0{self.version} Mar 2026 10:00:00 GMT"

    def __call__(self, request: Request) -> Reply:
        etag, modified = self.validators()
        if request.headers.get("if-none-match") == etag or request.headers.get("if-modified-since") == modified:
            return Reply(304, b"", {"ETag": etag, "Last-Modified": modified})
        return Reply(200, feed_body(self.number, self.version),
                     {"Content-Type": "application/rss+xml", "ETag": etag, "Last-Modified": modified})


def crawl_pass(jobs: list[tuple[SourceSpec, Validators]], servers: list[LocalServer]) -> tuple[list[FetchResult], int, float]:
    before = sum(server.bytes_sent for server in servers)
    started = time.perf_counter()
    results = crawl_sources(jobs, CrawlConfig(allow_private_addresses=True))
    elapsed = time.perf_counter() - started
    failed = [result for result in results if not result.ok]
    if failed:
        raise SystemExit(f"{len(failed)} feeds failed, e.g. {failed[0].source_name}: {failed[0].error}")
    return results, sum(server.bytes_sent for server in servers) - before, elapsed


def report(label: str, results: list[FetchResult], wire: int, elapsed: float) -> None:
    drafts = sum(len(result.drafts) for result in results)
    unchanged = sum(result.not_modified for result in results)
    body = sum(result.bytes_read for result in results)
    crawl_s = max(result.duration_s for result in results)
    print(f"{label}: {len(results)} feeds, {unchanged} not modified, {drafts} drafts, {wire:,} bytes on the wire, "
          f"{body:,} body bytes read, {elapsed:.2f} s wall ({crawl_s:.2f} s crawling)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--changed", type=float, default=0.10)
    args = parser.parse_args()
    with ExitStack() as stack:
        servers = [stack.enter_context(LocalServer(f"127.0.0.{host + 1}")) for host in range(args.hosts)]
        feeds = [Feed(number) for number in range(args.feeds)]
        specs = [SourceSpec(name=f"feed {feed.number}", type="feed",
                            url=servers[feed.number % args.hosts].add(f"/feed/{feed.number}.xml", feed)) for feed in feeds]
        cold, cold_wire, cold_s = crawl_pass([(spec, Validators()) for spec in specs], servers)
        for feed in random.Random(7).sample(feeds, round(len(feeds) * args.changed)):
            feed.version += 1
        warm, warm_wire, warm_s = crawl_pass([(spec, result.validators) for spec, result in zip(specs, cold)], servers)
    report("cold", cold, cold_wire, cold_s)
    report("warm", warm, warm_wire, warm_s)
    print(f"warm/cold bytes on the wire: {warm_wire / cold_wire:.3f} (target <= 0.15)")
    print(f"warm/cold wall time: {warm_s / cold_s:.3f} (target <= 0.3)")
    cold_crawl = max(result.duration_s for result in cold)
    warm_crawl = max(result.duration_s for result in warm)
    print(f"warm/cold crawling time (without process start-up): {warm_crawl / cold_crawl:.3f}")


if __name__ == "__main__":
    main()
