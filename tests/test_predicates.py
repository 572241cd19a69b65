from __future__ import annotations

from collections.abc import Callable

import pytest
from spacy.tokens import Doc

from kg.model import Corpus
from kg.namespace import fits, superclasses
from kg.nlp import load_pipeline
from kg.resolution.predicates import Predication, lexicon, predicate_of


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
        ("acquire", "Organization", "Organization", ("acquired", False)),
        ("arrest", "Organization", "Person", ("arrested", False)),
        ("fire", "Organization", "Person", ("left", True)),  # the one fired left the firm
        ("leave", "Person", "City", ("relatedTo", False)),  # leaving a town is no departure from a post
        ("hail from", "Person", "Place", ("livesIn", False)),  # where one comes from
        ("be from", "Person", "City", ("livesIn", False)),
        ("come from", "Person", "Country", ("relatedTo", False)),  # a journey's start as often as a home
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


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("Angela Merkel held negotiations with Emmanuel Macron.", "negotiatesWith"),
        ("Angela Merkel held talks with Emmanuel Macron.", "meets"),
        ("Angela Merkel had talks with Emmanuel Macron.", "meets"),
        ("Angela Merkel held meetings with Emmanuel Macron.", "meets"),
        ('At the gala, Kate Winslet said of Leonardo DiCaprio, "He was the kindest man on set."', "says"),
    ],
)
def test_a_light_verb_phrase_is_read_in_lemmas(text: str, relation: str,
                                               resolve_texts: Callable[..., Corpus]) -> None:
    corpus = resolve_texts(text)
    assert [r.predicate for r in corpus.relations] == [relation]


def test_the_lexicon_is_written_in_lemmas() -> None:
    """Phrases are looked up as the verb rules build them, from lemmas ("held negotiations with"
    is "hold negotiation with"): a noun in a phrase is written as its lemma."""
    nlp = load_pipeline()
    lemmatizer = nlp.get_pipe("lemmatizer")
    for phrase in lexicon():
        words = phrase.split()
        if len(words) < 3:
            continue
        doc = Doc(nlp.vocab, words=words)
        for token in doc[1:-1]:
            token.pos_ = "NOUN"
            assert lemmatizer.rule_lemmatize(token)[0] == token.text, f"{phrase!r}: {token.text!r} is no lemma"


def test_a_verb_s_object_noun_does_not_hide_its_phrase(resolve_texts: Callable[..., Corpus]) -> None:
    """"blamed the attack on Hamas": the lexicon lists "blame on", whatever is blamed."""
    corpus = resolve_texts("Israel blamed the rocket attack on Hamas.")
    assert "accused" in [r.predicate for r in corpus.relations]
