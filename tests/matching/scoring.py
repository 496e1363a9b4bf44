"""The benchmark's score, for tests: micro-averaged F1 over (item, broad field) pairs."""
from __future__ import annotations

from fursa.matching import tag_item


def micro_f1(items: list[dict], model=None) -> float:
    """Labeled items shaped like ../shared/labels ({"title","text","disciplines"}), tagged by the
    rules (and `model` when given); a narrow or detailed label counts as its broad field."""
    tp = fp = fn = 0
    for item in items:
        truth = {c if c == "any" else c[:2] for c in item["disciplines"]}
        found = {t.broad for t in tag_item(item["title"], item["text"], model=model).disciplines}
        tp, fp, fn = tp + len(found & truth), fp + len(found - truth), fn + len(truth - found)
    return 2 * tp / (2 * tp + fp + fn)
