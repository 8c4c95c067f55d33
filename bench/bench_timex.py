"""How much of the full pipeline's time is the temporal tagger? A ratio, same run.

    .venv/bin/python bench/bench_timex.py [--repeat N] [--rounds R] [--json]

Loads the spaCy pipeline and detente's data once, reads the articles in examples/
(repeated N times, each copy with its own id), and in each of R rounds runs
`Extractor(nlp=nlp).extract_many(articles)` to the end while `TimeTagger.tag` is wrapped
by a timer. Reported per round and as the median:
  full    wall time of the whole pipeline (parse, mentions, resolve, times, events, ...)
  timex   time spent inside TimeTagger.tag (including the tense and zone callbacks it
          makes into the parse), summed over the articles
  share   timex / full; the target is < 0.10.
A separate, standalone pass times `TimeTagger.tag` on the raw texts with no callbacks
(the regular expressions and normalization alone) against the same full time.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from detente import timex  # noqa: E402
from detente.errors import InputError  # noqa: E402
from detente.parse import load_nlp  # noqa: E402
from detente.pipeline import Extractor  # noqa: E402
from detente.read import read_articles  # noqa: E402
from detente.vocabulary import Article  # noqa: E402


def load_articles(folder: Path, *, repeat: int) -> list[Article]:
    articles: list[Article] = []
    for item in read_articles([folder]):
        if isinstance(item, InputError):
            raise SystemExit(f"bench_timex: {item}")
        articles.append(item)
    if not articles:
        raise SystemExit(f"bench_timex: no articles in {folder}")
    return [dataclasses.replace(a, id=f"{a.id}-{copy}") for copy in range(repeat) for a in articles]


class TimedTag:
    """Wraps TimeTagger.tag and sums the wall time spent in it."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.original = timex.TimeTagger.tag

    def __enter__(self) -> TimedTag:
        original = self.original
        timer = self

        def tag(tagger: timex.TimeTagger, *args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return original(tagger, *args, **kwargs)
            finally:
                timer.seconds += time.perf_counter() - t0

        timex.TimeTagger.tag = tag  # type: ignore[method-assign]
        return self

    def __exit__(self, *_exc: object) -> None:
        timex.TimeTagger.tag = self.original  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    articles = load_articles(ROOT / "examples", repeat=args.repeat)
    nlp = load_nlp()
    extractor = Extractor(nlp=nlp)
    for _ in extractor.extract_many(articles[:2]):  # load gazetteer, registry, lexicon
        pass

    rounds = []
    for _ in range(args.rounds):
        with TimedTag() as timer:
            t0 = time.perf_counter()
            for _reading in extractor.extract_many(articles, batch_size=args.batch_size):
                pass
            full = time.perf_counter() - t0
        t0 = time.perf_counter()
        tagger = timex.TimeTagger()
        for a in articles:
            tagger.tag(a.text, article_id=a.id, anchor=a.published_date)
        alone = time.perf_counter() - t0
        rounds.append(
            {
                "full_s": full,
                "timex_s": timer.seconds,
                "share": timer.seconds / full,
                "timex_alone_s": alone,
                "alone_share": alone / full,
            }
        )
    result = {
        "articles": len(articles),
        "words": sum(len(a.text.split()) for a in articles),
        "rounds": rounds,
        "median_share": statistics.median(r["share"] for r in rounds),
        "median_alone_share": statistics.median(r["alone_share"] for r in rounds),
        "target": 0.10,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['articles']} articles, {result['words']} words, {args.rounds} rounds")
    for i, r in enumerate(rounds, 1):
        print(
            f"round {i}: full {r['full_s']:.2f} s, timex {r['timex_s']:.3f} s "
            f"(share {r['share']:.3f}); timex alone {r['timex_alone_s']:.3f} s "
            f"({r['alone_share']:.3f})"
        )
    print(
        f"median share of the pipeline spent in the time tagger: {result['median_share']:.3f}"
        f" (target < {result['target']:.2f}); regex+normalization alone:"
        f" {result['median_alone_share']:.3f}"
    )


if __name__ == "__main__":
    main()
