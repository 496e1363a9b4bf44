"""A local HTTP server for the offline demo: serves the sample sources with dates relative to today.

The samples are written by this project. Dates are placeholders so the demo's calls never expire:
{{rfc822:-2}} (RSS pubDate), {{mdy:+45}} (Grants.gov MM/DD/YYYY), {{long:+45}} (English prose),
{{ar:+30}} (Arabic prose with Levantine month names), {{base}} (this server's URL).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

from fursa.demo.loopback import LocalServer, Reply, Request

DATA = Path(__file__).parent / "data"
ROUTES = {
    "/feeds/scholarships.rss": ("scholarships.rss", "application/rss+xml; charset=utf-8"),
    "/feeds/mohe-ar.rss": ("mohe-ar.rss", "application/rss+xml; charset=utf-8"),
    "/api/search2": ("grants.json", "application/json"),
}
LEVANTINE_MONTHS = ("كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
                    "تشرين الأول", "تشرين الثاني", "كانون الأول")
_PLACEHOLDER = re.compile(r"\{\{(base|(rfc822|mdy|long|ar):([+-]\d+))\}\}")


def fill_dates(template: str, today: date, base: str) -> str:
    def replace(match: re.Match) -> str:
        if match.group(1) == "base":
            return base
        style, offset = match.group(2), int(match.group(3))
        day = today + timedelta(days=offset)
        if style == "rfc822":
            return format_datetime(datetime(day.year, day.month, day.day, 9, tzinfo=timezone.utc))
        if style == "mdy":
            return day.strftime("%m/%d/%Y")
        if style == "long":
            return day.strftime("%-d %B %Y")
        return f"{day.day} {LEVANTINE_MONTHS[day.month - 1]} {day.year}"

    return _PLACEHOLDER.sub(replace, template)


class DemoServer:
    """The sample sources on 127.0.0.1, in a thread, until `stop`: a LocalServer with the demo's routes."""

    def __init__(self, today: date) -> None:
        self.today = today
        self._server = LocalServer()
        self._server.add("/robots.txt", Reply(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"}))
        for path, (name, content_type) in ROUTES.items():
            self._server.add(path, self._sample(name, content_type))

    @property
    def base_url(self) -> str:
        return self._server.base

    @property
    def requests(self) -> list[str]:
        """What the crawler asked for, as "METHOD /path" lines."""
        return [f"{request.method} {request.path.split('?')[0]}" for request in self._server.requests]

    def start(self) -> "DemoServer":
        self._server.__enter__()
        return self

    def stop(self) -> None:
        self._server.__exit__(None, None, None)

    def _sample(self, name: str, content_type: str) -> Callable[[Request], Reply]:
        # Read and fill on every request, so dates are relative to the demo's `today`, not import time.
        def reply(request: Request) -> Reply:
            body = fill_dates((DATA / name).read_text(encoding="utf-8"), self.today, self.base_url)
            return Reply(200, body.encode("utf-8"), {"Content-Type": content_type})
        return reply
