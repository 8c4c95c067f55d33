"""Task `petr2`: CAMEO codings of news sentences (PETRARCH-2 validation records), scored
in PLOVER.

Format: the UniversalPetrarch validation XML: `<Sentence id=... category=...>` records,
each followed by `<EventCoding eventcode="..." sourcecode=... targetcode=.../>` (or
`noevents="True"`) and `<Text>`. The file is not well-formed XML (self-closed Sentence
tags with a closing tag later), so records are read by their tags, one at a time.

Each gold CAMEO code is mapped to PLOVER with the CAMEO2PLOVER table (as bundled in the
verb lexicon: `VerbLexicon.cameo`, trying the code, then shorter prefixes); codes PLOVER
does not keep (01x public statements) are counted apart. The sentence is coded by
`detente.classify.sentence_events` (every clause the lexicon codes, typed by the dyad
head). Root-code accuracy: the share of gold codings whose PLOVER type is among the
sentence's predicted types (CONCEDE and RETREAT counted as one, as the dyad set does);
`precision`: the share of predicted types found in the gold codings; `noevent_false`:
sentences coded "no events" where we found one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detente.errors import EvalError

RECORD = re.compile(r"<Sentence\b([^>]*?)/?>(.*?)(?=<Sentence\b|</Sentences>|\Z)", re.S)
ATTR = re.compile(r'(\w+)="([^"]*)"')
CODING = re.compile(r"<EventCoding\b([^>]*)/?>")
TEXT = re.compile(r"<Text>(.*?)</Text>", re.S)
MERGED = {"CONCEDE": "YIELD", "RETREAT": "YIELD"}


@dataclass(frozen=True)
class Petr2Item:
    uid: str
    text: str
    codes: tuple[str, ...]  # gold CAMEO event codes; empty: "no events"
    file: str


def read_petr2(path: Path) -> list[Petr2Item]:
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"{path}: cannot be read ({exc})") from exc
    items: list[Petr2Item] = []
    for m in RECORD.finditer(raw):
        attrs = dict(ATTR.findall(m.group(1)))
        body = m.group(2)
        text_m = TEXT.search(body)
        if text_m is None:
            continue
        codes = []
        for coding in CODING.finditer(body):
            c = dict(ATTR.findall(coding.group(1)))
            if c.get("eventcode"):
                codes.append(c["eventcode"])
        text = " ".join(html.unescape(text_m.group(1)).split())
        items.append(Petr2Item(attrs.get("id", str(len(items))), text, tuple(codes), str(path)))
    if not items:
        raise EvalError(
            f"{path}: not a PETRARCH validation file: no <Sentence ...> record with <Text> "
            "(expected UniversalPetrarch validation XML)"
        )
    return items


def to_plover(cameo: str, lexicon: Any) -> str | None:
    """A CAMEO code's PLOVER type (CONCEDE/RETREAT as YIELD), or None when PLOVER drops it."""
    code = cameo.strip()
    while code:
        reading = lexicon.cameo(code)
        if reading is not None and reading.plover:
            return MERGED.get(reading.plover, reading.plover)
        if len(code) <= 2:
            return None
        code = code[:-1]
    return None


def evaluate(
    paths: Sequence[Path], *, extractor: Any = None, nlp: Any = None, lexicon: Any = None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    from detente.classify import LinearModel, sentence_events
    from detente.verbs import VerbLexicon

    items = [item for p in paths for item in read_petr2(Path(p))]
    if nlp is None:
        nlp = extractor.nlp if extractor is not None else None
    if nlp is None:
        from detente.parse import load_nlp

        nlp = load_nlp()
    lexicon = lexicon or VerbLexicon.default()
    model = LinearModel.default("plover-dyads")
    predictions: list[dict[str, Any]] = []
    hits = codings = unmapped = found = found_right = noevent = noevent_false = 0
    for item, doc in zip(items, nlp.pipe((i.text for i in items), batch_size=32), strict=True):
        events = [e for s in doc.sents for e in sentence_events(s, lexicon=lexicon, model=model)]
        predicted = sorted({e.plover for e in events})
        gold = [to_plover(c, lexicon) for c in item.codes]
        unmapped += sum(g is None for g in gold)
        wanted = [g for g in gold if g is not None]
        codings += len(wanted)
        hits += sum(g in predicted for g in wanted)
        found += len(predicted)
        found_right += sum(p in wanted for p in predicted)
        if not item.codes:
            noevent += 1
            noevent_false += bool(predicted)
        predictions.append(
            {
                "file": item.file,
                "uid": item.uid,
                "gold_cameo": list(item.codes),
                "gold": wanted,
                "predicted": predicted,
                "events": [
                    {
                        "plover": e.plover,
                        "confidence": round(e.confidence, 3),
                        "cameo": e.lexicon.cameo if e.lexicon else None,
                        "trigger": doc[e.trigger].text,
                    }
                    for e in events
                ],
            }
        )
    metrics = {
        "task": "petr2",
        "sentences": len(items),
        "codings": codings,
        "codings_not_in_plover": unmapped,
        "accuracy": hits / codings if codings else 0.0,
        "precision": found_right / found if found else 0.0,
        "noevent_sentences": noevent,
        "noevent_false": noevent_false,
    }
    return predictions, metrics


__all__ = ["Petr2Item", "evaluate", "read_petr2", "to_plover"]
