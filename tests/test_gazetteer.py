from __future__ import annotations

import doctest

import pytest

from kg.extraction import gazetteer
from kg.extraction.gazetteer import place_class
from kg.model import EntityClass


def test_the_examples_in_the_docstrings_hold() -> None:
    assert doctest.testmod(gazetteer).failed == 0


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Bermuda", EntityClass.COUNTRY),
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
