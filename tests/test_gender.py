"""What a text tells of a person's gender (kg.extraction.gender), on small real texts."""

from __future__ import annotations

import pytest

from kg.extraction.gender import FEMALE, MALE, first_name_gender, mention_gender, pronoun_gender
from kg.nlp import load_pipeline


@pytest.mark.parametrize(("text", "name", "expected"), [
    ("Ms Ardern spoke on Monday.", "Ardern", (FEMALE, True)),  # the text says it
    ("King Charles spoke on Monday.", "Charles", (MALE, True)),
    ("Mr. Green spoke on Monday.", "Green", (MALE, True)),
    ("Lucy Green spoke on Monday.", "Lucy Green", (FEMALE, False)),  # a first name makes it likely
    ("John Smith spoke on Monday.", "John Smith", (MALE, False)),
    ("Green spoke on Monday.", "Green", None),  # a surname alone says nothing
    ("Taylor Swift spoke on Monday.", "Taylor Swift", None),  # a name given to both
])
def test_mention_gender(text: str, name: str, expected: tuple[str, bool] | None) -> None:
    doc = load_pipeline()(text)
    start = text.index(name)
    span = doc.char_span(start, start + len(name))
    assert span is not None and mention_gender(span) == expected


def test_pronouns_and_first_names() -> None:
    assert [pronoun_gender(word) for word in ("he", "His", "she", "herself", "they", "it")] == \
        [MALE, MALE, FEMALE, FEMALE, None, None]
    assert first_name_gender("Jean Dupont") is None and first_name_gender("Mary") is None
