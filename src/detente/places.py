"""Place names: a location or a government? And which gazetteer entry?

A country or capital name in a role only an actor can fill ("Russia proposed",
"encouraged Moscow and Kyiv", "talks with Kyiv") is a state actor, the capital marked as
a metonym; in a locative phrase ("in Istanbul", "the Istanbul talks") it is a place,
resolved through the gazetteer. Venues ("Ciragan Palace") come from the venue table.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from detente.gazetteer import Gazetteer
from detente.mentions import Candidate, is_locative
from detente.registry import Registry
from detente.resolution import Resolution, evidence, heads
from detente.vocabulary import Actor, ActorMention, Article, Place, PlaceMention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


class PlaceResolver:
    """Resolves place-name candidates of one Doc; registry and gazetteer are injected."""

    def __init__(self, *, registry: Registry, gazetteer: Gazetteer) -> None:
        self.registry = registry
        self.gazetteer = gazetteer

    def resolve_name(
        self, doc: Doc, article: Article, cand: Candidate, result: Resolution, taken: set[int]
    ) -> None:
        text = doc[cand.start : cand.end].text.removesuffix("'s").strip()
        head = doc[cand.head]
        if cand.label == "FAC":
            venue = self.gazetteer.venue(text)
            if venue is not None:
                result.add_place(
                    PlaceMention(venue, evidence(doc, article, cand.start, cand.end)), cand.head
                )
                taken.update(range(cand.start, cand.end))
            return
        country = self.registry.country(text)
        capital = None if country else self.registry.capital(text)
        region = country is not None and country.is_region
        if region and head.dep_ == "poss":
            country = None  # "Europe's largest conflict": where, not who
        if not is_locative(head) and (country or capital) and _acting(head):
            code = country.iso3 if country else capital
            assert code is not None
            actor = Actor(
                code=code,
                name=text if region else self._country_name(code),
                kind="group" if region else "state",
                country=code,
            )
            result.add_actor(
                ActorMention(
                    actor,
                    evidence(doc, article, cand.start, cand.end),
                    metonym=capital is not None,
                ),
                *heads(head),
            )
            taken.update(range(cand.start, cand.end))
            return
        if head.dep_ == "compound" and head.head.ent_type_ in {"PERSON", "ORG"}:
            return
        place: Place | None
        if country is not None:
            place = self.gazetteer.country(country.iso3)
        else:
            place = self.gazetteer.resolve(text)
        if place is not None:
            result.add_place(
                PlaceMention(place, evidence(doc, article, cand.start, cand.end)), cand.head
            )
            taken.update(range(cand.start, cand.end))

    def with_missed_places(self, doc: Doc, candidates: list[Candidate]) -> list[Candidate]:
        """Add country and capital names the NER missed or mislabelled ("Kyiv" often comes
        out as an organisation or not at all)."""
        candidates = [
            replace(c, label="GPE")
            if c.label in {"NORP", "ORG"}
            and (self.registry.country(t := doc[c.start : c.end].text) or self.registry.capital(t))
            else c
            for c in candidates
        ]
        covered = {i for c in candidates for i in range(c.start, c.end)}
        extra = [
            Candidate(t.i, t.i + 1, t.i, "GPE", is_locative(t))
            for t in doc
            if t.i not in covered
            and t.pos_ == "PROPN"
            and (self.registry.country(t.text) or self.registry.capital(t.text))
        ]
        return sorted([*candidates, *extra], key=lambda c: (c.start, c.end))

    def _country_name(self, code: str) -> str:
        return country_name(self.registry, code)


def country_name(registry: Registry, code: str) -> str:
    """The name news uses for a country: "Russia", "Turkey", "the United States"."""
    entry = registry.country(code)
    if entry is None:
        return code
    usable = [
        n
        for n in (entry.name, *entry.names[:4])
        if "," not in n and "." not in n and not n.isupper() and len(n) >= 4
    ]
    name = min(usable, key=len) if usable else entry.name
    if (
        name.startswith("United ")
        or "Republic" in name
        or name
        in {"Netherlands", "Philippines", "Bahamas", "Gambia", "Maldives", "Comoros", "Seychelles"}
    ):
        return f"the {name}"
    return name


def _acting(token: Token) -> bool:
    """A place name in a role only an actor can fill."""
    dep = token.dep_
    if dep in {"nsubj", "nsubjpass", "dobj", "iobj", "dative", "poss", "agent"}:
        return True
    if dep == "pobj" and token.head.lower_ in {
        "with",
        "between",
        "to",
        "against",
        "by",
        "from",
        "on",
        "for",
        "among",
    }:
        return True
    if dep == "conj" and token.head is not token:
        return _acting(token.head)
    return False


def toponyms(result: Resolution, *, gazetteer: Gazetteer) -> list[PlaceMention]:
    """Every place name of a resolved Doc with its gazetteer entry, in text order: the
    place mentions, and the country and capital names that stand for a government
    ("Moscow said") placed where they name. Nationality words ("Russian") are not
    toponyms and are left out."""
    out = list(result.places)
    for mention in result.actors:
        if mention.actor.kind != "state" or not mention.actor.country:
            continue
        text = mention.evidence.span.text.removesuffix("'s").strip()
        found = gazetteer.candidates(text)
        if not found:
            continue
        if mention.metonym:
            place = gazetteer.resolve(text, country=mention.actor.country) or found[0]
        else:
            place = gazetteer.country(mention.actor.country) or found[0]
        out.append(PlaceMention(place, mention.evidence))
    out.sort(key=lambda m: m.evidence.span.start)
    return out
