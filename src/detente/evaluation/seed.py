"""Task `seed`: score a Reading of one article against a hand-coded gold reading.

Gold format (JSON, see ../shared/gold): `article` (the name of `<article>.txt`),
`published`, and sections `actors`, `not_places`, `places`, `times`, `events`,
`negotiation`. Every item names the 1-based line(s) of the article text that carry it;
`accept_*` lists alternatives that are also right.

The article text is looked up as `<article>.txt` (with `<article>.meta.json`) in the
`corpus` folder beside the gold file's folder, then in the gold file's own folder, then
in `corpus_dir`. The Extractor reads it; the Reading is scored section by section:
precision/recall/F1 of the matching (each gold item matches at most one predicted item)
and, over matched items, the accuracy of each field the gold item gives. `overall` is the
mean F1 over sections (not_places counts its accuracy). An unmatched predicted event
whose `refers_to` names a matched one (an AGREE to hold a meeting gold codes as the
CONSULT) is a companion and not counted as a false positive.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from detente.errors import EvalError
from detente.evaluation.metrics import prf
from detente.vocabulary import (
    EVENT_TYPES,
    Actor,
    ActorMention,
    Article,
    Event,
    Evidence,
    Place,
    PlaceMention,
    Reading,
    TimeValue,
)

MAX_KM = 10.0
SECTIONS = ("actors", "not_places", "places", "times", "events", "negotiation")


# -- gold and article --------------------------------------------------------------------


def _fail(path: Path, problem: str) -> EvalError:
    return EvalError(f"{path}: {problem} (a seed gold file; see ../shared/gold for the format)")


def _check_lines(path: Path, where: str, value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(x, int) and x > 0 for x in value):
        raise _fail(path, f"{where}: 'lines' must be a list of 1-based line numbers")


def load_gold(path: Path) -> dict[str, Any]:
    """Read and check a gold file; EvalError names the file and what is wrong."""
    path = Path(path)
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise EvalError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _fail(path, f"not valid JSON ({exc})") from exc
    if not isinstance(gold, dict):
        raise _fail(path, "the top level must be an object")
    if not isinstance(gold.get("article"), str) or not gold["article"]:
        raise _fail(path, "'article' (the name of the article's .txt file) is missing")
    for key in ("actors", "not_places", "places", "times", "events"):
        if key in gold and not isinstance(gold[key], list):
            raise _fail(path, f"'{key}' must be a list")
    if "negotiation" in gold and not isinstance(gold["negotiation"], dict):
        raise _fail(path, "'negotiation' must be an object")
    for i, actor in enumerate(gold.get("actors", [])):
        if not isinstance(actor, dict) or not isinstance(actor.get("name"), str):
            raise _fail(path, f"actors[{i}]: needs a 'name'")
        if "lines" in actor:
            _check_lines(path, f"actors[{i}] ({actor['name']})", actor["lines"])
    for i, place in enumerate(gold.get("places", [])):
        if not isinstance(place, dict) or not isinstance(place.get("name"), str):
            raise _fail(path, f"places[{i}]: needs a 'name'")
    for i, item in enumerate(gold.get("not_places", [])):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise _fail(path, f"not_places[{i}]: needs 'text' and 'line'")
        if not isinstance(item.get("line"), int):
            raise _fail(path, f"not_places[{i}]: needs 'text' and 'line'")
    for i, item in enumerate(gold.get("times", [])):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise _fail(path, f"times[{i}]: needs 'text', 'line' and 'value'")
        if not isinstance(item.get("line"), int) or "value" not in item:
            raise _fail(path, f"times[{i}] ({item['text']!r}): needs 'line' and 'value'")
    for i, event in enumerate(gold.get("events", [])):
        if not isinstance(event, dict) or not isinstance(event.get("id"), str):
            raise _fail(path, f"events[{i}]: needs an 'id'")
        types = [event.get("type"), *event.get("accept_types", [])]
        bad = [t for t in types if t not in EVENT_TYPES]
        if bad:
            raise _fail(path, f"events[{i}] ({event['id']}): unknown PLOVER type(s) {bad}")
        _check_lines(path, f"events[{i}] ({event['id']})", event.get("lines"))
    if "published" in gold:
        try:
            date.fromisoformat(str(gold["published"])[:10])
        except ValueError as exc:
            raise _fail(path, f"'published' {gold['published']!r} is not an ISO date") from exc
    return gold


def find_article(gold_path: Path, name: str, *, corpus_dir: Path | None = None) -> Path:
    """Where `<name>.txt` is: ../corpus beside the gold folder, the gold folder, corpus_dir."""
    gold_path = Path(gold_path)
    places = [gold_path.parent.parent / "corpus", gold_path.parent]
    if corpus_dir is not None:
        places.append(Path(corpus_dir))
    for folder in places:
        candidate = folder / f"{name}.txt"
        if candidate.is_file():
            return candidate
    tried = ", ".join(str(p) for p in places)
    raise EvalError(
        f"{gold_path}: article text {name}.txt not found (looked in {tried}); "
        "pass corpus_dir or put the text beside the gold file"
    )


def load_article(gold_path: Path, gold: dict[str, Any], *, corpus_dir: Path | None) -> Article:
    """The article named by the gold file, with its published date (gold, then meta)."""
    text_path = find_article(gold_path, gold["article"], corpus_dir=corpus_dir)
    meta: dict[str, Any] = {}
    meta_path = text_path.with_name(f"{gold['article']}.meta.json")
    if meta_path.is_file():
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise EvalError(f"{meta_path}: not readable JSON ({exc})") from exc
    published_raw = gold.get("published") or meta.get("published")
    published = date.fromisoformat(str(published_raw)[:10]) if published_raw else None
    text = text_path.read_text(encoding="utf-8")
    return Article(
        id=str(meta.get("id") or gold["article"]),
        text=text,
        published=published,
        title=meta.get("title"),
        url=meta.get("url"),
        outlet=meta.get("outlet"),
        source=str(text_path),
    )


# -- helpers -----------------------------------------------------------------------------


def line_of(text: str, offset: int) -> int:
    """1-based line number of a character offset."""
    return text.count("\n", 0, max(0, offset)) + 1


def norm_text(value: str | None) -> str:
    """Lower-case, punctuation-free, article-free text for comparisons."""
    if not value:
        return ""
    folded = unicodedata.normalize("NFKD", value.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c)).replace("ı", "i")
    words = re.sub(r"[^\w\s]", " ", folded).split()
    return " ".join(SPELLINGS.get(w, w) for w in words if w not in {"the", "a", "an"})


# British and American spellings of the same word are the same answer.
SPELLINGS = {"defence": "defense", "adviser": "advisor", "organisation": "organization"}


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def _lines(text: str, evidences: Iterable[Evidence]) -> list[int]:
    return sorted({line_of(text, ev.span.start) for ev in evidences})


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _greedy(
    gold: Sequence[Any], pred: Sequence[Any], score: Callable[[Any, Any], float]
) -> dict[int, int]:
    """gold index -> pred index, best pairs first, each used once; score <= 0 never pairs."""
    pairs = sorted(
        ((score(g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred)),
        key=lambda x: (-x[0], x[1], x[2]),
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    out: dict[int, int] = {}
    for s, gi, pi in pairs:
        if s <= 0 or gi in used_g or pi in used_p:
            continue
        out[gi] = pi
        used_g.add(gi)
        used_p.add(pi)
    return out


class _Section:
    """Counts for one section: matching P/R/F1 and per-field accuracy over matches."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.tp = self.fp = self.fn = 0
        self.fields: dict[str, list[bool]] = {}

    def count(self, *, gold: int, predicted: int, matched: int) -> None:
        self.tp, self.fn, self.fp = matched, gold - matched, predicted - matched

    def field(self, key: str, ok: bool) -> None:
        self.fields.setdefault(key, []).append(bool(ok))

    def result(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            **prf(self.tp, self.fp, self.fn),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }
        out["fields"] = {k: sum(v) / len(v) for k, v in sorted(self.fields.items()) if v}
        return out


# -- actors --------------------------------------------------------------------------------


def _actor_names(gold: dict[str, Any]) -> set[str]:
    names = {gold["name"], *gold.get("accept_names", []), *gold.get("mentions", [])}
    return {norm_text(n) for n in names if n}


def _name_match(gold: dict[str, Any], actor: Actor, mention_texts: set[str]) -> bool:
    names = _actor_names(gold)
    candidates = {norm_text(actor.name), *mention_texts}
    if names & candidates:
        return True
    if gold.get("kind") == "person" or actor.kind == "person":
        surnames = {n.split()[-1] for n in names if n}
        return any(c and c.split()[-1] in surnames for c in candidates)
    return False


def _countries(gold: dict[str, Any]) -> set[str]:
    return {c for c in [gold.get("country"), *gold.get("accept_countries", [])] if c}


def score_actors(gold: dict[str, Any], reading: Reading, preds: list[dict[str, Any]]) -> Any:
    text = reading.article.text
    groups: dict[str, list[ActorMention]] = {}
    for mention in reading.actors:
        # A state is one actor whichever of its organs a mention names ("Ukraine",
        # "the Ukrainian delegation", "Kyiv" as a government), as the gold codes it.
        actor = mention.actor
        key = f"state:{actor.country}" if actor.kind == "state" and actor.country else actor.code
        groups.setdefault(key, []).append(mention)
    actors = [(ms[0].actor, ms) for ms in groups.values()]
    golds = gold.get("actors", [])

    def score(g: dict[str, Any], item: tuple[Actor, list[ActorMention]]) -> float:
        actor, ms = item
        texts = {norm_text(m.evidence.span.text) for m in ms}
        if not _name_match(g, actor, texts):
            return 0.0
        lines = set(_lines(text, (m.evidence for m in ms)))
        return 1.0 + len(lines & set(g.get("lines", []))) / 10

    pairs = _greedy(golds, actors, score)
    section = _Section("actors")
    section.count(gold=len(golds), predicted=len(actors), matched=len(pairs))
    matched_by_pred = {pi: gi for gi, pi in pairs.items()}
    for gi, pi in pairs.items():
        g, (actor, _ms) = golds[gi], actors[pi]
        wanted = _countries(g)
        if wanted:  # a gold actor without a country says nothing about one
            section.field("country", actor.country in wanted)
        if g.get("sector"):
            section.field("sector", actor.sector == g["sector"])
        if g.get("kind"):
            section.field("kind", actor.kind == g["kind"])
        if g.get("role"):
            a, b = norm_text(actor.role), norm_text(g["role"])
            section.field("role", bool(a) and (a in b or b in a))
    for pi, (actor, ms) in enumerate(actors):
        gi = matched_by_pred.get(pi)
        preds.append(
            {
                "kind": "actor",
                "fields": {
                    "code": actor.code,
                    "name": actor.name,
                    "kind": actor.kind,
                    "country": actor.country,
                    "sector": actor.sector,
                    "role": actor.role,
                    "lines": _lines(text, (m.evidence for m in ms)),
                },
                "matched": golds[gi]["name"] if gi is not None else None,
            }
        )
    return section


# -- places and not-places -------------------------------------------------------------


def _place_groups(reading: Reading) -> list[tuple[Place, list[PlaceMention]]]:
    groups: dict[str, list[PlaceMention]] = {}
    for mention in reading.places:
        groups.setdefault(mention.place.id, []).append(mention)
    return [(ms[0].place, ms) for ms in groups.values()]


def score_places(gold: dict[str, Any], reading: Reading, preds: list[dict[str, Any]]) -> Any:
    text = reading.article.text
    places = _place_groups(reading)
    golds = gold.get("places", [])

    def names(g: dict[str, Any]) -> set[str]:
        return {norm_text(n) for n in [g["name"], *g.get("accept_names", [])]}

    def score(g: dict[str, Any], item: tuple[Place, list[PlaceMention]]) -> float:
        place, ms = item
        texts = {norm_text(place.name), *(norm_text(m.evidence.span.text) for m in ms)}
        if not names(g) & texts:
            return 0.0
        lines = set(_lines(text, (m.evidence for m in ms)))
        return 1.0 + len(lines & set(g.get("lines", []))) / 10

    pairs = _greedy(golds, places, score)
    section = _Section("places")
    section.count(gold=len(golds), predicted=len(places), matched=len(pairs))
    by_pred = {pi: gi for gi, pi in pairs.items()}
    for gi, pi in pairs.items():
        g, (place, _ms) = golds[gi], places[pi]
        if g.get("country"):
            section.field("country", place.country == g["country"])
        if g.get("lat") is not None and g.get("lon") is not None:
            ok = (
                place.lat is not None
                and place.lon is not None
                and km(g["lat"], g["lon"], place.lat, place.lon) <= MAX_KM
            )
            section.field("coordinates", ok)
        if g.get("kind") == "venue":
            section.field("venue", place.kind == "venue")
    for pi, (place, ms) in enumerate(places):
        gi = by_pred.get(pi)
        preds.append(
            {
                "kind": "place",
                "fields": {
                    "id": place.id,
                    "name": place.name,
                    "kind": place.kind,
                    "country": place.country,
                    "lat": place.lat,
                    "lon": place.lon,
                    "lines": _lines(text, (m.evidence for m in ms)),
                },
                "matched": golds[gi]["name"] if gi is not None else None,
            }
        )
    return section


def score_not_places(gold: dict[str, Any], reading: Reading) -> dict[str, Any]:
    """Each listed span must not be a place and should be an actor mention (metonym)."""
    text = reading.article.text
    items = gold.get("not_places", [])
    not_place: list[bool] = []
    metonym: list[bool] = []
    for item in items:
        want = norm_text(item["text"])

        def here(ev: Evidence, want: str = want, line: int = item["line"]) -> bool:
            return line_of(text, ev.span.start) == line and norm_text(ev.span.text) == want

        not_place.append(not any(here(m.evidence) for m in reading.places))
        metonym.append(any(here(m.evidence) and m.metonym for m in reading.actors))
    n = len(items)
    return {
        "n": n,
        "accuracy": sum(not_place) / n if n else 1.0,
        "metonym_rate": sum(metonym) / n if n else 1.0,
    }


# -- times ---------------------------------------------------------------------------------


def score_times(gold: dict[str, Any], reading: Reading, preds: list[dict[str, Any]]) -> Any:
    text = reading.article.text
    times = list(reading.times)
    golds = gold.get("times", [])
    lines = text.split("\n")

    def gold_range(g: dict[str, Any]) -> tuple[int, int] | None:
        line_no = g["line"]
        if not 1 <= line_no <= len(lines):
            return None
        start = sum(len(x) + 1 for x in lines[: line_no - 1])
        at = lines[line_no - 1].find(g["text"])
        return (start + at, start + at + len(g["text"])) if at >= 0 else None

    def score(g: dict[str, Any], t: TimeValue) -> float:
        rng = gold_range(g)
        span = t.evidence.span
        if rng is None:
            same_line = line_of(text, span.start) == g["line"]
            overlap = same_line and (
                norm_text(g["text"]) in norm_text(span.text)
                or norm_text(span.text) in norm_text(g["text"])
            )
            return 1.0 if overlap else 0.0
        inter = min(rng[1], span.end) - max(rng[0], span.start)
        if inter <= 0:
            return 0.0
        return 1.0 + inter / max(rng[1] - rng[0], span.end - span.start) + (t.value == g["value"])

    pairs = _greedy(golds, times, score)
    section = _Section("times")
    section.count(gold=len(golds), predicted=len(times), matched=len(pairs))
    by_pred = {pi: gi for gi, pi in pairs.items()}
    for gi, pi in pairs.items():
        g, t = golds[gi], times[pi]
        section.field("value", t.value == g["value"] or t.instant == g["value"])
        if g.get("local"):
            section.field("local", t.local == g["local"])
        if g.get("bound"):
            section.field("bound", t.bound == g["bound"])
    for pi, t in enumerate(times):
        gi = by_pred.get(pi)
        preds.append(
            {
                "kind": "time",
                "fields": {
                    "text": t.evidence.span.text,
                    "type": t.type,
                    "value": t.value,
                    "instant": t.instant,
                    "local": t.local,
                    "bound": t.bound,
                    "line": line_of(text, t.evidence.span.start),
                },
                "matched": golds[gi]["text"] if gi is not None else None,
            }
        )
    return section


# -- events --------------------------------------------------------------------------------


def _mention_countries(mentions: Iterable[ActorMention | None]) -> set[str]:
    out: set[str] = set()
    for m in mentions:
        if m is not None and m.actor.country:
            out.add(m.actor.country)
    return out


def _event_fields(event: Event, text: str) -> dict[str, Any]:
    mentions = event.mentions or (event.evidence,)
    attribution = event.attribution.text if event.attribution is not None else None
    return {
        "id": event.id,
        "refers_to": event.refers_to,
        "type": event.type,
        "mode": event.mode,
        "status": event.status,
        "sources": sorted(_mention_countries(event.sources)),
        "targets": sorted(_mention_countries(event.targets)),
        "symmetric": event.symmetric,
        "host": sorted(_mention_countries([event.host])),
        "place": event.place.place.name if event.place is not None else None,
        "venue": event.venue.place.name if event.venue is not None else None,
        "start": (event.time.instant or event.time.value) if event.time is not None else None,
        "attributed_to": attribution,
        "lines": _lines(text, mentions),
        "trigger": event.evidence.span.text,
    }


def _attribution_ok(gold_text: str, pred: str | None) -> bool:
    g, p = norm_text(gold_text), norm_text(pred)
    if not p:
        return False
    return g == p or (len(p) > 3 and (p in g or g in p))


def score_events(gold: dict[str, Any], reading: Reading, preds: list[dict[str, Any]]) -> Any:
    text = reading.article.text
    events = [_event_fields(e, text) for e in reading.events]
    golds = gold.get("events", [])

    def accept(g: dict[str, Any]) -> set[str]:
        return {g["type"], *g.get("accept_types", [])}

    def score(g: dict[str, Any], e: dict[str, Any]) -> float:
        if e["type"] not in accept(g):
            return 0.0
        lines = set(e["lines"]) & set(g["lines"])
        parties = set(e["sources"]) | set(e["targets"])
        wanted = (
            set(_as_list(g.get("actors")))
            | set(_as_list(g.get("source")))
            | set(_as_list(g.get("target")))
        )
        if not lines and not (parties & wanted):
            return 0.0
        return 1.0 + len(lines) + len(parties & wanted) / 10

    pairs = _greedy(golds, events, score)
    section = _Section("events")
    by_pred = {pi: gi for gi, pi in pairs.items()}
    # An unmatched event that refers to a matched one (an agreement to hold the meeting
    # that gold codes as the meeting) is a companion, not a false positive.
    matched_ids = {events[pi]["id"] for pi in by_pred}
    companions = {
        pi
        for pi, e in enumerate(reading.events)
        if pi not in by_pred and e.refers_to is not None and e.refers_to in matched_ids
    }
    section.count(gold=len(golds), predicted=len(events) - len(companions), matched=len(pairs))
    for gi, pi in pairs.items():
        g, e = golds[gi], events[pi]
        section.field("type", e["type"] in accept(g))
        if g.get("status"):
            section.field("status", e["status"] == g["status"])
        if "actors" in g:
            section.field("actors", set(e["sources"]) | set(e["targets"]) == set(g["actors"]))
        if "source" in g:
            section.field("source", set(e["sources"]) == set(_as_list(g["source"])))
        if "target" in g:
            section.field("target", set(e["targets"]) == set(_as_list(g["target"])))
        if "host" in g:
            section.field("host", e["host"] == [g["host"]])
        if "place" in g:
            section.field("place", norm_text(e["place"]) == norm_text(g["place"]))
        if "venue" in g:
            section.field("venue", norm_text(e["venue"]) == norm_text(g["venue"]))
        if "start" in g:
            section.field("start", e["start"] == g["start"])
        if "attributed_to" in g:
            section.field("attributed_to", _attribution_ok(g["attributed_to"], e["attributed_to"]))
        # Gold names the lines that carry the event; a Reading that also holds its later
        # re-mentions (one event, many mentions) is right, one that misses a line is not.
        section.field("lines", set(g["lines"]) <= set(e["lines"]))
    for pi, e in enumerate(events):
        gi = by_pred.get(pi)
        preds.append(
            {
                "kind": "event",
                "fields": e,
                "matched": golds[gi]["id"] if gi is not None else None,
                "companion": pi in companions,
            }
        )
    return section


# -- negotiation ---------------------------------------------------------------------------


def _surname_match(gold_name: str | None, pred_name: str | None) -> bool:
    g, p = norm_text(gold_name), norm_text(pred_name)
    return bool(g and p) and (g == p or g.split()[-1] == p.split()[-1])


_STOP = {"of", "to", "for", "on", "in", "by", "and", "with", "after", "over", "into", "at"}


def _covers(gold_text: str | None, pred_text: str | None, *, at_least: float = 0.75) -> bool:
    """Whether the predicted text says what the gold text says: most of the gold's content
    words appear in it, a word matching another with the same first five letters
    ("russian" ~ "russia", "advisor" ~ "adviser")."""
    gold_words = [w for w in norm_text(gold_text).split() if w not in _STOP]
    pred_words = {w[:5] for w in norm_text(pred_text).split()}
    if not gold_words or not pred_words:
        return False
    hits = sum(1 for w in gold_words if w[:5] in pred_words)
    return hits / len(gold_words) >= at_least


def _party_ok(gold_party: str, actor: Actor | None) -> bool:
    if actor is None:
        return False
    return gold_party in {actor.code, actor.country} or norm_text(gold_party) == norm_text(
        actor.name
    )


def _mention_lines(text: str, evidences: Iterable[Evidence]) -> set[int]:
    return set(_lines(text, evidences))


def _params(provision: Any) -> dict[str, str]:
    return {k: v for k, v in provision.parameters}


def _provision_param_ok(key: str, want: Any, have: dict[str, str]) -> bool:
    if key == "parties":
        codes = [x.strip() for x in have.get("parties", "").split(";")]
        names = [norm_text(x) for x in have.get("party_names", "").split(";")]
        return all(
            w in codes or norm_text(w) in names or any(_surname_match(w, n) for n in names)
            for w in _as_list(want)
        )
    if key in {"duration_min", "duration_max", "duration"}:
        return have.get(key) == want
    return _covers(str(want), have.get(key))


def score_negotiation(
    gold: dict[str, Any], reading: Reading, preds: list[dict[str, Any]]
) -> dict[str, Any]:
    """Every item of the gold negotiation section: the process, the round, delegations,
    proposals, their provisions, positions and third parties. Each is matched one to one
    and each field the gold item gives is checked; `f1` is the mean F1 of the parts."""
    from detente.taxonomy import BY_KEY

    neg = gold.get("negotiation", {})
    text = reading.article.text
    out: dict[str, Any] = {}

    # The process: its name.
    section = _Section("process")
    names = [p.name for p in reading.processes]
    gold_name = neg.get("process")
    if gold_name:
        hit = any(_covers(gold_name, n, at_least=1.0) for n in names)
        section.count(gold=1, predicted=len(names), matched=int(hit))
    else:
        section.count(gold=0, predicted=len(names), matched=0)
    for proc in reading.processes:
        preds.append(
            {
                "kind": "process",
                "fields": {
                    "id": proc.id,
                    "name": proc.name,
                    "parties": [a.code for a in proc.parties],
                    "hosts": [a.code for a in proc.hosts],
                },
                "matched": gold_name
                if gold_name and _covers(gold_name, proc.name, at_least=1.0)
                else None,
            }
        )
    out["process"] = section.result()

    # Rounds.
    gold_rounds = (
        [neg["round"]] if isinstance(neg.get("round"), dict) else list(neg.get("rounds", []))
    )
    rounds = list(reading.rounds)

    def round_score(g: dict[str, Any], r: Any) -> float:
        lines = _mention_lines(text, r.mentions or (r.evidence,))
        return (1.0 if lines & set(g.get("lines", [])) else 0.0) + (r.ordinal == g.get("ordinal"))

    pairs = _greedy(gold_rounds, rounds, round_score)
    section = _Section("rounds")
    section.count(gold=len(gold_rounds), predicted=len(rounds), matched=len(pairs))
    for gi, pi in pairs.items():
        g, r = gold_rounds[gi], rounds[pi]
        if "ordinal" in g:
            section.field("ordinal", r.ordinal == g["ordinal"])
        if "format" in g:
            want = {norm_text(x) for x in str(g["format"]).split(",")}
            have = {norm_text(x) for x in (r.format or "").split(",")}
            section.field("format", want == have)
        if "host" in g:
            section.field("host", _party_ok(g["host"], r.host))
        if "place" in g:
            place = r.place.place.name if r.place else None
            section.field("place", norm_text(place) == norm_text(g["place"]))
        if "venue" in g:
            venue = r.venue.place.name if r.venue else None
            section.field("venue", norm_text(venue) == norm_text(g["venue"]))
        if "start" in g:
            section.field("start", r.time is not None and r.time.instant == g["start"])
        if "lines" in g:
            lines = _mention_lines(text, r.mentions or (r.evidence,))
            section.field("lines", set(g["lines"]) <= lines)
    for pi, r in enumerate(rounds):
        gi = next((k for k, v in pairs.items() if v == pi), None)
        preds.append(
            {
                "kind": "round",
                "fields": {
                    "event_id": r.event_id,
                    "ordinal": r.ordinal,
                    "format": r.format,
                    "host": r.host.code if r.host else None,
                    "place": r.place.place.name if r.place else None,
                    "venue": r.venue.place.name if r.venue else None,
                    "start": r.time.instant if r.time else None,
                    "lines": sorted(_mention_lines(text, r.mentions or (r.evidence,))),
                },
                "matched": gi is not None,
            }
        )
    out["rounds"] = section.result()

    # Delegations.
    gold_dels = list(neg.get("delegations", []))
    dels = [d for r in reading.rounds for d in r.delegations]

    def del_score(g: dict[str, Any], d: Any) -> float:
        if not _party_ok(g.get("party", ""), d.party):
            return 0.0
        head = d.head.actor.name if d.head is not None else None
        return 1.0 + _surname_match(g.get("head"), head)

    pairs = _greedy(gold_dels, dels, del_score)
    section = _Section("delegations")
    section.count(gold=len(gold_dels), predicted=len(dels), matched=len(pairs))
    for gi, pi in pairs.items():
        g, d = gold_dels[gi], dels[pi]
        if "head" in g:
            section.field("head", _surname_match(g["head"], d.head.actor.name if d.head else None))
        if "head_role" in g:
            section.field("head_role", _covers(g["head_role"], d.head_role))
        if "named_by" in g:
            who = d.appointed_by.actor.name if d.appointed_by else None
            section.field("named_by", _surname_match(g["named_by"], who))
        if "reported_by" in g:
            who = d.reported_by.actor.name if d.reported_by else None
            section.field("reported_by", _surname_match(g["reported_by"], who))
        if "lines" in g:
            section.field(
                "lines", set(g["lines"]) <= _mention_lines(text, d.mentions or (d.evidence,))
            )
    for pi, d in enumerate(dels):
        preds.append(
            {
                "kind": "delegation",
                "fields": {
                    "party": d.party.code,
                    "head": d.head.actor.name if d.head else None,
                    "head_role": d.head_role,
                    "named_by": d.appointed_by.actor.name if d.appointed_by else None,
                    "reported_by": d.reported_by.actor.name if d.reported_by else None,
                    "lines": sorted(_mention_lines(text, d.mentions or (d.evidence,))),
                },
                "matched": pi in pairs.values(),
            }
        )
    out["delegations"] = section.result()

    # Proposals, and their provisions as items of their own.
    gold_props = list(neg.get("proposals", []))
    props = list(reading.proposals)

    def prop_score(g: dict[str, Any], p: Any) -> float:
        if not _party_ok(g.get("by", ""), p.author):
            return 0.0
        shared = {norm_text(n) for n in p.names} & {norm_text(n) for n in g.get("names", [])}
        return float(len(shared))

    pairs = _greedy(gold_props, props, prop_score)
    section = _Section("proposals")
    provisions = _Section("provisions")
    section.count(gold=len(gold_props), predicted=len(props), matched=len(pairs))
    prov_gold = prov_pred = prov_matched = 0
    for gi, pi in pairs.items():
        g, p = gold_props[gi], props[pi]
        if g.get("to"):
            section.field("recipient", _party_ok(g["to"], p.recipient))
        if g.get("names"):
            want = {norm_text(n) for n in g["names"]}
            section.field("names", want == {norm_text(n) for n in p.names})
        if g.get("status"):
            section.field(
                "status", bool(p.status) and norm_text(p.status) in norm_text(g["status"])
            )
        if g.get("source"):
            texts = [a.text for a in p.sources]
            parts = [x.strip() for x in str(g["source"]).split(";") if x.strip()]
            section.field(
                "source", all(any(_attribution_ok(part, t) for t in texts) for part in parts)
            )
        if "ordered" in g:
            section.field("ordered", p.ordered == g["ordered"])
        if g.get("lines"):
            section.field(
                "lines", set(g["lines"]) <= _mention_lines(text, p.mentions or (p.evidence,))
            )
        if "provisions" in g:
            want = sorted(((x.get("step"), x.get("issue")) for x in g["provisions"]), key=str)
            have = sorted(((x.step, x.issue) for x in p.provisions), key=str)
            section.field("provisions", want == have)
        gprov = list(g.get("provisions", []))
        pprov = list(p.provisions)
        ppairs = _greedy(
            gprov,
            pprov,
            lambda gp, pp: (
                (2.0 if pp.issue == gp.get("issue") else 0.0)
                + (pp.issue == gp.get("issue") and pp.step == gp.get("step"))
            ),
        )
        prov_gold += len(gprov)
        prov_pred += len(pprov)
        prov_matched += len(ppairs)
        for gj, pj in ppairs.items():
            gp, pp = gprov[gj], pprov[pj]
            issue = BY_KEY.get(pp.issue)
            if "step" in gp:
                provisions.field("step", pp.step == gp["step"])
            if "ucdp" in gp:
                provisions.field("ucdp", issue is not None and issue.ucdp == gp["ucdp"])
            if "pax" in gp:
                provisions.field("pax", issue is not None and gp["pax"] in issue.pax)
            if "line" in gp:
                provisions.field("line", line_of(text, pp.evidence.span.start) == gp["line"])
            have = _params(pp)
            for key in ("scope", "duration_min", "duration_max", "detail", "parties", "purpose"):
                if key in gp:
                    provisions.field(key, _provision_param_ok(key, gp[key], have))
    unmatched_pred = [p for pi, p in enumerate(props) if pi not in pairs.values()]
    prov_pred += sum(len(p.provisions) for p in unmatched_pred)
    unmatched_gold = [g for gi, g in enumerate(gold_props) if gi not in pairs]
    prov_gold += sum(len(g.get("provisions", [])) for g in unmatched_gold)
    provisions.count(gold=prov_gold, predicted=prov_pred, matched=prov_matched)
    for p in props:
        preds.append(
            {
                "kind": "proposal",
                "fields": {
                    "id": p.id,
                    "names": list(p.names),
                    "author": p.author.code if p.author else None,
                    "recipient": p.recipient.code if p.recipient else None,
                    "status": p.status,
                    "sources": [a.text for a in p.sources],
                    "ordered": p.ordered,
                    "lines": sorted(_mention_lines(text, p.mentions or (p.evidence,))),
                    "provisions": [
                        {
                            "step": x.step,
                            "issue": x.issue,
                            "ucdp": BY_KEY[x.issue].ucdp if x.issue in BY_KEY else None,
                            "pax": list(BY_KEY[x.issue].pax) if x.issue in BY_KEY else [],
                            "text": x.evidence.span.text,
                            "line": line_of(text, x.evidence.span.start),
                            "parameters": dict(x.parameters),
                        }
                        for x in p.provisions
                    ],
                },
                "matched": any(props[pi] is p for pi in pairs.values()),
            }
        )
    out["proposals"] = section.result()
    out["provisions"] = provisions.result()

    # Positions: party x issue; stance, line and the option's words are fields.
    gold_pos = list(neg.get("positions", []))
    positions = list(reading.positions)

    def pos_score(g: dict[str, Any], p: Any) -> float:
        return 1.0 if _party_ok(g.get("party", ""), p.party) and p.issue == g.get("issue") else 0.0

    pairs = _greedy(gold_pos, positions, pos_score)
    section = _Section("positions")
    section.count(gold=len(gold_pos), predicted=len(positions), matched=len(pairs))
    for gi, pi in pairs.items():
        g, p = gold_pos[gi], positions[pi]
        section.field("stance", p.stance == g.get("stance"))
        if "line" in g:
            section.field("line", line_of(text, p.evidence.span.start) == g["line"])
        if "text" in g:
            section.field("text", _covers(g["text"], p.text or p.evidence.span.text))
    for pi, p in enumerate(positions):
        preds.append(
            {
                "kind": "position",
                "fields": {
                    "party": p.party.code,
                    "issue": p.issue,
                    "stance": p.stance,
                    "text": p.text,
                    "line": line_of(text, p.evidence.span.start),
                },
                "matched": pi in pairs.values(),
            }
        )
    out["positions"] = section.result()

    # Third parties: who, and each part of the role the gold gives.
    gold_third = list(neg.get("third_parties", []))
    third = [t for proc in reading.processes for t in proc.third_parties]
    pairs = _greedy(gold_third, third, lambda g, t: float(_party_ok(g.get("party", ""), t.actor)))
    section = _Section("third_parties")
    section.count(gold=len(gold_third), predicted=len(third), matched=len(pairs))
    for gi, pi in pairs.items():
        g, t = gold_third[gi], third[pi]
        if g.get("role"):
            parts = [x.strip() for x in str(g["role"]).split(";") if x.strip()]
            section.field("role", all(_covers(part, t.role, at_least=1.0) for part in parts))
    for pi, t in enumerate(third):
        preds.append(
            {
                "kind": "third_party",
                "fields": {"party": t.actor.code, "name": t.actor.name, "role": t.role},
                "matched": pi in pairs.values(),
            }
        )
    out["third_parties"] = section.result()

    keys = (
        "process",
        "rounds",
        "delegations",
        "proposals",
        "provisions",
        "positions",
        "third_parties",
    )
    parts_f1 = [out[k]["f1"] for k in keys if out[k]["tp"] + out[k]["fn"] + out[k]["fp"]]
    out["f1"] = sum(parts_f1) / len(parts_f1) if parts_f1 else 0.0
    fields = [v for k in keys for v in out[k]["fields"].values()]
    out["fields"] = sum(fields) / len(fields) if fields else 0.0
    return out


# -- the task --------------------------------------------------------------------------------


def score_reading(
    gold: dict[str, Any], reading: Reading
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Predictions (one per predicted item) and metrics of one Reading against one gold."""
    preds: list[dict[str, Any]] = []
    metrics: dict[str, Any] = {
        "actors": score_actors(gold, reading, preds).result(),
        "not_places": score_not_places(gold, reading),
        "places": score_places(gold, reading, preds).result(),
        "times": score_times(gold, reading, preds).result(),
        "events": score_events(gold, reading, preds).result(),
        "negotiation": score_negotiation(gold, reading, preds),
    }
    parts = [metrics[k]["f1"] for k in ("actors", "places", "times", "events", "negotiation")]
    parts.append(metrics["not_places"]["accuracy"])
    metrics["overall"] = sum(parts) / len(parts)
    return preds, metrics


def _pool(per_file: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Micro-averaged P/R/F1 per section over files; not_places and overall averaged."""
    pooled: dict[str, Any] = {}
    for key in ("actors", "places", "times", "events"):
        tp = sum(m[key]["tp"] for m in per_file.values())
        fp = sum(m[key]["fp"] for m in per_file.values())
        fn = sum(m[key]["fn"] for m in per_file.values())
        pooled[key] = {**prf(tp, fp, fn), "tp": tp, "fp": fp, "fn": fn}
    n = len(per_file) or 1
    pooled["not_places"] = {
        "accuracy": sum(m["not_places"]["accuracy"] for m in per_file.values()) / n
    }
    pooled["negotiation"] = {"f1": sum(m["negotiation"]["f1"] for m in per_file.values()) / n}
    pooled["overall"] = sum(m["overall"] for m in per_file.values()) / n
    return pooled


def evaluate(
    paths: Sequence[Path],
    *,
    extractor: Any = None,
    corpus_dir: Path | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Run the Extractor on each gold file's article and score it."""
    loaded = []
    for path in paths:
        gold = load_gold(Path(path))
        article = load_article(Path(path), gold, corpus_dir=corpus_dir)
        loaded.append((Path(path), gold, article))
    if extractor is None:
        from detente.pipeline import Extractor

        extractor = Extractor()
    predictions: list[dict[str, Any]] = []
    per_file: dict[str, dict[str, Any]] = {}
    for path, gold, article in loaded:
        reading = extractor.extract(article)
        preds, metrics = score_reading(gold, reading)
        for p in preds:
            p["file"] = str(path)
        predictions.extend(preds)
        per_file[str(path)] = metrics
    metrics = _pool(per_file) if len(per_file) > 1 else dict(next(iter(per_file.values())))
    metrics["task"] = "seed"
    metrics["n"] = len(per_file)
    metrics["per_file"] = per_file
    return predictions, metrics


__all__ = ["evaluate", "find_article", "load_article", "load_gold", "score_reading"]
