"""Failures by type against real servers on loopback: each failure the preview (httpx) meets gives
a FetchError of the right kind and words, and the crawl (Scrapy, in its child process) words the
same failures the same way; a raw socket server commits the misbehaviours (hanging up mid-body,
resetting, an endless chunked body) that an HTTP server library will not."""
from __future__ import annotations

import gzip
import socket
import ssl
import struct
import threading
from pathlib import Path
from typing import Callable, Iterator

import pytest

from fursa.storage import Validators

from fursa.crawlers import FetchError, crawl_sources, discover_feeds, guard
from fursa.crawlers.failures import FailureKind
from tests.crawlers.conftest import loopback_config, spec
from tests.crawlers.server import LocalServer, Reply
from tests.crawlers.test_crawl_engine import self_signed  # noqa: F401 (a fixture: a server certificate nobody signed)

CAP = 100_000
RSS = {"Content-Type": "application/rss+xml"}


def _request_of(conn: socket.socket) -> None:
    conn.recv(65536)


def hang_up_mid_body(conn: socket.socket) -> None:
    _request_of(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n<rss>")


def reset(conn: socket.socket) -> None:
    _request_of(conn)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))   # close() sends RST


def endless_chunks(conn: socket.socket) -> None:
    """A chunked body with no length announced, so only counting the bytes can stop it."""
    _request_of(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"x" * 16384
    for _ in range(4 * CAP // len(chunk)):
        conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    conn.sendall(b"0\r\n\r\n")


class RawServer:
    """A socket server on 127.0.0.1 (port 0) that answers every connection with `answer(conn)`."""

    def __init__(self, answer: Callable[[socket.socket], None]) -> None:
        self.answer = answer
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}{path}"

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                self.answer(conn)
            except OSError:
                pass   # the client hung up first (a size cap, a timeout): part of the test

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return   # closed
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def __enter__(self) -> RawServer:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def preview_failure(url: str, **config: object) -> FetchError:
    with pytest.raises(FetchError) as caught:
        discover_feeds(url, loopback_config(**{"timeout_s": 1.0, "max_bytes": CAP, "obey_robots": False, **config}))
    return caught.value


@pytest.fixture(scope="module")
def site() -> Iterator[LocalServer]:
    with LocalServer() as server:
        server.add("/stall", Reply(stall=True))
        server.add("/huge.rss", Reply(200, b"<rss>" + b" " * (2 * CAP) + b"</rss>", RSS))
        server.add("/bomb.rss", Reply(200, gzip.compress(b"\0" * (20 * CAP)), {**RSS, "Content-Encoding": "gzip"}))
        server.add("/broken.rss", Reply(200, b"this is not gzip", {**RSS, "Content-Encoding": "gzip"}))
        server.add("/loop/a", Reply(302, b"", {"Location": "/loop/b"}))
        server.add("/loop/b", Reply(302, b"", {"Location": "/loop/a"}))
        server.add("/to-metadata", Reply(302, b"", {"Location": "http://169.254.169.254/latest/meta-data/"}))
        server.add("/nowhere", Reply(302, b""))
        server.add("/gone", Reply(404, b"not here"))
        yield server


@pytest.mark.parametrize("path, kind, words", [
    ("/stall", FailureKind.TIMEOUT, "/stall did not answer within 1 s; the site may be slow or down"),
    ("/huge.rss", FailureKind.TOO_LARGE, "/huge.rss sent more than 100,000 bytes (counted after decompression)"),
    ("/bomb.rss", FailureKind.TOO_LARGE, "/bomb.rss sent more than 100,000 bytes (counted after decompression)"),
    ("/broken.rss", FailureKind.UNREADABLE, "/broken.rss sent a body whose compression is broken ("),
    ("/loop/a", FailureKind.REDIRECT_LOOP, "/loop/a redirected more than 5 times (a redirect loop?)"),
    ("/to-metadata", FailureKind.GUARD_REFUSED, ("refused 'http://169.254.169.254/latest/meta-data/': host "
                                                "'169.254.169.254' resolves to 169.254.169.254, a cloud metadata address")),
    ("/nowhere", FailureKind.BAD_REDIRECT, "/nowhere redirected (302 Found) to 'nowhere', which is not an http(s) address"),
    ("/gone", FailureKind.HTTP_STATUS, "/gone answered 404 Not Found: the address is gone or mistyped"),
])
def test_the_preview_gives_each_failure_its_kind_and_words(site: LocalServer, path: str, kind: FailureKind,
                                                          words: str) -> None:
    failure = preview_failure(site.url(path))
    assert failure.kind is kind
    assert words in str(failure)


def test_the_preview_on_a_closed_port_a_refusing_guard_and_robots_txt(site: LocalServer) -> None:
    port = closed_port()
    refused = preview_failure(f"http://127.0.0.1:{port}/feed")
    assert refused.kind is FailureKind.REFUSED
    assert str(refused) == f"127.0.0.1:{port} refused the connection; the server is down or the address/port is wrong"
    loopback = preview_failure(site.url("/gone"), allow_private_addresses=False)
    assert loopback.kind is FailureKind.GUARD_REFUSED and "a loopback address" in str(loopback)
    with LocalServer() as private:
        private.add("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /\n", {"Content-Type": "text/plain"}))
        disallowed = preview_failure(private.url("/feed.xml"), obey_robots=True)
        assert private.seen("/feed.xml") == []
    assert disallowed.kind is FailureKind.ROBOTS
    assert str(disallowed).startswith(f"robots.txt of {private.base.split('://')[1]} disallows {private.url('/feed.xml')}")


@pytest.mark.parametrize("answer, kind, words", [
    (hang_up_mid_body, FailureKind.DROPPED_CONNECTION, "was dropped before a complete answer arrived"),
    (reset, FailureKind.DROPPED_CONNECTION, "was dropped before a complete answer arrived"),
    (endless_chunks, FailureKind.TOO_LARGE, "sent more than 100,000 bytes"),
], ids=["hang up mid-body", "reset", "endless chunks"])
def test_the_preview_on_a_misbehaving_socket(answer: Callable[[socket.socket], None], kind: FailureKind,
                                             words: str) -> None:
    with RawServer(answer) as raw:
        failure = preview_failure(raw.url("/feed.rss"))
    assert failure.kind is kind and words in str(failure)


def test_the_preview_on_an_unverifiable_certificate(self_signed: ssl.SSLContext) -> None:  # noqa: F811
    with LocalServer(tls=self_signed) as server:
        failure = preview_failure(server.add("/feed.rss", Reply(200, b"<rss/>", RSS)))
        assert server.requests == []
    assert failure.kind is FailureKind.TLS
    assert str(failure).startswith(f"the TLS certificate of {server.base.split('://')[1]} could not be verified")


def test_the_preview_on_a_host_that_does_not_resolve(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_answer(*_args: object, **_kwargs: object) -> list[object]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    monkeypatch.setattr(guard.socket, "getaddrinfo", no_answer)   # the guard resolves first; no network needed
    failure = preview_failure("https://no-such-host.example/feed")
    assert failure.kind is FailureKind.DNS
    assert str(failure) == ("cannot resolve host no-such-host.example ([Errno -2] Name or service not known); "
                            "check the address for typos, or the network")


def test_the_crawl_words_the_same_failures_the_same_way(site: LocalServer, data_dir: Path) -> None:
    with RawServer(hang_up_mid_body) as dropping, RawServer(reset) as resetting, RawServer(endless_chunks) as endless:
        good = site.add("/good.rss", Reply(200, (data_dir / "scholarships_en.rss").read_bytes(), RSS))
        jobs = [(spec(name, url), Validators()) for name, url in [
            ("port out of range", "http://127.0.0.1:99999/feed.rss"),   # first: it must not stop the run's start
            ("hangs up", dropping.url("/feed.rss")),
            ("resets", resetting.url("/feed.rss")),
            ("endless", endless.url("/feed.rss")),
            ("broken gzip", site.url("/broken.rss")),
            ("nowhere", site.url("/nowhere")),
            ("good", good),
        ]]
        results = {result.source_name: result for result in
                   crawl_sources(jobs, loopback_config(max_bytes=CAP, retry_times=0, obey_robots=False))}
        hosts = {"hangs up": dropping.url("").split("/")[2], "resets": resetting.url("").split("/")[2]}
    assert results["port out of range"].error == (
        "'http://127.0.0.1:99999/feed.rss' is not an address Fursa can request (Port out of range 0-65535); "
        "check the URL in the catalogue")
    for name, host in hosts.items():
        assert results[name].error == (f"the connection to {host} was dropped before a complete answer arrived; "
                                       "the site may be down or overloaded — it will be tried again at the next run")
    assert "/feed.rss sent more than 100,000 bytes (counted after decompression)" in results["endless"].error
    assert results["broken gzip"].error.startswith(f"{site.url('/broken.rss')} sent a body whose compression is broken (")
    assert "redirected (302 Found) to 'nowhere', which is not an http(s) address Fursa may follow" in results["nowhere"].error
    assert results["good"].ok and len(results["good"].drafts) == 2
