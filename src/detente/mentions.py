"""Mentions: the spans of a parsed article that may name an actor or a place.

Pure matching over the spaCy Doc: nothing here looks anything up or writes to the Doc.
`find_mentions(doc)` returns `Candidate`s; the resolve stage decides what each one is.

A candidate is anchored on its head token (the token other words depend on), which is how
the event stage finds it again from a verb's subject or object. A place name is told from
a metonym by its syntax: "in Istanbul", "the Istanbul talks" are locations; "Moscow said",
"encouraged both Moscow and Kyiv" are governments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from detente.parse import doc_dateline

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


# Prepositions whose object is a location ("in Istanbul", "at Ciragan Palace").
LOCATIVE_PREPS = frozenset(
    {
        "in",
        "at",
        "near",
        "inside",
        "outside",
        "across",
        "throughout",
        "into",
        "around",
        "within",
        "over",
        "on",
        "toward",
        "towards",
        "via",
        "through",
    }
)
# Syntactic roles in which a place name acts: it is a government, not a location.
ACTING_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "iobj", "dative", "agent", "poss", "appos"})
# Prepositions whose object takes part in an event as a party ("talks with Ukraine").
PARTY_PREPS = frozenset({"with", "between", "against", "to", "by", "from", "on", "among"})
ENT_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})


@dataclass(frozen=True)
class Candidate:
    """A span [start, end) of tokens that may name an actor or a place.

    `label` is the spaCy entity label, or "NOMINAL" for a common-noun phrase headed by an
    agent noun ("Ukrainian negotiators"), or "PRON" for a pronoun. `locative` tells that
    the syntax puts it as a location; `modifiers` are the tokens to the left that qualify
    it (nationality adjectives, titles).
    """

    start: int
    end: int
    head: int
    label: str
    locative: bool


def phrase_head(doc: Doc, start: int, end: int) -> Token:
    """The token of [start, end) whose head lies outside the span."""
    span = doc[start:end]
    return span.root


def is_locative(token: Token) -> bool:
    """Does the syntax put `token` (the head of a name) as a location? A name in the
    dateline always is one: where the story was filed."""
    found = doc_dateline(token.doc)
    if found is not None and token.idx < found.body:
        return True
    dep, head = token.dep_, token.head
    if dep == "pobj" and head.lemma_.lower() in LOCATIVE_PREPS:
        # "sent to Russia" is a recipient, "in Russia" a place; "on" is a place only for
        # on the border / on the front (nouns), never for people.
        return head.lemma_.lower() != "on" or token.ent_type_ in {"LOC", "FAC"}
    if (
        dep == "pobj"
        and head.lemma_.lower() == "to"
        and head.head.lemma_.lower()
        in {
            "travel",
            "go",
            "arrive",
            "fly",
            "come",
            "return",
            "visit",
            "trip",
            "head",
        }
    ):
        return True
    if dep in {"compound", "nmod", "amod"} and token.head.pos_ == "NOUN":
        # "the Istanbul talks", "Istanbul meeting": a place modifying an event noun.
        return token.ent_type_ in {"GPE", "LOC", "FAC"}
    if dep == "npadvmod":
        return True
    if dep in {"conj", "appos"} and token.head.i != token.i:
        return is_locative(token.head)
    return False


def find_mentions(doc: Doc) -> list[Candidate]:
    """Named entities, nationality-headed noun phrases and pronouns, in text order."""
    out: list[Candidate] = []
    taken: set[int] = set()
    for ent in doc.ents:
        if ent.label_ not in ENT_LABELS:
            continue
        start, end = ent.start, ent.end
        # Leading determiners are not part of the name ("the United States").
        while start < end and doc[start].pos_ == "DET":
            start += 1
        if start == end:
            continue
        head = phrase_head(doc, start, end)
        out.append(Candidate(start, end, head.i, ent.label_, is_locative(head)))
        taken.update(range(start, end))
    for token in doc:
        if token.i in taken:
            continue
        if token.pos_ == "PRON" and token.lower_ in {"he", "she", "they", "we", "it"}:
            out.append(Candidate(token.i, token.i + 1, token.i, "PRON", False))
        elif (
            token.pos_ in {"ADJ", "PROPN"}
            and token.tag_ in {"JJ", "NNP", "NNPS"}
            and (token.dep_ in {"amod", "compound", "conj"} and not token.ent_type_)
        ):
            # Adjectives the NER missed ("Russian" in "the Russian delegation" is usually
            # NORP, but not always); the resolver keeps only real nationalities.
            out.append(Candidate(token.i, token.i + 1, token.i, "NORP", False))
    out.sort(key=lambda c: (c.start, c.end))
    return out


# Common nouns that name a kind of place: a proper name beside them is a toponym ("the
# town of Bakwa", "Makhmur district", "the Homs province").
PLACE_NOUNS = frozenset(
    {
        "city",
        "town",
        "village",
        "hamlet",
        "district",
        "province",
        "governorate",
        "region",
        "county",
        "parish",
        "state",
        "area",
        "neighbourhood",
        "neighborhood",
        "suburb",
        "municipality",
        "camp",
        "valley",
        "island",
        "islands",
        "river",
        "lake",
        "mountain",
        "mountains",
        "border",
        "crossing",
        "port",
        "airport",
        "base",
        "outpost",
        "settlement",
        "settlements",
        "towns",
        "villages",
        "cities",
        "oblast",
        "countryside",
        "capital",
        "peninsula",
        "desert",
        "plain",
        "prefecture",
        "commune",
        "point",
        "checkpoint",
        "plant",
        "site",
        "field",
        "compound",
        "market",
        "square",
        "street",
        "road",
        "bridge",
        "station",
        "terminal",
        "hospital",
        "mosque",
        "church",
        "palace",
        "hotel",
        "embassy",
        "refinery",
        "quarter",
        "zone",
    }
)
# Entity labels that a place-noun construction may override (the small model often calls
# an unfamiliar town a person or an organisation).
_OVERRIDABLE = frozenset(
    {"", "PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART"}
)


def _name_chain(doc: Doc, token: Token) -> tuple[int, int] | None:
    """The run of capitalized proper-noun tokens (with inner hyphens) around `token`."""

    def part(t: Token) -> bool:
        return (t.pos_ == "PROPN" or t.text[:1].isupper()) and (
            t.text[:1].isupper() or t.text in {"-", "al", "el", "de", "of"}
        )

    if not token.text[:1].isupper() or token.pos_ not in {"PROPN", "NOUN", "ADJ"}:
        return None
    start = token.i
    while start > token.sent.start and part(doc[start - 1]) and doc[start - 1].text[:1].isupper():
        start -= 1
    end = token.i + 1
    while end < token.sent.end and part(doc[end]):
        end += 1
    while end - 1 > start and not doc[end - 1].text[:1].isupper():
        end -= 1
    return start, end


def find_toponyms(doc: Doc) -> list[Candidate]:
    """Place names the entity recognizer may miss, found by their construction: a
    capitalized name beside a place noun ("the town of Bakwa", "the village of Sheikh
    Najjar", "Makhmur district", "Laurel County") or after a locative preposition that
    the recognizer left unlabelled ("in Taji"). Labelled "LOC"; not looked up here."""
    out: list[Candidate] = []
    seen: set[tuple[int, int]] = set()

    def add(start: int, end: int) -> None:
        if (start, end) in seen or end <= start:
            return
        if any(doc[i].ent_type_ not in _OVERRIDABLE for i in range(start, end)):
            return
        if all(doc[i].is_stop or not doc[i].is_alpha for i in range(start, end)):
            return
        seen.add((start, end))
        head = phrase_head(doc, start, end)
        out.append(Candidate(start, end, head.i, "LOC", is_locative(head)))

    for token in doc:
        lower = token.lower_
        if lower not in PLACE_NOUNS or token.pos_ not in {"NOUN", "PROPN"}:
            continue
        # "the town of Bakwa", "the cities of Palmyra and Quaryatayn"
        for prep in token.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                for obj in prep.children:
                    if obj.dep_ == "pobj":
                        for name in [obj, *(c for c in obj.children if c.dep_ == "conj")]:
                            chain = _name_chain(doc, name)
                            if chain:
                                add(*chain)
        # "Makhmur district", "Laurel County", "the Jumla and Diwan villages"
        for child in token.children:
            if child.dep_ in {"compound", "nmod", "amod"} and child.i < token.i:
                chain = _name_chain(doc, child)
                if chain and chain[1] <= token.i:
                    if token.text[:1].isupper() and chain[1] == token.i:
                        chain = (chain[0], token.i + 1)  # "Laurel County" is one name
                    add(*chain)
                    for conj in child.children:
                        if conj.dep_ == "conj" and (c2 := _name_chain(doc, conj)):
                            add(*c2)
    for token in doc:
        if token.dep_ == "pobj" and token.head.lower_ in {"in", "at", "near", "outside"}:
            # "in Al-Dawr": the small model often calls an unknown town a person.
            if token.ent_type_ not in {"", "PERSON"} or token.pos_ != "PROPN":
                continue
            chain = _name_chain(doc, token)
            if chain:
                add(*chain)
    out.sort(key=lambda c: (c.start, c.end))
    return out
