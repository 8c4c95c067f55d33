"""`detente eval provisions` and `detente train provisions` on small hand-written files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from detente.agreements import FLAG_NAMES, train
from detente.cli import main
from detente.errors import EvalError
from detente.evaluation import run_task
from detente.evaluation.provisions import (
    TRAIN_FILE,
    evaluate,
    file_record,
    read_agreements,
    score,
    train_provisions,
)

HEADER = ["paid", "pa_name", "pa_date", "conflict_name", "pa_comment", "pa_type", *FLAG_NAMES]
# (narrative, gold flags): written for these tests.
ROWS: list[tuple[str, tuple[str, ...]]] = [
    ("Partial peace agreement\n\nThe parties agreed to a ceasefire.", ("cease",)),
    ("Full peace agreement\n\nAll prisoners were to be released.", ("pris",)),
    ("Partial peace agreement\n\nAn amnesty covered every fighter.", ("amn",)),
    ("Peace process agreement\n\nThe sides agreed to meet again.", ()),
    ("Full peace agreement\n\nA truce began and refugees could return.", ("cease", "return")),
    ("Partial peace agreement\n\nElections would be held next year.", ("elections",)),
    ("Partial peace agreement\n\nThe militia would disarm and demobilize.", ("ddr",)),
    (
        "Full peace agreement\n\nA ceasefire, an amnesty and a prisoner exchange.",
        ("cease", "amn", "pris"),
    ),
    ("Peace process agreement\n\nTalks would go on in the capital.", ()),
    ("Partial peace agreement\n\nForeign troops would withdraw from the valley.", ("withd",)),
    ("Partial peace agreement\n\nA cessation of hostilities took effect.", ("cease",)),
    ("Full peace agreement\n\nPeacekeepers would deploy along the line.", ("pko",)),
]


def write_csv(path: Path, rows: list[tuple[str, tuple[str, ...]]] = ROWS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i, (text, gold) in enumerate(rows):
            flags = [int(f in gold) for f in FLAG_NAMES]
            writer.writerow([900 + i, f"Accord {i}", "2001-01-01", "A: B", text, 2, *flags])
    return path


def test_read_agreements(tmp_path: Path) -> None:
    items = read_agreements(write_csv(tmp_path / "a.csv"))
    assert len(items) == len(ROWS)
    assert items[0].id == "900" and items[0].gold == ("cease",)
    assert items[7].gold == ("cease", "amn", "pris")  # in FLAG_NAMES order


def test_score_micro_and_macro() -> None:
    preds = [
        {"flags": ["cease"], "gold": ["cease"]},
        {"flags": ["cease", "amn"], "gold": ["pris"]},
    ]
    m = score(preds)
    assert m["micro_precision"] == pytest.approx(1 / 3)
    assert m["micro_recall"] == pytest.approx(1 / 2)
    # cease F1 = 2/3, amn F1 = 0, pris F1 = 0; flags never seen do not count.
    assert m["macro_flags"] == 3
    assert m["macro_f1"] == pytest.approx((2 / 3) / 3)
    assert m["per_flag"]["cease"]["precision"] == pytest.approx(0.5)


def test_run_task_writes_predictions_and_metrics(tmp_path: Path) -> None:
    gold = write_csv(tmp_path / "held.csv")
    metrics = run_task("provisions", [gold], tmp_path / "out")
    lines = (tmp_path / "out" / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(ROWS)
    first = json.loads(lines[0])
    assert first["id"] == "900" and first["gold"] == ["cease"]
    assert set(first["flags"]) <= set(FLAG_NAMES)
    saved = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))
    assert saved["micro_f1"] == metrics["micro_f1"]
    assert set(saved["per_flag"]) == set(FLAG_NAMES)
    assert metrics["method"][str(gold)] == "shipped model"  # not the training file
    assert metrics["micro_f1"] > 0.5  # plain, clearly stated provisions


def test_training_file_is_cross_validated_other_files_are_not(tmp_path: Path) -> None:
    gold = write_csv(tmp_path / "train.csv")
    items = read_agreements(gold)
    labels = [{f: int(f in a.gold) for f in FLAG_NAMES} for a in items]
    model = train(
        [a.text for a in items], labels, record={"trained_on": [file_record(gold, "train.csv")]}
    )
    preds, metrics = evaluate([gold], model=model)
    assert metrics["method"][str(gold)] == "5-fold cross-validation"
    assert {p["fold"] for p in preds} == {0, 1, 2, 3, 4}
    other = write_csv(tmp_path / "other.csv", ROWS[:6])
    preds, metrics = evaluate([other], model=model)
    assert metrics["method"][str(other)] == "shipped model"
    assert all(p["fold"] is None for p in preds)


def test_train_provisions_is_reproducible(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    (shared / "eval" / "provisions").mkdir(parents=True)
    write_csv(shared / "eval" / TRAIN_FILE)
    record = train_provisions(shared, tmp_path / "m1")
    train_provisions(shared, tmp_path / "m2")
    first = (tmp_path / "m1" / "provisions.json").read_bytes()
    assert first == (tmp_path / "m2" / "provisions.json").read_bytes()
    assert record["trained_on"][0]["name"] == TRAIN_FILE
    assert "cross_validated" in record
    runner = CliRunner()
    result = runner.invoke(
        main, ["train", "provisions", "--shared", str(shared), "--out", str(tmp_path / "m3")]
    )
    assert result.exit_code == 0, result.output
    assert "micro-F1" in result.output
    assert (tmp_path / "m3" / "provisions.json").read_bytes() == first


def test_train_without_the_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="--shared"):
        train_provisions(tmp_path, tmp_path / "out")


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("paid,pa_comment,cease\n1,text,0\n", encoding="utf-8")
    with pytest.raises(EvalError, match=r"bad\.csv.*missing column.*intarmy"):
        read_agreements(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="no such gold file"):
        run_task("provisions", [tmp_path / "nope.csv"], tmp_path / "out")
    with pytest.raises(EvalError, match=r"nope\.csv.*cannot be read"):
        read_agreements(tmp_path / "nope.csv")


def test_flag_not_zero_or_one(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv")
    text = path.read_text(encoding="utf-8").replace(",2,1,", ",2,yes,", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EvalError, match=r"x\.csv.*cease is 'yes'"):
        read_agreements(path)


def test_unterminated_quote_is_bad_csv(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text(
        ",".join(HEADER) + '\n1,"Accord,2001,A,"open quote never closed\n', encoding="utf-8"
    )
    with pytest.raises(EvalError, match=r"q\.csv: bad CSV"):
        read_agreements(path)


def test_binary_and_empty_files(tmp_path: Path) -> None:
    blob = tmp_path / "b.csv"
    blob.write_bytes(b"\x89PNG\x00\x00\xff\xfe")
    with pytest.raises(EvalError, match=r"b\.csv"):
        read_agreements(blob)
    empty = tmp_path / "e.csv"
    empty.write_text(",".join(HEADER) + "\n", encoding="utf-8")
    with pytest.raises(EvalError, match="no rows"):
        read_agreements(empty)


def test_cli_eval_reports_bad_input_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "provisions", str(path), "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "missing column" in result.output
    assert "Traceback" not in result.output
