"""Task `plover-dyads`: the PLOVER event type of a marked source -> target dyad.

Format (tab-separated, header row): uid, sentence_id, sentence, marked_sentence (source
in <s>..</s>, target in <t>..</t>), source, target, gold_root, gold_penta. gold_root is
one of 15 classes: PLOVER's 16 with CONCEDE and RETREAT merged as YIELD.

Each sentence is parsed once (nlp.pipe in batches); the source and target spans are
found by character offsets taken from the marked sentence. Two coders are scored:

- the trained head (detente.classify: features of the dyad, among them the lexicon's
  code, and a linear model). When the gold file is one the shipped head was trained on
  (same sha256), its predictions come from 5-fold cross-validation: each fold is scored
  by a model trained on the other four, never on itself. On any other file (a hold-out
  half) the shipped head codes every item. These are the headline figures.
- the lexicon coder alone (`detente.dyad.code_dyad`, rules and the verb lexicon, nothing
  trained), reported as `baseline_lexicon`. When it codes nothing, its prediction is
  FALLBACK_LABEL and the item counts as a fallback.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from detente.dyad import code_dyad
from detente.errors import EvalError
from detente.evaluation.metrics import accuracy, confusion_matrix, macro_f1, per_class
from detente.verbs import VerbLexicon
from detente.vocabulary import EVENT_TYPES

COLUMNS = ("uid", "sentence", "marked_sentence", "gold_root")
# PLOVER types as the dataset names them: CONCEDE and RETREAT are one class, YIELD.
MERGED = {"CONCEDE": "YIELD", "RETREAT": "YIELD"}
LABELS: tuple[str, ...] = tuple(dict.fromkeys(MERGED.get(t, t) for t in EVENT_TYPES))
# With no coded trigger we guess CONSULT, the most frequent PLOVER type in wire-based
# event data (meetings and visits); the fallback rate says how often this happens.
FALLBACK_LABEL = "CONSULT"
MODEL = "plover-dyads"  # the shipped head, data/models/plover-dyads.{json,npz}
TAG = re.compile(r"</?[st]>")


@dataclass(frozen=True)
class DyadItem:
    """One row: the unmarked text and the character spans of source and target."""

    uid: str
    text: str
    source: tuple[int, int] | None  # None: the row names no source
    target: tuple[int, int] | None  # None: the row names no target ("a recipient")
    gold: str
    file: str


def to_label(plover: str | None) -> str | None:
    """A PLOVER type in the dataset's 15 classes (CONCEDE/RETREAT -> YIELD)."""
    if plover is None:
        return None
    return MERGED.get(plover, plover)


def unmark(marked: str) -> tuple[str, dict[str, list[tuple[int, int]]]]:
    """Strip <s>/<t> tags; return the text and the character spans of each tag kind."""
    text_parts: list[str] = []
    spans: dict[str, list[tuple[int, int]]] = {"s": [], "t": []}
    open_at: dict[str, int] = {}
    pos = 0
    length = 0
    for m in TAG.finditer(marked):
        piece = marked[pos : m.start()]
        text_parts.append(piece)
        length += len(piece)
        tag = m.group(0)
        kind = tag.strip("</>")
        if tag.startswith("</"):
            if kind in open_at:
                spans[kind].append((open_at.pop(kind), length))
        else:
            open_at[kind] = length
        pos = m.end()
    text_parts.append(marked[pos:])
    return "".join(text_parts), spans


def _strip_span(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def read_dyads(path: Path) -> list[DyadItem]:
    """Rows of one dyad file; EvalError names the file and row when the format is off."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise EvalError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    items: list[DyadItem] = []
    with handle:
        reader = csv.DictReader(handle, delimiter="\t")
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise EvalError(
                f"{path}: not a plover-dyads file: missing column(s) {', '.join(missing)} "
                f"(expected tab-separated columns uid, sentence_id, sentence, "
                f"marked_sentence, source, target, gold_root, gold_penta)"
            )
        for line_no, row in enumerate(reader, start=2):
            marked = row.get("marked_sentence") or ""
            text, spans = unmark(marked)
            if not spans["s"] and not spans["t"]:
                raise EvalError(
                    f"{path}: row {line_no} (uid {row.get('uid')}): marked_sentence "
                    "marks neither a source <s>..</s> nor a target <t>..</t>"
                )
            gold = (row.get("gold_root") or "").strip().upper()
            if gold not in LABELS:
                raise EvalError(
                    f"{path}: row {line_no} (uid {row.get('uid')}): gold_root {gold!r} "
                    f"is not one of {', '.join(LABELS)}"
                )
            items.append(
                DyadItem(
                    uid=str(row["uid"]),
                    text=text,
                    source=_strip_span(text, spans["s"][0]) if spans["s"] else None,
                    target=_strip_span(text, spans["t"][0]) if spans["t"] else None,
                    gold=gold,
                    file=str(path),
                )
            )
    if not items:
        raise EvalError(f"{path}: no rows: a plover-dyads file needs at least one item")
    return items


def doc_span(doc: Doc, offsets: tuple[int, int] | None) -> Span | None:
    if offsets is None:
        return None
    span = doc.char_span(*offsets, alignment_mode="expand")
    return span if span is not None and len(span) else None


def predict(
    items: Sequence[DyadItem],
    *,
    nlp: Language,
    lexicon: VerbLexicon,
    batch_size: int = 64,
    docs: Sequence[Doc] | None = None,
) -> list[dict[str, Any]]:
    """The lexicon coder's prediction per item: uid, predicted, gold, trigger, cameo,
    fallback. `docs` are the parsed items when the caller has them."""
    out: list[dict[str, Any]] = []
    if docs is None:
        docs = list(nlp.pipe((item.text for item in items), batch_size=batch_size))
    for item, doc in zip(items, docs, strict=True):
        source = doc_span(doc, item.source)
        target = doc_span(doc, item.target)
        code, trigger = (None, None)
        if source is not None or target is not None:
            code, trigger = code_dyad(doc, source, target, lexicon=lexicon)
        label = to_label(code.plover) if code is not None else None
        out.append(
            {
                "file": item.file,
                "uid": item.uid,
                "predicted": label or FALLBACK_LABEL,
                "gold": item.gold,
                "trigger": trigger.text if trigger is not None else None,
                "trigger_char": trigger.idx if trigger is not None else None,
                "cameo": code.cameo if code is not None else None,
                "pattern": code.pattern if code is not None else None,
                "fallback": label is None,
            }
        )
    return out


def score(predictions: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Accuracy, macro-F1 over the 15 classes, per-class P/R/F1, confusion, fallback rate."""
    gold = [p["gold"] for p in predictions]
    pred = [p["predicted"] for p in predictions]
    n = len(predictions)
    return {
        "n": n,
        "accuracy": accuracy(gold, pred),
        "macro_f1": macro_f1(gold, pred, labels=LABELS),
        "fallback_rate": (sum(bool(p["fallback"]) for p in predictions) / n) if n else 0.0,
        "fallback_label": FALLBACK_LABEL,
        "per_class": per_class(gold, pred, labels=LABELS),
        "confusion": confusion_matrix(gold, pred, labels=LABELS),
    }


def evaluate(
    paths: Sequence[Path],
    *,
    extractor: Any = None,
    nlp: Language | None = None,
    lexicon: VerbLexicon | None = None,
    cross_validate: bool | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Predictions and metrics over all files (plus `per_file` when there are several).

    `cross_validate` None: cross-validate a file the shipped head was trained on and use
    the shipped head elsewhere; True/False forces one or the other.
    """
    from detente.classify import LinearModel, dyad_features, dyad_window
    from detente.training import C_DYADS, FOLDS, trained_on, tuned_out_of_fold, with_tuned
    from detente.training import cross_validate as run_cv

    files = {str(Path(p)): read_dyads(Path(p)) for p in paths}
    if nlp is None:
        nlp = extractor.nlp if extractor is not None else None
    if nlp is None:
        from detente.parse import load_nlp

        nlp = load_nlp()
    lexicon = lexicon or VerbLexicon.default()
    model = LinearModel.default(MODEL)
    predictions: list[dict[str, Any]] = []
    method: dict[str, str] = {}
    for name, items in files.items():
        docs = list(nlp.pipe((item.text for item in items), batch_size=64))
        lexical = predict(items, nlp=nlp, lexicon=lexicon, docs=docs)
        cv = trained_on(model, Path(name)) if cross_validate is None else cross_validate
        method[name] = f"{FOLDS}-fold cross-validation" if cv else "shipped head"
        samples = []
        windows = []
        for i, d in zip(items, docs, strict=True):
            source, target = doc_span(d, i.source), doc_span(d, i.target)
            feats, _, trigger = dyad_features(d, source, target, lexicon=lexicon, tuned=not cv)
            samples.append(feats)
            found = source is not None or target is not None
            windows.append(
                dyad_window(source, target, trigger) if found else (i.text, None, None, None)
            )
        if cv:
            golds = [i.gold for i in items]
            if model.record.get("tuned"):  # trained fold by fold too, never on the scored fold
                samples = with_tuned(samples, tuned_out_of_fold(windows, golds))
            coded = run_cv(samples, golds, c=C_DYADS)
        else:
            coded = [(*model.predict(s), -1) for s in samples]
        for lex, (label, confidence, fold) in zip(lexical, coded, strict=True):
            predictions.append(
                {
                    **lex,
                    "predicted": label,
                    "confidence": round(confidence, 4),
                    "fold": fold if fold >= 0 else None,
                    "lexicon": lex["predicted"],
                }
            )
    metrics: dict[str, Any] = {"task": "plover-dyads", "method": method}
    metrics.update(score(predictions))  # fallback_rate: how often the lexicon coded nothing
    baseline = score([{**p, "predicted": p["lexicon"]} for p in predictions])
    metrics["baseline_lexicon"] = {
        k: baseline[k] for k in ("accuracy", "macro_f1", "fallback_rate", "fallback_label")
    }
    metrics["anchor"] = {
        "coder": "zero-shot NLI, roberta-large-mnli (held-out half)",
        "accuracy": 0.835,
        "macro_f1": 0.821,
    }
    metrics["per_file"] = {
        name: {
            k: v
            for k, v in score([p for p in predictions if p["file"] == name]).items()
            if k in {"n", "accuracy", "macro_f1"}
        }
        for name in files
    }
    return predictions, metrics


__all__ = [
    "LABELS",
    "DyadItem",
    "doc_span",
    "evaluate",
    "predict",
    "read_dyads",
    "score",
    "to_label",
    "unmark",
]
