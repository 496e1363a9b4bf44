"""Subscriber rows: validated adds, imports and lookups."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from fursa.storage.errors import InvalidSubscriberError, NotFoundError
from fursa.storage.models import Subscriber
from fursa.storage.records import FREQUENCIES, KINDS, LANGUAGES, LEVELS, ROLES

_LOCAL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+$")
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


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


def validate_subscriber(data: SubscriberInput) -> SubscriberInput:
    email = normalize_email(data.email)
    _check_choice(data.role, ROLES, "role")
    _check_choice(data.language, LANGUAGES, "language")
    _check_choice(data.frequency, FREQUENCIES, "frequency")
    for level in data.levels:
        _check_choice(level, LEVELS, "level")
    for kind in data.kinds:
        _check_choice(kind, KINDS, "kind")
    return SubscriberInput(
        email=email, name=data.name.strip(), role=data.role, disciplines=tuple(data.disciplines),
        levels=tuple(data.levels), kinds=tuple(data.kinds), language=data.language,
        frequency=data.frequency, confirmed=data.confirmed,
    )


def add_subscriber(session: Session, data: SubscriberInput, now: datetime) -> tuple[Subscriber, bool]:
    """Create or update a subscriber by address; returns (row, created)."""
    clean = validate_subscriber(data)
    row = session.scalar(select(Subscriber).where(Subscriber.email == clean.email))
    created = row is None
    if row is None:
        row = Subscriber(email=clean.email, created_at=now, status="active", bounces=0)
        session.add(row)
    row.name = clean.name
    row.role = clean.role
    row.disciplines = list(clean.disciplines)
    row.levels = list(clean.levels)
    row.kinds = list(clean.kinds)
    row.language = clean.language
    row.frequency = clean.frequency
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
