"""One page of query results, and the LIKE pattern the desk's searches share."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Page:
    """One page of rows and how many there are in all."""

    rows: tuple[Any, ...]
    total: int
    offset: int
    limit: int

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < self.total


def contains_pattern(text: str) -> str:
    """A LIKE pattern for `text` anywhere, with LIKE's own wildcards taken literally (escape '\\')."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
