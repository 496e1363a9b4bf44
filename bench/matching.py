"""Benchmark the matcher on a labeled JSON-lines file.

    python bench/matching.py ../shared/labels/nsf-awards.jsonl
    python bench/matching.py ../shared/labels/australian-scholarships.jsonl --train ../shared/labels/nsf-awards.jsonl
    python bench/matching.py ../shared/labels/australian-scholarships.jsonl --train ../shared/labels/nsf-awards.jsonl --cross
    python bench/matching.py bench/data/other-publishers.labels.jsonl --rules-only

Each line: {"id","title","text","disciplines":[broad codes or "any"],"levels":[...]}.
Prints precision, recall and F1 per broad field and micro-averaged over (item, broad field) pairs
(a narrow or detailed prediction counts as its broad field; "any" is its own label), level
accuracy where the file gives levels, and items per second for the rule tagger. The file is split
by a hash of each id into a tuning part and a held-out part (--holdout, default 30%); figures are
printed for the whole file and for the held-out part. The learned model is trained on the tuning
part (plus --train files) and compared with the rules alone on the held-out part; with --cross it
is trained on the --train files alone and compared on the whole file (a publisher it never saw).
bench/learned.py checks the model against the rules over several random splits; bench/training.py
times training.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

from fursa.matching import LabeledExample, tag_item, train_model


def read_items(path: Path) -> list[dict]:
    """Labeled items; a file of labels without texts (bench/data/other-publishers.labels.jsonl)
    names corpus items, whose texts are read from ../shared/corpus."""
    items = _read_lines(path)
    if items and not any("title" in i or "text" in i for i in items):
        from publishers import CorpusMissingError, LabelError, load_labeled
        try:
            return load_labeled(path)
        except (CorpusMissingError, LabelError) as exc:
            sys.exit(str(exc))
    return items


def _read_lines(path: Path) -> list[dict]:
    items = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    sys.exit(f"{path}:{number}: not JSON ({exc}); fix or remove the line")
    return items


def is_held_out(item_id: str, share: float) -> bool:
    """A stable split: the same id lands in the same part on every run and machine."""
    return (zlib.crc32(item_id.encode("utf-8")) % 1000) < share * 1000


def broad_labels(codes) -> set[str]:
    return {c if c == "any" else c[:2] for c in codes}


def evaluate(items: list[dict], predictions: list[set[str]]) -> dict:
    tp, fp, fn = Counter(), Counter(), Counter()
    for item, predicted in zip(items, predictions):
        truth = broad_labels(item["disciplines"])
        for label in predicted & truth:
            tp[label] += 1
        for label in predicted - truth:
            fp[label] += 1
        for label in truth - predicted:
            fn[label] += 1
    labels = sorted(set(tp) | set(fp) | set(fn), key=lambda l: (l == "any", l))
    rows = {label: prf(tp[label], fp[label], fn[label]) + (tp[label] + fn[label],) for label in labels}
    micro = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return {"rows": rows, "micro": micro}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def tag_all(items: list[dict], model=None, repeat: int = 1) -> tuple[list, float]:
    """Taggings and the best CPU time of `repeat` passes: CPU seconds of this process measure one
    core's throughput even on a machine busy with other work."""
    tag_item("warm up", "loads the taxonomy and compiles the phrase index once", model=model)
    best = float("inf")
    for _ in range(max(1, repeat)):
        start = time.process_time()
        taggings = [tag_item(i.get("title", ""), i.get("text", ""), model=model) for i in items]
        best = min(best, time.process_time() - start)
    return taggings, best


def print_table(name: str, result: dict) -> None:
    print(f"\n{name}")
    print(f"  {'field':<6} {'P':>6} {'R':>6} {'F1':>6} {'support':>8}")
    for label, (p, r, f, support) in result["rows"].items():
        print(f"  {label:<6} {p:6.3f} {r:6.3f} {f:6.3f} {support:8d}")
    p, r, f = result["micro"]
    print(f"  {'micro':<6} {p:6.3f} {r:6.3f} {f:6.3f}")


def level_accuracy(items: list[dict], taggings: list) -> str:
    pairs = [(set(i["levels"]), set(t.levels)) for i, t in zip(items, taggings) if i.get("levels")]
    if not pairs:
        return "no level labels in this file"
    hit = sum(1 for truth, found in pairs if truth & found)
    return f"levels: {hit}/{len(pairs)} labeled items have a true level among those found"


def codes_of(taggings) -> list[set[str]]:
    return [broad_labels(t.codes) for t in taggings]


def run(path: Path, holdout: float, train_paths: list[Path], skip_model: bool, repeat: int,
        cross: bool = False) -> None:
    items = read_items(path)
    held = [i for i in items if is_held_out(i["id"], holdout)]
    tune = [i for i in items if not is_held_out(i["id"], holdout)]
    taggings, seconds = tag_all(items, repeat=repeat)
    print(f"{path.name}: {len(items)} items ({len(tune)} tuning, {len(held)} held out)")
    print(f"rules: {len(items) / seconds:,.0f} items/s on one core ({seconds:.2f} CPU s, best of {repeat} passes)")
    print(level_accuracy(items, taggings))
    print_table("rules, whole file", evaluate(items, codes_of(taggings)))
    by_id = {i["id"]: t for i, t in zip(items, taggings)}
    print_table("rules, tuning part", evaluate(tune, codes_of([by_id[i["id"]] for i in tune])))
    rules_held = evaluate(held, codes_of([by_id[i["id"]] for i in held]))
    print_table("rules, held-out part", rules_held)
    if skip_model:
        return
    if cross:
        run_cross(items, evaluate(items, codes_of(taggings)), train_paths)
        return
    training = tune + [i for p in train_paths for i in read_items(p)]
    model = train_model(LabeledExample(i.get("title", ""), i.get("text", ""), tuple(i["disciplines"]))
                        for i in training)
    model_taggings, model_seconds = tag_all(held, model=model)
    combined = evaluate(held, codes_of(model_taggings))
    print_table(f"rules + model (trained on {len(training)} items), held-out part", combined)
    print(f"\nheld-out micro-F1: rules {rules_held['micro'][2]:.3f} -> rules+model {combined['micro'][2]:.3f}"
          f"  ({len(held) / model_seconds:,.0f} items/s with the model)")


def run_cross(items: list[dict], rules_whole: dict, train_paths: list[Path]) -> None:
    """The model trained on other files only, tested on every item of this one."""
    training = [i for p in train_paths for i in read_items(p)]
    model = train_model(LabeledExample(i.get("title", ""), i.get("text", ""), tuple(i["disciplines"]))
                        for i in training)
    model_taggings, _ = tag_all(items, model=model)
    combined = evaluate(items, codes_of(model_taggings))
    names = ", ".join(p.name for p in train_paths)
    print_table(f"rules + model trained on {names} only ({len(training)} items), whole file", combined)
    print(f"\ncross-file micro-F1 (whole file): rules {rules_whole['micro'][2]:.3f} -> rules+model "
          f"{combined['micro'][2]:.3f}  (model {'decides' if model.use_model else 'leaves the rules alone'}, "
          f"threshold {model.threshold}, relative {model.relative}, rule weight {model.rule_weight})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labels", type=Path, help="labeled JSON-lines file")
    parser.add_argument("--train", type=Path, action="append", default=[],
                        help="extra labeled file to train the model on (repeatable)")
    parser.add_argument("--holdout", type=float, default=0.3, help="share of items held out (0-1)")
    parser.add_argument("--rules-only", action="store_true", help="skip the learned model")
    parser.add_argument("--repeat", type=int, default=5, help="timing passes; the best one is reported")
    parser.add_argument("--cross", action="store_true",
                        help="train the model on the --train files only and test it on the whole file")
    args = parser.parse_args(argv)
    if args.cross and not args.train:
        parser.error("--cross needs at least one --train file to learn from")
    for path in [args.labels, *args.train]:
        if not path.is_file():
            parser.error(f"{path} does not exist; labeled files are in ../shared/labels/")
    run(args.labels, args.holdout, args.train, args.rules_only, args.repeat, args.cross)


if __name__ == "__main__":
    main()
