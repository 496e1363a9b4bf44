"""The public filters over approved calls, read from a query string; shared by pages, feeds and the API.

A value the list does not know (a level "emperor", a field "abc", a country "XX") is refused with a
message saying what the choices are, never dropped in silence: the visitor would otherwise read a
list that ignores what they asked for.
"""
from __future__ import annotations

from typing import Callable, Mapping

from fastapi import Depends, Query
from starlette.requests import Request

from fursa import matching
from fursa.storage import KINDS, LEVELS, SORTS
from fursa.storage import CallQuery
from fursa.web.errors import FilterError
from fursa.web.params import strip_controls
from fursa.web.render import gettext_of

WITHIN_CHOICES = (7, 30, 90)
LANGUAGE_CHOICES = ("en", "ar", "fr", "de")
PARAMS = ("q", "field", "level", "kind", "within", "eligible", "language", "country", "coverage", "lang_of_study",
          "sort")
MAX_QUERY = 200


def N_(text: str) -> str:
    return text


# The filters' names as a visitor reads them (the form's labels), for the messages below.
FILTER_NAMES = {"field": N_("Field"), "level": N_("Level"), "kind": N_("Kind"), "within": N_("Deadline"),
                "eligible": N_("Only calls open to Palestinians"), "language": N_("Language of the call"),
                "country": N_("Country"), "coverage": N_("Funding"), "sort": N_("Order"),
                "lang_of_study": N_("Language of study")}


def _field(value: str) -> bool:
    return value == "any" or value in matching.load_taxonomy().fields


def _choices() -> dict[str, tuple[str, ...] | Callable[[str], bool]]:
    return {
        "field": _field, "level": LEVELS, "kind": KINDS, "within": tuple(str(days) for days in WITHIN_CHOICES),
        "eligible": ("ps",), "language": LANGUAGE_CHOICES, "country": tuple(matching.load_countries()),
        "coverage": matching.COVERAGES, "sort": SORTS, "lang_of_study": matching.study_language_codes(),
    }


def _problem(name: str, value: str, allowed, _: Callable[[str], str]) -> str:
    shown = value if len(value) <= 40 else value[:40] + "…"
    if callable(allowed):
        return _("“%(value)s” is not a choice for “%(filter)s”: choose one from the list in the form.") % {
            "value": shown, "filter": _(FILTER_NAMES[name])}
    return _("“%(value)s” is not a choice for “%(filter)s”. Choose one of: %(choices)s.") % {
        "value": shown, "filter": _(FILTER_NAMES[name]), "choices": ", ".join(allowed)}


def read_query(params: Mapping[str, str], _: Callable[[str], str] = lambda text: text) -> CallQuery:
    """A CallQuery from request parameters. Raises FilterError (400) naming each value the list does
    not know, in the language of `_`; empty values filter nothing."""
    values = {name: strip_controls(params.get(name) or "").strip() for name in PARAMS}
    values["country"] = values["country"].upper()
    problems = []
    for name, allowed in _choices().items():
        value = values[name]
        if value and not (allowed(value) if callable(allowed) else value in allowed):
            problems.append(_problem(name, value, allowed, _))
    if problems:
        raise FilterError(problems)
    text = " ".join(strip_controls(params.get("q") or "").split())[:MAX_QUERY]
    return CallQuery(
        text=text, terms=matching.search_terms(text),
        discipline=values["field"], level=values["level"], kind=values["kind"], language=values["language"],
        within_days=int(values["within"]) if values["within"] else None, palestinian_only=values["eligible"] == "ps",
        host_country=values["country"], coverage=values["coverage"], sort=values["sort"],
        study_language=values["lang_of_study"],
    )


def checked_query(
    request: Request,
    q: str = Query("", description="words that must all appear in the call or in the names of its tags "
                                   "(English or Arabic; a word also finds the words it begins)"),
    field: str = Query("", description="an ISCED-F code (broad `07`, narrow `071`, detailed `0714`) or `any`"),
    level: str = Query("", description=", ".join(LEVELS)),
    kind: str = Query("", description=", ".join(KINDS)),
    within: str = Query("", description="deadline within 7, 30 or 90 days"),
    eligible: str = Query("", description="`ps`: only calls confirmed open to Palestinians"),
    language: str = Query("", description="language of the call (" + ", ".join(LANGUAGE_CHOICES) + ")"),
    country: str = Query("", description="the host country, an ISO 3166 code (`DE`, `HU`), where the call states it"),
    coverage: str = Query("", description="`full` or `partial` funding, where the call states it"),
    sort: str = Query("", description="closing (soonest deadline, the default), newest, or relevance (when searching)"),
    lang_of_study: str = Query("", description="a language the call is taught in, ISO 639-1 (`en`, `de`, `tr`), "
                                               "where it says so"),
) -> CallQuery | FilterError:
    """FastAPI dependency: the filters of a page or feed, declared so that they are documented; an
    unknown value gives the FilterError (messages in the visitor's language) for the page to show."""
    try:
        return read_query({"q": q, "field": field, "level": level, "kind": kind, "within": within,
                           "eligible": eligible, "language": language, "country": country, "coverage": coverage,
                           "sort": sort, "lang_of_study": lang_of_study}, gettext_of(request))
    except FilterError as error:
        return error


def call_query(checked: CallQuery | FilterError = Depends(checked_query)) -> CallQuery:
    """FastAPI dependency: the filters of a feed; an unknown value is a 400 with its message."""
    if isinstance(checked, FilterError):
        raise checked
    return checked


def as_params(query: CallQuery) -> dict[str, str]:
    """The query string parameters that give `query` back (for feed links and paging)."""
    params = {
        "q": query.text, "field": query.discipline, "level": query.level, "kind": query.kind,
        "language": query.language, "within": str(query.within_days) if query.within_days else "",
        "eligible": "ps" if query.palestinian_only else "", "country": query.host_country,
        "coverage": query.coverage, "sort": query.sort, "lang_of_study": query.study_language,
    }
    return {key: value for key, value in params.items() if value}
