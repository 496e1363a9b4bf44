"""Scrapy settings for a Fursa crawl, derived from one CrawlConfig."""
from __future__ import annotations

from typing import Any

from fursa.crawlers.config import CrawlConfig

RETRY_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOADER_MIDDLEWARES = {
    "fursa.crawlers.middlewares.GuardMiddleware": 40,               # before robots.txt: its fetch is guarded too
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "fursa.crawlers.middlewares.RetryAfterMiddleware": 550,
    # Scrapy's own, at their own places, raising a typed IgnoreRequest the errback can tell apart.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "fursa.crawlers.middlewares.RobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "fursa.crawlers.middlewares.MetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "fursa.crawlers.middlewares.HttpCompressionMiddleware": 590,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "fursa.crawlers.middlewares.RedirectMiddleware": 600,
    "fursa.crawlers.middlewares.PerHostLimitMiddleware": 950,       # after the HTTP cache: only real downloads wait
}
EXTENSIONS = {"scrapy.extensions.throttle.AutoThrottle": None, "fursa.crawlers.throttle.NotModifiedAwareAutoThrottle": 0}


def scrapy_settings(config: CrawlConfig) -> dict[str, Any]:
    """Polite, bounded and safe: robots.txt obeyed, AutoThrottle and per-domain concurrency on,
    explicit timeouts, transient-only retries, a size cap that also holds after decompression,
    verified TLS, no file:/ftp:/s3:/data: handlers, the SSRF guard on every hop."""
    settings: dict[str, Any] = {
        "BOT_NAME": "fursa",
        "USER_AGENT": config.user_agent,
        "ROBOTSTXT_OBEY": config.obey_robots,
        "CONCURRENT_REQUESTS": 64,
        # Callbacks return a few requests and never items; Scrapy starts this many worker tasks
        # per response to process callback output, which dominated incremental runs at 100.
        "CONCURRENT_ITEMS": 4,
        "CONCURRENT_REQUESTS_PER_DOMAIN": config.concurrency_per_domain,
        "AUTOTHROTTLE_ENABLED": config.autothrottle,
        "AUTOTHROTTLE_START_DELAY": 0.5,
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(config.concurrency_per_domain),
        "DOWNLOAD_DELAY": 0,
        "DOWNLOAD_TIMEOUT": config.timeout_s,
        "DNS_TIMEOUT": config.timeout_s,
        "DOWNLOAD_MAXSIZE": config.max_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "DOWNLOAD_VERIFY_CERTIFICATES": config.verify_tls,
        "DOWNLOAD_HANDLERS": {"file": None, "ftp": None, "s3": None, "data": None},
        "RETRY_ENABLED": True,
        "RETRY_TIMES": config.retry_times,
        "RETRY_HTTP_CODES": RETRY_CODES,
        "REDIRECT_MAX_TIMES": config.max_redirects,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,   # no listening control port in a crawl child
        "LOG_LEVEL": "INFO",
        "CLOSESPIDER_TIMEOUT": config.run_timeout_s,
        "TWISTED_DNS_RESOLVER": "fursa.crawlers.middlewares.GuardedResolver",
        "FURSA_ALLOW_PRIVATE": config.allow_private_addresses,
        "FURSA_MAX_RETRY_AFTER": config.max_retry_after_s,
        "DOWNLOADER_MIDDLEWARES": DOWNLOADER_MIDDLEWARES,
        "REFERRER_POLICY": "no-referrer",   # never tell one site which other site we came from
        "LOG_INSTALL_ROOT_HANDLER": True,
        "EXTENSIONS": EXTENSIONS,
        "HTTPCACHE_ENABLED": config.cache_dir is not None,
    }
    if config.cache_dir is not None:
        # Detail pages revalidate with their cached validators, so an unchanged page costs a 304.
        settings.update({"HTTPCACHE_DIR": str(config.cache_dir), "HTTPCACHE_POLICY": "scrapy.extensions.httpcache.RFC2616Policy",
                         "HTTPCACHE_IGNORE_HTTP_CODES": RETRY_CODES + [404, 410, 403, 401]})
    return settings
