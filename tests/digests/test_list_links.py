"""Signed links to a person's list: genuine ones open it until their last day and not after (the page can
then name whose link it was); altered, cut or other-purpose tokens and links revoked by a new nonce are refused."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from fursa.digests import (
    BROWSER_DAYS, LIST_LINK_DAYS, ExpiredLinkError, TokenError, make_list_token, read_list_token, verify_list_token,
)

NOW = datetime(2026, 12, 6, 21, 0, tzinfo=timezone.utc)
SECRET = "list secret"


@dataclass
class Person:
    id: int = 7
    token_nonce: int = 0


def test_a_link_opens_the_list_until_its_last_day_then_says_whose_it_was():
    token = make_list_token(Person(), SECRET, NOW)
    last = NOW + timedelta(days=LIST_LINK_DAYS)
    assert read_list_token(token, SECRET, last).subscriber_id == 7
    with pytest.raises(ExpiredLinkError) as caught:
        read_list_token(token, SECRET, last + timedelta(days=1))
    assert caught.value.subscriber_id == 7 and caught.value.last_day == last.date()


def test_the_browser_cookie_lasts_its_own_days_and_is_not_a_list_link():
    cookie = make_list_token(Person(), SECRET, NOW, purpose="browser")
    assert read_list_token(cookie, SECRET, NOW + timedelta(days=BROWSER_DAYS), purpose="browser").subscriber_id == 7
    with pytest.raises(ExpiredLinkError):
        read_list_token(cookie, SECRET, NOW + timedelta(days=BROWSER_DAYS + 1), purpose="browser")
    with pytest.raises(TokenError, match="wrong signature"):
        read_list_token(cookie, SECRET, NOW)


@pytest.mark.parametrize("damage", [
    lambda t: t[:-3],                                   # cut short
    lambda t: "8" + t[1:],                              # another person
    lambda t: t.replace(t.split(".")[2], str(int(t.split(".")[2]) + 365)),   # a later last day
    lambda t: "not-a-token",
])
def test_altered_links_are_refused(damage):
    token = make_list_token(Person(), SECRET, NOW)
    with pytest.raises(TokenError) as caught:
        read_list_token(damage(token), SECRET, NOW)
    assert not isinstance(caught.value, ExpiredLinkError)


def test_a_new_nonce_revokes_old_links():
    person = Person()
    link = read_list_token(make_list_token(person, SECRET, NOW), SECRET, NOW)
    verify_list_token(link, person)
    person.token_nonce = 1
    with pytest.raises(TokenError, match="replaced"):
        verify_list_token(link, person)


def test_a_digest_links_to_the_readers_list_and_saves_each_call_there():
    from tests.digests.test_render import CONFIG, NOW as DIGEST_NOW, call, person, render

    rendered = render(person("ar"), [call(1), call(2, title="منحة ماجستير")])
    saves = re.findall(r"https://fursa\.ppu\.edu/my/(\S+)/save/(\d+)", rendered.text)
    assert sorted(call_id for _, call_id in saves) == ["1", "2"]
    (token,) = {token for token, _ in saves}
    assert read_list_token(token, CONFIG.secret_key, DIGEST_NOW).subscriber_id == 5
    assert f'href="https://fursa.ppu.edu/my/{token}"' in rendered.html and "احفظ في قائمتي" in rendered.html
