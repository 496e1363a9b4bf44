"""A digest's e-mail as bytes, written directly: the bytes build_message + wire_bytes give, at a fraction of the cost.

The email package parses and refolds every header of every message (a quarter of a millisecond
each) and builds a tree of parts only to serialize it again. A digest always has the same shape, so
this writes that shape itself: headers that repeat across a run (From, Subject, Date, List-Id, the
part headers, the run's MIME boundaries) are folded once by the email package and remembered; the
per-person To and Message-ID are written straight when they are plain ASCII that needs no folding,
and folded by the email package otherwise (an Arabic display name becomes an encoded word there).
tests/digests/test_wire.py checks the result against the stdlib generator byte for byte.
"""
from __future__ import annotations

import binascii
import re
import secrets
from datetime import datetime, timezone
from email.headerregistry import Address
from email.utils import format_datetime, parseaddr
from functools import lru_cache

from fursa.digests.config import DeliveryConfig
from fursa.digests.formatting import clean_text
from fursa.digests.messages import WIRE_POLICY, envelope_address, message_id_for
from fursa.digests.records import Envelope, RenderedDigest
from fursa.digests.signing import DkimSigner

CRLF = b"\r\n"
_LINE = WIRE_POLICY.max_line_length  # 78
# Written as-is only when nothing in it could be quoted, encoded or folded by the email package:
# a display name of letters, digits and single spaces, an addr-spec and a msg-id of safe characters.
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9]+( [A-Za-z0-9]+)*$")
_PLAIN_ADDRESS = re.compile(r"^[a-z0-9._+-]+@[a-z0-9.-]+$")
_PLAIN_MESSAGE_ID = re.compile(r"^<[A-Za-z0-9._-]+@[a-z0-9.-]+>$")


def new_boundaries() -> tuple[str, str]:
    """Two MIME boundaries for a run. "=_" cannot occur in base64, the only body encoding used, so
    one pair serves every message of the run and the Content-Type headers fold once."""
    stem = secrets.token_hex(12)
    return f"=_fursa_{stem}_m", f"=_fursa_{stem}_a"


def wire_envelope(rendered: RenderedDigest, subscriber, config: DeliveryConfig, signer: DkimSigner | None, *,
                  now: datetime, boundaries: tuple[str, str]) -> Envelope:
    """What build_envelope(build_message(...)) returns, with the given MIME boundaries."""
    address = envelope_address(subscriber.email)
    message_id = message_id_for(subscriber.id, rendered.digest.period, config)
    data = message_bytes(rendered, subscriber, config, now=now, boundaries=boundaries, address=address,
                         message_id=message_id)
    if signer is not None:
        data = signer.sign(data)
    return Envelope(sender=parseaddr(config.from_address)[1], recipient=address, data=data, message_id=message_id)


def message_bytes(rendered: RenderedDigest, subscriber, config: DeliveryConfig, *, now: datetime,
                  boundaries: tuple[str, str], address: str | None = None, message_id: str | None = None) -> bytes:
    """multipart/mixed [multipart/alternative [text, html], text/calendar], or the alternative alone without a calendar."""
    digest = rendered.digest
    address = address or envelope_address(subscriber.email)
    message_id = message_id or message_id_for(subscriber.id, digest.period, config)
    mixed, alternative = boundaries
    body = _alternative_body(rendered, alternative)
    top = "multipart/alternative" if rendered.ics is None else "multipart/mixed"
    head = b"".join((
        _folded("From", config.from_address),
        _to_header(clean_text(subscriber.name, 80), address),
        _folded("Subject", rendered.subject),
        _folded("Date", format_datetime(now.astimezone(timezone.utc))),
        _message_id_header(message_id),
        _folded("List-Id", f"Fursa digest <{config.list_id}>"),
        _list_unsubscribe(digest.unsubscribe_url, config.unsubscribe_mailto, digest.unsubscribe_token),
        _folded("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        _folded("Auto-Submitted", "auto-generated"),
        _folded("MIME-Version", "1.0"),
    ))
    if rendered.ics is None:
        return (head + _folded("Content-Type", f'{top}; boundary="{alternative}"')
                + _folded("Content-Language", rendered.language) + CRLF + body)
    nested = _folded("Content-Type", f'multipart/alternative; boundary="{alternative}"') + CRLF + body
    calendar = _calendar_head() + CRLF + _base64(rendered.ics)
    return (head + _folded("Content-Type", f'{top}; boundary="{mixed}"')
            + _folded("Content-Language", rendered.language) + CRLF + _multipart(mixed, (nested, calendar)))


def _alternative_body(rendered: RenderedDigest, boundary: str) -> bytes:
    text = _text_head(plain=True) + CRLF + _base64(_text_lines(rendered.text))
    html = _text_head(plain=False) + CRLF + _base64(_text_lines(rendered.html))
    return _multipart(boundary, (text, html))


def _multipart(boundary: str, parts: tuple[bytes, ...]) -> bytes:
    separator = f"--{boundary}".encode()
    return separator + CRLF + (CRLF + separator + CRLF).join(parts) + CRLF + separator + b"--" + CRLF


def _text_lines(text: str) -> bytes:
    """set_content's line handling: every line break becomes CRLF and the text ends with one."""
    return CRLF.join(text.encode("utf-8").splitlines()) + CRLF


def _base64(data: bytes) -> bytes:
    """The email package's base64: 76-character lines (57 bytes each), CRLF line ends.

    Encoded in one piece and then cut, which is faster than base64.encodebytes' 57-byte calls.
    """
    encoded = binascii.b2a_base64(data, newline=False)
    if not encoded:
        return b""
    return CRLF.join([encoded[start:start + 76] for start in range(0, len(encoded), 76)]) + CRLF


@lru_cache(maxsize=2)
def _text_head(plain: bool) -> bytes:
    # add_alternative gives the second part its own MIME-Version header; kept, to stay byte-identical.
    head = _folded("Content-Type", f'text/{"plain" if plain else "html"}; charset="utf-8"')
    head += _folded("Content-Transfer-Encoding", "base64")
    return head if plain else head + _folded("MIME-Version", "1.0")


@lru_cache(maxsize=1)
def _calendar_head() -> bytes:
    return b"".join((
        _folded("Content-Transfer-Encoding", "base64"),
        _folded("Content-Disposition", 'attachment; filename="fursa-deadlines.ics"'),
        _folded("Content-Type", 'text/calendar; method="PUBLISH"; charset="utf-8"'),
        _folded("MIME-Version", "1.0"),
    ))


def _to_header(name: str, address: str) -> bytes:
    if _PLAIN_ADDRESS.match(address) and (not name or _PLAIN_NAME.match(name)):
        value = f"{name} <{address}>" if name else address
        if len(value) + 4 <= _LINE:
            return f"To: {value}\r\n".encode("ascii")
    local, _, domain = address.partition("@")
    return _fold_now("To", Address(display_name=name, username=local, domain=domain))


def _message_id_header(message_id: str) -> bytes:
    if _PLAIN_MESSAGE_ID.match(message_id) and len(message_id) + 12 <= _LINE:
        return f"Message-ID: {message_id}\r\n".encode("ascii")
    return _fold_now("Message-ID", message_id)


def _list_unsubscribe(url: str, mailto_address: str | None, token: str) -> bytes:
    """Stored pre-folded (set_raw), which WIRE_POLICY writes as it is: see messages.WIRE_POLICY.
    The mailto: is offered only when an address that acts on it is configured."""
    if not mailto_address:
        return f"List-Unsubscribe: <{url}>\r\n".encode("ascii")
    mailto = f"mailto:{mailto_address}?subject=unsubscribe%20{token}"
    return f"List-Unsubscribe: <{url}>,\r\n <{mailto}>\r\n".encode("ascii")


@lru_cache(maxsize=1024)
def _folded(name: str, value: str) -> bytes:
    """A header as the email package writes it; remembered, for headers that repeat across messages."""
    return _fold_now(name, value)


def _fold_now(name: str, value) -> bytes:
    return WIRE_POLICY.fold_binary(*WIRE_POLICY.header_store_parse(name, value))
