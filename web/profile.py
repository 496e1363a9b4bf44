"""The subscriber profile form (subscribe and preferences pages): reading it and field-level errors."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Collection

from starlette.datastructures import FormData

from fursa.storage import KINDS, LEVELS, InvalidSubscriberError, Subscriber, SubscriberInput, normalize_email
from fursa.storage import FREQUENCIES, LANGUAGES, ROLES, unknown_fields
from fursa.storage import JOB_TITLE_MAX, STAFF_UNITS
from fursa.web.fields import profile_codes, profile_groups, programme_codes, programme_groups
from fursa.web.forms import picked, text, unknown


@dataclass(frozen=True)
class ProfileValues:
    """The form as filled in, to show again next to its errors."""

    email: str = ""
    name: str = ""
    role: str = "student"
    programme: str = ""
    fields: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    language: str = "en"
    frequency: str = "weekly"
    unit: str = ""        # staff only: their unit (storage.STAFF_UNITS)
    job_title: str = ""   # staff only: their role as they write it


CHOICES = {"roles": ROLES, "levels": LEVELS, "kinds": KINDS, "languages": LANGUAGES, "frequencies": FREQUENCIES,
           "units": STAFF_UNITS, "job_title_max": JOB_TITLE_MAX}


def values_of(row: Subscriber) -> ProfileValues:
    return ProfileValues(email=row.email, name=row.name, role=row.role, fields=tuple(row.disciplines or ()),
                         levels=tuple(row.levels or ()), kinds=tuple(row.kinds or ()), language=row.language,
                         frequency=row.frequency, unit=row.unit or "", job_title=row.job_title or "")


def read_profile(form: FormData, _: Callable[[str], str], *, email: str | None = None, default_language: str = "en",
                 allowed_fields: Collection[str] | None = None,
                 ) -> tuple[ProfileValues, SubscriberInput | None, dict[str, str]]:
    """The submitted profile; with `email` given (preferences page) the address is not a form field.

    `allowed_fields`: the codes the fields may hold, the taxonomy's by default; a page that edits a
    stored profile adds the codes it holds (storage.kept_fields), which the form shows and keeps.
    """
    values = ProfileValues(
        email=email if email is not None else text(form, "email", 320), name=text(form, "name", 200),
        role=text(form, "role", 20), programme=text(form, "programme", 60), fields=picked(form, "fields"),
        levels=picked(form, "levels"), kinds=picked(form, "kinds"),
        language=text(form, "language", 5) or default_language, frequency=text(form, "frequency", 10),
        unit=text(form, "unit", 40), job_title=text(form, "job_title", JOB_TITLE_MAX + 1),
    )
    errors = _check(form, values, _, profile_codes() if allowed_fields is None else allowed_fields)
    if errors:
        return values, None, errors
    programme = (programme_codes(values.programme) if values.programme else None) or ()
    disciplines = tuple(dict.fromkeys([*values.fields, *programme]))
    data = SubscriberInput(email=values.email, name=values.name, role=values.role, disciplines=disciplines,
                           levels=values.levels, kinds=values.kinds, language=values.language,
                           frequency=values.frequency, unit=values.unit, job_title=values.job_title)
    return values, data, {}


def _check(form: FormData, values: ProfileValues, _: Callable[[str], str],
           allowed_fields: Collection[str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not values.email:
        errors["email"] = _("Enter your e-mail address.")
    else:
        try:
            normalize_email(values.email)
        except InvalidSubscriberError:
            errors["email"] = _("This does not look like an e-mail address. Write it like name@ppu.edu.")
    if values.role not in ROLES:
        errors["role"] = _("Choose whether you are a student, faculty member or staff.")
    if values.programme and programme_codes(values.programme) is None:
        errors["programme"] = _("Choose a programme from the list.")
    if unknown_fields(values.fields, allowed_fields):
        errors["fields"] = _("Choose fields from the list only.")
    if unknown(form, "levels", LEVELS):
        errors["levels"] = _("Choose levels from the list only.")
    if unknown(form, "kinds", KINDS):
        errors["kinds"] = _("Choose kinds of calls from the list only.")
    if values.language not in LANGUAGES:
        errors["language"] = _("Choose English or Arabic.")
    if values.frequency not in FREQUENCIES:
        errors["frequency"] = _("Choose how often you want e-mail.")
    if values.role == "staff" and values.unit and values.unit not in STAFF_UNITS:
        errors["unit"] = _("Choose your unit from the list.")
    if values.role == "staff" and len(values.job_title) > JOB_TITLE_MAX:
        errors["job_title"] = _("Write your job title in at most %(num)s characters.") % {"num": JOB_TITLE_MAX}
    return errors


def choices() -> dict[str, Any]:
    return dict(CHOICES)


def profile_context(values: ProfileValues, errors: dict[str, str], language: str) -> dict[str, Any]:
    """What public/_profile_fields.html needs, wherever a profile is edited (subscribe, preferences, the desk)."""
    return {"values": values, "errors": errors, "profile_groups": profile_groups(language),
            "kept_fields": [code for code in values.fields if code not in profile_codes()],
            "programme_groups": programme_groups(language), **choices()}
