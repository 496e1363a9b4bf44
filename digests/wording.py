"""Display names of the codes a digest shows (kinds, levels), marked for the translation catalogue.

`N_` only marks a string for extraction (pybabel -k N_); the templates translate it at render time.
"""
from __future__ import annotations


def N_(message: str) -> str:
    return message


KIND_LABELS = {
    "scholarship": N_("Scholarship"),
    "exchange": N_("Exchange"),
    "research_funding": N_("Research funding"),
    "fellowship": N_("Fellowship"),
    "training": N_("Training"),
    "conference": N_("Conference"),
    "job": N_("Job vacancy"),
    "admission": N_("Admission"),
    "other": N_("Opportunity"),
}

LEVEL_LABELS = {
    "bachelor": N_("Bachelor"),
    "master": N_("Master"),
    "phd": N_("PhD"),
    "postdoc": N_("Postdoc"),
    "faculty": N_("Faculty"),
    "staff": N_("Staff"),
}

ROLE_LABELS = {
    "student": N_("student"),
    "faculty": N_("faculty member"),
    "staff": N_("staff member"),
}

# A staff subscriber's unit (storage.STAFF_UNITS), as the footer of their digest names it.
UNIT_LABELS = {
    "registration": N_("Registration"), "admissions": N_("Admissions"), "finance": N_("Finance"),
    "human_resources": N_("Human resources"), "library": N_("Library"), "it_centre": N_("IT centre"),
    "international_relations": N_("International relations"), "public_relations": N_("Public relations"),
    "student_affairs": N_("Student affairs"), "academic_affairs": N_("Academic affairs"),
    "quality_assurance": N_("Quality assurance"), "research": N_("Research"), "procurement": N_("Procurement"),
    "facilities": N_("Facilities"), "presidency": N_("Presidency"), "other": N_("another unit"),
}

# Tags meaning "open to every field" (DESIGN.md says `all`, the tagger says `any`).
ALL_FIELDS = ("any", "all")

# The words storage.describe_deadline and storage.zone_label build a deadline from; they are translated
# through this catalogue ("16 January 2027, 00:59 Hebron time (15 January 2027, 17:00 New York time)").
DEADLINE_WORDS = (N_("Hebron"), N_("%(city)s time"), N_("%(date)s, %(time)s"), N_("%(here)s (%(there)s)"))
