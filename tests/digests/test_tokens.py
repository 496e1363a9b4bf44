"""Signed subscriber links: only the secret's holder makes them, a nonce bump revokes them."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from fursa.digests import TokenError, make_subscriber_token, read_subscriber_token, verify_subscriber_token

SECRET = "s3cret"


def person(id=42, nonce=0):
    return SimpleNamespace(id=id, token_nonce=nonce)


def test_a_token_reads_back_as_its_subscriber_id():
    token = make_subscriber_token(person(), "unsubscribe", SECRET)
    assert read_subscriber_token(token, "unsubscribe", SECRET) == 42
    verify_subscriber_token(token, person(), "unsubscribe", SECRET)


@pytest.mark.parametrize("mangle, words", [
    (lambda t: t.replace("42.", "43.", 1), "signature"),
    (lambda t: t[:-3], "signature"),
    (lambda t: "", "incomplete"),
    (lambda t: t + "/x", "incomplete"),
])
def test_forged_or_damaged_tokens_are_refused_with_a_reason(mangle, words):
    token = make_subscriber_token(person(), "unsubscribe", SECRET)
    with pytest.raises(TokenError, match=words):
        read_subscriber_token(mangle(token), "unsubscribe", SECRET)


def test_a_token_is_bound_to_its_purpose_and_secret():
    token = make_subscriber_token(person(), "preferences", SECRET)
    with pytest.raises(TokenError):
        read_subscriber_token(token, "unsubscribe", SECRET)
    with pytest.raises(TokenError):
        read_subscriber_token(token, "preferences", "another-secret")


def test_bumping_the_nonce_revokes_old_links():
    old = make_subscriber_token(person(nonce=0), "unsubscribe", SECRET)
    with pytest.raises(TokenError, match="replaced"):
        verify_subscriber_token(old, person(nonce=1), "unsubscribe", SECRET)
    verify_subscriber_token(make_subscriber_token(person(nonce=1), "unsubscribe", SECRET), person(nonce=1),
                            "unsubscribe", SECRET)


def test_a_token_for_one_subscriber_does_not_open_another():
    token = make_subscriber_token(person(id=7), "unsubscribe", SECRET)
    with pytest.raises(TokenError, match="another subscriber"):
        verify_subscriber_token(token, person(id=8), "unsubscribe", SECRET)
