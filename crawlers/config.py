"""How a crawl behaves: limits, politeness and the test-only loopback allowance."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_USER_AGENT = "Fursa/0.1 (+https://www.ppu.edu; international relations)"


@dataclass(frozen=True)
class CrawlConfig:
    """Settings of one crawl run, passed explicitly from the caller (never read from the environment).

    `allow_private_addresses` lets tests crawl a server on loopback (127.0.0.0/8, ::1); private,
    link-local and cloud-metadata addresses stay refused even then. It is off by default and must
    never be switched on in production.

    `scrapyd_url` (e.g. `http://user:password@crawler-1:6800`) sends the crawl to that Scrapyd
    server instead of a local child process; None (the default) crawls on this machine.
    """

    timeout_s: float = 30
    max_bytes: int = 10_000_000
    user_agent: str = DEFAULT_USER_AGENT
    allow_private_addresses: bool = False
    concurrency_per_domain: int = 2
    obey_robots: bool = True
    cache_dir: Path | None = None
    retry_times: int = 2
    max_retry_after_s: float = 120.0
    max_redirects: int = 5
    run_timeout_s: float = 3600.0
    autothrottle: bool = True
    verify_tls: bool = True
    scrapyd_url: str | None = None
