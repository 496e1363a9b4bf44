"""Benchmark training the learned matcher: train_model's time on labeled JSON-lines files.

    python bench/training.py
    python bench/training.py ../shared/labels/nsf-awards.jsonl --repeat 5

Without files, times the two labeled files in ../shared/labels (nsf-awards.jsonl: 454 long award
abstracts; australian-scholarships.jsonl: 571 short calls). For each file prints the wall-clock
and CPU seconds of the fastest of --repeat runs (after a warm-up that loads scikit-learn and the
taxonomy), what training chose, and a fingerprint of the model's bytes: the same data gives the
same model, so the fingerprint must not change between runs, nor across a change that should not
alter results. Compare fingerprints of runs with the same PYTHONHASHSEED (printed): the rules'
scores of a few calls differ in their last bit with the string-hash order, as the tagger sums a
phrase's fields in set order (one NSF call when written), and the model follows. The machine's
load is printed too: on a busy machine, wall time is what a person waits for, CPU time what
training cost.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

from fursa.matching import LabeledExample, train_model

LABELS = Path(__file__).resolve().parents[2] / "shared" / "labels"
DEFAULT_FILES = (LABELS / "nsf-awards.jsonl", LABELS / "australian-scholarships.jsonl")


def read_examples(path: Path) -> list[LabeledExample]:
    """Labeled items ({"title","text","disciplines"}) as training examples."""
    examples = []
    with path.open(encoding="utf-8") as lines:   # not splitlines(): texts hold U+2028
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                sys.exit(f"{path}:{number}: not JSON ({exc}); fix or remove the line")
            examples.append(LabeledExample(item.get("title", ""), item.get("text", ""),
                                           tuple(item["disciplines"]), tuple(item.get("categories", ()))))
    return examples


def time_training(examples: list[LabeledExample], repeat: int) -> tuple[float, float, object]:
    """Wall and CPU seconds of the fastest of `repeat` trainings, and the model it made (every
    run's model must be the same: a different one is reported as an error)."""
    best, model, fingerprint = (float("inf"), 0.0), None, None
    for _ in range(max(1, repeat)):
        wall, cpu = time.perf_counter(), time.process_time()
        model = train_model(examples)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        best = min(best, (wall, cpu))
        again = hashlib.sha256(model.to_bytes()).hexdigest()[:16]
        if fingerprint not in (None, again):
            sys.exit(f"training the same data twice gave two models ({fingerprint}, {again}): "
                     "training is not deterministic")
        fingerprint = again
    return best[0], best[1], model


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labels", type=Path, nargs="*", help="labeled JSON-lines files (default: the two "
                        "files in ../shared/labels)")
    parser.add_argument("--repeat", type=int, default=3, help="trainings per file; the fastest is reported")
    args = parser.parse_args(argv)
    paths = args.labels or list(DEFAULT_FILES)
    for path in paths:
        if not path.is_file():
            parser.error(f"{path} does not exist; labeled files are in ../shared/labels/")
    train_model(read_examples(paths[0])[:40])   # warm-up: imports scikit-learn, loads the taxonomy
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; best of {args.repeat} runs; "
          f"PYTHONHASHSEED={os.environ.get('PYTHONHASHSEED', 'random')}\n")
    print(f"{'file':<30} {'items':>5} {'wall s':>7} {'CPU s':>6}  {'terms':>6} labels  rule weight  "
          "threshold  relative  model decides  fingerprint")
    for path in paths:
        examples = read_examples(path)
        wall, cpu, model = time_training(examples, args.repeat)
        print(f"{path.name:<30} {len(examples):>5} {wall:>7.2f} {cpu:>6.2f}  {len(model.vocabulary):>6} "
              f"{len(model.labels):>6}  {model.rule_weight:>11}  {model.threshold:>9}  {model.relative:>8}  "
              f"{model.use_model!s:>13}  {hashlib.sha256(model.to_bytes()).hexdigest()[:16]}", flush=True)


if __name__ == "__main__":
    main()
