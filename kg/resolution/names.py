"""How a mention's words become the name of its entity: one normal form for every stage.

>>> clean_name("the United States", "Place"), clean_name("Netanyahu’s", "Person")
('United States', 'Netanyahu')
"""

from __future__ import annotations

import re

from kg.data.gazetteer import canonical_alias
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
    if cls == EntityClass.GROUP and len(name) > 4 and name.endswith("s") and not name.endswith("ss"):
        name = name[:-1]
    return name


def surface(mention: Mention) -> str:
    """The mention's words as written, on one line and without a possessive: an alias of its entity."""
    return POSSESSIVE.sub("", SPACES.sub(" ", mention.text).strip()).strip()


def role_name(text: str) -> str:
    """The name a role is stored under: the title's words with single spaces."""
    return SPACES.sub(" ", text).strip(" ,")
