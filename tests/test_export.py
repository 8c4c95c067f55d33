"""Exports: JSON Lines, CSV, GeoJSON, Parquet, PLOVER JSON, fused records; from the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from conftest import build_reading
from detente import cli
from detente.export import (
    CSV_COLUMNS,
    QUAD_CODES,
    plover_record,
    write_fused_jsonl,
    write_geojson,
    write_parquet,
    write_plover,
)
from detente.store import Store
from fusion_readings import told_by

PLOVER_FIELDS = {
    "id", "has_event", "date", "time", "enddate", "endtime", "source", "recipient", "event",
    "event_loc", "event_text", "quad_code", "event_scale", "mode", "context", "link", "text",
    "text_info", "cite_info", "coder", "coded_date", "coded_time", "comment",
}  # fmt: skip
ACTOR_FIELDS = {"code", "sector", "actor_text", "identifier_id", "identifier_text"}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "x.db"
    with Store(path) as store:
        for outlet in ("Reuters", "AP"):
            store.add_reading(told_by(outlet))
        store.add_reading(told_by("AFP", place=None, event_type="ACCUSE", day="2025-07-01"))
    return path


def test_geojson_has_a_point_per_located_event(db: Path) -> None:
    out = io.StringIO()
    with Store(db) as store:
        assert write_geojson(store.events(), out) == 2  # the ACCUSE event has no place
    data = json.loads(out.getvalue())
    assert data["type"] == "FeatureCollection"
    feature = data["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [28.95, 41.01]}
    assert feature["properties"]["place"] == "Istanbul"
    assert feature["properties"]["outlet"] in ("Reuters", "AP")


def test_empty_geojson_is_valid(tmp_path: Path) -> None:
    out = io.StringIO()
    assert write_geojson([], out) == 0
    assert json.loads(out.getvalue()) == {"type": "FeatureCollection", "features": []}


def test_parquet_has_typed_columns(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "e.parquet"
    with Store(db) as store:
        assert write_parquet(store.events(), path, batch_size=2) == 3
    table = pq.read_table(path)
    assert table.column_names == list(CSV_COLUMNS)
    assert str(table.schema.field("date").type) == "date32[day]"
    assert str(table.schema.field("lat").type) == "double"
    assert sorted(table.column("type").to_pylist()) == ["ACCUSE", "CONSULT", "CONSULT"]
    assert table.column("lat").to_pylist().count(None) == 1


def test_plover_records_use_the_specification_field_names(db: Path) -> None:
    out = io.StringIO()
    with Store(db) as store:
        assert write_plover(store.events(), out, links=store.fused_links()) == 3
        fused_ids = {f.id for f in store.fused()}
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    for record in records:
        assert set(record) <= PLOVER_FIELDS
        assert {"id", "date", "source", "event"} <= set(record)  # required
        for actor in record["source"] + record.get("recipient", []):
            assert set(actor) <= ACTOR_FIELDS
    consult = [r for r in records if r["event"] == ["CONSULT"]]
    assert consult[0]["quad_code"] == 1 and consult[0]["date"] == "2025-06-02"
    assert {a["code"] for a in consult[0]["source"]} == {"UKR", "TUR"}  # host as source
    assert consult[0]["recipient"] == [
        {"code": "RUS", "actor_text": "Russia", "identifier_id": "RUS", "identifier_text": "Russia"}
    ]
    assert consult[0]["event_loc"]["name"] == "Istanbul"
    assert consult[0]["event_loc"]["geonameid"] == 745044
    # the two reports of one meeting share their fused event as `link`
    assert consult[0]["link"] == consult[1]["link"] and consult[0]["link"] in fused_ids
    assert {r["link"] for r in records} <= fused_ids


def test_every_plover_type_has_a_quad_code() -> None:
    assert set(QUAD_CODES) >= {"AGREE", "CONSULT", "ACCUSE", "FIGHT", "ASSAULT", "PROTEST"}


def test_plover_of_an_event_without_targets_or_place() -> None:
    from detente.store import StoredEvent

    reading = build_reading(event_day=None)
    event = reading.events[0]
    from dataclasses import replace

    bare = replace(event, targets=(), host=None, place=None, mode=None)
    record = plover_record(StoredEvent(bare, None, None))
    assert "recipient" not in record and "event_loc" not in record and "mode" not in record


def test_fused_jsonl(db: Path) -> None:
    out = io.StringIO()
    with Store(db) as store:
        assert write_fused_jsonl(store.fused(), out) == 2
    first = json.loads(out.getvalue().splitlines()[0])
    assert first["outlets"] == 2 and len(first["members"]) == 2 and first["conflicts"] == []


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "geojson", "plover"])
def test_cli_export_formats(db: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"e.{fmt}"
    code, _, err = run("export", "--db", db, "--format", fmt, "--out", out)
    assert code == 0, err
    expected = 2 if fmt == "geojson" else 3
    assert f"{expected} events written" in err
    assert out.stat().st_size > 0


def test_cli_export_parquet_needs_out_and_filters_apply(db: Path, tmp_path: Path) -> None:
    code, _, err = run("export", "--db", db, "--format", "parquet")
    assert code == 1 and "give --out" in err
    out = tmp_path / "e.parquet"
    code, _, err = run("export", "--db", db, "--format", "parquet", "--out", out, "--type",
                       "ACCUSE")  # fmt: skip
    assert code == 0 and pq.read_table(out).num_rows == 1


def test_cli_fused_events_and_search(db: Path) -> None:
    code, out, _ = run("events", "--db", db, "--fused", "--dyad", "UKR,RUS", "--format", "jsonl")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["outlets"] for r in records] == [2, 1]
    code, out, _ = run("events", "--db", db, "--dyad", "UKR", "--format", "jsonl")
    assert code == 2  # usage error: a dyad is two codes
    code, out, _ = run("search", "Reuters", "--db", db)
    assert code == 0 and len(out.splitlines()) == 1 and "Reuters" in out
    code, out, _ = run("export", "--db", db, "--fused", "--format", "csv")
    assert code == 1
