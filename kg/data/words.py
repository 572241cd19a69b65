"""The word lists and word-to-class tables the extraction rules read, loaded from ``kg/data``.

Words are data so that an analyst extends them without touching the rules: ``words.json``
holds the named lists (titles, verbs of saying, seat nouns, ...), ``classes.json`` what NER
labels, pronouns and descriptions name. Both are checked when loaded: a list that is missing,
empty or not made of strings is an error naming the file and the entry, not a rule that
silently never fires.

>>> "spokesman" in word_list("title_words"), ner_class("ORG")
(True, <EntityClass.ORGANIZATION: 'Organization'>)
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from kg.errors import KGError
from kg.model import EntityClass

DATA_DIR = Path(__file__).resolve().parent


class DataError(KGError):
    """A data file kg ships (word lists, lexicon, pattern rows) is malformed."""


def load_json(name: str) -> Any:
    """A JSON file of ``kg/data``, or a :class:`DataError` naming it."""
    path = DATA_DIR / name
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise DataError(f"{path}: cannot read ({error})") from error


@cache
def _word_lists() -> dict[str, tuple[frozenset[str], bool]]:
    lists: dict[str, tuple[frozenset[str], bool]] = {}
    for name, entry in load_json("words.json").items():
        if name.startswith("_"):
            continue
        words = entry.get("words") if isinstance(entry, dict) else None
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w for w in words):
            raise DataError(f"{DATA_DIR / 'words.json'}: {name!r} needs a non-empty list of words under 'words'")
        lists[name] = (frozenset(words), entry.get("abbreviated") is True)
    return lists


def word_list(name: str) -> frozenset[str]:
    """The named word list of ``words.json``."""
    lists = _word_lists()
    if name not in lists:
        raise DataError(f"{DATA_DIR / 'words.json'} has no word list {name!r} (it has: {', '.join(sorted(lists))})")
    return lists[name][0]


def written_forms(name: str) -> frozenset[str]:
    """The named list's words as a text may write them: with a full stop too, for an abbreviated list.

    >>> sorted(written_forms("honorifics"))[:4]
    ['dame', 'dame.', 'dr', 'dr.']
    """
    words = word_list(name)
    if not _word_lists()[name][1]:
        return words
    return words | frozenset(f"{word}." for word in words)


def word_list_names() -> frozenset[str]:
    return frozenset(_word_lists())


@cache
def _classes() -> dict[str, Any]:
    table = load_json("classes.json")
    for part in ("ner", "pronouns", "descriptions"):
        if not isinstance(table.get(part), dict):
            raise DataError(f"{DATA_DIR / 'classes.json'}: needs an object {part!r}")
    try:
        return {
            "ner": {label: EntityClass(cls) for label, cls in table["ner"].items()},
            **{part: {word: frozenset(EntityClass(cls) for cls in classes) for word, classes in table[part].items()}
               for part in ("pronouns", "descriptions")},
        }
    except ValueError as error:
        raise DataError(f"{DATA_DIR / 'classes.json'}: {error}") from error


def ner_class(label: str) -> EntityClass | None:
    """The class a spaCy NER label names, or None for labels kg keeps off the graph (dates, money)."""
    found: EntityClass | None = _classes()["ner"].get(label)
    return found


def ner_classes() -> dict[str, EntityClass]:
    return dict(_classes()["ner"])


def pronoun_classes() -> dict[str, frozenset[EntityClass]]:
    """Pronoun -> the classes its antecedent may have."""
    return dict(_classes()["pronouns"])


def description_classes() -> dict[str, frozenset[EntityClass]]:
    """Head noun of a description ("the company") -> the classes of what it describes."""
    return dict(_classes()["descriptions"])
