"""Shared fixtures: the spaCy pipeline (loaded once per session) and hand-made Readings.

Store and CLI tests build small Readings by hand so they run in milliseconds and do not
depend on the extraction stages, which change under them.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from detente.read import content_id
from detente.vocabulary import (
    Actor,
    ActorMention,
    Article,
    Attribution,
    Event,
    Evidence,
    Place,
    PlaceMention,
    Reading,
    Span,
    TimeValue,
)

# ../shared beside the repository (as CI lays it out), or DETENTE_SHARED.
# A local Ray started by any test binds to loopback only and reports no usage statistics;
# both are read when ray is first imported, so they are set before any test runs.
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

SHARED = Path(os.environ.get("DETENTE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
requires_shared = pytest.mark.skipif(
    not (SHARED / "corpus").is_dir(), reason=f"{SHARED} not found: set DETENTE_SHARED"
)
ReadingFactory = Callable[..., Reading]


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The real spaCy pipeline, loaded once for every test marked slow."""
    from detente.parse import load_nlp

    return load_nlp()


def evidence_of(article: Article, word: str, *, extractor: str = "test", nth: int = 0) -> Evidence:
    """Evidence for the `nth` occurrence of `word` in the article text."""
    start = -1
    for _ in range(nth + 1):
        start = article.text.index(word, start + 1)
    span = Span(article.id, start, start + len(word), word)
    return Evidence(span, extractor=extractor, version="1", confidence=0.9)


def actor_mention(article: Article, word: str, code: str, country: str | None) -> ActorMention:
    actor = Actor(code=code, name=word, kind="state", country=country)
    return ActorMention(actor, evidence_of(article, word))


def build_reading(
    text: str = "Ukraine and Russia met in Istanbul on June 2. Turkey hosted the talks.",
    *,
    article_id: str | None = None,
    published: date | None = date(2025, 6, 1),
    event_day: str | None = "2025-06-02",
    event_type: str = "CONSULT",
    source: str = "test.txt",
) -> Reading:
    """A Reading of one article with one CONSULT event (UKR with RUS, hosted by TUR)."""
    article = Article(
        id=article_id or content_id(text),
        text=text,
        published=published,
        title="Talks",
        url="https://example.org/talks",
        outlet="Example Wire",
        source=source,
    )
    ukr = actor_mention(article, "Ukraine", "UKR", "UKR")
    rus = actor_mention(article, "Russia", "RUS", "RUS")
    tur = actor_mention(article, "Turkey", "TUR", "TUR")
    place = PlaceMention(
        Place("geonames:745044", "Istanbul", "city", "TUR", 41.01, 28.95),
        evidence_of(article, "Istanbul"),
    )
    time = TimeValue("DATE", event_day, evidence_of(article, "June 2")) if event_day else None
    event = Event(
        id=f"{article.id}-e1",
        article_id=article.id,
        type=event_type,
        status="past",
        evidence=evidence_of(article, "met"),
        mode="meet",
        sources=(ukr,),
        targets=(rus,),
        symmetric=True,
        host=tur,
        place=place,
        time=time,
        attribution=Attribution("author"),
        mentions=(evidence_of(article, "met"), evidence_of(article, "talks")),
    )
    return Reading(
        article=article,
        actors=(ukr, rus, tur),
        places=(place,),
        times=(time,) if time else (),
        events=(event,),
    )


@pytest.fixture
def make_reading() -> ReadingFactory:
    return build_reading


def dump_db(path: Path | str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: compare before and after to prove nothing changed."""
    with sqlite3.connect(path) as conn:
        names = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        return {
            name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }


@pytest.fixture
def dump() -> Callable[[Path | str], dict[str, list[tuple[Any, ...]]]]:
    return dump_db
