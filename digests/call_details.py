"""A call's "What it pays" line for a digest item: what the call states it covers, how much, for how long
(matching.CallDetails), in the reader's language; "" when the call states none of it."""
from __future__ import annotations

from decimal import Decimal
from typing import Callable

from fursa.matching import Amount, CallDetails


def N_(text: str) -> str:
    return text


COVERAGE_WORDS = {"full": N_("Fully funded"), "partial": N_("Partly funded")}
COVER_WORDS = {"tuition": N_("tuition"), "stipend": N_("stipend"), "travel": N_("travel"), "housing": N_("housing"),
               "insurance": N_("health insurance")}
PERIOD_WORDS = {"month": N_("%(sum)s a month"), "year": N_("%(sum)s a year"), "semester": N_("%(sum)s a semester"),
                "week": N_("%(sum)s a week")}


def _figure(value: Decimal) -> str:
    return f"{int(value):,}" if value == value.to_integral() else f"{value:,}"


def amount_words(amount: Amount, gettext: Callable[[str], str]) -> str:
    """"up to 1,200 EUR a month", "2,000–5,000 GBP", "at least 500 EUR"."""
    low, high = amount.minimum, amount.maximum
    if low is not None and high is not None and low != high:
        figure = f"{_figure(low)}–{_figure(high)} {amount.currency}"
    elif high is not None:
        figure = f"{_figure(high)} {amount.currency}"
        if low is None:
            figure = gettext("up to %(sum)s") % {"sum": figure}
    elif low is not None:
        figure = gettext("at least %(sum)s") % {"sum": f"{_figure(low)} {amount.currency}"}
    else:
        return ""
    return gettext(PERIOD_WORDS[amount.period]) % {"sum": figure} if amount.period in PERIOD_WORDS else figure


def duration_words(value: float, unit: str, ngettext) -> str:
    """"12 months", "2 years" (each written out, so the catalogue holds its plural forms)."""
    count = int(value)
    shown = {"num": count if value == count else value}
    if unit == "week":
        return ngettext("%(num)s week", "%(num)s weeks", count) % shown
    if unit == "semester":
        return ngettext("%(num)s semester", "%(num)s semesters", count) % shown
    if unit == "year":
        return ngettext("%(num)s year", "%(num)s years", count) % shown
    return ngettext("%(num)s month", "%(num)s months", count) % shown


def pays_line(details: CallDetails | None, gettext, ngettext, separator: str = ", ") -> str:
    """"Fully funded · tuition, stipend · up to 1,200 EUR a month · 12 months", short enough for an e-mail."""
    if details is None:
        return ""
    parts = []
    if details.coverage in COVERAGE_WORDS:
        parts.append(gettext(COVERAGE_WORDS[details.coverage]))
    if details.covers:
        parts.append(separator.join(gettext(COVER_WORDS[item]) for item in details.covers))
    if details.amounts:
        parts.append(amount_words(details.amounts[0], gettext))
    if details.duration:
        parts.append(duration_words(details.duration.value, details.duration.unit, ngettext))
    return " · ".join(part for part in parts if part)
