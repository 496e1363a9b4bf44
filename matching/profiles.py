"""How well one call fits one subscriber, with reasons a person can read in English or Arabic.

Exclusions are hard: an expired call, a call for other levels, a call that shuts Palestinians out
(for a Palestinian subscriber) or a call in other fields (unless open to all fields) is not
ranked low, it is not returned at all. Everything else is ranked by a score in [0, 1].

Fields, as a call's `disciplines` give them:
- `("any",)`: open to every field, so it fits every subscriber, except one whose every field the
  call leaves out (`excluded`: a medicine student never gets "all fields except medicine").
- `()`: no field was found in the call. It goes only to subscribers who chose no field (they asked
  for everything), never to subscribers with field preferences: a call we cannot place would
  otherwise reach everyone, and staff see it flagged at the desk and can tag it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from .audiences import fits_audience
from .deadlines import days_until
from .taxonomy import ANY, load_taxonomy

# Parts of the score; they sum to 1.
_FIELD, _LEVEL, _KIND, _ELIGIBLE, _URGENCY = 0.5, 0.2, 0.15, 0.1, 0.05
_SPECIFICITY = {4: 1.0, 3: 0.85, 2: 0.6}   # depth of the shared code: detailed, narrow, broad
_ANY_FIELD = 0.4
_URGENT_DAYS = 60

_LEVEL_NAMES = {
    "bachelor": ("bachelor's students", "طلبة البكالوريوس"),
    "master": ("master's students", "طلبة الماجستير"),
    "phd": ("PhD candidates", "طلبة الدكتوراه"),
    "postdoc": ("postdoctoral researchers", "باحثي ما بعد الدكتوراه"),
    "faculty": ("faculty", "أعضاء هيئة التدريس"),
    "staff": ("university staff", "موظفي الجامعة"),
}
_KIND_NAMES = {
    "scholarship": ("scholarship", "منحة دراسية"), "exchange": ("exchange", "تبادل أكاديمي"),
    "research_funding": ("research funding", "تمويل بحثي"), "fellowship": ("fellowship", "زمالة"),
    "training": ("training", "تدريب"), "conference": ("conference", "مؤتمر"),
    "job": ("job", "وظيفة"), "admission": ("admission", "قبول جامعي"), "other": ("other", "أخرى"),
}
_TEMPLATES = {
    "field": ("matches your field {name}", "يطابق تخصصك: {name}"),
    "all_fields": ("open to all fields", "مفتوحة لجميع التخصصات"),
    "level": ("open to {name}", "متاحة لـ{name}"),
    "kind": ("{a} {name} call, as you asked", "{name}، كما طلبت"),
    "palestinians": ("open to Palestinians", "متاحة للفلسطينيين"),
    "closes_in": ("closes in {days} days", "تغلق بعد {days}"),
    "closes_tomorrow": ("closes tomorrow", "تغلق غدًا"),
    "closes_today": ("closes today", "تغلق اليوم"),
    "rolling": ("applications accepted on a rolling basis", "التقديم مفتوح باستمرار"),
    "shares": ("shares: {terms}", "مواضيع مشتركة: {terms}"),   # a research profile's words (matching/research.py)
}


@dataclass(frozen=True)
class Profile:
    """What a subscriber wants: field codes (any depth), levels, kinds and reading language."""

    disciplines: tuple[str, ...]
    levels: tuple[str, ...]
    kinds: tuple[str, ...]
    language: str
    palestinian: bool = True
    audience: str = ""   # who the subscriber is ("student", "faculty", "staff"): a staff call goes to its audiences only


@dataclass(frozen=True)
class MatchItem:
    """The parts of a stored, tagged call that matching needs."""

    title: str
    disciplines: tuple[str, ...]
    levels: tuple[str, ...]
    kind: str | None
    palestinian_eligible: bool | None
    regions: tuple[str, ...]
    deadline_at: datetime | None
    deadline_kind: str   # "date", "rolling" or "unknown"
    excluded: tuple[str, ...] = ()   # fields an "all fields except …" call leaves out
    audiences: tuple[str, ...] = ()  # who the call is for (matching/audiences.py); () not read


@dataclass(frozen=True)
class Reason:
    """One reason in structured form, so a digest can word it in the subscriber's language."""

    key: str
    params: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str = "en") -> str:
        params = dict(self.params)
        ar = lang == "ar"
        if self.key == "field":
            params["name"] = load_taxonomy().name(params["code"], "ar" if ar else "en")
        elif self.key == "level":
            params["name"] = _LEVEL_NAMES[params["level"]][ar]
        elif self.key == "kind":
            params["name"] = _KIND_NAMES[params["kind"]][ar]
            params["a"] = "an" if params["name"][:1] in "aeiou" else "a"   # an admission call
        elif self.key == "shares":
            params["terms"] = ("، " if ar else ", ").join(w for w in params["terms"].split("\n") if w)
        elif self.key == "closes_in" and ar:
            params["days"] = arabic_days(int(params["days"]))
        return _TEMPLATES[self.key][ar].format(**params)


def arabic_days(count: int) -> str:
    """A number of days with the noun Arabic grammar asks for (the six plural forms CLDR gives Arabic):
    "يوم واحد", "يومين", "7 أيام", "11 يومًا", "100 يوم" — never "7 يومًا"."""
    rest = count % 100
    if count == 1:
        return "يوم واحد"
    if count == 2:
        return "يومين"
    if 3 <= rest <= 10:
        return f"{count} أيام"
    if 11 <= rest <= 99:
        return f"{count} يومًا"
    return f"{count} يوم"


@dataclass(frozen=True)
class Match:
    """A call that fits: score in [0, 1], reasons worded in the profile's language, and the same
    reasons as (key, params) for translation."""

    score: float
    reasons: tuple[str, ...]
    details: tuple[Reason, ...] = ()


def _field_fit(wanted: tuple[str, ...], found: tuple[str, ...],
               excluded: tuple[str, ...] = ()) -> tuple[float, Reason | None] | None:
    """Best overlap between the profile's codes and the call's; None when they share no field.

    A subscriber's field inside an excluded one (0912 inside 09) does not count; when none is
    left, the call is not for them. No field found fits only a subscriber who chose none."""
    if excluded and wanted:
        wanted = tuple(mine for mine in wanted if not mine.startswith(excluded))
        if not wanted:
            return None
    if not found:
        return None if wanted else (_ANY_FIELD, None)
    if ANY in found:
        return _ANY_FIELD, Reason("all_fields")
    if not wanted:
        return _ANY_FIELD, None
    best: tuple[float, str] | None = None
    for mine in wanted:
        for theirs in found:
            if theirs.startswith(mine) or mine.startswith(theirs):
                depth = min(len(mine), len(theirs))
                fit = (_SPECIFICITY.get(depth, 0.6), mine if len(mine) >= len(theirs) else theirs)
                best = max(best or fit, fit)
    if best is None:
        return None
    return best[0], Reason("field", (("code", best[1]),))


def _deadline_part(item: MatchItem, now: datetime) -> tuple[float, Reason | None] | None:
    """Urgency share and reason; None when the call has expired."""
    if item.deadline_kind == "rolling":
        return 0.5, Reason("rolling")
    if item.deadline_kind != "date" or item.deadline_at is None:
        return 0.3, None
    at = item.deadline_at if item.deadline_at.tzinfo else item.deadline_at.replace(tzinfo=timezone.utc)
    if at <= now:
        return None
    days = days_until(at, now)
    urgency = max(0.0, 1.0 - days / _URGENT_DAYS)
    if days == 0:
        return urgency, Reason("closes_today")
    if days == 1:
        return urgency, Reason("closes_tomorrow")
    return urgency, Reason("closes_in", (("days", str(days)),))


def score_profile(profile: Profile, item: MatchItem, *, now: datetime) -> Match | None:
    """Score one call for one subscriber, or None when the call is excluded for them."""
    now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    deadline = _deadline_part(item, now)
    field = _field_fit(profile.disciplines, item.disciplines, item.excluded)
    shared_levels = [lvl for lvl in profile.levels if lvl in item.levels]
    if deadline is None or field is None or not fits_audience(profile.audience, item.audiences):
        return None
    if profile.levels and item.levels and not shared_levels:
        return None
    if profile.palestinian and item.palestinian_eligible is False:
        return None
    kind_fit = 1.0 if not profile.kinds or item.kind in profile.kinds else (0.5 if item.kind is None else 0.0)
    level_fit = 1.0 if shared_levels or not profile.levels else 0.5
    eligible_fit = {True: 1.0, None: 0.5, False: 0.0}[item.palestinian_eligible]
    score = (_FIELD * field[0] + _LEVEL * level_fit + _KIND * kind_fit
             + _ELIGIBLE * eligible_fit + _URGENCY * deadline[0])
    details = [field[1]]
    details += [Reason("level", (("level", lvl),)) for lvl in shared_levels[:2]]
    if profile.kinds and item.kind in profile.kinds:
        details.append(Reason("kind", (("kind", item.kind),)))
    if profile.palestinian and item.palestinian_eligible:
        details.append(Reason("palestinians"))
    details.append(deadline[1])
    reasons = tuple(r for r in details if r is not None)
    return Match(round(score, 4), tuple(r.text(profile.language) for r in reasons), reasons)
