"""The careful-reader set: real calls labeled by two independent readers, for judging the matcher.

    python bench/readers.py                       # counts: items, languages, publishers, labels per reader
    python bench/readers.py --export DIR          # write the texts to label, in batches, to DIR (outside the repo)
    python bench/readers.py --agreement           # how far the two readers agree, attribute by attribute

Which calls: the 367 other-publishers items (``bench/data/other-publishers*.labels.jsonl``,
thirteen publishers) and all 292 real Arabic calls of ``../shared/corpus/arabic-calls/``. Their
texts are read from ``../shared/corpus`` at run time and never copied here: the project keeps only
ids and the readers' labels (``bench/data/readers/<reader>/*.jsonl``) and the adjudicated set
(``bench/data/readers/adjudicated.jsonl``).

A label line (every key required; see ``check_reader_label``):

    {"id": "...", "fields": ["07", "06"] | ["any"] | [], "excluded": ["09"],
     "levels": ["master", "phd"], "kind": "scholarship",
     "palestinian": true | false | null, "deadline": "2026-03-31" | "rolling" | "none" | "unresolved",
     "why": "a few words"}

``fields`` are ISCED-F broad codes of who may apply or what is funded; ``["any"]`` only when the
call says it is open to every field or is a general merit/need award with no subject; ``[]``
when it names a subject the reader cannot place or none at all although it is not open to all.
``palestinian`` is null when the call does not say who may apply by nationality or residence.
``deadline``: the application deadline as a date when the text (with the publication date for a
year it leaves out) fixes it; ``unresolved`` when a deadline is stated but its year cannot be
known; ``none`` when no application deadline is stated.

The held-out part (``is_untouched``: crc32 of the id, 30 %) is never read while tuning the matcher.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from publishers import DEFAULT_CORPUS, read_checked_lines, read_corpus_items, read_labels  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
READERS_DIR = DATA / "readers"
ADJUDICATED = READERS_DIR / "adjudicated.jsonl"
DECISIONS = READERS_DIR / "adjudicator" / "decisions.jsonl"   # a third reader's answer where A and B differ
ATTRIBUTES = ("fields", "excluded", "levels", "kind", "palestinian", "deadline")
OTHER_PUBLISHER_LABELS = (DATA / "other-publishers.labels.jsonl", DATA / "other-publishers-2.labels.jsonl")
ARABIC_CALLS = "arabic-calls"
BROAD_FIELDS = {f"{code:02d}" for code in range(11)}
LEVELS = {"bachelor", "master", "phd", "postdoc", "faculty", "staff"}
KINDS = {"scholarship", "exchange", "research_funding", "fellowship", "training", "conference", "job", "admission",
         "other"}
DEADLINE_WORDS = {"rolling", "none", "unresolved"}
UNTOUCHED_SHARE = 0.30
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ReaderSetError(ValueError):
    """Raised when a reader's label line is malformed, or the corpus lacks a labeled id."""


@dataclass(frozen=True)
class ReaderItem:
    """One call of the set as a reader and the matcher see it."""

    id: str
    publisher: str
    language: str
    title: str
    text: str
    published: str | None


def is_untouched(item_id: str) -> bool:
    """The part kept for the final figure: the same ids on every run and machine."""
    return (zlib.crc32(item_id.encode("utf-8")) % 1000) < UNTOUCHED_SHARE * 1000


def _arabic_items(corpus: Path) -> list[ReaderItem]:
    items = []
    for path in sorted((corpus / ARABIC_CALLS).glob("*.jsonl")):
        publisher = path.stem
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    row = json.loads(line)
                    items.append(ReaderItem(row["id"], publisher, "ar", row.get("title") or "", row.get("text") or "",
                                            row.get("published")))
    return items


def read_reader_items(corpus: Path | None = None) -> list[ReaderItem]:
    """Every call of the set, English publishers first, then the Arabic calls, ids unique."""
    corpus = Path(corpus) if corpus is not None else DEFAULT_CORPUS
    wanted = [label["id"] for path in OTHER_PUBLISHER_LABELS for label in read_labels(path)]
    by_id = {item.id: item for item in read_corpus_items(corpus)}
    missing = [item_id for item_id in wanted if item_id not in by_id]
    if missing:
        raise ReaderSetError(f"{len(missing)} labeled ids are not in the corpus at {corpus} (first: {missing[0]!r})")
    english = [ReaderItem(i.id, i.publisher, _language(i.title + " " + i.text), i.title, i.text, None)
               for i in (by_id[item_id] for item_id in dict.fromkeys(wanted))]
    return english + _arabic_items(corpus)


def _language(text: str) -> str:
    arabic = sum(1 for ch in text if "\u0600" <= ch <= "\u06ff")
    return "ar" if arabic > len(text) * 0.3 else "en"


def check_reader_label(label: dict, where: str) -> None:
    """Refuse a label the scorer would misread, naming the line and what is wrong."""
    keys = {"id", "fields", "excluded", "levels", "kind", "palestinian", "deadline"}
    if not isinstance(label, dict) or not keys <= set(label):
        raise ReaderSetError(f"{where}: a label needs the keys {sorted(keys)}")
    fields, excluded = label["fields"], label["excluded"]
    if not isinstance(fields, list) or not set(fields) <= BROAD_FIELDS | {"any"} or ("any" in fields and len(fields) > 1):
        raise ReaderSetError(f"{where} ({label['id']}): fields must be broad codes '00'..'10', ['any'] alone, or []")
    if not isinstance(excluded, list) or not set(excluded) <= BROAD_FIELDS or (excluded and fields != ["any"]):
        raise ReaderSetError(f"{where} ({label['id']}): excluded must be broad codes, and only with fields ['any']")
    if not isinstance(label["levels"], list) or not set(label["levels"]) <= LEVELS:
        raise ReaderSetError(f"{where} ({label['id']}): levels must be among {sorted(LEVELS)}")
    if label["kind"] not in KINDS:
        raise ReaderSetError(f"{where} ({label['id']}): kind must be one of {sorted(KINDS)}")
    if label["palestinian"] not in (True, False, None):
        raise ReaderSetError(f"{where} ({label['id']}): palestinian must be true, false or null")
    deadline = label["deadline"]
    if not isinstance(deadline, str) or not (deadline in DEADLINE_WORDS or _ISO_DATE.match(deadline)):
        raise ReaderSetError(f"{where} ({label['id']}): deadline must be YYYY-MM-DD or one of {sorted(DEADLINE_WORDS)}")


def read_reader_labels(path: Path) -> list[dict]:
    return read_checked_lines(path, check_reader_label, ReaderSetError)


def labels_of(reader: str) -> dict[str, dict]:
    """A reader's labels by id, from every file of their folder."""
    return {label["id"]: label for path in sorted((READERS_DIR / reader).glob("*.jsonl"))
            for label in read_reader_labels(path)}


@dataclass(frozen=True)
class Agreement:
    """How two sets of labels agree on the items both hold, attribute by attribute."""

    items: int
    fields_f1: float
    excluded_f1: float
    levels_f1: float
    kind: float
    palestinian: float
    deadline: float


def pair_f1(left: list[set[str]], right: list[set[str]]) -> float:
    """Micro-F1 of one labeling against another over (item, label) pairs; symmetric, 1.0 when both are empty."""
    common = sum(len(a & b) for a, b in zip(left, right))
    total = sum(len(a) + len(b) for a, b in zip(left, right))
    return 1.0 if total == 0 else 2 * common / total


def agreement(first: dict[str, dict], second: dict[str, dict], ids: list[str]) -> Agreement:
    both = [item_id for item_id in ids if item_id in first and item_id in second]
    a, b = [first[i] for i in both], [second[i] for i in both]

    def share(key: str) -> float:
        return sum(x[key] == y[key] for x, y in zip(a, b)) / len(both) if both else 0.0

    return Agreement(
        items=len(both),
        fields_f1=pair_f1([set(x["fields"]) for x in a], [set(y["fields"]) for y in b]),
        excluded_f1=pair_f1([set(x["excluded"]) for x in a], [set(y["excluded"]) for y in b]),
        levels_f1=pair_f1([set(x["levels"]) for x in a], [set(y["levels"]) for y in b]),
        kind=share("kind"), palestinian=share("palestinian"), deadline=share("deadline"),
    )


def print_agreement(items: list[ReaderItem], first: str, second: str) -> None:
    left, right = labels_of(first), labels_of(second)
    print(f"readers {first} and {second}: fields micro-F1 (broad, 'any' its own label), excluded and levels "
          "micro-F1, kind / Palestinian / deadline: share of identical answers")
    print(f"{'part':<14}{'items':>6}{'fields':>8}{'excl.':>7}{'levels':>8}{'kind':>7}{'pal.':>7}{'deadl.':>8}")
    for name, chosen in (("all", items), ("English", [i for i in items if i.language == "en"]),
                         ("Arabic", [i for i in items if i.language == "ar"])):
        result = agreement(left, right, [item.id for item in chosen])
        print(f"{name:<14}{result.items:>6}{result.fields_f1:>8.3f}{result.excluded_f1:>7.3f}{result.levels_f1:>8.3f}"
              f"{result.kind:>7.3f}{result.palestinian:>7.3f}{result.deadline:>8.3f}")


@dataclass
class Score:
    """The matcher against the careful readers on one part of the set, attribute by attribute."""

    items: int = 0
    fields_f1: float = 0.0
    fields_precision: float = 0.0
    fields_recall: float = 0.0
    excluded_f1: float = 0.0
    levels_f1: float = 0.0
    kind: float = 0.0
    false_as_true: int = 0              # restricted to others, predicted open to Palestinians
    eligibility_accuracy: float = 0.0   # on the items the readers marked true or false
    wrong_deadlines: int = 0            # a date where the readers have another date or none
    deadlines_found: float = 0.0        # share of the readers' dates found exactly


def predicted_label(item: ReaderItem, tagging) -> dict:
    """The tagger's answer in the readers' terms."""
    broad = list(dict.fromkeys("any" if code == "any" else code[:2] for code in tagging.codes))
    deadline = tagging.deadline
    if deadline is None:
        when = "none"
    elif deadline.kind == "rolling":
        when = "rolling"
    elif deadline.kind == "date" and deadline.at is not None:
        when = deadline.at.date().isoformat()
    else:
        when = "unresolved"
    return {"id": item.id, "fields": broad, "excluded": list(getattr(tagging, "excluded", ()) or ()),
            "levels": list(tagging.levels), "kind": tagging.kind or "other",
            "palestinian": tagging.palestinian_eligible, "deadline": when}


def score(truth: dict[str, dict], predicted: dict[str, dict], ids: list[str]) -> Score:
    both = [i for i in ids if i in truth and i in predicted]
    if not both:
        return Score()
    gold, guess = [truth[i] for i in both], [predicted[i] for i in both]
    common = sum(len(set(g["fields"]) & set(p["fields"])) for g, p in zip(gold, guess))
    n_guess, n_gold = sum(len(p["fields"]) for p in guess), sum(len(g["fields"]) for g in gold)
    stated = [(g, p) for g, p in zip(gold, guess) if g["palestinian"] is not None]
    dated = [(g, p) for g, p in zip(gold, guess) if _ISO_DATE.match(g["deadline"])]
    return Score(
        items=len(both),
        fields_f1=pair_f1([set(g["fields"]) for g in gold], [set(p["fields"]) for p in guess]),
        fields_precision=common / n_guess if n_guess else 1.0, fields_recall=common / n_gold if n_gold else 1.0,
        excluded_f1=pair_f1([set(g["excluded"]) for g in gold], [set(p["excluded"]) for p in guess]),
        levels_f1=pair_f1([set(g["levels"]) for g in gold], [set(p["levels"]) for p in guess]),
        kind=sum(g["kind"] == p["kind"] for g, p in zip(gold, guess)) / len(both),
        false_as_true=sum(g["palestinian"] is False and p["palestinian"] is True for g, p in zip(gold, guess)),
        eligibility_accuracy=(sum(g["palestinian"] == p["palestinian"] for g, p in stated) / len(stated)
                              if stated else 1.0),
        wrong_deadlines=sum(_ISO_DATE.match(p["deadline"]) is not None and p["deadline"] != g["deadline"]
                            for g, p in zip(gold, guess)),
        deadlines_found=sum(g["deadline"] == p["deadline"] for g, p in dated) / len(dated) if dated else 1.0,
    )


def truth_labels(name: str) -> dict[str, dict]:
    """The yardstick: the adjudicated set, or one reader's labels while it is being built."""
    if name == "adjudicated":
        return {label["id"]: label for label in read_reader_labels(ADJUDICATED)}
    return labels_of(name)


def train_on_dev(items: list[ReaderItem], truth: dict[str, dict]):
    """The learned matcher trained on the careful readers' dev part (calls with a field or "any")."""
    from fursa.matching import LabeledExample, train_model
    examples = [LabeledExample(i.title, i.text, tuple(truth[i.id]["fields"])) for i in items
                if i.id in truth and not is_untouched(i.id) and truth[i.id]["fields"]]
    return train_model(examples)


def print_scores(items: list[ReaderItem], truth_name: str, part: str, with_model: bool = False) -> None:
    # Imported here: counting and exporting the set must not need the package installed.
    from fursa.matching import tag_item

    truth = truth_labels(truth_name)
    chosen = [i for i in items if i.id in truth and (part == "all" or is_untouched(i.id) == (part == "untouched"))]
    model = train_on_dev(items, truth) if with_model else None
    if model is not None:
        print(f"learned model trained on the dev part; it {'decides' if model.use_model else 'leaves the decision to the rules'}"
              " (it decides only where it beat the rules on calls it had not seen)")
    predicted = {item.id: predicted_label(item, tag_item(item.title, item.text, published=_published(item), model=model))
                 for item in chosen}
    print(f"matcher{' (rules + model)' if model else ''} vs {truth_name}, {part} part "
          "(fields: micro-F1 / precision / recall over broad fields)")
    print(f"{'part':<9}{'items':>6}{'fields':>8}{'prec.':>7}{'recall':>7}{'excl.':>7}{'levels':>8}{'kind':>7}"
          f"{'F→T':>5}{'elig.':>7}{'bad dl':>7}{'dl found':>9}")
    for name, group in (("all", chosen), ("English", [i for i in chosen if i.language == "en"]),
                        ("Arabic", [i for i in chosen if i.language == "ar"])):
        r = score(truth, predicted, [item.id for item in group])
        print(f"{name:<9}{r.items:>6}{r.fields_f1:>8.3f}{r.fields_precision:>7.3f}{r.fields_recall:>7.3f}"
              f"{r.excluded_f1:>7.3f}{r.levels_f1:>8.3f}{r.kind:>7.3f}{r.false_as_true:>5}"
              f"{r.eligibility_accuracy:>7.3f}{r.wrong_deadlines:>7}{r.deadlines_found:>9.3f}")


# The Al-Quds University notices give «نشر بتاريخ 8 مايو» without a year; the corpus README dates
# them to 2025, as the university's own page would (a crawler reads the year from the page).
_AQU_YEAR = 2025
_AR_MONTHS = {"يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "ابريل": 4, "مايو": 5, "يونيو": 6, "يوليو": 7,
              "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12}


def _published(item: ReaderItem):
    """The publication date a crawler would pass the tagger: a date, or None."""
    from datetime import date
    if not item.published:
        return None
    if re.match(r"^\d{4}-\d{2}-\d{2}", item.published):
        return date.fromisoformat(item.published[:10])
    day_month = re.match(r"^(\d{1,2})\s+(\S+)", item.published)
    if day_month and day_month.group(2) in _AR_MONTHS:
        return date(_AQU_YEAR, _AR_MONTHS[day_month.group(2)], int(day_month.group(1)))
    return None


def _same(first: dict, second: dict, key: str) -> bool:
    a, b = first[key], second[key]
    return sorted(a) == sorted(b) if isinstance(a, list) and isinstance(b, list) else a == b


def disagreements(first: dict[str, dict], second: dict[str, dict]) -> dict[str, tuple[str, ...]]:
    """Per id, the attributes on which the two readers answered differently."""
    return {item_id: differ for item_id in first if item_id in second
            if (differ := tuple(k for k in ATTRIBUTES if not _same(first[item_id], second[item_id], k)))}


def export_disagreements(items: list[ReaderItem], folder: Path) -> Path:
    """The calls the adjudicator reads: text, both readers' labels and what differs (outside the repository)."""
    first, second = labels_of("A"), labels_of("B")
    differ = disagreements(first, second)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "disagreements.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for item in items:
            if item.id in differ:
                out.write(json.dumps({"id": item.id, "publisher": item.publisher, "published": item.published,
                                      "title": item.title, "text": item.text, "differ": list(differ[item.id]),
                                      "reader_1": first[item.id], "reader_2": second[item.id]},
                                     ensure_ascii=False) + "\n")
    return path


def build_adjudicated(items: list[ReaderItem]) -> int:
    """The yardstick: where A and B agree, their answer; where they differ, the adjudicator's, attribute by attribute."""
    first, second = labels_of("A"), labels_of("B")
    decisions = {label["id"]: label for label in read_reader_labels(DECISIONS)} if DECISIONS.exists() else {}
    written = 0
    with ADJUDICATED.open("w", encoding="utf-8") as out:
        for item in items:
            if item.id not in first or item.id not in second:
                continue
            merged = {"id": item.id}
            for key in ATTRIBUTES:
                if _same(first[item.id], second[item.id], key):
                    merged[key] = first[item.id][key]
                elif item.id in decisions:
                    merged[key] = decisions[item.id][key]
                else:
                    raise ReaderSetError(f"{item.id}: readers differ on {key} and the adjudicator has not decided; "
                                         f"add a line to {DECISIONS}")
            check_reader_label(merged, f"adjudicated {item.id}")
            out.write(json.dumps(merged, ensure_ascii=False) + "\n")
            written += 1
    return written


def export_batches(items: list[ReaderItem], folder: Path, sizes: dict[str, int]) -> list[Path]:
    """The texts to label, in batches of one language, for readers; never written into the repository."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for language in ("en", "ar"):
        chosen = [item for item in items if item.language == language]
        size = sizes[language]
        for start in range(0, len(chosen), size):
            path = folder / f"{language}-{start // size + 1:02d}.jsonl"
            with path.open("w", encoding="utf-8") as out:
                for item in chosen[start:start + size]:
                    out.write(json.dumps({"id": item.id, "publisher": item.publisher, "published": item.published,
                                          "title": item.title, "text": item.text}, ensure_ascii=False) + "\n")
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--export", type=Path, help="write the texts to label to this folder (outside the repository)")
    parser.add_argument("--agreement", nargs=2, metavar=("READER", "READER"),
                        help="how far two readers agree (e.g. --agreement A B)")
    parser.add_argument("--disagreements", type=Path, metavar="DIR",
                        help="write the calls A and B label differently, with both labels, to DIR (outside the repository)")
    parser.add_argument("--adjudicate", action="store_true", help="write adjudicated.jsonl from A, B and the decisions")
    parser.add_argument("--score", metavar="TRUTH", help="score the matcher against 'adjudicated' or a reader")
    parser.add_argument("--model", action="store_true", help="with --score: also train the learned matcher on the dev part")
    parser.add_argument("--part", choices=("dev", "untouched", "all"), default="dev",
                        help="with --score: the part tuned on (dev), the one kept for the final figure, or all")
    parser.add_argument("--batch-en", type=int, default=116, help="English items per exported batch")
    parser.add_argument("--batch-ar", type=int, default=79, help="Arabic items per exported batch (longer texts)")
    args = parser.parse_args(argv)
    items = read_reader_items(args.corpus)
    if args.export:
        for path in export_batches(items, args.export, {"en": args.batch_en, "ar": args.batch_ar}):
            print(path)
        return 0
    if args.disagreements:
        print(export_disagreements(items, args.disagreements))
        return 0
    if args.adjudicate:
        print(f"{build_adjudicated(items)} adjudicated labels written to {ADJUDICATED}")
        return 0
    if args.score:
        print_scores(items, args.score, args.part, with_model=args.model)
        return 0
    if args.agreement:
        print_agreement(items, *args.agreement)
        return 0
    languages = Counter(item.language for item in items)
    print(f"{len(items)} calls from {len({i.publisher for i in items})} publishers; "
          f"{languages['en']} English, {languages['ar']} Arabic; {sum(map(is_untouched, (i.id for i in items)))} untouched")
    for reader in sorted(p.name for p in READERS_DIR.glob("*") if p.is_dir()):
        print(f"reader {reader}: {len(labels_of(reader))} labels")
    return 0


if __name__ == "__main__":
    sys.exit(main())
