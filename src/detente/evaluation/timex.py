"""Task `timex`: temporal expressions scored the TempEval-3 way on TimeML (.tml) files.

A path is a .tml file or a folder of them (searched recursively). For each document the
anchor is the TIMEX3 with functionInDocument="CREATION_TIME" (inside DCT or not); the text
is the content of the TEXT element with every tag removed and entities decoded, and gold
spans are character offsets into that text. The tagger (`detente.timex.TimeTagger`) runs
on the text with the clause tense read from the spaCy parse, as in the pipeline (pass
`nlp=None` and `parse=False` to score it without a parse: every clause is then "present").

Metrics, pooled and per corpus (key "corpus:<folder>": corpus:TimeBank, corpus:AQUAINT):
- strict span P/R/F1 (same start and end), relaxed span P/R/F1 (overlap; one prediction
  matches at most one gold expression);
- type accuracy over the relaxed matches;
- value P/R/F1: a prediction counts when it overlaps a gold expression and has its value
  (P over predictions, R over gold), the TempEval-3 attribute F1;
- the same per gold/predicted type.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from detente.errors import EvalError

TAG = re.compile(r"<(/?)([A-Za-z0-9_]+)([^>]*?)(/?)>", re.S)
ATTR = re.compile(r'([A-Za-z_:]+)\s*=\s*"([^"]*)"')
TYPES = ("DATE", "TIME", "DURATION", "SET")


@dataclass(frozen=True)
class GoldTimex:
    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass(frozen=True)
class TmlDoc:
    name: str
    corpus: str
    dct: date | None
    text: str
    gold: tuple[GoldTimex, ...]


def _attrs(raw: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in ATTR.findall(raw)}


def _dct(source: str) -> date | None:
    for m in TAG.finditer(source):
        if m.group(2) == "TIMEX3" and not m.group(1):
            attrs = _attrs(m.group(3))
            if attrs.get("functionInDocument") == "CREATION_TIME":
                return _date_of(attrs.get("value", ""))
    dct = re.search(r"<DCT>(.*?)</DCT>", source, re.S)
    if dct:
        inner = re.sub(r"<[^>]+>", "", dct.group(1)).strip()
        return _date_of(inner)
    return None


def _date_of(value: str) -> date | None:
    digits = re.sub(r"[^0-9]", "", value)[:8]
    if len(digits) < 8:
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def read_tml(path: Path, *, corpus: str | None = None) -> TmlDoc:
    """One TimeML document: its creation date, tag-free TEXT and gold TIMEX3 spans."""
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"{path}: cannot read as UTF-8 text ({exc})") from exc
    open_m = re.search(r"<TEXT(?:\s[^>]*)?>", source)
    close_at = source.rfind("</TEXT>")
    if open_m is None or close_at < open_m.end():
        raise EvalError(f"{path}: not a TimeML file (no <TEXT>...</TEXT> element)")
    body = source[open_m.end() : close_at]
    pieces: list[str] = []
    length = 0
    stack: list[tuple[int, dict[str, str]]] = []
    gold: list[GoldTimex] = []
    pos = 0
    for m in TAG.finditer(body):
        chunk = html.unescape(body[pos : m.start()])
        pieces.append(chunk)
        length += len(chunk)
        pos = m.end()
        if m.group(2) != "TIMEX3" or m.group(4):
            continue
        if not m.group(1):
            stack.append((length, _attrs(m.group(3))))
        elif stack:
            start, attrs = stack.pop()
            gold.append(GoldTimex(start, length, "", attrs.get("type", ""), attrs.get("value", "")))
    pieces.append(html.unescape(body[pos:]))
    text = "".join(pieces)
    gold = [GoldTimex(g.start, g.end, text[g.start : g.end], g.type, g.value) for g in gold]
    gold.sort(key=lambda g: (g.start, g.end))
    return TmlDoc(
        name=path.name,
        corpus=corpus or path.parent.name,
        dct=_dct(source),
        text=text,
        gold=tuple(gold),
    )


def tml_files(paths: Sequence[Path]) -> list[tuple[Path, str]]:
    """The .tml files under each path, each with its corpus name (its folder's name)."""
    out: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.rglob("*.tml"))
            if not found:
                raise EvalError(f"{path}: folder holds no .tml file")
            out += [(f, f.parent.name) for f in found]
        elif path.is_file():
            out.append((path, path.parent.name))
        else:
            raise EvalError(f"{path}: no such .tml file or folder")
    return out


# -- scoring ------------------------------------------------------------------------------


@dataclass
class _Counts:
    """Counts on the gold side (recall) and the predicted side (precision) apart, so that
    a per-type table can count gold by gold type and predictions by predicted type."""

    gold: int = 0
    pred: int = 0
    strict_gold: int = 0
    strict_pred: int = 0
    relaxed_gold: int = 0
    relaxed_pred: int = 0
    type_right: int = 0
    value_gold: int = 0
    value_pred: int = 0

    def add(self, other: _Counts) -> None:
        for field in self.__dataclass_fields__:
            setattr(self, field, getattr(self, field) + getattr(other, field))

    def metrics(self) -> dict[str, Any]:
        return {
            "n_gold": self.gold,
            "n_predicted": self.pred,
            "strict": _pr(self.strict_pred, self.pred, self.strict_gold, self.gold),
            "relaxed": _pr(self.relaxed_pred, self.pred, self.relaxed_gold, self.gold),
            "type": {"accuracy": self.type_right / self.relaxed_gold if self.relaxed_gold else 0.0},
            "value": _pr(self.value_pred, self.pred, self.value_gold, self.gold),
        }


def _pr(right_pred: int, pred: int, right_gold: int, gold: int) -> dict[str, float]:
    precision = right_pred / pred if pred else 0.0
    recall = right_gold / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def match(gold: Sequence[tuple[int, int]], predicted: Sequence[tuple[int, int]]) -> dict[int, int]:
    """One-to-one relaxed matching: predicted index -> gold index, largest overlap first."""
    pairs = []
    for pi, (ps, pe) in enumerate(predicted):
        for gi, (gs, ge) in enumerate(gold):
            overlap = min(pe, ge) - max(ps, gs)
            if overlap > 0:
                pairs.append((-overlap, pi, gi))
    pairs.sort()
    used_p: set[int] = set()
    used_g: set[int] = set()
    out: dict[int, int] = {}
    for _, pi, gi in pairs:
        if pi in used_p or gi in used_g:
            continue
        used_p.add(pi)
        used_g.add(gi)
        out[pi] = gi
    return out


def score_doc(
    gold: Sequence[GoldTimex], predicted: Sequence[dict[str, Any]]
) -> tuple[_Counts, dict[str, _Counts], list[dict[str, Any]]]:
    """Counts for one document, the same per type, and the predictions with their match."""
    total = _Counts(gold=len(gold), pred=len(predicted))
    by_type: dict[str, _Counts] = defaultdict(_Counts)
    for g in gold:
        by_type[g.type].gold += 1
    for p in predicted:
        by_type[p["type"]].pred += 1
    pairs = match([(g.start, g.end) for g in gold], [(p["start"], p["end"]) for p in predicted])
    rows = []
    for pi, p in enumerate(predicted):
        row = dict(p)
        gi = pairs.get(pi)
        if gi is not None:
            g = gold[gi]
            strict = (g.start, g.end) == (p["start"], p["end"])
            value_ok = g.value == p["value"]
            for counts in (total, by_type[g.type]):
                counts.relaxed_gold += 1
                counts.strict_gold += strict
                counts.type_right += g.type == p["type"]
                counts.value_gold += value_ok
            for counts in (total, by_type[p["type"]]):
                counts.relaxed_pred += 1
                counts.strict_pred += strict
                counts.value_pred += value_ok
            row.update(gold_text=g.text, gold_type=g.type, gold_value=g.value)
        rows.append(row)
    return total, dict(by_type), rows


def missed(gold: Sequence[GoldTimex], predicted: Sequence[dict[str, Any]]) -> list[GoldTimex]:
    pairs = match([(g.start, g.end) for g in gold], [(p["start"], p["end"]) for p in predicted])
    hit = set(pairs.values())
    return [g for i, g in enumerate(gold) if i not in hit]


# -- running --------------------------------------------------------------------------------


def tag_docs(
    docs: Sequence[TmlDoc], *, nlp: Any = None, parse: bool = True
) -> Iterable[tuple[TmlDoc, list[dict[str, Any]]]]:
    """Each document with its predictions (tense read from the parse when `parse`)."""
    from detente.timex import TimeTagger

    if parse and nlp is None:
        from detente.parse import load_nlp

        nlp = load_nlp()
    parsed: Iterable[Any]
    if parse and nlp is not None:
        parsed = nlp.pipe((d.text for d in docs), batch_size=16)
    else:
        parsed = (None for _ in docs)
    for doc, spacy_doc in zip(docs, parsed, strict=True):
        tense_of = _tense_reader(spacy_doc) if spacy_doc is not None else None
        tagger = TimeTagger(tense_of=tense_of)
        values = tagger.tag(doc.text, article_id=doc.name, anchor=doc.dct)
        yield (
            doc,
            [
                {
                    "doc": doc.name,
                    "corpus": doc.corpus,
                    "start": v.evidence.span.start,
                    "end": v.evidence.span.end,
                    "text": v.evidence.span.text,
                    "type": v.type,
                    "value": v.value,
                }
                for v in values
            ],
        )


def _tense_reader(spacy_doc: Any) -> Any:
    from detente.grammar import tense_at

    return lambda offset: tense_at(spacy_doc, offset)


def evaluate(
    paths: Sequence[Path],
    *,
    extractor: Any = None,
    nlp: Any = None,
    parse: bool = True,
    **_options: Any,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    files = tml_files(paths)
    docs = [read_tml(f, corpus=corpus) for f, corpus in files]
    if extractor is not None and nlp is None:
        nlp = extractor.nlp
    totals: dict[str, _Counts] = defaultdict(_Counts)
    types: dict[str, dict[str, _Counts]] = defaultdict(lambda: defaultdict(_Counts))
    predictions: list[dict[str, Any]] = []
    no_dct: list[str] = []
    for doc, predicted in tag_docs(docs, nlp=nlp, parse=parse):
        if doc.dct is None:
            no_dct.append(doc.name)
        counts, by_type, rows = score_doc(doc.gold, predicted)
        for group in (doc.corpus, "all"):
            totals[group].add(counts)
            for t, c in by_type.items():
                types[group][t].add(c)
        predictions += rows
    metrics: dict[str, Any] = {}
    groups = [*sorted(g for g in totals if g != "all"), "all"]
    for group in groups:
        entry = totals[group].metrics()
        entry["per_type"] = {t: types[group][t].metrics() for t in TYPES if t in types[group]}
        metrics[group] = entry
    out: dict[str, Any] = {
        "documents": len(docs),
        "tense": "spaCy parse" if parse else "none (present)",
        **{k: v for k, v in metrics["all"].items() if k != "per_type"},
        "per_type": metrics["all"]["per_type"],
        # One entry per corpus (the folder of its files), named "corpus:<folder>".
        **{f"corpus:{g}": metrics[g] for g in groups if g != "all"},
        "documents_without_creation_time": no_dct,
    }
    return predictions, out
