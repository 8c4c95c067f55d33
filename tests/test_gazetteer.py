"""The gazetteer: cities, countries and venues by name, with country context."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest

from detente.errors import ResourceError
from detente.evaluation.geo import haversine_km
from detente.gazetteer import Gazetteer, bundled_venues_path, normalize, slugify


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.default()


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def test_normalize_folds_diacritics_case_and_saint() -> None:
    assert normalize("Çırağan Palace") == normalize("ciragan palace") == "ciragan palace"
    assert normalize("St. Petersburg") == normalize("Saint Petersburg")
    assert normalize("the Kremlin") == "kremlin"
    assert normalize("Sharm el-Sheikh") == "sharm el sheikh"
    assert slugify("Çırağan Palace") == "ciragan-palace"


def test_istanbul(gazetteer: Gazetteer) -> None:
    place = gazetteer.resolve("Istanbul")
    assert place is not None
    assert place.id == "geonames:745044"
    assert place.kind == "city"
    assert place.country == "TUR"
    assert place.timezone == "Europe/Istanbul"
    assert place.within == "country:TUR"
    assert place.lat is not None and place.lon is not None
    assert km(place.lat, place.lon, 41.01, 28.95) < 10
    assert gazetteer.get("geonames:745044") == place


@pytest.mark.parametrize("name", ["Kyiv", "Kiev", "KYIV"])
def test_kyiv_and_its_old_spelling(gazetteer: Gazetteer, name: str) -> None:
    place = gazetteer.resolve(name)
    assert place is not None
    assert place.id == "geonames:703448"
    assert (place.country, place.timezone) == ("UKR", "Europe/Kyiv")


def test_paris_with_and_without_context(gazetteer: Gazetteer) -> None:
    paris = gazetteer.resolve("Paris")
    assert paris is not None and paris.country == "FRA"
    texas = gazetteer.resolve("Paris", country="USA")
    assert texas is not None and texas.country == "USA"
    assert texas.timezone is not None and texas.timezone.startswith("America/")
    # Several context countries: the prior decides among the entries inside them.
    assert gazetteer.resolve("Paris", country=["ZZZ", "USA"]) == texas
    assert gazetteer.resolve("Paris", country=["USA", "FRA"]) == paris
    assert gazetteer.resolve("Paris", country="US") == texas
    # A context with no candidate falls back to the prior.
    assert gazetteer.resolve("Paris", country="JPN") == paris


def test_context_does_not_move_a_metropolis_to_a_small_town(gazetteer: Gazetteer) -> None:
    moscow = gazetteer.resolve("Moscow", country=["TUR", "USA", "RUS"])
    assert moscow is not None and moscow.country == "RUS"
    # Moscow, Idaho and London, Kentucky are hundreds of times smaller: context alone
    # does not move the name there.
    assert gazetteer.resolve("Moscow", country="USA") == gazetteer.resolve("Moscow")
    london = gazetteer.resolve("London", country="USA")
    assert london is not None and london.country == "GBR"
    # A comparable city in the context does win.
    washington = gazetteer.resolve("Washington", country="GBR")
    assert washington is not None and washington.country == "GBR"


def test_candidates_rank_by_prior(gazetteer: Gazetteer) -> None:
    found = gazetteer.candidates("Moscow")
    assert found[0].country == "RUS"
    assert len(found) > 1 and {p.country for p in found[1:]} >= {"USA"}
    populations = [p.population or 0 for p in found if p.kind == "city"]
    assert populations[0] == max(populations)
    georgia = gazetteer.candidates("Georgia")
    assert georgia[0].id == "country:GEO"


def test_saint_and_diacritics_in_city_names(gazetteer: Gazetteer) -> None:
    spb = gazetteer.resolve("St. Petersburg")
    assert spb is not None and spb.country == "RUS"
    assert gazetteer.resolve("Saint Petersburg", country="USA").country == "USA"  # type: ignore[union-attr]
    zurich = gazetteer.resolve("Zurich")
    assert zurich is not None and zurich.name == "Zürich"


def test_us_states_are_admin1_but_cities_keep_their_names(gazetteer: Gazetteer) -> None:
    alaska = gazetteer.resolve("Alaska")
    assert alaska is not None
    assert (alaska.kind, alaska.country, alaska.timezone) == ("admin1", "USA", "America/Anchorage")
    assert alaska.within == "country:USA"
    washington = gazetteer.resolve("Washington")
    assert washington is not None and washington.kind == "city"
    new_york = gazetteer.resolve("New York")
    assert new_york is not None and new_york.name == "New York City"


@pytest.mark.parametrize("query", ["UA", "UKR", "804", "Ukraine", "ukraine"])
def test_country_by_code_or_name(gazetteer: Gazetteer, query: str) -> None:
    place = gazetteer.country(query)
    assert place is not None
    assert place.id == "country:UKR" and place.kind == "country"
    assert place.timezone == "Europe/Kyiv"
    # Placed inside the country, at the centre of its cities' box, not at the capital.
    assert place.lat is not None and 50 < km(place.lat, place.lon or 0, 50.45, 30.52) < 400


def test_country_names_and_time_zones(gazetteer: Gazetteer) -> None:
    for name in ("Turkey", "Türkiye", "Turkiye", "TR", "TUR"):
        place = gazetteer.country(name)
        assert place is not None and place.country == "TUR", name
        assert place.timezone == "Europe/Istanbul"
    usa = gazetteer.country("United States")
    assert usa is not None and usa.id == "country:USA"
    assert usa.timezone == "America/New_York"  # several zones: the capital's
    assert gazetteer.country("U.S.") == usa
    assert gazetteer.resolve("Russia") == gazetteer.country("RUS")
    assert gazetteer.get("country:GBR") == gazetteer.country("Britain")


@pytest.mark.parametrize("name", ["Ciragan Palace", "Çırağan Palace", "the Çırağan Palace"])
def test_ciragan_palace_is_a_venue_in_istanbul(gazetteer: Gazetteer, name: str) -> None:
    venue = gazetteer.venue(name)
    assert venue is not None
    assert venue.id == "venue:ciragan-palace"
    assert venue.kind == "venue"
    assert venue.within == "geonames:745044"
    assert (venue.country, venue.timezone) == ("TUR", "Europe/Istanbul")
    assert venue.lat is not None and venue.lon is not None
    assert km(venue.lat, venue.lon, 41.01, 28.95) < 10
    assert gazetteer.candidates(name)[0] == venue
    assert gazetteer.venue_type(venue.id) == "palace"


def test_venues_in_a_city_and_a_country(gazetteer: Gazetteer) -> None:
    in_istanbul = {p.id for p in gazetteer.venues_in("geonames:745044")}
    assert {"venue:ciragan-palace", "venue:dolmabahce-palace"} <= in_istanbul
    in_usa = {p.name for p in gazetteer.venues_in("country:USA")}
    assert {"White House", "Camp David"} <= in_usa
    assert gazetteer.venues_in("geonames:1") == []


def test_every_venue_lies_near_its_city(gazetteer: Gazetteer) -> None:
    for place_id in gazetteer._venues:
        venue = gazetteer.get(place_id)
        assert venue is not None and venue.within is not None
        city = gazetteer.get(venue.within)
        assert city is not None, place_id
        assert city.country == venue.country, place_id
        assert venue.lat is not None and venue.lon is not None
        assert km(venue.lat, venue.lon, city.lat or 0, city.lon or 0) < 40, place_id


@pytest.mark.parametrize(
    ("name", "country"),
    [("Crimea", "UKR"), ("Donetsk Oblast", "UKR"), ("Kursk region", "RUS"), ("Gaza Strip", "PSE")],
)
def test_regions(gazetteer: Gazetteer, name: str, country: str) -> None:
    region = gazetteer.resolve(name)
    assert region is not None
    assert region.kind == "region" and region.id.startswith("region:")
    assert region.country == country and region.within == f"country:{country}"
    assert region.timezone is not None and region.lat is not None
    assert gazetteer.get(region.id) == region


def test_a_region_across_states_has_no_country(gazetteer: Gazetteer) -> None:
    sea = gazetteer.resolve("the Black Sea")
    assert sea is not None and sea.kind == "region"
    assert sea.country is None and sea.within is None
    # A world region outranks a hamlet of the same name.
    middle_east = gazetteer.resolve("Middle East")
    assert middle_east is not None and middle_east.kind == "region"


def test_unknown_names_and_ids(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("Xqzzyville") is None
    assert gazetteer.candidates("Xqzzyville") == []
    assert gazetteer.candidates("") == []
    assert gazetteer.country("Atlantis") is None
    assert gazetteer.venue("Istanbul") is None
    assert gazetteer.get("geonames:1") is None
    assert gazetteer.get("country:ZZZ") is None
    assert gazetteer.get("venue:nowhere") is None
    assert gazetteer.get("region:nowhere") is None
    assert gazetteer.get("wikidata:Q1") is None


def test_default_is_cached(gazetteer: Gazetteer) -> None:
    assert Gazetteer.default() is gazetteer
    assert Gazetteer.loaded()


def test_nothing_is_loaded_at_import() -> None:
    code = (
        "import detente, detente.gazetteer as g\n"
        "assert not g.Gazetteer.loaded()\n"
        "assert g.Gazetteer._default is None\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_user_venue_table(tmp_path: Path) -> None:
    mine = tmp_path / "mine.tsv"
    mine.write_text(
        "# my venues\n"
        "name\taliases\tkind\tlat\tlon\tcity\tcountry\tsource\n"
        "Hotel Example\tExample Hotel\thotel\t41.0300\t28.9800\t745044\tTUR\ttest\n",
        encoding="utf-8",
    )
    gazetteer = Gazetteer.load(venues=[bundled_venues_path(), mine])
    venue = gazetteer.venue("example hotel")
    assert venue is not None and venue.id == "venue:hotel-example"
    assert gazetteer.venue("Ciragan Palace") is not None


def test_malformed_venue_table_says_where(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text(
        "name\taliases\tkind\tlat\tlon\tcity\tcountry\tsource\nOnly\tthree\tfields\n",
        encoding="utf-8",
    )
    with pytest.raises(ResourceError, match=r"bad\.tsv:2"):
        Gazetteer.load(venues=[bad])


def test_missing_index_is_a_resource_error(tmp_path: Path) -> None:
    with pytest.raises(ResourceError, match="build_gazetteer"):
        Gazetteer.load(index=tmp_path / "missing.tsv.gz", venues=[])


def test_a_state_named_in_the_article_pulls_a_city_into_it(gazetteer: Gazetteer) -> None:
    london = gazetteer.resolve("London", admin1=[("USA", "KY")])
    assert london is not None and london.country == "USA"
    assert gazetteer.admin1(london) == "KY"
    # Without that context London is the British capital.
    plain = gazetteer.resolve("London")
    assert plain is not None and plain.country == "GBR"


def test_georgia_is_the_country_unless_the_article_is_american(gazetteer: Gazetteer) -> None:
    country = gazetteer.resolve("Georgia")
    assert country is not None and country.id == "country:GEO"
    state = gazetteer.resolve("Georgia", country=["USA"])
    assert state is not None and (state.kind, gazetteer.admin1(state)) == ("admin1", "GA")
    both = gazetteer.resolve("Georgia", country=["USA", "GEO"])
    assert both is not None and both.id == "country:GEO"


def test_state_abbreviations_counties_and_continents(gazetteer: Gazetteer) -> None:
    west_virginia = gazetteer.resolve("W.Va.")
    assert west_virginia is not None and west_virginia.name == "West Virginia"
    county = gazetteer.resolve("Anderson County", admin1=[("USA", "TX")])
    assert county is not None and county.kind == "admin2"
    assert county.id.startswith("county:US-") and gazetteer.admin1(county) == "TX"
    assert gazetteer.get(county.id) == county
    africa = gazetteer.resolve("Africa")
    assert africa is not None and africa.kind == "continent"
    ontario = gazetteer.resolve("Ontario")
    assert ontario is not None and (ontario.kind, ontario.country) == ("region", "CAN")


def test_a_country_is_placed_inside_it(gazetteer: Gazetteer) -> None:
    usa = gazetteer.country("USA")
    assert usa is not None and usa.lat is not None and usa.lon is not None
    # Near the contiguous states' centre (NGS, Lebanon, Kansas), not pulled to Alaska.
    assert km(usa.lat, usa.lon, 39.83, -98.58) < 150
    turkey = gazetteer.country("TUR")
    assert turkey is not None and turkey.lat is not None and turkey.lon is not None
    assert 36 < turkey.lat < 42 and 26 < turkey.lon < 45


def inside_outline(lat: float, lon: float, rings: list[list[list[float]]]) -> bool:
    """Even-odd ray casting over the rings; the map unwraps longitudes past +-180."""

    def inside(x: float) -> bool:
        crossings = 0
        for ring in rings:
            for (x0, y0), (x1, y1) in zip(ring[-1:] + ring[:-1], ring, strict=True):
                if (y0 > lat) != (y1 > lat) and x < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
                    crossings += 1
        return crossings % 2 == 1

    return any(inside(x) for x in (lon, lon + 360.0, lon - 360.0))


@pytest.fixture(scope="module")
def outlines() -> dict[str, list[list[list[float]]]]:
    """The web map's country outlines (Natural Earth 1:110m), by ISO3."""
    shapes = json.loads((files("detente.web") / "countries.json").read_text(encoding="utf-8"))
    return {shape["id"]: shape["rings"] for shape in shapes["countries"]}


@pytest.mark.parametrize("code", ["RUS", "CAN", "USA", "BRA", "AUS", "CHN", "CHL", "NOR", "HRV"])
def test_a_country_is_placed_inside_its_own_outline(
    gazetteer: Gazetteer, outlines: dict[str, list[list[list[float]]]], code: str
) -> None:
    country = gazetteer.country(code)
    assert country is not None and country.lat is not None and country.lon is not None
    assert inside_outline(country.lat, country.lon, outlines[code])
    others = [other for other in ("RUS", "CAN", "USA", "BRA", "AUS", "CHN") if other != code]
    assert not any(inside_outline(country.lat, country.lon, outlines[o]) for o in others)


def test_every_country_on_the_map_is_placed_inside_its_outline(
    gazetteer: Gazetteer, outlines: dict[str, list[list[list[float]]]]
) -> None:
    """Archipelagos placed at their conventional reference point (Philippines, Fiji) may
    sit between their islands, but never farther than 150 km from the outline."""
    references = {
        row.split("\t")[0]: (float(row.split("\t")[1]), float(row.split("\t")[2]))
        for row in (files("detente") / "data" / "gazetteer" / "country_points.tsv")
        .read_text(encoding="utf-8")
        .splitlines()
        if row and not row.startswith(("#", "iso3"))
    }
    outside = []
    for code, rings in outlines.items():
        country = gazetteer.country(code) if len(code) == 3 and code.isupper() else None
        if country is None or country.lat is None or country.lon is None:
            continue
        if inside_outline(country.lat, country.lon, rings):
            continue
        at_reference = references.get(code) == (country.lat, country.lon)
        nearest = min(
            haversine_km(country.lat, country.lon, lat, lon) for ring in rings for lon, lat in ring
        )
        if not (at_reference and nearest <= 150):
            outside.append(code)
    assert outside == []


def test_a_state_name_stays_the_state_in_another_states_story(gazetteer: Gazetteer) -> None:
    # California, Maryland exists; a Maryland story's "California" is still the state.
    place = gazetteer.resolve("California", admin1={("USA", "MD")})
    assert place is not None and place.kind == "admin1"
    town = gazetteer.resolve("Lexington", admin1={("USA", "KY")})
    assert town is not None and gazetteer.admin1(town) == "KY"


def test_provinces_and_states_of_other_countries(gazetteer: Gazetteer) -> None:
    for name, code in [("Rajasthan", "IND"), ("Hunan", "CHN"), ("Limpopo", "ZAF")]:
        place = gazetteer.resolve(name)
        assert place is not None and place.kind == "admin1" and place.country == code
        assert place.timezone and place.lat is not None
    # Ordinary words are no division's name, though Uganda and Kenya have such regions.
    assert all(p.kind != "admin1" for p in gazetteer.candidates("Central"))
    assert all(p.kind != "admin1" for p in gazetteer.candidates("Western"))


def test_a_division_of_a_context_country_beats_a_city_elsewhere(gazetteer: Gazetteer) -> None:
    british = gazetteer.resolve("Suffolk", country="GBR")
    assert british is not None and british.kind == "admin2" and british.country == "GBR"
    american = gazetteer.resolve("Suffolk", country="USA")
    assert american is not None and american.country == "USA"


def test_an_archipelago_sits_at_its_reference_point(gazetteer: Gazetteer) -> None:

    indonesia = gazetteer.country("IDN")
    assert indonesia is not None and indonesia.lat is not None and indonesia.lon is not None
    # The centre of Borneo, its largest island, is not where Indonesia is put.
    assert haversine_km(indonesia.lat, indonesia.lon, 0.3, 114.0) > 500


def test_every_county_of_a_name_is_known_and_placed_among_its_towns(
    gazetteer: Gazetteer,
) -> None:
    # Counties need no town of their own name: each sits at the centre of its towns.
    found = [c for c in gazetteer.candidates("Henry County") if c.kind == "admin2"]
    assert len({gazetteer.admin1(c) for c in found}) >= 8
    tennessee = gazetteer.resolve("Henry County", admin1=[("USA", "TN")])
    assert tennessee is not None and gazetteer.admin1(tennessee) == "TN"
    paris = gazetteer.resolve("Paris", admin1=[("USA", "TN")])
    assert paris is not None and tennessee.lat is not None and paris.lat is not None
    assert abs(tennessee.lat - paris.lat) < 0.5 and abs(tennessee.lon - paris.lon) < 0.5
    georgia = gazetteer.resolve("DeKalb County", admin1=[("USA", "GA")])
    assert georgia is not None and gazetteer.admin1(georgia) == "GA"


def test_a_state_context_takes_only_towns_of_the_name_and_spares_the_capital(
    gazetteer: Gazetteer,
) -> None:
    # Washington, Georgia is a town of the name, but the capital of the article's own
    # country keeps its sense; in Ohio no town bears the name (only as an alternate).
    for state in ("GA", "OH"):
        washington = gazetteer.resolve("Washington", country={"USA"}, admin1=[("USA", state)])
        assert washington is not None and gazetteer.admin1(washington) == "DC"
    # Another country's capital gives way to the town of the state ("Paris" in Tennessee).
    paris = gazetteer.resolve("Paris", country={"USA"}, admin1=[("USA", "TN")])
    assert paris is not None and (paris.country, gazetteer.admin1(paris)) == ("USA", "TN")
    assert any(
        normalize(p.name) != "washington" and gazetteer.admin1(p) == "OH"
        for p in gazetteer.candidates("Washington")
    )
