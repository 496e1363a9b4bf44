"""Measure what matching.find_details reads against bench/data/call_details.jsonl (labels written for
Fursa by reading each call: what it covers, amounts, duration, IELTS/TOEFL, language of study, age
limit, documents), on the real texts in ../shared/corpus.

    python bench/call_details.py [--corpus ../shared/corpus] [--show]

Prints precision and recall per attribute over (item, value) pairs, for all items, by language (en, ar)
and for the second batch alone ("second": 22 Arabic calls labeled after the extractor was last tuned,
so its figures say how it does on calls it was not fitted to). A label line names its corpus file and item (`id` for JSON files, the URL for the
opportunitydesk CSV). The hand-written Arabic summaries (arabic-scholarships) and the official pages'
extracts are JSON fields, given to the reader as the call's text under their own headings
("المزايا"/"Benefits" for the benefits field), as a crawler of those pages would.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

from fursa.matching import CallDetails, find_details

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "bench" / "data" / "call_details.jsonl"
CORPUS = ROOT.parent / "shared" / "corpus"
ATTRIBUTES = ("coverage", "covers", "amounts", "duration", "ielts", "toefl", "study_languages", "age_max", "documents")


def load_texts(corpus: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(corpus file, item) -> (title, text) for every item the labels may name."""
    texts: dict[tuple[str, str], tuple[str, str]] = {}
    name = "arabic-calls/AbdallahGO-beacon-scholarships.jsonl"
    for line in (corpus / name).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        texts[(name, row["id"])] = (row["title"], row["text"])
    name = "arabic-scholarships/scholarships.excerpt.json"
    for row in json.loads((corpus / name).read_text(encoding="utf-8"))["scholarships"]:
        text = f"{row.get('funding_type', '')}\nالمزايا:\n{row.get('benefits', '')}\nالشروط:\n{row.get('requirements', '')}"
        texts[(name, row["id"])] = (row["title"], text)
    name = "official-scholarship-pages/scholarships.json"
    raw = json.loads((corpus / name).read_text(encoding="utf-8"))
    for row in next(value for key, value in raw.items() if key != "meta"):
        text = "\n".join(["Benefits", row.get("benefits") or "", "Requirements", *(row.get("requirements") or ()),
                          "Eligibility", str(row.get("eligibility") or "")])
        texts[(name, row["id"])] = (row["title"], text)
    name = "arabic-calls/mohammed-husain24-aqu-student-chatbot.jsonl"
    for line in (corpus / name).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        texts[(name, row["id"])] = (row["title"], row["text"])
    name = "opportunitydesk-2020/opportunitydesk_2020_union.csv"
    with (corpus / name).open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            texts[(name, row["Link"])] = (row["Name"], "")
    return texts


def _plain(value) -> str | None:
    if value is None:
        return None
    text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
    return text


def found_values(details: CallDetails) -> dict[str, set]:
    return {
        "coverage": {details.coverage} - {""},
        "covers": set(details.covers),
        "amounts": {(_plain(a.minimum), _plain(a.maximum), a.currency, a.period) for a in details.amounts},
        "duration": {(float(details.duration.value), details.duration.unit)} if details.duration else set(),
        "ielts": {_plain(details.ielts)} - {None},
        "toefl": {details.toefl} - {None},
        "study_languages": set(details.study_languages),
        "age_max": {details.age_max} - {None},
        "documents": set(details.documents),
    }


def _number(text: str | None) -> str | None:
    return None if text is None else _plain(__import__("decimal").Decimal(text))


def labeled_values(label: dict) -> dict[str, set]:
    return {
        "coverage": {label["coverage"]} - {""},
        "covers": set(label["covers"]),
        "amounts": {(_number(a[0]), _number(a[1]), a[2], a[3]) for a in label["amounts"]},
        "duration": {(float(label["duration"][0]), label["duration"][1])} if label["duration"] else set(),
        "ielts": {_number(label["ielts"])} - {None},
        "toefl": {label["toefl"]} - {None},
        "study_languages": set(label["study_languages"]),
        "age_max": {label["age_max"]} - {None},
        "documents": set(label["documents"]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--show", action="store_true", help="print every miss and every wrong value")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}: pass --corpus ../shared/corpus", file=sys.stderr)
        return 2
    texts = load_texts(args.corpus)
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    counts = defaultdict(lambda: [0, 0, 0])   # (group, attribute) -> true positives, found, labeled
    for label in labels:
        title, text = texts[(label["corpus"], label["item"])]
        found, truth = found_values(find_details(title, text)), labeled_values(label)
        for attribute in ATTRIBUTES:
            for group in ("all", label["lang"], label.get("batch", "first")):
                cell = counts[(group, attribute)]
                cell[0] += len(found[attribute] & truth[attribute])
                cell[1] += len(found[attribute])
                cell[2] += len(truth[attribute])
            if args.show and found[attribute] != truth[attribute]:
                print(f"{label['item'][-40:]:>40} {attribute:15} found {sorted(map(str, found[attribute]))} "
                      f"labeled {sorted(map(str, truth[attribute]))}")
    by_language = {lang: sum(1 for label in labels if label["lang"] == lang) for lang in ("en", "ar")}
    second = sum(1 for label in labels if label.get("batch") == "second")
    print(f"{len(labels)} labeled calls ({by_language['ar']} Arabic, {by_language['en']} English; {second} in the second batch)")
    groups = ("all", "en", "ar", "second")
    print(f"{'attribute':16}" + "".join(f"{group + ' P':>10}{group + ' R':>9}{'n':>5}" for group in groups))
    for attribute in ATTRIBUTES:
        line = f"{attribute:16}"
        for group in groups:
            hit, found, labeled = counts[(group, attribute)]
            precision = f"{hit / found:.2f}" if found else "–"
            recall = f"{hit / labeled:.2f}" if labeled else "–"
            line += f"{precision:>10}{recall:>9}{labeled:>5}"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
