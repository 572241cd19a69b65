"""A lean matcher for spaCy's token and dependency patterns, started from their most selective token.

spaCy's ``Matcher`` and ``DependencyMatcher`` test every token against every pattern, and a
word list (``{"LOWER": {"IN": [...]}}``) calls back into Python for each token: on news text the
pattern rows cost 5.7 ms a document that way, five times all the rest of kg's extraction. This
engine reads the same pattern syntax but indexes each document once (every token's value of
each attribute a pattern asks about) and starts each pattern where its most selective token can
stand, so it pays for the places a pattern could match, not for the whole text.

It reads a subset of the syntax, checked when a pattern is compiled:

- the token attributes :mod:`kg.extraction.patterns.tokens` reads;
- token patterns with the operators ``?``, ``*``, ``+``, ``!`` and ``{n}``, ``{n,m}``,
  ``{n,}``, ``{,m}``, every alignment returned as spaCy's ``Matcher`` returns every match;
- dependency patterns with ``>``, ``<``, ``>>`` and ``<<``, matched from the first node, which
  should be the most selective; one addition to spaCy's syntax: ``"STEPS": n`` on a ``<<`` node
  looks at most ``n`` heads up. Unbounded, ``<<`` pairs every token of a long list of names with
  every name before it (each list item hangs off the one before), so a 1,000-item sentence made
  half a million matches; a row that means "the noun this modifier describes" never needs more
  than a few steps.

``tests/test_matcher.py`` checks that it finds what spaCy's matchers find.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from kg.extraction.patterns.tokens import Condition, PatternError, TokenIndex, TokenTest, compile_test

UNBOUNDED = 1 << 30
RELATIONS = frozenset({">", "<", ">>", "<<"})


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
    steps: int | None = None
    #: the parent's place among the pattern's nodes (-1 for the root)
    parent_at: int = -1


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
    nodes: list[Node] = []
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
        steps = node.get("STEPS")
        if steps is not None and (relation != "<<" or not isinstance(steps, int) or isinstance(steps, bool)
                                  or steps < 1):
            raise PatternError(f"node {name!r}: STEPS is a whole number of at least 1, on a << node")
        parent_at = next(k for k, earlier in enumerate(nodes) if earlier.name == parent) if number else -1
        nodes.append(Node(name, parent, relation, compile_test(node.get("RIGHT_ATTRS", {})), steps, parent_at))
        seen.add(name)
    return tuple(nodes)


def match_dependencies(nodes: tuple[Node, ...], index: TokenIndex,
                       filters: dict[str, Callable[[int], bool]] | None = None) -> Iterator[dict[str, tuple[int, ...]]]:
    """Every assignment of tokens to the nodes, from each token the root node accepts, in the
    order of the root, then of each next node's token; ``filters``: for some nodes (by name), a
    test their token must also pass.

    Node by node, breadth first: every partial assignment is extended by the next node's tokens
    (most end at the second node), and only the full ones are made into dictionaries.
    """
    if not index.may_match(tuple(node.test.best for node in nodes if node.test.best is not None)):
        return
    filters = filters or {}
    root_filter = filters.get(nodes[0].name)
    partial: list[tuple[int, ...]] = [(root,) for root in index.candidates(nodes[0].test)
                                      if root_filter is None or root_filter(root)]
    passes, related = index.passes, index.related
    for node in nodes[1:]:
        if not partial:
            return
        test, relation, steps, parent = node.test, node.relation or ">", node.steps, node.parent_at
        node_filter = filters.get(node.name)
        if node_filter is not None:
            partial = [(*tokens, i) for tokens in partial for i in related(tokens[parent], relation, steps)
                       if node_filter(i) and passes(test, i)]
        elif test.conditions:
            partial = [(*tokens, i) for tokens in partial for i in related(tokens[parent], relation, steps)
                       if passes(test, i)]
        else:  # a node that takes any token ("the noun this modifier describes")
            partial = [(*tokens, i) for tokens in partial for i in related(tokens[parent], relation, steps)]
    names = [node.name for node in nodes]
    for tokens in partial:
        yield {name: (i,) for name, i in zip(names, tokens, strict=True)}
