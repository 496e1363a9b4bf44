"""The Telegram Bot API over httpx: the few methods Fursa uses (getMe, getChat, getChatMember,
sendMessage, editMessageText), paced under the API's limits, with its errors translated.

https://core.telegram.org/bots/api — every answer is JSON `{"ok": true, "result": …}` or
`{"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 35",
"parameters": {"retry_after": 35}}`. A 429 is waited out here (`retry_after`, through the injected
sleeper) and the request sent again; every other refusal becomes one of digests.errors' Telegram
errors, which say what to do. The token is part of every URL, so it is cut out of each message.

Used by the channel posts (digests/telegram_posts.py) and by anything else that sends through the
bot (a student's reminders in a bot chat): `TelegramClient(token).send_message(chat_id, text)`.
"""
from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import Any, Callable

import httpx

from fursa.digests.errors import (
    BotTokenError, ChatRefusedError, MarkupRefusedError, MessageGoneError, TelegramError, TelegramRequestError,
    TelegramUnavailableError,
)

log = logging.getLogger(__name__)
_TOKEN_IN_URL = re.compile(r"/bot[0-9]+:[A-Za-z0-9_-]+")


class _HideBotToken(logging.Filter):
    """httpx logs each request's URL at INFO (`fursa -v`), and a Bot API URL holds the token: cut it out."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_TOKEN_IN_URL.sub("/bot<token>", str(arg)) if "/bot" in str(arg) else arg
                                for arg in record.args)
        if isinstance(record.msg, str) and "/bot" in record.msg:
            record.msg = _TOKEN_IN_URL.sub("/bot<token>", record.msg)
        return True


logging.getLogger("httpx").addFilter(_HideBotToken())

API_URL = "https://api.telegram.org"
MESSAGE_LIMIT = 4096        # characters of a message's text after its markup is parsed
# Telegram's published limits: about 30 messages a second in all, 20 a minute into one group or
# channel, about one a second into one private chat. Fursa stays a little under each.
OVERALL_INTERVAL_S = 1 / 25
GROUP_INTERVAL_S = 60 / 19
PRIVATE_INTERVAL_S = 1.1
MAX_RETRY_WAIT_S = 300.0    # a 429 asking for longer than this ends the request: try on the next run
NETWORK_TRIES = 3

# 400 answers that mean the chat itself will not take the bot's messages (as a 403 does).
_CHAT_REFUSALS = ("chat not found", "need administrator rights", "not enough rights", "have no rights",
                  "chat_write_forbidden", "chat_admin_required", "channel_private", "group chat was upgraded")
_GONE = ("message to edit not found", "message can't be edited", "message_id_invalid")


@dataclass(frozen=True)
class BotUser:
    """getMe's answer: who the token belongs to."""

    id: int
    username: str
    first_name: str


@dataclass(frozen=True)
class ChatInfo:
    """getChat's answer: the chat a configured name or id leads to."""

    id: int
    type: str           # private, group, supergroup or channel
    title: str
    username: str


@dataclass(frozen=True)
class MemberInfo:
    """getChatMember's answer for the bot itself: may it post in the chat?"""

    status: str         # creator, administrator, member, restricted, left or kicked
    can_post: bool


@dataclass(frozen=True)
class SentMessage:
    message_id: int
    chat_id: int


class Pacer:
    """Spaces requests so that no chat, and the bot as a whole, goes past Telegram's limits.

    `clock` and `sleep` are injected, so that tests run the pacing without waiting."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 overall_interval_s: float = OVERALL_INTERVAL_S, group_interval_s: float = GROUP_INTERVAL_S,
                 private_interval_s: float = PRIVATE_INTERVAL_S) -> None:
        self.clock, self.sleep = clock, sleep
        self.overall_interval_s = overall_interval_s
        self.group_interval_s = group_interval_s
        self.private_interval_s = private_interval_s
        self._next_any = float("-inf")
        self._next_for: dict[str, float] = {}

    def wait(self, chat_id: int | str) -> None:
        """Sleep until a message may go to `chat_id`, then count it as sent now."""
        key = str(chat_id)
        ready = max(self._next_any, self._next_for.get(key, float("-inf")))
        now = self.clock()
        if ready > now:
            self.sleep(ready - now)
            now = self.clock()
        self._next_any = now + self.overall_interval_s
        self._next_for[key] = now + self._interval_of(key)

    def hold(self, chat_id: int | str, seconds: float) -> None:
        """Telegram asked to wait `seconds` (a 429): nothing goes to `chat_id` before then."""
        key = str(chat_id)
        self._next_for[key] = max(self._next_for.get(key, float("-inf")), self.clock() + seconds)

    def _interval_of(self, key: str) -> float:
        # Groups and channels have negative ids or are named @username; people have positive ids.
        return self.private_interval_s if key.lstrip().isdigit() else self.group_interval_s


class TelegramClient:
    """One bot's connection to the Bot API; `close()` (or `with`) ends it."""

    def __init__(self, token: str, *, api_url: str = API_URL, timeout_s: float = 20.0, pacer: Pacer | None = None,
                 max_retry_wait_s: float = MAX_RETRY_WAIT_S, transport: httpx.BaseTransport | None = None) -> None:
        if not token:
            raise BotTokenError("no bot token: set FURSA_TELEGRAM_BOT_TOKEN to the token @BotFather gave the bot")
        self._token = token
        self._base = f"{api_url.rstrip('/')}/bot{token}/"
        self.pacer = pacer or Pacer()
        self.max_retry_wait_s = max_retry_wait_s
        self._http = httpx.Client(timeout=timeout_s, transport=transport, follow_redirects=False)

    def __enter__(self) -> TelegramClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def get_me(self) -> BotUser:
        result = self.call("getMe")
        return BotUser(int(result["id"]), str(result.get("username") or ""), str(result.get("first_name") or ""))

    def get_chat(self, chat_id: int | str) -> ChatInfo:
        result = self.call("getChat", chat_id=chat_id)
        return ChatInfo(int(result["id"]), str(result.get("type") or ""), str(result.get("title") or ""),
                        str(result.get("username") or ""))

    def get_chat_member(self, chat_id: int | str, user_id: int) -> MemberInfo:
        result = self.call("getChatMember", chat_id=chat_id, user_id=user_id)
        status = str(result.get("status") or "")
        # In a channel an administrator posts only with can_post_messages; the creator always may.
        can_post = status == "creator" or (status == "administrator" and bool(result.get("can_post_messages", True)))
        return MemberInfo(status, can_post)

    def send_message(self, chat_id: int | str, text: str, *, html: bool = True,
                     reply_to: int | None = None) -> SentMessage:
        """Post `text` (Telegram HTML when `html`) to a chat; no link preview, as each post carries its own links."""
        fields: dict[str, Any] = {"chat_id": chat_id, "text": text, "link_preview_options": {"is_disabled": True}}
        if html:
            fields["parse_mode"] = "HTML"
        if reply_to is not None:
            fields["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
        self.pacer.wait(chat_id)
        result = self.call("sendMessage", chat_id_for_pacing=chat_id, **fields)
        return SentMessage(int(result["message_id"]), int(result.get("chat", {}).get("id") or 0))

    def edit_message_text(self, chat_id: int | str, message_id: int, text: str, *, html: bool = True) -> None:
        """Replace a posted message's text; an edit that changes nothing is no error."""
        fields: dict[str, Any] = {"chat_id": chat_id, "message_id": message_id, "text": text,
                                  "link_preview_options": {"is_disabled": True}}
        if html:
            fields["parse_mode"] = "HTML"
        self.pacer.wait(chat_id)
        try:
            self.call("editMessageText", chat_id_for_pacing=chat_id, **fields)
        except TelegramRequestError as exc:
            if "message is not modified" not in exc.description.lower():
                raise

    def call(self, method: str, *, chat_id_for_pacing: int | str | None = None, **fields: Any) -> Any:
        """One Bot API method: its `result`, after waiting out 429s and retrying network failures."""
        waited = 0.0
        network_failures = 0
        while True:
            try:
                response = self._http.post(self._base + method, json=fields)
            except httpx.HTTPError as exc:
                network_failures += 1
                if network_failures >= NETWORK_TRIES:
                    raise TelegramUnavailableError(f"the Bot API could not be reached for {method}: "
                                                   f"{self._redact(str(exc)) or type(exc).__name__}; check the "
                                                   "network (and FURSA_TELEGRAM_API_URL), then run again") from None
                self.pacer.sleep(2.0 ** network_failures)
                continue
            answer = self._json_of(response, method)
            if answer.get("ok") is True:
                return answer.get("result")
            code = int(answer.get("error_code") or response.status_code)
            description = str(answer.get("description") or f"HTTP {response.status_code}")
            parameters = answer.get("parameters") or {}
            if code == 429:
                retry_after = float(parameters.get("retry_after") or 1)
                if waited + retry_after > self.max_retry_wait_s:
                    raise TelegramUnavailableError(f"Telegram asks to wait {retry_after:g} s before {method} "
                                                   f"({description}); the rest is sent on the next run",
                                                   retry_after=retry_after)
                log.info("Telegram asked to slow down", extra={"method": method, "retry_after": retry_after})
                waited += retry_after
                if chat_id_for_pacing is not None:
                    self.pacer.hold(chat_id_for_pacing, retry_after)
                    self.pacer.wait(chat_id_for_pacing)
                else:
                    self.pacer.sleep(retry_after)
                continue
            if code >= 500 and network_failures + 1 < NETWORK_TRIES:
                network_failures += 1
                self.pacer.sleep(2.0 ** network_failures)
                continue
            raise _error_for(code, description, method)

    def _json_of(self, response: httpx.Response, method: str) -> dict[str, Any]:
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            if response.status_code >= 500 or response.status_code in (401, 404):
                return {"ok": False, "error_code": response.status_code, "description": f"HTTP {response.status_code}"}
            raise TelegramError(f"the Bot API answered {method} with HTTP {response.status_code} and no JSON; "
                                "is FURSA_TELEGRAM_API_URL a Bot API server?", code=response.status_code)
        return answer

    def _redact(self, text: str) -> str:
        return text.replace(self._token, "<token>")


def _error_for(code: int, description: str, method: str) -> TelegramError:
    """The error a refusal stands for, with what to do about it."""
    lower = description.lower()
    if code in (401, 404):   # a wrong token is answered 401, a malformed one 404
        return BotTokenError(f"Telegram does not know this bot token ({description}): copy the token @BotFather "
                             "gave the bot into FURSA_TELEGRAM_BOT_TOKEN (and check FURSA_TELEGRAM_API_URL, if set)",
                             code=code, description=description)
    if code == 403 or (code == 400 and any(words in lower for words in _CHAT_REFUSALS)):
        return ChatRefusedError(f"the chat refuses the bot ({description}): add the bot to the channel as an "
                                "administrator allowed to post messages, then run `fursa telegram check`",
                                code=code, description=description)
    if code == 400 and "can't parse entities" in lower:
        return MarkupRefusedError(f"Telegram refused the message's markup ({description})", code=code,
                                  description=description)
    if code == 400 and any(words in lower for words in _GONE):
        return MessageGoneError(f"the posted message can no longer be edited ({description}); it was probably "
                                "deleted in the channel", code=code, description=description)
    return TelegramRequestError(f"Telegram refused {method}: {description}", code=code, description=description)
