"""Place names through mentions and resolve: recognition, metonymy, demonyms, context."""

from __future__ import annotations

import pytest
from spacy.language import Language

from detente.gazetteer import Gazetteer
from detente.mentions import find_toponyms
from detente.places import toponyms
from detente.registry import Registry
from detente.resolution import Resolution
from detente.resolve import Resolver
from detente.vocabulary import Article

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(registry=Registry.default(), gazetteer=Gazetteer.default())


def resolve(nlp: Language, resolver: Resolver, text: str) -> tuple[Resolution, object]:
    doc = nlp(text)
    return resolver.resolve(doc, Article(id="t", text=text)), doc


def places(result: Resolution) -> dict[str, str]:
    return {m.evidence.span.text: m.place.id for m in result.places}


def test_place_noun_constructions_are_toponyms(nlp: Language) -> None:
    doc = nlp("The rebels captured the town of Bakwa and shelled Makhmur district.")
    names = {doc[c.start : c.end].text for c in find_toponyms(doc)}
    assert {"Bakwa", "Makhmur"} <= names
    assert "rebels" not in names


def test_a_capital_that_speaks_is_a_government_not_a_place(
    nlp: Language, resolver: Resolver
) -> None:
    result, _ = resolve(nlp, resolver, "Moscow said it would send a delegation to the talks.")
    assert "Moscow" not in places(result)
    assert any(m.evidence.span.text == "Moscow" and m.metonym for m in result.actors)
    result, _ = resolve(nlp, resolver, "The delegations will meet in Moscow next week.")
    assert places(result).get("Moscow") == "geonames:524901"


def test_talks_between_capitals_are_between_governments(nlp: Language, resolver: Resolver) -> None:
    result, _ = resolve(nlp, resolver, "Trump urged talks between Moscow and Kyiv.")
    assert not {"Moscow", "Kyiv"} & set(places(result))
    codes = {m.actor.country for m in result.actors if m.metonym}
    assert {"RUS", "UKR"} <= codes


def test_demonyms_name_their_country(nlp: Language, resolver: Resolver) -> None:
    text = "Turkish troops crossed into the area on Monday."
    result, doc = resolve(nlp, resolver, text)
    found = toponyms(result, gazetteer=resolver.gazetteer, doc=doc, registry=resolver.registry)
    turkish = [m for m in found if m.evidence.span.text == "Turkish"]
    assert turkish and turkish[0].kind == "demonym" and turkish[0].place.id == "country:TUR"
    without = toponyms(
        result, gazetteer=resolver.gazetteer, doc=doc, registry=resolver.registry, demonyms=False
    )
    assert not [m for m in without if m.kind == "demonym"]


def test_city_comma_state_and_one_sense_per_document(nlp: Language, resolver: Resolver) -> None:
    text = "A tornado struck Paris, Texas, on Monday. Officials in Paris said the damage was heavy."
    result, _ = resolve(nlp, resolver, text)
    senses = [m.place for m in result.places if m.evidence.span.text == "Paris"]
    assert len(senses) == 2
    assert all(p.country == "USA" for p in senses)
    assert senses[0] == senses[1]


def test_a_state_named_in_the_article_is_context(nlp: Language, resolver: Resolver) -> None:
    text = "A man from Kentucky was arrested in London on Friday, deputies said."
    result, _ = resolve(nlp, resolver, text)
    london = next(m.place for m in result.places if m.evidence.span.text == "London")
    assert london.country == "USA" and resolver.gazetteer.admin1(london) == "KY"
    result, _ = resolve(nlp, resolver, "A man was arrested in London on Friday.")
    london = next(m.place for m in result.places if m.evidence.span.text == "London")
    assert london.country == "GBR"


def test_a_name_opening_an_organisation_is_an_embedded_toponym(
    nlp: Language, resolver: Resolver
) -> None:
    text = "The fire started in Gainesville. The Gainesville Fire Department responded."
    result, doc = resolve(nlp, resolver, text)
    found = toponyms(result, gazetteer=resolver.gazetteer, doc=doc, registry=resolver.registry)
    spans = [(m.evidence.span.text, m.kind) for m in found]
    assert ("Gainesville", "place") in spans
    assert ("Gainesville", "embedded") in spans


def test_a_region_in_a_possessive_is_neither_actor_nor_event_place(
    nlp: Language, resolver: Resolver
) -> None:
    text = "Diplomats met to end Europe's largest conflict since the war."
    result, doc = resolve(nlp, resolver, text)
    assert not [m for m in result.places if m.evidence.span.text.startswith("Europe")]
    assert not [a for a in result.actors if a.evidence.span.text.startswith("Europe")]
    named = toponyms(
        result,
        gazetteer=resolver.gazetteer,
        doc=doc,
        registry=resolver.registry,  # type: ignore[arg-type]
    )
    assert [m.kind for m in named if m.evidence.span.text == "Europe"] == ["embedded"]


def test_a_town_inside_a_province_of_the_region_table(nlp: Language, resolver: Resolver) -> None:
    # Perth, Australia is 300 times larger than Perth, Ontario: only containment decides.
    result, _ = resolve(nlp, resolver, "A fire destroyed two homes in Perth, Ontario on Monday.")
    perth = [m.place for m in result.places if m.evidence.span.text == "Perth"]
    assert perth and perth[0].country == "CAN"


def test_a_government_named_by_a_local_town_keeps_the_towns_sense(
    nlp: Language, resolver: Resolver
) -> None:
    text = (
        "Flooding closed roads in London, Ontario on Monday. "
        "London said it would open shelters for residents."
    )
    result, doc = resolve(nlp, resolver, text)
    named = toponyms(
        result,
        gazetteer=resolver.gazetteer,
        doc=doc,
        registry=resolver.registry,  # type: ignore[arg-type]
    )
    assert {m.place.country for m in named if m.evidence.span.text == "London"} == {"CAN"}


def test_a_country_name_before_a_state_is_a_town(nlp: Language, resolver: Resolver) -> None:
    text = "The county fair opened in Palestine, Texas on Friday. Palestine expects crowds."
    result, _ = resolve(nlp, resolver, text)
    palestine = [m.place for m in result.places if m.evidence.span.text == "Palestine"]
    assert palestine and all(p.kind == "city" and p.country == "USA" for p in palestine)


def test_a_division_opening_an_organisation_name_places_the_story(
    nlp: Language, resolver: Resolver
) -> None:
    text = "The Indiana State Police searched a storage unit in Richmond on Friday."
    result, _ = resolve(nlp, resolver, text)
    richmond = [m.place for m in result.places if m.evidence.span.text == "Richmond"]
    assert richmond and resolver.gazetteer.admin1(richmond[0]) == "IN"


def test_a_country_name_inside_an_american_name_is_the_state(
    nlp: Language, resolver: Resolver
) -> None:
    text = (
        "Teachers in Athens, Ga., and Macon, Ga., rallied on Monday. A lawyer for the "
        "Georgia School Boards Association spoke."
    )
    result, doc = resolve(nlp, resolver, text)
    found = toponyms(result, gazetteer=resolver.gazetteer, doc=doc, registry=resolver.registry)
    georgia = [m.place for m in found if m.evidence.span.text == "Georgia"]
    assert georgia and all(p.kind == "admin1" and p.country == "USA" for p in georgia)


def test_a_county_opening_an_organisation_in_its_state(nlp: Language, resolver: Resolver) -> None:
    text = (
        "A fire broke out in Cambridge, Ohio, and spread toward Byesville, Ohio. The "
        "Guernsey County Sheriff's Office closed the road."
    )
    result, doc = resolve(nlp, resolver, text)
    found = toponyms(result, gazetteer=resolver.gazetteer, doc=doc, registry=resolver.registry)
    county = [m.place for m in found if m.evidence.span.text.startswith("Guernsey")]
    assert county and county[0].kind == "admin2"
    assert resolver.gazetteer.admin1(county[0]) == "OH"
    assert all(m.place.kind != "country" for m in found if "Guernsey" in m.evidence.span.text)


def test_a_state_named_like_a_country_is_context_for_its_towns(
    nlp: Language, resolver: Resolver
) -> None:
    text = (
        "Needy residents in Georgia could get help, officials in Atlanta said. Other "
        "states such as Texas already pay for the service."
    )
    result, _ = resolve(nlp, resolver, text)
    atlanta = [m.place for m in result.places if m.evidence.span.text == "Atlanta"]
    assert atlanta and resolver.gazetteer.admin1(atlanta[0]) == "GA"


def test_a_county_in_an_organisation_name_votes_for_the_state(
    nlp: Language, resolver: Resolver
) -> None:
    text = (
        "The Rapides Parish School Board met in Alexandria on Friday. Parents from "
        "Pineville came too."
    )
    result, _ = resolve(nlp, resolver, text)
    alexandria = [m.place for m in result.places if m.evidence.span.text == "Alexandria"]
    assert alexandria and resolver.gazetteer.admin1(alexandria[0]) == "LA"


def test_a_name_whose_towns_lie_in_one_state_votes_twice(resolver: Resolver) -> None:
    # Logansport lies in Louisiana and Indiana, Rensselaer in Indiana and New York, and
    # Shreveport only in Louisiana: its double vote breaks the tie.
    names = {"shreveport": "Shreveport", "logansport": "Logansport", "rensselaer": "Rensselaer"}
    assert resolver.places._voted_region(names, {"USA"}, set()) == ("USA", "LA")
    del names["shreveport"]
    assert resolver.places._voted_region(names, {"USA"}, set()) == ("USA", "IN")


def test_a_city_tagged_as_a_building_is_a_place_but_a_building_stays_one() -> None:
    from detente.places import PlaceResolver

    places_of = PlaceResolver(registry=Registry.default(), gazetteer=Gazetteer.default())
    assert places_of._city_not_building("Kharkiv")
    assert not places_of._city_not_building("Kharkiv Airport")  # a building word
    assert not places_of._city_not_building("Zvenyhorodka")  # a small town: not guessed
