"""A real SMTP server (aiosmtpd) on 127.0.0.1, port 0, that records what it receives and can misbehave on cue.

Used by the digest tests and by bench/digests.py. Waiting is done on a Condition, never by sleeping.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Callable

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


@dataclass(frozen=True)
class Received:
    """One message the sink accepted."""

    mail_from: str
    recipients: tuple[str, ...]
    data: bytes
    connection: int

    def parsed(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=default)


@dataclass
class Behaviour:
    """How the sink misbehaves. `rcpt` maps an address to a reply such as "550 5.1.1 no such user"."""

    rcpt: dict[str, str] = field(default_factory=dict)
    reply_to_data: str | None = None  # e.g. "451 4.3.0 try later" for every message
    drop_after: int | None = None  # per connection: after N messages, answer 421 to the next MAIL and close
    on_message: Callable[[Received], None] | None = None  # called before the 250 to DATA


class _Handler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        limit = self.sink.behaviour.drop_after
        if limit is not None and getattr(session, "fursa_count", 0) >= limit:
            server.loop.call_soon(server.transport.close)
            return "421 4.3.2 closing connection, too many messages"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.sink.behaviour.rcpt.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.sink.behaviour.reply_to_data:
            return self.sink.behaviour.reply_to_data
        if not hasattr(session, "fursa_connection"):
            session.fursa_connection = self.sink.next_connection_number()
        session.fursa_count = getattr(session, "fursa_count", 0) + 1
        received = Received(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.original_content or envelope.content),
                            session.fursa_connection)
        if self.sink.behaviour.on_message:
            self.sink.behaviour.on_message(received)
        self.sink.add(received)
        return "250 Message accepted"


class _PortZeroController(Controller):
    """aiosmtpd's Controller, told the real port after binding to port 0 (it would probe port 0 otherwise)."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SmtpSink:
    """Start with .start(), read .messages, wait with .wait_for(n), stop with .stop()."""

    def __init__(self, *, behaviour: Behaviour | None = None, tls_context=None, ssl_context=None,
                 credentials: tuple[str, str] | None = None):
        self.behaviour = behaviour or Behaviour()
        self.messages: list[Received] = []
        self._condition = threading.Condition()
        self._connections = 0
        options = {}
        if credentials:
            options.update(authenticator=self._authenticator(credentials), auth_require_tls=True)
        if tls_context:
            options.update(tls_context=tls_context, require_starttls=True)
        self.controller = _PortZeroController(_Handler(self), hostname="127.0.0.1", port=0,
                                              ssl_context=ssl_context, **options)

    @staticmethod
    def _authenticator(credentials):
        def check(server, session, envelope, mechanism, auth_data):
            ok = (auth_data.login.decode(), auth_data.password.decode()) == credentials
            return AuthResult(success=ok, handled=False)
        return check

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def next_connection_number(self) -> int:
        with self._condition:
            self._connections += 1
            return self._connections

    def add(self, received: Received) -> None:
        with self._condition:
            self.messages.append(received)
            self._condition.notify_all()

    def wait_for(self, count: int, timeout: float = 30.0) -> bool:
        with self._condition:
            return self._condition.wait_for(lambda: len(self.messages) >= count, timeout)

    def by_recipient(self) -> dict[str, list[Received]]:
        found: dict[str, list[Received]] = {}
        for message in list(self.messages):
            for recipient in message.recipients:
                found.setdefault(recipient, []).append(message)
        return found
