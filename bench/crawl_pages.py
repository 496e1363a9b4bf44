"""Benchmark: 1,000 listing and detail pages from a local server, against `scrapy bench`.

    python bench/crawl_pages.py [--pages 1000] [--skip-scrapy-bench]

Serves 100 listing pages (each linking 9 detail pages and the next listing) on 127.0.0.1 and
crawls them with Fursa's real crawl path (crawl_sources: Scrapy in a child process, the SSRF
guard with the test-only loopback allowance, robots.txt, retries, parsing into Drafts), first
with the production politeness (2 requests per host, AutoThrottle on), then with scrapy bench's
own per-domain concurrency (8). Then runs `scrapy bench` on the same machine and prints pages per
second for each and the ratios. Rates count pages per second of crawling (from the spider's start
to the last result) and, separately, wall time including the child process's start-up.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fursa.storage import SourceSpec, Validators  # noqa: E402

from fursa.crawlers import CrawlConfig, crawl_sources  # noqa: E402
from fursa.demo.loopback import LocalServer, Reply  # noqa: E402

HTML = {"Content-Type": "text/html; charset=utf-8"}
PER_LISTING = 9


def serve_pages(server: LocalServer, pages: int) -> str:
    listings = pages // (PER_LISTING + 1)
    for number in range(listings):
        items = "".join(f'<article class="call"><h3><a href="/call/{number}/{n}">Research grant {number}-{n}</a></h3>'
                        f'<p>Funding for engineering research teams.</p><dl><dt>Closing date</dt><dd>1 October 2026</dd></dl>'
                        "</article>" for n in range(PER_LISTING))
        following = f'<a class="next" href="/list/{number + 1}">Next</a>' if number + 1 < listings else ""
        server.add(f"/list/{number}", Reply(200, f"<html><body><main>{items}</main>{following}</body></html>".encode(), HTML))
        for n in range(PER_LISTING):
            body = (f"<html><head><title>Research grant {number}-{n}</title></head><body><main><h1>Research grant {number}-{n}</h1>"
                    + "<p>The programme funds collaborative research in engineering and the sciences. </p>" * 20
                    + "</main></body></html>")
            server.add(f"/call/{number}/{n}", Reply(200, body.encode(), HTML))
    return server.url("/list/0")


def crawl_once(url: str, pages: int, concurrency: int) -> tuple[int, float, float]:
    source = SourceSpec(name="bench listing", type="html", url=url, options={
        "item": "article.call", "title": "h3 a", "deadline_label": "Closing date", "next": "a.next",
        "max_pages": pages, "detail": True, "max_items": PER_LISTING, "timezone": "UTC"})
    config = CrawlConfig(allow_private_addresses=True, concurrency_per_domain=concurrency)
    started = time.perf_counter()
    (result,) = crawl_sources([(source, Validators())], config)
    wall = time.perf_counter() - started
    if not result.ok:
        raise SystemExit(f"crawl failed: {result.error}")
    return len(result.drafts), result.duration_s, wall


def scrapy_bench_rate() -> float:
    with tempfile.TemporaryDirectory() as folder:
        run = subprocess.run([sys.executable, "-m", "scrapy", "bench"], capture_output=True, text=True, cwd=folder, timeout=180)
    log = run.stdout + run.stderr
    count = re.search(r"'response_received_count': (\d+)", log)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", log)
    if not count or not elapsed:
        raise SystemExit("could not read scrapy bench's figures:\n" + log[-2000:])
    return int(count.group(1)) / float(elapsed.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--skip-scrapy-bench", action="store_true")
    args = parser.parse_args()
    with LocalServer() as server:
        url = serve_pages(server, args.pages)
        runs = {concurrency: crawl_once(url, args.pages, concurrency) for concurrency in (2, 8)}
        fetched = len(server.requests)
    print(f"pages served: {fetched} (listing + detail + robots.txt)")
    rates = {}
    for concurrency, (drafts, crawl_s, wall_s) in runs.items():
        pages = (drafts // PER_LISTING) + drafts
        rates[concurrency] = pages / crawl_s
        print(f"fursa, {concurrency} per host: {drafts} drafts from {pages} pages in {crawl_s:.2f} s crawling "
              f"({rates[concurrency]:.0f} pages/s); {wall_s:.2f} s wall with process start ({pages / wall_s:.0f} pages/s)")
    if args.skip_scrapy_bench:
        return
    reference = scrapy_bench_rate()
    print(f"scrapy bench: {reference:.0f} pages/s")
    for concurrency, rate in rates.items():
        print(f"ratio, {concurrency} per host: {rate / reference:.2f}x scrapy bench (target >= 0.3x)")


if __name__ == "__main__":
    main()
