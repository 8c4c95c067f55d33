"""How fast is an ingest next to the bare pipeline, and does its memory stay flat?

    .venv/bin/python bench/bench_ingest.py rate   [--repeat 10] [--rounds 2]
    .venv/bin/python bench/bench_ingest.py memory [--articles 100000]

rate: reads the articles in examples/ (repeated `--repeat` times, each copy with its own
id and text, so nothing is deduplicated), loads the model once, and times in one process,
alternating over `--rounds` rounds:
  bare    `Extractor.extract_many(articles)` consumed to the end (read -> events, no store)
  ingest  `detente.store.ingest([jsonl])` into a new SQLite file: reading the JSON Lines
          file, the same extraction, and storing every article in its own transaction
          (mentions, events, evidence, timeline keys, fusion, full-text index).
It reports articles/s and words/s of each (best round, and median) and ingest/bare: how
much longer the whole ingest takes than extraction alone, in wall time and in CPU time of
the process (steadier on a shared machine; wall time also counts disk waits).

memory: writes `--articles` short synthetic articles (a meeting of two of 40 countries in
one of 12 cities on one of 365 days, by one of 40 outlets, so fusion has work to do) to a
JSON Lines file, then ingests it through `read_articles` and the real store with a cheap
extractor (no spaCy: it builds each article's one CONSULT event from the words it was
written with), sampling the process's resident set (/proc/self/statm) every 0.2 s. It
reports RSS at 10%, 50% and 100% of the articles and the growth from 10% to 100%, which
stays near zero when memory is flat, with the ingest rate.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from detente.errors import InputError  # noqa: E402
from detente.read import read_articles  # noqa: E402
from detente.store import Store, ingest  # noqa: E402
from detente.vocabulary import (  # noqa: E402
    Actor,
    ActorMention,
    Article,
    Event,
    Evidence,
    Place,
    PlaceMention,
    Reading,
    Span,
    TimeValue,
)

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * PAGE / (1024 * 1024)


# -- rate ----------------------------------------------------------------------------------


def example_articles(repeat: int) -> list[Article]:
    base = [a for a in read_articles([ROOT / "examples"]) if isinstance(a, Article)]
    return [
        dataclasses.replace(a, id=f"{a.id}-{copy}", text=f"{a.text}\n\n(copy {copy})")
        for copy in range(repeat)
        for a in base
    ]


def write_jsonl(articles: Iterable[Article], path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for a in articles:
            published = a.published.isoformat() if a.published else None
            row = {"id": a.id, "text": a.text, "published": published, "title": a.title,
                   "outlet": a.outlet, "url": a.url}  # fmt: skip
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def bench_rate(repeat: int, rounds: int, batch_size: int) -> dict[str, Any]:
    from detente.parse import load_nlp
    from detente.pipeline import Extractor

    articles = example_articles(repeat)
    words = sum(len(a.text.split()) for a in articles)
    extractor = Extractor(nlp=load_nlp())
    list(extractor.extract_many(articles[:3]))  # load data and warm up before timing
    bare: list[float] = []
    full: list[float] = []
    cpu: dict[str, list[float]] = {"bare": [], "ingest": []}
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "articles.jsonl"
        write_jsonl(articles, source)
        for r in range(rounds):
            order = ("bare", "ingest") if r % 2 == 0 else ("ingest", "bare")
            for kind in order:
                started, cpu_started = time.perf_counter(), time.process_time()
                if kind == "bare":
                    for _ in extractor.extract_many(articles, batch_size=batch_size):
                        pass
                    bare.append(time.perf_counter() - started)
                    cpu["bare"].append(time.process_time() - cpu_started)
                else:
                    db = Path(folder) / f"r{r}.db"
                    with Store(db) as store:
                        report = ingest([source], store=store, extractor=extractor,
                                        batch_size=batch_size)  # fmt: skip
                    full.append(time.perf_counter() - started)
                    cpu["ingest"].append(time.process_time() - cpu_started)
                    assert report.new == len(articles), report
    n = len(articles)

    def rates(seconds: list[float]) -> dict[str, float]:
        best, median = min(seconds), statistics.median(seconds)
        return {
            "articles_per_s_best": round(n / best, 1),
            "words_per_s_best": round(words / best),
            "articles_per_s_median": round(n / median, 1),
            "words_per_s_median": round(words / median),
        }

    return {
        "articles": n,
        "words": words,
        "rounds": rounds,
        "bare_pipeline": rates(bare),
        "ingest": rates(full),
        "ingest_over_bare_best": round(min(full) / min(bare), 3),
        "ingest_over_bare_median": round(statistics.median(full) / statistics.median(bare), 3),
        "ingest_over_bare_cpu": round(min(cpu["ingest"]) / min(cpu["bare"]), 3),
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }


# -- memory --------------------------------------------------------------------------------

COUNTRIES = [f"C{i:02d}" for i in range(40)]
CITIES = [f"City{i:02d}" for i in range(12)]
OUTLETS = [f"Outlet {i}" for i in range(40)]


def synthetic_rows(n: int, seed: int = 5) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    start = date(2025, 1, 1)
    for i in range(n):
        a, b = rng.sample(COUNTRIES, 2)
        city = rng.choice(CITIES)
        day = start + timedelta(days=rng.randrange(365))
        text = (
            f"{a} and {b} met in {city} on {day.isoformat()}. "
            f"Officials described the talks as constructive. Dispatch {i}."
        )
        yield {"id": f"s{i:07d}", "text": text, "published": day.isoformat(),
               "outlet": rng.choice(OUTLETS)}  # fmt: skip


class WordsExtractor:
    """A cheap extractor for the memory benchmark: the synthetic text's own words give one
    CONSULT event (source, target, place, day), with spans into the text."""

    def extract_many(
        self, articles: Iterable[Article], *, batch_size: int = 32
    ) -> Iterator[Reading]:
        for article in articles:
            yield self.extract(article)

    def extract(self, article: Article) -> Reading:
        words = article.text.split()
        a, b, city, day = words[0], words[2], words[5], words[7].rstrip(".")

        def ev(word: str) -> Evidence:
            start = article.text.index(word)
            span = Span(article.id, start, start + len(word), word)
            return Evidence(span, extractor="bench", version="1", confidence=0.8)

        src = ActorMention(Actor(a, a, "state", country=a), ev(a))
        tgt = ActorMention(Actor(b, b, "state", country=b), ev(b))
        place = PlaceMention(Place(f"bench:{city}", city, "city", lat=1.0, lon=2.0), ev(city))
        time_value = TimeValue("DATE", day, ev(day))
        event = Event(
            id=f"{article.id}-e1", article_id=article.id, type="CONSULT", status="past",
            evidence=ev("met"), sources=(src,), targets=(tgt,), symmetric=True, place=place,
            time=time_value,
        )  # fmt: skip
        return Reading(article=article, actors=(src, tgt), places=(place,),
                       times=(time_value,), events=(event,))  # fmt: skip


def bench_memory(n: int) -> dict[str, Any]:
    samples: list[tuple[int, float]] = []
    done = 0
    stop = threading.Event()

    def sample() -> None:
        shown = 0
        while not stop.is_set():
            samples.append((done, rss_mb()))
            if done >= (shown + 1) * n / 10:  # progress on stderr, a line per tenth
                shown = 10 * done // n
                print(f"  {done:,} articles, RSS {samples[-1][1]:.1f} MB", file=sys.stderr)
            stop.wait(0.2)

    def on_item(item: Any) -> None:
        nonlocal done
        if not isinstance(item, InputError):
            done += 1

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "synthetic.jsonl"
        with source.open("w", encoding="utf-8") as handle:
            for row in synthetic_rows(n):
                handle.write(json.dumps(row) + "\n")
        start_rss = rss_mb()
        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        started = time.perf_counter()
        with Store(Path(folder) / "memory.db") as store:
            extractor: Any = WordsExtractor()
            report = ingest([source], store=store, extractor=extractor, on_item=on_item)
            fused = store.counts().fused_events
        seconds = time.perf_counter() - started
        stop.set()
        thread.join()
        db_mb = (Path(folder) / "memory.db").stat().st_size / (1024 * 1024)

    def at(fraction: float) -> float:
        wanted = fraction * n
        return round(next((mb for count, mb in samples if count >= wanted), samples[-1][1]), 1)

    return {
        "articles": n,
        "stored": report.new,
        "fused_events": fused,
        "seconds": round(seconds, 1),
        "articles_per_s": round(n / seconds, 1),
        "rss_mb_before": round(start_rss, 1),
        "rss_mb_at_10pct": at(0.10),
        "rss_mb_at_50pct": at(0.50),
        "rss_mb_at_100pct": at(1.0),
        "rss_growth_10_to_100pct_mb": round(at(1.0) - at(0.10), 1),
        "rss_mb_peak": round(max(mb for _, mb in samples), 1),
        "database_mb": round(db_mb, 1),
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    rate = sub.add_parser("rate")
    rate.add_argument("--repeat", type=int, default=10)
    rate.add_argument("--rounds", type=int, default=2)
    rate.add_argument("--batch-size", type=int, default=32)
    memory = sub.add_parser("memory")
    memory.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args()
    if args.what == "rate":
        result = bench_rate(args.repeat, args.rounds, args.batch_size)
    else:
        result = bench_memory(args.articles)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
