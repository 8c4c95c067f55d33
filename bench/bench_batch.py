"""Batch throughput: the local engine and the Ray engine with 1 and 2 workers.

    .venv/bin/python bench/bench_batch.py [--words 20000] [--part-size 8] [--json]

Writes a corpus of the articles in examples/ repeated to about `--words` words (each copy
its own id) as four JSON Lines shards, then in one process times:
  bare       one `nlp.pipe` pass over the same texts, in this process (the floor);
  local xN   `run_batch(engine="local", workers=N)` into a fresh folder;
  ray xN     `run_batch(engine="ray", workers=N)` on a local Ray started once (its start
             is reported apart: a cluster is already running when a job arrives).
Each run is timed twice over: `wall` from the call to the last file written (planning,
worker start-up and model loading included), `busy` from the first part started to
the last part finished (the steady state a long run converges to), and `workers`: the
sum of each worker's own rate over its own first-to-last part (leaving out that one
worker may start seconds after another). Words are
whitespace-separated words of article text. Ratios: each run's words/s over the bare
pass's words/s, the bare pass being timed again after every run and the two passes
around a run averaged, since a shared machine's load drifts (1.0 = as fast as parsing
alone in one process; 2.0 with 2 workers = perfect use of two cores), 2 workers over 1 worker
(the scaling), and Ray over local at equal workers (Ray's overhead).

Then the 2-worker output of the first engine is loaded into a fresh SQLite store
(`load_batch`, what `detente ingest OUT` does: one process, one transaction and one fusion
step per article), in articles/s: the serial step after a distributed run.

Memory: the peak resident set of each worker process after its parts (ru_maxrss), the
figure to size Ray actors by. With 1 local worker the worker is this process, which also
holds the bare pass's model, so read the Ray figure.

The machine's load average is printed before and after: on a shared machine a busy
neighbour takes cores from the 2-worker runs first.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from detente.batch import BatchReport, PartResult, run_batch  # noqa: E402
from detente.errors import InputError  # noqa: E402
from detente.parse import load_nlp  # noqa: E402
from detente.read import read_articles  # noqa: E402

SHARDS = 4


def write_corpus(folder: Path, *, words: int) -> tuple[list[str], int]:
    """examples/ repeated to about `words` words, as SHARDS JSON Lines files."""
    articles = [a for a in read_articles([ROOT / "examples"]) if not isinstance(a, InputError)]
    per_copy = sum(len(a.text.split()) for a in articles)
    copies = max(1, round(words / per_copy))
    rows = [
        {"id": f"{a.id}-copy{n}", "title": a.title, "outlet": a.outlet, "text": a.text,
         "published": a.published.isoformat() if a.published else None}
        for n in range(copies) for a in articles
    ]  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    for shard in range(SHARDS):
        lines = [json.dumps(r) + "\n" for r in rows[shard::SHARDS]]
        (folder / f"shard-{shard}.jsonl").write_text("".join(lines), encoding="utf-8")
    return [r["text"] for r in rows], per_copy * copies


def bare_pass(texts: list[str], *, batch_size: int) -> float:
    nlp = load_nlp()
    list(nlp.pipe(texts[:8], batch_size=batch_size))  # warm
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    return time.perf_counter() - start


def one_run(
    corpus: Path, out: Path, *, engine: str, workers: int, part_size: int, batch_size: int
) -> dict[str, Any]:
    shutil.rmtree(out, ignore_errors=True)
    parts: list[PartResult] = []
    report: BatchReport = run_batch(
        [corpus], out=out, engine=engine, workers=workers, part_size=part_size,
        batch_size=batch_size, on_part=parts.append,
    )  # fmt: skip
    if report.failed or report.errors:
        raise SystemExit(f"bench: {engine} x{workers} failed: {report.failed or report.errors}")
    return {
        "engine": engine,
        "workers": workers,
        "parts": report.parts_done,
        "articles": report.articles,
        "words": report.words,
        "wall_s": round(report.seconds, 2),
        "busy_s": round(report.busy_seconds, 2),
        "startup_s": round(report.seconds - report.busy_seconds, 2),
        "words_per_s_wall": round(report.words / report.seconds),
        "words_per_s_busy": round(report.words / report.busy_seconds),
        "words_per_s_workers": per_worker_rate(parts),
        "worker_peak_rss_mb": report.peak_worker_rss_mb,
        "events": report.rows.get("events", 0),
    }


def per_worker_rate(parts: list[PartResult]) -> int:
    """The sum over workers of each one's words / (its last part's end - its first part's
    start): the rate the workers reach together once all are running, without the skew
    of one worker starting later than another."""
    total = 0.0
    for worker in {p.worker for p in parts}:
        mine = [p for p in parts if p.worker == worker]
        span = max(p.finished for p in mine) - min(p.started for p in mine)
        total += sum(p.words for p in mine) / span if span > 0 else 0.0
    return round(total)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=20_000, help="corpus size in words")
    parser.add_argument("--part-size", type=int, default=8, help="articles per part")
    parser.add_argument("--batch-size", type=int, default=32, help="spaCy batch size")
    parser.add_argument("--engines", default="local,ray", help="comma-separated engines")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    engines = args.engines.split(",")

    work = Path(tempfile.mkdtemp(prefix="detente-bench-batch-"))
    try:
        corpus = work / "corpus"
        texts, words = write_corpus(corpus, words=args.words)
        load_before = os.getloadavg()
        bare_s = bare_pass(texts, batch_size=args.batch_size)
        result: dict[str, Any] = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}",
            "articles": len(texts),
            "words": words,
            "part_size": args.part_size,
            "bare_s": round(bare_s, 2),
            "bare_words_per_s": round(words / bare_s),
            "runs": [],
        }
        bare_before = words / bare_s
        for engine in engines:
            if engine == "ray":
                import ray

                start = time.perf_counter()
                ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.WARNING,
                         log_to_driver=False, object_store_memory=128 * 1024 * 1024)  # fmt: skip
                result["ray_start_s"] = round(time.perf_counter() - start, 2)
            for workers in (1, 2):
                run = one_run(
                    corpus, work / f"{engine}-{workers}", engine=engine, workers=workers,
                    part_size=args.part_size, batch_size=args.batch_size,
                )  # fmt: skip
                # the bare pass again, right after: on a shared machine the load drifts
                bare_after = words / bare_pass(texts, batch_size=args.batch_size)
                bare = (bare_before + bare_after) / 2
                bare_before = bare_after
                run["bare_around"] = round(bare)
                run["vs_bare_wall"] = round(run["words_per_s_wall"] / bare, 2)
                run["vs_bare_busy"] = round(run["words_per_s_busy"] / bare, 2)
                result["runs"].append(run)
            if engine == "ray":
                ray.shutdown()
        result["load"] = load_into_store(work / f"{engines[0]}-2", work / "bench.db")
        result["load_average"] = {"before": load_before, "after": os.getloadavg()}
        result["ratios"] = ratios(result["runs"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        show(result)
    return 0


def load_into_store(out: Path, db: Path) -> dict[str, Any]:
    """`detente ingest OUT`: the batch output into a fresh SQLite store, timed."""
    from detente.batch import load_batch
    from detente.store import Store

    start = time.perf_counter()
    with Store(db) as store:
        report = load_batch(out, store=store)
    seconds = time.perf_counter() - start
    return {"articles": report.new, "events": report.events, "seconds": round(seconds, 2),
            "articles_per_s": round(report.new / seconds, 1)}  # fmt: skip


def ratios(runs: list[dict[str, Any]]) -> dict[str, float]:
    by = {(r["engine"], r["workers"]): r for r in runs}
    out: dict[str, float] = {}
    for engine in ("local", "ray"):
        if (engine, 1) in by and (engine, 2) in by:
            for clock in ("wall", "busy", "workers"):
                one, two = by[(engine, 1)], by[(engine, 2)]
                key = f"words_per_s_{clock}"
                out[f"{engine} scaling 2/1 ({clock})"] = round(two[key] / one[key], 2)
    for workers in (1, 2):
        if ("local", workers) in by and ("ray", workers) in by:
            for clock in ("wall", "busy"):
                local, ray = by[("local", workers)], by[("ray", workers)]
                out[f"ray/local time x{workers} ({clock})"] = round(
                    ray[f"{clock}_s"] / local[f"{clock}_s"], 2
                )
    return out


def show(result: dict[str, Any]) -> None:
    print(f"{result['machine']}; {result['articles']} articles, {result['words']:,} words, "
          f"parts of {result['part_size']}")  # fmt: skip
    print(f"bare nlp.pipe: {result['bare_s']} s, {result['bare_words_per_s']:,} words/s")
    if "ray_start_s" in result:
        print(f"local Ray start: {result['ray_start_s']} s (not in the Ray runs below)")
    header = ("run", "wall s", "busy s", "words/s wall", "words/s busy", "words/s workers",
              "bare words/s", "x bare wall", "x bare busy", "worker RSS MB")  # fmt: skip
    print(" | ".join(header))
    for r in result["runs"]:
        print(" | ".join(str(v) for v in (
            f"{r['engine']} x{r['workers']}", r["wall_s"], r["busy_s"], r["words_per_s_wall"],
            r["words_per_s_busy"], r["words_per_s_workers"], r["bare_around"],
            r["vs_bare_wall"], r["vs_bare_busy"],
            r["worker_peak_rss_mb"],
        )))  # fmt: skip
    for name, value in result["ratios"].items():
        print(f"{name}: {value}")
    load = result["load"]
    print(
        f"load into SQLite (detente ingest OUT): {load['articles']} articles, "
        f"{load['events']} events in {load['seconds']} s = {load['articles_per_s']} articles/s"
    )
    before, after = result["load_average"]["before"], result["load_average"]["after"]
    print(f"load average before {before[0]:.2f}, after {after[0]:.2f} (1 min)")


if __name__ == "__main__":
    raise SystemExit(main())
