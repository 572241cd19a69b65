from __future__ import annotations

import pytest

from kg.mentions import clean_name, find_mentions
from kg.nlp import load_pipeline


def mentions_of(text: str) -> list[tuple[str, str]]:
    return [(item.mention.cls, item.mention.name) for item in find_mentions(load_pipeline()(text))]


@pytest.mark.parametrize(
    ("text", "person", "role"),
    [
        ("US Secretary of State Antony Blinken plans to visit Israel.", "Antony Blinken", "US Secretary of State"),
        ("“We are trying,” said White House national security spokesman John Kirby.", "John Kirby",
         "White House national security spokesman"),
        ("John Kirby, a spokesman for the Pentagon, said so.", "John Kirby", "spokesman for the Pentagon"),
        ("Israel's Prime Minister Benjamin Netanyahu met the envoy.", "Benjamin Netanyahu", "Prime Minister"),
    ],
)
def test_titles_are_split_off_names(text: str, person: str, role: str) -> None:
    found = mentions_of(text)
    assert ("Person", person) in found
    assert ("Role", role) in found
    assert not any(cls == "Person" and role in name for cls, name in found)


def test_department_word_in_a_title_is_not_an_organisation() -> None:
    found = mentions_of("US Secretary of State Antony Blinken plans to visit Israel.")
    assert ("Organization", "State") not in found
    assert ("Place", "United States") in found


@pytest.mark.parametrize(
    ("text", "cls", "expected"),
    [
        ("the United States", "Place", "United States"),
        ("US", "Place", "United States"),
        ("Netanyahu’s", "Person", "Netanyahu"),
        ("Palestinians", "Group", "Palestinian"),
        ("Swiss", "Group", "Swiss"),
        ("White  House", "Organization", "White House"),
    ],
)
def test_clean_name(text: str, cls: str, expected: str) -> None:
    assert clean_name(text, cls) == expected


def test_ner_labels_map_to_ontology_classes() -> None:
    found = mentions_of("Hamas fighters attacked Israeli towns near Gaza City on Monday.")
    assert ("Organization", "Hamas") in found
    assert ("Group", "Israeli") in found
    assert ("Place", "Gaza City") in found
    assert not any(name == "Monday" for _, name in found)  # dates live on statements, not as nodes
