"""The flow of one article: parse -> mentions -> resolve -> times -> events -> negotiation.

    extractor = Extractor()                       # model and data load lazily
    reading = extractor.extract(article)          # one Article -> one Reading
    for reading in extractor.extract_many(articles): ...   # nlp.pipe in batches

Collaborators (spaCy pipeline, actor registry, gazetteer, verb lexicon) are injected for
tests and default to the bundled ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from detente.parse import load_nlp, parse
from detente.vocabulary import Article, Reading

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from detente.gazetteer import Gazetteer
    from detente.registry import Registry
    from detente.verbs import VerbLexicon


class Extractor:
    """Reads articles into Readings."""

    def __init__(
        self,
        *,
        nlp: Language | None = None,
        registry: Registry | None = None,
        gazetteer: Gazetteer | None = None,
        lexicon: VerbLexicon | None = None,
    ) -> None:
        self._nlp = nlp
        self._registry = registry
        self._gazetteer = gazetteer
        self._lexicon = lexicon

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = load_nlp()
        return self._nlp

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            from detente.registry import Registry

            self._registry = Registry.default()
        return self._registry

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            from detente.gazetteer import Gazetteer

            self._gazetteer = Gazetteer.default()
        return self._gazetteer

    @property
    def lexicon(self) -> VerbLexicon:
        if self._lexicon is None:
            from detente.verbs import VerbLexicon

            self._lexicon = VerbLexicon.default()
        return self._lexicon

    def extract(self, article: Article) -> Reading:
        return self.read_doc(article, self.nlp(article.text))

    def extract_many(
        self, articles: Iterable[Article], *, batch_size: int = 32
    ) -> Iterator[Reading]:
        for article, doc in parse(articles, nlp=self.nlp, batch_size=batch_size):
            yield self.read_doc(article, doc)

    def read_doc(self, article: Article, doc: Doc) -> Reading:
        from detente.classify import dyad_model
        from detente.events import EventExtractor
        from detente.grammar import tense_at
        from detente.negotiation import NegotiationReader
        from detente.resolve import Resolver
        from detente.timex import TimeTagger

        resolution = Resolver(registry=self.registry, gazetteer=self.gazetteer).resolve(
            doc, article
        )
        zones = _sentence_zones(doc, resolution)
        tagger = TimeTagger(
            zone_of=lambda offset: _zone_at(doc, zones, offset),
            tense_of=lambda offset: tense_at(doc, offset),
            city_zone=lambda name: (
                place.timezone if (place := self.gazetteer.resolve(name)) else None
            ),
        )
        times = tagger.tag(article.text, article_id=article.id, anchor=article.published_date)
        event_stage = EventExtractor(
            lexicon=self.lexicon, gazetteer=self.gazetteer, model=dyad_model()
        )
        events = event_stage.extract(doc, article, resolution, times)
        talks = NegotiationReader(registry=self.registry).read(
            doc,
            article,
            resolution,
            times,
            events,
            event_stage.context(doc, article, resolution, times),
        )
        return Reading(
            article=article,
            actors=tuple(resolution.actors),
            places=tuple(resolution.places),
            times=tuple(times),
            events=tuple(events),
            rounds=tuple(talks.rounds),
            proposals=tuple(talks.proposals),
            positions=tuple(talks.positions),
            processes=tuple(talks.processes),
        )


def _sentence_zones(doc: Doc, resolution: object) -> dict[int, str]:
    """The time zone of each sentence: that of the first located place in it, else the
    article's first located place (the dateline usually)."""
    places = getattr(resolution, "places", [])
    zones: dict[int, str] = {}
    first: str | None = None
    for mention in places:
        zone = mention.place.timezone
        if not zone:
            continue
        span = doc.char_span(
            mention.evidence.span.start, mention.evidence.span.end, alignment_mode="expand"
        )
        if span is None:
            continue
        zones.setdefault(span.sent.start, zone)
        first = first or zone
    if first:
        zones[-1] = first
    return zones


def _zone_at(doc: Doc, zones: dict[int, str], offset: int) -> str | None:
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")
    if span is None:
        return zones.get(-1)
    return zones.get(span.sent.start, zones.get(-1))
