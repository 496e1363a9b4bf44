"""The e-mail itself: MIME structure, list headers (RFC 2369, RFC 8058), Message-ID, bytes on the wire."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr

from fursa.storage import InvalidSubscriberError, normalize_email

from fursa.digests.config import DeliveryConfig
from fursa.digests.errors import InvalidAddressError
from fursa.digests.formatting import clean_text
from fursa.digests.records import Envelope, RenderedDigest
from fursa.digests.signing import DkimSigner

# Headers a DKIM signature covers: the ones a forger would want to change, and the unsubscribe
# headers that Gmail and Yahoo require to be signed for one-click unsubscribe.
SIGNED_HEADERS = (
    "From", "To", "Subject", "Date", "Message-ID", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post",
    "MIME-Version", "Content-Type",
)
# Long URLs in List-Unsubscribe must stay plain text: the default policy would fold them into RFC 2047
# encoded-words, which no mail client parses as a link. That header is stored pre-folded and this
# policy leaves pre-folded headers alone (lines stay far below the 998-character limit).
WIRE_POLICY = SMTP.clone(refold_source="none")


def envelope_address(email: str) -> str:
    """The address as an SMTP envelope needs it (ASCII, IDNA domain); InvalidAddressError says what is wrong."""
    try:
        return normalize_email(email or "")
    except InvalidSubscriberError as exc:
        raise InvalidAddressError(f"{exc}; correct it with `fursa subscribers add` or remove the subscriber") from None


def message_id_for(subscriber_id: int, period: str, config: DeliveryConfig) -> str:
    """The same Message-ID every time this digest is built, so a resend after a crash is recognisable as one."""
    tag = hmac.new(config.secret_key.encode(), f"{subscriber_id}:{period}".encode(), hashlib.sha256).hexdigest()[:20]
    slug = "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in period)
    return f"<{slug}.{tag}@{sender_domain(config)}>"


def sender_domain(config: DeliveryConfig) -> str:
    return parseaddr(config.from_address)[1].rpartition("@")[2] or "localhost"


def build_message(rendered: RenderedDigest, subscriber, config: DeliveryConfig, *, now: datetime) -> EmailMessage:
    """multipart/mixed [multipart/alternative [text, html], text/calendar] with list and tracking headers.

    A sending run writes the same bytes directly with digests.wire, which is much faster; this stays
    the reference that tests/digests/test_wire.py holds the direct writer to.
    """
    digest = rendered.digest
    address = envelope_address(subscriber.email)
    message = EmailMessage(policy=WIRE_POLICY)
    message["From"] = config.from_address
    local, _, domain = address.partition("@")
    message["To"] = Address(display_name=clean_text(subscriber.name, 80), username=local, domain=domain)
    message["Subject"] = rendered.subject
    message["Date"] = format_datetime(now.astimezone(timezone.utc))
    message["Message-ID"] = message_id_for(subscriber.id, digest.period, config)
    set_list_headers(message, digest.unsubscribe_url, digest.unsubscribe_token, config)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies to the digest
    # base64, not quoted-printable: a third of the size for Arabic (QP turns each letter into 6 bytes),
    # encoded in C rather than Python, and still 7-bit clean for relays without 8BITMIME.
    message.set_content(rendered.text, subtype="plain", charset="utf-8", cte="base64")
    message.add_alternative(rendered.html, subtype="html", charset="utf-8", cte="base64")
    if rendered.ics:
        message.make_mixed()
        message.add_attachment(rendered.ics, maintype="text", subtype="calendar",
                               filename="fursa-deadlines.ics", params={"method": "PUBLISH", "charset": "utf-8"})
    # After the body: make_mixed() moves every Content-* header into the first part.
    message["Content-Language"] = rendered.language
    return message


def build_envelope(message: EmailMessage, config: DeliveryConfig, signer: DkimSigner | None) -> Envelope:
    """The bytes to hand to a transport (DKIM-signed when a signer is given), with sender and recipient."""
    data = wire_bytes(message)
    if signer is not None:
        data = signer.sign(data)
    recipient = message["To"].addresses[0].addr_spec
    return Envelope(sender=parseaddr(config.from_address)[1], recipient=recipient, data=data,
                    message_id=message["Message-ID"])


def wire_bytes(message: EmailMessage) -> bytes:
    """The message as BytesGenerator(policy=WIRE_POLICY) writes it, for build_message's shapes, several times faster.

    The stdlib generator writes a base64 body one 76-character line at a time; a digest has ~1,000
    such lines, which made serializing cost more than rendering. Leaves here are always base64
    (ASCII), so a body is its payload with CRLF line ends. tests/digests/test_messages.py checks
    the output against the stdlib generator byte for byte.
    """
    head = b"".join(WIRE_POLICY.fold_binary(name, value) for name, value in message.raw_items())
    if not message.is_multipart():
        return head + b"\r\n" + message.get_payload().replace("\r\n", "\n").replace("\n", "\r\n").encode("ascii")
    boundary = message.get_boundary()
    if boundary is None:
        boundary = f"=_fursa_{secrets.token_hex(12)}"
        message.set_boundary(boundary)
        head = b"".join(WIRE_POLICY.fold_binary(name, value) for name, value in message.raw_items())
    separator = f"--{boundary}".encode()
    parts = [wire_bytes(part) for part in message.iter_parts()]
    body = separator + b"\r\n" + (b"\r\n" + separator + b"\r\n").join(parts) + b"\r\n" + separator + b"--\r\n"
    return head + b"\r\n" + body


def set_list_headers(message: EmailMessage, unsubscribe_url: str, unsubscribe_token: str,
                     config: DeliveryConfig) -> None:
    """List-Id and one-click List-Unsubscribe (RFC 8058) for every letter sent to a subscriber."""
    message["List-Id"] = f"Fursa digest <{config.list_id}>"
    if config.unsubscribe_mailto:
        mailto = f"mailto:{config.unsubscribe_mailto}?subject=unsubscribe%20{unsubscribe_token}"
        message.set_raw("List-Unsubscribe", f"<{unsubscribe_url}>,\n <{mailto}>")
    else:
        message.set_raw("List-Unsubscribe", f"<{unsubscribe_url}>")
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
