"""Which relation a text states: the one place that decides it.

A rule either knows its relation (a title is ``holdsRole``, a pattern row states ``basedIn``)
or finds a verb phrase ("meet with", "hold talk with"), which the lexicon
(``kg/data/lexicon.json``, lemmas grouped the way event coders group verbs) maps to a
relation. :func:`predicate_of` answers for both, checked against the ontology's domain and
range: a phrase that is not listed, or whose sides' classes the relation does not allow, stays
an open relation, ``kg:relatedTo`` with the verb kept on the statement. ``kg build``,
``kg explain`` and ``kg evaluate`` all ask it.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from kg.data.words import DATA_DIR, DataError, load_json
from kg.namespace import fits, relation_names

GENERIC = "relatedTo"


class Predication(NamedTuple):
    """The relation a phrase states, and whether its subject and object swap for it."""

    predicate: str
    swap: bool


@cache
def _lexicon() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    data = load_json("lexicon.json")
    known = relation_names()
    phrases: dict[str, str] = {}
    for relation, listed in data.get("phrases", {}).items():
        if relation not in known:
            raise DataError(f"{DATA_DIR / 'lexicon.json'}: {relation!r} is no relation of the ontology")
        for phrase in listed:
            if phrase in phrases:
                raise DataError(f"{DATA_DIR / 'lexicon.json'}: {phrase!r} is listed for both "
                                f"{phrases[phrase]!r} and {relation!r}")
            phrases[phrase] = relation
    inverse = dict(data.get("inverse", {}))
    events = dict(data.get("events", {}))
    for relation in [*inverse.values(), *events]:
        if relation not in known:
            raise DataError(f"{DATA_DIR / 'lexicon.json'}: {relation!r} is no relation of the ontology")
    return phrases, inverse, events


def lexicon() -> dict[str, str]:
    """Verb phrase -> the relation it states when the classes fit."""
    return dict(_lexicon()[0])


def listed_phrase(phrase: str) -> str:
    """The phrase as the lexicon lists it: itself, or, for a verb, its object noun and a preposition
    the lexicon does not list together, the verb and the preposition ("blame attack on" is listed
    as "blame on"; "be chief in" says what someone is, not where)."""
    phrases = _lexicon()[0]
    words = phrase.split()
    if phrase not in phrases and len(words) > 2 and words[0] != "be" and f"{words[0]} {words[-1]}" in phrases:
        return f"{words[0]} {words[-1]}"
    return phrase


def listed_relation(phrase: str) -> str | None:
    """The relation the lexicon lists a phrase under, whatever the classes (for explanations)."""
    return _lexicon()[0].get(listed_phrase(phrase))


def mutual_verbs() -> dict[str, str]:
    """Verbs two or more subjects do together ("Trump and Erdogan spoke") -> the relation between them."""
    data = load_json("lexicon.json").get("mutual", {})
    unknown = set(data.values()) - relation_names()
    if unknown:
        raise DataError(f"{DATA_DIR / 'lexicon.json'}: mutual: {', '.join(sorted(unknown))} names no relation")
    return dict(data)


def event_classes() -> dict[str, str]:
    """Relation -> the class of the event node a statement of it reports (``kg:meets`` -> ``Meeting``)."""
    return dict(_lexicon()[2])


def ruled_out(known: str | None, predicate: str) -> bool:
    """Whether a rule's relation is no statement: the rule stated ``known`` itself, and the two sides'
    classes left only the open relation (:func:`predicate_of`): a misreading, not a vaguer fact."""
    return known is not None and predicate == GENERIC


def predicate_of(verb: str, known: str | None, subject_cls: str, object_cls: str) -> Predication:
    """The relation a rule's find states between sides of these classes.

    ``known`` is the relation a rule stated itself; else the verb phrase is looked up. Either
    way the classes must fit the relation's domain and range, or it is ``relatedTo``: a title's
    office of a town ("Coos County Attorney X") says nothing of whom X works for.

    >>> predicate_of("meet with", None, "Person", "Person")
    Predication(predicate='meets', swap=False)
    >>> predicate_of("travel to", None, "Person", "Person").predicate  # a person is not a place
    'relatedTo'
    >>> predicate_of("employ", None, "Organization", "Person")
    Predication(predicate='worksFor', swap=True)
    >>> predicate_of("be", "worksFor", "Person", "City").predicate  # a town is nobody's employer
    'relatedTo'
    >>> predicate_of("blame attack on", None, "Country", "Organization").predicate  # the phrase without its noun
    'accused'
    """
    if known is not None:
        return Predication(known if fits(known, subject_cls, object_cls) else GENERIC, False)
    phrases, inverse, _ = _lexicon()
    verb = listed_phrase(verb)
    relation = phrases.get(verb)
    if relation is not None and fits(relation, subject_cls, object_cls):
        return Predication(relation, False)
    turned = inverse.get(verb)
    if turned is not None and fits(turned, object_cls, subject_cls):
        return Predication(turned, True)
    return Predication(GENERIC, False)
