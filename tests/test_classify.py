"""The trained heads' plumbing on small hand-made inputs: fitting, saving and loading
plain arrays, cross-validation folds, and the readers of the event gold formats."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from detente.classify import LinearModel, feature_key, fit, save, text_features
from detente.errors import EvalError, ResourceError
from detente.evaluation.acled import read_acled
from detente.evaluation.petr2 import read_petr2, to_plover
from detente.training import cross_validate, folds
from detente.verbs import VerbLexicon

SAMPLES = [
    ["w=bomb", "w=village"],
    ["w=bomb", "w=town"],
    ["w=march", "w=square"],
    ["w=march", "w=street"],
    ["w=talk", "w=geneva"],
    ["w=talk", "w=vienna"],
] * 3
LABELS = ["ASSAULT", "ASSAULT", "PROTEST", "PROTEST", "CONSULT", "CONSULT"] * 3


def test_a_fitted_head_survives_saving_as_plain_arrays(tmp_path: Path) -> None:
    model = fit(SAMPLES, LABELS, name="toy", c=10.0, record={"trained_on": []})
    meta_path, npz_path = save(model, tmp_path)
    meta = json.loads(meta_path.read_text())
    assert "w=bomb" not in meta_path.read_text()  # features ship as hashes only
    with npz_path.open("rb") as fh:
        arrays = dict(np.load(fh, allow_pickle=False))
    loaded = LinearModel.from_files("toy", json.dumps(meta), arrays)
    for feats in (["w=bomb"], ["w=march", "w=square"], ["w=talk"]):
        assert loaded.predict(feats)[0] == model.predict(feats)[0]
    assert loaded.predict(["w=bomb", "w=unknown"])[0] == "ASSAULT"
    assert loaded.predict(["w=talk"])[0] == "CONSULT"


def test_a_damaged_head_is_a_resource_error() -> None:
    meta = json.dumps({"labels": ["A", "B"]})
    arrays = {"weights": np.zeros((3, 2)), "biases": np.zeros(2), "features": np.zeros(2)}
    with pytest.raises(ResourceError, match="detente train events"):
        LinearModel.from_files("bad", meta, arrays)


def test_feature_keys_are_stable_64_bit_hashes() -> None:
    assert feature_key("w=bomb") == feature_key("w=bomb")
    assert feature_key("w=bomb") != feature_key("w=bombs")
    assert -(2**63) <= feature_key("x") < 2**63


def test_folds_partition_the_items_and_no_item_is_scored_by_a_model_that_saw_it() -> None:
    test_sets = folds(LABELS, k=3)
    seen = sorted(i for t in test_sets for i in t.tolist())
    assert seen == list(range(len(LABELS)))
    # An item whose features appear nowhere else can only be guessed: its word is unseen.
    samples = [*SAMPLES, ["w=unique-word"]]
    labels = [*LABELS, "ASSAULT"]
    out = cross_validate(samples, labels, c=10.0, k=3)
    assert len(out) == len(samples)
    assert {fold for _, _, fold in out} == {0, 1, 2}


def test_text_features_are_words_and_pairs() -> None:
    feats = text_features("Troops shelled the village of X.")
    assert "w=troops" in feats and "b=troops_shelled" in feats and "w=the" not in feats


def test_acled_reader_names_the_file_on_a_bad_header(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("id\ttext\n1\tsomething\n")
    with pytest.raises(EvalError, match=r"bad\.tsv: not an acled file"):
        read_acled(bad)
    good = tmp_path / "good.tsv"
    good.write_text("id\tEventSnippet\tSubType\n1\tRebels shelled a town.\tARMED_CLASH\n")
    [item] = read_acled(good)
    assert (item.uid, item.gold) == ("1", "ARMED_CLASH")


PETR = """<Validation><Sentences>
<Sentence id="T1" category="TEST" date="20080101" evaluate="true"/>
<EventCoding eventcode="190" sourcecode="AAA" targetcode="BBB" />
<Text>
Soldiers of one country fired on
soldiers of another.
</Text>
<Parse>1 x</Parse>
</Sentence>
<Sentence id="T2" category="TEST" date="20080101" evaluate="true"/>
<EventCoding noevents="True" />
<Text>Nothing happened.</Text>
</Sentence>
</Sentences></Validation>"""


def test_petr2_reader_takes_the_not_well_formed_validation_file(tmp_path: Path) -> None:
    path = tmp_path / "v.xml"
    path.write_text(PETR)
    first, second = read_petr2(path)
    assert first.codes == ("190",) and first.text.endswith("soldiers of another.")
    assert second.codes == ()
    with pytest.raises(EvalError, match="not a PETRARCH validation file"):
        (tmp_path / "e.xml").write_text("<x/>")
        read_petr2(tmp_path / "e.xml")


def test_cameo_codes_map_to_plover_roots() -> None:
    lexicon = VerbLexicon.default()
    assert to_plover("190", lexicon) == "ASSAULT"
    assert to_plover("0841", lexicon) == "YIELD"  # RETREAT, merged as the dyad set does
    assert to_plover("015", lexicon) is None  # public statements are not PLOVER events
    assert lexicon.root_cameo("ASSAULT") is not None


DYADS = (
    "uid\tsentence_id\tsentence\tmarked_sentence\tsource\ttarget\tgold_root\tgold_penta\n"
    "a\t1\tx\t<s>Chile</s> accused <t>Peru</t> of spying.\tChile\tPeru\tACCUSE\t3\n"
    "b\t2\tx\t<s>Rebels</s> shelled <t>the town</t> overnight.\tRebels\tthe town\tASSAULT\t4\n"
    "c\t3\tx\t<s>Norway</s> sent food aid to <t>Sudan</t>.\tNorway\tSudan\tAID\t2\n"
)


@pytest.mark.slow
def test_a_file_the_head_never_saw_is_coded_by_the_shipped_head(nlp, tmp_path: Path) -> None:
    from detente.evaluation import run_task

    path = tmp_path / "dyads.tsv"
    path.write_text(DYADS)
    metrics = run_task("plover-dyads", [path], tmp_path / "out", nlp=nlp)
    assert metrics["method"] == {str(path): "shipped head"}
    assert metrics["n"] == 3 and "baseline_lexicon" in metrics
    assert sum(sum(row.values()) for row in metrics["confusion"].values()) == 3
    rows = (tmp_path / "out" / "predictions.jsonl").read_text().splitlines()
    assert len(rows) == 3 and all('"fold": null' in r for r in rows)
