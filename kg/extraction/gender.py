"""What a text tells of a person's gender, for pronoun agreement in :mod:`kg.extraction.coref`.

Only what the text itself says or a name usually means: a word before the name ("Ms Ardern",
"King Charles"; ``female_words`` and ``male_words`` in ``kg/data/words.json``), else the first
name's usual gender (``kg/data/first_names.json``: names at least ten times as common for one
gender in the US Census's 1990 lists; Jean, Kim and Taylor are neither). A person the text
says nothing of has no gender here, and any pronoun may stand for them.

>>> pronoun_gender("She"), pronoun_gender("they")
('female', None)
>>> first_name_gender("Lucy Green"), first_name_gender("Taylor Swift")
('female', None)

A word before the name is the text's own word; a first name only makes a gender likely.
"""

from __future__ import annotations

from functools import cache

from spacy.tokens import Span

from kg.data.words import load_json, word_list, written_forms

FEMALE, MALE = "female", "male"


def pronoun_gender(word: str) -> str | None:
    """The gender a pronoun gives its antecedent, if it gives one."""
    word = word.lower()
    if word in word_list("female_pronouns"):
        return FEMALE
    if word in word_list("male_pronouns"):
        return MALE
    return None


def first_name_gender(name: str) -> str | None:
    """The usual gender of a full name's first name ("Lucy Green"); None for a one-word name,
    which may be a surname ("Green said")."""
    words = name.split()
    return _usual_gender(words[0]) if len(words) > 1 else None


def is_usual_first_name(word: str) -> bool:
    """True for a word the lists hold as a first name of one gender ("Elijah", "Lucy"): a name
    after it is most likely a person's."""
    return _usual_gender(word) is not None


def _usual_gender(first_name: str) -> str | None:
    """The gender the lists give a first name, if they hold it."""
    female, male = _first_names()
    first = first_name.capitalize()
    return FEMALE if first in female else MALE if first in male else None


def mention_gender(span: Span) -> tuple[str, bool] | None:
    """The gender a person's mention tells, and whether the text says it outright: a gendered
    word before or at its start ("Ms", "King": said), else its first name's usual gender (only
    likely: a man may be called Ginger)."""
    before = span.doc[span.start - 1].lower_ if span.start else ""
    first = span[0].lower_
    for word in (first, before):
        if word in written_forms("female_words"):
            return FEMALE, True
        if word in written_forms("male_words"):
            return MALE, True
    usual = first_name_gender(span.text)
    return (usual, False) if usual is not None else None


@cache
def _first_names() -> tuple[frozenset[str], frozenset[str]]:
    table = load_json("first_names.json")
    return frozenset(table["female"]), frozenset(table["male"])
