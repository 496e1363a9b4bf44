"""Words and numbers in the reader's language: dates, countdowns, fields, levels, and clean scraped text."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from fursa.storage import describe_deadline
from fursa.matching import shared_words

from fursa.digests.call_details import pays_line
from fursa.digests.records import DigestItem
from fursa.digests.translations import BABEL_LOCALES
from fursa.digests.wording import ALL_FIELDS, KIND_LABELS, LEVEL_LABELS

# Explicit embeddings, overrides and isolates (LRE … RLO, LRI … PDI): in scraped text they can flip the
# rest of the e-mail around a title, so they go; the plain marks LRM/RLM/ALM are harmless and stay.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_SPACES = re.compile(r"\s+")
TITLE_LIMIT = 300


@lru_cache(maxsize=16384)  # a run renders the same few hundred titles thousands of times
def clean_text(text: str | None, limit: int = TITLE_LIMIT) -> str:
    """Scraped text made safe to show: no control or bidi-override characters, one line, at most `limit` chars."""
    text = (text or "").translate(_BIDI_CONTROLS)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cc" or ch in "\t\n\r")
    text = _SPACES.sub(" ", text).strip()
    if len(text) > limit:
        cut = text[: limit - 1]
        space = cut.rfind(" ")
        text = (cut[:space] if space > limit // 2 else cut).rstrip(" ,.;:-") + "…"
    return text


def safe_url(url: str | None) -> str:
    """The link if it is plain http(s), else '' so a scraped javascript: or data: URL is never clickable."""
    url = (url or "").strip()
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc and not any(c.isspace() for c in url) else ""


@dataclass(frozen=True)
class ItemView:
    """One call's display strings in one language: what the templates print, already cleaned and worded."""

    featured: bool
    title: str
    url: str
    provider: str
    kind: str
    deadline: str
    countdown: str
    levels: str
    fields: str
    why: str
    partner: bool = False   # the call names an institution of the partner register
    call_id: int = 0
    slots: int = 0   # a limited submission's nominations (0: an ordinary call)
    internal_deadline: str = ""
    pays: str = ""   # "Fully funded · tuition, stipend · up to 1,200 EUR a month" (digests/call_details.py)


class Formatter:
    """Formats one digest's values for one reader; templates call it as `fmt`."""

    def __init__(self, language: str, zone: ZoneInfo, now: datetime, translations, field_name):
        self.language = language
        self.zone = zone
        self.now = now
        self.locale = BABEL_LOCALES[language]
        self.gettext = translations.gettext
        self.ngettext = translations.ngettext
        self._field_name = field_name

    def view(self, item: DigestItem) -> ItemView:
        return ItemView(
            featured=item.featured,
            partner=item.partner,
            call_id=item.opportunity_id,
            slots=item.slots,
            internal_deadline=self.internal_deadline(item),
            title=clean_text(item.title) or self.gettext("(untitled call)"),
            url=safe_url(item.url),
            provider=clean_text(item.provider, 120),
            kind=self.kind(item.kind),
            deadline=self.deadline(item),
            countdown=self.countdown(item),
            levels=self.levels(item.levels),
            fields=self.fields(item.disciplines, item.excluded),
            why=self.reasons(item),
            pays=self.pays(item),
        )

    def pays(self, item: DigestItem) -> str:
        text = pays_line(item.details, self.gettext, self.ngettext, "، " if self.language == "ar" else ", ")
        return text.translate(_ARABIC_DIGITS) if self.language == "ar" else text

    def number(self, value: int | str) -> str:
        text = str(value)
        return text.translate(_ARABIC_DIGITS) if self.language == "ar" else text

    def deadline(self, item: DigestItem) -> str:
        """By storage.Deadline's rules: a date alone as stated; a time in the reader's zone, the funder's beside it."""
        deadline = item.deadline
        if deadline.kind == "rolling":
            return self.gettext("Rolling: applications are read as they arrive")
        if not deadline.dated:
            return self.gettext("Not given: check the call")
        text = describe_deadline(deadline, self.zone.key, self.locale, self.gettext, "EEEE d MMMM y")
        return text.translate(_ARABIC_DIGITS) if self.language == "ar" else text

    def internal_deadline(self, item: DigestItem) -> str:
        """A limited submission's internal deadline, worded like the funder's; '' for an ordinary call."""
        if not item.internal_deadline.dated:
            return ""
        text = describe_deadline(item.internal_deadline, self.zone.key, self.locale, self.gettext, "EEEE d MMMM y")
        return text.translate(_ARABIC_DIGITS) if self.language == "ar" else text

    def countdown(self, item: DigestItem) -> str:
        """"in 12 days", "tomorrow", "today", counted in calendar days to the date shown; '' without a date."""
        days = item.deadline.days_left(self.now, self.zone.key)
        if days is None:
            return ""
        if days <= 0:
            return self.gettext("closes today")
        if days == 1:
            return self.gettext("closes tomorrow")
        return self.ngettext("in %(num)s day", "in %(num)s days", days) % {"num": self.number(days)}

    def kind(self, code: str) -> str:
        return self.gettext(KIND_LABELS.get(code, KIND_LABELS["other"]))

    def levels(self, codes) -> str:
        return self._join(self.gettext(LEVEL_LABELS[code]) if code in LEVEL_LABELS else code for code in codes)

    def fields(self, codes, excluded=()) -> str:
        if any(code in ALL_FIELDS for code in codes):
            if excluded:
                left_out = self._join(self._field_name(code, self.language) for code in excluded)
                return self.gettext("All fields except %(fields)s") % {"fields": left_out}
            return self.gettext("All fields")
        return self._join(self._field_name(code, self.language) for code in codes)

    def reasons(self, item: DigestItem) -> str:
        """Why this call is here, from matching's structured reasons, worded in the reader's language.

        Deadline and kind reasons are left out: the deadline and kind lines already say them.
        """
        parts = [self.gettext("recommended by the International Relations Office")] if item.featured else []
        for key, params in item.reason_details:
            values = dict(params)
            if key == "field":
                parts.append(self.gettext("your field: %(fields)s") % {"fields": self.fields([values["code"]])})
            elif key == "all_fields":
                parts.append(self.gettext("open to all fields"))
            elif key == "level":
                parts.append(self.gettext("your level: %(levels)s") % {"levels": self.levels([values["level"]])})
            elif key == "palestinians":
                parts.append(self.gettext("open to Palestinians"))
            elif key == "shares":   # a research profile's words the call shares (matching/research.py)
                parts.append(self.gettext("shares: %(terms)s") % {"terms": self._join(shared_words(values["terms"]))})
        return self._join(parts, "؛ " if self.language == "ar" else "; ")

    def _join(self, parts, separator: str | None = None) -> str:
        separator = separator or ("، " if self.language == "ar" else ", ")
        return separator.join(part for part in parts if part)
