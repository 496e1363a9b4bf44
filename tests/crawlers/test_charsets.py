"""The decoding rules of crawlers.charsets, one at a time: header → BOM → declaration → detection,
each label used only when the bytes agree with it (the crawl over every combination is in
test_encodings.py)."""
from __future__ import annotations

import codecs

import pytest

from fursa.crawlers.charsets import charset_of, codec_of, declared_charset, decode_body

ARABIC = "<p>منحة دراسية لطلبة الماجستير في غزة والقدس، التقديم مفتوح حتى نهاية الشهر</p>"


@pytest.mark.parametrize("value, charset", [
    ("text/html; charset=windows-1256", "windows-1256"),
    ('application/rss+xml;charset="ISO-8859-6"', "ISO-8859-6"),
    ("text/html", None),
    ("windows-1256", "windows-1256"),   # a bare charset name
    (None, None),
])
def test_the_charset_is_read_out_of_the_whole_content_type(value: str | None, charset: str | None) -> None:
    assert charset_of(value) == charset


def test_the_header_decides_when_the_bytes_agree() -> None:
    # Before, the whole "text/html; charset=iso-8859-6" was looked up as a codec, so the header
    # never counted and the page fell through to <meta> or to detection.
    decoded = decode_body(ARABIC.encode("iso-8859-6"), "text/html; charset=iso-8859-6")
    assert (decoded.text, decoded.encoding, decoded.chosen_by, decoded.guessed) == (ARABIC, "iso8859-6", "header", False)


def test_a_wrong_header_gives_way_to_the_declaration() -> None:
    body = ('<meta charset="windows-1256">' + ARABIC).encode("windows-1256")
    decoded = decode_body(body, "text/html; charset=utf-8")
    assert decoded.text.endswith(ARABIC) and decoded.chosen_by == "declaration" and not decoded.guessed


def test_an_arabic_header_on_iso_8859_6_bytes_is_refused_by_what_it_reads() -> None:
    # windows-1256 decodes any bytes; read from ISO-8859-6 it strews Latin letters through the words.
    decoded = decode_body(ARABIC.encode("iso-8859-6"), "text/html; charset=windows-1256")
    assert decoded.text == ARABIC and decoded.encoding == "iso8859-6" and decoded.guessed


def test_a_bom_beats_a_header_and_a_declaration_that_contradict_it() -> None:
    body = codecs.BOM_UTF8 + ('<meta charset="windows-1256">' + ARABIC).encode("utf-8")
    decoded = decode_body(body, "text/html; charset=windows-1256")
    assert decoded.text == '<meta charset="windows-1256">' + ARABIC and decoded.chosen_by == "bom"


def test_a_stray_bom_before_legacy_bytes_is_dropped() -> None:
    decoded = decode_body(codecs.BOM_UTF8 + ARABIC.encode("windows-1256"), None)
    assert decoded.text == ARABIC and decoded.encoding == "cp1256" and decoded.guessed


def test_latin_labels_hold_for_latin_text_but_not_for_arabic_bytes() -> None:
    french = "<p>Bourse d'études à Paris, été 2026 — appel à candidatures</p>"
    assert decode_body(french.encode("cp1252"), "text/html; charset=iso-8859-1").text == french
    arabic = decode_body(ARABIC.encode("windows-1256"), "text/html; charset=iso-8859-1")
    assert arabic.text == ARABIC and arabic.guessed


def test_utf8_bytes_under_a_legacy_label_are_read_as_utf8_and_flagged() -> None:
    decoded = decode_body(ARABIC.encode("utf-8"), "text/html; charset=windows-1256")
    assert decoded.text == ARABIC and decoded.encoding == "utf-8" and decoded.guessed


def test_unlabelled_utf8_and_ascii_are_the_default_not_a_guess() -> None:
    assert decode_body(ARABIC.encode("utf-8")).chosen_by == "default"
    assert decode_body(b"<p>Open call</p>", None, "xml").chosen_by == "default"
    assert decode_body(b"<p>Open call</p>", "text/html; charset=utf-8").chosen_by == "header"


def test_unlabelled_legacy_arabic_is_detected_and_flagged() -> None:
    for codec in ("windows-1256", "iso-8859-6"):
        decoded = decode_body(ARABIC.encode(codec))
        assert decoded.text == ARABIC and codecs.lookup(decoded.encoding).name == codecs.lookup(codec).name
        assert decoded.flags == ("encoding_guessed",)


def test_declarations_are_read_by_markup() -> None:
    feed = b'<?xml version="1.0" encoding="ISO-8859-6"?><rss><channel><description>&lt;meta charset="utf-8"&gt;'
    assert declared_charset(feed, "xml") == "ISO-8859-6"
    assert declared_charset(b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256">',
                            "html") == "windows-1256"
    assert declared_charset(b"<html><head><title>t</title>", "html") is None
    assert codec_of("latin1") == codec_of("us-ascii") == "cp1252"   # as browsers read these labels
    assert codec_of("x-no-such-charset") is None
