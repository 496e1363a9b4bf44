"""Subscriber rows: validated adds, imports and lookups."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from fursa.storage.errors import InvalidSubscriberError, NotFoundError, UnknownFieldError
from fursa.storage.models import Subscriber
from fursa.storage.records import FREQUENCIES, JOB_TITLE_MAX, KINDS, LANGUAGES, LEVELS, ROLES, STAFF_UNITS

_LOCAL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+$")
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
# What no one types in a name and a form cannot show: other controls, lone surrogates, non-characters.
_NAME_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
NAME_LENGTH = 200


@dataclass(frozen=True)
class SubscriberInput:
    """What a person (or a CSV row) asks for; validated by `add_subscriber`."""

    email: str
    name: str = ""
    role: str = "student"
    disciplines: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    language: str = "en"
    frequency: str = "weekly"
    confirmed: bool = False
    unit: str = ""        # a staff subscriber's unit (records.STAFF_UNITS); '' for others
    job_title: str = ""   # a staff subscriber's role as they write it


def normalize_email(raw: str) -> str:
    """Lower-cased, ASCII address; an internationalized domain becomes its IDNA form.

    Non-ASCII local parts need SMTPUTF8, which many university servers refuse, so they are
    rejected here with a message rather than failing later at send time.
    """
    email = raw.strip()
    if email.count("@") != 1:
        raise InvalidSubscriberError(f"{raw!r} is not an e-mail address: it needs exactly one '@'")
    local, domain = email.rsplit("@", 1)
    if not local or len(local) > 64 or not _LOCAL.match(local) or ".." in local:
        raise InvalidSubscriberError(
            f"{raw!r}: the part before '@' must be 1-64 plain ASCII characters (letters, digits, . _ + -)"
        )
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise InvalidSubscriberError(f"{raw!r}: the domain {domain!r} is not a valid host name") from None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise InvalidSubscriberError(f"{raw!r}: the domain {domain!r} is not a valid host name (e.g. ppu.edu)")
    return f"{local.lower()}@{ascii_domain}"


def _check_choice(value: str, allowed: Sequence[str], what: str) -> None:
    if value not in allowed:
        raise InvalidSubscriberError(f"{what} {value!r} is not one of: {', '.join(allowed)}")


def unknown_fields(codes: Sequence[str], known: Collection[str]) -> tuple[str, ...]:
    """The codes of `codes` that are not in `known`: the one rule for field codes, at every door.

    The taxonomy is matching's data and storage imports none of it, so the door (the web forms, the
    command line) passes its codes as `known`; `known` may add the codes a profile already holds,
    so that a save never drops what an older taxonomy allowed.
    """
    return tuple(code for code in codes if code not in known)


def check_fields(codes: Sequence[str], known: Collection[str]) -> None:
    """Raise UnknownFieldError (an InvalidSubscriberError) naming every code of `codes` that is not in `known`."""
    wrong = unknown_fields(codes, known)
    if wrong:
        listed = ", ".join(repr(code) for code in wrong)
        raise UnknownFieldError(
            f"fields: {listed} {'is not an ISCED-F code' if len(wrong) == 1 else 'are not ISCED-F codes'}; "
            f"write 2-4 digit codes with their leading zero (07, 071, 0714), as listed in matching/data/taxonomy.toml",
            wrong)


def clean_name(raw: str) -> str:
    """A display name as a form shows it: one line, no control characters, trimmed; refused past 200 characters."""
    name = _NAME_CONTROLS.sub("", re.sub(r"[\r\n\t]+", " ", raw)).strip()
    if len(name) > NAME_LENGTH:
        raise InvalidSubscriberError(f"name: at most {NAME_LENGTH} characters (this one has {len(name)})")
    return name


def validate_subscriber(data: SubscriberInput, known_fields: Collection[str] | None = None) -> SubscriberInput:
    """`data` checked and cleaned (repeats dropped); with `known_fields`, every field code must be one of them.

    Every door that writes a profile passes the taxonomy's codes (see request_subscription,
    update_preferences, enrol_subscriber, import_roster); only seeding code leaves them out.
    """
    email = normalize_email(data.email)
    _check_choice(data.role, ROLES, "role")
    _check_choice(data.language, LANGUAGES, "language")
    _check_choice(data.frequency, FREQUENCIES, "frequency")
    for level in data.levels:
        _check_choice(level, LEVELS, "level")
    for kind in data.kinds:
        _check_choice(kind, KINDS, "kind")
    if known_fields is not None:
        check_fields(data.disciplines, known_fields)
    unit, job_title = staff_profile(data.role, data.unit, data.job_title)
    return SubscriberInput(
        email=email, name=clean_name(data.name), role=data.role, disciplines=_unique(data.disciplines),
        levels=_unique(data.levels), kinds=_unique(data.kinds), language=data.language,
        frequency=data.frequency, confirmed=data.confirmed, unit=unit, job_title=job_title,
    )


def staff_profile(role: str, unit: str, job_title: str) -> tuple[str, str]:
    """A staff subscriber's unit and job title checked and cleaned; ('', '') for a student or faculty
    member, whose profile has no unit (a form that switched role away from staff keeps none)."""
    if role != "staff":
        return "", ""
    unit = (unit or "").strip()
    if unit:
        _check_choice(unit, STAFF_UNITS, "unit")
    title = _NAME_CONTROLS.sub("", re.sub(r"[\r\n\t]+", " ", job_title or "")).strip()
    if len(title) > JOB_TITLE_MAX:
        raise InvalidSubscriberError(f"job title: at most {JOB_TITLE_MAX} characters (this one has {len(title)})")
    return unit, title


def _unique(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _same_or_new(old: list[str] | None, new: tuple[str, ...]) -> list[str]:
    """The stored list when it holds the same values: a save that changed nothing reorders nothing."""
    return list(old) if old is not None and sorted(old) == sorted(new) and len(old) == len(new) else list(new)


PROFILE = ("name", "role", "disciplines", "levels", "kinds", "language", "frequency", "confirmed", "unit", "job_title")


def profile_of(row: Subscriber) -> dict[str, object]:
    """What a person chose (and whether they confirmed), to tell which parts a save changed."""
    return {name: getattr(row, name) if not isinstance(getattr(row, name), list) else list(getattr(row, name))
            for name in PROFILE}


def changed_parts(before: dict[str, object], row: Subscriber) -> list[str]:
    """The names of PROFILE that differ between `before` (profile_of) and `row` now."""
    after = profile_of(row)
    return [name for name in PROFILE if before.get(name) != after[name]]


def add_subscriber(session: Session, data: SubscriberInput, now: datetime,
                   known_fields: Collection[str] | None = None) -> tuple[Subscriber, bool]:
    """Create or update a subscriber by address; returns (row, created). `known_fields` as validate_subscriber."""
    clean = validate_subscriber(data, known_fields)
    row = session.scalar(select(Subscriber).where(Subscriber.email == clean.email))
    created = row is None
    if row is None:
        row = Subscriber(email=clean.email, created_at=now, status="active", bounces=0)
        session.add(row)
    row.name = clean.name
    row.role = clean.role
    row.disciplines = _same_or_new(row.disciplines, clean.disciplines)
    row.levels = _same_or_new(row.levels, clean.levels)
    row.kinds = _same_or_new(row.kinds, clean.kinds)
    row.language = clean.language
    row.frequency = clean.frequency
    row.unit, row.job_title = clean.unit, clean.job_title
    if clean.confirmed and not row.confirmed:
        row.confirmed = True
        row.confirmed_at = now
    session.flush()
    return row, created


def get_subscriber(session: Session, email: str) -> Subscriber:
    row = session.scalar(select(Subscriber).where(Subscriber.email == normalize_email(email)))
    if row is None:
        raise NotFoundError(f"no subscriber with address {email!r}; add one with `fursa subscribers add`")
    return row


def list_subscribers(session: Session) -> Sequence[Subscriber]:
    """Every subscriber but the erased ones (their rows stay, anonymized, for the send log)."""
    return session.scalars(select(Subscriber).where(Subscriber.status != "deleted").order_by(Subscriber.email)).all()


def active_subscribers(session: Session) -> Sequence[Subscriber]:
    """Confirmed subscribers who have not left or been suspended."""
    query = select(Subscriber).where(Subscriber.confirmed.is_(True), Subscriber.status == "active")
    return session.scalars(query.order_by(Subscriber.id)).all()
