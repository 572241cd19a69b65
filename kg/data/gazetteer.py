"""Names kg knows before reading anything: canonical aliases, countries and large cities.

The data ships in ``kg/data`` (GeoNames, CC BY 4.0): no network, no download at run time.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from kg.model import EntityClass

DATA_DIR = Path(__file__).resolve().parent

#: Canonical country names (after aliases) that GeoNames spells differently or no longer lists
#: (the wire stories of the 1980s name Zaire, Burma and West Germany).
EXTRA_COUNTRIES = frozenset({
    "Palestine", "Soviet Union", "Czech Republic", "Russia", "Netherlands", "Congo", "Zaire", "Burma",
    "Czechoslovakia", "Yugoslavia", "West Germany", "East Germany", "Swaziland", "Cape Verde", "East Timor",
    "Macedonia",
})
#: Places the gazetteer's lists miss that news names like countries, kept as places (not states):
#: the nations of the United Kingdom.
EXTRA_PLACES = frozenset({"England", "Scotland", "Wales", "Northern Ireland"})
#: kg's canonical name -> the name GeoNames lists the same country under today. The other
#: EXTRA_COUNTRIES get no GeoNames link: states that are gone (Soviet Union, Zaire) and names
#: of more than one place (Congo, two states; Macedonia, also a region of Greece).
GEONAMES_COUNTRY_NAMES = {
    "Netherlands": "The Netherlands", "Czech Republic": "Czechia", "Palestine": "Palestinian Territory",
    "Burma": "Myanmar", "Swaziland": "Eswatini", "Cape Verde": "Cabo Verde", "East Timor": "Timor Leste",
}
#: ISO 3166-1 codes GeoNames lists among its countries that are no sovereign state: dependencies,
#: overseas regions and disputed territories ("Puerto Rico", "Hong Kong", "Greenland"). They are
#: places, as a region or a province is: the country is the state they belong to.
TERRITORY_CODES = frozenset({
    "AI", "AQ", "AS", "AW", "AX", "BL", "BM", "BQ", "BV", "CC", "CK", "CW", "CX", "EH", "FK", "FO", "GF", "GG", "GI",
    "GL", "GP", "GS", "GU", "HK", "HM", "IM", "IO", "JE", "KY", "MF", "MO", "MP", "MQ", "MS", "NC", "NF", "NU", "PF",
    "PM", "PN", "PR", "RE", "SH", "SJ", "SX", "TC", "TF", "TK", "UM", "VG", "VI", "WF", "YT",
})
CONTINENTS = frozenset({"Africa", "Antarctica", "Asia", "Europe", "North America", "Oceania", "South America"})


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


@lru_cache(maxsize=1)
def _us_states() -> dict[str, str]:
    """Every spelling of a US state, in lower case and without dots -> the state's name."""
    spellings: dict[str, str] = {}
    for state, abbreviations in _load("us_states.json").items():
        if state.startswith("_"):
            continue
        for spelling in (state, *abbreviations):
            spellings[_state_key(spelling)] = state
    return spellings


def _state_key(text: str) -> str:
    return "".join(character for character in text.lower() if character.isalnum())


def us_state(text: str) -> str | None:
    """The US state a name or AP abbreviation stands for ("Calif.", "Minn", "Texas"), else None.

    >>> us_state("Calif."), us_state("N.C"), us_state("Paris")
    ('California', 'North Carolina', None)
    """
    return _us_states().get(_state_key(text))


#: A town this large is a place wherever its name stands; a smaller one shares its name with
#: too many people ("Allen", "Franklin") to overrule what the text says of the name.
MAJOR_TOWN = 250_000


def is_known_place(name: str) -> bool:
    """True for a country, a large city (250,000 people or more) or a US state the gazetteer knows, in
    any case ("BANGKOK").

    >>> is_known_place("Kabul"), is_known_place("Watford"), is_known_place("Ohio")
    (True, False, True)
    """
    if name.isupper() and len(name) > 3:
        name = name.title()
    if is_country_name(name) or name in EXTRA_PLACES or us_state(name) is not None:
        return True
    town = _places()["cities"].get(name)
    return town is not None and town["population"] >= MAJOR_TOWN


def is_listed_place(name: str) -> bool:
    """True for a name the gazetteer lists at all: a country, a US state, a town of 15,000 people or more.

    >>> is_listed_place("Columbia"), is_listed_place("Magnitigorsk")
    (True, False)
    """
    return is_country_name(name) or name in _places()["cities"] or name in EXTRA_PLACES or name in CONTINENTS \
        or us_state(name) == name


def is_country_name(name: str) -> bool:
    """True for a state, or a territory GeoNames lists with the states: a name that acts like a
    country in the text ("San Juan, Puerto Rico", "the governor of Bermuda"), whatever class its
    entity gets (:func:`place_class`).

    >>> is_country_name("Cuba"), is_country_name("Puerto Rico"), is_country_name("Havana")
    (True, True, False)
    """
    return name in _places()["countries"] or name in EXTRA_COUNTRIES


def _is_territory(name: str) -> bool:
    country = _places()["countries"].get(name)
    return country is not None and country["iso"] in TERRITORY_CODES


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, str]:
    return {key: value for key, value in _load("demonyms.json").items() if not key.startswith("_")}


def demonym_country(adjective: str) -> str | None:
    """The country a nationality adjective names ("Israeli" -> "Israel"), else None.

    >>> demonym_country("Israeli"), demonym_country("Palestinian"), demonym_country("Hamas")
    ('Israel', 'Palestine', None)
    """
    return _demonyms().get(adjective)


#: A state's formal name: its short name follows "Republic of", "Kingdom of"... ("the Islamic
#: Republic of Iran", "the Kingdom of Saudi Arabia"). Not "State of" ("Islamic State of Iraq"), "Emirate
#: of" ("Islamic Emirate of Afghanistan", the Taliban's) nor "Federation of" (a part of a state).
FORMAL_STATE_NAME = re.compile(
    r"(?:[A-Z][\w'’]*\s+)*(?:Republic|Kingdom|Principality|Sultanate|Commonwealth)\s+of\s+"
    r"(?:the\s+)?(?P<short>[A-Z].*)")


def canonical_alias(name: str) -> str:
    """The canonical form of a known alternative name ("US" -> "United States"), or of a state's
    formal name ("Islamic Republic of Iran" -> "Iran"; aliases.json has the formal names whose
    short name is not the one after "of": "Republic of China" is Taiwan), else the name itself.

    >>> canonical_alias("the Islamic Republic of Iran"), canonical_alias("Republic of the Congo")
    ('Iran', 'Republic of the Congo')
    >>> canonical_alias("Commonwealth of Virginia")
    'Commonwealth of Virginia'
    """
    table = aliases()
    bare = name.removeprefix("the ")
    found = table.get(name) or table.get(bare)
    if found:
        return found
    formal = FORMAL_STATE_NAME.fullmatch(bare)
    if formal is not None and not is_country_name(bare) and is_country_name(formal["short"]):
        return formal["short"]
    return name


def place_class(name: str) -> EntityClass:
    """``Country`` or ``City`` (a town of 15,000 people or more) when the gazetteer knows the name,
    else ``Place``: how a name that is a place is refined, not whether it is one. A US state or a
    continent is a ``Place`` though a small town abroad shares its name ("Virginia", "Asia");
    a large city keeps its own ("Washington"); a territory is a ``Place`` ("Puerto Rico").

    >>> place_class("Cuba"), place_class("Puerto Rico"), place_class("Havana")
    (<EntityClass.COUNTRY: 'Country'>, <EntityClass.PLACE: 'Place'>, <EntityClass.CITY: 'City'>)
    """
    if _is_territory(name):
        return EntityClass.PLACE
    if is_country_name(name):
        return EntityClass.COUNTRY
    town = _places()["cities"].get(name)
    if town is not None and (town["population"] >= MAJOR_TOWN or (us_state(name) != name and name not in CONTINENTS)):
        return EntityClass.CITY  # "Washington" the capital; "Virginia" and "Asia" are no small towns of that name
    return EntityClass.CITY if name.endswith(" City") else EntityClass.PLACE


def is_state_abbreviation(text: str) -> bool:
    """True for a US state written short ("Mich", "Calif."), not in full ("Texas").

    >>> is_state_abbreviation("Mich"), is_state_abbreviation("Texas")
    (True, False)
    """
    state = us_state(text)
    return state is not None and state.lower() != text.lower()


class PlaceLink(NamedTuple):
    """Where a place kg names is in GeoNames: its feature id and, for a country, its ISO 3166-1 alpha-2 code."""

    geonames: int
    iso: str | None = None


def geonames_link(name: str, cls: EntityClass) -> PlaceLink | None:
    """The GeoNames feature a country or city of that canonical name is, when kg's gazetteer can tell.

    Only exact names the gazetteer lists are linked, and a city only when GeoNames has one town of
    15,000 people or more by that name: "Paris" is also a town in Texas, so it gets no link, as a
    wrong link out is worse than none. A territory GeoNames lists with the countries keeps that
    entry's id (not its ISO code: in kg's ontology only a country has one); any other place kg
    did not refine to a country or city (a US state, a region, a continent) has no id in the
    gazetteer. Towns smaller than 15,000 are not listed, so a city linked here may still share
    its name with a village.

    >>> geonames_link("Afghanistan", EntityClass.COUNTRY)
    PlaceLink(geonames=1149361, iso='AF')
    >>> geonames_link("Kabul", EntityClass.CITY), geonames_link("Birmingham", EntityClass.CITY)
    (PlaceLink(geonames=1138958, iso=None), None)
    """
    if cls == EntityClass.COUNTRY:
        country = _places()["countries"].get(GEONAMES_COUNTRY_NAMES.get(name, name))
        return None if country is None else PlaceLink(country["geonames"], country["iso"])
    if cls == EntityClass.PLACE and _is_territory(name):  # its GeoNames id; an ISO code is a country's (kg:isoCode)
        return PlaceLink(_places()["countries"][name]["geonames"])
    if cls == EntityClass.CITY:
        town = _places()["cities"].get(name)
        return None if town is None or town.get("namesakes") else PlaceLink(town["geonames"])
    return None
