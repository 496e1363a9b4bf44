"""Clean text from hostile markup: sanitize with nh3, then plain text; decode bytes honestly.

Every string a parser puts in a Draft passes through here, so script, style, SVG and
`javascript:` payloads in a source never reach storage, templates or e-mail.
"""
from __future__ import annotations

import codecs
import html
import re

import charset_normalizer
import nh3
from bs4 import BeautifulSoup

_BLOCK = re.compile(
    r"<(?:/?(?:p|div|li|ul|ol|h[1-6]|tr|table|dd|dt|dl|section|article|blockquote|pre|header|footer|"
    r"figure|figcaption|details|summary)\b[^>]*|br\s*/?|hr\s*/?)>",
    re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0\u200b\u200e\u200f\u202a-\u202e\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n(\s*\n)+")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]{1,31});", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SAFE_SCHEMES = {"http", "https", "mailto"}
_ARABIC = re.compile("[\u0600-\u06ff]")
_LATIN = {"latin_1", "iso8859-1", "cp1252", "iso8859-15", "iso8859-9", "cp1254"}


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


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def decode_html(body: bytes, declared: str | None = None) -> str:
    """Text of an HTML page whose declared encoding may be wrong.

    The declared charset (HTTP header, then <meta>) is trusted only if the bytes decode cleanly
    with it; otherwise the encoding is detected, so a windows-1256 Arabic page labelled UTF-8
    reads as Arabic instead of replacement characters.
    """
    if body.startswith(codecs.BOM_UTF8):
        return body[len(codecs.BOM_UTF8):].decode("utf-8", "replace")
    meta = _META_CHARSET.search(body[:4096])
    for name in (_codec(declared), _codec(meta.group(1).decode("ascii")) if meta else None, "utf-8"):
        if name is None:
            continue
        if name in _LATIN:
            # Latin-1 and its kin decode any bytes, so they never "fail"; an Arabic page labelled
            # with one is recognised by what its high bytes mean in windows-1256.
            arabic = _as_arabic(body)
            if arabic is not None:
                return arabic
        try:
            return body.decode(name)
        except UnicodeDecodeError:
            continue
    # Not UTF-8. Arabic sites mislabel windows-1256 most often, and generic detectors mistake
    # short Arabic text for East-Asian encodings, so Arabic is tried before detection.
    arabic = _as_arabic(body)
    if arabic is not None:
        return arabic
    best = charset_normalizer.from_bytes(body).best()
    return str(best) if best is not None else body.decode("latin-1")


def _as_arabic(body: bytes) -> str | None:
    """`body` decoded as windows-1256 if most of its non-ASCII letters are then Arabic."""
    text = body.decode("windows-1256", "replace")
    non_ascii = [char for char in text if ord(char) > 127 and char.isalpha()]
    if not non_ascii:
        return None
    arabic = sum(1 for char in non_ascii if _ARABIC.match(char))
    return text if arabic / len(non_ascii) >= 0.8 else None


def charset_of(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header value, if any."""
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else None
