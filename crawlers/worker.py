"""The Scrapyd side of a crawl: the project's settings and the spider that scrapyd runs.

Scrapyd starts `scrapy crawl fursa -a jobs=PACKED -s FEEDS=… -s LOG_FILE=…` from the egg that
`crawlers.egg` built. The spider unpacks the run (`crawlers.codec.pack_run`), applies the run's
settings, crawls exactly as the local child does, and hands each finished job's FetchResult to
scrapyd's item feed as one JSON line {"index": i, "result": {...}}, the same record the child
writes; the dispatcher reads it back from scrapyd's items/ endpoint.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from scrapy import signals

from fursa.storage import FetchResult

from fursa.crawlers.codec import result_to_dict, unpack_run
from fursa.crawlers.config import CrawlConfig
from fursa.crawlers.egg import PROJECT
from fursa.crawlers.engine import scrapy_settings
from fursa.crawlers.spiders import SourcesSpider

log = logging.getLogger(__name__)
WORKER_CACHE_DIR = "fursa-http-cache"


def project_settings() -> dict[str, Any]:
    """Settings of the Scrapy project in the egg: the safe defaults of every crawl, and where the spider is.

    The settings that depend on the run are applied by the spider; the few read before any spider
    exists (the guarded resolver's loopback allowance, the DNS timeout) come as schedule.json settings.
    """
    return {**scrapy_settings(CrawlConfig()), "SPIDER_MODULES": [__name__], "NEWSPIDER_MODULE": __name__}


class FeedEmitter:
    """Exports each finished job's FetchResult as one item of the crawl's feed (scrapyd's items_dir)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    def __call__(self, index: int, result: FetchResult) -> None:
        # Jobs finish inside callbacks, errbacks and closed(), where Scrapy takes no yielded item;
        # item_scraped is the signal the feed exporter writes from, so sending it exports the item.
        self.crawler.signals.send_catch_log(signals.item_scraped, item={"index": index, "result": result_to_dict(result)},
                                            response=None, spider=self.crawler.spider)


class WorkerSpider(SourcesSpider):
    """SourcesSpider fed by a packed run in the `jobs` spider argument, reporting through the item feed."""

    name = PROJECT

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> WorkerSpider:
        packed = kwargs.pop("jobs", None)
        if not packed:
            raise ValueError("the Fursa spider needs the run in its 'jobs' argument; schedule it through crawl_sources")
        config, jobs = unpack_run(packed)
        if config.cache_dir is not None:
            # The run names a folder on the dispatching machine; this worker keeps its own cache
            # beside scrapyd's other folders (its working directory).
            config = replace(config, cache_dir=Path.cwd() / WORKER_CACHE_DIR)
        log.info("Fursa crawl code from %s: %d sources, HTTP cache %s", __file__, len(jobs), config.cache_dir or "off")
        # Scrapy (2.11+) reads the crawler's settings only after the spider is built, so the run's
        # own limits apply here; scrapyd's -s settings (FEEDS, LOG_FILE) keep their higher priority.
        crawler.settings.setdict(scrapy_settings(config), priority="spider")
        return super().from_crawler(crawler, *args, jobs=jobs, config=config, emit=FeedEmitter(crawler), **kwargs)
