"""Source rows: syncing the catalogue, what is due, and recording each crawl's health."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fursa.storage.errors import NotFoundError
from fursa.storage.models import Source, SourceRun
from fursa.storage.records import FetchResult, SourceSpec, Validators

# Past this many failures in a row a source is paused until staff look at it.
PAUSE_AFTER_FAILURES = 8
MAX_BACKOFF = timedelta(days=7)


@dataclass(frozen=True)
class CatalogueSync:
    """What syncing the catalogue did, by source name.

    `kept` are catalogue sources whose desk changes were kept over a different value in the file;
    `desk_only` are sources added at the desk under a name the catalogue also uses (left as they are).
    """

    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    kept: tuple[str, ...] = ()
    desk_only: tuple[str, ...] = ()


_SPEC_FIELDS = ("type", "url", "language", "kind", "provider", "parser", "every_hours", "description")


def sync_catalogue(session: Session, specs: Iterable[SourceSpec]) -> CatalogueSync:
    """Insert new catalogue sources and update changed ones; health and validators are kept.

    What staff saved is never undone here: a field changed at the desk (`Source.overrides`) keeps the
    staff's value while the catalogue's is noted beside it; a source added at the desk is left alone;
    `enabled` (paused at the desk) is only set on insert.
    """
    added, updated, unchanged, kept, desk_only = [], [], [], [], []
    existing = {s.name: s for s in session.scalars(select(Source))}
    for spec in specs:
        row = existing.get(spec.name)
        if row is None:
            session.add(source_from_spec(spec))
            added.append(spec.name)
            continue
        if row.origin != "catalogue":
            desk_only.append(spec.name)
            continue
        changed = _apply_spec(row, spec)
        (updated if changed else unchanged).append(spec.name)
        if row.overrides:
            kept.append(spec.name)
    session.flush()
    return CatalogueSync(tuple(added), tuple(updated), tuple(unchanged), tuple(kept), tuple(desk_only))


def source_from_spec(spec: SourceSpec, origin: str = "catalogue") -> Source:
    row = Source(name=spec.name, enabled=spec.enabled, origin=origin, overrides={})
    _apply_spec(row, spec)
    return row


def _apply_spec(row: Source, spec: SourceSpec) -> bool:
    """Bring the row to the spec, except the fields staff overrode; True when anything changed."""
    overrides = dict(row.overrides or {})
    changed = False
    values = {name: getattr(spec, name) for name in _SPEC_FIELDS}
    values.update(audience=list(spec.audience), levels=list(spec.levels), options=dict(spec.options))
    for name, value in values.items():
        if name in overrides:
            if getattr(row, name) == value:
                del overrides[name]          # the file now says what staff set: no longer an override
            elif overrides[name] != value:
                overrides[name] = value      # the catalogue moved on; staff's value still holds
            continue
        if (getattr(row, name) if name != "options" else (row.options or {})) != value:
            setattr(row, name, value)
            changed = True
    if overrides != (row.overrides or {}):
        row.overrides = overrides
        changed = True
    return changed


def spec_of(row: Source) -> SourceSpec:
    """The catalogue view of a stored source, as crawlers take it."""
    return SourceSpec(
        name=row.name, type=row.type, url=row.url, language=row.language, kind=row.kind,
        audience=tuple(row.audience or ()), levels=tuple(row.levels or ()), provider=row.provider,
        parser=row.parser, every_hours=row.every_hours, options=dict(row.options or {}),
        enabled=row.enabled, description=row.description,
    )


def validators_of(row: Source) -> Validators:
    return Validators(etag=row.etag, last_modified=row.last_modified)


def list_sources(session: Session) -> Sequence[Source]:
    return session.scalars(select(Source).order_by(Source.name)).all()


def get_source(session: Session, name: str) -> Source:
    row = session.scalar(select(Source).where(Source.name == name))
    if row is None:
        known = ", ".join(s.name for s in list_sources(session)) or "none"
        raise NotFoundError(f"no source named {name!r}; known sources: {known}")
    return row


def due_sources(session: Session, now: datetime) -> Sequence[Source]:
    """Enabled, unpaused sources whose next run time has come (or that never ran)."""
    query = (
        select(Source)
        .where(Source.enabled.is_(True), Source.paused_reason.is_(None))
        .where(or_(Source.next_run_at.is_(None), Source.next_run_at <= now))
        .order_by(Source.name)
    )
    return session.scalars(query).all()


def record_fetch(session: Session, row: Source, result: FetchResult, items_new: int, now: datetime) -> None:
    """Write one crawl's outcome on the source row; failures back off and finally pause the source."""
    row.last_run_at = now
    row.bytes_read = result.bytes_read
    row.duration_s = result.duration_s
    row.items_seen = len(result.drafts)
    row.items_new = items_new
    session.add(SourceRun(
        source_id=row.id, at=now, status="error" if result.error else ("not_modified" if result.not_modified else "ok"),
        items_seen=len(result.drafts), items_new=items_new, bytes_read=result.bytes_read,
        duration_s=result.duration_s, error=result.error,
    ))
    if result.ok:
        row.last_status = "not_modified" if result.not_modified else "ok"
        row.last_success_at = now
        row.last_error = None
        row.consecutive_failures = 0
        if result.validators.etag or result.validators.last_modified:
            row.etag = result.validators.etag
            row.last_modified = result.validators.last_modified
        row.next_run_at = now + timedelta(hours=row.every_hours)
        return
    row.last_status = "error"
    row.last_error = result.error
    row.consecutive_failures += 1
    backoff = timedelta(hours=row.every_hours) * (2 ** min(row.consecutive_failures - 1, 6))
    row.next_run_at = now + min(backoff, MAX_BACKOFF)
    if row.consecutive_failures >= PAUSE_AFTER_FAILURES:
        row.paused_reason = (
            f"paused after {row.consecutive_failures} failed runs in a row; last error: {result.error}. "
            "Fix the source's URL or settings, then resume it (Resume on its desk page, or "
            f"`fursa sources resume '{row.name}'`)."
        )

