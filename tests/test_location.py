"""The event's own location (detente.location) on small hand-written sentences."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from detente.location import (
    SPECIFICITY,
    division_kind,
    event_location,
    ground_names,
    without_compass,
)
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


def test_a_place_modifying_the_actor_says_where_from(nlp: Language) -> None:
    text = "A Denver man shot his neighbour on Sunday."
    assert choose(nlp, text, "shot") is None


def test_a_condition_or_a_cause_tells_another_event(nlp: Language) -> None:
    text = "The team captured the title, even if its coach was not in Madrid."
    assert choose(nlp, text, "captured") is None


def test_a_coordinated_clause_tells_its_own_event(nlp: Language) -> None:
    text = "Troops captured the hill on Monday and later entered Baghdad."
    assert choose(nlp, text, "captured") is None
    assert choose(nlp, text, "entered") == "Baghdad"


def test_an_unknown_division_ranks_below_the_towns_inside_it(nlp: Language) -> None:
    doc = nlp("Soldiers liberated the villages of Kafr Nabl and Maarat in the Idlib province.")
    trigger = next(t for t in doc if t.text == "liberated")
    places = places_of(doc)
    kinds = {i: division_kind(name) for i, name in places.items()}
    specificity = {i: SPECIFICITY[kind] if kind else 0 for i, kind in kinds.items()}
    chosen = event_location(trigger, places, specificity=specificity)
    assert chosen is not None and "Idlib" not in chosen
    assert division_kind("Idlib province") == "admin1"
    assert division_kind("Pulwama district") == "admin2"
    assert division_kind("Idlib") is None


def test_names_the_recognizer_missed_in_a_place_slot(nlp: Language) -> None:
    doc = nlp("Rebels captured Birao on Monday and fighting went on near al-Qusayr.")
    found = {doc[start:end].text for start, end, _ in ground_names(doc)}
    assert "Birao" in found
    doc = nlp("The minister met the SDF and Abu Bakr at Oxford University.")
    found = {doc[start:end].text for start, end, _ in ground_names(doc)}
    assert not found & {"SDF", "Abu Bakr", "Oxford University"}


def test_the_owner_of_the_ground_is_the_location(nlp: Language) -> None:
    text = "Soldiers patrolled Iraq's northern oil fields on Monday."
    assert choose(nlp, text, "patrolled") == "Iraq"


def test_the_ground_of_a_verb_in_an_adverbial_clause(nlp: Language) -> None:
    text = "Five soldiers were killed while defending the town of Bakwa."
    assert choose(nlp, text, "killed") == "Bakwa"


def test_parts_and_divisions_named_by_their_construction(nlp: Language) -> None:
    assert without_compass("south Kashmir") == "Kashmir"
    assert without_compass("North Korea") == "Korea"  # the caller tries the whole name first
    assert without_compass("West") == "West"
    doc = nlp("Rebels were captured in the province of Irian Jaya.")
    jaya = next(t for t in doc if t.text == "Jaya")
    assert division_kind("Irian Jaya", jaya) == "admin1"
    assert division_kind("Irian Jaya") is None
