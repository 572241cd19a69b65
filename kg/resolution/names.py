"""How a mention's words become the name of its entity: one normal form for every stage.

>>> clean_name("the United States", "Place"), clean_name("Netanyahu’s", "Person")
('United States', 'Netanyahu')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from kg.data.gazetteer import canonical_alias
from kg.data.words import word_list, written_forms
from kg.model import EntityClass, Mention

POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
SPACES = re.compile(r"\s+")


def clean_name(text: str, cls: str) -> str:
    """The name a mention gives its entity: no 'the', no possessive, known aliases resolved,
    and a group named in the singular ("Palestinians" -> "Palestinian")."""
    name = SPACES.sub(" ", text).strip()
    name = POSSESSIVE.sub("", name).strip()
    if name.lower().startswith("the "):
        name = name[4:]
    name = canonical_alias(name)
    if cls == EntityClass.GROUP and len(name) > 4:
        name = singular(name)
    return name


def singular(word: str) -> str:
    """A plural's singular, read off its ending ("Palestinians", "senators", "actresses"); else the word."""
    if word.endswith("sses") or word.endswith("ches"):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def written_out(name: str) -> str:
    """The name with its opening abbreviation written out, as two names of one entity are compared
    ("U.S. Geological Survey" is "United States Geological Survey", "UN Security Council" "United
    Nations Security Council").

    >>> written_out("U.S. Geological Survey"), written_out("Usain Bolt")
    ('United States Geological Survey', 'Usain Bolt')
    """
    first, _, rest = name.partition(" ")
    if rest and first.replace(".", "").isupper():
        return f"{canonical_alias(first)} {rest}"
    return name


def surface(mention: Mention) -> str:
    """The mention's words as written, on one line and without a possessive: an alias of its entity."""
    return POSSESSIVE.sub("", SPACES.sub(" ", mention.text).strip()).strip()


def role_name(text: str) -> str:
    """The name a role is stored under: the title's words with single spaces."""
    return SPACES.sub(" ", text).strip(" ,")


@lru_cache(maxsize=65536)
def folded(text: str) -> str:
    """Text as names are compared across spellings: case and accents do not count, since news
    writes a name with and without them ("Erdoğan", "Erdogan").

    >>> folded("Erdoğan") == folded("ERDOGAN"), folded("Łukasz")
    (True, 'łukasz')
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


@lru_cache(maxsize=65536)
def surnames(full_name: str) -> frozenset[str]:
    """The surnames a person's full name may be shortened to, :func:`folded`: its last word after
    a generational suffix ("Robert Downey Jr." is "Downey"), alone and with the particles before
    it ("Rocky De La Fuente" is "Fuente", "La Fuente" and "De La Fuente"). Empty for one word.

    >>> sorted(surnames("Rocky De La Fuente")), sorted(surnames("Robert Downey Jr."))
    (['de la fuente', 'fuente', 'la fuente'], ['downey'])
    """
    words = full_name.split()
    suffixes = written_forms("generational_suffixes")
    while len(words) > 2 and words[-1].casefold().rstrip(",") in suffixes:
        words = words[:-1]
    if len(words) < 2:
        return frozenset()
    words[-1] = words[-1].rstrip(",")  # "Robert Downey, Jr."
    particles = word_list("surname_particles")
    start = len(words) - 1
    forms = {folded(words[start])}
    while start > 1 and words[start - 1].casefold() in particles:
        start -= 1
        forms.add(folded(" ".join(words[start:])))
    return frozenset(forms)


def is_surname_shape(name: str) -> bool:
    """One word ("Blinken", "al-Assad"), or a capitalised word after surname particles ("de
    Blasio", "Van Halen"): how a person may be called by a surname alone. "Van Jones" has the
    shape too; :func:`surname_candidates` keeps it a full name for the surname "Jones".

    >>> is_surname_shape("Blinken"), is_surname_shape("de Blasio"), is_surname_shape("Joe Biden")
    (True, True, False)
    """
    *particles, last = name.split() or [""]
    if not particles:
        return bool(last)
    known = word_list("surname_particles")
    return last[:1].isupper() and all(word.casefold() in known for word in particles)


def surname_candidates(surname: str, full_names: Iterable[str]) -> list[str]:
    """The full names of ``full_names`` that ``surname`` may stand for, without one that is itself
    a surname of another ("de Blasio" beside "Bill de Blasio": the one person, named twice).

    >>> surname_candidates("Blasio", ["de Blasio", "Bill de Blasio", "Anna Smith"])
    ['Bill de Blasio']
    >>> surname_candidates("Jones", ["Van Jones"])
    ['Van Jones']
    """
    key = folded(surname)
    fitting = [name for name in full_names if folded(name) != key and key in surnames(name)]
    return [name for name in fitting
            if not any(other != name and folded(name) in surnames(other) for other in fitting)]
