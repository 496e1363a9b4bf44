"""The Babel catalogues of digests/: loaded straight from the .po files, no build step.

Catalogue layout: digests/locales/<lang>/LC_MESSAGES/digests.po, template digests/locales/digests.pot.
After changing a template string:
    pybabel extract -F digests/locales/babel.cfg -k N_ -o digests/locales/digests.pot digests
    pybabel update -i digests/locales/digests.pot -d digests/locales -D digests
then translate the new entries; tests/digests/test_catalogue.py fails while any is missing.
"""
from __future__ import annotations

import gettext
import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "digests"
LANGUAGES = ("en", "ar")
RTL_LANGUAGES = ("ar",)
# Babel locale used for dates: Levantine month names (كانون الثاني …) read naturally in Hebron.
BABEL_LOCALES = {"en": "en_GB", "ar": "ar_PS"}


def catalogue_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def load_translations(language: str) -> gettext.NullTranslations:
    """gettext translations for `language`; English is the source language and needs no catalogue."""
    if language not in LANGUAGES:
        raise ValueError(f"no digest catalogue for language {language!r}; digests exist in {', '.join(LANGUAGES)}")
    path = catalogue_path(language)
    if language == "en" and not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def is_rtl(language: str) -> bool:
    return language in RTL_LANGUAGES
