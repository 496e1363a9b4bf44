"""Linking a student's Telegram chat to their list (issue 16.4) through the office's bot: the /start deep link.

My list shows "Get reminders on Telegram": a t.me link to the bot (settings telegram_bot_username) whose
`start` parameter is a short-lived signed token naming the reader (digests.make_telegram_payload).
Telegram then sends the bot "/start <token>" from the reader's own chat, and delivers it here as an
update (setWebhook with url=<public_base_url>/telegram/updates and secret_token=<telegram_webhook_secret>;
an update without that secret in X-Telegram-Bot-Api-Secret-Token is refused). A genuine token links the
chat and the bot says so, in the reader's language; "/stop" unlinks it. Only private chats are linked.

The answer to Telegram is always 200 once the secret matches (a refusal would make Telegram send the same
update again and again); what went wrong is said to the person in the chat, and logged.
"""
from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fursa import digests
from fursa.storage import Subscriber, link_telegram_chat, subscriber_of_chat, unlink_telegram_chat
from fursa.web.i18n import translations
from fursa.web.state import now_of, transaction, web_state

log = logging.getLogger("fursa.web.telegram_chats")
# No CSRF dependency: Telegram's servers post here, authorised by the webhook's secret token.
router = APIRouter(include_in_schema=False)
SECRET_HEADER = "x-telegram-bot-api-secret-token"
MAX_UPDATE_BYTES = 64 * 1024


def start_link(request: Request, person: Subscriber) -> str:
    """The t.me link that links this person's chat, or "" when no bot is configured."""
    settings = web_state(request).settings
    if not settings.telegram_bot_username or settings.telegram_bot_token is None:
        return ""
    payload = digests.make_telegram_payload(person, web_state(request).secret_key, now_of(request))
    return f"https://t.me/{settings.telegram_bot_username.lstrip('@')}?start={payload}"


@router.post("/telegram/updates")
async def telegram_update(request: Request) -> Response:
    settings = web_state(request).settings
    expected = settings.telegram_webhook_secret.get_secret_value() if settings.telegram_webhook_secret else ""
    sent = request.headers.get(SECRET_HEADER, "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        log.warning("telegram update refused: wrong or missing secret token")
        return JSONResponse({"ok": False}, status_code=403)
    body = await request.body()
    try:
        update = json.loads(body) if len(body) <= MAX_UPDATE_BYTES else {}
    except ValueError:   # not JSON (UnicodeDecodeError is one too): nothing to answer
        update = {}
    message = update.get("message") if isinstance(update, dict) else None
    if isinstance(message, dict):
        _answer(request, message)
    return JSONResponse({"ok": True})


def _answer(request: Request, message: dict[str, Any]) -> None:
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    text = message.get("text") if isinstance(message.get("text"), str) else ""
    chat_id = str(chat.get("id", ""))
    if chat.get("type") != "private" or not chat_id:
        return
    command, _, argument = text.strip().partition(" ")
    command = command.split("@", 1)[0]
    if command == "/start":
        reply, language = _link(request, chat_id, argument.strip())
    elif command == "/stop":
        reply, language = _unlink(request, chat_id)
    else:
        return
    _say(request, chat_id, translations(language).gettext(reply))


def _link(request: Request, chat_id: str, payload: str) -> tuple[str, str]:
    state = web_state(request)
    with transaction(request) as session:
        try:
            link = digests.read_telegram_payload(payload, state.secret_key, now_of(request))
            person = session.get(Subscriber, link.subscriber_id)
            if person is None or person.status == "deleted":
                raise digests.TokenError("no such subscriber")
            digests.verify_list_token(link, person)
        except digests.ExpiredLinkError as exc:
            owner = session.get(Subscriber, exc.subscriber_id)
            return N_("This link has expired. Open My list from a recent Fursa e-mail and press “Get reminders on "
                      "Telegram” again."), owner.language if owner is not None else "en"
        except digests.TokenError:
            return N_("This link does not work. Open My list from a recent Fursa e-mail and press “Get reminders "
                      "on Telegram” there."), "en"
        link_telegram_chat(session, person, chat_id, now_of(request))
        log.info("telegram chat linked to a list")
        return N_("Done: reminders of the calls on your Fursa list will come to this chat too, 14 and 3 days before "
                  "each closes. Write /stop to end them."), person.language


def _unlink(request: Request, chat_id: str) -> tuple[str, str]:
    with transaction(request) as session:
        person = subscriber_of_chat(session, chat_id)
        if person is None:
            return N_("This chat gets no reminders from Fursa."), "en"
        unlink_telegram_chat(session, person)
        return N_("Reminders to this chat have stopped. Your e-mail reminders go on."), person.language


def _say(request: Request, chat_id: str, text: str) -> None:
    settings = web_state(request).settings
    try:
        with digests.TelegramClient(settings.telegram_bot_token.get_secret_value(),
                                    api_url=settings.telegram_api_url) as bot:
            bot.send_message(chat_id, text, html=False)
    except digests.TelegramError as exc:
        log.warning("telegram answer not sent", extra={"error": str(exc)})


def N_(text: str) -> str:
    """Marks a message for the catalogue; it is translated when the reader's language is known."""
    return text
