"""Exports of stored events: JSON Lines, CSV, GeoJSON, Parquet, PLOVER JSON.

    rows = store.events()
    write_csv(rows, sys.stdout)
    write_geojson(rows, handle)                     # events with a located place
    write_parquet(rows, Path("events.parquet"))
    write_plover(rows, handle, links=store.fused_links())
    write_fused_jsonl(store.fused(), handle)        # one record per real-world event

Every writer streams: it takes any iterable of rows and writes as it goes (Parquet in
record batches), and returns the number of records written.

PLOVER JSON follows the field names of the PLOVER specification (Open Event Data
Alliance, "JSON Data Fields" chapter), one event per line as it recommends: `id`, `date`,
`time`, `source` and `recipient` (lists of actor objects with `code`, `sector`,
`actor_text`, `identifier_id`, `identifier_text`), `event` (a list of categories), `mode`,
`context`, `event_loc` (a GeoNames-style location object: `geonameid`, `name`,
`latitude`, `longitude`, `cc3`), `event_text`, `quad_code`, `link` (here the id of the
fused event the record belongs to, the specification's "common reference across related
events"), `cite_info` (`url`, `title`, `publication`, `language`), `coder`, `has_event`.
A host is given as a source (the specification's rule for CONSULT hosting).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from detente.vocabulary import ActorMention, Event, to_dict

if TYPE_CHECKING:
    from detente.fuse import FusedEvent
    from detente.store import StoredEvent

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "QUAD_CODES",
    "csv_row",
    "plover_record",
    "write_csv",
    "write_fused_jsonl",
    "write_geojson",
    "write_jsonl",
    "write_parquet",
    "write_plover",
]

FORMATS: tuple[str, ...] = ("jsonl", "csv", "geojson", "parquet", "plover")

CSV_COLUMNS: tuple[str, ...] = (
    "id", "article_id", "date", "type", "mode", "status", "sources", "targets", "host",
    "place", "lat", "lon", "venue", "attribution", "evidence_text", "start", "end",
)  # fmt: skip

# PLOVER quad categories: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
# 4 material conflict (FIGHT, which the specification's table leaves out, with ASSAULT).
QUAD_CODES: dict[str, int] = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), 1),
    **dict.fromkeys(("COOPERATE", "AID", "RETREAT", "INVESTIGATE"), 2),
    **dict.fromkeys(("DEMAND", "ACCUSE", "REJECT", "SANCTION", "THREATEN"), 3),
    **dict.fromkeys(("PROTEST", "MOBILIZE", "COERCE", "ASSAULT", "FIGHT"), 4),
}


def write_jsonl(rows: Iterable[StoredEvent], out: TextIO) -> int:
    """One `to_dict(event)` JSON object per line; returns the number written."""
    count = 0
    for row in rows:
        out.write(json.dumps(to_dict(row.event), ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(rows: Iterable[StoredEvent], out: TextIO) -> int:
    """A flat CSV, one event per row (columns: CSV_COLUMNS; actor codes joined by ";")."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(csv_row(row))
        count += 1
    return count


def csv_row(row: StoredEvent) -> dict[str, Any]:
    """The flat CSV form of one stored event."""
    e = row.event
    place = e.place.place if e.place else None
    return {
        "id": e.id,
        "article_id": e.article_id,
        "date": row.date.isoformat() if row.date else "",
        "type": e.type,
        "mode": e.mode or "",
        "status": e.status,
        "sources": ";".join(m.actor.code for m in e.sources),
        "targets": ";".join(m.actor.code for m in e.targets),
        "host": e.host.actor.code if e.host else "",
        "place": place.name if place else "",
        "lat": "" if place is None or place.lat is None else place.lat,
        "lon": "" if place is None or place.lon is None else place.lon,
        "venue": e.venue.place.name if e.venue else "",
        "attribution": e.attribution.text if e.attribution else "",
        "evidence_text": e.evidence.span.text,
        "start": e.evidence.span.start,
        "end": e.evidence.span.end,
    }


def write_geojson(rows: Iterable[StoredEvent], out: TextIO) -> int:
    """A GeoJSON FeatureCollection of the events whose place has coordinates (a Point at
    [lon, lat]; the CSV columns as properties). Returns the number of features."""
    out.write('{"type": "FeatureCollection", "features": [\n')
    count = 0
    for row in rows:
        place = row.event.place.place if row.event.place else None
        if place is None or place.lat is None or place.lon is None:
            continue
        properties = {k: v for k, v in csv_row(row).items() if k not in ("lat", "lon")}
        properties |= {"outlet": row.outlet, "url": row.url, "place_id": place.id}
        feature = {
            "type": "Feature",
            "id": row.event.id,
            "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
            "properties": properties,
        }
        out.write((",\n" if count else "") + json.dumps(feature, ensure_ascii=False))
        count += 1
    out.write("\n]}\n")
    return count


def write_parquet(rows: Iterable[StoredEvent], path: Path, *, batch_size: int = 10_000) -> int:
    """A Parquet file with the CSV columns, typed (date, floats, integers), written in
    record batches so memory stays flat."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"date": pa.date32(), "lat": pa.float64(), "lon": pa.float64(),
             "start": pa.int64(), "end": pa.int64()}  # fmt: skip
    schema = pa.schema([(name, types.get(name, pa.string())) for name in CSV_COLUMNS])
    count = 0
    batch: list[dict[str, Any]] = []
    with pq.ParquetWriter(str(path), schema) as writer:
        for row in rows:
            record = csv_row(row)
            record["date"] = row.date
            for key in ("lat", "lon"):
                record[key] = None if record[key] == "" else record[key]
            batch.append(record)
            if len(batch) >= batch_size:
                writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        if batch or count == 0:
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


def write_plover(
    rows: Iterable[StoredEvent], out: TextIO, *, links: Mapping[str, str] | None = None
) -> int:
    """PLOVER JSON, one record per line (see the module notes); `links` maps an event id to
    its fused event id, written as `link`."""
    count = 0
    for row in rows:
        record = plover_record(row, link=(links or {}).get(row.event.id))
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def plover_record(row: StoredEvent, *, link: str | None = None) -> dict[str, Any]:
    """One stored event in PLOVER's JSON field names (empty fields left out)."""
    from detente import __version__

    e = row.event
    sources = [*e.sources, *([e.host] if e.host is not None else [])]
    record: dict[str, Any] = {
        "id": e.id,
        "has_event": True,
        "date": row.date.isoformat() if row.date else None,
        "time": _plover_time(e),
        "source": [_plover_actor(m) for m in sources],
        "recipient": [_plover_actor(m) for m in e.targets],
        "event": [e.type],
        "mode": [e.mode] if e.mode else None,
        "context": [e.context] if e.context else None,
        "event_loc": _plover_location(e),
        "event_text": [e.evidence.span.text],
        "quad_code": QUAD_CODES.get(e.type),
        "link": link,
        "cite_info": {k: v for k, v in {"url": row.url, "publication": row.outlet}.items() if v}
        or None,
        "coder": f"detente {__version__} ({e.evidence.extractor} {e.evidence.version})",
        "comment": f"status: {e.status}" if e.status != "past" else None,
    }
    return {k: v for k, v in record.items() if v is not None and v != []}


def _plover_time(e: Event) -> str | None:
    """The time of day, when the event's time is finer than a day (ISO 8601)."""
    tv = e.time
    if tv is None or tv.type != "TIME" or "T" not in tv.value:
        return None
    return tv.value.split("T", 1)[1]


def _plover_actor(m: ActorMention) -> dict[str, Any]:
    a = m.actor
    actor = {
        "code": a.country or a.code,
        "sector": a.sector,
        "actor_text": m.evidence.span.text,
        "identifier_id": a.wikidata or a.code,
        "identifier_text": a.name,
    }
    return {k: v for k, v in actor.items() if v}


def _plover_location(e: Event) -> dict[str, Any] | None:
    if e.place is None:
        return None
    p = e.place.place
    loc: dict[str, Any] = {"name": p.name, "latitude": p.lat, "longitude": p.lon, "cc3": p.country}
    if p.id.startswith("geonames:") and p.id.split(":", 1)[1].isdigit():
        loc["geonameid"] = int(p.id.split(":", 1)[1])
    return {k: v for k, v in loc.items() if v is not None}


def write_fused_jsonl(records: Iterable[FusedEvent], out: TextIO) -> int:
    """One fused event per line: its fields, every value each source gave, its sources."""
    from dataclasses import asdict

    count = 0
    for record in records:
        data = asdict(record)
        data["conflicts"] = list(record.conflicts)
        out.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
        count += 1
    return count
