"""How fast is the event stage next to parsing? Sentences per second and their ratio.

    .venv/bin/python bench/bench_events.py [--repeat N] [--rounds R] [--json]

Reads the articles in examples/ (N copies), and in one process, over R rounds:
  parse   `nlp.pipe` over the texts (spaCy alone), timed;
  events  `EventExtractor.extract` alone (finding triggers, arguments, status,
          attribution, the trained dyad head with its sentence encoder, folding), timed
          around that call only while the other stages (resolve, times) run untimed on
          the parsed docs. The encoder is loaded before timing (its one-off load is
          reported apart), its sentence cache is emptied before each article, and the
          time it spends encoding (inside the events time) is reported too; so is the
          time of the tuned encoder (one marked dyad per forward pass).
Reported: best-of-R seconds, sentences per second of each, and events/parse speed
ratio. One process, one core (spaCy and numpy run single-threaded here). The issue's
aim is >= 200 sentences/s per core for the event stage.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from detente import events as events_module  # noqa: E402
from detente.errors import InputError  # noqa: E402
from detente.parse import load_nlp  # noqa: E402
from detente.pipeline import Extractor  # noqa: E402
from detente.read import read_articles  # noqa: E402
from detente.vocabulary import Article  # noqa: E402


def load(folder: Path, repeat: int) -> list[Article]:
    out: list[Article] = []
    for item in read_articles([folder]):
        if isinstance(item, InputError):
            raise SystemExit(f"bench: {item}")
        out.append(item)
    if not out:
        raise SystemExit(f"bench: no articles in {folder}")
    from dataclasses import replace

    return [replace(a, id=f"{a.id}-{k}") for k in range(repeat) for a in out]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    articles = load(ROOT / "examples", args.repeat)
    nlp = load_nlp()
    extractor = Extractor(nlp=nlp)
    from detente.classify import sentence_encoder

    encoder = sentence_encoder()
    start = time.perf_counter()
    encoder.states("Warm-up.")  # the one-off load of the encoder's weights
    encoder_load = time.perf_counter() - start
    extractor.read_doc(articles[0], nlp(articles[0].text))  # load data and the head once
    encoded = [0]
    encoding = [0.0]
    original_states = type(encoder).states

    def counted_states(self, text):  # type: ignore[no-untyped-def]
        if text in self._cache:
            return original_states(self, text)
        start = time.perf_counter()
        try:
            return original_states(self, text)
        finally:
            encoded[0] += 1
            encoding[0] += time.perf_counter() - start

    type(encoder).states = counted_states  # type: ignore[method-assign]

    from detente.classify import TunedHead, _ships_tuned, dyad_tuner

    # The tuned encoder, when the shipped head uses one: adapters merged at load, untimed.
    tuner = dyad_tuner() if _ships_tuned() else None
    tuned = [0]
    tuning = [0.0]
    original_log_probs = TunedHead.log_probs

    def counted_log_probs(self, text, source, target, trigger=None):  # type: ignore[no-untyped-def]
        if (text, source, target, trigger) in self._cache:
            return original_log_probs(self, text, source, target, trigger)
        start = time.perf_counter()
        try:
            return original_log_probs(self, text, source, target, trigger)
        finally:
            tuned[0] += 1
            tuning[0] += time.perf_counter() - start

    TunedHead.log_probs = counted_log_probs  # type: ignore[method-assign]

    spent = [0.0]
    original = events_module.EventExtractor.extract

    def timed_extract(self, *a, **k):  # type: ignore[no-untyped-def]
        encoder._cache.clear()  # each article pays for its own sentences (copies repeat)
        if tuner is not None:
            tuner._cache.clear()
        start = time.perf_counter()
        try:
            return original(self, *a, **k)
        finally:
            spent[0] += time.perf_counter() - start

    events_module.EventExtractor.extract = timed_extract  # type: ignore[method-assign]
    texts = [a.text for a in articles]
    parse_best = events_best = float("inf")
    encoder_best = tuned_best = 0.0
    sentences = events_found = 0
    for _ in range(args.rounds):
        start = time.perf_counter()
        docs = list(nlp.pipe(texts, batch_size=32))
        parse_best = min(parse_best, time.perf_counter() - start)
        sentences = sum(1 for d in docs for _ in d.sents)
        spent[0] = 0.0
        encoded[0] = 0
        encoding[0] = 0.0
        tuned[0] = 0
        tuning[0] = 0.0
        events_found = sum(
            len(extractor.read_doc(a, d).events) for a, d in zip(articles, docs, strict=True)
        )
        if spent[0] < events_best:
            encoder_best = encoding[0]
            tuned_best = tuning[0]
        events_best = min(events_best, spent[0])
    events_module.EventExtractor.extract = original  # type: ignore[method-assign]
    type(encoder).states = original_states  # type: ignore[method-assign]
    TunedHead.log_probs = original_log_probs  # type: ignore[method-assign]
    result = {
        "articles": len(articles),
        "sentences": sentences,
        "events": events_found,
        "parse_seconds": round(parse_best, 4),
        "events_seconds": round(events_best, 4),
        "parse_sentences_per_s": round(sentences / parse_best, 1),
        "events_sentences_per_s": round(sentences / events_best, 1),
        "events_vs_parse_speed": round(parse_best / events_best, 2),
        "sentences_encoded_per_round": encoded[0],
        "encoder_seconds": round(encoder_best, 4),
        "dyads_tuned_per_round": tuned[0],
        "tuned_encoder_seconds": round(tuned_best, 4),
        "encoder_load_seconds": round(encoder_load, 2),
        "python": platform.python_version(),
        "rounds": args.rounds,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for key, value in result.items():
        print(f"{key:>24}: {value}")


if __name__ == "__main__":
    main()
