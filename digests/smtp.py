"""The SMTP transport: one reusable connection (plain, STARTTLS or TLS, with login) per worker.

smtplib's exceptions are translated here into digests.errors, split by what the run should do:
a dropped connection before DATA is retried at once on a new connection (nothing was delivered);
one during DATA is not (the message may have arrived), so the ledger retries it on a later run.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from fursa.digests.errors import (
    BouncedAddressError, ClaimExpiringError, ConfigurationError, PermanentDeliveryError, ServerUnavailableError,
    TemporaryDeliveryError,
)
from fursa.digests.records import Envelope

log = logging.getLogger(__name__)
_SCHEMES = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to reach the SMTP server, as parsed from the SMTP URL."""

    host: str
    port: int
    security: str  # plain | starttls | tls
    username: str | None = None
    password: str | None = None

    def __str__(self) -> str:
        return f"{self.host}:{self.port} ({self.security})"


def parse_smtp_url(url: str) -> SmtpServer:
    """smtp://user:pass@host:port, smtp+starttls://…, smtps://… → SmtpServer; ConfigurationError otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in _SCHEMES:
        raise ConfigurationError(
            f"SMTP URL scheme {parts.scheme!r} is not one of smtp://, smtp+starttls://, smtps:// (in {_hide(url)})")
    security, default_port = _SCHEMES[parts.scheme]
    try:
        port = parts.port or default_port
    except ValueError:
        raise ConfigurationError(f"the port in SMTP URL {_hide(url)} is not a number") from None
    if not parts.hostname:
        raise ConfigurationError(f"SMTP URL {_hide(url)} names no host, e.g. smtp+starttls://user:pass@mail.ppu.edu:587")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return SmtpServer(parts.hostname, port, security, username, password)


def _hide(url: str) -> str:
    parts = urlsplit(url)
    return url.replace(f":{parts.password}@", ":***@") if parts.password else url


class _Reconnect(Exception):
    """The server closed the session before DATA (421, dropped socket): safe to retry on a new connection."""


class SmtpTransport:
    """Sends envelopes over one connection, reconnecting when the server drops it. Not thread-safe: one per worker."""

    name = "smtp"

    def __init__(self, server: SmtpServer, *, timeout: float = 30.0, cafile: Path | None = None):
        self.server = server
        self.timeout = timeout
        self.cafile = cafile
        self._connection: smtplib.SMTP | None = None
        self.connects = 0

    def send(self, envelope: Envelope, *, deadline: float | None = None) -> None:
        """Deliver one message; returns once the server accepted it (250 to DATA), raises DeliveryError.

        `deadline` (time.monotonic()): DATA is not begun after it (ClaimExpiringError, nothing sent),
        so a slow server cannot make this send overlap another run's retry of the same message.
        """
        for attempt in (1, 2):
            connection = self._connect_if_needed()
            try:
                self._open_transaction(connection, envelope)
            except _Reconnect as exc:
                self._drop()
                if attempt == 2:
                    raise ServerUnavailableError(f"SMTP server {self.server} keeps closing the connection: {exc}")
                log.info("SMTP server %s closed the connection (%s); reconnecting", self.server, exc)
                continue
            if deadline is not None and time.monotonic() > deadline:
                self._reset(connection)
                raise ClaimExpiringError(f"{envelope.recipient}: not sent: the server took so long to accept the "
                                         "sender and recipient that the message's claim was about to end; a later "
                                         "run sends it")
            self._send_data(connection, envelope)
            return

    def _open_transaction(self, connection: smtplib.SMTP, envelope: Envelope) -> None:
        try:
            code, reply = connection.mail(envelope.sender)
            if code == 250:
                code, reply = connection.rcpt(envelope.recipient)
                if code in (250, 251):
                    return
                stage = "recipient"
            else:
                stage = "sender"
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            raise _Reconnect(str(exc) or type(exc).__name__) from None
        if code == 421:
            raise _Reconnect(f"421 {_text(reply)}")
        self._reset(connection)
        answer = f"{code} {_text(reply)}"
        if 400 <= code < 500:
            raise TemporaryDeliveryError(f"{envelope.recipient}: server deferred the {stage} ({answer}); will retry")
        if stage == "recipient":
            raise BouncedAddressError(f"{envelope.recipient}: server refused the address ({answer})")
        raise PermanentDeliveryError(
            f"server refused the sender {envelope.sender} ({answer}); check from_address is allowed to send")

    def _send_data(self, connection: smtplib.SMTP, envelope: Envelope) -> None:
        try:
            code, reply = connection.data(envelope.data)
        except smtplib.SMTPDataError as exc:
            code, reply = exc.smtp_code, exc.smtp_error
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            raise TemporaryDeliveryError(
                f"{envelope.recipient}: connection lost during DATA ({exc or type(exc).__name__}); "
                "the message may have arrived; a later run retries it with the same Message-ID") from None
        if code == 250:
            return
        if code == 421:
            self._drop()
        else:
            self._reset(connection)
        answer = f"{code} {_text(reply)}"
        if 400 <= code < 500:
            raise TemporaryDeliveryError(f"{envelope.recipient}: server deferred the message ({answer}); will retry")
        raise PermanentDeliveryError(f"{envelope.recipient}: server rejected the message ({answer})")

    def _connect_if_needed(self) -> smtplib.SMTP:
        if self._connection is None:
            self._connection = self._connect()
            self.connects += 1
        return self._connection

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        context = ssl.create_default_context(cafile=str(self.cafile) if self.cafile else None)
        connection: smtplib.SMTP | None = None
        try:
            if server.security == "tls":
                connection = smtplib.SMTP_SSL(server.host, server.port, timeout=self.timeout, context=context)
            else:
                connection = smtplib.SMTP(server.host, server.port, timeout=self.timeout)
            connection.ehlo()
            if server.security == "starttls":
                connection.starttls(context=context)
                connection.ehlo()
            if server.username:
                connection.login(server.username, server.password or "")
            return connection
        except smtplib.SMTPAuthenticationError as exc:
            _quietly_close(connection)
            raise ServerUnavailableError(
                f"SMTP server {server} refused the login of {server.username!r} ({exc.smtp_code} {_text(exc.smtp_error)}); "
                "check the user and password in the SMTP URL") from None
        except smtplib.SMTPNotSupportedError as exc:
            _quietly_close(connection)
            raise ServerUnavailableError(
                f"SMTP server {server} does not support what the URL asks ({exc}); "
                "use smtp:// for no TLS, smtps:// for TLS from the start") from None
        except (smtplib.SMTPException, OSError) as exc:
            _quietly_close(connection)
            raise ServerUnavailableError(
                f"could not open an SMTP session with {server}: {exc or type(exc).__name__}; "
                "check the SMTP URL and that the server is up") from None

    def _reset(self, connection: smtplib.SMTP) -> None:
        try:
            connection.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        _quietly_close(self._connection, polite=False)
        self._connection = None

    def close(self) -> None:
        _quietly_close(self._connection)
        self._connection = None


def _quietly_close(connection: smtplib.SMTP | None, polite: bool = True) -> None:
    if connection is None:
        return
    try:
        if polite:
            connection.quit()
        else:
            connection.close()
    except (smtplib.SMTPException, OSError):
        connection.close()


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
