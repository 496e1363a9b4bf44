"""The learned model's behaviour: it trains on labeled calls, round-trips as bytes, gives the
same model for the same data, refuses data it cannot learn from, learns the fields of a real
labeled slice, and earns its say over the rules only when it tags better than they do.

How much better than the rules it tags calls it never saw is a benchmark, not a test:
bench/learned.py (three 70/30 splits of each labeled file, with its floors), bench/matching.py.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from fursa.matching import LabeledExample, LearnedModel, ModelError, tag_item, train_model

TOY = [
    LabeledExample("Grant for crop research", "Studies of wheat yield, irrigation and soil.", ("08",)),
    LabeledExample("Farming innovation award", "Livestock, pasture and crop rotation.", ("081",)),
    LabeledExample("Agronomy fellowship", "Irrigation and soil fertility on small farms.", ("0811",)),
    LabeledExample("Poetry prize", "For novels, poems and literary criticism.", ("02",)),
    LabeledExample("Literature scholarship", "Poems, novels and literary translation.", ("023",)),
    LabeledExample("Writers residency", "Novels, poems and essays in any literary genre.", ("02",)),
    LabeledExample("Open scholarship", "Students of every subject may apply.", ("any",)),
    LabeledExample("Excellence award", "Every subject is welcome; merit decides.", ("any",)),
    LabeledExample("Soil and water grant", "Irrigation research with farmers.", ("08",)),
    LabeledExample("Translation grant", "Literary translation of novels and poems.", ("02",)),
    LabeledExample("Merit bursary", "Any subject, every student may apply.", ("any",)),
]


@pytest.fixture(scope="module")
def australian_slice(labels_dir: Path) -> tuple[LearnedModel, list[LabeledExample]]:
    """A model trained on the first sixty calls of a real labeled file, and those calls."""
    with (labels_dir / "australian-scholarships.jsonl").open(encoding="utf-8") as lines:
        items = [json.loads(line) for line, _ in zip(lines, range(60))]   # not splitlines(): U+2028
    examples = [LabeledExample(i["title"], i["text"], tuple(i["disciplines"])) for i in items]
    return train_model(examples), examples


def _broad(codes: tuple[str, ...]) -> set[str]:
    return {c if c == "any" else c[:2] for c in codes}


def test_model_learns_and_round_trips_through_bytes():
    model = train_model(TOY)
    probs = model.predict("Irrigation study", "soil and crop yield on farms")
    assert max(probs, key=probs.get) == "08"
    again = LearnedModel.from_bytes(model.to_bytes())
    assert again.predict("Irrigation study", "soil and crop yield on farms") == pytest.approx(probs)
    assert (again.threshold, again.relative, again.use_model, again.rule_weight) == (
        model.threshold, model.relative, model.use_model, model.rule_weight)


def test_stored_model_is_json_not_pickle():
    payload = json.loads(zlib.decompress(train_model(TOY).to_bytes()))
    assert payload["format"] == "fursa-broad-logreg/2"
    assert set(payload["labels"]) == {"02", "08", "any"}


def test_bad_bytes_and_too_little_data_raise_actionable_errors():
    with pytest.raises(ModelError, match="retrain"):
        LearnedModel.from_bytes(b"not a model")
    with pytest.raises(ModelError, match="at least 10"):
        train_model(TOY[:3])


def test_training_refuses_data_it_cannot_learn_from():
    other_format = zlib.compress(json.dumps({"format": "fursa-broad-logreg/1"}).encode())
    with pytest.raises(ModelError, match="format 'fursa-broad-logreg/1'.*retrain"):
        LearnedModel.from_bytes(other_format)
    # calls without a label or without any text are not training data
    unusable = [LabeledExample("Grant", "Text.", ()), LabeledExample("", "", ("08",))] * 6 + TOY[:9]
    with pytest.raises(ModelError, match="at least 10 labeled calls with text, got 9"):
        train_model(unusable)
    # every field seen once: nothing can be learned
    one_each = [LabeledExample(f"Call {n}", f"Grants in field {n}.", (f"{n:02d}",)) for n in range(11)]
    with pytest.raises(ModelError, match="at least two examples of at least one field"):
        train_model(one_each)
    # every call in the same field: nothing to tell it from
    with pytest.raises(ModelError, match="some examples without it"):
        train_model([LabeledExample(f"Call {n}", "Irrigation research.", ("08",)) for n in range(12)])


def test_the_same_data_gives_the_same_model(australian_slice):
    """liblinear is seeded and each fit runs on one BLAS thread: retraining on the same calls
    (the retrain job) does not reshuffle anyone's tags."""
    assert train_model(TOY).to_bytes() == train_model(TOY).to_bytes()
    model, examples = australian_slice
    assert train_model(examples).to_bytes() == model.to_bytes()


def test_model_predictions_match_scikit_learn_tfidf_and_the_rule_signals():
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from fursa.matching.learned import _document, rule_features
    from fursa.matching.tagger import score_rules
    model = train_model(TOY)
    vectorizer = TfidfVectorizer(analyzer=lambda e: _document(e.title, e.text), sublinear_tf=True,
                                 vocabulary=model.vocabulary)
    vectorizer.fit(TOY)
    row = np.concatenate([vectorizer.transform([TOY[0]]).toarray()[0],
                          model.rule_weight * rule_features(score_rules(TOY[0].title, TOY[0].text))])
    expected = 1 / (1 + np.exp(-(model.coef @ row + model.intercept)))
    assert list(model.predict(TOY[0].title, TOY[0].text).values()) == pytest.approx(list(expected))


def test_rule_signals_carry_what_the_rules_found():
    from fursa.matching.learned import BROAD, rule_features
    from fursa.matching.tagger import score_rules
    values = rule_features(score_rules("Scholarship", "For students enrolled in a Bachelor of Laws."))
    law = BROAD.index("04") * 3
    assert values[law:law + 3].tolist() == [1.0, 1.0, 1.0]     # best score, named, listed
    assert rule_features(score_rules("Award", "Open to all disciplines."))[-3:-1].tolist() == [1.0, 1.0]


def test_tag_item_uses_the_model_and_still_works_without_it():
    model = train_model(TOY)
    with_model = tag_item("Irrigation study", "soil and crop yield on farms", model=model)
    assert with_model.disciplines[0].broad == "08"
    assert tag_item("Irrigation study", "soil and crop yield on farms").disciplines[0].broad == "08"


def test_a_model_that_does_not_beat_the_rules_leaves_them_alone():
    """Trained on calls the rules already tag right, the model has nothing to add: training says
    so, and its decision is exactly the rules' own."""
    from fursa.matching.tagger import choose_broad, rules_decision, score_rules
    examples = TOY[:8] + TOY[9:]
    assert all(set(rules_decision(score_rules(e.title, e.text))[0]) == _broad(e.disciplines)
               for e in examples), "the rules no longer tag these calls right: pick calls they do"
    model = train_model(examples)
    assert model.use_model is False
    title, text = "Scholarship", "Open to students enrolled in law, economics or nursing."
    rules = score_rules(title, text)
    assert model.decide(title, text, rules)[0] == choose_broad(
        rules.totals, rules.any_named, rules.title_named, rules.named, rules.listed)
    assert set(model.decide(title, text, rules)[0]) == {"03", "04", "09"}


def test_a_model_that_tags_better_than_the_rules_decides():
    """Calls whose field only their own words tell (words no rule knows): the rules find no
    field, the model learns the words, wins on the held-out folds and decides."""
    examples = ([LabeledExample(f"Zorblat call {n}", f"Quuxian frobnication and wibbletronics, round {n}.",
                                ("08",)) for n in range(8)]
                + [LabeledExample(f"Glimmerwick call {n}", f"Snarfling of blorptic verses, round {n}.",
                                  ("02",)) for n in range(8)]
                + [LabeledExample(f"Open call {n}", f"Applicants from every background, round {n}.",
                                  ("any",)) for n in range(8)])
    model = train_model(examples)
    assert model.use_model is True
    call = ("Zorblat call 99", "Quuxian frobnication and wibbletronics, round 99.")
    assert "08" not in tag_item(*call).codes
    assert tag_item(*call, model=model).codes == ("08",)
    assert tag_item("Glimmerwick call 99", "Snarfling of blorptic verses, round 99.", model=model).codes == ("02",)


def test_calibration_predicts_each_call_with_a_model_that_never_saw_it(australian_slice):
    """Training judges its settings on held-out predictions. Each must be what predict() says
    with a model fitted, from scratch, on the other folds' calls: training's shortcuts (each call
    tokenized and scored once, TF-IDF fitted once per fold for all settings) change nothing."""
    import numpy as np

    from fursa.matching import learned
    from fursa.matching.tagger import score_rules
    _, examples = australian_slice
    held = learned._held_out(learned._Calls.of(examples))
    folds = [learned._fold(e) for e in examples]
    for setting in (learned._SETTINGS[0], learned._SETTINGS[-1]):
        predictions = dict(held[setting])
        assert sorted(predictions) == list(range(len(examples)))   # every call, once
        for fold in set(folds):
            inside = [e for e, f in zip(examples, folds) if f != fold]
            part = learned._Words([learned._document(e.title, e.text) for e in inside]).fit(
                np.array([learned.rule_features(score_rules(e.title, e.text)) for e in inside]),
                [_broad(e.disciplines) for e in inside], setting)
            for i in (i for i, f in enumerate(folds) if f == fold):
                assert predictions[i] == pytest.approx(part.predict(examples[i].title, examples[i].text))


def test_a_model_trained_on_a_slice_of_a_real_file_learns_its_fields(australian_slice):
    """Sixty real scholarships: each field the model learned gets a high probability on every
    call labeled with it, and the most probable field of nearly every call is one of its own."""
    model, examples = australian_slice
    assert len(model.labels) >= 6 and "any" in model.labels
    probs = [model.predict(e.title, e.text) for e in examples]
    truth = [_broad(e.disciplines) for e in examples]
    for label in model.labels:
        own = [p[label] for p, t in zip(probs, truth) if label in t]
        assert min(own) > 0.5, (label, own)
    right = sum(max(p, key=p.get) in t for p, t in zip(probs, truth))
    assert right >= 0.95 * len(examples)


def test_a_second_field_needs_the_threshold_and_a_share_of_the_best():
    from fursa.matching.learned import decide
    from fursa.matching.tagger import score_rules
    rules = score_rules("Grant", "A research grant.")
    assert decide({"02": 0.9, "03": 0.5, "any": 0.1}, rules, 0.4, 0.5)[0] == ["02", "03"]
    assert decide({"02": 0.9, "03": 0.35, "any": 0.1}, rules, 0.4, 0.3)[0] == ["02"]
    assert decide({"02": 0.9, "03": 0.42, "any": 0.1}, rules, 0.4, 0.5)[0] == ["02"]
    assert decide({"02": 0.5, "03": 0.45, "any": 0.6}, rules, 0.4, 0.5)[0] == ["any"]


_FOLDS_IN_A_CHILD = """
import json, sys
from fursa.matching import LabeledExample
from fursa.matching.learned import _fold
calls = json.loads(sys.stdin.read())
print(json.dumps([_fold(LabeledExample(title, text, ())) for title, text in calls]))
"""


def test_training_folds_are_stable():
    """A call's fold follows from its words alone, the same in every process: Python salts str
    hashes per process, and a fold taken from one would reshuffle the folds at each retrain."""
    from fursa.matching.learned import _fold
    here = [_fold(e) for e in TOY]
    assert len(set(here)) > 1
    calls = json.dumps([(e.title, e.text) for e in TOY])
    for seed in ("1", "2"):
        child = subprocess.run([sys.executable, "-c", _FOLDS_IN_A_CHILD], input=calls, capture_output=True, text=True,
                               env={**os.environ, "PYTHONHASHSEED": seed}, check=True)
        assert json.loads(child.stdout) == here, f"folds differ under PYTHONHASHSEED={seed}"


def test_what_a_call_states_outright_survives_a_model_that_never_saw_it():
    """TOY teaches only arts, agriculture and "any": a call listing law keeps law."""
    model = train_model(TOY)
    model.use_model, model.threshold = True, 0.99   # the model decides, and adds nothing of its own
    assert "04" not in model.labels
    tagging = tag_item("Postgraduate scholarship", "For students enrolled in a Bachelor of Laws.", model=model)
    assert "04" in {t.broad for t in tagging.disciplines}


def test_training_sees_the_funders_categories_the_tagger_is_given():
    """Calls whose words are all alike and whose field only their funder's category says: the
    model can learn them only if training scores the rules with the categories too."""
    examples = [LabeledExample("Funding opportunity", f"Grants for projects, round {n}.", (code,), (category,))
                for n in range(8) for code, category in (("08", "AG"), ("02", "HU"))]
    model = train_model(examples)
    assert model.use_model is False   # the rules alone do as well: a tie is not a win
    model.use_model = True   # the model decides, even where the rules alone would do as well
    for category, expected in (("AG", "08"), ("HU", "02")):
        tagging = tag_item("Funding opportunity", "Grants for projects, round 9.", categories=(category,), model=model)
        assert [t.broad for t in tagging.disciplines] == [expected]
