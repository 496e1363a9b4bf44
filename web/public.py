"""Public pages: browse and search approved calls, one page per call, the language switch."""
from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from fursa import matching
from fursa.storage import KINDS, LEVELS, CallQuery
from fursa.storage import list_generation, partners_of_call, public_call, search_calls, sources_of
from fursa.web.auth import remember_language, safe_next
from fursa.web.call_details import details_view
from fursa.web.csrf import verify_csrf
from fursa.web.errors import FilterError, PageNotFoundError
from fursa.web.fields import field_groups
from fursa.web.filters import LANGUAGE_CHOICES, WITHIN_CHOICES, as_params, checked_query
from fursa.web.i18n import LANGUAGES
from fursa.web.my_list import saved_state
from fursa.web.page_cache import cacheable, page_cache
from fursa.web.params import PageNumber, RowId
from fursa.web.i18n import translations
from fursa.web.render import page_language, render
from fursa.web.sharing import sharing_of
from fursa.web.state import now_of, transaction

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
PAGE_SIZE = 20


def _form(request: Request, query: CallQuery) -> dict:
    """What the filter form needs: the choices of each control, named in the page's language."""
    language = page_language(request)
    countries = sorted(matching.load_countries().values(), key=lambda country: country.name(language))
    return {"filters": query, "params": as_params(query), "kinds": KINDS, "levels": LEVELS,
            "within_choices": WITHIN_CHOICES, "language_choices": LANGUAGE_CHOICES,
            "field_groups": field_groups(language),
            "countries": [(country.code, country.name(language)) for country in countries],
            "coverages": matching.COVERAGES,
            "study_languages": [(code, matching.language_name(code, language))
                                for code in matching.study_language_codes()]}


@router.get("/")
def browse(request: Request, page: PageNumber = 1,
           query: CallQuery | FilterError = Depends(checked_query)) -> Response:
    """The open calls, filtered and ordered as the address says; a value the list does not know is a
    400 that says which, a page past the last a 404 that links to the last."""
    if isinstance(query, FilterError):
        return render(request, "public/browse.html", {**_form(request, CallQuery()), "problems": query.problems,
                                                      "calls": (), "total": None, "page": 1, "has_next": False},
                      status=400)
    now = now_of(request)
    with transaction(request) as session:
        # The page is the same for every plain visitor until a call changes (web/page_cache.py).
        key = (list_generation(session), page_language(request), request.url.query) if cacheable(request) else None
        kept = page_cache(request).get(key, now.timestamp()) if key else None
        if kept is not None:
            return kept
        found = search_calls(session, query, now, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        last = max(1, -(-found.total // PAGE_SIZE))
        if page > last:
            return render(request, "public/no_page.html", {"page": page, "last": last, "params": as_params(query)},
                          status=404)
        response = render(request, "public/browse.html", {
            **_form(request, query), "calls": found.rows, "total": found.total, "page": page,
            "has_next": found.has_next, "problems": (),
        })
    if key:
        page_cache(request).put(key, now.timestamp(), response)
    return response


@router.get("/calls/{call_id}")
def call_page(request: Request, call_id: RowId) -> Response:
    with transaction(request) as session:
        call = public_call(session, call_id)
        if call is None:
            raise PageNotFoundError(f"no public call {call_id}")
        if call.id != call_id:
            return RedirectResponse(f"/calls/{call.id}", status_code=301)
        providers = sorted({source.provider or source.name for source, _ in sources_of(session, call)})
        trans = translations(page_language(request))
        details = details_view(call.details, call.host_country, page_language(request), trans.gettext, trans.ngettext)
        return render(request, "public/call.html", {"call": call, "providers": providers, "details": details,
                                                    "partners": partners_of_call(session, call.id),
                                                    "saved": saved_state(request, session, call.id),
                                                    "share": sharing_of(request, call, page_language(request))})


@router.get("/language/{code}")
def switch_language(request: Request, code: str, next: str = "/") -> Response:
    """Remember the visitor's language (a cookie) and go back to the page they were on."""
    if code in LANGUAGES:
        request.session["lang"] = code
        remember_language(request, code)
    return RedirectResponse(safe_next(next, default="/"), status_code=303)
