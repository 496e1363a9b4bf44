"""A small in-process rate limit: so many events per key within a window, by the app's clock.

Used for failed sign-ins (per address) and for subscription e-mails (per address), so the desk
cannot be brute-forced and the subscribe form cannot be used to flood someone's inbox. It lives
in memory: each server process keeps its own counts, which is enough for one campus server.
"""
from __future__ import annotations

import threading
from collections import defaultdict, deque
from datetime import datetime, timedelta


class Throttle:
    """At most `limit` events per key within `window`."""

    def __init__(self, limit: int, window: timedelta):
        self.limit = limit
        self.window = window
        self._events: dict[str, deque[datetime]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: datetime) -> deque[datetime]:
        events = self._events[key]
        while events and events[0] <= now - self.window:
            events.popleft()
        return events

    def blocked(self, key: str, now: datetime) -> bool:
        with self._lock:
            return len(self._recent(key, now)) >= self.limit

    def record(self, key: str, now: datetime) -> None:
        with self._lock:
            self._recent(key, now).append(now)

    def allow(self, key: str, now: datetime) -> bool:
        """Record the event and say whether it was within the limit."""
        with self._lock:
            events = self._recent(key, now)
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True

    def clear(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)
