"""The engine that runs the pattern rows (:mod:`kg.extraction.patterns.rows`): one spaCy component to
match them all as a document is parsed, then two small steps that read the matches.

- :class:`PatternRuler` (the ``kg_patterns`` component) runs every row's ``Matcher`` or
  ``DependencyMatcher`` pattern and keeps the matches on the doc, as plain data, the way
  spaCy's ``SpanRuler`` keeps spans; its rows save and load with the pipeline.
- :func:`pattern_relations` turns the relation rows' matches into relations, once the
  document's mentions are known.
- :func:`corrected_by_rows` gives a name the class of the first class row that fires on it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from kg.data.words import DataError
from kg.extraction.arguments import MentionIndex
from kg.extraction.patterns.filters import FACTUALITIES, FILTERS, NAME_FILTERS, PREDICATES
from kg.extraction.patterns.finders import ARGUMENTS, GUARDS, MatchContext, split_name
from kg.extraction.patterns.matcher import (
    Node,
    TokenPattern,
    compile_dependency_pattern,
    compile_token_pattern,
    match_dependencies,
    match_tokens,
    wanted_values,
)
from kg.extraction.patterns.rows import ClassRow, RelationRow, Side, class_rows, read_rows, relation_rows
from kg.extraction.patterns.tokens import PatternError, TokenIndex
from kg.model import EntityClass, Factuality, RelationMention

MATCHES_KEY = "kg_pattern_matches"
Row = RelationRow | ClassRow
#: A compiled pattern and the numbers of the rows that share it.
Compiled = tuple[TokenPattern | tuple[Node, ...], tuple[int, ...]]
#: A finder's cheap test that it can find anything at a token (``GUARDS``).
Guard = Callable[[MentionIndex, int], bool]


class PatternMatch(NamedTuple):
    """Where a pattern matched a doc: the rows that share the pattern (their places in the ruler),
    and the tokens each name took."""

    rows: tuple[int, ...]
    tokens: dict[str, tuple[int, ...]]


def shipped_rows() -> tuple[Row, ...]:
    """Every row kg ships: the relation rows, then the class rows."""
    return (*relation_rows(), *class_rows())


class PatternRuler:
    """The spaCy component that runs the rows' patterns as a document is parsed.

    The patterns class rows use are matched then, and their matches kept in ``doc.user_data``
    (row numbers and token indices) with the document's token index, so the extraction stages
    read them without matching again. A pattern only relation rows use is matched when the
    document's mentions are known (:meth:`DocMatches.relation_matches`): a node its rows read
    through a finder with a guard (``GUARDS``: "the mention at this token", ...) is tried only
    at tokens where that finder can find something, so the matches that could state nothing
    (most of them: a modifier, a preposition far from any name) are never made.
    """

    def __init__(self, vocab: Vocab, name: str = "kg_patterns", rows: Iterable[Row] = ()) -> None:
        self.vocab = vocab
        self.name = name
        self.clear()
        self.add_rows(rows)

    def clear(self) -> None:
        self.rows: list[Row] = []
        #: each distinct pattern, compiled, with the numbers of the rows that share it
        self._compiled: dict[str, Compiled] = {}
        self._wanted: dict[int, frozenset[int]] | None = None
        self._class_rows: dict[EntityClass, list[tuple[int, ClassRow]]] = {}
        self._by_kind: tuple[list[Compiled], list[Compiled]] | None = None
        self._guarded: dict[tuple[int, ...], dict[str, list[list[Guard]]]] = {}
        #: each row's pattern's token names, and the (element, name) of those named
        self._names: list[tuple[list[str | None], list[tuple[int, str]]]] = []

    def class_rows(self, cls: EntityClass) -> list[tuple[int, ClassRow]]:
        """The class rows that apply to a name of class ``cls``, with their numbers, in row order
        (worked out once a class: every name of every document asks)."""
        found = self._class_rows.get(cls)
        if found is None:
            found = self._class_rows[cls] = [(number, row) for number, row in enumerate(self.rows)
                                             if isinstance(row, ClassRow) and cls in row.applies_to]
        return found

    def add_rows(self, rows: Iterable[Row]) -> None:
        for row in rows:
            pattern = row.pattern
            if pattern.matcher != "entity":
                key = json.dumps([pattern.matcher, pattern.pattern], sort_keys=True)
                if key not in self._compiled:
                    try:
                        compiled = compile_dependency_pattern(pattern.spacy_pattern()) \
                            if pattern.matcher == "dependency" else compile_token_pattern(pattern.spacy_pattern())
                    except PatternError as error:
                        raise DataError(f"{pattern.source}: {error}") from error
                    self._compiled[key] = (compiled, ())
                compiled, numbers = self._compiled[key]
                self._compiled[key] = (compiled, (*numbers, len(self.rows)))
                self._wanted = None
            self._by_kind = None
            self._guarded.clear()
            self.rows.append(row)
            names = row.pattern.token_names()
            self._names.append((names, [(k, name) for k, name in enumerate(names) if name is not None]))
        self._class_rows.clear()

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data[MATCHES_KEY] = self.parsed_matches(doc)
        return doc

    def parsed_matches(self, doc: Doc) -> DocMatches:
        """The matches of the patterns class rows use, with the doc's token index for the rest."""
        index = self.token_index(doc)
        return DocMatches(self, self.matches_of(index, self._split()[0]), index)

    def match(self, doc: Doc) -> list[PatternMatch]:
        """Every match of every row, in row order, then text order."""
        return self.matches_of(self.token_index(doc), list(self._compiled.values()))

    def token_index(self, doc: Doc) -> TokenIndex:
        """The doc's tokens indexed by the values the patterns look them up by."""
        if self._wanted is None:
            self._wanted = wanted_values([compiled for compiled, _ in self._compiled.values()])
        return TokenIndex(doc, self._wanted)

    def guarded_nodes(self, numbers: tuple[int, ...]) -> dict[str, list[list[Guard]]]:
        """:func:`nodes_guarded_in` the rows that share a pattern, worked out once per pattern."""
        found = self._guarded.get(numbers)
        if found is None:
            found = self._guarded[numbers] = nodes_guarded_in([self.rows[number] for number in numbers])
        return found

    def relation_patterns(self) -> list[Compiled]:
        """The patterns only relation rows use, in row order."""
        return self._split()[1]

    def _split(self) -> tuple[list[Compiled], list[Compiled]]:
        """The patterns some class row uses, and those only relation rows use."""
        if self._by_kind is None:
            patterns = list(self._compiled.values())
            of_class = [any(isinstance(self.rows[number], ClassRow) for number in numbers) for _, numbers in patterns]
            self._by_kind = ([pattern for pattern, used in zip(patterns, of_class, strict=True) if used],
                             [pattern for pattern, used in zip(patterns, of_class, strict=True) if not used])
        return self._by_kind

    def matches_of(self, index: TokenIndex, patterns: list[Compiled],
                   filters: Callable[[tuple[int, ...]], dict[str, Callable[[int], bool]]] | None = None,
                   ) -> list[PatternMatch]:
        """The matches of ``patterns``, in row order, then text order; ``filters`` gives a dependency
        pattern's node filters (by node) from its rows' numbers."""
        found: list[PatternMatch] = []
        for compiled, numbers in patterns:
            if isinstance(compiled, TokenPattern):
                names, named = self._names[numbers[0]]
                for start, elements in match_tokens(compiled, index):
                    taken: dict[str, tuple[int, ...]]
                    if compiled.fixed:
                        taken = {name: (start + k,) for k, name in named}
                    else:
                        tokens: dict[str, list[int]] = {}
                        for offset, element in enumerate(elements):
                            name = names[element]
                            if name is not None:
                                tokens.setdefault(name, []).append(start + offset)
                        taken = {name: tuple(ids) for name, ids in tokens.items()}
                    found.append(PatternMatch(numbers, taken))
            else:
                node_filters = filters(numbers) if filters is not None else None
                found.extend(PatternMatch(numbers, taken)
                             for taken in match_dependencies(compiled, index, node_filters))
        found.sort(key=attrgetter("rows"))  # in row order; each pattern's matches in text order
        return found

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        for kind, wanted in (("relations", RelationRow), ("mentions", ClassRow)):
            lines = [json.dumps(row.pattern.raw, ensure_ascii=False) + "\n"
                     for row in self.rows if isinstance(row, wanted)]
            (folder / f"{kind}.jsonl").write_text("".join(lines), "utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> PatternRuler:
        self.clear()
        for kind in ("relations", "mentions"):
            file = Path(path) / f"{kind}.jsonl"
            self.add_rows(read_rows(file.read_text("utf-8"), str(file), kind="relation" if kind == "relations"
                                    else "class"))
        return self


@Language.factory("kg_patterns")
def make_pattern_ruler(nlp: Language, name: str) -> PatternRuler:
    """kg's pattern rows as a pipeline component (``nlp.add_pipe("kg_patterns")``), with the shipped rows."""
    return PatternRuler(nlp.vocab, name, shipped_rows())


@dataclass
class DocMatches:
    """A ruler and its matches on one doc: those of the patterns class rows use, made as the doc
    was parsed (also by the token their name token took, made when first asked for), and the
    doc's token index, for the relation rows' patterns to be matched once the mentions are known."""

    ruler: PatternRuler
    matches: list[PatternMatch]
    tokens: TokenIndex
    _at_name: dict[tuple[int, int], list[dict[str, tuple[int, ...]]]] | None = None

    def relation_matches(self, index: MentionIndex) -> list[PatternMatch]:
        """The matches of every relation row, in row order, then text order: those the parse made
        (a pattern a class row shares), and the rest, matched now, where their mentions can be."""
        rows = self.rows
        found = [match for match in self.matches if any(isinstance(rows[number], RelationRow) for number in match.rows)]
        found += self.ruler.matches_of(self.tokens, self.ruler.relation_patterns(),
                                       lambda numbers: {node: _any_row_can(index, guards)
                                                        for node, guards in self.ruler.guarded_nodes(numbers).items()})
        found.sort(key=attrgetter("rows"))
        return found

    @property
    def rows(self) -> list[Row]:
        return self.ruler.rows

    def at_name(self) -> dict[tuple[int, int], list[dict[str, tuple[int, ...]]]]:
        """(class row number, token of the row's entity token) -> the tokens (positions) of each such match."""
        if self._at_name is None:
            table: dict[tuple[int, int], list[dict[str, tuple[int, ...]]]] = {}
            for match in self.matches:
                for number in match.rows:
                    row = self.rows[number]
                    if isinstance(row, ClassRow) and row.entity_token is not None:
                        named = match.tokens[row.entity_token]  # "at": "end" meets the name at its last word
                        table.setdefault((number, named[-1 if row.at == "end" else 0]), []).append(match.tokens)
            self._at_name = table
        return self._at_name


def pattern_matches(doc: Doc) -> DocMatches:
    """The rows and their matches on ``doc``: kept by the ``kg_patterns`` component, else made now."""
    found: DocMatches | None = doc.user_data.get(MATCHES_KEY)
    if found is None:
        ruler = _default_ruler(doc.vocab)
        found = doc.user_data[MATCHES_KEY] = ruler.parsed_matches(doc)
    return found


@cache
def _default_ruler(vocab: Vocab) -> PatternRuler:
    return PatternRuler(vocab, rows=shipped_rows())


# ---------------------------------------------------------------- relation rows

def pattern_relations(index: MentionIndex) -> Iterator[RelationMention]:
    """The relations the relation rows' matches state between the document's mentions."""
    found = pattern_matches(index.doc)
    rows = found.rows
    for match in found.relation_matches(index):
        for number in match.rows:
            row = rows[number]
            if not isinstance(row, RelationRow):
                continue
            guard = GUARDS.get(row.subject.finder)
            if guard is not None and not guard(index, match.tokens[row.subject.token][0]):
                continue  # the subject's token names nothing: most matches end here, cheaply
            yield from _row_relations(index, row, MatchContext(index, match.tokens))


def nodes_guarded_in(rows: list[Row]) -> dict[str, list[list[Guard]]]:
    """The nodes of a pattern every one of its (relation) rows reads through a finder with a guard,
    each with the guards of each row there: a token where no row's guards all hold makes a match
    that states nothing (the subject's guard drops it, or the object's finder finds none)."""
    guarded: list[dict[str, list[Guard]]] = []
    for row in rows:
        if not isinstance(row, RelationRow):
            return {}
        sides: dict[str, list[Guard]] = {}
        for side in (row.subject, row.object):
            if side.finder in GUARDS:
                sides.setdefault(side.token, []).append(GUARDS[side.finder])
        guarded.append(sides)
    shared = set.intersection(*(set(sides) for sides in guarded)) if guarded else set()
    return {node: [sides[node] for sides in guarded] for node in sorted(shared)}


def _any_row_can(index: MentionIndex, guards: list[list[Guard]]) -> Callable[[int], bool]:
    """The test that some row's guards on a node all hold at a token."""
    if len(guards) == 1 and len(guards[0]) == 1:
        guard = guards[0][0]
        return lambda i: guard(index, i)
    return lambda i: any(all(guard(index, i) for guard in row) for row in guards)


def _row_relations(index: MentionIndex, row: RelationRow, context: MatchContext) -> Iterator[RelationMention]:
    # The object first: in a long sentence most matches of a row pair one modifier with each of its
    # many ancestors, and the modifier alone (no mention there) already rules them all out.
    objects = _side_mentions(context, row.object)
    if not objects:
        return
    subjects = _side_mentions(context, row.subject)
    for subject in subjects:
        for obj in objects:
            if subject == obj or not all(_holds(context, name, subject, obj) for name in row.pattern.where):
                continue
            anchor = index.span(subject).root if row.anchor == "subject" else context.token(row.anchor)
            yield index.relation(subject, obj, anchor, row.verb, _predicate(context, row, subject, obj),
                                 _factuality(context, row, anchor), row.pattern.id, row.confidence)


def _side_mentions(context: MatchContext, side: Side) -> list[str]:
    found = ARGUMENTS[side.finder](context, context.token(side.token), side.argument)
    if side.classes is not None:
        found = [mention for mention in found if context.index.cls(mention) in side.classes]
    return found


def _holds(context: MatchContext, filter_name: str, subject: str, obj: str) -> bool:
    name, argument = split_name(filter_name)
    return FILTERS[name](context, subject, obj, argument)


def _predicate(context: MatchContext, row: RelationRow, subject: str, obj: str) -> str:
    if row.states is not None:
        return row.states
    name, argument = split_name(row.states_by or "")
    return PREDICATES[name](context, subject, obj, argument)


def _factuality(context: MatchContext, row: RelationRow, anchor: Token) -> Factuality:
    if row.factuality in FACTUALITIES:
        return FACTUALITIES[row.factuality](context, anchor)
    return Factuality(row.factuality)


def containment_rules() -> frozenset[str]:
    """The rules whose statements place their subject inside their object ("Aiken, S.C.")."""
    return frozenset(row.pattern.id for row in relation_rows() if row.contains)


# ---------------------------------------------------------------- class rows

def corrected_by_rows(span: Span, cls: EntityClass) -> EntityClass:
    """The class the first class row that fires on the name gives it, else ``cls``."""
    return first_class_row(span, cls, pattern_matches(span.doc))


def first_class_row(span: Span, cls: EntityClass, found: DocMatches) -> EntityClass:
    """The class given by the first of the class rows that fires on the name, else ``cls``."""
    at_name, doc = found.at_name(), span.doc
    positions = {"start": span.start, "end": span.end - 1}
    for number, row in found.ruler.class_rows(cls):
        if row.pattern.matcher == "entity":
            candidates: list[dict[str, tuple[int, ...]]] = [{}]
        else:
            if row.at not in positions:
                positions[row.at] = span.root.i
            candidates = at_name.get((number, positions[row.at]), [])
        for ids in candidates:  # Token objects only for the matches at this name
            tokens = {name: [doc[i] for i in places] for name, places in ids.items()}
            if all(_name_holds(span, tokens, name) for name in row.pattern.where):
                return row.sets
    return cls


def _name_holds(span: Span, tokens: dict[str, list[Token]], filter_name: str) -> bool:
    name, argument = split_name(filter_name)
    return NAME_FILTERS[name](span, tokens, argument)
