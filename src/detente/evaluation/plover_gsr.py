"""Task `plover-gsr`: whole PLOVER records (the PLOVER gold-standard format).

Format: a JSON array of records, each with `text`, `event` (a PLOVER type), `source` and
`target` (lists of {actorText, code, sector?}; anything else - a string, null, "" - is
no actor), optional `id` and `date` (YYYY-MM-DD, used as the publication date).

Each record's text goes through the full Extractor (parse, resolve, events). Scoring:

- Actors as (country, sector) pairs. Gold: `code` and the first three letters of
  `sector` ("" when the record gives none: "Libya" is ("LBY", "")). Predicted: the
  actors of the chosen event (sources and targets), or, when no event was found, every
  actor the resolver found in the text; an actor's pair is its country (or "IGO" for an
  international body, which has none) and the first three letters of its sector; an
  actor with neither (an unknown name) is left out.
  The pairs of a record are sets; true positives are pairs in both, summed over records
  into precision, recall and F1 (`actors`). `actors_country` does the same on countries
  alone.
- The chosen event: the one whose actor pairs share most with the gold pairs (the first
  in text order on a tie). Event type accuracy over records compares its type with the
  gold type read in today's PLOVER names (DEMAND = REQUEST, DISAPPROVE and INVESTIGATE =
  ACCUSE, FIGHT = ASSAULT); a record with no event counts as wrong.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from detente.errors import EvalError
from detente.evaluation.metrics import prf
from detente.vocabulary import Actor, Article, Event

# PLOVER 0.5 names -> the names detente (and PLOVER 1.0) uses.
RENAMED = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}


def gold_type(name: str) -> str:
    name = name.strip().upper()
    return RENAMED.get(name, name)


def read_records(path: Path) -> list[dict[str, Any]]:
    """The records of one file; EvalError names the file and record when one is off."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvalError(f"{path}: not a readable JSON file of PLOVER records ({exc})") from exc
    if not isinstance(data, list) or not data:
        raise EvalError(f"{path}: a plover-gsr file is a non-empty JSON array of records")
    for index, record in enumerate(data):
        if (
            not isinstance(record, dict)
            or not isinstance(record.get("text"), str)
            or not record["text"].strip()
            or not isinstance(record.get("event"), str)
        ):
            raise EvalError(
                f"{path}: record {index} needs a non-empty `text` and an `event` (PLOVER type)"
            )
    return data


def gold_pairs(actors: Any) -> set[tuple[str, str]]:
    """(country, sector) pairs of a record's source or target field."""
    if not isinstance(actors, list):
        return set()
    out = set()
    for actor in actors:
        if isinstance(actor, dict) and actor.get("code"):
            out.add((str(actor["code"]).upper()[:3], str(actor.get("sector") or "")[:3].upper()))
    return out


def actor_pair(actor: Actor) -> tuple[str, str]:
    """(country, sector); an international body is ("IGO", ""), as PLOVER records code it."""
    sector = (actor.sector or "")[:3].upper()
    if not actor.country and sector == "IGO":
        return "IGO", ""
    return (actor.country or "").upper(), sector


def _pairs(actors: Iterable[Actor]) -> set[tuple[str, str]]:
    """Pairs of the actors that are coded at all (an unknown person with neither country
    nor sector is not an actor code)."""
    return {pair for a in actors if any(pair := actor_pair(a))}


def event_pairs(event: Event) -> set[tuple[str, str]]:
    return _pairs(m.actor for m in (*event.sources, *event.targets))


def _day(text: Any) -> date | None:
    try:
        return date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def predict(record: dict[str, Any], index: int, *, extractor: Any) -> dict[str, Any]:
    """Read one record; choose the event whose actors best match the gold actors."""
    rid = record.get("id") or index
    gold = gold_pairs(record.get("source")) | gold_pairs(record.get("target"))
    article = Article(
        id=f"plover-gsr-{rid}", text=record["text"], published=_day(record.get("date"))
    )
    reading = extractor.extract(article)
    best: Event | None = None
    best_hits = -1
    for event in reading.events:
        hits = len(event_pairs(event) & gold)
        if hits > best_hits:
            best, best_hits = event, hits
    if best is not None:
        predicted = event_pairs(best)
    else:
        predicted = _pairs(m.actor for m in reading.actors)
    return {
        "id": rid,
        "index": index,
        "gold_event": gold_type(record["event"]),
        "event": best.type if best is not None else None,
        "from_event": best is not None,
        "events": [e.type for e in reading.events],
        "gold_actors": sorted("".join(p) if p[1] else p[0] for p in gold),
        "actors": sorted("".join(p) if p[1] else p[0] for p in predicted),
        "sources": [m.evidence.span.text for m in best.sources] if best else [],
        "targets": [m.evidence.span.text for m in best.targets] if best else [],
        "_gold": gold,
        "_predicted": predicted,
    }


def score(predictions: Sequence[dict[str, Any]]) -> dict[str, Any]:
    tp = fp = fn = 0
    ctp = cfp = cfn = 0
    for p in predictions:
        gold, pred = p["_gold"], p["_predicted"]
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
        gc, pc = {c for c, _ in gold}, {c for c, _ in pred if c}
        ctp += len(gc & pc)
        cfp += len(pc - gc)
        cfn += len(gc - pc)
    n = len(predictions)
    right = sum(p["event"] == p["gold_event"] for p in predictions)
    return {
        "task": "plover-gsr",
        "n": n,
        "actors": prf(tp, fp, fn) | {"tp": tp, "fp": fp, "fn": fn},
        "actors_country": prf(ctp, cfp, cfn),
        "event_type": {"accuracy": right / n if n else 0.0, "correct": right, "n": n},
        "no_event": sum(not p["from_event"] for p in predictions),
    }


def evaluate(
    paths: Sequence[Path], *, extractor: Any = None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Predictions (one per record) and metrics over all files."""
    if extractor is None:
        from detente.pipeline import Extractor

        extractor = Extractor()
    predictions: list[dict[str, Any]] = []
    per_file: dict[str, Any] = {}
    for path in paths:
        records = read_records(Path(path))
        mine = [predict(r, i, extractor=extractor) for i, r in enumerate(records)]
        for p in mine:
            p["file"] = str(path)
        per_file[str(path)] = score(mine)
        predictions.extend(mine)
    metrics = score(predictions)
    if len(per_file) > 1:
        metrics["per_file"] = per_file
    for p in predictions:
        del p["_gold"], p["_predicted"]
    return predictions, metrics


__all__ = ["RENAMED", "evaluate", "gold_pairs", "gold_type", "predict", "read_records", "score"]
