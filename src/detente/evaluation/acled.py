"""Task `acled`: the ACLED-style event subtype of a news snippet (CASE 2021 task 2).

Format (tab-separated, header row): id, EventSnippet, SubType (ARMED_CLASH, AIR_STRIKE,
PEACE_PROTEST, ARREST, ... 30 subtypes). Metric: macro-F1 over the subtypes present in
the gold file, and accuracy.

The head (detente.classify.text_features + a linear model) is trained on this set's own
train split. When the gold file is the one the shipped head was trained on (same
sha256), the predictions come from 5-fold cross-validation, each fold scored by a model
trained on the other four; on any other file the shipped head codes every snippet.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detente.errors import EvalError
from detente.evaluation.metrics import accuracy, confusion_matrix, macro_f1, per_class

COLUMNS = ("id", "EventSnippet", "SubType")
MODEL = "acled"


@dataclass(frozen=True)
class AcledItem:
    uid: str
    text: str
    gold: str
    file: str


def read_acled(path: Path) -> list[AcledItem]:
    """Rows of one snippet file; EvalError names the file and row when the format is off."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise EvalError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    items: list[AcledItem] = []
    with handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise EvalError(
                f"{path}: not an acled file: missing column(s) {', '.join(missing)} "
                "(expected tab-separated columns id, EventSnippet, SubType)"
            )
        for line_no, row in enumerate(reader, start=2):
            text = (row.get("EventSnippet") or "").strip()
            gold = (row.get("SubType") or "").strip()
            if not text or not gold:
                raise EvalError(f"{path}: row {line_no}: empty EventSnippet or SubType")
            items.append(AcledItem(str(row.get("id")), text, gold, str(path)))
    if not items:
        raise EvalError(f"{path}: no rows: an acled file needs at least one item")
    return items


def evaluate(
    paths: Sequence[Path], *, extractor: Any = None, cross_validate: bool | None = None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Predictions and metrics; `cross_validate` None decides by the file's sha256."""
    from detente.classify import LinearModel, text_features
    from detente.training import C_ACLED, FOLDS, trained_on
    from detente.training import cross_validate as run_cv

    model = LinearModel.default(MODEL)
    predictions: list[dict[str, Any]] = []
    how: dict[str, str] = {}
    for path in paths:
        items = read_acled(Path(path))
        samples = [text_features(item.text) for item in items]
        cv = trained_on(model, Path(path)) if cross_validate is None else cross_validate
        how[str(path)] = f"{FOLDS}-fold cross-validation" if cv else "shipped head"
        if cv:
            coded = run_cv(samples, [i.gold for i in items], c=C_ACLED)
        else:
            coded = [(*model.predict(s), -1) for s in samples]
        for item, (label, confidence, fold) in zip(items, coded, strict=True):
            predictions.append(
                {
                    "file": item.file,
                    "uid": item.uid,
                    "predicted": label,
                    "gold": item.gold,
                    "confidence": round(confidence, 4),
                    "fold": fold if fold >= 0 else None,
                }
            )
    gold = [p["gold"] for p in predictions]
    pred = [p["predicted"] for p in predictions]
    labels = sorted(set(gold))
    metrics = {
        "task": "acled",
        "n": len(predictions),
        "accuracy": accuracy(gold, pred),
        "macro_f1": macro_f1(gold, pred, labels=labels),
        "method": how,
        "per_class": per_class(gold, pred, labels=labels),
        "confusion": confusion_matrix(gold, pred, labels=labels),
    }
    return predictions, metrics


__all__ = ["AcledItem", "evaluate", "read_acled"]
