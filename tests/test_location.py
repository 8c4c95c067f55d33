"""The event's own location (detente.location) on small hand-written sentences."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from detente.location import (
    SPECIFICITY,
    border_names,
    division_kind,
    event_location,
    ground_names,
    rank_locations,
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


def test_a_later_event_in_a_coordinated_verb_is_not_the_location(nlp: Language) -> None:
    text = "Two men were shot in Mombasa and later died in a hospital in Nairobi."
    assert choose(nlp, text, "shot") == "Mombasa"


def test_the_source_of_a_report_is_not_the_location(nlp: Language) -> None:
    text = "The guard was wounded, according to a statement from the ministry in Cairo."
    assert choose(nlp, text, "wounded") is None


def test_a_topic_after_on_is_not_the_location(nlp: Language) -> None:
    text = "His statement on Venezuela captured the attention of investors."
    assert choose(nlp, text, "captured") is None


def test_the_destination_of_a_march(nlp: Language) -> None:
    assert choose(nlp, "Thousands of workers marched to Nairobi on Monday.", "marched") == (
        "Nairobi"
    )
    assert choose(nlp, "Thousands of families fled to Nairobi.", "fled") is None


def test_a_distance_from_a_place_puts_the_event_near_it(nlp: Language) -> None:
    text = "Rangers were patrolling a forest 10 miles from the town of Kakata."
    assert choose(nlp, text, "patrolling") == "Kakata"


def test_a_country_s_embassy_says_whose(nlp: Language) -> None:
    doc = nlp("Thousands marched past the U.S. embassy on Friday.")
    trigger = next(t for t in doc if t.text == "marched")
    places = places_of(doc)
    countries = {i for i, name in places.items() if name == "U.S."}
    assert countries and event_location(trigger, places, countries=countries) is None


def test_a_place_inside_a_quoted_title_is_not_the_location(nlp: Language) -> None:
    text = 'The mood of the city was captured by the novel "A Week in Lisbon".'
    assert choose(nlp, text, "captured") is None


def test_a_place_that_only_locates_another_ranks_after_it(nlp: Language) -> None:
    text = "Two soldiers were killed in Mosul, north of Baghdad."
    assert choose(nlp, text, "killed") == "Mosul"


def test_an_appositive_naming_the_ground(nlp: Language) -> None:
    text = "The rebels captured the region's capital, Bangui, on Sunday."
    assert choose(nlp, text, "captured") == "Bangui"


def test_an_unknown_name_as_object_ranks_after_a_locative_phrase(nlp: Language) -> None:
    doc = nlp("They captured Abu Hamza, the group's commander, in Pakistan.")
    trigger = next(t for t in doc if t.text == "captured")
    hamza = next(t for t in doc if t.text == "Hamza")
    pakistan = next(t for t in doc if t.text == "Pakistan")
    places = {hamza.i: "Abu Hamza", pakistan.i: "Pakistan"}
    specificity = {hamza.i: SPECIFICITY["unknown"], pakistan.i: SPECIFICITY["country"]}
    assert rank_locations(trigger, places, specificity=specificity)[0] == "Pakistan"


def test_a_coordinated_clause_with_its_own_subject_ranks_low(nlp: Language) -> None:
    text = (
        "In Basra, a shopkeeper was killed by gunmen, and in the Zubair district "
        "two men were wounded."
    )
    assert choose(nlp, text, "killed") == "Basra"


def test_a_place_in_the_subject_s_phrase_ranks_with_the_loose_ones(nlp: Language) -> None:
    doc = nlp("Residents of the Zaatari camp near Amman protested at the site on Sunday.")
    trigger = next(t for t in doc if t.text == "protested")
    places = places_of(doc)
    specificity = {
        i: SPECIFICITY["unknown" if "Zaatari" in n else "city"] for i, n in places.items()
    }
    chosen = event_location(trigger, places, specificity=specificity)
    assert chosen is not None and "Zaatari" in chosen


def test_more_names_in_a_place_slot(nlp: Language) -> None:
    doc = nlp("Clashes continued in the vicinity of Sarmin.")
    assert {doc[start:end].text for start, end, _ in ground_names(doc)} == {"Sarmin"}
    doc = nlp("Dozens died in the siege on Tadef.")
    assert {doc[start:end].text for start, end, _ in ground_names(doc)} == {"Tadef"}
    doc = nlp("A merchant in the city's central Bazaar was killed.")
    assert not {doc[start:end].text for start, end, _ in ground_names(doc)}
    doc = nlp("Troops patrolled the Kenyan-Somali border and the Tana River.")
    borders = {doc[start:end].text for start, end, _ in border_names(doc)}
    assert borders == {"Kenyan-Somali border"}


def test_the_area_between_two_places(nlp: Language) -> None:
    doc = nlp(
        "Peacekeepers patrol in the buffer zone between the Kenyan-Somali border and Mandera."
    )
    trigger = next(t for t in doc if t.text == "patrol")
    places = places_of(doc)
    for start, end, head in border_names(doc):
        places[head] = doc[start:end].text
    assert event_location(trigger, places) in {"Kenyan-Somali border", "Mandera"}


def test_names_of_roads_and_buildings_in_a_place_slot(nlp: Language) -> None:
    doc = nlp("The bomb went off at a polling station in al-Nahda school.")
    assert "al-Nahda" in {doc[start:end].text for start, end, _ in ground_names(doc)}
    doc = nlp("A bomb was detonated on the al-Furat Road on Friday.")
    assert "al-Furat Road" in {doc[start:end].text for start, end, _ in ground_names(doc)}


def test_a_relative_clause_on_its_place(nlp: Language) -> None:
    text = "Iraq, whose oil fields were bombed by jets, backed Serbia during the war on Kosovo."
    assert choose(nlp, text, "bombed") == "Iraq"
