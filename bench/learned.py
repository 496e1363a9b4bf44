"""Benchmark the learned model's quality: rules alone vs rules + model on calls it never saw.

    python bench/learned.py
    python bench/learned.py ../shared/labels/nsf-awards.jsonl --splits 5

Without files, uses the two labeled files in ../shared/labels. Each file is split three times
(--splits) at random with fixed seeds 0, 1, 2 …, 70 % to train on and 30 % held out (--share);
the model is trained on the 70 % and both taggers are scored on the 30 % by micro-averaged F1
over (item, broad field) pairs (bench/matching.py's scoring). One split of a few hundred items is
too noisy to judge by, so the gains are averaged.

Two floors are checked, and the script exits with status 1 when one fails (these were tests until
training time made them too slow for the suite; run this after changing the model or the rules):
- the rules alone score above 0.6 on every held-out part (they stay useful on a publisher they
  were not written for);
- the model's mean gain over the rules is above 0.01 (0.037 NSF and 0.026 Australian when the
  floor was set).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from fursa.matching import LabeledExample, tag_item, train_model

from matching import codes_of, evaluate, read_items

LABELS = Path(__file__).resolve().parents[2] / "shared" / "labels"
DEFAULT_FILES = (LABELS / "nsf-awards.jsonl", LABELS / "australian-scholarships.jsonl")
RULES_FLOOR = 0.6    # rules' micro-F1 on every held-out part
GAIN_FLOOR = 0.01    # the model's mean gain in micro-F1 over the rules


def split(items: list[dict], seed: int, share: float) -> tuple[list[dict], list[dict]]:
    """A fixed random split: the same seed gives the same parts on every run and machine."""
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    cut = int(len(items) * share)
    return [items[i] for i in order[:cut]], [items[i] for i in order[cut:]]


def micro_f1(items: list[dict], model=None) -> float:
    taggings = [tag_item(i.get("title", ""), i.get("text", ""), model=model) for i in items]
    return evaluate(items, codes_of(taggings))["micro"][2]


def bench_file(path: Path, splits: int, share: float) -> list[str]:
    """Print each split's figures and the mean gain; return the floors it failed."""
    items = read_items(path)
    print(f"\n{path.name}: {len(items)} items, {splits} splits of {share:.0%} train / {1 - share:.0%} held out")
    print(f"  {'seed':>4} {'train':>6} {'held':>5} {'rules':>6} {'+model':>7} {'gain':>7}  model decides  training s")
    failed, gains = [], []
    for seed in range(splits):
        train, held = split(items, seed, share)
        start = time.perf_counter()
        model = train_model(LabeledExample(i.get("title", ""), i.get("text", ""), tuple(i["disciplines"]))
                            for i in train)
        seconds = time.perf_counter() - start
        rules, combined = micro_f1(held), micro_f1(held, model)
        gains.append(combined - rules)
        print(f"  {seed:>4} {len(train):>6} {len(held):>5} {rules:>6.3f} {combined:>7.3f} {combined - rules:>+7.3f}"
              f"  {model.use_model!s:>13}  {seconds:>10.1f}", flush=True)
        if rules <= RULES_FLOOR:
            failed.append(f"{path.name} split {seed}: rules score {rules:.3f} on the held-out part, "
                          f"floor {RULES_FLOOR}")
    mean = sum(gains) / len(gains)
    print(f"  mean gain {mean:+.3f} (floor {GAIN_FLOOR:+.3f})")
    if mean <= GAIN_FLOOR:
        failed.append(f"{path.name}: the model's mean gain over the rules is {mean:+.3f}, floor {GAIN_FLOOR:+.3f}")
    return failed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labels", type=Path, nargs="*",
                        help="labeled JSON-lines files (default: the two files in ../shared/labels)")
    parser.add_argument("--splits", type=int, default=3, help="random splits per file (seeds 0, 1 …)")
    parser.add_argument("--share", type=float, default=0.7, help="share of each file to train on (0-1)")
    args = parser.parse_args(argv)
    paths = args.labels or list(DEFAULT_FILES)
    for path in paths:
        if not path.is_file():
            parser.error(f"{path} does not exist; labeled files are in ../shared/labels/")
    if not 0 < args.share < 1 or args.splits < 1:
        parser.error("--share must be between 0 and 1 and --splits at least 1")
    failed = [failure for path in paths for failure in bench_file(path, args.splits, args.share)]
    print()
    for failure in failed:
        print(f"BELOW FLOOR: {failure}")
    print("all floors met" if not failed else f"{len(failed)} floor(s) failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
