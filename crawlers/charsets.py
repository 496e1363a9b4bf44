"""Reading a downloaded body as text, once: the header, the BOM, the document's declaration, then detection.

Each label is used only when the bytes agree with it:
- the charset of the Content-Type header, then
- a byte-order mark (UTF-8, UTF-16, UTF-32), then
- the document's own declaration (<meta charset> or <meta http-equiv> for HTML, the XML
  declaration for feeds), then
- detection, when no label is left: UTF-8 if the bytes are UTF-8, the Arabic single-byte code
  page (windows-1256 or ISO-8859-6) whose reading is clean Arabic, else charset-normalizer.

A label and the bytes disagree when the bytes do not decode with it, when a BOM names another
encoding, or, for a single-byte label (which decodes any bytes), when its reading is not text: a
UTF-8 body, Arabic words strewn with Latin letters (ISO-8859-6 read as windows-1256), or Arabic
bytes read as Latin letters. A body with no label at all that is UTF-8 (or plain ASCII) is read
as UTF-8, the default of XML and of today's web, and is not a guess. Whatever else detection
decides is a guess, and `Decoded.guessed` says so; parsers flag such drafts ENCODING_GUESSED.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import charset_normalizer

ENCODING_GUESSED = "encoding_guessed"   # a Draft flag: no label named the page's encoding; it was detected

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""")
_UNICODE = {"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}
# As browsers do (WHATWG Encoding): these labels mean windows-1252, which decodes 0x80-0x9F to text.
_MEANS_1252 = {"ascii", "iso8859-1", "latin-1"}
_ARABIC_CODECS = ("cp1256", "iso8859-6")
_WORD = re.compile(r"[^\s!-/:-@\[-`{-~]+")          # a run without spaces or ASCII punctuation
_ARABIC_LETTER = re.compile("[\u0620-\u064a\u066e-\u06d3\u06d5\u06ee-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]")
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_SAMPLE = 65536   # characters looked at to judge a reading
_INNOCENT = set("\u00ab\u00bb\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u200c\u200d\u200e\u200f\u00a0")


@dataclass(frozen=True)
class Decoded:
    """A body's text, the codec it was read with, and which step chose it:
    "header", "bom", "declaration", "default" (no label, UTF-8 bytes) or "detected"."""

    text: str
    encoding: str
    chosen_by: str

    @property
    def guessed(self) -> bool:
        return self.chosen_by == "detected"

    @property
    def flags(self) -> tuple[str, ...]:
        """The Draft flags a parser adds to what it read from this body."""
        return (ENCODING_GUESSED,) if self.guessed else ()


def charset_of(content_type: str | None) -> str | None:
    """The charset named by a Content-Type header value ("text/html; charset=utf-8"); a bare
    charset name ("windows-1256") is taken as itself, a media type without one gives None."""
    value = (content_type or "").strip()
    match = _CHARSET_PARAM.search(value)
    if match:
        return match.group(1)
    return value if value and "/" not in value and ";" not in value else None


@lru_cache(maxsize=64)
def codec_of(label: str | None) -> str | None:
    """Python's name for the encoding a label names (latin-1 and ascii read as windows-1252), or
    None when there is no label or Python does not know it."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return "cp1252" if name in _MEANS_1252 else name


@lru_cache(maxsize=64)
def _single_byte(codec: str) -> bool:
    """True for a code page that reads each byte as one character (every byte string "decodes")."""
    if codec in _UNICODE:
        return False
    return len(bytes(range(128, 256)).decode(codec, "replace")) == 128


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _letters(text: str) -> tuple[int, int, int]:
    """(Arabic letters, other non-ASCII letters, suspects) of a reading; suspects are C1 controls,
    replacement characters, and Latin letters and other non-Arabic characters inside a word with
    Arabic letters (digits and punctuation aside)."""
    arabic = other = suspects = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        has_arabic = bool(_ARABIC_LETTER.search(word))
        for char in word:
            if char.isascii() or char in _INNOCENT:
                suspects += has_arabic and char.isalpha()   # "ىtudes": é read as an Arabic letter
                continue
            if _ARABIC_SCRIPT.match(char):
                arabic += bool(_ARABIC_LETTER.match(char))
            elif char == "\ufffd" or unicodedata.category(char) == "Cc":
                suspects += 1
            else:
                other += char.isalpha()
                suspects += has_arabic
    return arabic, other, suspects


def _clean_arabic(text: str) -> bool:
    """Most non-ASCII letters are Arabic, and (almost) none sits inside an Arabic word where it cannot belong."""
    arabic, other, suspects = _letters(text[:_SAMPLE])
    return arabic > 0 and arabic >= 4 * other and suspects * 50 <= arabic


def _clean(text: str) -> bool:
    """No C1 controls or replacement characters, and (almost) no word mixing Arabic with other letters."""
    arabic, _other, suspects = _letters(text[:_SAMPLE])
    return suspects * 50 <= arabic


def _arabic_reading(body: bytes) -> tuple[str, str] | None:
    """(text, codec) of the Arabic code page that reads `body` as clean Arabic; windows-1256 first."""
    for codec in _ARABIC_CODECS:
        text = _strict(body, codec)
        if text is not None and _clean_arabic(text):
            return text, codec
    return None


def _family(codec: str) -> str:
    return codec.replace("-sig", "").removesuffix("-le").removesuffix("-be")


def _agrees(body: bytes, codec: str, bom: str | None) -> str | None:
    """The text of `body` read with a label's codec, or None when the bytes disagree with the label."""
    if bom is not None:   # a BOM the bytes agree with names the encoding; any other label is wrong
        return _strict(body, bom) if _family(codec) == _family(bom) else None
    text = _strict(body, codec)
    if text is None or codec == "utf-8":
        return text
    if _strict(body, "utf-8") is not None and not (body.isascii() and _single_byte(codec)):
        return None       # UTF-8 text under a legacy label, or ASCII under UTF-16/32 without a BOM
    if not _single_byte(codec) or body.isascii():
        return text
    if not _clean(text):
        return None       # e.g. ISO-8859-6 read as windows-1256: Arabic words full of Latin letters
    if codec not in _ARABIC_CODECS and _arabic_reading(body) is not None:
        return None       # Arabic bytes under a Latin (or other) label
    return text


def _bom(body: bytes) -> tuple[str | None, bytes]:
    """(codec, body) for a body that starts with a byte-order mark the rest agrees with; a stray
    UTF-8 BOM before bytes that are not UTF-8 is dropped and names nothing."""
    for mark, codec in _BOMS:
        if body.startswith(mark):
            if _strict(body, codec) is not None:
                return codec, body
            return None, body[len(mark):] if mark == codecs.BOM_UTF8 else body
    return None, body


def declared_charset(body: bytes, markup: str) -> str | None:
    """The charset the document declares in its first bytes: the XML declaration for "xml", the
    <meta> element for "html" (an XHTML page's XML declaration if it has no <meta>)."""
    head = body[:4096].lstrip(codecs.BOM_UTF8)
    xml = _XML_DECLARATION.match(head)
    meta = _META_CHARSET.search(head) if markup == "html" else None
    found = meta or xml
    return found.group(1).decode("ascii") if found else None


def decode_body(body: bytes, content_type: str | None = None, markup: str = "html") -> Decoded:
    """`body` as text, read once: header → BOM → declaration → detection (see the module)."""
    bom, body = _bom(body)
    labels: list[tuple[str, str | None]] = [("header", codec_of(charset_of(content_type)))]
    if bom is not None:
        labels.append(("bom", bom))
    declared = codec_of(declared_charset(body, markup))
    if declared in _UNICODE and declared != "utf-8" and bom is None:
        declared = "utf-8"   # a declaration readable as ASCII cannot be in UTF-16/32 (as browsers do)
    labels.append(("declaration", declared))
    for step, codec in labels:
        if codec is None:
            continue
        text = _agrees(body, codec, bom)
        if text is not None:
            return Decoded(text.lstrip("\ufeff"), codec, step)
    named = any(codec for _step, codec in labels)
    return _detect(body, guessed=named)


def _detect(body: bytes, guessed: bool) -> Decoded:
    """No label fits: UTF-8 bytes are UTF-8 (not a guess when nothing was labelled), then clean Arabic, then charset-normalizer."""
    text = _strict(body, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", "detected" if guessed and not body.isascii() else "default")
    arabic = _arabic_reading(body)
    if arabic is not None:
        return Decoded(arabic[0], arabic[1], "detected")
    best = charset_normalizer.from_bytes(body).best()
    if best is not None:
        return Decoded(str(best), best.encoding, "detected")
    return Decoded(body.decode("utf-8", "replace"), "utf-8", "detected")
