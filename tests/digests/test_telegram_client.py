"""digests.telegram against a Bot API on loopback: posting, pacing, retry_after, and each refusal as its error."""
from __future__ import annotations

import logging
import socket

import pytest

from fursa.digests import (
    BotTokenError, ChatRefusedError, MarkupRefusedError, Pacer, TelegramClient, TelegramUnavailableError,
)
from tests.digests.bot_api import BOT_ID, TOKEN, FakeBotApi, FakeClock


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def bot(clock):
    with FakeBotApi(clock) as api:
        api.add_channel("@ppu_calls")
        api.add_channel("@ppu_calls_ar", title="فرص بوليتكنك فلسطين")
        yield api


def client_for(bot: FakeBotApi, clock: FakeClock, **options) -> TelegramClient:
    return TelegramClient(TOKEN, api_url=bot.url, pacer=Pacer(clock, clock.sleep), **options)


def test_a_message_is_posted_as_html_without_a_link_preview(bot, clock):
    with client_for(bot, clock) as client:
        sent = client.send_message("@ppu_calls", "<b>DAAD</b> &amp; more")
    method, fields = bot.calls[-1]
    assert method == "sendMessage"
    assert fields["parse_mode"] == "HTML" and fields["link_preview_options"] == {"is_disabled": True}
    assert [m.text for m in bot.posts("@ppu_calls")] == ["DAAD & more"]
    assert sent.message_id == bot.posts("@ppu_calls")[0].message_id


def test_who_the_bot_is_and_whether_it_may_post(bot, clock):
    with client_for(bot, clock) as client:
        me = client.get_me()
        chat = client.get_chat("@ppu_calls_ar")
        member = client.get_chat_member("@ppu_calls_ar", me.id)
    assert (me.id, me.username) == (BOT_ID, "fursa_ppu_bot")
    assert (chat.type, chat.title) == ("channel", "فرص بوليتكنك فلسطين")
    assert member.can_post


def test_a_429_is_waited_out_for_its_retry_after_and_the_message_sent_once(bot, clock):
    bot.forced_429 = [7]
    with client_for(bot, clock) as client:
        client.send_message("@ppu_calls", "hello")
    assert [m for m, _ in bot.calls].count("sendMessage") == 2
    assert len(bot.posts("@ppu_calls")) == 1
    assert 7 in clock.slept


def test_a_429_asking_for_too_long_ends_the_request_with_what_telegram_asked(bot, clock):
    bot.forced_429 = [3600]
    with client_for(bot, clock) as client, pytest.raises(TelegramUnavailableError) as caught:
        client.send_message("@ppu_calls", "hello")
    assert caught.value.retry_after == 3600 and "next run" in str(caught.value)
    assert bot.posts("@ppu_calls") == [] and 3600 not in clock.slept


def test_the_pace_stays_under_twenty_a_minute_per_channel_without_real_waiting(bot, clock):
    start = clock.now
    with client_for(bot, clock) as client:
        for number in range(45):
            client.send_message("@ppu_calls" if number % 2 else "@ppu_calls_ar", f"call {number}")
    assert bot.refused_for_pace == 0   # the server counts per chat and would have answered 429
    assert len(bot.posts("@ppu_calls")) + len(bot.posts("@ppu_calls_ar")) == 45
    # 23 messages into one channel at under 20 a minute take more than a minute of the clock
    assert clock.now - start > 60


def test_a_client_too_fast_for_the_channel_is_slowed_by_telegrams_retry_after(bot, clock):
    fast = Pacer(clock, clock.sleep, group_interval_s=0.1)
    with TelegramClient(TOKEN, api_url=bot.url, pacer=fast) as client:
        for number in range(25):
            client.send_message("@ppu_calls", f"call {number}")
    assert bot.refused_for_pace >= 1          # the server said 429 …
    assert len(bot.posts("@ppu_calls")) == 25  # … and every message still went out, once


def test_a_channel_that_kicked_the_bot_is_a_chat_refusal_saying_what_to_do(bot, clock):
    bot.chats["@ppu_calls"].kicked = True
    with client_for(bot, clock) as client, pytest.raises(ChatRefusedError) as caught:
        client.send_message("@ppu_calls", "hello")
    assert caught.value.code == 403 and "kicked" in caught.value.description
    assert "administrator" in str(caught.value)


def test_an_unknown_chat_is_a_chat_refusal(bot, clock):
    with client_for(bot, clock) as client, pytest.raises(ChatRefusedError) as caught:
        client.send_message("@nobody_here", "hello")
    assert "chat not found" in caught.value.description


def test_refused_markup_is_its_own_error(bot, clock):
    with client_for(bot, clock) as client, pytest.raises(MarkupRefusedError) as caught:
        client.send_message("@ppu_calls", "Engineering <Master> & PhD")
    assert "can't parse entities" in caught.value.description


def test_an_edit_that_changes_nothing_is_no_error(bot, clock):
    with client_for(bot, clock) as client:
        sent = client.send_message("@ppu_calls", "same")
        client.edit_message_text("@ppu_calls", sent.message_id, "same")
        client.edit_message_text("@ppu_calls", sent.message_id, "changed")
    assert [m.text for m in bot.posts("@ppu_calls")] == ["changed"]


def test_a_wrong_token_is_named_as_such(bot, clock):
    with TelegramClient("999:wrong-token-wrong-token-wrong-token", api_url=bot.url,
                        pacer=Pacer(clock, clock.sleep)) as client, pytest.raises(BotTokenError) as caught:
        client.get_me()
    assert "FURSA_TELEGRAM_BOT_TOKEN" in str(caught.value)


def test_an_unreachable_api_never_shows_the_token(clock):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with TelegramClient(TOKEN, api_url=f"http://127.0.0.1:{port}", pacer=Pacer(clock, clock.sleep)) as client, \
            pytest.raises(TelegramUnavailableError) as caught:
        client.send_message("@ppu_calls", "hello")
    assert TOKEN not in str(caught.value) and "could not be reached" in str(caught.value)


def test_the_token_stays_out_of_the_request_log(bot, clock, caplog):
    with caplog.at_level(logging.DEBUG), client_for(bot, clock) as client:
        client.send_message("@ppu_calls", "hello")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/bot<token>/sendMessage" in logged       # httpx's line is there, without the secret
    assert TOKEN not in logged and TOKEN.split(":")[1] not in logged
