"""The flow of one article: parse -> mentions -> resolve -> events. Library entry point.

extractor = Extractor()                       # loads model and data lazily
reading = extractor.extract(article)          # one Article -> one Reading
for reading in extractor.extract_many(articles): ...   # nlp.pipe in batches
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from detente.parse import load_nlp, parse
from detente.vocabulary import Article, Reading


class Extractor:
    """Reads articles into Readings. Collaborators are injected for tests."""

    def __init__(self, *, nlp: Language | None = None) -> None:
        self._nlp = nlp

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = load_nlp()
        return self._nlp

    def extract(self, article: Article) -> Reading:
        return self.read_doc(article, self.nlp(article.text))

    def extract_many(
        self, articles: Iterable[Article], *, batch_size: int = 32
    ) -> Iterator[Reading]:
        for article, doc in parse(articles, nlp=self.nlp, batch_size=batch_size):
            yield self.read_doc(article, doc)

    def read_doc(self, article: Article, doc: Doc) -> Reading:
        # Stages are wired in as they land (mentions, resolve, events).
        return Reading(article=article)
