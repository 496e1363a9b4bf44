"""DKIM keys: a key that cannot sign stops before any message, with a message that says what to fix."""
from __future__ import annotations

import pytest

from fursa.digests import ConfigurationError, DeliveryConfig, SIGNED_HEADERS, sign_message
from fursa.digests.signing import make_signer


def _config(tmp_path, key) -> DeliveryConfig:
    return DeliveryConfig(outbox_dir=tmp_path, dkim_selector="fursa", dkim_domain="ppu.edu", dkim_private_key=key)


@pytest.mark.parametrize("key", [
    b"-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----\n",   # fails in base64
    b"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",        # decodes, is no key
])
def test_a_malformed_key_is_a_configuration_error(tmp_path, key):
    with pytest.raises(ConfigurationError, match="dkim_private_key"):
        make_signer(_config(tmp_path, key), SIGNED_HEADERS)


def test_a_missing_key_file_names_the_file(tmp_path):
    with pytest.raises(ConfigurationError, match="nowhere.pem"):
        make_signer(_config(tmp_path, str(tmp_path / "nowhere.pem")), SIGNED_HEADERS)


def test_without_dkim_settings_a_message_is_left_as_it_is(tmp_path):
    data = b"From: a@ppu.edu\r\nTo: b@ppu.edu\r\nSubject: hi\r\n\r\nhello\r\n"
    assert sign_message(data, DeliveryConfig(outbox_dir=tmp_path), SIGNED_HEADERS) == data
