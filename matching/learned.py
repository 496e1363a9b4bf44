"""A learned model over broad fields that combines with the rules.

TF-IDF over normalized words and word pairs, one logistic regression per broad field (and `any`),
trained with scikit-learn. The fitted weights are kept as plain arrays and serialised as JSON, so
a stored model is data, not a pickle, and predicting one call needs only numpy.

How the model is regularized, how much it counts against the rules and where the cut-off lies are
chosen by train_model on out-of-fold predictions: every training call is predicted by a model fitted
without it, so the choice is made on calls the model has not seen.
"""
from __future__ import annotations

import json
import math
import zlib
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from .errors import ModelError
from .normalize import normalize_text, strip_html
from .tagger import ANY, MAX_FIELDS, MIN_FIELD_SCORE, RuleScores, choose_broad, score_rules

FORMAT = "fursa-broad-logreg/1"
_MIN_POSITIVE = 2                         # a label seen fewer times cannot be learned
_SHARES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)  # model share of the blend, tried in calibration
_CUTOFFS = (0.3, 0.45, 0.6, 0.75, 0.9)    # relative cut-off for a second field
# (C, class weight) tried: "balanced" suits one-field-per-call data with rare fields; plain
# weights suit multi-field labels, where balancing makes the model tag too much
_SETTINGS: tuple[tuple[float, str | None], ...] = ((8.0, "balanced"), (32.0, None))
_FOLDS = 5                                # calibration folds: each training call is predicted once, unseen


@dataclass(frozen=True)
class LabeledExample:
    """One call with the fields a person (or a publisher) gave it: codes of any depth, or "any"."""

    title: str
    text: str
    disciplines: tuple[str, ...]


def _document(title: str, text: str) -> list[str]:
    """Words and word pairs of a call; title words twice, as the rules weigh the title more."""
    words = normalize_text(f"{title} {title} {strip_html(text or '')[:20_000]}").split()
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def _labels_of(codes: Iterable[str]) -> set[str]:
    return {c if c == ANY else c[:2] for c in codes if c}


class LearnedModel:
    """Fitted TF-IDF weights and per-label logistic regressions, plus how to combine them."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, labels: tuple[str, ...],
                 coef: np.ndarray, intercept: np.ndarray, share: float = 0.5, cutoff: float = 0.6):
        self.vocabulary, self.idf, self.labels = vocabulary, idf, labels
        self.coef, self.intercept = coef, intercept
        self.share, self.cutoff = share, cutoff

    def predict(self, title: str, text: str) -> dict[str, float]:
        """Probability of each broad field (and `any`) for one call."""
        counts = Counter(i for i in map(self.vocabulary.get, _document(title, text)) if i is not None)
        if not counts:
            return {label: float(p) for label, p in zip(self.labels, _sigmoid(self.intercept))}
        index = np.fromiter(counts.keys(), dtype=np.int64)
        values = np.array([1.0 + math.log(n) for n in counts.values()]) * self.idf[index]
        values /= np.linalg.norm(values) or 1.0
        logits = self.coef[:, index] @ values + self.intercept
        return {label: float(p) for label, p in zip(self.labels, _sigmoid(logits))}

    def decide(self, title: str, text: str, rules: RuleScores) -> tuple[list[str], dict[str, float]]:
        """Broad fields to tag (best first, or ["any"]) and a confidence for each."""
        return combine(self.predict(title, text), rules, self.share, self.cutoff)

    def to_bytes(self) -> bytes:
        payload = {"format": FORMAT, "labels": list(self.labels), "share": self.share,
                   "cutoff": self.cutoff, "vocabulary": self.vocabulary,
                   "idf": self.idf.tolist(), "coef": self.coef.tolist(),
                   "intercept": self.intercept.tolist()}
        return zlib.compress(json.dumps(payload, ensure_ascii=False).encode("utf-8"))

    @classmethod
    def from_bytes(cls, data: bytes) -> "LearnedModel":
        try:
            payload = json.loads(zlib.decompress(data).decode("utf-8"))
        except (zlib.error, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelError(f"stored model is unreadable ({exc}); retrain it with `fursa` retrain") from None
        if payload.get("format") != FORMAT:
            raise ModelError(f"stored model has format {payload.get('format')!r}, expected {FORMAT!r}; retrain it")
        return cls(payload["vocabulary"], np.array(payload["idf"]), tuple(payload["labels"]),
                   np.array(payload["coef"]), np.array(payload["intercept"]),
                   payload["share"], payload["cutoff"])


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


def combine(probs: dict[str, float], rules: RuleScores, share: float, cutoff: float
            ) -> tuple[list[str], dict[str, float]]:
    """Blend the rules' relative scores with the model's probabilities and decide; with no share
    for the model the decision is exactly the rules' own."""
    rule_choice = choose_broad(rules.totals, rules.any_named, rules.title_named, rules.named, rules.listed)
    top = max(rules.totals.values(), default=0.0)
    rule_rel = {b: s / top for b, s in rules.totals.items()} if top >= MIN_FIELD_SCORE else {}
    if rule_choice == [ANY]:
        rule_rel = {ANY: 1.0}
    labels = set(rule_rel) | set(probs)
    blended = {l: (1 - share) * rule_rel.get(l, 0.0) + share * probs.get(l, 0.0) for l in labels}
    for label in rule_choice:
        if label not in probs and (label == ANY or label in rules.listed):
            # a label the model never saw in training (its publishers never used it) is ignorance,
            # not evidence: what the call states outright ("all disciplines", "enrolled in a
            # Bachelor of Laws") stands at full weight against the model's silence
            blended[label] = rule_rel.get(label, 1.0)
    if share <= 0.0:
        return rule_choice, blended
    ranked = sorted(blended, key=lambda l: (-blended[l], l))
    if not ranked or ranked[0] == ANY:
        return [ANY], blended
    best = blended[ranked[0]]
    chosen = [l for l in ranked[:MAX_FIELDS] if l != ANY and blended[l] >= cutoff * best]
    return chosen, blended


def _fit(documents: list[list[str]], truth: list[set[str]],
         setting: tuple[float, str | None] = _SETTINGS[0]) -> LearnedModel:
    """TF-IDF and one logistic regression per label over already tokenized calls."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=lambda words: words, min_df=2, sublinear_tf=True,
                                 max_features=60_000)
    matrix = vectorizer.fit_transform(documents)
    counts = Counter(l for labels in truth for l in labels)
    labels = tuple(sorted(l for l, n in counts.items() if _MIN_POSITIVE <= n < len(documents)))
    if not labels:
        raise ModelError("training data needs at least two examples of at least one field "
                         "(and some examples without it); add more corrected items")
    coef = np.zeros((len(labels), matrix.shape[1]))
    intercept = np.zeros(len(labels))
    for row, label in enumerate(labels):
        target = np.array([label in t for t in truth])
        # liblinear: the same regularized objective, an order of magnitude faster than lbfgs on a
        # few hundred sparse documents, which matters as calibration fits once per fold
        classifier = LogisticRegression(C=setting[0], class_weight=setting[1], solver="liblinear",
                                        max_iter=2000)
        classifier.fit(matrix, target)
        coef[row], intercept[row] = classifier.coef_[0], classifier.intercept_[0]
    return LearnedModel({t: int(i) for t, i in vectorizer.vocabulary_.items()},
                        vectorizer.idf_.copy(), labels, coef, intercept)


def _micro_f1(pairs: list[tuple[set[str], set[str]]]) -> float:
    tp = sum(len(p & t) for p, t in pairs)
    fp = sum(len(p - t) for p, t in pairs)
    fn = sum(len(t - p) for p, t in pairs)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _calibrate(cases: list[tuple[dict[str, float], RuleScores, set[str]]]) -> tuple[float, float, float]:
    """The model share and cut-off that tag the calibration cases best, and that score. Each
    model share is judged with its neighbours on the grid (a few hundred calls make single grid
    points noisy, and a share that only wins alone is luck); ties go to the smaller share, so the
    model must earn its say over the rules."""
    scores = {(share, cutoff): _micro_f1([(set(combine(p, r, share, cutoff)[0]), t) for p, r, t in cases])
              for share in _SHARES for cutoff in _CUTOFFS}
    best = (-1.0, 0.0, _CUTOFFS[0], 0.0)
    for i, share in enumerate(_SHARES):
        for cutoff in _CUTOFFS:
            near = [scores[(_SHARES[j], cutoff)] for j in (i - 1, i, i + 1) if 0 <= j < len(_SHARES)]
            smooth = sum(near) / len(near) if share > 0 else scores[(share, cutoff)]
            if smooth > best[0]:
                best = (smooth, share, cutoff, scores[(share, cutoff)])
    return best[1], best[2], best[0]


def _fold(example: LabeledExample) -> int:
    return zlib.crc32(f"{example.title}\n{example.text}".encode("utf-8")) % _FOLDS


def train_model(examples: Iterable[LabeledExample]) -> LearnedModel:
    """Fit the model on labeled calls (staff corrections, labeled files). How it is regularized and
    how it combines with the rules are chosen on out-of-fold predictions for every call (each
    predicted by a model that never saw it); then it is refit on all of them."""
    data = [e for e in examples if _labels_of(e.disciplines) and (e.title or e.text)]
    if len(data) < 10:
        raise ModelError(f"training needs at least 10 labeled calls with text, got {len(data)}")
    documents = [_document(e.title, e.text) for e in data]
    truth = [_labels_of(e.disciplines) for e in data]
    rules = [score_rules(e.title, e.text) for e in data]
    folds = [_fold(e) for e in data]
    best = (-1.0, _SETTINGS[0], 0.5, 0.6)
    for setting in _SETTINGS:
        cases = []
        for fold in range(_FOLDS):
            inside = [i for i, f in enumerate(folds) if f != fold]
            outside = [i for i, f in enumerate(folds) if f == fold]
            if not outside or len(inside) < 10:
                continue
            try:
                part = _fit([documents[i] for i in inside], [truth[i] for i in inside], setting)
            except ModelError:
                continue   # too few examples of any label without this fold
            cases += [(part.predict(data[i].title, data[i].text), rules[i], truth[i]) for i in outside]
        if len(cases) >= 5:
            share, cutoff, score = _calibrate(cases)
            best = max(best, (score, setting, share, cutoff), key=lambda b: b[0])
    model = _fit(documents, truth, best[1])
    model.share, model.cutoff = best[2], best[3]
    return model
