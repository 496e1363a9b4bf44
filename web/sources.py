"""Sources at the staff desk: health at a glance, add by URL with a preview, edit, pause, run now."""
from __future__ import annotations

import logging
from dataclasses import replace
from typing import Callable

from fursa import crawlers, pipeline
from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from fursa.storage import (
    KINDS, SOURCE_LANGUAGES, Source, add_source, edit_source, list_sources, pause_source, resume_source,
    revert_source, runs_of,
)
from fursa.web.auth import StaffUser, admin_user, staff_user
from fursa.web.csrf import verify_csrf
from fursa.web.dashboard import health_state
from fursa.web.errors import PageNotFoundError
from fursa.web.fields import Choice
from fursa.web.forms import form_data, text
from fursa.web.labels import labeller, language_name
from fursa.web.params import RowId, strip_controls
from fursa.web.probe import (
    SourceForm, check_source_form, edit_of_form, guard_url, preview_source, read_source_form, spec_of_form,
)
from fursa.web.render import flash, gettext_of, page_language, render
from fursa.web.state import now_of, transaction, web_state

log = logging.getLogger("fursa.web.sources")
router = APIRouter(prefix="/desk/sources", dependencies=[Depends(staff_user), Depends(verify_csrf)],
                   include_in_schema=False)


def _source(session, source_id: int) -> Source:
    row = session.get(Source, source_id)
    if row is None:
        raise PageNotFoundError(f"no source {source_id}")
    return row


# The settings the source form shows and staff may change (storage.source_changes.EDITABLE).
EDITABLE = ("url", "kind", "language", "every_hours", "provider", "description")


def _form_page(request: Request, template: str, data: SourceForm, errors: dict[str, str], status: int = 200,
               source: Source | None = None, **extra) -> Response:
    """A page with the source form. A kind or language the lists lack (set in the catalogue file) is
    offered too, so that saving the form keeps it."""
    lang = page_language(request)
    kinds = _with_stored(KINDS, source.kind if source else "")
    languages = tuple(Choice(code, language_name(code, lang))
                      for code in _with_stored(SOURCE_LANGUAGES, source.language if source else ""))
    overrides = dict(source.overrides or {}) if source is not None and source.origin == "catalogue" else {}
    label = labeller(gettext_of(request))
    return render(request, template, {"data": data, "errors": errors, "kinds": kinds, "languages": languages,
                                      "source": source, "overrides": overrides,
                                      "catalogue_shown": {name: _in_words(name, value, label, lang)
                                                          for name, value in overrides.items()},
                                      **extra}, status=status)


def _with_stored(offered: tuple[str, ...], stored: str) -> tuple[str, ...]:
    return offered + ((stored,) if stored and stored not in offered else ())


def hours_text(hours: float) -> str:
    """Hours as the form shows them: 24, 1.5 — and every digit a stored value has, so it reads back the same."""
    short = f"{hours:g}"
    return short if float(short) == hours else repr(hours)


def _in_words(name: str, value: object, label: Callable[[str, object], str], lang: str) -> str:
    """A catalogue value as the form would show it, for the note beside an overridden field."""
    if name == "every_hours" and isinstance(value, (int, float)):
        return hours_text(value)
    if name == "kind":
        return label("kind", value)
    if name == "language":
        return language_name(str(value), lang)
    return str(value)


def form_of(row: Source) -> SourceForm:
    """The edit form's values for a stored source."""
    return SourceForm(url=row.url, name=row.name, kind=row.kind, language=row.language,
                      every_hours=hours_text(row.every_hours), provider=row.provider, description=row.description)


def _as_sent(name: str, value: str) -> str:
    """A value as a browser sends it back: a textarea's line breaks as CRLF, none in a one-line input,
    control characters and the spaces around it trimmed (web/forms.text)."""
    value = value.replace("\r\n", "\n") if name == "description" else value.replace("\r", "").replace("\n", "")
    return strip_controls(value).strip()


def _source_page(request: Request, session, row: Source, data: SourceForm, errors: dict[str, str],
                 status: int = 200) -> Response:
    return _form_page(request, "desk/source.html", data, errors, status=status, source=row,
                      state=health_state(row), runs=runs_of(session, row))


@router.get("")
def source_list(request: Request) -> Response:
    with transaction(request) as session:
        sources = list_sources(session)
        return render(request, "desk/sources.html", {
            "sources": sources, "states": {s.id: health_state(s) for s in sources}})


@router.get("/new")
def new_source(request: Request, user: StaffUser = Depends(admin_user)) -> Response:
    return _form_page(request, "desk/source_new.html", SourceForm(url=""), {})


@router.post("/new")
def preview_new_source(request: Request, form: FormData = Depends(form_data),
                       user: StaffUser = Depends(admin_user)) -> Response:
    """Step one (and again after choosing a feed): check the address, find feeds, show what a crawl gives."""
    _ = gettext_of(request)
    data = read_source_form(form)
    config = web_state(request).ctx.crawl_config
    with transaction(request) as session:
        errors = check_source_form(data, session, _)
    if not errors.get("url"):
        problem = guard_url(data.url, config, _)
        if problem:
            errors["url"] = problem
    if errors:
        return _form_page(request, "desk/source_new.html", data, errors, status=400)
    try:
        preview = preview_source(data, config)
    except crawlers.CrawlerError as exc:
        return _form_page(request, "desk/source_new.html", data, {"url": str(exc)}, status=400)
    if not preview.feeds:
        message = _("No RSS or Atom feed was found at this address. Pages without a feed need parser "
                    "settings in the source catalogue file.")
        return _form_page(request, "desk/source_new.html", data, {"url": message}, status=400)
    data = replace(data, feed_url=preview.spec.url if preview.result else data.feed_url)
    return _form_page(request, "desk/source_preview.html", data, {}, preview=preview)


@router.post("/save")
def save_source(request: Request, form: FormData = Depends(form_data),
                user: StaffUser = Depends(admin_user)) -> Response:
    """Step two: store the previewed source; the address is checked again, as the form came back from a browser."""
    _ = gettext_of(request)
    data = read_source_form(form)
    config = web_state(request).ctx.crawl_config
    url = data.feed_url or data.url
    with transaction(request) as session:
        spec = spec_of_form(data, url)
        errors = check_source_form(replace(data, name=spec.name), session, _)
        problem = None if errors else guard_url(url, config, _)
        if errors or problem:
            errors.setdefault("url", problem or "")
            return _form_page(request, "desk/source_new.html", data, errors, status=400)
        source_id = add_source(session, spec, actor=user.email, now=now_of(request)).id
    flash(request, _("Source saved. It will be crawled at its next turn; use Run now to crawl it at once."))
    return RedirectResponse(f"/desk/sources/{source_id}", status_code=303)


@router.get("/{source_id}")
def source_page(request: Request, source_id: RowId) -> Response:
    with transaction(request) as session:
        row = _source(session, source_id)
        return _source_page(request, session, row, form_of(row), {})


@router.post("/{source_id}")
def edit(request: Request, source_id: RowId, form: FormData = Depends(form_data),
         user: StaffUser = Depends(admin_user)) -> Response:
    """Save the settings. A field sent back as the form showed it keeps its stored value exactly, and
    only changed fields are checked: saving the form unchanged changes nothing."""
    _ = gettext_of(request)
    data = read_source_form(form)
    data = replace(data, description=data.description.replace("\r\n", "\n"))
    with transaction(request) as session:
        row = _source(session, source_id)
        shown = form_of(row)
        same = {name for name in EDITABLE if _as_sent(name, getattr(data, name)) == _as_sent(name, getattr(shown, name))}
        errors = {name: message for name, message in check_source_form(data, session, _, new=False).items()
                  if name not in same}
        if not errors.get("url") and "url" not in same:
            problem = guard_url(data.url, web_state(request).ctx.crawl_config, _)
            if problem:
                errors["url"] = problem
        if errors:
            return _source_page(request, session, row, data, errors, status=400)
        edit = replace(edit_of_form(data), **{name: getattr(row, name) for name in same})
        changed = edit_source(session, row, edit, actor=user.email, now=now_of(request))
        kept = changed and row.origin == "catalogue"
    if kept:
        flash(request, _("Source saved. Your changes are kept when the catalogue file is loaded again; "
                         "Revert to catalogue puts its values back."))
    else:
        flash(request, _("Source saved.") if changed else _("Nothing to change."))
    return RedirectResponse(f"/desk/sources/{source_id}", status_code=303)


@router.post("/{source_id}/revert")
def revert(request: Request, source_id: RowId, form: FormData = Depends(form_data),
           user: StaffUser = Depends(admin_user)) -> Response:
    """Put back the catalogue file's value of one overridden field (`field`), or of all of them."""
    _ = gettext_of(request)
    field = text(form, "field", 40)
    with transaction(request) as session:
        row = _source(session, source_id)
        reverted = revert_source(session, row, [field] if field else (), actor=user.email, now=now_of(request))
    flash(request, _("Back to the catalogue's value.") if reverted else _("Nothing to change."))
    return RedirectResponse(f"/desk/sources/{source_id}", status_code=303)


@router.post("/{source_id}/pause")
def pause(request: Request, source_id: RowId, user: StaffUser = Depends(staff_user)) -> Response:
    with transaction(request) as session:
        pause_source(session, _source(session, source_id), actor=user.email, now=now_of(request))
    flash(request, gettext_of(request)("Source paused: it will not be crawled until resumed."))
    return RedirectResponse(f"/desk/sources/{source_id}", status_code=303)


@router.post("/{source_id}/resume")
def resume(request: Request, source_id: RowId, user: StaffUser = Depends(staff_user)) -> Response:
    with transaction(request) as session:
        resume_source(session, _source(session, source_id), actor=user.email, now=now_of(request))
    flash(request, gettext_of(request)("Source resumed: it will be crawled at its next turn."))
    return RedirectResponse(f"/desk/sources/{source_id}", status_code=303)


@router.post("/{source_id}/run")
def run_now(request: Request, source_id: RowId, user: StaffUser = Depends(staff_user)) -> Response:
    """Crawl this one source now, then tag what it found: the same jobs the scheduler runs."""
    _ = gettext_of(request)
    with transaction(request) as session:
        name = _source(session, source_id).name
    outcome = pipeline.crawl_source_now(web_state(request).ctx, name, now_of(request), actor=user.email)
    if outcome is None or outcome.error:
        flash(request, _("The crawl failed: %(error)s") % {"error": outcome.error if outcome else "?"}, "error")
    else:
        flash(request, _("Crawled: %(seen)s items read, %(new)s new.") % {"seen": outcome.items_seen,
                                                                            "new": outcome.items_new})
    return RedirectResponse(f"/desk/sources/{source_id}", status_code=303)
