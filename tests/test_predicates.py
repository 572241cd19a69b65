from __future__ import annotations

import pytest

from kg.extraction.predicates import Predication, predicate_of
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
def test_a_verb_phrase_states_the_relation_its_classes_allow(
    phrase: str, subject: str, object: str, expected: tuple[str, bool]
) -> None:
    assert predicate_of(phrase, None, subject, object) == Predication(*expected)


def test_a_relation_a_rule_states_is_kept() -> None:
    assert predicate_of("be", "holdsRole", "Person", "Role") == Predication("holdsRole", False)


def test_class_hierarchy_comes_from_the_ontology() -> None:
    assert {"Country", "Place", "Agent", "Entity"} <= superclasses("Country")
    assert "Agent" not in superclasses("City")
    assert fits("visits", "Group", "City")
    assert not fits("livesIn", "Organization", "City")
