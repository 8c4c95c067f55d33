"""The Parquet side of batch runs: article shards in, tables of readings out and back.

    read_parquet(path)                   # Article | InputError per row of a Parquet shard
    part_tables(readings, part=key)      # {"articles": pa.Table, "mentions": ..., ...}
    reading_from_rows(article_row, items)  # the Reading those rows were made from

The seven tables (TABLES) have fixed Arrow schemas (`schemas()`): flat columns to filter and
join on, plus a `json` column with `to_dict(obj)` that `from_dict` turns back into the
vocabulary object, so a Reading survives the round trip exactly. detente.batch decides
where the files go and who writes them.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union, get_args, get_origin, get_type_hints

from detente.errors import InputError
from detente.read import content_id, parse_published, text_hash
from detente.vocabulary import (
    ActorMention,
    Article,
    Event,
    Evidence,
    PlaceMention,
    Position,
    Process,
    Proposal,
    Reading,
    Round,
    TimeValue,
    to_dict,
)

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "TABLES",
    "from_dict",
    "part_tables",
    "read_parquet",
    "reading_from_rows",
    "reading_rows",
    "schemas",
]

TABLES: tuple[str, ...] = (
    "articles",
    "mentions",
    "events",
    "rounds",
    "proposals",
    "positions",
    "processes",
)


def words(text: str) -> int:
    """Whitespace-separated words: the unit of throughput figures."""
    return len(text.split())


# -- Parquet input -------------------------------------------------------------------------

_PARQUET_COLUMNS = ("id", "text", "published", "title", "url", "outlet", "language")


def read_parquet(path: Path) -> Iterator[Article | InputError]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not path.exists():
        yield InputError(str(path), "no such file or folder; check the path")
        return
    try:
        handle = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        yield InputError(str(path), f"is not a readable Parquet file ({first_line(exc)})")
        return
    names = set(handle.schema_arrow.names)
    if "text" not in names:
        yield InputError(str(path), "has no `text` column; give one article per row with `text`")
        return
    columns = [c for c in _PARQUET_COLUMNS if c in names]
    row = 0
    try:
        for record_batch in handle.iter_batches(batch_size=1024, columns=columns):
            for values in record_batch.to_pylist():
                row += 1
                yield _parquet_article(values, f"{path}:{row}")
    except (pa.ArrowException, OSError) as exc:
        yield InputError(f"{path}:{row + 1}", f"cannot be read ({first_line(exc)})")
    if row == 0:
        yield InputError(str(path), "is empty; give one article per row with `text`")


def _parquet_article(values: dict[str, Any], source: str) -> Article | InputError:
    text = values.get("text")
    if not isinstance(text, str) or not text.strip():
        return InputError(source, "row has no `text` (or it is empty); add the article text")
    try:
        published = _published_value(values.get("published"), source)
        fields = {key: _string_value(values, key, source) for key in ("title", "url", "outlet")}
        language = _string_value(values, "language", source) or "en"
        given = values.get("id")
        if given is not None and not isinstance(given, str | int):
            raise InputError(source, f"`id` must be a string or a number, not {given!r}")
    except InputError as err:
        return err
    article_id = str(given) if given not in (None, "") else content_id(text)
    return Article(
        id=article_id,
        text=text,
        published=published,
        language=language,
        source=source,
        **fields,
    )


def _published_value(value: Any, source: str) -> date | datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, str):
        return parse_published(value, source=source)
    raise InputError(source, f"`published` must be an ISO date string or a date, not {value!r}")


def _string_value(values: dict[str, Any], key: str, source: str) -> str | None:
    value = values.get(key)
    if value is None or isinstance(value, str):
        return value or None
    raise InputError(source, f"`{key}` must be a string, not {type(value).__name__}")


# -- tables --------------------------------------------------------------------------------


def _span_fields() -> list[tuple[str, Any]]:
    import pyarrow as pa

    return [
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("text", pa.string()),
        ("extractor", pa.string()),
        ("version", pa.string()),
        ("confidence", pa.float64()),
    ]


@functools.cache
def schemas() -> dict[str, pa.Schema]:
    """The Arrow schema of each output table (every part file of a table has it)."""
    import pyarrow as pa

    s, i, f, b = pa.string(), pa.int32(), pa.float64(), pa.bool_()
    owned = [("article_id", s), ("position", i)]
    span = _span_fields()
    return {
        "articles": pa.schema([
            ("part", s), ("position", i), ("id", s), ("title", s), ("published", s),
            ("published_date", pa.date32()), ("url", s), ("outlet", s), ("language", s),
            ("source", s), ("text", s), ("text_hash", s), ("words", i),
        ]),
        "mentions": pa.schema([
            *owned, ("kind", s), *span, ("code", s), ("name", s), ("subtype", s),
            ("country", s), ("sector", s), ("lat", f), ("lon", f), ("metonym", b),
            ("instant", s), ("json", s),
        ]),
        "events": pa.schema([
            *owned, ("id", s), ("type", s), ("mode", s), ("context", s), ("cameo", s),
            ("status", s), ("symmetric", b), ("refers_to", s), ("event_date", pa.date32()),
            ("time_type", s), ("time_value", s), ("time_instant", s), ("place_id", s),
            ("place_name", s), ("place_country", s), ("lat", f), ("lon", f), ("venue_id", s),
            ("venue_name", s), ("sources", pa.list_(s)), ("targets", pa.list_(s)),
            ("host", s), ("attribution", s), *span, ("json", s),
        ]),
        "rounds": pa.schema([
            *owned, ("event_id", s), ("ordinal", i), ("format", s), ("delegations", i),
            *span, ("json", s),
        ]),
        "proposals": pa.schema([
            *owned, ("id", s), ("author", s), ("recipient", s), ("names", pa.list_(s)),
            ("status", s), ("provisions", i), *span, ("json", s),
        ]),
        "positions": pa.schema([
            *owned, ("party", s), ("issue", s), ("stance", s), *span, ("json", s),
        ]),
        "processes": pa.schema([
            *owned, ("id", s), ("name", s), ("parties", pa.list_(s)), ("json", s),
        ]),
    }  # fmt: skip


def _span_row(ev: Evidence) -> dict[str, Any]:
    return {
        "start": ev.span.start,
        "end": ev.span.end,
        "text": ev.span.text,
        "extractor": ev.extractor,
        "version": ev.version,
        "confidence": ev.confidence,
    }


def _json(obj: Any) -> str:
    return json.dumps(to_dict(obj), ensure_ascii=False, sort_keys=True)


def reading_rows(reading: Reading, *, part: str, position: int) -> dict[str, list[dict]]:
    """The rows of every table for one Reading (its article is row `position` of `part`)."""
    from detente.store import event_date

    article = reading.article
    owned = {"article_id": article.id}
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    rows["articles"].append({
        "part": part, "position": position, "id": article.id, "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "published_date": article.published_date, "url": article.url,
        "outlet": article.outlet, "language": article.language, "source": article.source,
        "text": article.text, "text_hash": text_hash(article.text),
        "words": words(article.text),
    })  # fmt: skip
    mentions: list[tuple[str, Any]] = [
        *(("actor", m) for m in reading.actors),
        *(("place", m) for m in reading.places),
        *(("time", m) for m in reading.times),
    ]
    for n, (kind, m) in enumerate(mentions):
        row = {**owned, "position": n, "kind": kind, **_span_row(m.evidence), "json": _json(m)}
        if isinstance(m, ActorMention):
            a = m.actor
            row |= {"code": a.code, "name": a.name, "subtype": a.kind, "country": a.country,
                    "sector": a.sector, "metonym": m.metonym}  # fmt: skip
        elif isinstance(m, PlaceMention):
            p = m.place
            row |= {"code": p.id, "name": p.name, "subtype": p.kind, "country": p.country,
                    "lat": p.lat, "lon": p.lon}  # fmt: skip
        else:
            row |= {"code": m.value, "subtype": m.type, "instant": m.instant}
        rows["mentions"].append(row)
    for n, e in enumerate(reading.events):
        place = e.place.place if e.place else None
        venue = e.venue.place if e.venue else None
        tv = e.time
        rows["events"].append({
            **owned, "position": n, "id": e.id, "type": e.type, "mode": e.mode,
            "context": e.context, "cameo": e.cameo, "status": e.status,
            "symmetric": e.symmetric, "refers_to": e.refers_to, "event_date": event_date(e),
            "time_type": tv.type if tv else None, "time_value": tv.value if tv else None,
            "time_instant": tv.instant if tv else None,
            "place_id": place.id if place else None, "place_name": place.name if place else None,
            "place_country": place.country if place else None,
            "lat": place.lat if place else None, "lon": place.lon if place else None,
            "venue_id": venue.id if venue else None, "venue_name": venue.name if venue else None,
            "sources": [m.actor.code for m in e.sources],
            "targets": [m.actor.code for m in e.targets],
            "host": e.host.actor.code if e.host else None,
            "attribution": e.attribution.text if e.attribution else None,
            **_span_row(e.evidence), "json": _json(e),
        })  # fmt: skip
    for n, r in enumerate(reading.rounds):
        rows["rounds"].append({
            **owned, "position": n, "event_id": r.event_id, "ordinal": r.ordinal,
            "format": r.format, "delegations": len(r.delegations), **_span_row(r.evidence),
            "json": _json(r),
        })  # fmt: skip
    for n, p in enumerate(reading.proposals):
        rows["proposals"].append({
            **owned, "position": n, "id": p.id,
            "author": p.author.code if p.author else None,
            "recipient": p.recipient.code if p.recipient else None, "names": list(p.names),
            "status": p.status, "provisions": len(p.provisions), **_span_row(p.evidence),
            "json": _json(p),
        })  # fmt: skip
    for n, q in enumerate(reading.positions):
        rows["positions"].append({
            **owned, "position": n, "party": q.party.code, "issue": q.issue,
            "stance": q.stance, **_span_row(q.evidence), "json": _json(q),
        })  # fmt: skip
    for n, proc in enumerate(reading.processes):
        rows["processes"].append({
            **owned, "position": n, "id": proc.id, "name": proc.name,
            "parties": [a.code for a in proc.parties], "json": _json(proc),
        })  # fmt: skip
    return rows


def part_tables(readings: Iterable[Reading], *, part: str) -> dict[str, pa.Table]:
    """The tables of one part, rows in the order of the readings."""
    import pyarrow as pa

    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    for position, reading in enumerate(readings):
        for name, more in reading_rows(reading, part=part, position=position).items():
            rows[name].extend(more)
    return {
        name: pa.Table.from_pylist(rows[name], schema=schema) for name, schema in schemas().items()
    }


def reading_from_rows(row: dict[str, Any], items: dict[str, list[Any]]) -> Reading:
    """The Reading of one `articles` row and its items' `json` dicts by table name."""
    published = row["published"]
    article = Article(
        id=row["id"],
        text=row["text"],
        published=(
            None if published is None
            else date.fromisoformat(published) if len(published) <= 10
            else datetime.fromisoformat(published)
        ),
        title=row["title"],
        url=row["url"],
        outlet=row["outlet"],
        language=row["language"] or "en",
        source=row["source"],
    )  # fmt: skip
    actors, places, times = [], [], []
    for data in items.get("mentions", []):
        if "actor" in data:
            actors.append(from_dict(ActorMention, data))
        elif "place" in data:
            places.append(from_dict(PlaceMention, data))
        else:
            times.append(from_dict(TimeValue, data))
    return Reading(
        article=article,
        actors=tuple(actors),
        places=tuple(places),
        times=tuple(times),
        events=tuple(from_dict(Event, d) for d in items.get("events", [])),
        rounds=tuple(from_dict(Round, d) for d in items.get("rounds", [])),
        proposals=tuple(from_dict(Proposal, d) for d in items.get("proposals", [])),
        positions=tuple(from_dict(Position, d) for d in items.get("positions", [])),
        processes=tuple(from_dict(Process, d) for d in items.get("processes", [])),
    )


def from_dict(cls: type[Any], data: dict[str, Any]) -> Any:
    """The vocabulary object that `to_dict` turned into `data`."""
    values = {name: _build(hint, data[name]) for name, hint in _hints(cls) if name in data}
    return cls(**values)


@functools.cache
def _hints(cls: type[Any]) -> tuple[tuple[str, Any], ...]:
    hints = get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


def _build(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(hint) if a is not type(None)]
        if len(options) == 1:
            return _build(options[0], value)
        if date in options and isinstance(value, str):
            return datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
        return value
    if origin is tuple:
        args = get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], v) for v in value)
        return tuple(_build(a, v) for a, v in zip(args, value, strict=True))
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return from_dict(hint, value)
    return value


def first_line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__
