"""The JSON API: approved calls, with the same filters as the public pages; described at /api/openapi.json."""
from __future__ import annotations

from datetime import date as Day, datetime, timezone
from typing import Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field
from starlette.requests import Request

from fursa.matching import CallDetails
from fursa.storage import CLOSING_ZONE, KINDS, Opportunity
from fursa.storage import Deadline as StatedDeadline
from fursa.storage import public_call, search_calls
from fursa.web.filters import read_query
from fursa.web.params import Offset, RowId
from fursa.web.state import now_of, transaction, web_state

router = APIRouter(prefix="/api/v1", tags=["calls"])


class Deadline(BaseModel):
    """A deadline as the provider states it; the pages, feeds and e-mails show the same `date` and `time`."""

    kind: Literal["date", "rolling", "unknown"] = Field(description="`date` when `date` is set; never invented")
    date_only: bool = Field(False, description="true when the provider gave a date and no time")
    date: Day | None = Field(None, description="the closing date as every page shows it: the stated date when no "
                             "time was given (never moved between zones), else the date in the site's time zone")
    time: str | None = Field(None, description="HH:MM in the site's time zone (`site_timezone`); null when no time "
                             "was given")
    site_timezone: str = Field(description="the time zone of `date` and `time` for a timed deadline")
    at: datetime | None = Field(None, description="when applications close, UTC: the stated instant, or for a "
                                "date-only deadline the end of that date in Hebron")
    timezone: str | None = Field(None, description="the time zone the provider gave the deadline in")


def deadline_of(stated: StatedDeadline, zone: str) -> Deadline:
    """The API's view of a deadline, by the rules every other surface follows (storage.Deadline)."""
    if not stated.dated:
        return Deadline(kind=stated.kind, site_timezone=zone)
    local = stated.local(zone)
    return Deadline(kind="date", date_only=stated.date_only, date=stated.shown_day(zone),
                    time=local.strftime("%H:%M") if local else None, site_timezone=zone,
                    at=stated.at.astimezone(timezone.utc), timezone=stated.timezone)


class Money(BaseModel):
    """A sum the call states: `min`..`max` (either may be null: "up to 1,200" has no `min`)."""

    min: str | None = Field(None, description="decimal, as a string")
    max: str | None = Field(None, description="decimal, as a string")
    currency: str = Field(description="ISO 4217")
    period: str = Field(description="month, year, semester, week, or empty when the call does not say")
    text: str = Field(description="the words it was read from")


class Details(BaseModel):
    """What the call states it pays and asks; empty where it does not say (never guessed)."""

    coverage: str = Field("", description="`full`, `partial` or empty")
    covers: list[str] = Field(default_factory=list, description="tuition, stipend, travel, housing, insurance")
    amounts: list[Money] = Field(default_factory=list)
    duration_months: float | None = Field(None, description="how long the award lasts, in months")
    duration_text: str = ""
    host_country: str = Field("", description="ISO 3166 alpha-2")
    institution: str = ""
    study_languages: list[str] = Field(default_factory=list, description="ISO 639-1 codes the call is taught in")
    tests: list[str] = Field(default_factory=list, description="language and admission tests named")
    ielts: str | None = Field(None, description="minimum IELTS band")
    toefl: int | None = Field(None, description="minimum TOEFL iBT score")
    age_max: int | None = None
    age_min: int | None = None
    documents: list[str] = Field(default_factory=list, description="cv, motivation_letter, recommendation_letters, "
                                 "transcripts, degree_certificate, passport, language_certificate, "
                                 "research_proposal, photo")


def details_of(row: Opportunity) -> Details:
    found = CallDetails.from_dict(getattr(row, "details", None))
    return Details(
        coverage=found.coverage, covers=list(found.covers),
        amounts=[Money(**amount.as_dict()) for amount in found.amounts],
        duration_months=round(found.duration.months, 1) if found.duration else None,
        duration_text=found.duration.text if found.duration else "", host_country=row.host_country or "",
        institution=found.institution, study_languages=list(found.study_languages), tests=list(found.tests),
        ielts=str(found.ielts) if found.ielts is not None else None, toefl=found.toefl, age_max=found.age_max,
        age_min=found.age_min, documents=list(found.documents))


class Call(BaseModel):
    """One approved call."""

    id: int
    title: str
    summary: str
    provider: str
    url: str = Field(description="the provider's page for the call")
    page: str = Field(description="the call's page on Fursa")
    kind: str = Field(description="one of: " + ", ".join(KINDS))
    levels: list[str]
    audiences: list[str] = Field(default_factory=list, description="who the call is for: student, faculty, staff "
                                 "(administrative staff: training, staff mobility, capacity building); empty when not read")
    disciplines: list[str] = Field(description="ISCED-F 2013 codes; `any` for calls open to every field; "
                                   "empty when no field was found in the call")
    excluded: list[str] = Field(description="broad ISCED-F fields an `any` call leaves out "
                                "(\"all fields except medicine\" is `any` with `[\"09\"]`)")
    regions: list[str]
    palestinian_eligible: bool | None = Field(description="true, false (closed to Palestinians) or null (not known)")
    deadline: Deadline
    language: str
    featured: bool
    status: Literal["approved", "expired"]
    approved_at: datetime | None
    details: Details = Field(default_factory=Details, description="what the call pays and asks, where it says so")


class CallList(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[Call]


def to_call(row: Opportunity, base_url: str, zone: str = CLOSING_ZONE) -> Call:
    return Call(
        id=row.id, title=row.title, summary=row.summary, provider=row.provider, url=row.url,
        page=f"{base_url}/calls/{row.id}", kind=row.kind, levels=list(row.levels or []),
        audiences=list(row.audiences or []),
        disciplines=list(row.disciplines or []), excluded=list(row.excluded or []), regions=list(row.regions or []),
        palestinian_eligible=row.palestinian_eligible,
        deadline=deadline_of(row.deadline, zone),
        language=row.language, featured=row.featured, status="expired" if row.status == "expired" else "approved",
        approved_at=row.approved_at, details=details_of(row),
    )


@router.get("/calls", response_model=CallList, summary="Open approved calls")
def list_calls(
    request: Request,
    q: str = Query("", description="words that must all appear in the title, summary, provider or text"),
    field: str = Query("", description="an ISCED-F code (broad `07`, narrow `071`, detailed `0714`)"),
    level: str = Query("", description="bachelor, master, phd, postdoc, faculty or staff"),
    kind: str = Query("", description=", ".join(KINDS)),
    within: int | None = Query(None, description="deadline within 7, 30 or 90 days"),
    eligible: str = Query("", description="`ps`: only calls confirmed open to Palestinians"),
    language: str = Query("", description="language of the call (en, ar …)"),
    country: str = Query("", description="the host country, an ISO 3166 code (`DE`, `HU`), where the call states it"),
    coverage: str = Query("", description="`full` or `partial` funding, where the call states it"),
    sort: str = Query("", description="closing (the default), newest, or relevance (when searching)"),
    lang_of_study: str = Query("", description="a language the call is taught in, ISO 639-1 (`en`, `de`, `tr`)"),
    offset: Offset = 0,
    limit: int = Query(50, ge=1, le=200),
) -> CallList:
    """Approved calls whose deadline has not passed: featured first, then the nearest deadline."""
    query = read_query({"q": q, "field": field, "level": level, "kind": kind, "eligible": eligible,
                        "language": language, "within": "" if within is None else str(within),
                        "country": country, "coverage": coverage, "sort": sort, "lang_of_study": lang_of_study})
    base_url = web_state(request).base_url
    with transaction(request) as session:
        found = search_calls(session, query, now_of(request), offset=offset, limit=limit)
        zone = web_state(request).zone.key
        items = [to_call(row, base_url, zone) for row in found.rows]
    return CallList(total=found.total, offset=offset, limit=limit, items=items)


@router.get("/calls/{call_id}", response_model=Call, summary="One call",
            responses={404: {"description": "no approved call with this id"}})
def get_call(request: Request, call_id: RowId) -> Call:
    with transaction(request) as session:
        row = public_call(session, call_id)
        if row is None:
            raise HTTPException(status_code=404, detail=f"no approved call with id {call_id}")
        return to_call(row, web_state(request).base_url, web_state(request).zone.key)
