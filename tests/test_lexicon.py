from __future__ import annotations

import pytest

from kg.extraction.predicates import closed_relation
from kg.namespace import fits, superclasses


@pytest.mark.parametrize(
    ("phrase", "subject", "object", "expected"),
    [
        ("meet with", "Person", "Person", ("meets", False)),
        ("hold talk with", "Person", "Country", ("meets", False)),
        ("visit", "Person", "Country", ("visits", False)),
        ("travel to", "Person", "City", ("visits", False)),
        ("visit", "Person", "Person", ("relatedTo", False)),  # a person is not a place: stays open
        ("kill", "Person", "Person", ("killed", False)),
        ("base in", "Organization", "City", ("basedIn", False)),
        ("employ", "Organization", "Person", ("worksFor", True)),
        ("frobnicate", "Person", "Person", ("relatedTo", False)),
    ],
)
def test_closed_relation(phrase: str, subject: str, object: str, expected: tuple[str, bool]) -> None:
    assert closed_relation(phrase, subject, object) == expected


def test_class_hierarchy_comes_from_the_ontology() -> None:
    assert {"Country", "Place", "Agent", "Entity"} <= superclasses("Country")
    assert "Agent" not in superclasses("City")
    assert fits("visits", "Group", "City")
    assert not fits("livesIn", "Organization", "City")
