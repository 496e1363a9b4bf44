"""The rule tagger: disciplines, levels, kind, eligibility, deadline and language of one call.

One pass of the phrase index over the title and one over the text find every keyword; fields
are scored from them (title words count more, a phrase that names a field more than one that only
suggests it), then summed per broad field, which is the level the decision is made at. A field
the call lists as the one it is for (after "Bachelor of", "Faculty of", "enrolled in") is kept
even when the vocabulary of another field outweighs it; a second field that is merely mentioned
must come close to the best one.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Sequence

from .audiences import read_audiences
from .deadlines import find_deadline
from .eligibility import cues_from, read_eligibility
from .names import name_spans
from .normalize import split_words
from .language import detect_language
from .normalize import strip_html
from .phrases import Hit
from .records import Evidence, Tag, Tagging
from .vocabulary import NO_LEVEL, NOT_A_FIELD, codes_for_category, load_vocabulary, programmes_in_title

if TYPE_CHECKING:
    from .learned import LearnedModel

TITLE_WEIGHT = 3.0        # a word in the title says more about the call than one in the body
REPEAT_WEIGHT = 0.3       # each further occurrence of a phrase adds this share of its weight
CATEGORY_WEIGHT = 4.0     # a funder's category is a hint the words may still outweigh
MIN_FIELD_SCORE = 3.0     # below this, nothing names a field: the call is open to all fields
TOPIC_ONLY_SCORE = 6.0    # a field only suggested by topic words (never named) needs this much
TOPIC_WORDS = 2           # ... or this many different topic words
RELATIVE_CUTOFF = 0.9     # a second field the call does not list must nearly tie with the best one
LISTED_CUTOFF = 0.25      # ... unless the call lists it (a degree, a faculty), when this share will do
MAX_FIELDS = 3
MAX_EVIDENCE = 8
MAX_TEXT = 100_000        # characters; past this the rest of a page is navigation and footers
ANY = "any"
LIST_WINDOW = 3           # words between a cue ("enrolled in a") and the field it introduces
LIST_GAP = 3              # words between two fields of one list ("law, economics or commerce")


def _clean(title: str, text: str) -> tuple[str, str, list[str]]:
    flags = []
    title, text = title or "", text or ""
    if "<" in title + text and ">" in title + text:
        title, text = strip_html(title), strip_html(text)
        flags.append("html_removed")
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
        flags.append("truncated")
    if not title.strip() and not text.strip():
        flags.append("empty_text")
    return " ".join(title.split()), text, flags


def _score_fields(hits: list[tuple[Hit, str]]) -> tuple[dict[str, float], dict[str, list[tuple[str, str]]]]:
    """Score per code, and per code the (phrase, where) pairs that gave it, first seen first
    (plain tuples: Evidence records are built only for the tags finally chosen)."""
    scores: dict[str, float] = defaultdict(float)
    evidence: dict[str, list[tuple[str, str]]] = defaultdict(list)
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for hit, where in hits:
        entry = hit.entry
        if entry.category != "field" or entry.value == NOT_A_FIELD:
            continue
        weight = entry.weight * (TITLE_WEIGHT if where == "title" else 1.0)
        if (entry.value, hit.key) in seen:
            weight *= REPEAT_WEIGHT
        else:
            seen.add((entry.value, hit.key))
            evidence[entry.value].append((hit.phrase, where))
        scores[entry.value] += weight
    return scores, evidence


def _add_categories(categories: Sequence[str], scores: dict, evidence: dict) -> frozenset[str]:
    """Add the fields funders' categories imply; returns their broad fields (they count as named)."""
    implied = set()
    for category in categories:
        for code in codes_for_category(str(category)):
            scores[code] += CATEGORY_WEIGHT
            evidence[code].append((str(category), "category"))
            implied.add(code[:2])
    return frozenset(implied)


def _add_programmes(title: str, scores: dict, evidence: dict) -> frozenset[str]:
    """Add the fields a funder's programme named in the title implies; returns their broad fields.

    The programme's own field is the funder's placement of the call, so it goes first: it is
    raised just above the best field the words found. The fields a programme also serves are hints
    like a funder's category."""
    implied = set()
    for found, codes in programmes_in_title(title):
        primary, *others = codes
        totals = broad_scores(scores)
        top = max(totals.values(), default=0.0)
        scores[primary] += max(0.0, top - totals.get(primary[:2], 0.0)) + CATEGORY_WEIGHT
        for code in others:
            scores[code] += CATEGORY_WEIGHT
        for code in codes:
            evidence[code].insert(0, (found, "programme"))
            implied.add(code[:2])
    return frozenset(implied)


def broad_scores(scores: dict[str, float]) -> dict[str, float]:
    """Sum of the scores of every code under each broad field."""
    totals: dict[str, float] = defaultdict(float)
    for code, score in scores.items():
        totals[code[:2]] += score
    return dict(totals)


def _best_code(broad: str, scores: dict[str, float]) -> str:
    """The most specific code the evidence supports within a broad field: a detailed code that
    carries a quarter of its narrow field's score, else the narrow field, else the broad one."""
    narrow: dict[str, float] = defaultdict(float)
    for code, score in scores.items():
        if len(code) > 2 and code.startswith(broad):
            narrow[code[:3]] += score
    if not narrow:
        return broad
    best = min(narrow, key=lambda c: (-narrow[c], c))
    detailed = {c: s for c, s in scores.items() if len(c) == 4 and c.startswith(best)}
    if detailed:
        top = min(detailed, key=lambda c: (-detailed[c], c))
        if detailed[top] >= 0.25 * narrow[best]:
            return top
    return best


def choose_broad(totals: dict[str, float], any_named: bool, title_named: bool,
                 named: frozenset[str] | None = None, listed: frozenset[str] = frozenset(),
                 general: bool = True) -> list[str]:
    """Broad fields to tag, best first; ["any"] for a call open to all fields; [] when it names none.

    "any" is kept for calls that say they are open to every field, and for general awards (merit,
    need, leadership: `general`) that name no subject; a call that names nothing else gets no
    field, and the tagger flags it for staff.

    `named` holds the broad fields some phrase names outright; the others are only suggested by
    topic words and must clear a higher bar. `listed` holds the fields the call names as the ones
    it is for (a degree, a faculty, "enrolled in …"): they face a lower bar and no cap."""
    if any_named and not title_named:
        return [ANY]
    if named is not None:
        totals = {b: s for b, s in totals.items() if b in named or s >= TOPIC_ONLY_SCORE}
    if not totals or max(totals.values()) < MIN_FIELD_SCORE:
        return [ANY] if general else []
    ranked = sorted(totals, key=lambda b: (-totals[b], b))
    top = totals[ranked[0]]
    # A field the call lists ("PhD positions in biology, mathematics and physics") is exempt from
    # the cap and the relative cut-off: an explicit list names every field in it.
    return [b for i, b in enumerate(ranked)
            if (b in listed and totals[b] >= LISTED_CUTOFF * top) or (i < MAX_FIELDS and totals[b] >= RELATIVE_CUTOFF * top)]


def _listed(hits: list[tuple[Hit, str]]) -> frozenset[str]:
    """Broad fields a call names right after a field cue, or further along a list begun by one."""
    listed: set[str] = set()
    for part in ("title", "text"):
        cues = [(h.start, h.start + len(h.key)) for h, where in hits
                if where == part and h.entry.category == "field_cue"]
        if not cues:
            continue
        fields = sorted((h.start, h.start + len(h.key), h.entry.value[:2]) for h, where in hits
                        if where == part and h.entry.category == "field" and h.entry.value != NOT_A_FIELD
                        and h.entry.named)
        reach = -1   # the last word a cue or a listed field lets the list run to
        for start, end, broad in fields:
            if start > reach:
                reach = max((c_end + LIST_WINDOW for c_start, c_end in cues
                             if c_start <= start <= c_end + LIST_WINDOW), default=-1)
            if start <= reach:
                listed.add(broad)
                reach = max(reach, end + LIST_GAP)
    return frozenset(listed)


def _exceptions(hits: list[tuple[Hit, str]]) -> tuple[frozenset[tuple[str, int]], frozenset[str]]:
    """Field phrases a call names after an exception ("except medicine", «باستثناء الطب والتمريض»),
    as (part, word index) to leave out of the scores, and their broad fields."""
    dropped: set[tuple[str, int]] = set()
    excluded: set[str] = set()
    for part in ("title", "text"):
        cues = [h.start + len(h.key) for h, where in hits if where == part and h.entry.category == "field_exception"]
        if not cues:
            continue
        fields = sorted((h.start, h.start + len(h.key), h.entry.value[:2]) for h, where in hits
                        if where == part and h.entry.category == "field" and h.entry.value != NOT_A_FIELD)
        for cue_end in cues:
            reach = cue_end + LIST_WINDOW
            for start, end, broad in fields:
                if cue_end <= start <= reach:
                    dropped.add((part, start))
                    excluded.add(broad)
                    reach = end + LIST_GAP
    return frozenset(dropped), frozenset(excluded)


def _disciplines(scores: dict, evidence: dict, chosen: list[str], confidence: dict[str, float]) -> tuple[Tag, ...]:
    tags = []
    for broad in chosen:
        if broad == ANY:
            tags.append(Tag(ANY, round(confidence.get(ANY, 1.0), 3), ()))
            continue
        code = _best_code(broad, scores)
        found = dict.fromkeys(e for c, items in evidence.items() if c.startswith(broad) for e in items)
        proof = tuple(Evidence(phrase, where) for phrase, where in list(found)[:MAX_EVIDENCE])
        tags.append(Tag(code, round(confidence.get(broad, 0.0), 3), proof))
    return tuple(tags)


LEVEL_ORDER = ("bachelor", "master", "phd", "postdoc", "faculty", "staff")
# The level a call is for when it names only the degree applicants must already hold.
_NEXT_LEVEL = {"school": "bachelor", "bachelor": "master", "master": "phd", "phd": "postdoc"}
REQUIREMENT_WINDOW = 3    # words between "holders of a" and the degree it requires
NOT_ELIGIBLE_WINDOW = 1   # words between a level and "are not eligible" ("undergraduate students are not …")


def _levels(hits: list[tuple[Hit, str]], kind: str | None = None) -> tuple[str, ...]:
    """The levels a call is for: the target, not the degree an applicant must hold, nor a level it
    says is not eligible ("undergraduates are not eligible", «غير مؤهلين»). A title that names a
    level names the target ("PhD Scholarship in …": the master's degree in the text is a
    requirement); a grant that names none is for researchers, i.e. faculty."""
    title_levels = _targets(hits, ("title",))
    targets, required = title_levels if title_levels[0] else _targets(hits, ("title", "text"))
    if not targets and kind == "research_funding":
        targets = {"faculty"}
    return tuple(level for level in LEVEL_ORDER if level in targets)


def _targets(hits: list[tuple[Hit, str]], parts: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """Target levels and required degrees named in these parts of a call."""
    targets: set[str] = set()
    required: set[str] = set()
    for part in parts:
        held = [h.start + len(h.key) for h, where in hits if where == part and h.entry.category == "level_requirement"]
        refused = [h.start for h, where in hits if where == part and h.entry.category == "level_exclusion"]
        for hit, where in hits:
            if where != part or hit.entry.category != "level" or hit.entry.value == NO_LEVEL:
                continue
            end = hit.start + len(hit.key)
            if any(cue <= hit.start <= cue + REQUIREMENT_WINDOW for cue in held):
                required.add(hit.entry.value)
            elif not any(end <= at <= end + NOT_ELIGIBLE_WINDOW for at in refused):
                targets.add(hit.entry.value)
    if "school" in targets:
        targets.add("bachelor")
    targets.discard("school")
    if not targets:
        targets = {_NEXT_LEVEL[level] for level in required if level in _NEXT_LEVEL}
    return targets, required


def _kind(hits: list[tuple[Hit, str]], order: tuple[str, ...]) -> str | None:
    scores: dict[str, float] = defaultdict(float)
    for hit, where in hits:
        if hit.entry.category == "kind":
            scores[hit.entry.value] += TITLE_WEIGHT if where == "title" else 1.0
    if not scores:
        return None
    rank = {kind: i for i, kind in enumerate(order)}
    return min(scores, key=lambda k: (-scores[k], rank.get(k, len(rank))))


def _regions(hits: list[tuple[Hit, str]]) -> tuple[str, ...]:
    """The regions a call names (kept on the call for filters); eligibility is read separately."""
    return tuple(sorted({h.entry.value for h, _ in hits if h.entry.category == "region"}))


def _outside_names(hits: list[tuple[Hit, str]], title: str, text: str) -> list[tuple[Hit, str]]:
    """The hits without the field words that stand inside an organisation's name ("Ministry of
    Education", «وزارة التربية والتعليم العالي»): those names are looked for only in a part where
    the one pass found one of their anchor words."""
    parts = {where for hit, where in hits if hit.entry.category == "name_anchor"}
    if not parts:
        return hits
    inside = {part: _word_ranges(source) for part, source in (("title", title), ("text", text)) if part in parts}
    return [(hit, where) for hit, where in hits
            if hit.entry.category != "field" or not any(a <= hit.start < b for a, b in inside.get(where, ()))]


def _word_ranges(source: str) -> list[tuple[int, int]]:
    """Names' character spans as ranges of word indices, as the phrase index counts words."""
    return [(len(split_words(source[:start])), len(split_words(source[:end]))) for start, end in name_spans(source)]


def _find_hits(title: str, text: str) -> list[tuple[Hit, str]]:
    index = load_vocabulary().index
    return [(h, "title") for h in index.find(title)] + [(h, "text") for h in index.find(text)]


@dataclass(frozen=True)
class RuleScores:
    """What the rules found about a call's fields, before any decision (the model combines it)."""

    totals: dict[str, float]          # broad field -> score
    any_named: bool                   # the call says it is open to all fields
    title_named: bool                 # a field phrase appears in the title
    named: frozenset[str] = frozenset()   # broad fields a keyword names outright (not just topics)
    listed: frozenset[str] = frozenset()  # broad fields the call says it is for (after a field cue)
    general: bool = True                  # reads as a merit/need award: with no field named, open to all
    excluded: frozenset[str] = frozenset()  # broad fields the call leaves out ("all fields except medicine")

    def choice(self) -> list[str]:
        """The broad fields the rules alone would tag, best first; ["any"], or [] when none is named."""
        chosen = choose_broad(self.totals, self.any_named, self.title_named, self.named, self.listed, self.general)
        if self.excluded and (self.any_named or chosen in ([], [ANY])):
            return [ANY]
        return chosen


def rules_decision(rules: RuleScores) -> tuple[list[str], dict[str, float]]:
    """The rules' own decision, and each broad field's share of the score as its confidence."""
    total = sum(rules.totals.values()) or 1.0
    return rules.choice(), {b: s / total for b, s in rules.totals.items()}


def score_rules(title: str, text: str, categories: Sequence[str] = ()) -> RuleScores:
    """Broad-field scores of a call from the rules alone."""
    return _analyse(title, text, categories)[3]


def _analyse(title: str, text: str, categories: Sequence[str]
             ) -> tuple[list[tuple[Hit, str]], dict[str, float], dict[str, list[tuple[str, str]]], RuleScores]:
    """The phrases found, the score and evidence per code (words, funders' categories and
    programmes), and what the rules make of them."""
    hits = _outside_names(_find_hits(title, text), title, text)
    excepted, excluded = _exceptions(hits)
    scores, evidence = _score_fields([pair for pair in hits if (pair[1], pair[0].start) not in excepted])
    implied = _add_categories(categories, scores, evidence) | _add_programmes(title, scores, evidence)
    return hits, scores, evidence, _rule_scores(hits, scores, implied, excluded)


def _named(hits: list[tuple[Hit, str]]) -> frozenset[str]:
    """Broad fields a keyword names, or that several different topic words point to (one topic
    word, even in the title, is too little: "Social Club", "Incentive Scheme")."""
    named: set[str] = set()
    topics: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for hit, _ in hits:
        entry = hit.entry
        if entry.category != "field" or entry.value == NOT_A_FIELD:
            continue
        if entry.named:
            named.add(entry.value[:2])
        else:
            topics[entry.value[:2]].add(hit.key)
    return frozenset(named | {b for b, keys in topics.items() if len(keys) >= TOPIC_WORDS})


# Kinds of call that, naming no subject, put no subject condition on applicants (a government
# scheme, a university-wide award); a job, an admission or a grant that names none has one unsaid.
_OPEN_BY_DEFAULT = frozenset({"scholarship", "fellowship", "exchange"})


def _reads_as_general_award(hits: list[tuple[Hit, str]]) -> bool:
    if any(h.entry.category == "general_award" for h, _ in hits):
        return True
    return _kind(hits, load_vocabulary().kind_order) in _OPEN_BY_DEFAULT


def _rule_scores(hits: list[tuple[Hit, str]], scores: dict[str, float], implied: frozenset[str],
                 excluded: frozenset[str] = frozenset()) -> RuleScores:
    return RuleScores(
        totals=broad_scores(scores),
        any_named=any(h.entry.category == "any" for h, _ in hits),
        title_named=any(h.entry.category == "field" and h.entry.value != NOT_A_FIELD
                        for h, where in hits if where == "title"),
        named=_named(hits) | implied,
        listed=_listed(hits),
        general=_reads_as_general_award(hits),
        excluded=excluded)


def tag_item(title: str, text: str, *, categories: Sequence[str] = (), language: str | None = None,
             published: date | datetime | None = None, model: "LearnedModel | None" = None) -> Tagging:
    """Tag one call. Never raises on odd input: empty, foreign or huge text comes back flagged.

    `published` is the day the source published the call (a feed's or page's date): a deadline
    written without a year is read against it, never against today."""
    title, text, flags = _clean(title, text)
    lang = language or detect_language(f"{title}\n{text}")
    if lang == "other" and "empty_text" not in flags:
        flags.append("unsupported_language")
    hits, scores, evidence, rules = _analyse(title, text, categories)
    chosen, confidence = model.decide(title, text, rules) if model is not None else rules_decision(rules)
    if not chosen:
        flags.append("no_field_found")
    excluded = tuple(sorted(rules.excluded)) if chosen == [ANY] else ()
    eligibility = read_eligibility(title, text, cues_from(hits))
    kind = _kind(hits, load_vocabulary().kind_order)
    deadline = (find_deadline(f"{title}\n{text}", published=_day(published))
                if any(h.entry.category == "deadline_cue" for h, _ in hits) else None)
    if deadline is not None and deadline.year_unknown:
        flags.append("deadline_year_unknown")
    levels = _levels(hits, kind)
    audience = read_audiences(title, text, levels=levels, kind=kind, title_levels=tuple(_targets(hits, ("title",))[0]))
    return Tagging(
        disciplines=_disciplines(scores, evidence, chosen, confidence), excluded=excluded,
        levels=levels, kind=kind, audiences=audience.audiences, audience_evidence=audience.evidence,
        regions=_regions(hits), palestinian_eligible=eligibility.palestinian,
        eligibility_evidence=eligibility.evidence,
        deadline=deadline,
        language=lang, flags=tuple(flags),
    )


def read_call_audiences(title: str, text: str, *, levels: tuple[str, ...], kind: str | None) -> tuple[str, ...]:
    """Who a stored call is for, from its words and the levels and kind it holds (a person's edits
    included): for calls tagged before audiences were read."""
    title, text, _ = _clean(title, text)
    hits = _outside_names(_find_hits(title, ""), title, "")
    return read_audiences(title, text, levels=levels, kind=kind,
                          title_levels=tuple(_targets(hits, ("title",))[0])).audiences


def _day(published: date | datetime | None) -> date | None:
    return published.date() if isinstance(published, datetime) else published
