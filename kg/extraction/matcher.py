"""A lean matcher for spaCy's token and dependency patterns, started from their most selective token.

spaCy's ``Matcher`` and ``DependencyMatcher`` test every token against every pattern, and a
word list (``{"LOWER": {"IN": [...]}}``) calls back into Python for each token: on news text the
pattern rows cost 5.7 ms a document that way, five times all the rest of kg's extraction. This
engine reads the same pattern syntax but indexes each document once (every token's value of
each attribute a pattern asks about) and starts each pattern where its most selective token can
stand, so it pays for the places a pattern could match, not for the whole text.

It reads a subset of the syntax, checked when a pattern is compiled:

- attributes ``ORTH``, ``TEXT``, ``LOWER``, ``NORM``, ``LEMMA``, ``POS``, ``TAG``, ``DEP``,
  ``ENT_TYPE``, ``IS_ALPHA``, ``IS_DIGIT``, ``IS_LOWER``, ``IS_UPPER``, ``IS_TITLE``,
  ``IS_PUNCT``, ``IS_SPACE``, ``LIKE_NUM`` and ``IS_SENT_START``; a value, or ``IN``,
  ``NOT_IN`` or ``REGEX``; ``LEMMA`` is compared in lower case (kg's word lists are);
- token patterns with the operators ``?``, ``*``, ``+``, ``!`` and ``{n}``, ``{n,m}``,
  ``{n,}``, ``{,m}``, every alignment returned as spaCy's ``Matcher`` returns every match;
- dependency patterns with ``>``, ``<``, ``>>`` and ``<<``, matched from the first node, which
  should be the most selective.

``tests/test_matcher.py`` checks that it finds what spaCy's matchers find.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
SELECTIVITY = {"ORTH": 4, "TEXT": 4, "LOWER": 4, "NORM": 4, "LEMMA": 4, "TAG": 3, "DEP": 2, "POS": 2, "ENT_TYPE": 2}
UNBOUNDED = 1 << 30
RELATIONS = frozenset({">", "<", ">>", "<<"})


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

    def related(self, i: int, relation: str) -> list[int]:
        """The tokens in ``relation`` (``>``, ``<``, ``>>``, ``<<``) to token ``i``, as spaCy's dependency
        patterns read it: its children, its head, its descendants, its ancestors."""
        if relation == ">":
            return self.children()[i]
        heads = self.heads()
        if relation == "<":
            return [heads[i]] if heads[i] != i else []
        if relation == "<<":
            found: list[int] = []
            while heads[i] != i and len(found) < self.length:
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
        return all(not condition.values.isdisjoint(self.positions(condition.column)) for condition in required)

    def count(self, test: TokenTest) -> int:
        """How many tokens the test's best condition admits (the cost of starting a pattern there)."""
        if test.best is None:
            return self.length
        by_value = self.positions(test.best.column)
        return sum(len(by_value.get(value, ())) for value in test.best.values)

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
            by_value = self.positions(best.column)
            found = sorted(i for value in best.values for i in by_value.get(value, ()))
        for condition in test.conditions:
            if condition is best:
                continue
            if condition.regex is not None:
                regex, attribute = condition.regex, condition.attribute
                found = [i for i in found if regex.search(self._text(attribute, i))]
            else:
                column, values, negated = self.column(condition.column), condition.values, condition.negated
                found = [i for i in found if (column[i] in values) != negated]
        return found

    def _text(self, attribute: str, i: int) -> str:
        token = self.doc[i]
        if attribute in ("ORTH", "TEXT"):
            return token.text
        if attribute == "LEMMA":
            return token.lemma_.lower()
        return str(getattr(token, attribute.lower() + "_"))


_LOWERED: dict[int, int] = {}


def _lowered(strings: Any, lemma: int) -> int:
    found = _LOWERED.get(lemma)
    if found is None:
        if len(_LOWERED) > 200_000:
            _LOWERED.clear()
        found = _LOWERED[lemma] = int(get_string_id(strings[lemma].lower()))
    return found


# ---------------------------------------------------------------- token patterns

@dataclass(frozen=True)
class Element:
    test: TokenTest
    least: int
    most: int
    negated: bool = False


def _bounds(op: str | None) -> tuple[int, int]:
    if op in (None, "!"):
        return 1, 1
    fixed = {"?": (0, 1), "*": (0, UNBOUNDED), "+": (1, UNBOUNDED)}
    if op in fixed:
        return fixed[op]
    found = re.fullmatch(r"\{(\d*)(,?)(\d*)\}", op)
    if found is None or (not found.group(1) and not found.group(3)):
        raise PatternError(f"operator {op!r} is not read")
    least = int(found.group(1) or 0)
    most = int(found.group(3)) if found.group(3) else (least if not found.group(2) else UNBOUNDED)
    return least, most


@dataclass(frozen=True)
class TokenPattern:
    """A compiled token pattern, started from its anchor: the most selective element that takes one token.

    ``fixed`` is true when every element takes exactly one token: such a pattern is checked
    position by position, without walking alternatives.
    """

    elements: tuple[Element, ...]
    anchor: int
    fixed: bool
    required: tuple[Condition, ...] = ()


def compile_token_pattern(pattern: list[dict[str, Any]]) -> TokenPattern:
    elements = []
    for attributes in pattern:
        attributes = dict(attributes)
        op = attributes.pop("OP", None)
        least, most = _bounds(op)
        elements.append(Element(compile_test(attributes), least, most, negated=op == "!"))
    single = [n for n, element in enumerate(elements) if element.least == element.most == 1 and not element.negated]
    if not single:
        raise PatternError("a token pattern needs one token that is always there (no operator)")
    anchor = max(single, key=lambda n: (elements[n].test.selectivity, -n))
    fixed = all(element.least == element.most == 1 for element in elements)
    required = tuple(element.test.best for element in elements
                     if element.least >= 1 and not element.negated and element.test.best is not None)
    return TokenPattern(tuple(elements), anchor, fixed, required)


def match_tokens(pattern: TokenPattern, index: TokenIndex) -> Iterator[tuple[int, list[int]]]:
    """Every alignment of the pattern: where it starts, and for each token from there, the element that took it."""
    if not index.may_match(pattern.required):
        return
    if pattern.fixed:
        yield from _match_fixed(pattern, index)
        return
    anchor = pattern.elements[pattern.anchor]
    before = pattern.elements[:pattern.anchor][::-1]
    after = pattern.elements[pattern.anchor + 1:]
    for position in index.candidates(anchor.test):
        for left in _walk(before, 0, position - 1, -1, index):
            for right in _walk(after, 0, position + 1, 1, index):
                # left holds elements in reverse order, walked backwards: turn it round
                elements_of_tokens = [pattern.anchor - 1 - n for n in reversed(left)] + [pattern.anchor] + \
                    [pattern.anchor + 1 + n for n in right]
                yield position - len(left), elements_of_tokens


def _match_fixed(pattern: TokenPattern, index: TokenIndex) -> Iterator[tuple[int, list[int]]]:
    """A pattern of one token an element, anchored on the element with the fewest candidates in this doc."""
    elements = pattern.elements
    looked_up = [(index.count(element.test), k) for k, element in enumerate(elements)
                 if element.test.best is not None and not element.negated]
    anchor = min(looked_up)[1] if looked_up else pattern.anchor
    size, taken = len(elements), list(range(len(elements)))
    others = [(k - anchor, element.test, element.negated) for k, element in enumerate(elements) if k != anchor]
    for position in index.candidates(elements[anchor].test):
        start = position - anchor
        if start < 0 or start + size > index.length:
            continue
        if all(index.passes(test, position + offset) != negated for offset, test, negated in others):
            yield start, taken


def _walk(elements: tuple[Element, ...], k: int, position: int, step: int, index: TokenIndex) -> Iterator[list[int]]:
    """Alignments of ``elements[k:]`` from ``position`` on in direction ``step``: for each token taken,
    the element (counted from 0) that took it."""
    if k == len(elements):
        yield []
        return
    element = elements[k]
    taken = 0
    current = position
    while True:
        if taken >= element.least:
            for rest in _walk(elements, k + 1, current, step, index):
                yield [k] * taken + rest
        if taken >= element.most or not 0 <= current < index.length:
            return
        if index.passes(element.test, current) == element.negated:
            return
        taken += 1
        current += step


# ---------------------------------------------------------------- dependency patterns

@dataclass(frozen=True)
class Node:
    name: str
    parent: str | None
    relation: str | None
    test: TokenTest


def wanted_values(patterns: list[TokenPattern | tuple[Node, ...]]) -> dict[int, frozenset[int]]:
    """Attribute -> the values the patterns look tokens up by: what a :class:`TokenIndex` indexes."""
    wanted: dict[int, set[int]] = {}
    for pattern in patterns:
        tests = [element.test for element in pattern.elements] if isinstance(pattern, TokenPattern) \
            else [node.test for node in pattern]
        for test in tests:
            if test.best is not None:
                wanted.setdefault(test.best.column, set()).update(test.best.values)
    return {column: frozenset(values) for column, values in wanted.items()}


def compile_dependency_pattern(pattern: list[dict[str, Any]]) -> tuple[Node, ...]:
    nodes = []
    seen: set[str] = set()
    for number, node in enumerate(pattern):
        name = node.get("RIGHT_ID")
        if not isinstance(name, str):
            raise PatternError("each dependency node needs a RIGHT_ID")
        parent, relation = node.get("LEFT_ID"), node.get("REL_OP")
        if number == 0 and (parent is not None or relation is not None):
            raise PatternError("the first dependency node is the root: no LEFT_ID, no REL_OP")
        if number > 0 and (parent not in seen or relation not in RELATIONS):
            raise PatternError(f"node {name!r}: LEFT_ID must name an earlier node and REL_OP be one of "
                               f"{', '.join(sorted(RELATIONS))}")
        nodes.append(Node(name, parent, relation, compile_test(node.get("RIGHT_ATTRS", {}))))
        seen.add(name)
    return tuple(nodes)


def match_dependencies(nodes: tuple[Node, ...], index: TokenIndex) -> Iterator[dict[str, tuple[int, ...]]]:
    """Every assignment of tokens to the nodes, from each token the root node accepts."""
    if not index.may_match(tuple(node.test.best for node in nodes if node.test.best is not None)):
        return
    for root in index.candidates(nodes[0].test):
        yield from _extend(nodes, 1, {nodes[0].name: (root,)}, index)


def _extend(nodes: tuple[Node, ...], k: int, found: dict[str, tuple[int, ...]],
            index: TokenIndex) -> Iterator[dict[str, tuple[int, ...]]]:
    if k == len(nodes):
        yield dict(found)
        return
    node = nodes[k]
    for i in index.related(found[node.parent or ""][0], node.relation or ">"):
        if index.passes(node.test, i):
            found[node.name] = (i,)
            yield from _extend(nodes, k + 1, found, index)
    found.pop(node.name, None)
