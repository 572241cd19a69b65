"""Names kg knows before reading anything: canonical aliases, countries and large cities.

The data ships in ``kg/data`` (GeoNames, CC BY 4.0): no network, no download at run time.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"

#: Canonical country names (after aliases) that GeoNames spells differently.
EXTRA_COUNTRIES = frozenset({"Palestine", "Soviet Union", "Czech Republic", "Russia", "Netherlands"})


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA_DIR / name).read_text("utf-8"))
    return data


@lru_cache(maxsize=1)
def aliases() -> dict[str, str]:
    """Alternative name -> canonical name ("US" -> "United States")."""
    return {key: value for key, value in _load("aliases.json").items() if not key.startswith("_")}


@lru_cache(maxsize=1)
def _places() -> dict[str, Any]:
    return _load("places.json")


def canonical_alias(name: str) -> str:
    """The canonical form of a known alternative name, else the name itself."""
    table = aliases()
    return table.get(name) or table.get(name.removeprefix("the ")) or name


def place_class(name: str) -> str:
    """``Country`` or ``City`` when the gazetteer knows the name, else ``Place``."""
    places = _places()
    if name in places["countries"] or name in EXTRA_COUNTRIES:
        return "Country"
    if name in places["cities"] or name.endswith(" City"):
        return "City"
    return "Place"
