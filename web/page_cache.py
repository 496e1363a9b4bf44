"""Rendered public pages kept in memory until a call changes.

A public page depends on the calls (which change only when a crawl, a tagging run or a person writes
one: storage.list_generation moves, in every worker, since it is read from the database), on the
page's language and address, and on the clock (deadlines pass, "closes in 3 days" ages): so a page
is kept for its generation, language and address, and at most `seconds`. Pages of visitors with a
session that says more than their language (staff signed in, a notice to show) are never kept.
"""
from __future__ import annotations

from dataclasses import dataclass
from threading import Lock
from typing import Hashable

from starlette.requests import Request
from starlette.responses import Response

# What a kept page needs to be sent again; the middleware adds the security headers each time.
_KEPT_HEADERS = ("content-type", "content-language")


@dataclass(frozen=True)
class KeptPage:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]


class PageCache:
    """Pages by key, at most `size` of them, each for at most `seconds` of the request clock."""

    def __init__(self, size: int = 512, seconds: float = 60.0):
        self.size, self.seconds = size, seconds
        self._pages: dict[Hashable, tuple[float, KeptPage]] = {}
        self._lock = Lock()

    def get(self, key: Hashable, now: float) -> Response | None:
        with self._lock:
            found = self._pages.get(key)
        if found is None or now - found[0] > self.seconds:
            return None
        page = found[1]
        return Response(page.body, status_code=page.status, headers=dict(page.headers))

    def put(self, key: Hashable, now: float, response: Response) -> None:
        headers = tuple((name, response.headers[name]) for name in _KEPT_HEADERS if name in response.headers)
        with self._lock:
            if len(self._pages) >= self.size:
                self._pages.clear()   # a new generation makes every kept page useless at once anyway
            self._pages[key] = (now, KeptPage(response.status_code, bytes(response.body), headers))


def cacheable(request: Request) -> bool:
    """A plain visitor's GET: no session beyond the chosen language, no signed-in staff, no notice."""
    return request.method == "GET" and set(request.session) <= {"lang"}


def page_cache(request: Request) -> PageCache:
    """The app's page cache, made on first use."""
    cache = getattr(request.app.state, "public_pages", None)
    if cache is None:
        cache = request.app.state.public_pages = PageCache()
    return cache
