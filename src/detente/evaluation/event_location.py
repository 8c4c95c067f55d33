"""Task `event-location`: which place in a sentence is where a marked event happened.

Format: JSON Lines (Prodigy export, as in ahalterman/event_location): `text`, `spans`
with one `VERB` span (the event) and zero or more `LOCATION` spans (where it happened),
`_id` or `doc_id`. Some rows carry token indices in `start`/`end` instead of characters;
a span whose `text` does not sit at its offsets is placed at the occurrence of that text
nearest its `token_start`. A row without a VERB span is skipped and counted.

Each sentence is parsed once (nlp.pipe), run through mentions and resolve, and
`detente.location.event_location` chooses among its place names: those the resolver
found, the GPE/LOC/FAC entities of the parse it could not place in the gazetteer, and
the names in place-noun constructions (`detente.mentions.find_toponyms`) it could not
place either.

Metrics: `accuracy` counts a row right when the chosen span overlaps a gold LOCATION span,
or when nothing is chosen and the row has none; `accuracy_exact` asks for the same
offsets; both also split by rows with and without a gold location. Items at 0-based
position i with i % 3 == 2 are the check part (never read while writing rules).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detente.errors import EvalError

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


@dataclass(frozen=True)
class LocationItem:
    id: str
    position: int
    text: str
    verb: tuple[int, int]
    locations: tuple[tuple[int, int], ...]
    hints: tuple[tuple[int, str, int], ...]  # spans to re-place: (index, text, token_start)


def read_items(path: Path) -> tuple[list[LocationItem], int]:
    """Rows with a VERB span, and how many rows had none."""
    items: list[LocationItem] = []
    skipped = 0
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"{path}: cannot be read as UTF-8 JSON Lines ({exc})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text = row["text"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise EvalError(
                f"{path}:{number}: not an event-location row (JSON with `text` and `spans`)"
            ) from exc
        spans = row.get("spans") or []
        verbs = [s for s in spans if s.get("label") == "VERB"]
        if not verbs:
            skipped += 1
            continue
        ordered = [verbs[0], *[s for s in spans if s.get("label") == "LOCATION"]]
        offsets: list[tuple[int, int]] = []
        hints: list[tuple[int, str, int]] = []
        for k, span in enumerate(ordered):
            start, end = int(span["start"]), int(span["end"])
            wanted = span.get("text")
            if wanted and text[start:end] != wanted:
                hints.append((k, wanted, int(span.get("token_start", 0))))
            offsets.append((start, end))
        items.append(
            LocationItem(
                id=str(row.get("_id") or row.get("doc_id") or number),
                position=len(items) + skipped,
                text=text,
                verb=offsets[0],
                locations=tuple(offsets[1:]),
                hints=tuple(hints),
            )
        )
    if not items:
        raise EvalError(f"{path}: no row with a VERB span: not an event-location file")
    return items, skipped


def _fix(item: LocationItem, doc: Any) -> LocationItem:
    """Place spans given by token index at the occurrence of their text nearest it."""
    if not item.hints:
        return item
    offsets = [item.verb, *item.locations]
    for k, wanted, token_start in item.hints:
        best: tuple[int, int] | None = None
        at = item.text.find(wanted)
        while at >= 0:
            span = doc.char_span(at, at + 1, alignment_mode="expand")
            token = span[0].i if span is not None and len(span) else 0
            if best is None or abs(token - token_start) < best[0]:
                best = (abs(token - token_start), at)
            at = item.text.find(wanted, at + 1)
        if best is not None:
            offsets[k] = (best[1], best[1] + len(wanted))
    return LocationItem(item.id, item.position, item.text, offsets[0], tuple(offsets[1:]), ())


def place_spans(
    doc: Any, result: Any, *, gazetteer: Any, registry: Any = None
) -> dict[int, tuple[int, int]]:
    """Head token -> (start, end) characters of every place name in the Doc: the resolved
    toponyms and the place entities the gazetteer did not know."""
    from detente.location import UNSURE_LABELS, _name_extent, border_names, ground_names
    from detente.mentions import LOCATIVE_PREPS, find_toponyms, is_locative
    from detente.places import toponyms

    out: dict[int, tuple[int, int]] = {}
    for mention in toponyms(result, gazetteer=gazetteer):
        span = doc.char_span(
            mention.evidence.span.start, mention.evidence.span.end, alignment_mode="expand"
        )
        if span is None or not len(span):
            continue
        if all(t.ent_type_ == "PERSON" for t in span) and not is_locative(span.root):
            continue  # "Khadr was captured": a name the model reads as a person's
        out[span.root.i] = (span.start_char, span.end_char)
    for ent in doc.ents:
        if (
            ent.label_ == "NORP"
            and registry is not None
            and not registry.nationality(ent.text)
            and is_locative(ent.root)
            and gazetteer.resolve(ent.text) is not None
            and ent.root.i not in out
        ):
            out[ent.root.i] = (ent.start_char, ent.end_char)  # "In Samarra," read as NORP
        if ent.label_ in PLACE_LABELS and ent.root.i not in out:
            start = ent.start + (1 if ent[0].pos_ == "DET" and len(ent) > 1 else 0)
            out[ent.root.i] = (doc[start].idx, ent.end_char)
    for cand in find_toponyms(doc):
        if doc[cand.head].pos_ == "ADJ" or doc[cand.head].ent_type_ == "NORP":
            continue  # "the Shiite holy city of Najaf": the name is Najaf
        if cand.head not in out:
            out[cand.head] = (doc[cand.start].idx, doc[cand.end - 1].idx + len(doc[cand.end - 1]))
    taken = {i for s, e in out.values() for i in range(s, e)}
    for start, end, head in [*ground_names(doc), *border_names(doc)]:
        first, last = doc[start], doc[end - 1]
        if head not in out and first.idx not in taken:
            out[head] = (first.idx, last.idx + len(last))
    for token in doc:
        # A name the gazetteer knows as a town, in a locative slot, though the small model
        # called it a product or an organisation ("in the Manbij campaign").
        if (
            token.i in out
            or token.pos_ != "PROPN"
            or token.ent_type_ not in UNSURE_LABELS
            or not token.text[:1].isupper()
            or token.idx in taken
        ):
            continue
        slot = token.head if token.dep_ == "compound" else token
        if not (
            slot.dep_ == "pobj" and slot.head.lower_ in LOCATIVE_PREPS and token.head.i == slot.i
        ):
            continue
        if token.dep_ == "compound" and slot.pos_ != "NOUN":
            continue
        start, end = _name_extent(token)
        name = doc[start:end].text
        found = gazetteer.resolve(name)
        if found is not None and found.kind in {"city", "admin1", "admin2"}:
            out[token.i] = (doc[start].idx, doc[end - 1].idx + len(doc[end - 1]))
    if registry is not None:
        # Nationality words ("the Turkish city of Gaziantep") say whose, not where.
        out = {
            i: (s, e)
            for i, (s, e) in out.items()
            if registry.country(doc.text[s:e]) or not registry.nationality(doc.text[s:e])
        }
    return out


def _right(chosen: tuple[int, int] | None, gold: Sequence[tuple[int, int]], *, exact: bool) -> bool:
    if chosen is None:
        return not gold
    if exact:
        return any(tuple(chosen) == tuple(g) for g in gold)
    return any(chosen[0] < g[1] and g[0] < chosen[1] for g in gold)


def score(rows: Sequence[tuple[LocationItem, tuple[int, int] | None]]) -> dict[str, Any]:
    def share(subset: list, *, exact: bool) -> float:
        if not subset:
            return 0.0
        return sum(_right(c, i.locations, exact=exact) for i, c in subset) / len(subset)

    rows = list(rows)
    with_gold = [r for r in rows if r[0].locations]
    without = [r for r in rows if not r[0].locations]
    return {
        "items": len(rows),
        "accuracy": share(rows, exact=False),
        "accuracy_exact": share(rows, exact=True),
        "with_location": {"items": len(with_gold), "accuracy": share(with_gold, exact=False)},
        "without_location": {"items": len(without), "accuracy": share(without, exact=False)},
    }


def evaluate(
    paths: Sequence[Path],
    *,
    extractor: Any = None,
    nlp: Any = None,
    batch_size: int = 64,
    **_: Any,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    from detente.location import SPECIFICITY, division_kind, event_location, without_compass
    from detente.pipeline import Extractor
    from detente.resolve import Resolver
    from detente.vocabulary import Article

    extractor = extractor or Extractor(nlp=nlp)
    resolver = Resolver(registry=extractor.registry, gazetteer=extractor.gazetteer)
    predictions: list[dict[str, Any]] = []
    metrics: dict[str, Any] = {"files": {}}
    for path in paths:
        items, skipped = read_items(Path(path))
        rows: list[tuple[LocationItem, tuple[int, int] | None]] = []
        pairs = ((i.text, i) for i in items)
        for doc, item in extractor.nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
            item = _fix(item, doc)
            verb = doc.char_span(*item.verb, alignment_mode="expand")
            chosen: tuple[int, int] | None = None
            if verb is not None and len(verb):
                result = resolver.resolve(doc, Article(id=item.id, text=item.text))
                places = place_spans(
                    doc, result, gazetteer=extractor.gazetteer, registry=extractor.registry
                )
                gazetteer = extractor.gazetteer
                kinds = {
                    i: (
                        p.kind
                        if (
                            p := gazetteer.resolve(item.text[s:e])
                            or gazetteer.resolve(without_compass(item.text[s:e]))
                        )
                        else division_kind(item.text[s:e], doc[i]) or "unknown"
                    )
                    for i, (s, e) in places.items()
                }
                chosen = event_location(
                    verb.root,
                    places,
                    countries={i for i, kind in kinds.items() if kind == "country"},
                    specificity={i: SPECIFICITY.get(kind, 1) for i, kind in kinds.items()},
                )
            rows.append((item, chosen))
            predictions.append(
                {
                    "file": Path(path).name,
                    "id": item.id,
                    "start": chosen[0] if chosen else None,
                    "end": chosen[1] if chosen else None,
                    "text": item.text[chosen[0] : chosen[1]] if chosen else None,
                    "gold": [item.text[s:e] for s, e in item.locations],
                    "gold_spans": [[s, e] for s, e in item.locations],
                    "right": _right(chosen, item.locations, exact=False),
                }
            )
        figures = score(rows)
        figures["skipped_rows_without_verb"] = skipped
        figures["parts"] = {
            "dev (position % 3 != 2)": score([r for r in rows if r[0].position % 3 != 2]),
            "check (position % 3 == 2)": score([r for r in rows if r[0].position % 3 == 2]),
        }
        metrics["files"][Path(path).name] = figures
    return predictions, metrics


__all__ = ["LocationItem", "evaluate", "place_spans", "read_items", "score"]
