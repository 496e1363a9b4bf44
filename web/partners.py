"""The partner register at the staff desk: the list with agreements about to expire, add and edit,
a partner's page with the calls that name it, CSV import, CSV and Excel export.

Saving a partner matches every stored call against the register again (pipeline.rematch_partners),
so calls seen before the partner was added, or before it got an alias, carry its badge at once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from fursa import matching, pipeline
from fursa.storage import (
    AGREEMENT_TYPES, EXPIRING_DAYS, InvalidPartnerError, Partner, PartnerInput, PartnerProblem, RosterFileError,
    add_partner, agreement_state, calls_of_partner, edit_partner, expiring_partners, export_partners_csv,
    export_partners_xlsx, get_partner, import_partners, input_of, list_partners, parse_day, partner_call_counts,
)
from fursa.web.auth import StaffUser, staff_user
from fursa.web.csrf import verify_csrf
from fursa.web.errors import PageNotFoundError
from fursa.web.forms import form_data, text, upload
from fursa.web.params import RowId
from fursa.web.render import download, flash, gettext_of, page_language, render
from fursa.web.state import now_of, transaction, web_state

log = logging.getLogger("fursa.web.partners")
router = APIRouter(prefix="/desk/partners", dependencies=[Depends(staff_user), Depends(verify_csrf)],
                   include_in_schema=False)
MAX_UPLOAD = 2 * 1024 * 1024
FORM_FIELDS = ("name_en", "name_ar", "aliases", "country", "agreement", "starts_on", "ends_on", "areas",
               "contact_name", "contact_email", "notes")


@dataclass(frozen=True)
class PartnerForm:
    """The form's values as typed, shown back as they were when something is wrong."""

    name_en: str = ""
    name_ar: str = ""
    aliases: str = ""
    country: str = ""
    agreement: str = "mou"
    starts_on: str = ""
    ends_on: str = ""
    areas: str = ""
    contact_name: str = ""
    contact_email: str = ""
    notes: str = ""


def _today(request: Request) -> date:
    return now_of(request).astimezone(web_state(request).zone).date()


def _countries(language: str) -> list[tuple[str, str]]:
    countries = sorted(matching.load_countries().values(), key=lambda country: country.name(language))
    return [(country.code, country.name(language)) for country in countries]


def _country_names(language: str) -> dict[str, str]:
    return dict(_countries(language))


def _lines(value: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in value.replace(";", "\n").splitlines() if line.strip())


def _form_of(partner: Partner) -> PartnerForm:
    data = input_of(partner)
    return PartnerForm(
        name_en=data.name_en, name_ar=data.name_ar, aliases="\n".join(data.aliases), country=data.country,
        agreement=data.agreement, starts_on=data.starts_on.isoformat() if data.starts_on else "",
        ends_on=data.ends_on.isoformat() if data.ends_on else "", areas="\n".join(data.areas),
        contact_name=data.contact_name, contact_email=data.contact_email, notes=data.notes)


def _read_form(form: FormData) -> PartnerForm:
    limits = {"aliases": 3000, "areas": 3000, "notes": 3000}
    values = {name: form.get(name) if name in ("aliases", "areas", "notes") else text(form, name, 320)
              for name in FORM_FIELDS}
    values = {name: (value if isinstance(value, str) else "")[:limits.get(name, 320)] for name, value in values.items()}
    return PartnerForm(**values)


def _input_of(values: PartnerForm) -> tuple[PartnerInput | None, list[PartnerProblem]]:
    """The typed values as storage's input; the dates' problems, if any (the rest storage checks)."""
    problems: list[PartnerProblem] = []
    days: dict[str, date | None] = {}
    for name in ("starts_on", "ends_on"):
        try:
            days[name] = parse_day(getattr(values, name), name)
        except InvalidPartnerError as exc:
            problems.extend(exc.problems)
    if problems:
        return None, problems
    return PartnerInput(
        name_en=values.name_en, name_ar=values.name_ar, aliases=_lines(values.aliases), country=values.country,
        agreement=values.agreement, starts_on=days["starts_on"], ends_on=days["ends_on"], areas=_lines(values.areas),
        contact_name=values.contact_name, contact_email=values.contact_email, notes=values.notes.strip()), []


def problem_words(problem: PartnerProblem, _) -> str:
    """A storage problem in the desk's language."""
    v = problem.values
    if problem.reason == "name_missing":
        return _("Give the partner's name in English or in Arabic.")
    if problem.reason == "name_taken":
        return _("“%(name)s” is already a name of the partner %(other)s. Edit that partner instead, or write a "
                 "name that tells them apart.") % {"name": v.get("name", ""), "other": v.get("other", "")}
    if problem.reason == "agreement_unknown":
        return _("Choose the agreement type from the list.")
    if problem.reason == "dates_reversed":
        return _("The agreement cannot end (%(ends)s) before it starts (%(starts)s). Check both dates.") % {
            "ends": v.get("ends", ""), "starts": v.get("starts", "")}
    if problem.reason == "date_invalid":
        return _("“%(value)s” is not a date. Write it as YYYY-MM-DD, e.g. 2027-06-30.") % {
            "value": v.get("value", "")}
    if problem.reason == "country_unknown":
        return _("Choose the country from the list.")
    if problem.reason == "email_invalid":
        return _("“%(value)s” is not an e-mail address.") % {"value": v.get("value", "")}
    return problem.message


def _errors(problems: list[PartnerProblem] | tuple[PartnerProblem, ...], _) -> dict[str, str]:
    errors: dict[str, str] = {}
    for problem in problems:
        words = problem_words(problem, _)
        errors[problem.field] = f"{errors[problem.field]} {words}" if problem.field in errors else words
    return errors


def _form_page(request: Request, values: PartnerForm, errors: dict[str, str], *, partner: Partner | None = None,
               status: int = 200) -> Response:
    return render(request, "desk/partner_form.html", {
        "values": values, "errors": errors, "partner": partner, "agreements": AGREEMENT_TYPES,
        "countries": _countries(page_language(request))}, status=status)


def _partner(session, partner_id: int) -> Partner:
    partner = get_partner(session, partner_id)
    if partner is None:
        raise PageNotFoundError(f"no partner {partner_id}")
    return partner


@router.get("")
def register(request: Request) -> Response:
    today = _today(request)
    with transaction(request) as session:
        partners = list_partners(session)
        return render(request, "desk/partners.html", {
            "partners": partners, "counts": partner_call_counts(session),
            "states": {partner.id: agreement_state(partner, today) for partner in partners},
            "expiring": expiring_partners(session, today), "expiring_days": EXPIRING_DAYS, "today": today,
            "country_names": _country_names(page_language(request))})


@router.get("/new")
def new_form(request: Request) -> Response:
    return _form_page(request, PartnerForm(), {})


def _save(request: Request, form: FormData, user: StaffUser, partner_id: int | None) -> Response:
    _ = gettext_of(request)
    values = _read_form(form)
    data, problems = _input_of(values)
    now = now_of(request)
    known = set(matching.load_countries())
    try:
        with transaction(request) as session:
            partner = _partner(session, partner_id) if partner_id is not None else None
            if data is None:
                return _form_page(request, values, _errors(problems, _), partner=partner, status=400)
            if partner is None:
                partner = add_partner(session, data, actor=user.email, now=now, known_countries=known)
                changed = True
            else:
                changed = edit_partner(session, partner, data, actor=user.email, now=now, known_countries=known)
            session.flush()
            linked = pipeline.rematch_partners(session, now) if changed else 0
            saved_id = partner.id
    except InvalidPartnerError as exc:
        with transaction(request) as session:
            partner = _partner(session, partner_id) if partner_id is not None else None
            return _form_page(request, values, _errors(exc.problems, _), partner=partner, status=400)
    log.info("partner saved", extra={"partner": saved_id, "calls_changed": linked})
    flash(request, _("Partner saved. Calls whose partners changed: %(n)s.") % {"n": linked} if changed
          else _("Nothing changed."))
    return RedirectResponse(f"/desk/partners/{saved_id}", status_code=303)


@router.post("/new")
def add(request: Request, form: FormData = Depends(form_data), user: StaffUser = Depends(staff_user)) -> Response:
    return _save(request, form, user, None)


@router.get("/export.csv")
def export_csv(request: Request, user: StaffUser = Depends(staff_user)) -> Response:
    with transaction(request) as session:
        body = export_partners_csv(session, actor=user.email, now=now_of(request))
    return download(body, "fursa-partners.csv")


@router.get("/export.xlsx")
def export_xlsx(request: Request, user: StaffUser = Depends(staff_user)) -> Response:
    with transaction(request) as session:
        body = export_partners_xlsx(session, actor=user.email, now=now_of(request))
    return download(body, "fursa-partners.xlsx")


@router.get("/import")
def import_form(request: Request) -> Response:
    return render(request, "desk/partner_import.html", {"errors": {}, "problems": []})


@router.post("/import")
def import_csv(request: Request, form: FormData = Depends(form_data),
               user: StaffUser = Depends(staff_user)) -> Response:
    _ = gettext_of(request)
    file = upload(form, "file")
    data = file.file.read(MAX_UPLOAD + 1) if file is not None else b""
    if not data or len(data) > MAX_UPLOAD:
        return render(request, "desk/partner_import.html",
                      {"errors": {"file": _("Choose a CSV file of at most 2 MB.")}, "problems": []}, status=400)
    now = now_of(request)
    try:
        with transaction(request) as session:
            outcome = import_partners(session, data, actor=user.email, now=now,
                                      known_countries=set(matching.load_countries()))
            linked = pipeline.rematch_partners(session, now) if outcome.added or outcome.updated else 0
    except RosterFileError as exc:
        return render(request, "desk/partner_import.html", {"errors": {"file": str(exc)}, "problems": []}, status=400)
    flash(request, _("Partners added: %(added)s, updated: %(updated)s. Calls whose partners changed: %(n)s.") % {
        "added": len(outcome.added), "updated": len(outcome.updated), "n": linked})
    problems = [_("line %(line)s: %(problem)s") % {
        "line": row.line, "problem": " ".join(problem_words(p, _) for p in row.problems) or row.message}
        for row in outcome.problems]
    return render(request, "desk/partner_import.html", {"errors": {}, "problems": problems})


@router.get("/{partner_id}")
def partner_page(request: Request, partner_id: RowId) -> Response:
    today = _today(request)
    with transaction(request) as session:
        partner = _partner(session, partner_id)
        calls = calls_of_partner(session, partner.id)
        return render(request, "desk/partner.html", {
            "partner": partner, "state": agreement_state(partner, today),
            "exchanges": [(call, link) for call, link in calls if call.kind == "exchange"],
            "calls": [(call, link) for call, link in calls if call.kind != "exchange"],
            "country_names": _country_names(page_language(request))})


@router.get("/{partner_id}/edit")
def edit_form(request: Request, partner_id: RowId) -> Response:
    with transaction(request) as session:
        partner = _partner(session, partner_id)
        return _form_page(request, _form_of(partner), {}, partner=partner)


@router.post("/{partner_id}/edit")
def edit(request: Request, partner_id: RowId, form: FormData = Depends(form_data),
         user: StaffUser = Depends(staff_user)) -> Response:
    return _save(request, form, user, partner_id)
