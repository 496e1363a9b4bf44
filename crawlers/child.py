"""The crawl child process: `python -m fursa.crawlers.child JOBS.json RESULTS.jsonl`.

Scrapy's Twisted reactor cannot restart inside one process, and a broken spider must not take the
scheduler down, so every crawl runs here. The parent writes the jobs as JSON; each finished job's
FetchResult is appended to RESULTS.jsonl as one line {"index": i, "result": {...}} and flushed at
once, so a crash later in the run loses nothing already finished.
"""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import IO

from scrapy.crawler import CrawlerProcess

from fursa.storage import FetchResult

from fursa.crawlers.codec import dumps, result_to_dict, run_from_dict
from fursa.crawlers.engine import scrapy_settings
from fursa.crawlers.spiders import SourcesSpider


class ResultWriter:
    """Appends one JSON line per finished job and flushes it to disk immediately."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def __call__(self, index: int, result: FetchResult) -> None:
        self.stream.write(dumps({"index": index, "result": result_to_dict(result)}) + "\n")
        self.stream.flush()


def run(jobs_path: Path, results_path: Path) -> int:
    config, jobs = run_from_dict(json.loads(jobs_path.read_text(encoding="utf-8")))
    with results_path.open("a", encoding="utf-8") as stream:
        process = CrawlerProcess(scrapy_settings(config))
        process.crawl(SourcesSpider, jobs=jobs, config=config, emit=ResultWriter(stream))
        process.start()
    return 0


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m fursa.crawlers.child JOBS.json RESULTS.jsonl", file=sys.stderr)
        return 2
    logging.captureWarnings(True)
    return run(Path(argv[0]), Path(argv[1]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
