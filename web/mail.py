"""The web's own e-mails (subscription confirmation, "you are already subscribed"), sent with the
digest settings: over SMTP when an SMTP URL is set, else as .eml files in the outbox folder.

They go out over the digests' own transports, one connection (or one file) per letter, and are
DKIM-signed like the digests when the settings give a key: a confirmation that fails DMARC never
reaches the person who asked.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any

from fursa import digests
from jinja2 import Environment

from fursa.web.render import render_text

log = logging.getLogger("fursa.web.mail")


class MailError(Exception):
    """Raised by send_message when the SMTP server or the outbox folder refused the message."""


@dataclass(frozen=True)
class Letter:
    """One message to one person: which templates (email/<name>.txt/.html) and with what values."""

    to: str
    name: str
    language: str
    template: str
    values: dict[str, Any]


def build_message(env: Environment, letter: Letter, config: Any, now: datetime) -> EmailMessage:
    """A multipart (text + HTML) message in the letter's language, from the configured sender."""
    context = {**letter.values, "name": letter.name}
    subject = render_text(env, f"email/{letter.template}.subject.txt", letter.language, context).strip()
    message = EmailMessage()
    message["Subject"] = " ".join(subject.split())
    message["From"] = config.from_address
    message["To"] = Address(display_name=letter.name, addr_spec=letter.to) if letter.name else letter.to
    message["Date"] = format_datetime(now.astimezone(timezone.utc))
    domain = parseaddr(config.from_address)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid("fursa", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(render_text(env, f"email/{letter.template}.txt", letter.language, context))
    message.add_alternative(render_text(env, f"email/{letter.template}.html", letter.language, context),
                            subtype="html")
    message["Content-Language"] = letter.language  # after set_content, which clears Content-* headers
    return message


def send_message(message: EmailMessage, config: Any) -> str:
    """Hand one message over; returns where it went ('smtp' or the .eml path). Raises MailError."""
    try:
        data = digests.sign_message(message.as_bytes(policy=digests.WIRE_POLICY), config, digests.SIGNED_HEADERS)
        envelope = digests.Envelope(sender=parseaddr(config.from_address)[1],
                                    recipient=message["To"].addresses[0].addr_spec, data=data,
                                    message_id=message["Message-ID"])
        return digests.send_one(envelope, config)
    except (digests.ConfigurationError, digests.DeliveryError) as exc:
        raise MailError(str(exc)) from None


def deliver(env: Environment, letter: Letter, config: Any, now: datetime) -> bool:
    """Build and send one letter; a failure is logged (never shown to the visitor) and returns False."""
    try:
        where = send_message(build_message(env, letter, config, now), config)
    except MailError as exc:
        log.error("mail not sent", extra={"template": letter.template, "error": str(exc)})
        return False
    log.info("mail sent", extra={"template": letter.template, "via": where})
    return True
