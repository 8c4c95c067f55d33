"""How fast is a dyad timeline on a big store? Latency of `Store.events(dyad=...)`.

    .venv/bin/python bench/bench_query.py [--events 1000000] [--queries 30] [--db PATH]

Builds (once; reused when --db already holds it) a SQLite store through the real
migrations and fills it synthetically with executemany: `--events` events over 200
actors (a dyad per event, drawn with a skew so some dyads are busy and most are rare),
one article per 5 events, dates over ten years, their event_actors rows and the timeline
keys the store writes with each event (detente.migrations.event_keys_of). Then times,
after one warm-up query each:

  dyad timeline     store.events(dyad=(a, b))        whole timeline, Events rebuilt
  dyad page         store.events(dyad=(a, b), limit=100)
  actor page        store.events(actor=a, limit=100)
  bare baseline     SELECT count(*) FROM events (a full scan, to compare against)

over `--queries` dyads drawn like the data (busy ones included), and reports median,
p95 and max wall milliseconds, median and p95 CPU milliseconds of the process (steadier on
a shared machine), and the rows returned; the load average is printed with them. The
synthetic events carry a small valid Event JSON so that rebuilding them costs what it
costs on real data.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import sqlalchemy as sa  # noqa: E402

from detente.migrations import event_keys_of  # noqa: E402
from detente.store import Store, articles, event_actors, event_keys, events  # noqa: E402

ACTORS = 200
EVENTS_PER_ARTICLE = 5
TYPES = ("CONSULT", "ACCUSE", "AGREE", "THREATEN", "ASSAULT", "AID")


def actor_code(i: int) -> str:
    return f"A{i:03d}"


def draw_dyad(rng: random.Random) -> tuple[str, str]:
    """Two distinct actors; low numbers much more often (a few busy dyads)."""
    a = min(int(rng.paretovariate(1.2)) - 1, ACTORS - 1)
    b = rng.randrange(ACTORS - 1)
    b = b + 1 if b >= a else b
    return actor_code(a), actor_code(b)


def event_json(event_id: str, article_id: str, kind: str, a: str, b: str) -> str:
    def mention(code: str, start: int) -> dict[str, Any]:
        span = {"article_id": article_id, "start": start, "end": start + 4, "text": code}
        return {
            "actor": {"code": code, "name": code, "kind": "state", "country": code},
            "evidence": {"span": span, "extractor": "bench", "version": "1", "confidence": 0.9},
            "metonym": False,
        }

    trigger = {"article_id": article_id, "start": 5, "end": 8, "text": "met"}
    return json.dumps({
        "id": event_id, "article_id": article_id, "type": kind, "status": "past",
        "evidence": {"span": trigger, "extractor": "bench", "version": "1", "confidence": 0.9},
        "sources": [mention(a, 0)], "targets": [mention(b, 9)], "symmetric": False,
    })  # fmt: skip


def fill(store: Store, n_events: int, *, seed: int = 7, chunk: int = 50_000) -> float:
    """Write n synthetic events; returns the seconds it took."""
    rng = random.Random(seed)
    start_day = date(2015, 1, 1)
    started = time.perf_counter()
    with store.engine.begin() as conn:
        for first in range(0, n_events, chunk):
            article_rows, event_rows, actor_rows, key_rows = [], [], [], []
            for i in range(first, min(first + chunk, n_events)):
                article_id = f"art{i // EVENTS_PER_ARTICLE:07d}"
                day = start_day + timedelta(days=rng.randrange(3650))
                if i % EVENTS_PER_ARTICLE == 0:
                    article_rows.append({
                        "id": article_id, "title": None, "published": day.isoformat(),
                        "published_date": day, "url": None, "outlet": f"O{rng.randrange(40)}",
                        "language": "en", "source": "bench", "text": "synthetic",
                        "text_hash": article_id, "ingested_at": "2025-01-01",
                    })  # fmt: skip
                a, b = draw_dyad(rng)
                kind = rng.choice(TYPES)
                event_id = f"ev{i:08d}"
                event_rows.append({
                    "id": event_id, "article_id": article_id, "type": kind, "status": "past",
                    "symmetric": False, "event_date": day, "trigger_start": 5,
                    "trigger_end": 8, "trigger_text": "met", "extractor": "bench",
                    "version": "1", "confidence": 0.9,
                    "json": event_json(event_id, article_id, kind, a, b),
                })  # fmt: skip
                key_rows += [
                    {"key": key, "filed_date": day, "event_id": event_id}
                    for key in event_keys_of([(a, a), (b, b)])
                ]
                for role, code in (("source", a), ("target", b)):
                    actor_rows.append({
                        "event_id": event_id, "role": role, "position": 0, "code": code,
                        "name": code, "kind": "state", "country": code, "sector": None,
                        "metonym": False,
                    })  # fmt: skip
            if article_rows:
                conn.execute(articles.insert(), article_rows)
            conn.execute(events.insert(), event_rows)
            conn.execute(event_actors.insert(), actor_rows)
            conn.execute(event_keys.insert(), key_rows)
            print(f"  filled {min(first + chunk, n_events):,} events", file=sys.stderr)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    return time.perf_counter() - started


def timed(call: Any) -> tuple[float, float, int]:
    """(wall ms, CPU ms of this process, rows) of one call. On a shared machine the CPU
    time is the steadier figure: wall time also counts waiting for a core."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rows = len(result) if isinstance(result, list) else int(result)
    return wall * 1000, cpu * 1000, rows


def summary(samples: list[tuple[float, float, int]]) -> dict[str, float]:
    wall = sorted(s[0] for s in samples)
    cpu = sorted(s[1] for s in samples)
    return {
        "median_ms": round(statistics.median(wall), 2),
        "p95_ms": round(wall[min(len(wall) - 1, int(0.95 * len(wall)))], 2),
        "max_ms": round(wall[-1], 2),
        "median_cpu_ms": round(statistics.median(cpu), 2),
        "p95_cpu_ms": round(cpu[min(len(cpu) - 1, int(0.95 * len(cpu)))], 2),
        "median_rows": statistics.median(s[2] for s in samples),
        "max_rows": max(s[2] for s in samples),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--db", type=Path, default=Path("/tmp/detente-bench-query.db"))
    args = parser.parse_args()

    store = Store(args.db)
    with store.engine.connect() as conn:
        have = conn.execute(sa.select(sa.func.count()).select_from(events)).scalar_one()
    fill_seconds = None
    if have != args.events:
        if have:
            raise SystemExit(f"{args.db} holds {have} events, not {args.events}; remove it")
        print(f"building {args.db} with {args.events:,} events", file=sys.stderr)
        fill_seconds = round(fill(store, args.events), 1)

    rng = random.Random(11)
    dyads = [draw_dyad(rng) for _ in range(args.queries)]
    store.events(dyad=dyads[0], limit=1)  # warm-up
    results = {
        "events": args.events,
        "fill_seconds": fill_seconds,
        "dyad_timeline": summary([timed(lambda d=d: store.events(dyad=d)) for d in dyads]),
        "dyad_page_100": summary(
            [timed(lambda d=d: store.events(dyad=d, limit=100)) for d in dyads]
        ),
        "actor_page_100": summary(
            [timed(lambda d=d: store.events(actor=d[0], limit=100)) for d in dyads]
        ),
    }
    with store.engine.connect() as conn:
        scan = timed(
            lambda: conn.execute(sa.select(sa.func.count()).select_from(events)).scalar_one()
        )
    results["full_scan_count_ms"] = round(scan[0], 2)
    results["load_average"] = [round(x, 1) for x in os.getloadavg()]
    print(json.dumps(results, indent=2))
    store.close()


if __name__ == "__main__":
    main()
