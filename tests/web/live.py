"""Real servers on loopback for the browser tests: the app under uvicorn, and an aiosmtpd mail sink."""
from __future__ import annotations

import email
import email.policy
import queue
import socket
import threading
from contextlib import contextmanager
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator

import uvicorn
from aiosmtpd.controller import Controller


@contextmanager
def serve_app(make_app: Callable[[str], Any]) -> Iterator[str]:
    """Run the app that `make_app(base_url)` builds under uvicorn in a thread on 127.0.0.1, on a port the
    OS picked; yields the base URL.

    The socket listens before the thread starts, so the first request waits in the backlog
    instead of the test polling for the server to come up.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(make_app(base_url), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailSink:
    """aiosmtpd handler: every message received goes on a queue the test reads with a timeout."""

    def __init__(self) -> None:
        self.messages: queue.Queue[EmailMessage] = queue.Queue()

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.put(message)
        return "250 OK"

    def next_message(self, timeout: float = 15.0) -> EmailMessage:
        return self.messages.get(timeout=timeout)


@contextmanager
def smtp_server() -> Iterator[tuple[MailSink, int]]:
    sink = MailSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


class _SiteHandler(BaseHTTPRequestHandler):
    pages: dict[str, tuple[str, bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        found = self.pages.get(self.path.split("?")[0])
        if found is None:
            self.send_error(404)
            return
        content_type, body = found
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@contextmanager
def static_site(pages: dict[str, tuple[str, bytes]]) -> Iterator[str]:
    """A plain HTTP server on 127.0.0.1 serving `pages` (path -> (content type, body)); yields its base URL."""
    handler = type("Handler", (_SiteHandler,), {"pages": pages})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
