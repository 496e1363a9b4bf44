"""A learned model over broad fields that combines with the rules.

TF-IDF over normalized words and word pairs, plus what the rules found (each broad field's score
relative to the best, whether a keyword names it, whether the call lists it, whether the call says
"all fields"), feed one logistic regression per broad field (and `any`), trained with scikit-learn.
So the model learns from the calls people vouched for how far to trust each rule signal, and
which words a publisher's conventions add (a site that files history under "humanities and social
sciences" teaches it to add the social sciences). The fitted weights are kept as plain arrays and
serialised as JSON: a stored model is data, not a pickle, and predicting one call needs only numpy.

Regularization, the weight of the rule signals and the decision thresholds are chosen by
train_model on out-of-fold predictions (every training call is predicted by a model fitted without
it); when the rules alone tag those calls at least as well, the model leaves the rules alone.
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
from .tagger import ANY, MAX_FIELDS, RuleScores, rules_decision, score_rules

FORMAT = "fursa-broad-logreg/2"
_MIN_POSITIVE = 2                         # a label seen fewer times cannot be learned
BROAD = tuple(f"{n:02d}" for n in range(11))
_THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 1.01)   # probability a second field needs (1.01: never)
_RELATIVE = (0.3, 0.5, 0.7)               # ... and its share of the best field's probability
# (C, class weight, weight of the rule signals) tried: "balanced" suits one-field-per-call data
# with rare fields; plain weights suit multi-field labels, where balancing makes the model tag
# too much; the rule weight sets how cheaply the model may lean on the rules
_SETTINGS: tuple[tuple[float, str | None, float], ...] = (
    (8.0, "balanced", 0.5), (32.0, None, 0.5), (8.0, "balanced", 1.0), (32.0, None, 1.0))
_FOLDS = 5                                # calibration folds: each training call is predicted once, unseen


def rule_features(rules: RuleScores) -> np.ndarray:
    """What the rules found, as numbers in a fixed layout: per broad field its score relative to
    the best, named, listed; then whether the rules would say "any", and why."""
    top = max(rules.totals.values(), default=0.0)
    values = []
    for broad in BROAD:
        values += [rules.totals.get(broad, 0.0) / top if top else 0.0,
                   float(broad in rules.named), float(broad in rules.listed)]
    values += [float(rules.choice() == [ANY]), float(rules.any_named), float(rules.title_named)]
    return np.array(values)


@dataclass(frozen=True)
class LabeledExample:
    """One call with the fields a person (or a publisher) gave it: codes of any depth, or "any"."""

    title: str
    text: str
    disciplines: tuple[str, ...]
    categories: tuple[str, ...] = ()   # the funder's own categories, as the tagger is given them


def _document(title: str, text: str) -> list[str]:
    """Words and word pairs of a call; title words twice, as the rules weigh the title more."""
    words = normalize_text(f"{title} {title} {strip_html(text or '')[:20_000]}").split()
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def _weigh(counts: Counter[str], vocabulary: dict[str, int], idf: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """A call's TF-IDF as TfidfVectorizer(sublinear_tf=True) makes it: the columns of the terms
    the vocabulary knows, and their (1 + log count) x idf weights, scaled to unit length."""
    known = [(vocabulary[term], n) for term, n in counts.items() if term in vocabulary]
    index = np.fromiter((i for i, _ in known), dtype=np.int64, count=len(known))
    values = np.array([1.0 + math.log(n) for _, n in known]) * idf[index]
    if len(values):
        values /= np.linalg.norm(values) or 1.0
    return index, values


def _labels_of(codes: Iterable[str]) -> set[str]:
    return {c if c == ANY else c[:2] for c in codes if c}


class LearnedModel:
    """Fitted TF-IDF weights and per-label logistic regressions, plus how to decide from them."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, labels: tuple[str, ...],
                 coef: np.ndarray, intercept: np.ndarray, rule_weight: float = 0.5,
                 threshold: float = 0.4, relative: float = 0.5, use_model: bool = True):
        self.vocabulary, self.idf, self.labels = vocabulary, idf, labels
        self.coef, self.intercept = coef, intercept
        self.rule_weight = rule_weight
        self.threshold, self.relative, self.use_model = threshold, relative, use_model

    def predict(self, title: str, text: str, rules: RuleScores | None = None) -> dict[str, float]:
        """Probability of each broad field (and `any`) for one call."""
        rules = rules if rules is not None else score_rules(title, text)
        words = _weigh(Counter(_document(title, text)), self.vocabulary, self.idf)
        return self._predict(words, rule_features(rules))

    def _predict(self, words: tuple[np.ndarray, np.ndarray], signals: np.ndarray) -> dict[str, float]:
        """predict() from a call's TF-IDF (_weigh) and rule signals: training predicts its held-out
        calls with it, so calibration measures exactly what predict() will do, without tokenizing
        or scoring a call again for each setting it tries."""
        logits = self.intercept + self.coef[:, len(self.vocabulary):] @ (self.rule_weight * signals)
        index, values = words
        if len(index):
            logits = logits + self.coef[:, index] @ values
        return {label: float(p) for label, p in zip(self.labels, _sigmoid(logits))}

    def decide(self, title: str, text: str, rules: RuleScores) -> tuple[list[str], dict[str, float]]:
        """Broad fields to tag (best first, or ["any"]) and a confidence for each."""
        if not self.use_model:
            return rules_decision(rules)
        return decide(self.predict(title, text, rules), rules, self.threshold, self.relative)

    def to_bytes(self) -> bytes:
        payload = {"format": FORMAT, "labels": list(self.labels), "rule_weight": self.rule_weight,
                   "threshold": self.threshold, "relative": self.relative, "use_model": self.use_model,
                   "vocabulary": self.vocabulary, "idf": self.idf.tolist(), "coef": self.coef.tolist(),
                   "intercept": self.intercept.tolist()}
        return zlib.compress(json.dumps(payload, ensure_ascii=False).encode("utf-8"))

    @classmethod
    def from_bytes(cls, data: bytes) -> "LearnedModel":
        try:
            payload = json.loads(zlib.decompress(data).decode("utf-8"))
        except (zlib.error, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelError(f"stored model is unreadable ({exc}); retrain it with `fursa job retrain`") from None
        if payload.get("format") != FORMAT:
            raise ModelError(f"stored model has format {payload.get('format')!r}, expected {FORMAT!r}; "
                             "retrain it with `fursa job retrain`")
        return cls(payload["vocabulary"], np.array(payload["idf"]), tuple(payload["labels"]),
                   np.array(payload["coef"]), np.array(payload["intercept"]), payload["rule_weight"],
                   payload["threshold"], payload["relative"], payload["use_model"])


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


def decide(probs: dict[str, float], rules: RuleScores, threshold: float, relative: float
           ) -> tuple[list[str], dict[str, float]]:
    """The most probable field, and any other whose probability clears the threshold and a share
    of the best one's; "any" stands alone."""
    probs = dict(probs)
    for label in rules.choice():
        if label not in probs and (label == ANY or label in rules.listed):
            # a label the model never saw in training (its publishers never used it) is ignorance,
            # not evidence: what the call states outright ("all disciplines", "enrolled in a
            # Bachelor of Laws") stands against the model's silence
            probs[label] = 1.0
    ranked = sorted(probs, key=lambda l: (-probs[l], l))
    if not ranked or ranked[0] == ANY:
        return [ANY], probs
    best = probs[ranked[0]]
    chosen = [ranked[0]] + [l for l in ranked[1:MAX_FIELDS] if l != ANY
                            and probs[l] >= threshold and probs[l] >= relative * best]
    return chosen, probs


class _Words:
    """TF-IDF of one set of training calls: fitted once per calibration fold (and once on all the
    calls), then shared by every setting tried on that fold, which only changes the regressions."""

    def __init__(self, documents: list[list[str]]):
        from sklearn.feature_extraction.text import TfidfVectorizer
        self.vectorizer = TfidfVectorizer(analyzer=lambda words: words, min_df=2, sublinear_tf=True,
                                          max_features=60_000)
        self.matrix = self.vectorizer.fit_transform(documents)
        self.vocabulary = {t: int(i) for t, i in self.vectorizer.vocabulary_.items()}
        self.idf = self.vectorizer.idf_.copy()

    def fit(self, signals: np.ndarray, truth: list[set[str]], setting: tuple[float, str | None, float]
            ) -> LearnedModel:
        """One logistic regression per label over these words and the calls' rule signals."""
        from scipy.sparse import csr_matrix, hstack
        from sklearn.linear_model import LogisticRegression
        from threadpoolctl import threadpool_limits

        C, class_weight, rule_weight = setting
        matrix = hstack([self.matrix, csr_matrix(rule_weight * signals)]).tocsr()
        labels = _learnable(truth)
        coef = np.zeros((len(labels), matrix.shape[1]))
        intercept = np.zeros(len(labels))
        # liblinear: the same regularized objective, an order of magnitude faster than lbfgs on a
        # few hundred sparse documents, which matters as calibration fits once per fold and setting.
        # Its solver calls BLAS on vectors as long as the vocabulary thousands of times a fit; let
        # OpenBLAS split each call over threads and a fit costs 5-10x more on a busy machine (and
        # its sums, so its weights, depend on the core count): one thread, the same model anywhere
        with threadpool_limits(limits=1, user_api="blas"):
            for row, label in enumerate(labels):
                target = np.array([label in t for t in truth])
                classifier = LogisticRegression(C=C, class_weight=class_weight, solver="liblinear",
                                                max_iter=2000, random_state=0)   # liblinear shuffles: seeded
                classifier.fit(matrix, target)
                coef[row], intercept[row] = classifier.coef_[0], classifier.intercept_[0]
        return LearnedModel(self.vocabulary, self.idf, labels, coef, intercept, rule_weight)


def _learnable(truth: list[set[str]]) -> tuple[str, ...]:
    """Labels seen often enough to learn, and not on every call."""
    counts = Counter(l for labels in truth for l in labels)
    labels = tuple(sorted(l for l, n in counts.items() if _MIN_POSITIVE <= n < len(truth)))
    if not labels:
        raise ModelError("training data needs at least two examples of at least one field "
                         "(and some examples without it); add more corrected items")
    return labels


def _micro_f1(pairs: list[tuple[set[str], set[str]]]) -> float:
    tp = sum(len(p & t) for p, t in pairs)
    fp = sum(len(p - t) for p, t in pairs)
    fn = sum(len(t - p) for p, t in pairs)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _calibrate(cases: list[tuple[dict[str, float], RuleScores, set[str]]]) -> tuple[float, float, float]:
    """The threshold and relative share that tag the calibration cases best, and that score. Each
    point is judged with its neighbours on the threshold grid (a few hundred calls make single
    grid points noisy, and a setting that only wins alone is luck)."""
    scores = {(t, r): _micro_f1([(set(decide(p, rules, t, r)[0]), truth) for p, rules, truth in cases])
              for t in _THRESHOLDS for r in _RELATIVE}
    best = (-1.0, _THRESHOLDS[0], _RELATIVE[0])
    for i, threshold in enumerate(_THRESHOLDS):
        for relative in _RELATIVE:
            near = [scores[(_THRESHOLDS[j], relative)] for j in (i - 1, i, i + 1) if 0 <= j < len(_THRESHOLDS)]
            smooth = sum(near) / len(near)
            if smooth > best[0]:
                best = (smooth, threshold, relative)
    return best[1], best[2], best[0]


def _fold(example: LabeledExample) -> int:
    return zlib.crc32(f"{example.title}\n{example.text}".encode("utf-8")) % _FOLDS


def train_model(examples: Iterable[LabeledExample]) -> LearnedModel:
    """Fit the model on labeled calls (staff corrections, labeled files). How it is regularized,
    how much it leans on the rules and where it cuts are chosen on out-of-fold predictions for
    every call (each predicted by a model that never saw it); then it is refit on all of them. If
    the rules alone tag those calls at least as well, the model is kept but leaves the decision
    to the rules: it must earn its say."""
    calls = _Calls.of(examples)
    rules_alone = _micro_f1([(set(rules_decision(r)[0]), t) for r, t in zip(calls.rules, calls.truth)])
    best = (-1.0, _SETTINGS[0], _THRESHOLDS[0], _RELATIVE[0])
    for setting, predictions in _held_out(calls).items():
        if len(predictions) >= 5:
            threshold, relative, score = _calibrate([(probs, calls.rules[i], calls.truth[i])
                                                     for i, probs in predictions])
            best = max(best, (score, setting, threshold, relative), key=lambda b: b[0])
    model = _Words(calls.documents).fit(calls.signals, calls.truth, best[1])
    model.threshold, model.relative = best[2], best[3]
    model.use_model = best[0] > rules_alone
    return model


@dataclass(frozen=True)
class _Calls:
    """Training calls, each tokenized and scored by the rules once: every fit and every
    prediction of a training run reuses these."""

    examples: list[LabeledExample]
    documents: list[list[str]]       # words and word pairs
    counts: list[Counter[str]]       # ... counted
    truth: list[set[str]]            # broad fields (or "any")
    rules: list[RuleScores]
    signals: np.ndarray              # rule_features, one row per call

    @classmethod
    def of(cls, examples: Iterable[LabeledExample]) -> _Calls:
        data = [e for e in examples if _labels_of(e.disciplines) and (e.title or e.text)]
        if len(data) < 10:
            raise ModelError(f"training needs at least 10 labeled calls with text, got {len(data)}")
        documents = [_document(e.title, e.text) for e in data]
        rules = [score_rules(e.title, e.text, e.categories) for e in data]
        return cls(data, documents, [Counter(d) for d in documents], [_labels_of(e.disciplines) for e in data],
                   rules, np.array([rule_features(r) for r in rules]))


def _held_out(calls: _Calls) -> dict[tuple[float, str | None, float], list[tuple[int, dict[str, float]]]]:
    """For each setting, (call, probabilities) from models fitted without the call's fold; a fold
    whose absence leaves nothing to learn is skipped. TF-IDF is fitted once per fold, as only the
    regressions depend on the setting."""
    predictions: dict = {setting: [] for setting in _SETTINGS}
    for inside, outside in _splits([_fold(e) for e in calls.examples]):
        known = [calls.truth[i] for i in inside]
        try:
            _learnable(known)
        except ModelError:
            continue
        words = _Words([calls.documents[i] for i in inside])
        unseen = {i: _weigh(calls.counts[i], words.vocabulary, words.idf) for i in outside}
        for setting in _SETTINGS:
            part = words.fit(calls.signals[inside], known, setting)
            predictions[setting] += [(i, part._predict(unseen[i], calls.signals[i])) for i in outside]
    return predictions


def _splits(folds: list[int]) -> Iterable[tuple[list[int], list[int]]]:
    """Indices inside and outside each calibration fold, for folds that leave enough to train on."""
    for fold in range(_FOLDS):
        inside = [i for i, f in enumerate(folds) if f != fold]
        outside = [i for i, f in enumerate(folds) if f == fold]
        if outside and len(inside) >= 10:
            yield inside, outside
