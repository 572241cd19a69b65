"""The small model's commonest class mistakes in news, undone by what surrounds a name:
by the class rows (:func:`corrected_class`), and by the grammar of killing (:func:`killing_parties`)."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from kg.data.words import word_list
from kg.extraction.patterns.ruler import corrected_by_rows
from kg.model import EntityClass
from kg.nlp import tokens_with_lemma
from kg.resolution.predicates import lexicon

ORGANISATION_WORDS = word_list("organisation_words")


def corrected_class(span: Span, cls: EntityClass) -> EntityClass:
    """The class of a named entity, with the small model's commonest confusions in news undone
    by the class rows of ``kg/data/rules/mentions.jsonl`` (the first that fires wins):

    - "Prince Norodom Ranariddh", "Marie Ferraro, 50, of ...": a name led by an honorific or
      followed by an age is a person;
    - "Bowier said": a short capitalised name, no acronym nor organisation word, that says
      something is a person (10 of 11 such ORG spans in CoNLL04's training split);
    - "DAYTON, Ohio", "Minn.", "Karl Wendt, 45, of Oakdale", "in Austin": a name written as
      "Town, State", a hometown, or a name the gazetteer knows as a place is a place.
    """
    return corrected_by_rows(span, cls)


KILLER_NOUNS = word_list("killer_nouns")
KILLING_NOUNS = word_list("killing_nouns")


def killing_parties(doc: Doc) -> set[int]:
    """Tokens that name a killer or a victim, so must name people (:func:`kg.extraction.mentions.as_people`).

    The subject and object of a verb of killing ("Ruby shot Oswald"), and the names beside a
    killer or killing noun ("Lincoln's assassin", "the assassination of Lincoln by Booth").
    """
    killing_verbs = frozenset(phrase for phrase, relation in lexicon().items() if relation == "killed")
    found: set[int] = set()
    for token in tokens_with_lemma(doc, killing_verbs | KILLER_NOUNS | KILLING_NOUNS):
        lemma = token.lemma_.lower()
        if token.pos_ == "VERB" and lemma in killing_verbs:
            for child in token.children:
                if child.dep_ in ("nsubj", "dobj", "nsubjpass"):
                    found.add(child.i)
                elif child.dep_ == "agent":
                    found.update(grandchild.i for grandchild in child.children if grandchild.dep_ == "pobj")
        elif token.pos_ == "NOUN" and lemma in KILLER_NOUNS | KILLING_NOUNS:
            for child in token.children:
                if child.dep_ in ("poss", "compound", "appos"):
                    found.add(child.i)
                elif child.dep_ == "prep" and child.lower_ in ("of", "by"):
                    found.update(grandchild.i for grandchild in child.children if grandchild.dep_ == "pobj")
    return {i for i in found if doc[i].pos_ == "PROPN"}
