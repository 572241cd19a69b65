"""One document's tokens indexed for pattern matching, and the token tests patterns are made of.

A pattern token (``{"LOWER": {"IN": [...]}, "POS": "NOUN"}``) compiles to a :class:`TokenTest`;
a :class:`TokenIndex` reads each attribute a test asks about once per document and indexes
the tokens by the values tests look them up by, so finding the tokens a test admits costs a
dictionary lookup, not a pass over the text. :mod:`kg.extraction.patterns.matcher` builds patterns on it.

Attributes read: ``ORTH``, ``TEXT``, ``LOWER``, ``NORM``, ``LEMMA`` (compared in lower case, as
kg's word lists are written), ``POS``, ``TAG``, ``DEP``, ``ENT_TYPE``, ``IS_ALPHA``, ``IS_DIGIT``,
``IS_LOWER``, ``IS_UPPER``, ``IS_TITLE``, ``IS_PUNCT``, ``IS_SPACE``, ``LIKE_NUM`` and
``IS_SENT_START``; a value, or ``IN``, ``NOT_IN`` or ``REGEX``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from spacy.attrs import (
    DEP,
    ENT_TYPE,
    HEAD,
    IS_ALPHA,
    IS_DIGIT,
    IS_LOWER,
    IS_PUNCT,
    IS_SPACE,
    IS_TITLE,
    IS_UPPER,
    LEMMA,
    LIKE_NUM,
    LOWER,
    NORM,
    ORTH,
    POS,
    SENT_START,
    TAG,
)
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.strings import get_string_id  # type: ignore[attr-defined]
from spacy.tokens import Doc

#: Attribute -> the column it is read from (LEMMA is lowered when the doc is indexed).
COLUMNS: dict[str, int] = {
    "ORTH": ORTH, "TEXT": ORTH, "LOWER": LOWER, "NORM": NORM, "LEMMA": LEMMA, "POS": POS, "TAG": TAG, "DEP": DEP,
    "ENT_TYPE": ENT_TYPE, "IS_ALPHA": IS_ALPHA, "IS_DIGIT": IS_DIGIT, "IS_LOWER": IS_LOWER, "IS_UPPER": IS_UPPER,
    "IS_TITLE": IS_TITLE, "IS_PUNCT": IS_PUNCT, "IS_SPACE": IS_SPACE, "LIKE_NUM": LIKE_NUM,
    "IS_SENT_START": SENT_START,
}
STRING_ATTRIBUTES = frozenset({"ORTH", "TEXT", "LOWER", "NORM", "LEMMA", "TAG", "DEP", "ENT_TYPE"})
#: How much a condition on an attribute narrows the tokens down: the matcher starts from the best.
#: A sentence's first token is rarer than any part of speech: "IS_SENT_START" finds a dateline's
#: opening word among ten tokens of a story, where its part of speech would list a hundred.
SELECTIVITY = {"ORTH": 4, "TEXT": 4, "LOWER": 4, "NORM": 4, "LEMMA": 4, "TAG": 3, "IS_SENT_START": 3,
               "DEP": 2, "POS": 2, "ENT_TYPE": 2}


class PatternError(ValueError):
    """A pattern this engine does not read."""


@dataclass(frozen=True)
class Condition:
    """One attribute test: the column and the values it accepts (or refuses, ``negated``), or a regex."""

    attribute: str
    column: int
    values: frozenset[int] = frozenset()
    negated: bool = False
    regex: re.Pattern[str] | None = None


@dataclass(frozen=True)
class TokenTest:
    """All the conditions one pattern token puts on a token.

    ``best`` is the condition that narrows the tokens down most and can be looked up by value
    (not a regex nor a refusal): the matcher finds the tokens through it; without one, the
    test is checked token by token.
    """

    conditions: tuple[Condition, ...]
    best: Condition | None = None

    @property
    def selectivity(self) -> int:
        return SELECTIVITY.get(self.best.attribute, 1) if self.best is not None else 0


def compile_test(attributes: dict[str, Any]) -> TokenTest:
    """The test of one pattern token's attributes (``{"LOWER": {"IN": [...]}, "POS": "NOUN"}``)."""
    conditions = []
    for attribute, value in attributes.items():
        if attribute not in COLUMNS:
            raise PatternError(f"attribute {attribute!r} is not one the matcher reads ({', '.join(COLUMNS)})")
        column = COLUMNS[attribute]
        if isinstance(value, dict):
            if len(value) != 1 or next(iter(value)) not in ("IN", "NOT_IN", "REGEX"):
                raise PatternError(f"{attribute}: only IN, NOT_IN or REGEX, one of them, are read (got {value})")
            operator, operand = next(iter(value.items()))
            if operator == "REGEX":
                if attribute not in STRING_ATTRIBUTES:
                    raise PatternError(f"{attribute}: REGEX applies to a text attribute")
                conditions.append(Condition(attribute, column, regex=re.compile(operand)))
                continue
            if not isinstance(operand, list):
                raise PatternError(f"{attribute}: {operator} takes a list")
            conditions.append(Condition(attribute, column, frozenset(_code(attribute, v) for v in operand),
                                        negated=operator == "NOT_IN"))
        else:
            conditions.append(Condition(attribute, column, frozenset({_code(attribute, value)})))
    best = max((c for c in conditions if not c.negated and c.regex is None),
               key=lambda c: SELECTIVITY.get(c.attribute, 1), default=None)
    return TokenTest(tuple(conditions), best)


def _code(attribute: str, value: Any) -> int:
    """The integer a token's column holds for ``value``."""
    if attribute == "POS":
        if value not in POS_IDS:
            raise PatternError(f"POS {value!r} is no part of speech")
        return int(POS_IDS[value])
    if attribute in STRING_ATTRIBUTES:
        if not isinstance(value, str):
            raise PatternError(f"{attribute} takes a string (got {value!r})")
        return int(get_string_id(value.lower() if attribute == "LEMMA" else value))
    if not isinstance(value, bool):
        raise PatternError(f"{attribute} takes true or false (got {value!r})")
    return int(value)


class TokenIndex:
    """One document's tokens, indexed by the values of the attributes patterns ask about.

    ``wanted`` says, for each attribute, which values some pattern looks tokens up by: only
    those are indexed, in one pass over the attribute's column.
    """

    def __init__(self, doc: Doc, wanted: dict[int, frozenset[int]] | None = None) -> None:
        self.doc = doc
        self.length = len(doc)
        self.wanted = wanted
        self._columns: dict[int, list[int]] = {}
        self._by_value: dict[int, dict[int, list[int]]] = {}
        self._tree: dict[str, list] = {}  # type: ignore[type-arg]

    def column(self, column: int) -> list[int]:
        """Every token's value of one attribute, read from the doc the first time it is asked for
        (all the attributes patterns look tokens up by are read at once).

        ``SENT_START`` is 1 at a sentence's first token; ``LEMMA`` holds the lemma in lower case.
        """
        found = self._columns.get(column)
        if found is None:
            wanted: list[int | str] = [column] if self.wanted is None or column not in self.wanted else \
                [c for c in self.wanted if c not in self._columns]
            table: list[list[int]] = [[] for _ in wanted]
            if self.length:
                table = self.doc.to_array(wanted).reshape(self.length, len(wanted)).T.tolist()  # type: ignore[assignment]
            for attribute, values in zip(wanted, table, strict=True):
                if attribute == LEMMA:
                    lowered, strings = _LOWERED, self.doc.vocab.strings
                    values = [lowered.get(lemma) or _lowered(strings, lemma) for lemma in values]
                self._columns[int(attribute)] = values
            found = self._columns[column]
        return found

    def positions(self, column: int) -> dict[int, list[int]]:
        """Value -> the positions of the tokens with it, for one attribute (made once per document)."""
        found = self._by_value.get(column)
        if found is None:
            found = {}
            values = self.column(column)
            wanted = self.wanted.get(column) if self.wanted is not None else None
            if wanted is None:
                for i, value in enumerate(values):
                    found.setdefault(value, []).append(i)
            else:
                for i in [i for i, value in enumerate(values) if value in wanted]:
                    found.setdefault(values[i], []).append(i)
            self._by_value[column] = found
        return found

    def heads(self) -> list[int]:
        """Each token's head, by position (the root is its own head)."""
        found = self._tree.get("heads")
        if found is None:
            offsets = self.doc.to_array([HEAD]).astype("int64").tolist() if self.length else []
            found = self._tree["heads"] = [i + offset for i, offset in enumerate(offsets)]
        return found

    def children(self) -> list[list[int]]:
        """Each token's children, by position, in text order."""
        found = self._tree.get("children")
        if found is None:
            found = self._tree["children"] = [[] for _ in range(self.length)]
            for i, head in enumerate(self.heads()):
                if head != i:
                    found[head].append(i)
        return found

    def related(self, i: int, relation: str, steps: int | None = None) -> list[int]:
        """The tokens in ``relation`` (``>``, ``<``, ``>>``, ``<<``) to token ``i``, as spaCy's dependency
        patterns read it: its children, its head, its descendants, its ancestors (at most ``steps`` up)."""
        if relation == ">":
            return self.children()[i]
        heads = self.heads()
        if relation == "<":
            return [heads[i]] if heads[i] != i else []
        if relation == "<<":
            found: list[int] = []
            while heads[i] != i and len(found) < (steps or self.length):
                i = heads[i]
                found.append(i)
            return found
        children, found, stack = self.children(), [], list(reversed(self.children()[i]))
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(reversed(children[node]))
        return sorted(found)

    def may_match(self, required: tuple[Condition, ...]) -> bool:
        """False when the doc has no token for one of the conditions a pattern cannot do without."""
        for condition in required:  # a loop, not all(): most patterns are ruled out here, per document
            if condition.values.isdisjoint(self.positions(condition.column)):
                return False
        return True

    def admitted(self, condition: Condition) -> list[list[int]]:
        """The positions of the tokens with each of the condition's values the doc has.

        A word list may hold hundreds of values and a document a few of them: whichever of the
        two is shorter is walked.
        """
        by_value, values = self.positions(condition.column), condition.values
        if len(values) < len(by_value):
            return [by_value[value] for value in values if value in by_value]
        return [found for value, found in by_value.items() if value in values]

    def count(self, test: TokenTest) -> int:
        """How many tokens the test's best condition admits (the cost of starting a pattern there)."""
        if test.best is None:
            return self.length
        return sum(map(len, self.admitted(test.best)))

    def passes(self, test: TokenTest, i: int) -> bool:
        for condition in test.conditions:
            if condition.regex is not None:
                if not condition.regex.search(self._text(condition.attribute, i)):
                    return False
            elif (self.column(condition.column)[i] in condition.values) == condition.negated:
                return False
        return True

    def candidates(self, test: TokenTest) -> list[int]:
        """The positions of the tokens that pass the test, in order, found through its best condition."""
        best = test.best
        if best is None:
            found: list[int] = list(range(self.length))
        else:
            lists = self.admitted(best)
            found = list(lists[0]) if len(lists) == 1 else sorted(i for positions in lists for i in positions)
        for condition in test.conditions:
            if condition is best or not found:
                continue
            if condition.regex is not None:
                regex, attribute = condition.regex, condition.attribute
                found = [i for i in found if regex.search(self._text(attribute, i))]
            else:
                column, values, negated = self.column(condition.column), condition.values, condition.negated
                found = [i for i in found if (column[i] in values) != negated]
        return found

    def _text(self, attribute: str, i: int) -> str:
        """A string attribute of token ``i``, read from its column's hash (no Token object made); the
        lemma's lower-case form is hashed, not stored, so it is read off the token."""
        if attribute == "LEMMA":
            return str(self.doc[i].lemma_.lower())
        return str(self.doc.vocab.strings[self.column(COLUMNS[attribute])[i]])


_LOWERED: dict[int, int] = {}


def _lowered(strings: Any, lemma: int) -> int:
    found = _LOWERED.get(lemma)
    if found is None:
        if len(_LOWERED) > 200_000:
            _LOWERED.clear()
        found = _LOWERED[lemma] = int(get_string_id(strings[lemma].lower()))
    return found
