"""The result of the resolve stage for one Doc, shared by the actor and place resolvers
and read by the event stage: actor and place mentions, indexed by the head tokens that
name them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from detente.taxonomy import NON_STATE_SECTORS
from detente.vocabulary import Actor, ActorMention, Article, Evidence, PlaceMention, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

EXTRACTOR = "detente.resolve"
VERSION = "0.1.0"


@dataclass
class Resolution:
    """Everything resolve found in one Doc."""

    actors: list[ActorMention] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    by_token: dict[int, list[ActorMention]] = field(default_factory=dict)
    place_by_token: dict[int, PlaceMention] = field(default_factory=dict)

    def add_actor(self, mention: ActorMention, *tokens: int) -> None:
        self.actors.append(mention)
        for i in tokens:
            bucket = self.by_token.setdefault(i, [])
            if all(m.actor.code != mention.actor.code for m in bucket):
                bucket.append(mention)

    def add_place(self, mention: PlaceMention, token: int) -> None:
        self.places.append(mention)
        self.place_by_token[token] = mention


def evidence(
    doc: Doc,
    article: Article,
    start: int,
    end: int,
    confidence: float = 1.0,
    *,
    extractor: str = EXTRACTOR,
    version: str = VERSION,
) -> Evidence:
    """The evidence of tokens [start, end) of a Doc, read by `extractor` at `version`."""
    span = doc[start:end]
    return Evidence(
        span=Span(article.id, span.start_char, span.end_char, span.text),
        extractor=extractor,
        version=version,
        confidence=confidence,
    )


def heads(token: Token) -> tuple[int, ...]:
    """The token and, for a name inside a bigger noun phrase, that phrase's head."""
    heads = [token.i]
    current = token
    while current.dep_ == "compound" and current.head.i != current.i:
        current = current.head
        heads.append(current.i)
    return tuple(heads)


def side_of(actor: Actor) -> str | None:
    """The side an actor stands for: its state (all its organs and officials are one), or
    an armed group or opposition of its own ("the government and the M23 rebels": two
    sides of one country); None for an actor of no country that is neither."""
    if actor.sector in NON_STATE_SECTORS:
        return f"{actor.country or ''}:{actor.code}:{actor.name}"
    return actor.country
