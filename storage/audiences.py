"""Calls whose audiences have not been read yet (issue 15.4): the rows stored before migration 0012.

The tagger reads who a call is for when it tags it; rows tagged before the column existed hold NULL
there, and the tagging job reads them a batch at a time (pipeline.read_stale_audiences).
"""
from __future__ import annotations

from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from fursa.storage.models import Opportunity


def calls_without_audiences(session: Session, *, limit: int = 2000) -> Sequence[Opportunity]:
    """Up to `limit` tagged calls whose audiences were never read, oldest first."""
    query = (select(Opportunity).where(Opportunity.audiences.is_(None), Opportunity.tagged_at.is_not(None))
             .order_by(Opportunity.id).limit(limit))
    return session.scalars(query).all()
