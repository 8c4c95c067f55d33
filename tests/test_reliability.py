"""Reliability: kill -9 in the middle of an ingest, four concurrent writers, fuzzed inputs.

The crash and concurrency tests run the real `detente ingest` command (real model, real
SQLite file) in subprocesses and compare the final database with the record one
in-process ingest of the same articles makes: the same rows in every table (but the
ingest time, the path each article was read from, and autoincrement row ids). They load
the model once per process, so they are marked slow; they take tens of seconds.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from detente.pipeline import Extractor
from detente.store import TABLES, Store, ingest

BIN = Path(sys.executable).parent / "detente"
SKIP_COLUMNS = {
    "articles": {"ingested_at", "source"},
    "mentions": {"id"},
    "evidence": {"id"},
    "negotiation": {"id"},
}
PAIRS = [("Ukraine", "Russia"), ("Armenia", "Azerbaijan"), ("Israel", "Iran"), ("India",
         "Pakistan")]  # fmt: skip
CITIES = ["Istanbul", "Geneva", "Doha", "Vienna"]
OUTLETS = ["Reuters", "AP", "AFP", "BBC", "Al Jazeera"]


def article_row(i: int) -> dict[str, Any]:
    """Article i: one of a few meetings (so that several outlets tell each one)."""
    a, b = PAIRS[i % len(PAIRS)]
    city = CITIES[i % len(CITIES)]
    day = 2 + (i % 3)
    text = (
        f"{a} and {b} met in {city} on June {day}, officials said. "
        f"The delegations discussed a ceasefire. Report number {i}."
    )
    return {"id": f"art-{i:04d}", "text": text, "published": "2025-06-05",
            "outlet": OUTLETS[i % len(OUTLETS)], "title": f"Talks {i}"}  # fmt: skip


def write_jsonl(path: Path, numbers: range | list[int]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i in numbers:
            handle.write(json.dumps(article_row(i)) + "\n")
    return path


def record(db: Path, *, articles: set[str] | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, comparable across runs (optionally of some articles)."""
    found = {}
    with sqlite3.connect(db) as conn:
        for table in TABLES:
            columns = [c.name for c in table.c if c.name not in SKIP_COLUMNS.get(table.name, ())]
            rows = conn.execute(f'SELECT {", ".join(columns)} FROM "{table.name}"').fetchall()
            if articles is not None and "article_id" in columns:
                key = columns.index("article_id")
                rows = [r for r in rows if r[key] in articles]
            elif articles is not None and table.name == "articles":
                rows = [r for r in rows if r[0] in articles]
            found[table.name] = sorted(rows, key=repr)
    return found


def reference(tmp_path: Path, nlp: Language, numbers: range) -> Path:
    """The record one in-process ingest makes of these articles."""
    db = tmp_path / "reference.db"
    source = write_jsonl(tmp_path / "reference.jsonl", numbers)
    with Store(db) as store:
        report = ingest([source], store=store, extractor=Extractor(nlp=nlp))
    assert report.new == len(numbers) and report.events > 0
    return db


def cli_ingest(*args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(BIN), "ingest", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stored_articles(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_kill_9_mid_ingest_then_rerun(tmp_path: Path, nlp: Language) -> None:
    numbers = range(250)
    source = write_jsonl(tmp_path / "wire.jsonl", numbers)
    db = tmp_path / "crash.db"
    process = cli_ingest(source, "--db", db, "--batch-size", "8")
    deadline = time.monotonic() + 120
    while stored_articles(db) < 20 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    stored = stored_articles(db)
    assert 0 < stored < len(numbers), "the kill should land mid-ingest"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        present = {r[0] for r in conn.execute("SELECT id FROM articles")}

    expected = reference(tmp_path, nlp, numbers)
    # no partial article: what was stored of each article is all of it (fusion, a
    # record of the whole corpus, is compared after the rerun)
    per_article = ("articles", "mentions", "events", "evidence", "negotiation")
    partial, whole = record(db, articles=present), record(expected, articles=present)
    for table in per_article:
        assert partial[table] == whole[table], table

    rerun = cli_ingest(source, "--db", db, "--batch-size", "8")
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert f"{len(numbers) - stored} new, {stored} unchanged" in out
    # every article once, no duplicate event, fused as one run would fuse
    assert record(db) == record(expected)


@pytest.mark.slow
def test_four_concurrent_writers_make_the_record_of_one(tmp_path: Path, nlp: Language) -> None:
    numbers = range(40)
    shards = [
        write_jsonl(tmp_path / f"shard{k}.jsonl", [(10 * k + j) % 40 for j in range(20)])
        for k in range(4)
    ]  # each article is in two shards
    db = tmp_path / "shared.db"
    processes = [cli_ingest(shard, "--db", db) for shard in shards]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    expected = reference(tmp_path, nlp, numbers)
    assert record(db) == record(expected)
    with Store(db) as store:
        assert store.counts().articles == 40
        assert max(f.outlets for f in store.fused()) > 1
