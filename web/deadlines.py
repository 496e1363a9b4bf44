"""Deadlines on the pages, feeds and API, by storage's one set of rules (storage.Deadline)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from fursa.storage import Deadline
from fursa.web.i18n import Formatter
from fursa.web.labels import N_

# The words storage.describe_deadline builds a deadline from, for this catalogue.
DEADLINE_WORDS = (N_("Hebron"), N_("%(city)s time"), N_("%(date)s, %(time)s"), N_("%(here)s (%(there)s)"))


def deadline_words(deadline: Deadline, lang: str, zone: ZoneInfo) -> str:
    """A dated deadline in `lang` for a reader in `zone` ('' without a date)."""
    return Formatter(lang, zone).deadline(deadline)
