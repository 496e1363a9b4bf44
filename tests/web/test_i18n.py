"""The Arabic catalogue covers every string of the web, with the same placeholders; languages are chosen right."""
from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from fursa.web.i18n import best_accepted, translations

WEB = Path(__file__).resolve().parents[2] / "web"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _extracted() -> dict[str, int]:
    """msgid (singular) -> number of forms, straight from the code and templates."""
    with (WEB / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    method_map = [(pattern.removeprefix("web/"), method) for pattern, method in method_map]
    options_map = {pattern.removeprefix("web/"): options for pattern, options in options_map.items()}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found: dict[str, int] = {}
    for _file, _line, message, _comments, _context in extract_from_dir(str(WEB), method_map, options_map, keywords=keywords):
        found[message[0] if isinstance(message, tuple) else message] = 2 if isinstance(message, tuple) else 1
    return found


def _catalogue():
    with (WEB / "locale" / "ar" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale="ar")


def test_every_string_has_an_arabic_translation():
    catalogue = _catalogue()
    extracted = _extracted()
    assert len(extracted) > 300
    missing = [msgid for msgid in extracted if not catalogue.get(msgid) or not catalogue.get(msgid).string
               or (isinstance(catalogue.get(msgid).string, tuple) and not all(catalogue.get(msgid).string))]
    assert missing == [], f"add Arabic for: {missing}"


def test_translations_keep_their_placeholders():
    for message in _catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1])) - {"count"}
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) - {"count"} == wanted, (message.id, text)


def test_arabic_plurals_use_the_six_forms():
    gettext = translations("ar")
    assert gettext.ngettext("%(count)s call", "%(count)s calls", 1) == "فرصة واحدة"
    assert gettext.ngettext("%(count)s call", "%(count)s calls", 2) == "فرصتان"
    assert gettext.ngettext("%(count)s call", "%(count)s calls", 5) == "%(count)s فرص"
    assert gettext.ngettext("%(count)s call", "%(count)s calls", 11) == "%(count)s فرصة"


def test_accept_language_weights_are_respected():
    assert best_accepted("en;q=0.4, ar;q=0.9") == "ar"
    assert best_accepted("de, fr") == "en"
    assert best_accepted("ar;q=0, en") == "en"
    assert best_accepted("ar-PS") == "ar"
    assert best_accepted("q=;;,,") == "en"
