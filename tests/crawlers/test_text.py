"""Clean text: sanitized with nh3, then plain; bytes decoded honestly."""
from __future__ import annotations

from fursa.crawlers.text import clean_title, decode_html, html_to_text, sanitize_html, summarize


def test_scripts_styles_svg_and_handlers_are_removed() -> None:
    dirty = ('<p onclick="steal()">Apply <b>now</b></p><script>alert(1)</script><style>p{color:red}</style>'
             '<svg onload="alert(2)"><text>svg text</text></svg><iframe src="https://evil.example"></iframe>'
             '<a href="javascript:alert(3)">link</a><img src=x onerror="alert(4)">')
    cleaned = sanitize_html(dirty)
    assert "onclick" not in cleaned and "script" not in cleaned and "svg" not in cleaned and "javascript" not in cleaned
    assert "onerror" not in cleaned and "iframe" not in cleaned
    assert html_to_text(dirty) == "Apply now\nlink"


def test_blocks_become_lines_and_entities_are_decoded() -> None:
    assert html_to_text("<h2>Eligibility</h2><ul><li>PhD &amp; postdoc</li><li>All&nbsp;fields</li></ul>") == \
        "Eligibility\n\nPhD & postdoc\n\nAll fields"
    assert html_to_text("plain text, no markup") == "plain text, no markup"


def test_titles_are_one_clean_line() -> None:
    assert clean_title("University Program&ndash; Scholarship") == "University Program– Scholarship"
    assert clean_title("Twice &amp;amp; escaped") == "Twice & escaped"
    assert clean_title("<script>x()</script>  Fellowship\n 2027 ") == "Fellowship 2027"
    assert clean_title("منحة   دراسية\n") == "منحة دراسية"


def test_summaries_cut_at_a_word() -> None:
    assert summarize("word " * 200, limit=23) == "word word word word…"
    assert summarize("short") == "short"


def test_decoding_trusts_a_declared_charset_only_when_the_bytes_agree() -> None:
    arabic = "<p>منحة دراسية للطلبة الفلسطينيين</p>"
    assert decode_html(arabic.encode("windows-1256"), "utf-8") == arabic          # mislabelled
    assert decode_html(arabic.encode("windows-1256"), "windows-1256") == arabic   # honest label
    assert decode_html(arabic.encode("utf-8"), None) == arabic
    assert decode_html(b'<meta charset="iso-8859-1"><p>caf\xe9</p>') == '<meta charset="iso-8859-1"><p>café</p>'
    assert decode_html("\ufeffBOM first".encode("utf-8")) == "BOM first"
    assert decode_html(arabic.encode("windows-1256"), "iso-8859-1") == arabic      # Latin-1 never fails to decode
    assert decode_html("<p>Bourse d'études à Paris, été 2026</p>".encode("latin-1"), "iso-8859-1") == \
        "<p>Bourse d'études à Paris, été 2026</p>"
