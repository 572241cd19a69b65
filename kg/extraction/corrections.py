"""The small model's commonest class mistakes in news, undone by what surrounds a name."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from kg.extraction.gazetteer import is_known_place, us_state
from kg.extraction.newswire import state_after_town
from kg.extraction.predicates import lexicon
from kg.extraction.titles import HONORIFICS, NAME_PREFIXES
from kg.extraction.words import word_list
from kg.model import EntityClass
from kg.nlp import tokens_with_lemma

PLACE_PREPOSITIONS = word_list("place_prepositions")
SPEAKING_VERBS = word_list("speaking_verbs")
ORGANISATION_WORDS = word_list("organisation_words")


def corrected_class(span: Span, cls: EntityClass) -> EntityClass:
    """The class of a named entity, with the small model's commonest confusions in news undone.

    - "Marie Ferraro, 50, of ..." : a name followed by an age is a person;
    - "Prince Norodom Ranariddh" : a name led by an honorific is a person;
    - "DAYTON, Ohio", "Minn." : a name the gazetteer knows as a place, or written before a
      US state as "Town, State", is a place;
    - "Karl Wendt, 45, of Oakdale" : what follows a name, an age and "of" is a hometown;
    - "Bowier said" : a short capitalised name, no acronym nor organisation word, that says
      something is a person (10 of 11 such ORG spans in CoNLL04's training split).
    """
    first = span[0].lower_.rstrip(".")
    person, organisation, place = EntityClass.PERSON, EntityClass.ORGANIZATION, EntityClass.PLACE
    if cls != person and len(span) > 1 and span[0].is_title and first in HONORIFICS | NAME_PREFIXES:
        return person
    if cls != person and _followed_by_age(span):
        return person
    if cls == organisation and _speaks_like_a_person(span):
        return person
    if cls in (person, organisation) and (_followed_by_state(span) or state_after_town(span)):
        return place
    if cls == organisation and _is_hometown(span):
        return place
    if (cls == organisation or span.text.isupper()) and is_known_place(span.text):
        return place  # not for a person in mixed case: "Kennedy" and "Lincoln" are towns too
    if cls == person and span.start > 0 and span.doc[span.start - 1].lower_ in PLACE_PREPOSITIONS \
            and is_known_place(span.text):
        return place  # ... unless written as one: "in Austin"
    return cls


def _speaks_like_a_person(span: Span) -> bool:
    root = span.root
    if len(span) > 3 or root.dep_ != "nsubj" or root.head.lemma_.lower() not in SPEAKING_VERBS:
        return False
    words = [token for token in span if token.is_alpha]
    return bool(words) and all(token.is_title and token.lower_ not in ORGANISATION_WORDS for token in words)


def _is_hometown(span: Span) -> bool:
    doc = span.doc
    start = span.start
    return start >= 5 and doc[start - 1].lower_ == "of" and doc[start - 2].text == "," and doc[start - 4].text == "," \
        and doc[start - 3].text.isdigit() and doc[start - 5].ent_type_ == "PERSON"


def _followed_by_age(span: Span) -> bool:
    doc = span.doc
    end = span.end
    if end + 2 >= len(doc) or doc[end].text != "," or doc[end + 2].text != ",":
        return False
    age = doc[end + 1].text
    return age.isdigit() and 0 < int(age) < 120


def _followed_by_state(span: Span) -> bool:
    doc = span.doc
    end = span.end
    if end + 1 >= len(doc) or doc[end].text != ",":
        return False
    state = doc[end + 1]
    return (state.is_title or state.is_upper) and us_state(state.text) is not None


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
