"""The call page's "What it pays / what it asks" block: a call's stated details worded in the page's language."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from fursa import matching
from fursa.web.i18n import translations


def N_(text: str) -> str:
    return text


COVER_LABELS = {"tuition": N_("Tuition"), "stipend": N_("Monthly stipend"), "travel": N_("Travel"),
                "housing": N_("Housing"), "insurance": N_("Health insurance")}
DOCUMENT_LABELS = {"cv": N_("CV"), "motivation_letter": N_("Motivation letter"),
                   "recommendation_letters": N_("Recommendation letters"), "transcripts": N_("Transcripts"),
                   "degree_certificate": N_("Degree certificate"), "passport": N_("Passport"),
                   "language_certificate": N_("Language certificate"), "research_proposal": N_("Research proposal"),
                   "photo": N_("Photo")}
PERIOD_WORDS = {"month": N_("%(sum)s a month"), "year": N_("%(sum)s a year"), "semester": N_("%(sum)s a semester"),
                "week": N_("%(sum)s a week")}


@dataclass(frozen=True)
class DetailsView:
    """Two lists of (label, value) rows, already worded; empty lists when the call states nothing."""

    pays: tuple[tuple[str, str], ...]
    asks: tuple[tuple[str, str], ...]

    def __bool__(self) -> bool:
        return bool(self.pays or self.asks)


def money(value: Decimal) -> str:
    """1200 -> "1,200"; 1.5 stays "1.5"."""
    return f"{int(value):,}" if value == value.to_integral() else f"{value:,}"


def amount_words(amount: matching.Amount, _: Callable[[str], str]) -> str:
    """"up to 1,200 EUR a month", "2,000–5,000 GBP", "at least 500 EUR", in the page's language."""
    if amount.minimum is not None and amount.maximum is not None and amount.minimum != amount.maximum:
        figure = f"{money(amount.minimum)}–{money(amount.maximum)} {amount.currency}"
    elif amount.maximum is not None:
        figure = f"{money(amount.maximum)} {amount.currency}"
        if amount.minimum is None:
            figure = _("up to %(sum)s") % {"sum": figure}
    elif amount.minimum is not None:
        figure = _("at least %(sum)s") % {"sum": f"{money(amount.minimum)} {amount.currency}"}
    else:
        return ""
    return _(PERIOD_WORDS[amount.period]) % {"sum": figure} if amount.period in PERIOD_WORDS else figure


def duration_words(duration: matching.Duration, ngettext) -> str:
    value = duration.value
    count = int(value) if value == int(value) else value
    forms = {"week": ("%(count)s week", "%(count)s weeks"), "month": ("%(count)s month", "%(count)s months"),
             "semester": ("%(count)s semester", "%(count)s semesters"), "year": ("%(count)s year", "%(count)s years")}
    single, plural = forms[duration.unit]
    # %(count)s, the catalogue's plural placeholder: an Arabic form may word it («سنتان») instead of printing it
    return ngettext(single, plural, int(value)) % {"count": count}


def tests_words(details: matching.CallDetails, _: Callable[[str], str]) -> str:
    parts = []
    if details.ielts is not None:
        parts.append(_("IELTS %(score)s or higher") % {"score": details.ielts})
    if details.toefl is not None:
        parts.append(_("TOEFL iBT %(score)s or higher") % {"score": details.toefl})
    named = [test for test in details.tests if not (test == "IELTS" and details.ielts is not None)
             and not (test == "TOEFL" and details.toefl is not None)]
    return " · ".join([*parts, *named])


def age_words(details: matching.CallDetails, _: Callable[[str], str]) -> str:
    if details.age_max is None:
        return ""
    if details.age_min is not None:
        return _("%(low)s to %(high)s years old") % {"low": details.age_min, "high": details.age_max}
    # "under 35" and «ألا يزيد العمر عن 35» differ by a year: the limit is shown as stated, not reworded
    return _("%(age)s years") % {"age": details.age_max}


def details_context(call, lang: str) -> dict:
    """The desk's call page: the block the public page shows, and the words the details were read from."""
    translation = translations(lang)
    raw = call.details or {}
    return {"details": details_view(raw, call.host_country, lang, translation.gettext, translation.ngettext),
            "details_read": tuple(raw.get("evidence") or ())}


def details_view(raw: dict | None, host_country: str, lang: str, gettext, ngettext) -> DetailsView:
    """The block's rows for a call's stored details (Opportunity.details) in `lang`."""
    details = matching.CallDetails.from_dict(raw)
    sep = "، " if lang == "ar" else ", "
    _ = gettext
    pays: list[tuple[str, str]] = []
    if details.coverage:
        pays.append((_("Funding"), _("Fully funded") if details.coverage == "full" else _("Partly funded")))
    if details.covers:
        pays.append((_("Covers"), sep.join(_(COVER_LABELS[item]) for item in details.covers)))
    for amount in details.amounts[:3]:
        worded = amount_words(amount, _)
        if worded:
            pays.append((_("Amount stated"), worded))
    if details.duration:
        pays.append((_("Duration"), duration_words(details.duration, ngettext)))
    countries = matching.load_countries()
    if host_country in countries:
        pays.append((_("Host country"), countries[host_country].name(lang)))
    if details.institution:
        pays.append((_("Institution"), details.institution))
    asks: list[tuple[str, str]] = []
    if details.study_languages:
        asks.append((_("Language of study"),
                     sep.join(matching.language_name(code, lang) for code in details.study_languages)))
    tests = tests_words(details, _)
    if tests:
        asks.append((_("Language tests"), tests))
    age = age_words(details, _)
    if age:
        asks.append((_("Age limit"), age))
    if details.documents:
        asks.append((_("Documents"), sep.join(_(DOCUMENT_LABELS[item]) for item in details.documents)))
    return DetailsView(tuple(pays), tuple(asks))
