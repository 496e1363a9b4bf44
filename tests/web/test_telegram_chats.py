"""A student's Telegram chat linked to their list through the office's bot (a Bot API on loopback): My list
offers the t.me /start link; the update Telegram sends with it links the chat (only with the webhook's
secret, only a private chat, only a genuine, unexpired token) and the bot answers in the reader's language;
/stop unlinks; then the list_reminders job sends each reminder to the chat once, beside the e-mail."""
from __future__ import annotations

import re
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from fursa import digests, pipeline, storage, web
from tests.digests.bot_api import TOKEN, FakeBotApi
from tests.web.conftest import CallMaker, make_context, make_settings

HOOK_SECRET = "hook-secret-for-tests"
RANA_CHAT, OTHER_CHAT = 424242, 515151


@pytest.fixture
def bot():
    with FakeBotApi(time.monotonic) as api:
        for chat_id in (RANA_CHAT, OTHER_CHAT):
            api.add_channel(f"person{chat_id}", title="", chat_id=chat_id, type="private")
        yield api


@pytest.fixture
def ctx(tmp_path, bot):
    settings = make_settings(tmp_path).model_copy(update={
        "telegram_bot_token": TOKEN, "telegram_api_url": bot.url, "telegram_bot_username": "fursa_ppu_bot",
        "telegram_webhook_secret": HOOK_SECRET})
    settings = type(settings).model_validate(settings.model_dump())   # the secrets as SecretStr, as from the environment
    return make_context(settings)


@pytest.fixture
def client(ctx, now):
    with TestClient(web.create_app(ctx, clock=lambda: now), base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def rana(ctx, now):
    with ctx.sessions.begin() as session:
        row, _ = storage.add_subscriber(session, storage.SubscriberInput(
            email="rana@ppu.edu", name="رنا", language="ar", confirmed=True), now)
        return row.id


def _update(client, chat_id: int, text: str, secret: str | None = HOOK_SECRET, chat_type: str = "private"):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    update = {"update_id": 1, "message": {"message_id": 7, "date": 1765000000, "text": text,
                                          "chat": {"id": chat_id, "type": chat_type}}}
    return client.post("/telegram/updates", json=update, headers=headers)


def _chat(ctx, person_id):
    with ctx.sessions() as session:
        row = storage.telegram_chat_of(session, person_id)
        return row.chat_id if row is not None else None


def _said(bot, chat_id: int) -> list[str]:
    return [message.text for message in bot.posts(str(chat_id))]


def test_the_start_link_links_the_chat_and_stop_unlinks_it(client, ctx, now, rana, bot):
    with ctx.sessions() as session:
        person = session.get(storage.Subscriber, rana)
        token = digests.make_list_token(person, ctx.settings.secret_key, now)
        old = digests.make_telegram_payload(person, ctx.settings.secret_key, now - timedelta(days=3))
    page = client.get(f"/my/{token}")
    link = re.search(r'href="(https://t\.me/fursa_ppu_bot\?start=[^"]+)"', page.text).group(1)
    payload = parse_qs(urlsplit(link).query)["start"][0]

    assert _update(client, RANA_CHAT, f"/start {payload}", secret=None).status_code == 403
    assert _update(client, RANA_CHAT, f"/start {payload}", secret="guess").status_code == 403
    assert _update(client, RANA_CHAT, f"/start {payload}", chat_type="group").status_code == 200
    assert _chat(ctx, rana) is None and bot.calls == []

    assert _update(client, OTHER_CHAT, f"/start {old}").status_code == 200
    assert _update(client, OTHER_CHAT, f"/start {payload[:-4]}").status_code == 200
    assert _chat(ctx, rana) is None
    expired, broken = _said(bot, OTHER_CHAT)
    assert "انتهت صلاحية" in expired and "does not work" in broken   # the owner's language, when the link names one

    assert _update(client, RANA_CHAT, f"/start {payload}").status_code == 200
    assert _chat(ctx, rana) == str(RANA_CHAT)
    assert "تم:" in _said(bot, RANA_CHAT)[-1]
    assert "أوقف تذكيرات تيليجرام" in client.get(f"/my/{token}").text

    _update(client, RANA_CHAT, "/stop")
    assert _chat(ctx, rana) is None and "توقفت" in _said(bot, RANA_CHAT)[-1]


def test_the_reminder_job_sends_to_the_linked_chat_once(ctx, now, rana, bot):
    call = CallMaker(ctx, now)("Seed grants for young researchers", status="approved", deadline_days=2)
    with ctx.sessions.begin() as session:
        person = session.get(storage.Subscriber, rana)
        storage.save_bookmark(session, person, session.get(storage.Opportunity, call), now)
        storage.link_telegram_chat(session, person, str(RANA_CHAT), now)
    first = pipeline.run_job(ctx, "list_reminders", now)
    again = pipeline.run_job(ctx, "list_reminders", now + timedelta(hours=1))
    assert first.status == again.status == "ok"
    assert (first.result.sent, first.result.telegram, again.result.sent, again.result.telegram) == (1, 1, 0, 0)
    (text,) = _said(bot, RANA_CHAT)
    assert "Seed grants for young researchers" in text and "/my/" in text
    assert len(list((ctx.settings.outbox_dir).glob("*.eml"))) == 1
