"""Clean text from hostile markup: sanitize with nh3, then plain text; decode bytes honestly.

Every string a parser puts in a Draft passes through here, so script, style, SVG and
`javascript:` payloads in a source never reach storage, templates or e-mail.
"""
from __future__ import annotations

import html
import re

import nh3
from bs4 import BeautifulSoup

from fursa.crawlers.charsets import decode_body

_BLOCK = re.compile(
    r"<(?:/?(?:p|div|li|ul|ol|h[1-6]|tr|table|dd|dt|dl|section|article|blockquote|pre|header|footer|"
    r"figure|figcaption|details|summary)\b[^>]*|br\s*/?|hr\s*/?)>",
    re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0\u200b\u200e\u200f\u202a-\u202e\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n(\s*\n)+")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]{1,31});", re.IGNORECASE)
_SAFE_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(markup: str) -> str:
    """`markup` with scripts, styles, SVG, event handlers and non-http(s) links removed (nh3)."""
    return nh3.clean(markup, url_schemes=_SAFE_SCHEMES, strip_comments=True,
                     clean_content_tags={"script", "style", "svg", "math", "noscript", "template", "iframe",
                                         "object", "embed", "textarea", "select"})


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: sanitized first, block elements become line breaks."""
    if not markup:
        return ""
    if "<" not in markup and "&" not in markup:
        return _tidy(markup)
    cleaned = _BLOCK.sub(lambda match: "\n" + match.group(0), sanitize_html(markup))
    return _tidy(BeautifulSoup(cleaned, "html.parser").get_text())


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clean_title(value: str, limit: int = 500) -> str:
    """A one-line title: entities decoded (twice-escaped ones too), tags and payloads removed."""
    text = value or ""
    for _ in range(2):  # "&amp;ndash;" is escaped twice in some APIs
        if not _ENTITY.search(text):
            break
        text = html.unescape(text)
    text = html_to_text(text) if "<" in text else text
    return " ".join(text.split())[:limit]


def summarize(text: str, limit: int = 400) -> str:
    """The opening of `text`, cut at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Text of an HTML page, read once: the Content-Type header's charset (or a bare charset name),
    the BOM, the page's <meta charset>, then detection, each used only when the bytes agree with
    it (`crawlers.charsets`); so a windows-1256 Arabic page labelled UTF-8 reads as Arabic."""
    return decode_body(body, content_type, "html").text
