"""A local HTTP server for the offline demo: serves the sample sources with dates relative to today.

The samples are written by this project. Dates are placeholders so the demo's calls never expire:
{{rfc822:-2}} (RSS pubDate), {{mdy:+45}} (Grants.gov MM/DD/YYYY), {{long:+45}} (English prose),
{{ar:+30}} (Arabic prose with Levantine month names), {{base}} (this server's URL).
"""
from __future__ import annotations

import re
import threading
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

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
    """The sample sources on 127.0.0.1, in a thread, until `stop`."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.requests: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "DemoServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        demo = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._answer()

            def _answer(self) -> None:
                path = self.path.split("?")[0]
                demo.requests.append(f"{self.command} {path}")
                if path == "/robots.txt":
                    self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
                    return
                if path not in ROUTES:
                    self._send(404, b"not found", "text/plain")
                    return
                name, content_type = ROUTES[path]
                body = fill_dates((DATA / name).read_text(encoding="utf-8"), demo.today, demo.base_url)
                self._send(200, body.encode("utf-8"), content_type)

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        return Handler
