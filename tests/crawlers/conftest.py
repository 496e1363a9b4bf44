"""Fixtures for crawler tests: a real HTTP server on loopback and crawl settings that allow it."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from fursa.storage import SourceSpec

from fursa.crawlers import CrawlConfig
from tests.crawlers.server import LocalServer

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


def loopback_config(**changes: Any) -> CrawlConfig:
    """Crawl settings for tests: loopback allowed (test-only), short timeouts, no throttling delay."""
    settings: dict[str, Any] = {"allow_private_addresses": True, "autothrottle": False, "timeout_s": 3.0,
                                "retry_times": 1, "max_retry_after_s": 5.0}
    settings.update(changes)
    return CrawlConfig(**settings)


def spec(name: str, url: str, type: str = "feed", **fields: Any) -> SourceSpec:
    return SourceSpec(name=name, type=type, url=url, **fields)
