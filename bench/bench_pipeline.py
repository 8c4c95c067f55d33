"""How fast is detente next to spaCy alone? Words per second, their ratio, peak memory.

    .venv/bin/python bench/bench_pipeline.py [--repeat N] [--rounds R] [--json]

Loads the spaCy pipeline once, reads the articles in examples/ (repeated N times, by
default enough for about 20,000 words), and times in the same process:
  bare  one `nlp.pipe` pass over the texts (the floor: parsing only);
  full  `Extractor(nlp=nlp).extract_many(articles)`, every stage, consumed to the end.
The two alternate in order over R rounds (bare first in even rounds, full first in odd
ones) so that warm caches and CPU frequency do not favour one; best and median are
reported. The lazily loaded data (gazetteer, registry, verb lexicon) and whatever the
first article builds are loaded before timing, and their load times are reported apart.

Memory: the process's peak resident set (getrusage ru_maxrss) after all runs, and the
tracemalloc peak of Python allocations during one extra, untimed run of each kind (their
difference is what detente's stages add on top of spaCy's batches).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from detente.errors import InputError  # noqa: E402
from detente.parse import MODEL, load_nlp  # noqa: E402
from detente.pipeline import Extractor  # noqa: E402
from detente.read import read_articles  # noqa: E402
from detente.vocabulary import Article  # noqa: E402

TARGET_WORDS = 20_000
COLLABORATORS = ("gazetteer", "registry", "lexicon")  # Extractor's lazily loaded data


def load_articles(folder: Path) -> list[Article]:
    """Every article under `folder`; a file that cannot be read stops the benchmark."""
    articles: list[Article] = []
    for item in read_articles([folder]):
        if isinstance(item, InputError):
            raise SystemExit(f"bench: {item}")
        articles.append(item)
    if not articles:
        raise SystemExit(f"bench: no articles in {folder}")
    return articles


def repeated(articles: Sequence[Article], *, times: int) -> list[Article]:
    """The articles `times` over, each copy with its own id (so nothing is deduplicated)."""
    return [
        dataclasses.replace(article, id=f"{article.id}-{copy}")
        for copy in range(times)
        for article in articles
    ]


def count_words(articles: Sequence[Article]) -> int:
    return sum(len(article.text.split()) for article in articles)


def run_bare(nlp: Any, texts: Sequence[str], *, batch_size: int) -> int:
    """One nlp.pipe pass; returns the number of tokens (so the work is not optimized away)."""
    return sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size))


def run_full(extractor: Extractor, articles: Sequence[Article], *, batch_size: int) -> int:
    """Every stage over every article; returns the number of events read."""
    return sum(
        len(reading.events) for reading in extractor.extract_many(articles, batch_size=batch_size)
    )


def timed(run: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def traced_peak(run: Callable[[], int]) -> float:
    """Peak MB of Python allocations (tracemalloc) during one untimed run."""
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    finally:
        tracemalloc.stop()


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (ru_maxrss is KB on Linux, B on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def bench(
    *, folder: Path, repeat: int | None, rounds: int, batch_size: int, trace: bool
) -> dict[str, Any]:
    start = time.perf_counter()
    nlp = load_nlp()
    model_load_s = time.perf_counter() - start

    base = load_articles(folder)
    base_words = count_words(base)
    times = repeat if repeat is not None else max(1, round(TARGET_WORDS / base_words))
    articles = repeated(base, times=times)
    texts = [article.text for article in articles]
    words = count_words(articles)

    extractor = Extractor(nlp=nlp)
    warm_up_s: dict[str, float] = {}
    for name in COLLABORATORS:  # the lazily loaded data, one at a time
        if hasattr(type(extractor), name):
            start = time.perf_counter()
            getattr(extractor, name)
            warm_up_s[name] = time.perf_counter() - start
    start = time.perf_counter()
    run_full(extractor, articles[:1], batch_size=batch_size)  # anything else built lazily
    warm_up_s["first_article"] = time.perf_counter() - start

    bare_s: list[float] = []
    full_s: list[float] = []
    tokens = events = 0
    for index in range(rounds):
        order = ("bare", "full") if index % 2 == 0 else ("full", "bare")
        for which in order:
            if which == "bare":
                seconds, tokens = timed(lambda: run_bare(nlp, texts, batch_size=batch_size))
                bare_s.append(seconds)
            else:
                seconds, events = timed(
                    lambda: run_full(extractor, articles, batch_size=batch_size)
                )
                full_s.append(seconds)

    traced_peak_mb: dict[str, float] | None = None
    if trace:
        traced_peak_mb = {
            "bare": traced_peak(lambda: run_bare(nlp, texts, batch_size=batch_size)),
            "full": traced_peak(lambda: run_full(extractor, articles, batch_size=batch_size)),
        }

    bare = {"best_s": min(bare_s), "median_s": statistics.median(bare_s)}
    full = {"best_s": min(full_s), "median_s": statistics.median(full_s)}
    for stats in (bare, full):
        stats["words_per_s_best"] = words / stats["best_s"]
        stats["words_per_s_median"] = words / stats["median_s"]
    return {
        "model": MODEL,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "articles": len(articles),
        "distinct_articles": len(base),
        "repeat": times,
        "words": words,
        "tokens": tokens,
        "events": events,
        "rounds": rounds,
        "batch_size": batch_size,
        "model_load_s": model_load_s,
        "warm_up_s": warm_up_s,
        "bare": bare,
        "full": full,
        "ratio_full_over_bare_median": full["median_s"] / bare["median_s"],
        "ratio_full_over_bare_best": full["best_s"] / bare["best_s"],
        "peak_rss_mb": peak_rss_mb(),
        "tracemalloc_peak_mb": traced_peak_mb,
    }


def report(result: dict[str, Any]) -> str:
    bare, full = result["bare"], result["full"]
    lines = [
        f"{result['articles']} articles ({result['distinct_articles']} distinct x "
        f"{result['repeat']}), {result['words']:,} words, {result['rounds']} rounds, "
        f"model {result['model']}, Python {result['python']}",
        f"load (not timed below): model {result['model_load_s']:.2f} s, "
        + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in result["warm_up_s"].items()),
        f"{'':6}{'best s':>9}{'median s':>10}{'words/s best':>14}{'words/s median':>16}",
    ]
    for name, stats in (("bare", bare), ("full", full)):
        lines.append(
            f"{name:6}{stats['best_s']:9.2f}{stats['median_s']:10.2f}"
            f"{stats['words_per_s_best']:14,.0f}{stats['words_per_s_median']:16,.0f}"
        )
    lines.append(
        f"full / bare time: {result['ratio_full_over_bare_median']:.2f}x (median), "
        f"{result['ratio_full_over_bare_best']:.2f}x (best); {result['events']} events read"
    )
    memory = f"peak RSS {result['peak_rss_mb']:.0f} MB"
    traced = result["tracemalloc_peak_mb"]
    if traced is not None:
        memory += (
            f"; tracemalloc peak of one run: bare {traced['bare']:.1f} MB, "
            f"full {traced['full']:.1f} MB"
        )
    lines.append(memory)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time detente's full pipeline against a bare spaCy pass."
    )
    parser.add_argument(
        "--examples", type=Path, default=ROOT / "examples", help="folder of articles to read"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help=f"copies of the articles (default: about {TARGET_WORDS:,} words in all)",
    )
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds of each (default 5)")
    parser.add_argument("--batch-size", type=int, default=32, help="nlp.pipe batch size")
    parser.add_argument(
        "--no-tracemalloc", action="store_true", help="skip the traced extra full run"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.rounds < 1 or (args.repeat is not None and args.repeat < 1):
        parser.error("--rounds and --repeat must be at least 1")
    result = bench(
        folder=args.examples,
        repeat=args.repeat,
        rounds=args.rounds,
        batch_size=args.batch_size,
        trace=not args.no_tracemalloc,
    )
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
