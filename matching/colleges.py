"""Which PPU college a profile belongs to, from its field codes and the university's programmes.

A subscriber picks a programme or fields, never a college; the reach report groups people by
college, so the college is read back from the codes: the college whose programmes the profile
holds most of (every code of a programme present), else the one whose programme codes overlap
the profile's most (a broad or narrow code covers the detailed codes under it). Ties go to the
college listed first in matching/data/programmes.toml; no overlap at all gives "".
"""
from __future__ import annotations

from typing import Iterable

from .taxonomy import Taxonomy


def college_of(codes: Iterable[str], taxonomy: Taxonomy) -> str:
    """The key of the college (matching/data/programmes.toml) the field `codes` point to, or ''."""
    held = {code for code in codes if code}
    if not held:
        return ""
    order = list(taxonomy.colleges)
    whole: dict[str, int] = {}
    partial: dict[str, int] = {}
    for programme in taxonomy.programmes.values():
        if all(code in held for code in programme.codes):
            whole[programme.college] = whole.get(programme.college, 0) + 1
        overlap = sum(1 for code in programme.codes if any(_covers(mine, code) for mine in held))
        if overlap:
            partial[programme.college] = partial.get(programme.college, 0) + overlap
    votes = whole or partial
    if not votes:
        return ""
    return max(votes, key=lambda college: (votes[college], -order.index(college)))


def _covers(mine: str, theirs: str) -> bool:
    """The same code, or one is the broader field of the other (061 covers 0613)."""
    return mine.startswith(theirs) or theirs.startswith(mine)
