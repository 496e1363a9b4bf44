"""One call at the staff desk: its tags and evidence, the edit form, status, featuring and merging."""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from fursa.pipeline import index_call
from fursa.storage import KINDS, LEVELS, Opportunity, closing_instant
from fursa.storage import AUDIENCES
from fursa.storage import (
    OpportunityEdit, apply_edit, corrections_of, duplicate_candidates, history_of, merge_opportunities, sources_of,
)
from fursa.web.auth import StaffUser, staff_user
from fursa.web.csrf import verify_csrf
from fursa.web.desk import ACTIONS, apply_action
from fursa.web.errors import PageNotFoundError
from fursa.web.fields import broad_codes, field_groups, known_field, picker_codes
from fursa.web.forms import form_data, picked, text, unknown
from fursa.web.params import RowId, row_id, strip_controls
from fursa.web.call_details import details_context
from fursa.web.render import flash, gettext_of, page_language, render
from fursa.web.state import now_of, transaction, web_state

router = APIRouter(prefix="/desk/calls", dependencies=[Depends(staff_user), Depends(verify_csrf)],
                   include_in_schema=False)
DEADLINE_KINDS = ("date", "rolling", "unknown")
MAX_TITLE = 500            # for a title staff type; a crawled title may be longer, and is kept as it is
MAX_STORED_TITLE = 20_000
OPEN_TO_ALL = frozenset({"any", "all"})   # what the tagger writes, and what DESIGN.md writes
# A deadline as stored: kind, closing instant, zone (None: not stated), and the date of a date-only one.
Stated = tuple[str, datetime | None, str | None, date | None]


def _call(session: Any, call_id: int) -> Opportunity:
    row = session.get(Opportunity, call_id)
    if row is None:
        raise PageNotFoundError(f"no call {call_id}")
    return row


def _page(request: Request, session: Any, call: Opportunity, *, values: dict[str, Any] | None = None,
          errors: dict[str, str] | None = None, status: int = 200) -> Response:
    values = values or form_values(call, web_state(request).zone)
    return render(request, "desk/call.html", {
        "call": call, "values": values, "errors": errors or {},
        # A kind or level the lists do not have (set by an older version) is offered too, so it stays.
        "kinds": _with_stored(KINDS, (call.kind,)), "levels": _with_stored(LEVELS, tuple(call.levels or ())),
        "deadline_kinds": DEADLINE_KINDS, "actions": ACTIONS, "audiences": AUDIENCES,
        "field_groups": field_groups(page_language(request)), "sightings": sources_of(session, call),
        # Codes the pickers do not offer (a detailed 0714, a narrow exclusion) are shown ticked on
        # their own, so saving the form keeps every code the call has.
        "kept_disciplines": _not_in(values["disciplines"], picker_codes() | {"any"}),
        "kept_excluded": _not_in(values["excluded"], frozenset(broad_codes())),
        "summary": summary_to_show(call),
        "history": history_of(session, "opportunity", call.id), "corrections": corrections_of(session, call),
        "duplicates": duplicate_candidates(session, call),
        # what the call pays and asks, as the public page shows it, with the words it was read from (16.3)
        **details_context(call, page_language(request)),
    }, status=status)


def summary_to_show(call: Opportunity) -> str:
    """The summary, unless the text already says it: crawlers make the summary from the text's opening
    (cut with "…"), and the page would show those words twice."""
    def words(value: str) -> str:
        return " ".join(value.split()).casefold()
    summary = (call.summary or "").strip()
    return "" if not summary or words(summary.rstrip("…")) in words(call.text or "") else summary


def _with_stored(offered: tuple[str, ...], stored: tuple[str, ...]) -> tuple[str, ...]:
    return offered + tuple(code for code in stored if code and code not in offered)


def _not_in(codes: tuple[str, ...], offered: frozenset[str]) -> tuple[str, ...]:
    return tuple(code for code in codes if code not in offered)


def form_values(call: Opportunity, zone: ZoneInfo) -> dict[str, Any]:
    """The edit form's values for a stored call: a date-only deadline as its date with no time, a timed
    one in the deadline's own zone (the site's when the call states none)."""
    tz = ZoneInfo(call.deadline_tz) if call.deadline_tz and _zone(call.deadline_tz) else zone
    local = call.deadline_at.astimezone(tz) if call.deadline_at else None
    day = call.deadline_date or (local.date() if local else None)
    return {
        "title": call.title, "kind": call.kind, "levels": tuple(call.levels or ()),
        "audiences": tuple(call.audiences or ()),
        "disciplines": tuple(call.disciplines or ()), "excluded": tuple(call.excluded or ()),
        "regions": ", ".join(call.regions or ()),
        "eligible": {True: "true", False: "false"}.get(call.palestinian_eligible, "none"),
        "deadline_kind": call.deadline_kind if call.deadline_kind in DEADLINE_KINDS else "unknown",
        "deadline_date": day.isoformat() if day else "",
        "deadline_time": local.strftime("%H:%M") if local and call.deadline_date is None else "",
        "deadline_tz": getattr(tz, "key", str(tz)),
    }


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def read_edit(form: FormData, gettext: Callable[[str], str], call: Opportunity,
              zone: ZoneInfo) -> tuple[dict[str, Any], OpportunityEdit | None, dict[str, str]]:
    """The submitted edit as (values to show again, the edit or None, errors by field).

    A field sent back as the form showed it keeps the call's stored value exactly: the form rounds
    some values (a deadline to the minute, a title without its stray spaces) and offers only the
    choices it knows, and saving it unchanged must change (and teach the matcher) nothing.
    """
    _ = gettext
    values = {
        "title": text(form, "title", MAX_STORED_TITLE), "kind": text(form, "kind", 40), "levels": picked(form, "levels"),
        "disciplines": picked(form, "disciplines"), "excluded": picked(form, "excluded"),
        "regions": text(form, "regions", 2000),
        "eligible": text(form, "eligible", 10), "deadline_kind": text(form, "deadline_kind", 10),
        "deadline_date": text(form, "deadline_date", 20), "deadline_time": text(form, "deadline_time", 10),
        "deadline_tz": text(form, "deadline_tz", 60), "audiences": picked(form, "audiences"),
    }
    shown = form_values(call, zone)
    same = {name for name in values if _as_sent(values[name]) == _as_sent(shown[name])}
    errors: dict[str, str] = {}
    title = call.title if "title" in same else values["title"]
    if "title" not in same and not title:
        errors["title"] = _("A call needs a title.")
    elif "title" not in same and len(title) > MAX_TITLE:
        errors["title"] = _("Keep the title under 500 characters.")
    kind = call.kind if "kind" in same else values["kind"]
    if kind not in KINDS and kind != call.kind:
        errors["kind"] = _("Choose one of the kinds in the list.")
    if unknown(form, "levels", (*LEVELS, *(call.levels or ()))):
        errors["levels"] = _("Choose levels from the list only.")
    if unknown(form, "audiences", AUDIENCES):
        errors["audiences"] = _("Choose who the call is for from the list only.")
    errors.update(_field_errors(values["disciplines"], values["excluded"], call, _))
    regions = tuple(call.regions or ()) if "regions" in same else \
        tuple(r.strip() for r in values["regions"].split(",") if r.strip())
    if "regions" not in same and (len(regions) > 40 or any(len(r) > 80 for r in regions)):
        errors["regions"] = _("List at most 40 countries or regions, separated by commas.")
    if values["eligible"] not in ("true", "false", "none"):
        errors["eligible"] = _("Choose yes, no or not known.")
    deadline, deadline_error = _read_deadline(values, same, call, zone, _)
    if deadline_error:
        errors[deadline_error[0]] = deadline_error[1]
    if errors:
        return values, None, errors
    edit = OpportunityEdit(
        title=title, kind=kind, levels=values["levels"], disciplines=values["disciplines"],
        excluded=values["excluded"], regions=regions,
        palestinian_eligible={"true": True, "false": False}.get(values["eligible"]),
        deadline_kind=deadline[0], deadline_at=deadline[1], deadline_tz=deadline[2], deadline_day=deadline[3],
        audiences=tuple(call.audiences or ()) if "audiences" in same else values["audiences"],
    )
    return values, edit, {}


def _as_sent(value: Any) -> Any:
    """A value as a browser sends it back: line breaks dropped from one-line inputs, spaces and control
    characters trimmed (web/forms.text); choices as a set, since a form lists them in its own order."""
    if isinstance(value, tuple):
        return frozenset(value)
    return strip_controls(str(value).replace("\r", "").replace("\n", "")).strip()


def _field_errors(disciplines: tuple[str, ...], excluded: tuple[str, ...], call: Opportunity,
                  _: Callable[[str], str]) -> dict[str, str]:
    """Field codes the taxonomy knows (or the call already held: a save never drops them); exclusions
    only beside "open to all fields"."""
    errors = {}
    held = set(call.disciplines or ())
    bad_fields = [code for code in disciplines if not (known_field(code) or code in OPEN_TO_ALL or code in held)]
    if bad_fields:
        errors["disciplines"] = _("Unknown field codes: %(codes)s") % {"codes": ", ".join(bad_fields)}
    held_out = set(call.excluded or ())
    bad_exclusions = [code for code in excluded
                      if code in OPEN_TO_ALL or not (known_field(code) or code in held_out)]
    if bad_exclusions:
        errors["excluded"] = _("Unknown field codes: %(codes)s") % {"codes": ", ".join(bad_exclusions)}
    elif excluded and not OPEN_TO_ALL & set(disciplines):
        errors["excluded"] = _("Fields can be left out only of a call open to all fields: tick “Open to all "
                               "fields”, or clear the fields left out.")
    return errors


def _read_deadline(values: dict[str, Any], same: set[str], call: Opportunity, zone: ZoneInfo,
                   _: Callable[[str], str]) -> tuple[Stated, tuple[str, str] | None]:
    """The deadline as stored (Stated), or an error (field, message). A date without a time is date-only
    (open all that day, storage.closing_instant). Parts sent back as shown keep what is stored: the
    time to the second, and a zone the call never stated."""
    stored: Stated = (call.deadline_kind, call.deadline_at, call.deadline_tz, call.deadline_date)
    if {"deadline_kind", "deadline_date", "deadline_time", "deadline_tz"} <= same:
        return stored, None
    kind = values["deadline_kind"]
    if kind not in DEADLINE_KINDS:
        return stored, ("deadline_kind", _("Choose how the deadline is given."))
    if kind != "date":
        return (kind, None, None, None), None
    try:
        day = date.fromisoformat(values["deadline_date"])
    except ValueError:
        return stored, ("deadline_date", _("Give the deadline as a date, for example 2026-03-31."))
    new_zone = _zone(values["deadline_tz"])
    if new_zone is None:
        return stored, ("deadline_tz", _("Unknown time zone; use a name such as Asia/Hebron or Europe/Berlin."))
    stated_zone = None if "deadline_tz" in same and call.deadline_tz is None else values["deadline_tz"]
    if not values["deadline_time"]:
        return ("date", closing_instant(day), stated_zone, day), None
    try:
        if "deadline_time" in same and call.deadline_at is not None:
            at = call.deadline_at.astimezone(_zone(call.deadline_tz or "") or zone).timetz().replace(tzinfo=None)
        else:
            at = time.fromisoformat(values["deadline_time"])
    except ValueError:
        return stored, ("deadline_time", _("Give the time as hours and minutes, for example 17:00."))
    return ("date", datetime.combine(day, at, tzinfo=new_zone), stated_zone, None), None


@router.get("/{call_id}")
def call_page(request: Request, call_id: RowId) -> Response:
    with transaction(request) as session:
        return _page(request, session, _call(session, call_id))


@router.post("/{call_id}")
def edit_call(request: Request, call_id: RowId, form: FormData = Depends(form_data),
              user: StaffUser = Depends(staff_user)) -> Response:
    _ = gettext_of(request)
    with transaction(request) as session:
        call = _call(session, call_id)
        values, edit, errors = read_edit(form, _, call, web_state(request).zone)
        if edit is None:
            return _page(request, session, call, values=values, errors=errors, status=400)
        changed = apply_edit(session, call, edit, actor=user.email, now=now_of(request))
        if changed:
            index_call(call)   # the public search follows the new title and tags
    flash(request, _("Saved: %(fields)s.") % {"fields": ", ".join(changed)} if changed else _("Nothing to change."))
    return RedirectResponse(f"/desk/calls/{call_id}", status_code=303)


@router.post("/{call_id}/action")
def act_on_call(request: Request, call_id: RowId, form: FormData = Depends(form_data),
                user: StaffUser = Depends(staff_user)) -> Response:
    _ = gettext_of(request)
    action = text(form, "action", 20)
    if action not in ACTIONS:
        flash(request, _("Choose an action."), "error")
        return RedirectResponse(f"/desk/calls/{call_id}", status_code=303)
    with transaction(request) as session:
        changed = apply_action(session, _call(session, call_id), action, user, now_of(request))
    flash(request, _("Done.") if changed else _("Nothing to change."))
    return RedirectResponse(f"/desk/calls/{call_id}", status_code=303)


@router.post("/{call_id}/merge")
def merge_call(request: Request, call_id: RowId, form: FormData = Depends(form_data),
               user: StaffUser = Depends(staff_user)) -> Response:
    """Merge this call (a duplicate) into the call whose number staff give."""
    _ = gettext_of(request)
    target_id = row_id(text(form, "into", 40).lstrip("#"))
    with transaction(request) as session:
        call = _call(session, call_id)
        target = session.get(Opportunity, target_id) if target_id is not None else None
        problem = None
        if target is None:
            problem = _("There is no call with that number.")
        elif target.id == call.id:
            problem = _("A call cannot be merged into itself; give the number of the other call.")
        elif target.merged_into_id is not None or call.merged_into_id is not None:
            problem = _("One of these calls was already merged; merge into the surviving call.")
        if problem:
            values = form_values(call, web_state(request).zone)
            return _page(request, session, call, values=values, errors={"into": problem}, status=400)
        merge_opportunities(session, call, target, actor=user.email, now=now_of(request))
    flash(request, _("Merged into call #%(n)s.") % {"n": target.id})
    return RedirectResponse(f"/desk/calls/{target.id}", status_code=303)
