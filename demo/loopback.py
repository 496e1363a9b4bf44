"""A real HTTP server on 127.0.0.1 (port 0): the demo's sample sources, the crawler tests and the benchmarks.

One small module that every local server is built on, so the demo, the tests and bench/ serve
pages the same way (and bench/ need not import from tests/). Routes map a path (with its query string) to a Reply or to a function of the Request that returns
one; every request is recorded with its headers, so tests can assert what the crawler sent.
"""
from __future__ import annotations

import gzip
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Union


@dataclass(frozen=True)
class Request:
    """One request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Reply:
    """What to answer: status, headers, body; `stall` holds the socket open without answering."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stall: bool = False


Handler = Union[Reply, Callable[[Request], Reply]]


class LocalServer:
    """A threaded HTTP/1.1 server with a route table, run in a background thread."""

    def __init__(self, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Request] = []
        self.bytes_sent = 0          # status line + headers + bodies, as written to the socket
        self.release = threading.Event()
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:   # keep test output clean
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                                  self.rfile.read(length) if length else b"")
                with server._lock:
                    server.requests.append(request)
                reply = server.reply_for(request)
                if reply.stall:
                    server.release.wait(60)
                    self.close_connection = True
                    return
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if "content-length" not in {name.lower() for name in reply.headers}:
                    self.send_header("Content-Length", str(len(reply.body)))
                sent = sum(len(line) for line in self._headers_buffer)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(reply.body)
                    sent += len(reply.body)
                with server._lock:
                    server.bytes_sent += sent

            do_GET = do_POST = do_HEAD = _serve

        class _Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass   # clients that hang up early (size caps, timeouts) are part of the tests

        self.httpd = _Server((host, 0), _Handler)
        self.scheme = "https" if tls else "http"
        if tls:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"{self.scheme}://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def reply_for(self, request: Request) -> Reply:
        handler = self.routes.get(request.path) or self.routes.get(request.path.split("?", 1)[0])
        if handler is None:
            return Reply(404, b"not found", {"Content-Type": "text/plain"})
        return handler(request) if callable(handler) else handler

    def seen(self, path: str) -> list[Request]:
        with self._lock:
            return [request for request in self.requests if request.path == path]


def conditional(body: bytes, content_type: str, etag: str, last_modified: str) -> Callable[[Request], Reply]:
    """A handler that answers 304 when the request carries the matching validators."""
    def handle(request: Request) -> Reply:
        if request.headers.get("if-none-match") == etag or request.headers.get("if-modified-since") == last_modified:
            return Reply(304, b"", {"ETag": etag, "Last-Modified": last_modified})
        return Reply(200, body, {"Content-Type": content_type, "ETag": etag, "Last-Modified": last_modified})
    return handle


def gzipped(body: bytes, content_type: str) -> Reply:
    return Reply(200, gzip.compress(body), {"Content-Type": content_type, "Content-Encoding": "gzip"})
