"""Task `geo`: toponym recognition and resolution on news corpora with gold coordinates.

Three XML formats, told apart by their elements (`read_corpus` detects which):
- LGL / TR-News: `<article docid=...><text>`, `<toponyms><toponym>` with `start`, `end`,
  `phrase` and, for resolved ones, `<gaztag geonameid=...>` holding `lat` and `lon`;
- GeoVirus: `<article><text>`, `<locations><location>` with `name`, `start`, `end`, `lat`,
  `lon`;
- GeoWebNews: `<article file=...><text>`, `<toponyms><toponym>` with `extractedName`,
  `type`, `start`, `end`, `latitude`, `longitude`. Only the toponym types
  (`TOPONYM_TYPES`: literal, metonymic, mixed, coercion, modifiers, embedded) are gold
  toponyms; demonyms, languages, homonyms, non-toponyms and "expressions" are not.

A gold span whose offsets miss its own name by up to `REALIGN` characters is moved onto it
(GeoVirus' offsets are one too far); the others are kept as they are.

Each article runs through the full flow (one `nlp.pipe` pass, mentions, resolve) and
`detente.places.toponyms` lists the place names it found, metonyms included (a capital
standing for its government is still a toponym with coordinates), with country names
inside other names ("Gainesville Police") and demonyms ("Turkish": Turkey), which LGL
annotates as toponyms (`DEMONYM_FORMATS`). GeoVirus does not tag demonyms and GeoWebNews types them
apart with no coordinates, so on those files demonyms are not predicted.

Metrics, per corpus and for the two parts of each file (items at 0-based position
i with i % 3 != 2 are the development part, i % 3 == 2 the check part):
- recognition precision, recall and F1, both on exact offsets and on overlapping spans
  (one-to-one greedy matching in text order);
- for gold toponyms with coordinates that an overlapping prediction matched: acc@161km
  (share within 161 km), mean and median error in km, and AUC of the log error curve as
  Gritta et al. 2019 define it: the area under ln(1 + error) / ln(20039) over the errors
  sorted ascending, x scaled to [0, 1] (0 is perfect, 1 is every toponym at the
  antipode). A matched prediction without coordinates counts as 20039 km off.
  `resolution.coverage` says how many gold toponyms with coordinates were scored.
"""

from __future__ import annotations

import math
import statistics
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

from detente.errors import EvalError
from detente.evaluation.metrics import prf

# The GeoWebNews types that are toponyms (a place name used for a place or for a thing
# associated with it); the others are demonyms, languages, non-toponyms or expressions.
TOPONYM_TYPES = frozenset(
    {
        "Literal",
        "Mixed",
        "Coercion",
        "Metonymic",
        "Literal_Modifier",
        "Non_Literal_Modifier",
        "Embedded_Literal",
        "Embedded_Non_Lit",
    }
)
# Formats whose guidelines tag demonyms ("Russian") as toponyms of their country: LGL and
# TR-News do; GeoVirus does not tag them, GeoWebNews types them apart with no coordinates.
DEMONYM_FORMATS = frozenset({"lgl"})
# How far a gold span may be moved to find its own name (see `_realign`).
REALIGN = 3
MAX_ERROR_KM = 20039.0  # half the Earth's circumference: the worst possible error
ACCURATE_KM = 161.0  # 100 miles


@dataclass(frozen=True)
class GoldToponym:
    start: int
    end: int
    text: str
    lat: float | None = None
    lon: float | None = None
    geonameid: str | None = None


@dataclass(frozen=True)
class GeoArticle:
    doc: str
    position: int
    text: str
    toponyms: tuple[GoldToponym, ...]


@dataclass(frozen=True)
class Corpus:
    path: Path
    format: str  # "lgl", "geovirus" or "geowebnews"
    articles: tuple[GeoArticle, ...]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on a sphere of radius 6371 km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


# -- readers --------------------------------------------------------------------------


def _float(text: str | None) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _int(element: ET.Element, tag: str, path: Path) -> int:
    text = element.findtext(tag)
    try:
        return int(text or "")
    except ValueError as exc:
        raise EvalError(f"{path}: a <{tag}> is {text!r}, not a character offset") from exc


def read_corpus(path: Path) -> Corpus:
    """Read an LGL/TR-News, GeoVirus or GeoWebNews XML file (the format is detected)."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise EvalError(f"{path}: not a readable XML geoparsing corpus ({exc})") from exc
    articles = root.findall("article")
    if not articles:
        raise EvalError(f"{path}: no <article> elements: not an LGL, GeoVirus or GWN file")
    fmt = _detect(articles, path)
    out = []
    for position, element in enumerate(articles):
        text = element.findtext("text") or ""
        doc = element.get("docid") or element.get("file") or str(position)
        if fmt == "geovirus":
            gold = _geovirus(element, path)
        elif fmt == "geowebnews":
            gold = _geowebnews(element, path)
        else:
            gold = _lgl(element, path)
        gold = [_realign(t, text) for t in gold]
        out.append(GeoArticle(doc=doc, position=position, text=text, toponyms=tuple(gold)))
    return Corpus(path=path, format=fmt, articles=tuple(out))


def _realign(toponym: GoldToponym, text: str) -> GoldToponym:
    """Offsets that miss their own name by a few characters (GeoVirus counts from 1)
    are moved to the nearest occurrence of the name within REALIGN characters."""
    name = toponym.text
    if not name or text[toponym.start : toponym.end] == name:
        return toponym
    for shift in sorted(range(-REALIGN, REALIGN + 1), key=abs):
        start = toponym.start + shift
        if start >= 0 and text[start : start + len(name)] == name:
            return replace(toponym, start=start, end=start + len(name))
    return toponym


def _detect(articles: list[ET.Element], path: Path) -> str:
    for element in articles:
        if element.find("locations/location") is not None:
            return "geovirus"
        toponym = element.find("toponyms/toponym")
        if toponym is not None:
            if toponym.find("extractedName") is not None:
                return "geowebnews"
            if toponym.find("phrase") is not None or toponym.find("gaztag") is not None:
                return "lgl"
    raise EvalError(
        f"{path}: no <toponyms><toponym> (LGL, TR-News, GWN) or <locations><location> "
        "(GeoVirus) found: not a geoparsing corpus this scorer reads"
    )


def _lgl(element: ET.Element, path: Path) -> list[GoldToponym]:
    out = []
    for toponym in element.findall("toponyms/toponym"):
        gaz = toponym.find("gaztag")
        lat = lon = None
        gid = None
        if gaz is not None:
            lat, lon = _float(gaz.findtext("lat")), _float(gaz.findtext("lon"))
            gid = gaz.get("geonameid")
        out.append(
            GoldToponym(
                _int(toponym, "start", path),
                _int(toponym, "end", path),
                toponym.findtext("phrase") or "",
                lat,
                lon,
                gid,
            )
        )
    return out


def _geovirus(element: ET.Element, path: Path) -> list[GoldToponym]:
    return [
        GoldToponym(
            _int(loc, "start", path),
            _int(loc, "end", path),
            loc.findtext("name") or "",
            _float(loc.findtext("lat")),
            _float(loc.findtext("lon")),
        )
        for loc in element.findall("locations/location")
    ]


def _geowebnews(element: ET.Element, path: Path) -> list[GoldToponym]:
    out = []
    for toponym in element.findall("toponyms/toponym"):
        if (toponym.findtext("type") or "").strip() not in TOPONYM_TYPES:
            continue
        out.append(
            GoldToponym(
                _int(toponym, "start", path),
                _int(toponym, "end", path),
                toponym.findtext("extractedName") or "",
                _float(toponym.findtext("latitude")),
                _float(toponym.findtext("longitude")),
                (toponym.findtext("geonamesID") or "").strip() or None,
            )
        )
    return out


# -- scoring --------------------------------------------------------------------------


def match(
    gold: Sequence[tuple[int, int]], predicted: Sequence[tuple[int, int]], *, exact: bool
) -> dict[int, int]:
    """One-to-one matching of predicted to gold spans: gold index -> predicted index.

    Exact: same offsets. Overlapping: the spans share a character; each gold span takes
    the first free prediction that overlaps it, in text order."""
    used: set[int] = set()
    pairs: dict[int, int] = {}
    order = sorted(range(len(predicted)), key=lambda i: predicted[i])
    for g in sorted(range(len(gold)), key=lambda i: gold[i]):
        gs, ge = gold[g]
        for p in order:
            if p in used:
                continue
            ps, pe = predicted[p]
            if (ps, pe) == (gs, ge) if exact else (ps < ge and gs < pe):
                pairs[g] = p
                used.add(p)
                break
    return pairs


def auc_of_errors(errors: Sequence[float]) -> float:
    """Area under the sorted ln(1 + error) / ln(20039) curve, x in [0, 1]."""
    if not errors:
        return 0.0
    ys = [math.log1p(min(e, MAX_ERROR_KM)) / math.log1p(MAX_ERROR_KM) for e in sorted(errors)]
    if len(ys) == 1:
        return ys[0]
    step = 1 / (len(ys) - 1)
    return sum((a + b) / 2 * step for a, b in pairwise(ys))


def score(
    items: Sequence[tuple[GeoArticle, Sequence[dict[str, Any]]]],
) -> dict[str, Any]:
    """Recognition (exact and overlapping) and resolution figures for (article, predictions)."""
    counts = {"exact": [0, 0, 0], "overlap": [0, 0, 0]}
    errors: list[float] = []
    with_coordinates = 0
    for article, predicted in items:
        gold_spans = [(t.start, t.end) for t in article.toponyms]
        pred_spans = [(p["start"], p["end"]) for p in predicted]
        for kind in counts:
            pairs = match(gold_spans, pred_spans, exact=kind == "exact")
            counts[kind][0] += len(pairs)
            counts[kind][1] += len(pred_spans) - len(pairs)
            counts[kind][2] += len(gold_spans) - len(pairs)
        pairs = match(gold_spans, pred_spans, exact=False)
        for g, toponym in enumerate(article.toponyms):
            if toponym.lat is None or toponym.lon is None:
                continue
            with_coordinates += 1
            if g not in pairs:
                continue
            guess = predicted[pairs[g]]
            if guess.get("lat") is None or guess.get("lon") is None:
                errors.append(MAX_ERROR_KM)
            else:
                errors.append(haversine_km(toponym.lat, toponym.lon, guess["lat"], guess["lon"]))
    recognition = {
        kind: {**prf(*c), "tp": c[0], "fp": c[1], "fn": c[2]} for kind, c in counts.items()
    }
    resolution = {
        "acc@161km": sum(e <= ACCURATE_KM for e in errors) / len(errors) if errors else 0.0,
        "mean_error_km": statistics.fmean(errors) if errors else 0.0,
        "median_error_km": statistics.median(errors) if errors else 0.0,
        "auc": auc_of_errors(errors),
        "scored": len(errors),
        "gold_with_coordinates": with_coordinates,
        "coverage": len(errors) / with_coordinates if with_coordinates else 0.0,
    }
    return {"articles": len(items), "recognition": recognition, "resolution": resolution}


# -- the task -------------------------------------------------------------------------


def evaluate(
    paths: Sequence[Path],
    *,
    extractor: Any = None,
    nlp: Any = None,
    batch_size: int = 16,
    **_: Any,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Geoparse every article of every file; predictions and per-corpus metrics."""
    from detente.pipeline import Extractor
    from detente.places import toponyms
    from detente.resolve import Resolver
    from detente.vocabulary import Article

    corpora = [read_corpus(Path(p)) for p in paths]
    extractor = extractor or Extractor(nlp=nlp)
    resolver = Resolver(registry=extractor.registry, gazetteer=extractor.gazetteer)
    predictions: list[dict[str, Any]] = []
    metrics: dict[str, Any] = {"corpora": {}}
    for corpus in corpora:
        started = time.perf_counter()
        texts = ((a.text, a) for a in corpus.articles)
        scored: list[tuple[GeoArticle, list[dict[str, Any]]]] = []
        for doc, item in extractor.nlp.pipe(texts, as_tuples=True, batch_size=batch_size):
            article = Article(id=f"{corpus.path.name}:{item.doc}", text=item.text)
            result = resolver.resolve(doc, article)
            rows = [
                {
                    "file": corpus.path.name,
                    "doc": item.doc,
                    "start": m.evidence.span.start,
                    "end": m.evidence.span.end,
                    "text": m.evidence.span.text,
                    "lat": m.place.lat,
                    "lon": m.place.lon,
                    "geonameid": m.place.id.removeprefix("geonames:")
                    if m.place.id.startswith("geonames:")
                    else None,
                    "place": m.place.id,
                    "kind": m.kind,
                }
                for m in toponyms(
                    result,
                    gazetteer=extractor.gazetteer,
                    doc=doc,
                    registry=extractor.registry,
                    demonyms=corpus.format in DEMONYM_FORMATS,
                )
            ]
            predictions += rows
            scored.append((item, rows))
        seconds = time.perf_counter() - started
        words = sum(len(a.text.split()) for a in corpus.articles)
        figures = score(scored)
        figures["format"] = corpus.format
        figures["parts"] = {
            "dev (position % 3 != 2)": score([s for s in scored if s[0].position % 3 != 2]),
            "check (position % 3 == 2)": score([s for s in scored if s[0].position % 3 == 2]),
        }
        figures["seconds"] = round(seconds, 1)
        figures["words"] = words
        metrics["corpora"][corpus.path.name] = figures
    return predictions, metrics


__all__ = ["Corpus", "GeoArticle", "GoldToponym", "evaluate", "read_corpus", "score"]
