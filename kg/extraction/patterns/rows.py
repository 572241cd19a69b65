"""Pattern rows: rules about words and dependency shapes, kept as data (``kg/data/rules/``).

Two files, one row per line (JSONL), run by one engine (:mod:`kg.extraction.patterns.ruler`):

``relations.jsonl``: a row states a relation between two mentions.

- ``id``: the rule's name, recorded on every statement it makes (rows may share one);
- ``states`` (a relation of the ontology) or ``states_by`` (a function of
  :mod:`kg.extraction.patterns.filters` that reads it off the words), ``confidence``, and optionally
  ``verb`` (default "be"), ``factuality`` (a value, or a function) and ``contains`` (true when
  the subject lies in the object, so that what lies in the subject lies in the object too);
- ``subject`` and ``object``: ``{"token": name, "via": function, "class": [classes]}``: which
  matched token gives the side, how it gives mentions (default: the mention it is part of)
  and the classes the mentions must have; ``anchor``: the token (or ``subject``) whose
  sentence is the statement's evidence.

``mentions.jsonl``: a row corrects the class NER gave a name, in file order, the first that
fires winning.

- ``id``, ``sets`` (the class), ``when`` or ``unless`` (the classes it applies to, or not);
- ``entity``: ``{"token": name, "at": "start" | "end" | "root"}``: where in the name the
  matched token must be; a row with ``"matcher": "entity"`` has no pattern and looks at the
  name alone.

Both kinds have ``matcher`` (``token``: a spaCy ``Matcher`` pattern, its tokens named with
``"name"``; ``dependency``: a ``DependencyMatcher`` pattern, named by ``RIGHT_ID``),
``pattern`` (a word list of ``kg/data/words.json`` is written ``"@list_name"`` in an ``IN`` or
``NOT_IN``), ``where`` (named filters that must also hold), ``example`` (a sentence the row
fires on: ``tests/test_patterns.py`` checks that it does) and a ``note``. A row is checked when
read: an unknown key, relation, class, list, function or token name is an error naming the
file and line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any, NoReturn

from kg.data.words import DATA_DIR, DataError, word_list_names, written_forms
from kg.extraction.patterns.filters import FACTUALITIES, FILTERS, NAME_FILTERS, PREDICATES
from kg.extraction.patterns.finders import ARGUMENTS, split_name
from kg.model import EntityClass, Factuality
from kg.namespace import relation_names

RULES_DIR = DATA_DIR / "rules"
COMMON_KEYS = frozenset({"id", "matcher", "pattern", "where", "example", "note"})
RELATION_KEYS = COMMON_KEYS | {"states", "states_by", "confidence", "verb", "factuality", "contains", "subject",
                               "object", "anchor"}
CLASS_KEYS = COMMON_KEYS | {"sets", "when", "unless", "entity"}
#: Attributes whose word lists are matched in any case of the word ("Office", "office").
CASED_ATTRIBUTES = frozenset({"ORTH", "TEXT"})


@dataclass(frozen=True)
class Pattern:
    """What a row asks the matcher: where it was read ("relations.jsonl:12") and the row as written."""

    id: str
    matcher: str
    pattern: list[dict[str, Any]]
    where: tuple[str, ...]
    example: str | None
    source: str
    raw: dict[str, Any]

    def token_names(self) -> list[str | None]:
        """The name of each pattern element (a token pattern's ``name``, a node's ``RIGHT_ID``)."""
        key = "RIGHT_ID" if self.matcher == "dependency" else "name"
        return [element.get(key) for element in self.pattern]

    def attribute_sets(self) -> list[dict[str, Any]]:
        """Each pattern element's token attributes."""
        if self.matcher == "dependency":
            return [node.get("RIGHT_ATTRS", {}) for node in self.pattern]
        return [{key: value for key, value in element.items() if key != "name"} for element in self.pattern]

    def spacy_pattern(self) -> list[dict[str, Any]]:
        """The pattern in spaCy's syntax: names dropped from token patterns, word lists filled in."""
        if self.matcher == "dependency":
            return [{**node, "RIGHT_ATTRS": _with_lists(node.get("RIGHT_ATTRS", {}))} for node in self.pattern]
        return [_with_lists(attributes) for attributes in self.attribute_sets()]


@dataclass(frozen=True)
class Side:
    """One side of a relation row: the token it comes from, how (a finder and its argument), and the
    classes it allows."""

    token: str
    finder: str = "mention"
    argument: str | None = None
    classes: frozenset[EntityClass] | None = None


@dataclass(frozen=True)
class RelationRow:
    pattern: Pattern
    states: str | None
    states_by: str | None
    confidence: float
    verb: str
    factuality: str
    contains: bool
    subject: Side
    object: Side
    anchor: str


@dataclass(frozen=True)
class ClassRow:
    pattern: Pattern
    sets: EntityClass
    applies_to: frozenset[EntityClass]
    entity_token: str | None
    at: str


def _with_lists(attributes: dict[str, Any]) -> dict[str, Any]:
    """Token attributes with each ``"@list"`` replaced by the words of the list."""
    filled: dict[str, Any] = {}
    for attribute, value in attributes.items():
        if isinstance(value, dict):
            value = {
                operator: _words(operand, cased=attribute in CASED_ATTRIBUTES) if isinstance(operand, str)
                and operand.startswith("@") else operand
                for operator, operand in value.items()
            }
        filled[attribute] = value
    return filled


def _words(reference: str, *, cased: bool) -> list[str]:
    words = written_forms(reference[1:])
    if cased:  # a text keeps the case of the word: "Office", "OFFICE" (the matcher lowers lemmas itself)
        return sorted({form for word in words for form in (word, word.title(), word.upper())})
    return sorted(words)


@cache
def relation_rows() -> tuple[RelationRow, ...]:
    """The relation rows kg ships, read and checked once."""
    return tuple(row for row in _read_file("relations.jsonl") if isinstance(row, RelationRow))


@cache
def class_rows() -> tuple[ClassRow, ...]:
    """The class rows kg ships, in the order they are tried."""
    return tuple(row for row in _read_file("mentions.jsonl") if isinstance(row, ClassRow))


def _read_file(name: str) -> list[RelationRow | ClassRow]:
    path = RULES_DIR / name
    try:
        text = path.read_text("utf-8")
    except OSError as error:
        raise DataError(f"{path}: cannot read ({error})") from error
    return read_rows(text, str(path), kind="relation" if name.startswith("relation") else "class")


def read_rows(text: str, where: str, *, kind: str = "relation") -> list[RelationRow | ClassRow]:
    """The rows of a JSONL text, each checked; a row that does not hold is an error naming its line."""
    rows: list[RelationRow | ClassRow] = []
    confidence_of: dict[str, tuple[float, str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        source = f"{where}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise DataError(f"{source}: not JSON ({error})") from error
        if kind == "relation":
            row = _relation_row(data, source)
            first = confidence_of.setdefault(row.pattern.id, (row.confidence, source))
            if first[0] != row.confidence:
                raise DataError(f"{source}: rule {row.pattern.id!r} has confidence {row.confidence} here, "
                                f"{first[0]} at {first[1]}")
            rows.append(row)
        else:
            rows.append(_class_row(data, source))
    return rows


def _fail(source: str, message: str) -> NoReturn:
    raise DataError(f"{source}: {message}")


def _pattern(data: Any, source: str, keys: frozenset[str], filters: dict[str, Any]) -> Pattern:
    if not isinstance(data, dict):
        _fail(source, "a row is a JSON object")
    unknown = set(data) - keys
    if unknown:
        _fail(source, f"unknown key(s) {', '.join(sorted(unknown))} (a row has: {', '.join(sorted(keys))})")
    if not isinstance(data.get("id"), str) or not data["id"]:
        _fail(source, "a row needs an 'id', a non-empty string")
    matcher = data.get("matcher")
    if matcher not in ("token", "dependency", "entity"):
        _fail(source, "'matcher' is 'token', 'dependency' or (for a class row) 'entity'")
    pattern = data.get("pattern", [])
    if matcher != "entity" and (not isinstance(pattern, list) or not pattern
                                or not all(isinstance(element, dict) for element in pattern)):
        _fail(source, "'pattern' is a non-empty list of objects")
    where = data.get("where", [])
    if not isinstance(where, list) or not all(isinstance(name, str) for name in where):
        _fail(source, "'where' is a list of filter names")
    for name in where:
        if split_name(name)[0] not in filters:
            _fail(source, f"no filter {name!r} (there are: {', '.join(sorted(filters))})")
    found = Pattern(id=data["id"], matcher=matcher, pattern=pattern if matcher != "entity" else [],
                    where=tuple(where), example=data.get("example"), source=source, raw=data)
    names = [name for name in found.token_names() if name is not None]
    if len(set(names)) != len(names):
        _fail(source, "two pattern tokens have the same name")
    known = word_list_names()
    for attributes in found.attribute_sets():
        for value in attributes.values():
            for operand in value.values() if isinstance(value, dict) else ():
                if isinstance(operand, str) and operand.startswith("@") and operand[1:] not in known:
                    _fail(source, f"no word list {operand!r} in words.json")
    return found


def _named(pattern: Pattern, role: str, name: str, source: str) -> None:
    names = [found for found in pattern.token_names() if found is not None]
    if name not in names:
        _fail(source, f"the {role} names token {name!r}, which the pattern does not name ({', '.join(names)})")


def _classes(value: Any, source: str, key: str) -> frozenset[EntityClass]:
    try:
        return frozenset(EntityClass(cls) for cls in value)
    except (ValueError, TypeError) as error:
        _fail(source, f"{key!r} is a list of classes ({error})")


def _relation_row(data: Any, source: str) -> RelationRow:
    pattern = _pattern(data, source, RELATION_KEYS, FILTERS)
    if pattern.matcher == "entity":
        _fail(source, "a relation row matches tokens or dependencies, not an entity alone")
    states, states_by = data.get("states"), data.get("states_by")
    if (states is None) == (states_by is None):
        _fail(source, "a row has either 'states' (a relation) or 'states_by' (a function)")
    if states is not None and states not in relation_names():
        _fail(source, f"{states!r} is no relation of the ontology")
    if states_by is not None and split_name(states_by)[0] not in PREDICATES:
        _fail(source, f"no function {states_by!r} says a relation (there are: {', '.join(sorted(PREDICATES))})")
    confidence = data.get("confidence")
    if not isinstance(confidence, int | float) or isinstance(confidence, bool) or not 0 < confidence <= 1:
        _fail(source, "'confidence' is a number above 0 and at most 1")
    factuality = data.get("factuality", Factuality.ASSERTED.value)
    if factuality not in {f.value for f in Factuality} and factuality not in FACTUALITIES:
        _fail(source, f"'factuality' {factuality!r} is neither a factuality nor a function")
    sides = {}
    for key in ("subject", "object"):
        side = data.get(key)
        if not isinstance(side, dict) or not isinstance(side.get("token"), str):
            _fail(source, f"{key!r} is an object with the 'token' it comes from")
        via = side.get("via", "mention")
        if split_name(via)[0] not in ARGUMENTS:
            _fail(source, f"{key}: no function {via!r} finds mentions (there are: {', '.join(sorted(ARGUMENTS))})")
        classes = _classes(side["class"], source, "class") if "class" in side else None
        _named(pattern, key, side["token"], source)
        finder, argument = split_name(via)
        sides[key] = Side(token=side["token"], finder=finder, argument=argument, classes=classes)
    anchor = data.get("anchor", sides["subject"].token)
    if anchor != "subject":
        _named(pattern, "anchor", anchor, source)
    return RelationRow(
        pattern=pattern, states=states, states_by=states_by, confidence=float(confidence), verb=data.get("verb", "be"),
        factuality=factuality, contains=bool(data.get("contains", False)), subject=sides["subject"],
        object=sides["object"], anchor=anchor,
    )


def _class_row(data: Any, source: str) -> ClassRow:
    pattern = _pattern(data, source, CLASS_KEYS, NAME_FILTERS)
    try:
        sets = EntityClass(data.get("sets"))
    except ValueError:
        _fail(source, f"'sets' {data.get('sets')!r} is no class")
    if "when" in data and "unless" in data:
        _fail(source, "a row has 'when' or 'unless', not both")
    everything = frozenset(EntityClass)
    if "when" in data:
        applies_to = _classes(data["when"], source, "when")
    else:
        applies_to = everything - _classes(data.get("unless", []), source, "unless")
    entity = data.get("entity")
    if pattern.matcher == "entity":
        if entity is not None:
            _fail(source, "an 'entity' row looks at the name alone: it has no 'entity' token")
        return ClassRow(pattern=pattern, sets=sets, applies_to=applies_to, entity_token=None, at="start")
    if not isinstance(entity, dict) or not isinstance(entity.get("token"), str) or \
            entity.get("at") not in ("start", "end", "root"):
        _fail(source, "'entity' is {\"token\": name, \"at\": \"start\" | \"end\" | \"root\"}")
    _named(pattern, "entity", entity["token"], source)
    return ClassRow(pattern=pattern, sets=sets, applies_to=applies_to, entity_token=entity["token"], at=entity["at"])
