"""The event's own location (detente.location) on small hand-written sentences."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from detente.location import event_location
from detente.mentions import find_toponyms

pytestmark = pytest.mark.slow


def places_of(doc: Doc) -> dict[int, str]:
    """Head token -> text of every place name: place entities and constructions."""
    out = {ent.root.i: ent.text for ent in doc.ents if ent.label_ in {"GPE", "LOC", "FAC"}}
    for cand in find_toponyms(doc):
        out.setdefault(cand.head, doc[cand.start : cand.end].text)
    return out


def choose(nlp: Language, text: str, verb: str, **options: object) -> str | None:
    doc = nlp(text)
    trigger = next(t for t in doc if t.text == verb)
    return event_location(trigger, places_of(doc), **options)  # type: ignore[arg-type]


def test_a_locative_phrase_on_the_verb(nlp: Language) -> None:
    assert choose(nlp, "Rebels and soldiers clashed in Aleppo on Sunday.", "clashed") == "Aleppo"


def test_not_where_the_speaker_stood(nlp: Language) -> None:
    text = "Speaking in Washington, the minister said troops had captured Kandahar."
    assert choose(nlp, text, "captured") == "Kandahar"


def test_a_place_that_acts_is_not_the_location(nlp: Language) -> None:
    text = "Moscow said that heavy clashes erupted in Donetsk overnight."
    assert choose(nlp, text, "erupted") == "Donetsk"


def test_the_ground_a_verb_of_taking_acts_on(nlp: Language) -> None:
    text = "The rebels captured the town of Bakwa last month."
    assert choose(nlp, text, "captured") == "Bakwa"


def test_a_sentence_opening_phrase_covers_the_clause(nlp: Language) -> None:
    text = "In Vienna, thousands of people marched to demand a ceasefire."
    assert choose(nlp, text, "marched") == "Vienna"


def test_an_origin_is_not_the_location(nlp: Language) -> None:
    assert choose(nlp, "Thousands of families fled from Aleppo.", "fled") is None


def test_a_country_modifier_says_whose_not_where(nlp: Language) -> None:
    text = "Two men were killed by a Russian drone strike."
    doc = nlp("Two men were killed by a U.S. drone strike.")
    trigger = next(t for t in doc if t.text == "killed")
    places = places_of(doc)
    countries = {i for i, name in places.items() if name == "U.S."}
    assert event_location(trigger, places, countries=countries) is None
    assert choose(nlp, text, "killed") is None
