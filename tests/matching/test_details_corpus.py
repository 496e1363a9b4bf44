"""find_details on real calls (bench/data/call_details.jsonl, labels written by reading each call) stays
above floors a little below what bench/call_details.py measured on its 86 calls, 65 of them Arabic
(coverage P 0.96 R 0.98, covers 0.97/0.97, amounts 0.87/0.89, duration 0.80/0.75, documents 0.70/0.90)."""
from __future__ import annotations

import json

import pytest

from bench.call_details import CORPUS, LABELS, found_values, labeled_values, load_texts
from fursa.matching import find_details

FLOORS = {"coverage": (0.9, 0.92), "covers": (0.92, 0.92), "amounts": (0.8, 0.82), "duration": (0.7, 0.65),
          "documents": (0.6, 0.8)}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the real calls live in ../shared/corpus, which is not here")
def test_extraction_stays_above_its_floors_on_real_calls():
    texts = load_texts(CORPUS)
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    hits = {name: [0, 0, 0] for name in FLOORS}
    for label in labels:
        found = found_values(find_details(*texts[(label["corpus"], label["item"])]))
        truth = labeled_values(label)
        for name, cell in hits.items():
            cell[0] += len(found[name] & truth[name])
            cell[1] += len(found[name])
            cell[2] += len(truth[name])
    for name, (precision, recall) in FLOORS.items():
        hit, found, labeled = hits[name]
        assert hit / found >= precision and hit / labeled >= recall, (name, hit, found, labeled)
