"""Who a call is for: students, faculty, administrative staff — read from its levels, kind and wording.

Levels say which students or researchers a call is for; they cannot say that a call is a
capacity-building programme, a staff training week or staff mobility for training, which PPU's
administrative staff (registration, finance, library …) should get and students should not.
The wording that says so is data (matching/data/audiences.toml). A student scholarship's text
often mentions "university staff" or "capacity building in developing countries", so a staff phrase
in the text of a call that reads as a student scholarship or admission does not make it a staff call;
in its title it does.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .phrases import Entry, Hit, PhraseIndex
from .taxonomy import LANGUAGES, read_data

AUDIENCES = ("student", "faculty", "staff")
STUDENT_LEVELS = frozenset({"bachelor", "master", "phd"})
FACULTY_LEVELS = frozenset({"postdoc", "faculty"})
# Kinds that are for students when they name no level, and for researchers when they name none.
STUDENT_KINDS = frozenset({"scholarship", "admission"})
FACULTY_KINDS = frozenset({"research_funding", "fellowship", "conference"})
# A vacancy or an admission notice is not a programme staff attend, whatever its wording.
NEVER_STAFF_KINDS = frozenset({"job", "admission"})
# Kinds whose calls say "staff" only about those who run them unless the title says otherwise.
TRAINING_KINDS = frozenset({"training", "exchange", "other", None})
WEAK_CUES_NEEDED = 2      # different weak phrases in the text of a training call
MAX_EVIDENCE = 6
_CATEGORY = "audience"
_STRENGTHS = ("strong", "mixed", "weak", "teaching", "not_staff")


@dataclass(frozen=True)
class AudienceReading:
    """Who a call is for (a subset of AUDIENCES, in that order) and the staff phrases that decided it."""

    audiences: tuple[str, ...]
    evidence: tuple[str, ...] = ()

    @property
    def for_staff(self) -> bool:
        return "staff" in self.audiences


@lru_cache(maxsize=1)
def _index() -> PhraseIndex:
    data = read_data("audiences.toml").get("staff", {})
    phrases = []
    for strength in _STRENGTHS:
        for lang in LANGUAGES:
            phrases += [(phrase, Entry(_CATEGORY, strength)) for phrase in data.get(strength, {}).get(lang, ())]
    return PhraseIndex(phrases)


def _cues(title: str, text: str) -> tuple[list[Hit], list[Hit]]:
    index = _index()
    return index.find(title or ""), index.find(text or "")


def read_audiences(title: str, text: str, *, levels: tuple[str, ...] = (), kind: str | None = None,
                   title_levels: tuple[str, ...] = ()) -> AudienceReading:
    """The audiences of one call from its words, the levels and kind the tagger found, and the levels
    its title names (`title_levels`: a title that names a student level is a student call)."""
    in_title, in_text = _cues(title, text)
    staff, evidence = _reads_as_staff(in_title, in_text, levels, kind, title_levels)
    teaching = any(h.entry.value == "teaching" for h in in_title + in_text)
    mixed = staff and any(h.entry.value == "mixed" for h in in_title + in_text)
    found = set()
    if STUDENT_LEVELS & set(levels) or mixed or (not levels and kind in STUDENT_KINDS and not staff):
        found.add("student")
    if FACULTY_LEVELS & set(levels) or teaching or (not levels and kind in FACULTY_KINDS):
        found.add("faculty")
    if staff:
        found.add("staff")
    return AudienceReading(tuple(a for a in AUDIENCES if a in found), evidence)


def _reads_as_staff(in_title: list[Hit], in_text: list[Hit], levels: tuple[str, ...], kind: str | None,
                    title_levels: tuple[str, ...]) -> tuple[bool, tuple[str, ...]]:
    if kind in NEVER_STAFF_KINDS:
        return False, ()
    strong_title = _phrases(in_title, "strong", "mixed")
    if strong_title:
        return True, strong_title
    student_call = bool(STUDENT_LEVELS & set(title_levels)) or (
        kind in STUDENT_KINDS and bool(STUDENT_LEVELS & set(levels)))
    if student_call:
        return False, ()
    # In the text, "staff training" or "professional staff" is as often what a grant pays for or who
    # runs a programme: only a training, exchange or unplaced call is read as one for staff.
    if kind not in TRAINING_KINDS:
        return False, ()
    strong_text = _phrases(in_text, "strong", "mixed")
    if strong_text:
        return True, strong_text
    if STUDENT_LEVELS & set(levels):
        return False, ()
    weak_title, weak_text = _phrases(in_title, "weak"), _phrases(in_text, "weak")
    others = [phrase for phrase in weak_text if phrase.lower() not in {p.lower() for p in weak_title}]
    if weak_title and others:
        return True, weak_title + tuple(others)
    if len(weak_text) >= WEAK_CUES_NEEDED:
        return True, weak_text
    return False, ()


def _phrases(hits: list[Hit], *strengths: str) -> tuple[str, ...]:
    """The different phrases of these strengths, as written, first seen first."""
    found: dict[tuple[str, ...], str] = {}
    for hit in hits:
        if hit.entry.value in strengths:
            found.setdefault(hit.key, hit.phrase)
    return tuple(list(found.values())[:MAX_EVIDENCE])


def fits_audience(audience: str, audiences: tuple[str, ...]) -> bool:
    """Whether a call read as for `audiences` goes to a subscriber who is `audience`.

    A staff subscriber gets the calls for staff only (capacity building, training, staff mobility):
    not the students' scholarships nor the researchers' grants. A call for staff goes to students
    or faculty only when it is for them too ("students and staff"); every other call is for them
    as before, their levels and kinds deciding."""
    if audience == "staff":
        return "staff" in audiences
    return "staff" not in audiences or audience in audiences
