"""AutoThrottle that counts a 304 Not Modified as the success it is.

Scrapy's AutoThrottle never lowers a host's delay on a non-200 answer (small error pages would
otherwise speed the crawler up against a failing site). A 304 is the answer Fursa hopes for on
most runs, so with the stock policy an incremental crawl of unchanged feeds stays at the start
delay forever; here 304 adjusts the delay exactly as 200 does.
"""
from __future__ import annotations

from typing import Any

from scrapy.extensions.throttle import AutoThrottle


class NotModifiedAwareAutoThrottle(AutoThrottle):
    """Scrapy's AutoThrottle delay policy, with 304 treated like 200."""

    def _adjust_delay(self, slot: Any, latency: float, response: Any) -> None:
        target_delay = latency / self.target_concurrency
        new_delay = max(target_delay, (slot.delay + target_delay) / 2.0)
        new_delay = min(max(self.mindelay, new_delay), self.maxdelay)
        if response.status not in (200, 304) and new_delay <= slot.delay:
            return   # error pages are small and fast: never let them speed the crawl up
        slot.delay = new_delay
