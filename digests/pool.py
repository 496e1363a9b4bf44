"""Parallel sending: a few worker threads, each with its own reused connection, under one shared rate."""
from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Protocol

from fursa.digests.records import Envelope


class Transport(Protocol):
    """What the pool needs of a transport (SmtpTransport, OutboxTransport)."""

    name: str

    def send(self, envelope: Envelope) -> object: ...

    def close(self) -> None: ...


class RateLimiter:
    """Spaces sends `1/rate` seconds apart across all threads; `clock` and `sleep` are injectable for tests."""

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next: float | None = None
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            start = now if self._next is None else max(now, self._next)
            self._next = start + self.interval
        if start > now:
            self._sleep(start - now)


class SendPool:
    """Hands envelopes to `connections` worker threads; each worker makes its transport once and reuses it."""

    def __init__(self, make_transport: Callable[[], Transport], *, connections: int = 1, rate: float | None = None):
        self._make_transport = make_transport
        self._executor = ThreadPoolExecutor(max_workers=connections, thread_name_prefix="fursa-send")
        self._local = threading.local()
        self._transports: list[Transport] = []
        self._lock = threading.Lock()
        self._limiter = RateLimiter(rate) if rate else None
        self.connections = connections

    def submit(self, envelope: Envelope) -> Future:
        return self._executor.submit(self._send, envelope)

    def _send(self, envelope: Envelope) -> object:
        if self._limiter is not None:
            self._limiter.wait()
        return self._transport().send(envelope)

    def _transport(self) -> Transport:
        transport = getattr(self._local, "transport", None)
        if transport is None:
            transport = self._local.transport = self._make_transport()
            with self._lock:
                self._transports.append(transport)
        return transport

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        with self._lock:
            transports, self._transports = self._transports, []
        for transport in transports:
            transport.close()

    def __enter__(self) -> SendPool:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
