"""The real pipeline through both engines: the same rows whichever engine and worker count.

The sample corpus (examples/) is coded three times from the command line, in parts of
three articles: the local engine with one worker (in this process) and with two worker
processes, and the Ray engine with two actors on a real local Ray started once for the
session. Every table must come out the same row for row; only run times may differ.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from detente import cli
from detente.batch import MANIFEST, PARTS_LOG, TABLES, read_table

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
RUNS = {
    "local-1": ["--engine", "local", "--workers", "1"],
    "local-2": ["--engine", "local", "--workers", "2"],
    "ray-2": ["--engine", "ray", "--workers", "2"],
}
RUN_TIMES = {"created", "finished", "seconds", "worker", "engine"}


@pytest.fixture(scope="session")
def local_ray() -> Iterator[Any]:
    """A real local Ray for the session: two CPUs, no dashboard, no usage statistics."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"  # keep Ray on loopback
    ray = pytest.importorskip("ray")
    ray.init(
        num_cpus=2,
        _node_ip_address="127.0.0.1",
        include_dashboard=False,
        object_store_memory=128 * 1024 * 1024,
        logging_level=logging.WARNING,
        log_to_driver=False,
    )
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory, local_ray: Any) -> dict[str, Path]:
    """examples/ coded by each run of RUNS (through `detente batch`)."""
    base = tmp_path_factory.mktemp("batch")
    runner = CliRunner()
    made: dict[str, Path] = {}
    for name, options in RUNS.items():
        out = base / name
        args = ["batch", str(EXAMPLES), "--out", str(out), "--part-size", "3", *options]
        result = runner.invoke(cli.main, args, catch_exceptions=False)
        assert result.exit_code == 0, f"{name}: {result.output}"
        assert "parts: 3 coded, 0 already done; articles: 8" in result.output, result.output
        made[name] = out
    return made


def without(data: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in keys}


def test_every_engine_and_worker_count_writes_the_same_rows(outputs: dict[str, Path]) -> None:
    reference, *others = outputs.values()
    for name in TABLES:
        expected = read_table(reference, name)
        for other in others:
            assert read_table(other, name).equals(expected), f"{name} differs in {other.name}"
    events = read_table(reference, "events")
    assert events.num_rows > 0 and read_table(reference, "mentions").num_rows > events.num_rows
    files = {
        name: sorted(p.relative_to(out).as_posix() for p in out.rglob("*.parquet"))
        for name, out in outputs.items()
    }
    assert len({tuple(f) for f in files.values()}) == 1 and len(files["ray-2"]) == 3 * len(TABLES)


def test_manifests_and_logs_differ_only_in_run_times(outputs: dict[str, Path]) -> None:
    def read(out: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        head = without(json.loads((out / MANIFEST).read_text()), RUN_TIMES)
        lines = (out / PARTS_LOG).read_text().splitlines()
        parts = sorted((without(json.loads(line), RUN_TIMES) for line in lines),
                       key=lambda e: e["part"])  # fmt: skip
        return head, parts

    seen = [read(out) for out in outputs.values()]
    assert all(item == seen[0] for item in seen[1:])
    workers = {json.loads(line)["worker"] for line in (outputs["ray-2"] / PARTS_LOG).open()}
    assert os.getpid() not in {int(w.rsplit(":", 1)[1]) for w in workers}  # Ray actors ran it


def test_resuming_a_finished_run_codes_nothing(outputs: dict[str, Path]) -> None:
    result = CliRunner().invoke(
        cli.main, ["batch", str(EXAMPLES), "--out", str(outputs["ray-2"]), "--engine", "ray"]
    )
    assert result.exit_code == 0, result.output
    assert "parts: 0 coded, 3 already done" in result.output


def rows_without_run_times(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(db) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        dump = {}
        for name in names:
            columns = [c[1] for c in conn.execute(f'PRAGMA table_info("{name}")')]
            kept = ", ".join(f'"{c}"' for c in columns if c not in {"ingested_at", "applied_at"})
            dump[name] = sorted(conn.execute(f'SELECT {kept} FROM "{name}"'), key=repr)
    return dump


def test_ingesting_a_batch_output_stores_what_ingesting_the_articles_stores(
    outputs: dict[str, Path], tmp_path: Path
) -> None:
    runner = CliRunner()
    from_batch, direct = tmp_path / "batch.db", tmp_path / "direct.db"
    for source, db in [(outputs["ray-2"], from_batch), (EXAMPLES, direct)]:
        result = runner.invoke(cli.main, ["ingest", str(source), "--db", str(db)])
        assert result.exit_code == 0, result.output
        assert "articles: 8 new" in result.output
    stored = rows_without_run_times(from_batch)
    assert stored == rows_without_run_times(direct)
    assert len(stored["events"]) == read_table(outputs["ray-2"], "events").num_rows
