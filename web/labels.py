"""Words for the codes stored in rows (kinds, levels, statuses …), marked for translation.

`N_` only marks a string for the catalogue; templates translate it with `label(group, code)`.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable

from babel import Locale, UnknownLocaleError


def N_(text: str) -> str:
    return text


LABELS: dict[str, dict[str, str]] = {
    "kind": {
        "scholarship": N_("Scholarship"), "exchange": N_("Exchange"), "research_funding": N_("Research funding"),
        "fellowship": N_("Fellowship"), "training": N_("Training"), "conference": N_("Conference"),
        "job": N_("Job vacancy"), "admission": N_("Admission"), "other": N_("Other"),
    },
    "level": {
        "bachelor": N_("Bachelor"), "master": N_("Master"), "phd": N_("PhD"), "postdoc": N_("Postdoc"),
        "faculty": N_("Faculty"), "staff": N_("Staff"),
    },
    "status": {
        "new": N_("New"), "approved": N_("Approved"), "rejected": N_("Rejected"), "expired": N_("Expired"),
    },
    "role": {"student": N_("Student"), "faculty": N_("Faculty member or researcher"), "staff": N_("Staff")},
    # who a call is for (storage.AUDIENCES, issue 15.4)
    "audience": {"student": N_("Students"), "faculty": N_("Faculty and researchers"), "staff": N_("Administrative staff")},
    # a staff subscriber's unit (storage.STAFF_UNITS, issue 15.4)
    "unit": {
        "registration": N_("Registration"), "admissions": N_("Admissions"), "finance": N_("Finance"),
        "human_resources": N_("Human resources"), "library": N_("Library"), "it_centre": N_("IT centre"),
        "international_relations": N_("International relations"), "public_relations": N_("Public relations"),
        "student_affairs": N_("Student affairs"), "academic_affairs": N_("Academic affairs"),
        "quality_assurance": N_("Quality assurance"), "research": N_("Research"), "procurement": N_("Procurement"),
        "facilities": N_("Facilities"), "presidency": N_("Presidency"), "other": N_("Other"),
    },
    "staff_role": {"admin": N_("Admin"), "curator": N_("Curator")},
    "frequency": {"weekly": N_("Weekly digest"), "instant": N_("As soon as calls are approved")},
    "language": {"en": N_("English"), "ar": N_("Arabic"), "fr": N_("French"), "de": N_("German")},
    "subscriber_status": {
        "active": N_("Active"), "suspended": N_("Suspended"), "unsubscribed": N_("Unsubscribed"),
        "deleted": N_("Deleted"), "unconfirmed": N_("Not confirmed yet"),
    },
    "source_status": {
        "never": N_("Never run"), "ok": N_("Working"), "not_modified": N_("Working, nothing new"),
        "error": N_("Failing"), "paused": N_("Paused"),
    },
    "delivery_state": {
        "pending": N_("Waiting"), "sending": N_("Sending"), "sent": N_("Sent"), "failed": N_("Failed"),
    },
    "deadline_kind": {"date": N_("On a date"), "rolling": N_("Rolling (no fixed date)"), "unknown": N_("Not known")},
    "eligible": {"true": N_("Yes"), "false": N_("No"), "none": N_("Not known")},
    "coverage": {"full": N_("Fully funded"), "partial": N_("Partly funded")},
    # What the tagger flagged on a call, for staff; the desk words the first two with their evidence.
    "flag": {
        "no_field_found": N_("No field found — tag it"),
        "deadline_year_unknown": N_("Deadline stated without a year"),
        "html_removed": N_("HTML was removed from the text"),
        "truncated": N_("The text was cut short: it was very long"),
        "empty_text": N_("The call has no text to read"),
        "unsupported_language": N_("Neither English nor Arabic: tags may be missing"),
        "encoding_guessed": N_("The page did not say its encoding; it was guessed: check the Arabic reads right"),
    },
    "job": {
        "crawl": N_("Crawl due sources and tag"), "weekly_digest": N_("Send the weekly digests"),
        "instant_alerts": N_("Send instant alerts"), "retry_deliveries": N_("Send again what was deferred"),
        "expire": N_("Mark passed calls expired"),
        "retrain": N_("Retrain the matcher on reviewed calls"),
    },
    "job_status": {"ok": N_("Done"), "degraded": N_("Done in part"), "failed": N_("Failed"), "missed": N_("Missed"),
                   "running": N_("Running")},
    # the partner register (web/partners.py)
    "agreement": {"mou": N_("Memorandum of understanding"),
                  "erasmus_iia": N_("Erasmus+ inter-institutional agreement"), "other": N_("Other agreement")},
    "agreement_state": {"active": N_("In force"), "expiring": N_("Ending soon"), "expired": N_("Ended"),
                        "not_started": N_("Not started yet")},
}


def labeller(gettext: Callable[[str], str]) -> Callable[[str, object], str]:
    """`label(group, code)` for templates: the translated word, or the code itself when unknown."""

    def label(group: str, code: object) -> str:
        key = str(code).lower() if isinstance(code, bool) or code is None else str(code)
        text = LABELS.get(group, {}).get(key)
        return gettext(text) if text else key

    return label


@lru_cache(maxsize=64)
def language_name(code: str, lang: str) -> str:
    """A language's name in the page's language (Babel's CLDR names: "French", "الفرنسية"), or the code
    itself when Babel does not know it."""
    try:
        return Locale.parse(lang).languages.get(code) or code
    except (UnknownLocaleError, ValueError):
        return code
