"""Public pages: browse and search approved calls, one page per call, the language switch."""
from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from fursa.storage import KINDS, LEVELS, CallQuery
from fursa.storage import public_call, search_calls, sources_of
from fursa.web.auth import remember_language, safe_next
from fursa.web.csrf import verify_csrf
from fursa.web.errors import PageNotFoundError
from fursa.web.fields import field_groups
from fursa.web.filters import LANGUAGE_CHOICES, WITHIN_CHOICES, as_params, call_query
from fursa.web.i18n import LANGUAGES
from fursa.web.params import RowId
from fursa.web.render import page_language, render
from fursa.web.state import now_of, transaction

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
PAGE_SIZE = 20


@router.get("/")
def browse(request: Request, page: int = 1, query: CallQuery = Depends(call_query)) -> Response:
    page = max(1, min(page, 1000))
    with transaction(request) as session:
        found = search_calls(session, query, now_of(request), offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        return render(request, "public/browse.html", {
            "calls": found.rows, "total": found.total, "page": page, "has_next": found.has_next,
            "filters": query, "params": as_params(query), "kinds": KINDS, "levels": LEVELS,
            "within_choices": WITHIN_CHOICES, "language_choices": LANGUAGE_CHOICES,
            "field_groups": field_groups(page_language(request)),
        })


@router.get("/calls/{call_id}")
def call_page(request: Request, call_id: RowId) -> Response:
    with transaction(request) as session:
        call = public_call(session, call_id)
        if call is None:
            raise PageNotFoundError(f"no public call {call_id}")
        if call.id != call_id:
            return RedirectResponse(f"/calls/{call.id}", status_code=301)
        providers = sorted({source.provider or source.name for source, _ in sources_of(session, call)})
        return render(request, "public/call.html", {"call": call, "providers": providers})


@router.get("/language/{code}")
def switch_language(request: Request, code: str, next: str = "/") -> Response:
    """Remember the visitor's language (a cookie) and go back to the page they were on."""
    if code in LANGUAGES:
        request.session["lang"] = code
        remember_language(request, code)
    return RedirectResponse(safe_next(next, default="/"), status_code=303)
