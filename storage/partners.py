"""The partner register: institutions the university has an agreement with, and the calls that name them.

Every door (the desk's form, `fursa partners add`, a CSV import) goes through `check_partner`, so a
partner is refused for the same reasons everywhere: no name in either language, a name (or alias)
another partner already has, an agreement type not in AGREEMENT_TYPES, an end before the start, a
country that is not a two-letter code the door knows, a contact address without one '@'. Each fault
is a PartnerProblem (a reason code, the field, the values), which a door words in its own language.

Which calls name which partner is decided by the matcher (matching.partners) in the pipeline; this
module only keeps the links (`link_partners`) and the `partnered` flag on the call that the list's
order and the badges read.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Collection, Iterable, Iterator, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from fursa.storage.audit import record_audit
from fursa.storage.errors import InvalidPartnerError
from fursa.storage.models import Opportunity, Partner, PartnerAlias, PartnerCall

# An agreement's kind: a memorandum of understanding, an Erasmus+ inter-institutional agreement
# (KA171 mobility), or another written agreement.
AGREEMENT_TYPES = ("mou", "erasmus_iia", "other")
# Agreements ending within this many days are shown as about to expire.
EXPIRING_DAYS = 90
AGREEMENT_STATES = ("active", "expiring", "expired", "not_started")

_SPACES = re.compile(r"\s+")
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640]")
_KEY_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})


@dataclass(frozen=True)
class PartnerInput:
    """What a door gives to add or change a partner; dates already read (see `parse_day`)."""

    name_en: str = ""
    name_ar: str = ""
    aliases: tuple[str, ...] = ()
    country: str = ""
    agreement: str = "mou"
    starts_on: date | None = None
    ends_on: date | None = None
    areas: tuple[str, ...] = ()
    contact_name: str = ""
    contact_email: str = ""
    notes: str = ""


@dataclass(frozen=True)
class PartnerProblem:
    """One reason a partner cannot be saved: `reason` is a code a door may word itself, `field` the
    form field at fault, `values` what the message names; `message` is the English wording."""

    reason: str
    field: str
    values: dict[str, str] = field(default_factory=dict)

    @property
    def message(self) -> str:
        v = self.values
        return {
            "name_missing": "give the partner's name in English or in Arabic",
            "name_taken": f"{v.get('name')!r} is already a name of the partner {v.get('other')!r}; "
                          "edit that partner instead, or write a name that tells them apart",
            "agreement_unknown": f"{v.get('value')!r} is not an agreement type; write one of "
                                 f"{', '.join(AGREEMENT_TYPES)}",
            "dates_reversed": f"the agreement ends ({v.get('ends')}) before it starts ({v.get('starts')}); "
                              "check both dates",
            "date_invalid": f"{v.get('value')!r} is not a date; write it as YYYY-MM-DD, e.g. 2027-06-30",
            "country_unknown": f"{v.get('value')!r} is not a country code; write the two-letter ISO code, e.g. DE",
            "email_invalid": f"{v.get('value')!r} is not an e-mail address",
        }.get(self.reason, self.reason)


@dataclass(frozen=True)
class PartnerLink:
    """That a call names a partner (from matching.PartnerMention, carried over by the pipeline)."""

    partner_id: int
    name: str
    quote: str


def name_key(name: str) -> str:
    """The form in which two names are the same name: case, spaces, Arabic marks and letter variants aside."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _ARABIC_MARKS.sub("", text).translate(_KEY_FOLD)
    return _SPACES.sub(" ", text).strip()


def clean_names(names: Iterable[str]) -> tuple[str, ...]:
    """Names trimmed, blanks dropped, each once (by `name_key`), in the order given."""
    seen: dict[str, str] = {}
    for name in names:
        name = _SPACES.sub(" ", name).strip()
        if name and name_key(name) not in seen:
            seen[name_key(name)] = name
    return tuple(seen.values())


def parse_day(text: str, field_name: str) -> date | None:
    """A date written YYYY-MM-DD (spaces aside), or None for an empty cell; anything else is refused."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10] if len(text) > 10 and text[10] in "T " else text)
    except ValueError:
        problem = PartnerProblem("date_invalid", field_name, {"value": text})
        raise InvalidPartnerError(problem.message, (problem,)) from None


def check_partner(session: Session, data: PartnerInput, *, partner_id: int | None = None,
                  known_countries: Collection[str] | None = None) -> list[PartnerProblem]:
    """Every reason `data` cannot be saved (as partner `partner_id`, or as a new one); [] when it can."""
    problems: list[PartnerProblem] = []
    if not (data.name_en.strip() or data.name_ar.strip()):
        problems.append(PartnerProblem("name_missing", "name_en"))
    taken = _names_of_others(session, partner_id)
    for field_name, names in (("name_en", (data.name_en,)), ("name_ar", (data.name_ar,)), ("aliases", data.aliases)):
        for name in clean_names(names):
            other = taken.get(name_key(name))
            if other is not None:
                problems.append(PartnerProblem("name_taken", field_name, {"name": name, "other": other}))
    if data.agreement not in AGREEMENT_TYPES:
        problems.append(PartnerProblem("agreement_unknown", "agreement", {"value": data.agreement}))
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        problems.append(PartnerProblem("dates_reversed", "ends_on",
                                       {"starts": data.starts_on.isoformat(), "ends": data.ends_on.isoformat()}))
    country = data.country.strip().upper()
    if country and (not re.fullmatch(r"[A-Z]{2}", country) or (known_countries is not None
                                                                  and country not in known_countries)):
        problems.append(PartnerProblem("country_unknown", "country", {"value": data.country}))
    email = data.contact_email.strip()
    if email and (email.count("@") != 1 or "." not in email.partition("@")[2] or " " in email):
        problems.append(PartnerProblem("email_invalid", "contact_email", {"value": email}))
    return problems


def _names_of_others(session: Session, partner_id: int | None) -> dict[str, str]:
    """name key -> the display name of the partner that holds it, for every partner but `partner_id`."""
    taken: dict[str, str] = {}
    for partner in list_partners(session):
        if partner.id != partner_id:
            for name in partner.names:
                taken.setdefault(name_key(name), partner.name_en or partner.name_ar)
    return taken


def _refuse(problems: Sequence[PartnerProblem]) -> None:
    if problems:
        raise InvalidPartnerError("; ".join(problem.message for problem in problems), tuple(problems))


def _write(partner: Partner, data: PartnerInput, now: datetime) -> None:
    partner.name_en = _SPACES.sub(" ", data.name_en).strip()
    partner.name_ar = _SPACES.sub(" ", data.name_ar).strip()
    partner.country = data.country.strip().upper()
    partner.agreement = data.agreement
    partner.starts_on, partner.ends_on = data.starts_on, data.ends_on
    partner.areas = list(clean_names(data.areas))
    partner.contact_name = data.contact_name.strip()
    partner.contact_email = data.contact_email.strip()
    partner.notes = data.notes.strip()
    own = {name_key(partner.name_en), name_key(partner.name_ar)}
    wanted = [alias for alias in clean_names(data.aliases) if name_key(alias) not in own]
    kept = {name_key(alias.name): alias for alias in partner.aliases}
    partner.aliases = [kept.get(name_key(name)) or PartnerAlias(name=name) for name in wanted]
    partner.updated_at = now


def input_of(partner: Partner) -> PartnerInput:
    """A stored partner as a door's input: what an edit form starts from."""
    return PartnerInput(
        name_en=partner.name_en, name_ar=partner.name_ar, aliases=tuple(a.name for a in partner.aliases),
        country=partner.country, agreement=partner.agreement, starts_on=partner.starts_on, ends_on=partner.ends_on,
        areas=tuple(partner.areas or ()), contact_name=partner.contact_name, contact_email=partner.contact_email,
        notes=partner.notes)


def add_partner(session: Session, data: PartnerInput, *, actor: str, now: datetime,
                known_countries: Collection[str] | None = None) -> Partner:
    """Add a partner to the register (audited); InvalidPartnerError says every fault at once."""
    _refuse(check_partner(session, data, known_countries=known_countries))
    partner = Partner(created_at=now)
    _write(partner, data, now)
    session.add(partner)
    session.flush()
    record_audit(session, actor=actor, action="partners:add", target_type="partner", target_id=partner.id, now=now,
                 details={"name": partner.name_en or partner.name_ar})
    return partner


def edit_partner(session: Session, partner: Partner, data: PartnerInput, *, actor: str, now: datetime,
                 known_countries: Collection[str] | None = None) -> bool:
    """Change a partner (audited with the fields that changed); False when `data` changes nothing."""
    _refuse(check_partner(session, data, partner_id=partner.id, known_countries=known_countries))
    before = input_of(partner)
    _write(partner, data, now)
    after = input_of(partner)
    changed = [name for name in PartnerInput.__dataclass_fields__ if getattr(before, name) != getattr(after, name)]
    if not changed:
        return False
    record_audit(session, actor=actor, action="partners:edit", target_type="partner", target_id=partner.id, now=now,
                 details={"fields": changed})
    return True


def list_partners(session: Session) -> Sequence[Partner]:
    """The whole register (small: an office has tens or hundreds), by English name, then Arabic."""
    query = (select(Partner).options(selectinload(Partner.aliases))
             .order_by(func.lower(func.coalesce(func.nullif(Partner.name_en, ""), Partner.name_ar)), Partner.id))
    return session.scalars(query).all()


def get_partner(session: Session, partner_id: int) -> Partner | None:
    return session.get(Partner, partner_id)


def find_partner(session: Session, name: str) -> Partner | None:
    """The partner that goes by `name` (any of its names, as `name_key` compares them)."""
    key = name_key(name)
    return next((p for p in list_partners(session) if key in {name_key(n) for n in p.names}), None)


def agreement_state(partner: Partner, today: date, within_days: int = EXPIRING_DAYS) -> str:
    """One of AGREEMENT_STATES: not started yet, ended, ending within `within_days`, or running."""
    if partner.starts_on and partner.starts_on > today:
        return "not_started"
    if partner.ends_on:
        if partner.ends_on < today:
            return "expired"
        if partner.ends_on <= today + timedelta(days=within_days):
            return "expiring"
    return "active"


def expiring_partners(session: Session, today: date, within_days: int = EXPIRING_DAYS) -> Sequence[Partner]:
    """Partners whose agreement ends between today and `within_days` from now, soonest first."""
    query = (select(Partner).where(Partner.ends_on >= today, Partner.ends_on <= today + timedelta(days=within_days))
             .order_by(Partner.ends_on, Partner.id))
    return session.scalars(query).all()


# --- the links between calls and partners ---------------------------------------------------------

@dataclass(frozen=True)
class CallWords:
    """What the partner matcher needs to rule a stored call out without loading it: its search text."""

    id: int
    search_text: str
    search_version: int
    partnered: bool


def calls_to_match(session: Session, batch: int = 1000) -> Iterator[CallWords]:
    """Every call not merged into another, for matching against the register again, `batch` at a time."""
    last = 0
    columns = (Opportunity.id, Opportunity.search_text, Opportunity.search_version, Opportunity.partnered)
    while True:
        rows = session.execute(select(*columns).where(Opportunity.merged_into_id.is_(None), Opportunity.id > last)
                               .order_by(Opportunity.id).limit(batch)).all()
        if not rows:
            return
        for row in rows:
            yield CallWords(row[0], row[1] or "", row[2] or 0, bool(row[3]))
        last = rows[-1][0]


def link_partners(session: Session, opportunity: Opportunity, links: Sequence[PartnerLink], now: datetime) -> bool:
    """Make the call's partner links exactly `links` (one per partner) and set its `partnered` flag;
    a link kept keeps the date it was first found. True when anything changed."""
    wanted = {link.partner_id: link for link in links}
    existing = {row.partner_id: row for row in session.scalars(
        select(PartnerCall).where(PartnerCall.opportunity_id == opportunity.id))} if opportunity.id else {}
    changed = False
    for partner_id, row in existing.items():
        if partner_id not in wanted:
            session.delete(row)
            changed = True
    for partner_id, link in wanted.items():
        row = existing.get(partner_id)
        if row is None:
            session.add(PartnerCall(partner_id=partner_id, opportunity_id=opportunity.id, matched_name=link.name,
                                    quote=link.quote, found_at=now))
            changed = True
        elif (row.matched_name, row.quote) != (link.name, link.quote):
            row.matched_name, row.quote = link.name, link.quote
    if opportunity.partnered != bool(wanted):
        opportunity.partnered = bool(wanted)
        changed = True
    return changed


def calls_of_partner(session: Session, partner_id: int, *, public_only: bool = False
                     ) -> Sequence[tuple[Opportunity, PartnerCall]]:
    """The calls that name a partner, with the link (which name, the words), newest first."""
    query = (select(Opportunity, PartnerCall).join(PartnerCall, PartnerCall.opportunity_id == Opportunity.id)
             .where(PartnerCall.partner_id == partner_id, Opportunity.merged_into_id.is_(None))
             .order_by(Opportunity.first_seen_at.desc(), Opportunity.id.desc()))
    if public_only:
        query = query.where(Opportunity.status == "approved")
    return [tuple(row) for row in session.execute(query).all()]


def partners_of_call(session: Session, opportunity_id: int) -> Sequence[Partner]:
    """The partners a call names, by name."""
    query = (select(Partner).join(PartnerCall, PartnerCall.partner_id == Partner.id)
             .where(PartnerCall.opportunity_id == opportunity_id).order_by(Partner.name_en, Partner.name_ar))
    return session.scalars(query).all()


def partner_call_counts(session: Session) -> dict[int, tuple[int, int]]:
    """partner id -> (calls that name it, of which exchanges), for the register and the export."""
    query = (select(PartnerCall.partner_id, func.count(), func.count().filter(Opportunity.kind == "exchange"))
             .join(Opportunity, Opportunity.id == PartnerCall.opportunity_id)
             .where(Opportunity.merged_into_id.is_(None)).group_by(PartnerCall.partner_id))
    return {partner_id: (calls, exchanges) for partner_id, calls, exchanges in session.execute(query)}

