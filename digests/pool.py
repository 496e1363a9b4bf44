"""Parallel sending: a few worker threads, each with its own reused connection, under one shared rate."""
from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Protocol

from fursa.digests.errors import ClaimExpiringError
from fursa.digests.records import Envelope


class Transport(Protocol):
    """What the pool needs of a transport (SmtpTransport, OutboxTransport)."""

    name: str

    def send(self, envelope: Envelope, *, deadline: float | None = None) -> object: ...

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

    def submit(self, envelope: Envelope, *, deadline: float | None = None,
               then: Callable[[], object] | None = None) -> Future:
        """Send on a worker; the future's result is `then()`, called in the worker the moment the transport
        accepted the message (nothing else happens in between), or the transport's result without `then`.

        `deadline` (time.monotonic()): the latest moment the message may still be handed to the server;
        past it, it is not sent (ClaimExpiringError), as its claim may be taken over by another run.
        """
        return self._executor.submit(self._send, envelope, deadline, then)

    def _send(self, envelope: Envelope, deadline: float | None, then: Callable[[], object] | None) -> object:
        if self._limiter is not None:
            self._limiter.wait()
        if deadline is not None and time.monotonic() > deadline:
            raise ClaimExpiringError(f"{envelope.recipient}: not sent: it waited for a connection until its claim "
                                     "was about to end; a later run sends it")
        result = self._transport().send(envelope, deadline=deadline)
        return then() if then is not None else result

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
