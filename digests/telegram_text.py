"""A call worded for a Telegram channel: title, deadline, levels, fields and links, in the channel's language.

Telegram's HTML mode knows a few tags and four entities; everything taken from a call is escaped
(`<`, `>`, `&` in text, and `"` too inside an href), and nothing else needs escaping. A message may
hold 4096 characters once its markup is parsed: each part is clipped on its own, before escaping, so
a clip never cuts an entity or a tag in half. Each message also exists as plain text, sent once
when Telegram refuses the markup anyway.

Telegram sets a message right to left when it begins with a right-to-left letter, so an Arabic
message begins with an Arabic word (the call's kind), whatever the language of the call's title.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from html import escape
from zoneinfo import ZoneInfo

from fursa.digests.formatting import clean_text, safe_url
from fursa.digests.records import DigestItem
from fursa.digests.render import _formatter
from fursa.digests.telegram import MESSAGE_LIMIT
from fursa.digests.translations import LANGUAGES, load_translations

# Caps of each part, in characters: together (with the labels) well under MESSAGE_LIMIT.
TITLE_CHARS = 300
PROVIDER_CHARS = 120
FIELDS_CHARS = 800
LINE_CHARS = 300
PLAIN_URL_CHARS = 900     # a longer link is left out of the plain-text form (where it would count)
WITHDRAWN, CLOSED = "withdrawn", "closed"
# A post shows no countdown ("in 12 days"), so its words do not depend on the day it is worded: the
# formatter gets a fixed clock, and a call's post is worded once per process while the call is unchanged.
_ANY_DAY = datetime(2000, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class TelegramText:
    """One message in both forms: Telegram HTML and the same words as plain text."""

    html: str
    plain: str

    @property
    def digest(self) -> str:
        """What the message says, as a hash: a changed call has a changed hash, and is edited."""
        return hashlib.sha256(self.html.encode("utf-8")).hexdigest()

    @property
    def length(self) -> int:
        """The length of its plain form as Telegram counts it (UTF-16 code units); the HTML form shows less
        (its links' addresses are not counted)."""
        return len(self.plain.encode("utf-16-le")) // 2


def html_text(text: str) -> str:
    """`text` as Telegram HTML shows it literally."""
    return escape(text, quote=False)


def html_link(url: str, label: str) -> str:
    return f'<a href="{escape(url, quote=True)}">{html_text(label)}</a>'


@lru_cache(maxsize=8192)   # the job compares every open call's post with what was posted, every run
def call_text(item: DigestItem, language: str, zone: ZoneInfo, page_url: str) -> TelegramText:
    """The post of one call in `language` (en or ar)."""
    language = language if language in LANGUAGES else "en"
    fmt = _formatter(language, zone, _ANY_DAY)
    _ = fmt.gettext
    view = fmt.view(item)
    kind = view.kind
    title = clean_text(item.title, TITLE_CHARS) or _("(untitled call)")
    provider = clean_text(item.provider, PROVIDER_CHARS)
    lines = [(f"{kind} · {provider}" if provider else kind, True), (title, True), ("", False)]
    lines.append((_clip(f"{_('Deadline')}: {view.deadline}", LINE_CHARS), False))
    if view.levels:
        lines.append((_clip(f"{_('Levels')}: {view.levels}", LINE_CHARS), False))
    if view.fields:
        lines.append((f"{_('Fields')}: {clean_text(view.fields, FIELDS_CHARS)}", False))
    links = [(view.url, _("Read the call and apply")), (safe_url(page_url), _("On Fursa"))]
    return _compose(lines, [(url, label) for url, label in links if url])


def note_text(item: DigestItem, language: str, reason: str, page_url: str) -> TelegramText:
    """What a post is edited to once its call is withdrawn (rejected, merged) or closed (expired)."""
    language = language if language in LANGUAGES else "en"
    _ = load_translations(language).gettext
    note = (_("Withdrawn: this call is no longer offered.") if reason == WITHDRAWN
            else _("Closed: applications are no longer accepted."))
    title = clean_text(item.title, TITLE_CHARS) or _("(untitled call)")
    html = f"<b>{html_text(note)}</b>\n<s>{html_text(title)}</s>"
    plain = f"{note}\n{title}"
    return TelegramText(html, plain)


def _compose(lines: list[tuple[str, bool]], links: list[tuple[str, str]]) -> TelegramText:
    html_lines = [f"<b>{html_text(text)}</b>" if bold and text else html_text(text) for text, bold in lines]
    plain_lines = [text for text, _bold in lines]
    if links:
        html_lines += ["", " · ".join(html_link(url, label) for url, label in links)]
        plain_lines += [""] + [f"{label}: {url}" for url, label in links if len(url) <= PLAIN_URL_CHARS]
    text = TelegramText("\n".join(html_lines), "\n".join(plain_lines))
    if text.length > MESSAGE_LIMIT:   # cannot happen with the caps above; a guard for whoever raises them
        raise ValueError(f"a Telegram post of {text.length} characters is over the limit of {MESSAGE_LIMIT}")
    return text


def _clip(text: str, limit: int) -> str:
    return clean_text(text, limit)
