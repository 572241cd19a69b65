from __future__ import annotations

import doctest

from kg.extraction import clusters
from kg.extraction.document import analyse
from kg.extraction.resolve import resolve
from kg.model import Corpus
from kg.nlp import load_pipeline
from kg.read import text_document


def corpus_of(text: str) -> Corpus:
    return resolve([analyse(text_document(text), load_pipeline()(text))])


def names_of(corpus: Corpus) -> dict[str, tuple[str, ...]]:
    return {entity.name: entity.aliases for entity in corpus.entities}


def test_the_examples_in_the_docstrings_hold() -> None:
    assert doctest.testmod(clusters).failed == 0


def test_a_surname_ner_took_for_a_person_joins_its_full_name_though_a_town_shares_it() -> None:
    found = names_of(corpus_of("Sirhan Sirhan shot Robert F. Kennedy in 1968. Sirhan opposed Senator Kennedy's "
                               "position. Kennedy died the next day."))
    assert "Kennedy" in found["Robert F. Kennedy"]
    assert "Kennedy" not in found


def test_a_misspelt_place_is_the_place() -> None:
    found = names_of(corpus_of("A gas explosion hit Magnitogorsk on Monday. Rescuers in Magnitogorsk worked all "
                               "night. The mayor of Magnitigorsk said the search would go on."))
    assert "Magnitigorsk" in found["Magnitogorsk"]
    assert "Magnitigorsk" not in found


def test_two_known_places_a_letter_apart_stay_apart() -> None:
    found = names_of(corpus_of("The minister flew from Colombia to Columbia, where he met students."))
    assert "Colombia" in found and "Columbia" in found


def test_a_class_read_from_the_words_around_a_name_outweighs_ner_s_guesses() -> None:
    corpus = corpus_of("Tropical Storm Barry formed on Thursday. Barry is expected to make landfall in Louisiana. "
                       "Barry brought heavy rain.")
    classes = {entity.name: entity.cls for entity in corpus.entities}
    assert classes == {"Storm Barry": "Event", "Louisiana": "Place"}  # NER took the bare "Barry" for a person
