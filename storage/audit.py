"""The audit log: who changed what, when."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from fursa.storage.models import AuditEntry


def record_audit(
    session: Session, *, actor: str, action: str, target_type: str, target_id: int | None,
    now: datetime, details: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(at=now, actor=actor, action=action, target_type=target_type,
                       target_id=target_id, details=details or {})
    session.add(entry)
    return entry


def recent_audit(session: Session, limit: int = 100) -> Sequence[AuditEntry]:
    return session.scalars(select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)).all()
