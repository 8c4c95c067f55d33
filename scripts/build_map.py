"""Build the country shapes the web page draws its map on (src/detente/web/countries.json).

Source: the npm package `world-atlas` 2.0.2 (ISC licence, by Mike Bostock), which carries
Natural Earth's 1:110m Admin 0 countries (public domain) as TopoJSON. The package is fetched
with `npm pack` at build time only; nothing is downloaded when detente runs.

    python scripts/build_map.py --out src/detente/web/countries.json
    python scripts/build_map.py --tarball world-atlas-2.0.2.tgz --out ...   # offline

The TopoJSON arcs are decoded to rings of [lon, lat], rounded to 0.1 degree, with repeated
points dropped; country ids become ISO 3166-1 alpha-3 codes through pycountry (a few
Natural Earth shapes without an ISO number keep their name as id). Rings that cross the
antimeridian are unwrapped (longitudes may run past 180), so no line crosses the map.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import pycountry

PACKAGE = "world-atlas"
VERSION = "2.0.2"
INTEGRITY = "sha512-" + (
    "IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="
)
MEMBER = "package/countries-110m.json"
PRECISION = 1  # decimals of a degree kept


def fetch(workdir: Path) -> Path:
    """`npm pack world-atlas@VERSION` into workdir; the integrity is checked by npm."""
    result = subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{VERSION}", "--json", "--pack-destination", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
    )
    info = json.loads(result.stdout)[0]
    if info.get("integrity") != INTEGRITY:
        raise SystemExit(f"{PACKAGE}@{VERSION}: integrity {info.get('integrity')} is not pinned")
    return workdir / info["filename"]


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Absolute [lon, lat] points of every arc (delta-decoded, transform applied)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    """One closed ring from arc indices (~i is arc i reversed), rounded, repeats dropped."""
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    out: list[list[float]] = []
    shift = 0.0
    for i, (lon, lat) in enumerate(points):
        # Unwrap rings that cross the antimeridian (Russia, Fiji, Antarctica): a jump of
        # more than half the world continues past +-180 instead of drawing a line across.
        delta = lon - points[i - 1][0] if i else 0.0
        if delta > 180:
            shift -= 360
        elif delta < -180:
            shift += 360
        point = [round(lon + shift, PRECISION), round(lat, PRECISION)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def country_code(numeric: str | None, name: str) -> str:
    if numeric:
        found = pycountry.countries.get(numeric=numeric.zfill(3))
        if found is not None:
            return found.alpha_3
    return name


def build(tarball: Path) -> dict[str, Any]:
    with tarfile.open(tarball) as archive:
        handle = archive.extractfile(MEMBER)
        if handle is None:
            raise SystemExit(f"{tarball}: has no {MEMBER}")
        topology = json.load(handle)
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [geometry["arcs"]]
        elif kind == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        name = geometry.get("properties", {}).get("name", "")
        rings = [ring(r, arcs) for polygon in polygons for r in polygon]
        rings = [r for r in rings if len(r) >= 3]
        countries.append({"id": country_code(geometry.get("id"), name), "name": name,
                          "rings": rings})  # fmt: skip
    return {
        "source": f"Natural Earth 1:110m Admin 0 countries, via npm {PACKAGE}@{VERSION}",
        "licence": "Natural Earth: public domain; world-atlas: ISC",
        "precision_degrees": 10**-PRECISION,
        "countries": countries,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("src/detente/web/countries.json"))
    parser.add_argument("--tarball", type=Path, help="a world-atlas .tgz already fetched")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball or fetch(Path(tmp))
        data = build(tarball)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(data['countries'])} countries written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
