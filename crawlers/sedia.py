"""EU Funding & Tenders (SEDIA search API): calls for proposals and tenders.

Traps, from the API as it really answers: the request is a multipart POST whose parts are typed
`application/json`; every metadata value is a list; `budgetOverview` is a JSON string inside a
list (parse twice); two-stage calls carry two deadlines; date filters in the query are ignored.
"""
from __future__ import annotations

import json
import logging
import uuid
from dataclasses import replace
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fursa.storage import Deadline, Draft, ItemError, SourceSpec

from fursa.crawlers.dates import deadline_from, instant_from
from fursa.crawlers.errors import FormatError
from fursa.crawlers.jsondata import as_list, as_text, load_json
from fursa.crawlers.pages import PageRequest, ParsedPage, check_item, new_draft, sort_results
from fursa.crawlers.text import html_to_text, summarize

log = logging.getLogger(__name__)

ZONE = "Europe/Brussels"
TOPIC_PAGE = "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/topic-details/{identifier}"
DEFAULT_QUERY = {"bool": {"must": [{"terms": {"type": ["1", "2", "8"]}},
                                   {"terms": {"status": ["31094501", "31094502"]}}]}}
DEFAULT_SORT = {"field": "startDate", "order": "DESC"}
STATUS_NAMES = {"31094501": "forthcoming", "31094502": "open", "31094503": "closed"}


def multipart_body(parts: dict[str, Any]) -> tuple[bytes, str]:
    """A multipart/form-data body whose every part is JSON typed application/json (as SEDIA wants)."""
    boundary = f"----fursa{uuid.uuid4().hex}"
    chunks = []
    for name, value in parts.items():
        chunks.append(
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"blob\"\r\n"
            f"Content-Type: application/json\r\n\r\n{json.dumps(value)}\r\n".encode())
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def _page_url(spec: SourceSpec, page: int) -> str:
    parts = urlsplit(spec.url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("pageSize", "pageNumber")]
    names = {k for k, _ in query}
    query += [("apiKey", "SEDIA")] if "apiKey" not in names else []
    query += [("text", str(spec.options.get("text", "***")))] if "text" not in names else []
    query += [("pageSize", str(int(spec.options.get("page_size", 100)))), ("pageNumber", str(page))]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, safe="*"), ""))


def page_request(spec: SourceSpec, page: int) -> PageRequest:
    body, content_type = multipart_body({
        "query": spec.options.get("query") or DEFAULT_QUERY,
        "sort": spec.options.get("sort") or DEFAULT_SORT,
        "languages": list(spec.options.get("languages") or ["en"]),
    })
    return PageRequest(url=_page_url(spec, page), method="POST", body=body, page=page,
                       headers={"Content-Type": content_type, "Accept": "application/json"})


def first_request(spec: SourceSpec) -> PageRequest:
    return page_request(spec, 1)


def _budget(metadata: dict[str, Any]) -> tuple[Decimal | None, list[str]]:
    """The largest grant on offer and the deadline days from `budgetOverview` (JSON in a list)."""
    raw = as_text(metadata.get("budgetOverview"))
    if not raw:
        return None, []
    try:
        overview = json.loads(raw)
    except json.JSONDecodeError:
        log.info("SEDIA budgetOverview is not JSON: %.80s", raw)
        return None, []
    actions = [action for group in (overview.get("budgetTopicActionMap") or {}).values() for action in group or []]
    ceilings = [Decimal(str(action["maxContribution"])) for action in actions
                if isinstance(action.get("maxContribution"), (int, float)) and action["maxContribution"] > 0]
    days = [day for action in actions for day in action.get("deadlineDates") or []]
    return (max(ceilings) if ceilings else None), days


def _deadline(metadata: dict[str, Any], budget_days: list[str]) -> Deadline:
    """The first deadline: in a two-stage call, stage one is the date a new applicant must meet."""
    days = sorted({value[:10] for value in as_list(metadata.get("deadlineDate")) + budget_days if value})
    if not days:
        return Deadline()
    deadline = deadline_from(days[0], ZONE, "iso")
    if len(days) > 1:
        stages = "; ".join(f"stage {number}: {day}" for number, day in enumerate(days, start=1))
        deadline = replace(deadline, text=stages)   # still the date as stated (date-only)
    return deadline


def draft_from_result(result: dict[str, Any], spec: SourceSpec, where: str) -> Draft | ItemError:
    metadata = result.get("metadata") or {}
    identifier = as_text(metadata.get("identifier"))
    title = as_text(metadata.get("title")) or as_text(result.get("title")) or as_text(result.get("summary"))
    url = as_text(metadata.get("url")) or as_text(result.get("url"))
    if identifier and (not url or url.endswith(".json")):
        url = TOPIC_PAGE.format(identifier=identifier)   # the data URL is JSON; people need the portal page
    problem = check_item(url, title, where)
    if problem:
        return problem
    amount, budget_days = _budget(metadata)
    text = html_to_text(as_text(metadata.get("descriptionByte")) or as_text(result.get("content")))
    categories = [value for key in ("identifier", "callIdentifier") for value in as_list(metadata.get(key))]
    categories += [f"programme:{value}" for value in as_list(metadata.get("frameworkProgramme"))]
    categories += [f"action:{value}" for value in as_list(metadata.get("typesOfAction"))]
    categories += [f"priority:{value}" for value in as_list(metadata.get("crossCuttingPriorities"))]
    categories += [f"status:{STATUS_NAMES.get(value, value)}" for value in as_list(metadata.get("status"))]
    return new_draft(
        spec, url, title, text=text, summary=summarize(text), external_id=identifier,
        deadline=_deadline(metadata, budget_days),
        opens_at=instant_from(as_text(metadata.get("startDate"))[:10], ZONE, "iso"),
        amount=amount, currency="EUR" if amount is not None else "",
        categories=tuple(dict.fromkeys(categories)))


def parse_sedia(body: bytes, spec: SourceSpec, url: str | None = None, request: PageRequest | None = None) -> ParsedPage:
    """Drafts from one SEDIA search page, and the next page's request while results remain."""
    url = url or spec.url
    data = load_json(body, url)
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise FormatError(f"{url} answered JSON without a 'results' list; the SEDIA search API may have changed")
    prefixes = tuple(spec.options.get("identifier_prefixes") or ())
    drafts, errors = sort_results(spec, (
        draft_from_result(result, spec, f"{url} result {number}")
        for number, result in enumerate(data["results"], start=1)
        if not prefixes or as_text((result.get("metadata") or {}).get("identifier")).startswith(prefixes)))
    page = request.page if request else int(data.get("pageNumber") or 1)
    size = int(data.get("pageSize") or spec.options.get("page_size", 100))
    more = page * size < int(data.get("totalResults") or 0) and bool(data["results"])
    next_request = page_request(spec, page + 1) if more and page < int(spec.options.get("max_pages", 5)) else None
    return ParsedPage(drafts=drafts, item_errors=errors, next_request=next_request)
