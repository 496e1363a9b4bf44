"""Every string a digest shows is in the Babel catalogue, and translated into Arabic."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from fursa import digests
from fursa.digests.translations import LOCALES_DIR, catalogue_path

PACKAGE = Path(digests.__file__).parent
METHODS = [("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2"), ("**.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def extracted_ids() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(PACKAGE, METHODS, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, (tuple, list)) else message)
    return found


def catalogue(path: Path, locale: str | None = None):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def test_the_template_catalogue_holds_every_string_of_the_code_and_templates():
    pot_ids = {message.id[0] if isinstance(message.id, tuple) else message.id
               for message in catalogue(LOCALES_DIR / "digests.pot") if message.id}
    found = extracted_ids()
    assert len(found) > 40
    assert found - pot_ids == set(), "run pybabel extract (see digests/translations.py) for these"
    assert pot_ids - found == set(), "strings no longer used; run pybabel extract and update"


def test_every_string_is_translated_into_arabic_in_every_plural_form():
    arabic = catalogue(catalogue_path("ar"), "ar")
    assert arabic.num_plurals == 6
    untranslated = []
    for message in arabic:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            untranslated.append(message.id)
    assert untranslated == []
    assert {message.id[0] if isinstance(message.id, tuple) else message.id for message in arabic if message.id} \
        >= extracted_ids()


def test_placeholders_survive_translation():
    for message in catalogue(catalogue_path("ar"), "ar"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        needed = {part.split(")")[0] for part in ids[0].split("%(")[1:]}
        for index, string in enumerate(strings):
            present = {part.split(")")[0] for part in string.split("%(")[1:]}
            # Arabic's forms for 0, 1 and 2 spell the number out, so they may drop %(num)s.
            assert present <= needed and (present == needed or index < 3), (message.id, string)
