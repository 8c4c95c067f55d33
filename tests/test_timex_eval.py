"""The `timex` scorer on small hand-written TimeML files (no spaCy: parse=False)."""
# ruff: noqa: E501

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.errors import EvalError
from detente.evaluation import run_task
from detente.evaluation.timex import GoldTimex, match, read_tml, score_doc

# A TimeML file written for this test (long lines are the format's).

TML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>X1</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="1998-03-06" functionInDocument="CREATION_TIME">19980306</TIMEX3></DCT>
<TEXT>
Talks &amp; more <EVENT eid="e1">ended</EVENT> <TIMEX3 tid="t1" type="DATE" value="1998-03-05">yesterday</TIMEX3> after <TIMEX3 tid="t2" type="DURATION" value="P3D">three days</TIMEX3>; they resume <TIMEX3 tid="t3" type="DATE" value="1998-03-09">Monday</TIMEX3> or in <TIMEX3 tid="t4" type="DATE" value="1998-Q2">the second quarter</TIMEX3>.
</TEXT>
</TimeML>
"""


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "Mini"
    folder.mkdir()
    (folder / "x1.tml").write_text(TML, encoding="utf-8")
    return folder


def test_reader_strips_tags_and_keeps_offsets(corpus: Path) -> None:
    doc = read_tml(corpus / "x1.tml")
    assert str(doc.dct) == "1998-03-06"
    assert doc.text.startswith("\nTalks & more ended yesterday")
    assert [(g.text, g.type, g.value) for g in doc.gold] == [
        ("yesterday", "DATE", "1998-03-05"),
        ("three days", "DURATION", "P3D"),
        ("Monday", "DATE", "1998-03-09"),
        ("the second quarter", "DATE", "1998-Q2"),
    ]
    for g in doc.gold:
        assert doc.text[g.start : g.end] == g.text


def test_relaxed_matching_is_one_to_one() -> None:
    assert match([(0, 10)], [(0, 4), (2, 10)]) == {1: 0}


def test_scores_strict_relaxed_type_and_value() -> None:
    gold = [
        GoldTimex(0, 9, "yesterday", "DATE", "1998-03-05"),
        GoldTimex(20, 30, "", "DURATION", "P3D"),
    ]
    predicted = [
        {"start": 0, "end": 9, "type": "DATE", "value": "1998-03-05"},
        {"start": 22, "end": 30, "type": "DATE", "value": "P3D"},
        {"start": 40, "end": 45, "type": "DATE", "value": "2000"},
    ]
    counts, by_type, rows = score_doc(gold, predicted)
    m = counts.metrics()
    assert m["strict"]["precision"] == pytest.approx(1 / 3)
    assert m["strict"]["recall"] == pytest.approx(1 / 2)
    assert m["relaxed"]["recall"] == 1.0
    assert m["type"]["accuracy"] == 0.5
    assert m["value"]["precision"] == pytest.approx(2 / 3)
    assert by_type["DURATION"].metrics()["relaxed"]["recall"] == 1.0
    assert by_type["DATE"].metrics()["n_predicted"] == 3
    assert "gold_value" not in rows[2]


def test_run_task_on_a_folder_writes_metrics_and_predictions(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    metrics = run_task("timex", [corpus], out, parse=False)
    assert metrics["documents"] == 1
    assert metrics["corpus:Mini"]["n_gold"] == 4
    assert metrics["relaxed"]["recall"] == 1.0
    assert metrics["value"]["f1"] > 0.7
    rows = [json.loads(line) for line in (out / "predictions.jsonl").read_text().splitlines()]
    assert {"doc", "start", "end", "text", "type", "value"} <= set(rows[0])
    assert json.loads((out / "metrics.json").read_text())["documents"] == 1


def test_a_file_that_is_not_timeml_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tml"
    bad.write_text("just words", encoding="utf-8")
    with pytest.raises(EvalError, match="not a TimeML file"):
        run_task("timex", [bad], tmp_path / "o", parse=False)
    with pytest.raises(EvalError, match="no such"):
        run_task("timex", [tmp_path / "missing"], tmp_path / "o", parse=False)


def test_document_without_creation_time_is_listed(tmp_path: Path) -> None:
    folder = tmp_path / "NoDct"
    folder.mkdir()
    text = TML.split("<DCT>")[0] + "<TEXT>" + TML.split("<TEXT>")[1]
    (folder / "n.tml").write_text(text, encoding="utf-8")
    metrics = run_task("timex", [folder], tmp_path / "o", parse=False)
    assert metrics["documents_without_creation_time"] == ["n.tml"]


def test_value_f1_is_the_tempeval3_attribute_f1() -> None:
    # TempEval-3's toolkit scores an attribute as (attribute right / relaxed matches) x
    # relaxed F1; with one-to-one matching that is the F1 of value precision (right over
    # all predictions) and value recall (right over all gold): 2 x right / (pred + gold).
    gold = [
        GoldTimex(0, 9, "yesterday", "DATE", "1998-03-05"),
        GoldTimex(20, 30, "three days", "DURATION", "P3D"),
        GoldTimex(50, 56, "Monday", "DATE", "1998-03-09"),
    ]
    predicted = [
        {"start": 0, "end": 9, "type": "DATE", "value": "1998-03-05"},
        {"start": 22, "end": 30, "type": "DURATION", "value": "P2D"},
        {"start": 40, "end": 45, "type": "DATE", "value": "2000"},
        {"start": 60, "end": 64, "type": "DATE", "value": "2001"},
    ]
    m = score_doc(gold, predicted)[0].metrics()
    accuracy = 1 / 2  # one of the two relaxed matches has the gold value
    assert m["value"]["f1"] == pytest.approx(accuracy * m["relaxed"]["f1"])
    assert m["value"]["f1"] == pytest.approx(2 * 1 / (4 + 3))
