"""How well research profiles rank funding calls: precision at 5 on bench/data/research_profiles.toml
(faculty profiles written for Fursa, PPU's colleges, with the calls judged relevant to each), against
the real call texts in ../shared/corpus.

    python bench/research_ranking.py [--corpus ../shared/corpus] [--show] [--pool N]

The pool is every call of five corpus files: NSF award records (title and abstract: what a programme
funds, standing in for its call), Pennsylvania eGrants and the California Grants Portal (title, overview),
DARPA opportunities (title, research topics) and one Grants.gov opportunity. Each call is tagged as the
pipeline tags it; a person's candidates are the calls in their fields (the digest's rule: matching's
score_profile, their chosen fields with the fields derived from their research).

Two orders of the same candidates are compared:
- baseline: the digest without a research profile, i.e. field fit (score_profile), then deadline; the
  corpus' deadlines are mostly past or missing, so every call counts as open with no date and ties keep
  corpus order;
- research: the digest with one: the calls sharing the profile's terms (cosine at least
  matching.research.MIN_SIMILARITY) first, by TF-IDF cosine (the IDF over the whole pool), then the
  others in the baseline's order.

A call is relevant when the labels say so; calls never judged count as not relevant (pooled judging:
`--pool N` lists the top N of both orders that have no judgement yet, to read and judge).
"""
from __future__ import annotations

import argparse
import json
import sys
import tomllib
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from fursa.matching import CallIndex, MatchItem, Profile, build_research_profile, score_profile, tag_item

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "bench" / "data" / "research_profiles.toml"
CORPUS = ROOT.parent / "shared" / "corpus"
K = 5
NOW = datetime(2026, 12, 6, tzinfo=timezone.utc)   # the bench's fixed clock (no call has a date here)


@dataclass(frozen=True)
class Call:
    key: str       # corpus file, '#' and the item's id (or the file alone for one record per file)
    title: str
    text: str


def load_pool(corpus: Path) -> list[Call]:
    calls: list[Call] = []
    for path in sorted((corpus / "nsf-awards-2017" / "awards_2017").glob("*.xml")):
        award = ElementTree.parse(path).getroot().find("Award")
        title = award.findtext("AwardTitle") or ""
        text = (award.findtext("AbstractNarration") or "").replace("<br/>", " ")
        calls.append(Call(f"nsf-awards-2017/awards_2017/{path.name}", title, text))
    name = "pennsylvania-egrants/PA-grant-data.sample.json"
    for row in json.loads((corpus / name).read_text(encoding="utf-8"))["grants"]:
        text = "\n".join(str(row.get(part) or "") for part in ("category", "overview", "shortDescription", "eligibility"))
        calls.append(Call(f"{name}#{row['slug']}", row["title"] or "", text))
    name = "california-grants-portal/111c8c88-21f6-453c-ae2c-b4785a0624f5.json"
    for row in json.loads((corpus / name).read_text(encoding="utf-8"))["records"]:
        title, categories, purpose, description = row[7], row[10], row[12], row[13]
        calls.append(Call(f"{name}#{row[1]}", title or "", "\n".join(str(p or "") for p in (categories, purpose, description))))
    name = "darpa/darpa.json"
    seen = set()
    for row in json.loads((corpus / name).read_text(encoding="utf-8")):
        number = row.get("field_opportunity_number") or ""
        if not row.get("title") or number in seen:
            continue
        seen.add(number)
        text = f"{row.get('field_taxonomy_office', '')}\n{(row.get('field_research_topics') or '').replace('|', ', ')}\n" \
               f"{row.get('field_body_with_summary') or ''}"
        calls.append(Call(f"{name}#{number}", row["title"], text))
    name = "grants-gov-api/grants_gov_fetchOpportunity.json"
    data = json.loads((corpus / name).read_text(encoding="utf-8"))["data"]
    synopsis = data.get("synopsis") or {}
    calls.append(Call(f"{name}#{data.get('id')}", data.get("opportunityTitle") or "",
                      f"{synopsis.get('synopsisDesc') or ''}"))
    return calls


@dataclass(frozen=True)
class Judged:
    name: str
    college: str
    keywords: str
    publications: str
    fields: tuple[str, ...]
    relevant: frozenset[str]
    judged: frozenset[str]


def load_labels(path: Path) -> list[Judged]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Judged(p["name"], p["college"], p.get("keywords", ""), p.get("publications", ""), tuple(p.get("fields", ())),
                   frozenset(p.get("relevant", ())), frozenset(p.get("relevant", ())) | frozenset(p.get("not_relevant", ())))
            for p in data["profile"]]


def match_item(codes: tuple[str, ...], title: str) -> MatchItem:
    """A call as matching sees it, with no date (see the module's note on deadlines)."""
    return MatchItem(title=title, disciplines=codes, levels=(), kind=None, palestinian_eligible=None, regions=(),
                     deadline_at=None, deadline_kind="unknown")


def rankings(person: Judged, calls: list[Call], codes: list[tuple[str, ...]], index: CallIndex) -> tuple[list[str], list[str]]:
    """(baseline order, research order) of the person's candidate calls, by key."""
    research = build_research_profile(person.keywords, person.publications)
    fields = tuple(dict.fromkeys([*person.fields, *research.fields]))
    profile = Profile(disciplines=fields, levels=(), kinds=(), language="en")
    scored = []
    for number, (call, tags) in enumerate(zip(calls, codes)):
        match = score_profile(profile, match_item(tags, call.title), now=NOW)
        if match is not None:
            scored.append((-match.score, number))
    baseline = [number for _, number in sorted(scored)]
    # the digest's rule (digests/selection.py): the calls sharing the profile's words first, most similar
    # first, then the others in the baseline's order
    found = index.matches(research, baseline)
    sharing = sorted((n for n in baseline if found[n].shared), key=lambda n: -found[n].score)
    order = sharing + [n for n in baseline if not found[n].shared]
    return [calls[n].key for n in baseline], [calls[n].key for n in order]


def precision(order: list[str], relevant: frozenset[str], k: int = K) -> float:
    return sum(1 for key in order[:k] if key in relevant) / k


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--show", action="store_true", help="print each profile's top five of both orders")
    parser.add_argument("--pool", type=int, default=0, help="list the unjudged calls among the top N of both orders")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}: pass --corpus ../shared/corpus", file=sys.stderr)
        return 2
    calls = load_pool(args.corpus)
    codes = [tuple(tag_item(call.title, call.text).codes) for call in calls]
    index = CallIndex((number, call.title, call.text) for number, call in enumerate(calls))
    by_key = {call.key: call for call in calls}
    people = load_labels(args.labels)
    missing = sorted({key for person in people for key in person.judged} - set(by_key))
    if missing:
        print(f"labels name calls the corpus does not hold: {missing[:5]}", file=sys.stderr)
        return 2
    totals = {"baseline": 0.0, "research": 0.0}
    print(f"{len(calls)} calls in the pool, {len(people)} faculty profiles; precision at {K}")
    print(f"{'profile':34} {'college':24} {'cands':>5} {'base':>5} {'research':>8}")
    for person in people:
        baseline, research = rankings(person, calls, codes, index)
        p_base, p_research = precision(baseline, person.relevant), precision(research, person.relevant)
        totals["baseline"] += p_base
        totals["research"] += p_research
        print(f"{person.name[:34]:34} {person.college[:24]:24} {len(baseline):5} {p_base:5.2f} {p_research:8.2f}")
        if args.show:
            for label, order in (("baseline", baseline), ("research", research)):
                for key in order[:K]:
                    mark = "+" if key in person.relevant else ("-" if key in person.judged else "?")
                    print(f"    {label:8} {mark} {by_key[key].title[:90]}")
        if args.pool:
            unjudged = [key for key in dict.fromkeys(baseline[:args.pool] + research[:args.pool]) if key not in person.judged]
            for key in sorted(unjudged):
                call = by_key[key]
                print(f"    ? {key}\n        {call.title[:120]}\n        {' '.join(call.text.split())[:260]}")
    count = len(people) or 1
    print(f"mean P@{K}: baseline (field fit, then deadline) {totals['baseline'] / count:.2f}; "
          f"research profile (TF-IDF cosine over the call's text) {totals['research'] / count:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
