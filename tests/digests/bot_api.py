"""A Telegram Bot API on 127.0.0.1 for the tests: the methods Fursa uses, with Telegram's answers and errors.

Built on fursa.demo.loopback.LocalServer. It keeps chats and their messages, parses Telegram HTML as
strictly as Telegram does (only its tags; only &lt; &gt; &amp; &quot; and numeric entities; 4096
characters once parsed), and answers in the documented shapes: `{"ok": true, "result": …}`, or
`{"ok": false, "error_code": …, "description": …, "parameters": {"retry_after": N}}`. It enforces
Telegram's 20 messages a minute per group or channel against the test's clock, answering 429 with
`retry_after` when a client goes faster; a test can also ask for 429s, a kicked bot, or a chat
whose markup is refused.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Callable

from fursa.demo.loopback import LocalServer, Reply, Request

TOKEN = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
BOT_ID = 123456
PER_CHAT_PER_MINUTE = 20
TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler", "span",
        "blockquote", "tg-emoji"}
ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class MarkupError(ValueError):
    pass


class _TelegramHtml(HTMLParser):
    """Telegram's HTML: the visible text of a message, or MarkupError as Telegram words it."""

    def __init__(self, raw: str) -> None:
        super().__init__(convert_charrefs=False)
        self.raw, self.text, self.open = raw, [], []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in TAGS:
            raise MarkupError(f"Unsupported start tag \"{tag}\"")
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")
        self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            raise MarkupError(f"Unexpected end tag \"{tag}\"")
        self.open.pop()

    def handle_data(self, data):
        if "<" in data or ">" in data:
            raise MarkupError("Unclosed start tag")
        if "&" in data:
            raise MarkupError("Unsupported character entity")
        self.text.append(data)

    def handle_entityref(self, name):
        if name not in ENTITIES:
            raise MarkupError(f"Unsupported entity \"{name}\"")
        self.text.append(ENTITIES[name])

    def handle_charref(self, name):
        self.text.append(chr(int(name[1:], 16) if name.lower().startswith("x") else int(name)))

    def parse(self) -> str:
        self.feed(self.raw)
        self.close()   # a lone "<" or "&" comes out as data, which handle_data refuses as Telegram does
        if self.open:
            raise MarkupError(f"Can't find end tag corresponding to start tag \"{self.open[-1]}\"")
        return "".join(self.text)


def visible_text(html: str) -> str:
    """What Telegram shows of a message written in its HTML (MarkupError when it would refuse it)."""
    return _TelegramHtml(html).parse()


@dataclass
class Message:
    message_id: int
    text: str          # as shown (markup parsed)
    raw: str           # as sent
    html: bool
    reply_to: int | None = None
    edits: int = 0


@dataclass
class Chat:
    id: int
    username: str
    title: str
    type: str = "channel"
    bot_status: str = "administrator"
    can_post: bool = True
    kicked: bool = False
    refuse_markup: bool = False
    messages: dict[int, Message] = field(default_factory=dict)


class FakeBotApi:
    """The server and its state; `clock` is the test's clock, for the per-chat limit."""

    def __init__(self, clock: Callable[[], float], token: str = TOKEN) -> None:
        self.clock = clock
        self.token = token
        self.chats: dict[str, Chat] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.forced_429: list[int] = []      # retry_after of the next answers to sendMessage/editMessageText
        self.sent_at: dict[int, list[float]] = {}
        self.refused_for_pace = 0
        self._next_id = 100
        self._lock = threading.Lock()
        self.server = LocalServer()
        for method in ("getMe", "getChat", "getChatMember", "sendMessage", "editMessageText"):
            self.server.add(f"/bot{token}/{method}", self._handler(method))

    def __enter__(self) -> FakeBotApi:
        self.server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__(*exc)

    @property
    def url(self) -> str:
        return self.server.base

    def add_channel(self, username: str, title: str = "PPU Scholarships", chat_id: int | None = None, **state) -> Chat:
        chat = Chat(id=chat_id or -1001000000000 - len(self.chats), username=username.lstrip("@"), title=title, **state)
        self.chats[f"@{chat.username}"] = chat
        self.chats[str(chat.id)] = chat
        return chat

    def posts(self, chat: str) -> list[Message]:
        return list(self.chats[chat].messages.values())

    def _handler(self, method: str) -> Callable[[Request], Reply]:
        def handle(request: Request) -> Reply:
            fields = json.loads(request.body or b"{}")
            with self._lock:
                self.calls.append((method, fields))
                status, answer = getattr(self, f"_{method}")(fields)
            return Reply(status, json.dumps(answer, ensure_ascii=False).encode(), {"Content-Type": "application/json"})
        return handle

    # --- the methods ---------------------------------------------------------------------------

    def _getMe(self, fields):
        return _ok({"id": BOT_ID, "is_bot": True, "first_name": "Fursa", "username": "fursa_ppu_bot"})

    def _getChat(self, fields):
        chat, refusal = self._chat(fields)
        if refusal:
            return refusal
        return _ok({"id": chat.id, "type": chat.type, "title": chat.title, "username": chat.username})

    def _getChatMember(self, fields):
        chat, refusal = self._chat(fields)
        if refusal:
            return refusal
        member = {"user": {"id": BOT_ID, "is_bot": True, "first_name": "Fursa"}, "status": chat.bot_status}
        if chat.bot_status == "administrator":
            member["can_post_messages"] = chat.can_post
        return _ok(member)

    def _sendMessage(self, fields):
        chat, refusal = self._chat(fields)
        if refusal:
            return refusal
        if chat.bot_status != "administrator" or not chat.can_post:
            return _error(400, "Bad Request: need administrator rights in the channel chat")
        limited = self._pace(chat)
        if limited:
            return limited
        shown, error = self._parse(chat, fields)
        if error:
            return error
        self._next_id += 1
        reply_to = (fields.get("reply_parameters") or {}).get("message_id")
        chat.messages[self._next_id] = Message(self._next_id, shown, fields["text"], fields.get("parse_mode") == "HTML",
                                               reply_to)
        return _ok({"message_id": self._next_id, "date": 1765000000, "text": shown,
                    "chat": {"id": chat.id, "type": chat.type, "title": chat.title}})

    def _editMessageText(self, fields):
        chat, refusal = self._chat(fields)
        if refusal:
            return refusal
        limited = self._pace(chat)
        if limited:
            return limited
        message = chat.messages.get(int(fields.get("message_id") or 0))
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        shown, error = self._parse(chat, fields)
        if error:
            return error
        if fields["text"] == message.raw and (fields.get("parse_mode") == "HTML") == message.html:
            return _error(400, "Bad Request: message is not modified: specified new message content and reply "
                               "markup are exactly the same as a current content and reply markup of the message")
        message.text, message.raw, message.html = shown, fields["text"], fields.get("parse_mode") == "HTML"
        message.edits += 1
        return _ok({"message_id": message.message_id, "date": 1765000000, "edit_date": 1765000001, "text": shown,
                    "chat": {"id": chat.id, "type": chat.type, "title": chat.title}})

    # --- the rules -----------------------------------------------------------------------------

    def _chat(self, fields) -> tuple[Chat | None, tuple[int, dict] | None]:
        chat = self.chats.get(str(fields.get("chat_id")))
        if chat is None:
            return None, _error(400, "Bad Request: chat not found")
        if chat.kicked:
            return None, _error(403, "Forbidden: bot was kicked from the channel chat")
        return chat, None

    def _pace(self, chat: Chat) -> tuple[int, dict] | None:
        if self.forced_429:
            wait = self.forced_429.pop(0)
            return _error(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
        now = self.clock()
        recent = [at for at in self.sent_at.get(chat.id, []) if at > now - 60]
        if len(recent) >= PER_CHAT_PER_MINUTE:
            self.refused_for_pace += 1
            wait = int(recent[0] + 60 - now) + 1
            return _error(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
        self.sent_at[chat.id] = recent + [now]
        return None

    def _parse(self, chat: Chat, fields) -> tuple[str, tuple[int, dict] | None]:
        text = fields.get("text") or ""
        shown = text
        if fields.get("parse_mode") == "HTML":
            if chat.refuse_markup:
                return "", _error(400, "Bad Request: can't parse entities: Unsupported start tag \"\" at byte offset 0")
            try:
                shown = visible_text(text)
            except MarkupError as exc:
                return "", _error(400, f"Bad Request: can't parse entities: {exc} at byte offset 0")
        if not shown.strip():
            return "", _error(400, "Bad Request: message text is empty")
        if len(shown.encode("utf-16-le")) // 2 > 4096:
            return "", _error(400, "Bad Request: message is too long")
        return shown, None


def _ok(result: Any) -> tuple[int, dict]:
    return 200, {"ok": True, "result": result}


def _error(code: int, description: str, parameters: dict | None = None) -> tuple[int, dict]:
    answer: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        answer["parameters"] = parameters
    return code, answer


class FakeClock:
    """The test's time: `sleep` moves it on instead of waiting, and is recorded."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(seconds, 0)
