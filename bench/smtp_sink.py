"""An SMTP sink for benchmarks: a real aiosmtpd server in its own process that only counts.

Running it in a child process keeps its memory and its share of the interpreter lock out of the
figures of the process being measured.
"""
from __future__ import annotations

import multiprocessing


def _serve(port_queue, stop_event, count_queue) -> None:
    from aiosmtpd.controller import Controller

    class Count:
        messages = 0
        bytes = 0

        async def handle_DATA(self, server, session, envelope):
            Count.messages += 1
            Count.bytes += len(envelope.original_content or envelope.content or b"")
            return "250 OK"

    class PortZero(Controller):
        def _trigger_server(self):
            self.port = self.server.sockets[0].getsockname()[1]
            super()._trigger_server()

    controller = PortZero(Count(), hostname="127.0.0.1", port=0)
    controller.start()
    port_queue.put(controller.port)
    stop_event.wait()
    controller.stop()
    count_queue.put((Count.messages, Count.bytes))


class CountingSink:
    """`with CountingSink() as sink:` → `sink.url`; after the block, `sink.messages` and `sink.bytes`."""

    def __init__(self) -> None:
        self._ports, self._counts = multiprocessing.Queue(), multiprocessing.Queue()
        self._stop = multiprocessing.Event()
        self._process = multiprocessing.Process(target=_serve, args=(self._ports, self._stop, self._counts), daemon=True)
        self.port = 0
        self.messages = self.bytes = 0

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self) -> "CountingSink":
        self._process.start()
        self.port = self._ports.get(timeout=30)
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.messages, self.bytes = self._counts.get(timeout=30)
        self._process.join(timeout=30)
