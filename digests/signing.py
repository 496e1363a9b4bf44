"""DKIM signing (dkimpy) of the finished bytes, when a key is configured."""
from __future__ import annotations

from pathlib import Path

import dkim

from fursa.digests.config import DeliveryConfig
from fursa.digests.errors import ConfigurationError


class DkimSigner:
    """Signs messages for one selector and domain; the key is read once per run, not once per message."""

    def __init__(self, selector: str, domain: str, private_key: bytes, headers: tuple[str, ...]):
        self.selector = selector.encode()
        self.domain = domain.encode()
        self.private_key = private_key
        self.headers = [name.lower().encode() for name in headers]

    def sign(self, data: bytes) -> bytes:
        try:
            signature = dkim.sign(data, self.selector, self.domain, self.private_key,
                                  canonicalize=(b"relaxed", b"relaxed"), include_headers=self.headers)
        except (dkim.DKIMException, ValueError) as exc:   # a malformed PEM fails in base64 decoding
            raise ConfigurationError(
                f"DKIM signing for {self.domain.decode()} failed: {exc}; check dkim_private_key is an RSA PEM key"
            ) from None
        return signature + data


def make_signer(config: DeliveryConfig, headers: tuple[str, ...]) -> DkimSigner | None:
    """A signer when DKIM is configured, else None; an unreadable or malformed key fails here, before any send."""
    if not config.dkim_private_key:
        return None
    key = _read_key(config.dkim_private_key)
    signer = DkimSigner(config.dkim_selector or "", config.dkim_domain or "", key, headers)
    signer.sign(b"From: check@localhost\r\nSubject: key check\r\n\r\nkey check\r\n")
    return signer


def _read_key(value: Path | str | bytes) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str) and value.lstrip().startswith("-----BEGIN"):
        return value.encode()
    try:
        return Path(value).read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"cannot read the DKIM private key file {value}: {exc.strerror}") from None


def sign_message(data: bytes, config: DeliveryConfig, headers: tuple[str, ...]) -> bytes:
    """One message, DKIM-signed when the settings ask for it (unchanged otherwise): for the single
    letters sent outside a digest run, such as the web's confirmations. A digest run keeps one
    signer for all its messages instead of reading the key for each."""
    signer = make_signer(config, headers)
    return signer.sign(data) if signer is not None else data
