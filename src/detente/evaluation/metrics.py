"""The few numbers every scorer reports: accuracy, precision/recall/F1, macro-F1 and a
confusion matrix. Plain functions over label sequences or counts; no numpy needed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def accuracy(gold: Sequence[Any], predicted: Sequence[Any]) -> float:
    """Share of positions where the two sequences agree (0.0 for empty input)."""
    if len(gold) != len(predicted):
        raise ValueError(f"accuracy: {len(gold)} gold labels but {len(predicted)} predicted")
    if not gold:
        return 0.0
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall and F1 from counts; a ratio with a zero denominator is 0.0."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def per_class(
    gold: Sequence[str], predicted: Sequence[str], *, labels: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Per-label precision, recall, F1 and support (gold count)."""
    out: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted, strict=True))
        out[label] = {**prf(tp, fp, fn), "support": tp + fn}
    return out


def macro_f1(gold: Sequence[str], predicted: Sequence[str], *, labels: Sequence[str]) -> float:
    """Unweighted mean F1 over `labels` (every label counts, even with no support)."""
    if not labels:
        return 0.0
    table = per_class(gold, predicted, labels=labels)
    return sum(row["f1"] for row in table.values()) / len(labels)


def confusion_matrix(
    gold: Sequence[str], predicted: Sequence[str], *, labels: Sequence[str]
) -> dict[str, dict[str, int]]:
    """matrix[gold][predicted] counts; predicted labels outside `labels` go to "OTHER"."""
    columns = [*labels, "OTHER"]
    matrix = {g: dict.fromkeys(columns, 0) for g in labels}
    for g, p in zip(gold, predicted, strict=True):
        if g in matrix:
            matrix[g][p if p in matrix[g] else "OTHER"] += 1
    return matrix


__all__ = ["accuracy", "confusion_matrix", "macro_f1", "per_class", "prf"]
