"""Languages of the pages: English and Arabic (right to left), strings in Babel catalogues.

The catalogues live as `.po` files in web/locale/<lang>/LC_MESSAGES/messages.po and are compiled
in memory when first used, so a translator's edit never waits for a forgotten build step.
"""
from __future__ import annotations

import gettext
import logging
from datetime import date as Day, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from starlette.requests import Request

from fursa.storage import Deadline, describe_deadline

log = logging.getLogger("fursa.web")

LANGUAGES = ("en", "ar")
DEFAULT_LANGUAGE = "en"
RTL_LANGUAGES = frozenset({"ar"})
LOCALE_DIR = Path(__file__).parent / "locale"
# Palestinian conventions for Arabic dates (month names of the Levant, Latin digits as PPU writes them).
_BABEL_LOCALES = {"en": "en_GB", "ar": "ar_PS"}
# Deadlines on every page and feed: the month in words, so no reader takes 01/02 for 2 January.
DEADLINE_DATE = "d MMMM y"


@lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue for `lang`; English is the source language and needs none."""
    if lang == DEFAULT_LANGUAGE or lang not in LANGUAGES:
        return gettext.NullTranslations()
    po_path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def direction(lang: str) -> str:
    return "rtl" if lang in RTL_LANGUAGES else "ltr"


def pick_language(request: Request) -> str:
    """The visitor's language: their saved choice, else what the browser asks for, else English."""
    chosen = request.session.get("lang") if "session" in request.scope else None
    if chosen in LANGUAGES:
        return chosen
    return best_accepted(request.headers.get("accept-language", ""))


def best_accepted(header: str) -> str:
    """The first of our languages named in an Accept-Language header, by its q weights."""
    offers: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        weight = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        primary = tag.split("-")[0]
        if primary in LANGUAGES and weight > 0:
            offers.append((-weight, position, primary))
    return min(offers)[2] if offers else DEFAULT_LANGUAGE


class Formatter:
    """Dates and durations in one language and the configured time zone, for templates."""

    def __init__(self, lang: str, zone: ZoneInfo):
        self.lang = lang
        self.zone = zone
        self.locale = Locale.parse(_BABEL_LOCALES.get(lang, lang))

    def date(self, value: datetime | Day | None, fmt: str = "medium") -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = value.astimezone(self.zone).date()
        return format_date(value, format=fmt, locale=self.locale)

    def datetime(self, value: datetime | None, fmt: str = "medium") -> str:
        if value is None:
            return ""
        return format_datetime(value.astimezone(self.zone), format=fmt, locale=self.locale)

    def deadline(self, value: Deadline) -> str:
        """A dated deadline by storage.Deadline's rules: a date alone as stated, a time in this zone
        with the funder's wall time beside it; '' without a date."""
        return describe_deadline(value, self.zone.key, self.locale, translations(self.lang).gettext, DEADLINE_DATE)

    def ago(self, value: datetime | None, now: datetime) -> str:
        """'3 hours ago' / 'in 2 days' in the page's language."""
        if value is None:
            return ""
        if abs((value - now).total_seconds()) < 60:
            return translations(self.lang).gettext("just now")
        return format_timedelta(value - now, add_direction=True, locale=self.locale)
