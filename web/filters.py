"""The public filters over approved calls, read from a query string; shared by pages, feeds and the API."""
from __future__ import annotations

from typing import Mapping

from fastapi import Query

from fursa.storage import KINDS, LEVELS
from fursa.storage import CallQuery
from fursa.web.params import strip_controls

WITHIN_CHOICES = (7, 30, 90)
LANGUAGE_CHOICES = ("en", "ar", "fr", "de")
PARAMS = ("q", "field", "level", "kind", "within", "eligible", "language")


def _code(value: str) -> str:
    """A taxonomy code: digits only (or `any`); anything else filters nothing."""
    value = value.strip()
    return value if (value.isascii() and value.isdigit() and 2 <= len(value) <= 4) or value == "any" else ""


def read_query(params: Mapping[str, str]) -> CallQuery:
    """A CallQuery from request parameters; unknown values are dropped, never an error page."""
    within = params.get("within", "")
    return CallQuery(
        text=" ".join(strip_controls(params.get("q", "")).split())[:200],
        discipline=_code(params.get("field", "")),
        level=params.get("level", "") if params.get("level", "") in LEVELS else "",
        kind=params.get("kind", "") if params.get("kind", "") in KINDS else "",
        language=params.get("language", "") if params.get("language", "") in LANGUAGE_CHOICES else "",
        within_days=int(within) if within in {str(days) for days in WITHIN_CHOICES} else None,
        palestinian_only=params.get("eligible", "") == "ps",
    )


def call_query(
    q: str = Query("", description="words that must all appear in the title, summary, provider or text"),
    field: str = Query("", description="an ISCED-F code (broad `07`, narrow `071`, detailed `0714`)"),
    level: str = Query("", description=", ".join(LEVELS)),
    kind: str = Query("", description=", ".join(KINDS)),
    within: str = Query("", description="deadline within 7, 30 or 90 days"),
    eligible: str = Query("", description="`ps`: only calls confirmed open to Palestinians"),
    language: str = Query("", description="language of the call (" + ", ".join(LANGUAGE_CHOICES) + ")"),
) -> CallQuery:
    """FastAPI dependency: the filters of a page or feed, declared so that they are documented and
    checked like any parameter; unknown values filter nothing (read_query)."""
    return read_query({"q": q, "field": field, "level": level, "kind": kind, "within": within,
                       "eligible": eligible, "language": language})


def as_params(query: CallQuery) -> dict[str, str]:
    """The query string parameters that give `query` back (for feed links and paging)."""
    params = {
        "q": query.text, "field": query.discipline, "level": query.level, "kind": query.kind,
        "language": query.language, "within": str(query.within_days) if query.within_days else "",
        "eligible": "ps" if query.palestinian_only else "",
    }
    return {key: value for key, value in params.items() if value}
