"""What staff change on sources, at the desk or with `fursa sources`: add, edit, revert, pause, resume.

Each change is checked by the same rules and written to the audit log here, so both doors agree.

A change to a source from the catalogue file is an override: the field keeps the staff's value when
the catalogue is loaded again (`fursa init`), `Source.overrides` holds what the file says for it, and
`revert_source` puts the file's value back. Setting a field to what the file says ends its override.
Whether an address is public (the SSRF guard) is the crawlers' to say; the doors ask it before
calling in, as storage imports nothing of Fursa's.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from fursa.storage.audit import record_audit
from fursa.storage.errors import InvalidSourceError
from fursa.storage.models import Source
from fursa.storage.records import KINDS, SourceSpec
from fursa.storage.sources import source_from_spec

SOURCE_LANGUAGES = ("en", "ar", "fr", "de", "es", "it", "tr")
MIN_EVERY_HOURS, MAX_EVERY_HOURS = 1, 24 * 30
_NAME = re.compile(r"^[\w .()&'-]{2,120}$", re.UNICODE)
# The fields an edit may change, in the order the audit log lists them.
EDITABLE = ("url", "kind", "language", "every_hours", "provider", "description")


@dataclass(frozen=True)
class SourceEdit:
    """A source's staff-editable settings, as the desk's form or `fursa sources edit` gives them."""

    url: str
    kind: str = "other"
    language: str = "en"
    every_hours: float = 24.0
    provider: str = ""
    description: str = ""


def edit_of(row: Source) -> SourceEdit:
    """The current settings of a stored source, to change some of them with dataclasses.replace."""
    return SourceEdit(url=row.url, kind=row.kind, language=row.language, every_hours=row.every_hours,
                      provider=row.provider, description=row.description)


def source_problems(edit: SourceEdit) -> dict[str, str]:
    """What is wrong with the settings, by field (url, kind, language, every_hours); empty when all is well."""
    problems: dict[str, str] = {}
    if not edit.url.lower().startswith(("http://", "https://")):
        problems["url"] = f"{edit.url!r} is not a web address; give the full address, starting with https://"
    if edit.kind not in KINDS:
        problems["kind"] = f"kind {edit.kind!r} is not one of: {', '.join(KINDS)}"
    if edit.language not in SOURCE_LANGUAGES:
        problems["language"] = f"language {edit.language!r} is not one of: {', '.join(SOURCE_LANGUAGES)}"
    if not (math.isfinite(edit.every_hours) and MIN_EVERY_HOURS <= edit.every_hours <= MAX_EVERY_HOURS):
        problems["every_hours"] = (f"every_hours must be a number of hours between {MIN_EVERY_HOURS} and "
                                   f"{MAX_EVERY_HOURS}")
    return problems


def valid_source_name(name: str) -> bool:
    """2 to 120 letters, digits, spaces and simple punctuation: a name that reads well in lists and logs."""
    return bool(_NAME.match(name))


def source_name_taken(session: Session, name: str) -> bool:
    return session.scalar(select(Source.id).where(Source.name == name)) is not None


def _name_problem(session: Session, name: str) -> str | None:
    if not valid_source_name(name):
        return f"{name!r}: a source name is 2 to 120 letters, digits, spaces and simple punctuation"
    if source_name_taken(session, name):
        return f"another source is already named {name!r}; choose another name"
    return None


def _refuse(problems: dict[str, str]) -> None:
    if problems:
        raise InvalidSourceError("; ".join(problems.values()), problems)


def add_source(session: Session, spec: SourceSpec, *, actor: str, now: datetime, origin: str = "desk") -> Source:
    """Store a source staff added (not from the catalogue), audited; InvalidSourceError when it is not acceptable."""
    problems = source_problems(SourceEdit(spec.url, spec.kind, spec.language, spec.every_hours))
    taken = _name_problem(session, spec.name)
    if taken:
        problems = {"name": taken, **problems}
    _refuse(problems)
    row = source_from_spec(spec, origin=origin)
    session.add(row)
    session.flush()
    record_audit(session, actor=actor, action="source:add", target_type="source", target_id=row.id, now=now,
                 details={"name": row.name, "url": row.url})
    return row


def edit_source(session: Session, row: Source, edit: SourceEdit, *, actor: str, now: datetime) -> tuple[str, ...]:
    """Change a source's settings; returns the fields that changed (audited with before and after).

    Only changed fields are checked: a value the source already had (a language the list lacks) stays.
    On a catalogue source each changed field becomes an override of the catalogue's value.
    """
    changes = {name: (getattr(row, name), getattr(edit, name)) for name in EDITABLE
               if getattr(row, name) != getattr(edit, name)}
    _refuse({name: problem for name, problem in source_problems(edit).items() if name in changes})
    overrides = dict(row.overrides or {})
    for name, (before, after) in changes.items():
        setattr(row, name, after)
        if row.origin == "catalogue":
            catalogue = overrides.setdefault(name, before)
            if catalogue == after:
                del overrides[name]
    if overrides != (row.overrides or {}):
        row.overrides = overrides
    if changes:
        record_audit(session, actor=actor, action="source:edit", target_type="source", target_id=row.id, now=now,
                     details={name: {"before": before, "after": after} for name, (before, after) in changes.items()})
    return tuple(changes)


def revert_source(session: Session, row: Source, fields: Iterable[str] = (), *, actor: str,
                  now: datetime) -> tuple[str, ...]:
    """Put back the catalogue's value of the overridden `fields` (all of them when none are named);
    returns the fields reverted (audited); a field that is not overridden is left alone."""
    overrides = dict(row.overrides or {})
    chosen = [name for name in (fields or tuple(overrides)) if name in overrides]
    details = {}
    for name in chosen:
        catalogue = overrides.pop(name)
        details[name] = {"before": getattr(row, name), "after": catalogue}
        setattr(row, name, catalogue)
    if details:
        row.overrides = overrides
        record_audit(session, actor=actor, action="source:revert", target_type="source", target_id=row.id, now=now,
                     details=details)
    return tuple(details)


def pause_source(session: Session, row: Source, *, actor: str, now: datetime) -> bool:
    """Stop crawling a source until resumed; False when it was paused already (nothing audited)."""
    if not row.enabled:
        return False
    row.enabled = False
    record_audit(session, actor=actor, action="source:pause", target_type="source", target_id=row.id, now=now)
    return True


def resume_source(session: Session, row: Source, *, actor: str, now: datetime) -> bool:
    """Crawl a source again at once: undo a staff pause and a pause after failures, forget the back-off.

    False when it was neither paused nor stopped by failures (nothing audited).
    """
    if row.enabled and not row.paused_reason:
        return False
    row.enabled = True
    row.paused_reason = None
    row.consecutive_failures = 0
    row.next_run_at = None
    record_audit(session, actor=actor, action="source:resume", target_type="source", target_id=row.id, now=now)
    return True
