"""Grants.gov: the search2 API (a POST with a JSON body) and fetchOpportunity for the full synopsis.

Dates are "MM/DD/YYYY" in US Eastern time; an empty closeDate means the call states none.
Titles come HTML-escaped ("&ndash;"), award ceilings are sometimes the string "none".
"""
from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any, Sequence

from fursa.storage import Draft, ItemError, SourceSpec

from fursa.crawlers.dates import deadline_from, instant_from
from fursa.crawlers.errors import FormatError
from fursa.crawlers.jsondata import as_text, get_path, load_json
from fursa.crawlers.pages import PageRequest, ParsedPage, check_item, new_draft, sort_results
from fursa.crawlers.text import html_to_text, summarize

ZONE = "America/New_York"
DETAIL_PAGE = "https://www.grants.gov/search-results-detail/{id}"
FETCH_OPPORTUNITY = "https://api.grants.gov/v1/api/fetchOpportunity"
DEFAULT_BODY = {"keyword": "", "oppStatuses": "forecasted|posted", "rows": 100, "sortBy": "openDate|desc"}
_JSON = {"Content-Type": "application/json", "Accept": "application/json"}


def search_body(spec: SourceSpec, start: int) -> dict[str, Any]:
    return {**DEFAULT_BODY, **dict(spec.options.get("body") or {}), "startRecordNum": start}


def first_request(spec: SourceSpec) -> PageRequest:
    body = search_body(spec, 0)
    return PageRequest(url=spec.url, method="POST", body=json.dumps(body).encode(), headers=_JSON,
                       state={"start": 0})


def _check_envelope(data: Any, url: str) -> dict[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get("data"), dict):
        raise FormatError(f"{url} answered JSON without a 'data' object; the Grants.gov API may have changed")
    if data.get("errorcode") not in (0, None):
        raise FormatError(f"{url} reported error {data.get('errorcode')}: {data.get('msg')!r}; check the request body in the catalogue")
    return data["data"]


def draft_from_hit(hit: dict[str, Any], spec: SourceSpec, where: str) -> Draft | ItemError:
    opp_id = as_text(hit.get("id")).strip()
    url = DETAIL_PAGE.format(id=opp_id) if opp_id else ""
    problem = check_item(url, as_text(hit.get("title")), where)
    if problem:
        return problem
    categories = [f"agency:{hit['agencyCode']}"] if hit.get("agencyCode") else []
    categories += [f"cfda:{number}" for number in hit.get("cfdaList") or []]
    categories += [f"status:{hit['oppStatus']}"] if hit.get("oppStatus") else []
    return new_draft(
        spec, url, as_text(hit.get("title")),
        provider=as_text(hit.get("agency")) or as_text(hit.get("agencyName")) or as_text(hit.get("agencyCode")),
        external_id=as_text(hit.get("number")),
        deadline=deadline_from(as_text(hit.get("closeDate")), ZONE, "us"),
        opens_at=instant_from(as_text(hit.get("openDate")), ZONE, "us"),
        categories=tuple(categories))


def parse_grants_gov_search(body: bytes, spec: SourceSpec, url: str | None = None,
                            request: PageRequest | None = None) -> ParsedPage:
    """Drafts from one search2 answer, the next page's request while hits remain, and (when the
    catalogue sets `detail = true`) a fetchOpportunity request per hit."""
    url = url or spec.url
    data = _check_envelope(load_json(body, url), url)
    hits = data.get("oppHits") or []
    drafts, errors = sort_results(spec, (draft_from_hit(hit, spec, f"{url} hit {number}")
                                         for number, hit in enumerate(hits, start=1)))
    page = request.page if request else 1
    detail_requests: tuple[PageRequest, ...] = ()
    if spec.options.get("detail"):
        detail_requests = tuple(_detail_request(spec, draft, hit) for draft, hit in _pairs(drafts, hits))
        drafts = ()  # each draft comes back completed by its detail request
    return ParsedPage(drafts=drafts, item_errors=errors,
                      next_request=_next_page(spec, data, len(hits), page), detail_requests=detail_requests)


def _pairs(drafts: Sequence[Draft], hits: list[dict[str, Any]]) -> list[tuple[Draft, dict[str, Any]]]:
    by_url = {DETAIL_PAGE.format(id=as_text(hit.get("id")).strip()): hit for hit in hits}
    return [(draft, by_url.get(draft.url, {})) for draft in drafts]


def _detail_request(spec: SourceSpec, draft: Draft, hit: dict[str, Any]) -> PageRequest:
    body = json.dumps({"opportunityId": int(as_text(hit.get("id")) or 0)}).encode()
    return PageRequest(url=str(spec.options.get("detail_url") or FETCH_OPPORTUNITY), method="POST", body=body,
                       headers=_JSON, role="detail", draft=draft)


def _next_page(spec: SourceSpec, data: dict[str, Any], hit_count: int, page: int) -> PageRequest | None:
    start = int(data.get("startRecord") or 0)
    total = int(data.get("hitCount") or 0)
    if hit_count == 0 or start + hit_count >= total or page >= int(spec.options.get("max_pages", 5)):
        return None
    body = search_body(spec, start + hit_count)
    return PageRequest(url=spec.url, method="POST", body=json.dumps(body).encode(), headers=_JSON,
                       page=page + 1, state={"start": start + hit_count})


def _amount(synopsis: dict[str, Any]) -> Decimal | None:
    for key in ("awardCeiling", "estimatedFunding"):
        try:
            value = Decimal(as_text(synopsis.get(key)).replace(",", ""))
        except InvalidOperation:
            continue  # "none", "" and other words
        if value > 0:
            return value
    return None


def parse_grants_gov_opportunity(body: bytes, spec: SourceSpec, draft: Draft, url: str | None = None) -> Draft:
    """`draft` completed from a fetchOpportunity answer: synopsis text, eligibility, award ceiling,
    funding-activity categories and applicant types."""
    url = url or FETCH_OPPORTUNITY
    data = _check_envelope(load_json(body, url), url)
    synopsis = data.get("synopsis") or data.get("forecast") or {}
    description = as_text(synopsis.get("synopsisDesc") or synopsis.get("forecastDesc"))
    eligibility = as_text(synopsis.get("applicantEligibilityDesc"))
    text = html_to_text(description)
    if eligibility:
        text += "\n\nEligibility: " + html_to_text(eligibility.replace("&amp;", "&"))
    categories = list(draft.categories)
    categories += [f"category:{item['id']}" for item in synopsis.get("fundingActivityCategories") or [] if item.get("id")]
    categories += [f"instrument:{item['id']}" for item in synopsis.get("fundingInstruments") or [] if item.get("id")]
    categories += [f"applicant:{item['id']}" for item in synopsis.get("applicantTypes") or [] if item.get("id")]
    amount = _amount(synopsis)
    deadline = draft.deadline
    if deadline.kind == "unknown" and as_text(synopsis.get("responseDateStr")):
        deadline = deadline_from(as_text(synopsis["responseDateStr"])[:10], ZONE, "iso")
    return replace(
        draft, text=text.strip() or draft.text, summary=summarize(text) or draft.summary,
        provider=draft.provider or as_text(synopsis.get("agencyName")),
        amount=amount if amount is not None else draft.amount, currency="USD" if amount is not None else draft.currency,
        categories=tuple(dict.fromkeys(categories)), deadline=deadline,
        external_id=draft.external_id or as_text(get_path(data, "opportunityNumber")))
