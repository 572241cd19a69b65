from __future__ import annotations

import doctest
import json
from typing import Any

import pytest

from kg.data import gazetteer
from kg.data.gazetteer import DATA_DIR, PlaceLink, geonames_link, place_class
from kg.model import EntityClass


def test_the_examples_in_the_docstrings_hold() -> None:
    assert doctest.testmod(gazetteer).failed == 0


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Cuba", EntityClass.COUNTRY),
        ("Bermuda", EntityClass.PLACE),  # a territory, no sovereign state: the guidelines' Place
        ("Puerto Rico", EntityClass.PLACE),
        ("Sanaa", EntityClass.CITY),
        ("Washington", EntityClass.CITY),  # the capital outweighs the state
        ("Kansas City", EntityClass.CITY),
        ("Virginia", EntityClass.PLACE),  # a state, though small towns abroad share the name
        ("Florida", EntityClass.PLACE),
        ("Asia", EntityClass.PLACE),  # a continent
        ("Karol Bagh", EntityClass.PLACE),  # unknown to the gazetteer
    ],
)
def test_a_place_is_refined_by_the_gazetteer(name: str, expected: EntityClass) -> None:
    assert place_class(name) == expected


def places() -> dict[str, Any]:
    """The shipped gazetteer as the file has it, so the tests check the lookup against the data."""
    data: dict[str, Any] = json.loads((DATA_DIR / "places.json").read_text("utf-8"))
    return data


@pytest.mark.parametrize(("name", "listed_as"), [("France", "France"), ("Netherlands", "The Netherlands")])
def test_a_country_links_to_its_geonames_id_and_iso_code(name: str, listed_as: str) -> None:
    country = places()["countries"][listed_as]
    assert geonames_link(name, EntityClass.COUNTRY) == PlaceLink(country["geonames"], country["iso"])
    assert len(country["iso"]) == 2


def test_a_territory_is_a_place_that_acts_like_a_country_and_keeps_its_link() -> None:
    bermuda = places()["countries"]["Bermuda"]
    assert gazetteer.is_country_name("Bermuda") and place_class("Bermuda") == EntityClass.PLACE
    assert geonames_link("Bermuda", EntityClass.PLACE) == PlaceLink(bermuda["geonames"], None)  # isoCode: a country's
    assert geonames_link("Florida", EntityClass.PLACE) is None
    assert all(code in {entry["iso"] for entry in places()["countries"].values()} for code in gazetteer.TERRITORY_CODES)


def test_a_city_one_town_is_named_after_links_without_an_iso_code() -> None:
    kabul = places()["cities"]["Kabul"]
    assert "namesakes" not in kabul
    assert geonames_link("Kabul", EntityClass.CITY) == PlaceLink(kabul["geonames"], None)


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("Paris", EntityClass.CITY),  # also a town in Texas
        ("Birmingham", EntityClass.CITY),  # England and Alabama
        ("Washington", EntityClass.CITY),  # the capital and towns in England and the US
        ("Soviet Union", EntityClass.COUNTRY),  # gone: GeoNames lists no such country
        ("Congo", EntityClass.COUNTRY),  # two states
        ("Virginia", EntityClass.PLACE),  # a state: the gazetteer's "Virginia" is a town abroad
        ("France", EntityClass.CITY),  # a name is looked up under its class only
        ("france", EntityClass.COUNTRY),  # exact names only
        ("Karol Bagh", EntityClass.CITY),  # unknown
        ("Antony Blinken", EntityClass.PERSON),
    ],
)
def test_an_ambiguous_or_unknown_name_gets_no_link(name: str, cls: EntityClass) -> None:
    assert geonames_link(name, cls) is None


def test_the_gazetteer_counts_the_towns_that_share_a_name() -> None:
    """A name is kept once, for its most populous town: the count of the others is what tells
    Paris (also in Texas) from Jerusalem, so it must be in the data."""
    cities = places()["cities"]
    assert cities["Paris"]["country"] == "FR" and cities["Paris"]["namesakes"] >= 1
    assert "namesakes" not in cities["Jerusalem"]


@pytest.mark.parametrize(("name", "canonical"), [
    ("Islamic Republic of Iran", "Iran"), ("the Kingdom of Saudi Arabia", "Saudi Arabia"),
    ("Federal Republic of Germany", "Germany"),
    ("Republic of the Congo", "Republic of the Congo"),  # a state's own name in GeoNames
    ("Democratic Republic of the Congo", "Democratic Republic of the Congo"),
    ("Republic of China", "Taiwan"),  # aliases.json: its short name is not the one after "of"
    ("Islamic State of Iraq", "Islamic State of Iraq"),  # "State of" is not read
    ("Commonwealth of Virginia", "Commonwealth of Virginia"),  # no country
    ("ISIL", "Islamic State"),
])
def test_a_state_s_formal_name_is_its_short_name(name: str, canonical: str) -> None:
    assert gazetteer.canonical_alias(name) == canonical
