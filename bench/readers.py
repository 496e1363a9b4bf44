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

from publishers import DEFAULT_CORPUS, read_corpus_items, read_labels  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
READERS_DIR = DATA / "readers"
ADJUDICATED = READERS_DIR / "adjudicated.jsonl"
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
    labels = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    label = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ReaderSetError(f"{path}:{number}: not JSON ({exc})") from exc
                check_reader_label(label, f"{path}:{number}")
                labels.append(label)
    return labels


def labels_of(reader: str) -> dict[str, dict]:
    """A reader's labels by id, from every file of their folder."""
    return {label["id"]: label for path in sorted((READERS_DIR / reader).glob("*.jsonl"))
            for label in read_reader_labels(path)}


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
    parser.add_argument("--batch-en", type=int, default=116, help="English items per exported batch")
    parser.add_argument("--batch-ar", type=int, default=79, help="Arabic items per exported batch (longer texts)")
    args = parser.parse_args(argv)
    items = read_reader_items(args.corpus)
    if args.export:
        for path in export_batches(items, args.export, {"en": args.batch_en, "ar": args.batch_ar}):
            print(path)
        return 0
    languages = Counter(item.language for item in items)
    print(f"{len(items)} calls from {len({i.publisher for i in items})} publishers; "
          f"{languages['en']} English, {languages['ar']} Arabic; {sum(map(is_untouched, (i.id for i in items)))} untouched")
    for reader in sorted(p.name for p in READERS_DIR.glob("*") if p.is_dir()):
        print(f"reader {reader}: {len(labels_of(reader))} labels")
    return 0


if __name__ == "__main__":
    sys.exit(main())
