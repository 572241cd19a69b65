"""The engine that runs the pattern rows (:mod:`kg.extraction.rows`): one spaCy component to
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
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import NamedTuple

from spacy.language import Language
from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from kg.extraction.arguments import MentionIndex
from kg.extraction.filters import FACTUALITIES, FILTERS, NAME_FILTERS, PREDICATES
from kg.extraction.finders import ARGUMENTS, MatchContext, split_name
from kg.extraction.rows import ClassRow, Pattern, RelationRow, Side, class_rows, read_rows, relation_rows
from kg.extraction.words import DataError
from kg.model import EntityClass, Factuality, RelationMention

MATCHES_KEY = "kg_pattern_matches"
Row = RelationRow | ClassRow


class PatternMatch(NamedTuple):
    """Where one row matched a doc: the row's place in the ruler, and the tokens each name took."""

    row: int
    tokens: dict[str, tuple[int, ...]]


def shipped_rows() -> tuple[Row, ...]:
    """Every row kg ships: the relation rows, then the class rows."""
    return (*relation_rows(), *class_rows())


class PatternRuler:
    """The spaCy component that runs every row's pattern as a document is parsed.

    Matches are kept in ``doc.user_data`` (row numbers and token indices), so the extraction
    stages read them without matching again.
    """

    def __init__(self, vocab: Vocab, name: str = "kg_patterns", rows: Iterable[Row] = ()) -> None:
        self.vocab = vocab
        self.name = name
        self.clear()
        self.add_rows(rows)

    def clear(self) -> None:
        self.rows: list[Row] = []
        self._token_matcher = Matcher(self.vocab, validate=True)
        self._dependency_matcher = DependencyMatcher(self.vocab, validate=True)

    def add_rows(self, rows: Iterable[Row]) -> None:
        for row in rows:
            pattern = row.pattern
            key = f"kg-row-{len(self.rows)}"
            try:
                if pattern.matcher == "dependency":
                    self._dependency_matcher.add(key, [pattern.spacy_pattern()])
                elif pattern.matcher == "token":
                    self._token_matcher.add(key, [pattern.spacy_pattern()])
            except ValueError as error:
                raise DataError(f"{pattern.source}: spaCy refuses the pattern: {error}") from error
            self.rows.append(row)

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data[MATCHES_KEY] = self.match(doc)
        return doc

    def match(self, doc: Doc) -> list[PatternMatch]:
        """Every match of every row, in row order, then text order."""
        found: list[PatternMatch] = []
        strings = self.vocab.strings
        token_matches = self._token_matcher(doc, with_alignments=True) if len(self._token_matcher) else []
        for match_id, start, _end, alignment in token_matches:  # type: ignore[misc]
            number = int(strings[match_id].rsplit("-", 1)[1])
            names = self.rows[number].pattern.token_names()
            tokens: dict[str, list[int]] = {}
            for offset, element in enumerate(alignment):
                name = names[element]
                if name is not None:
                    tokens.setdefault(name, []).append(start + offset)
            found.append(PatternMatch(number, {name: tuple(ids) for name, ids in tokens.items()}))
        for match_id, token_ids in self._dependency_matcher(doc) if len(self._dependency_matcher) else []:
            number = int(strings[match_id].rsplit("-", 1)[1])
            names = self.rows[number].pattern.token_names()
            found.append(PatternMatch(number, {name: (i,) for name, i in zip(names, token_ids, strict=True)
                                               if name is not None}))
        found.sort(key=lambda match: (match.row, sorted(match.tokens.values())))
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


def pattern_matches(doc: Doc) -> tuple[list[Row], list[PatternMatch]]:
    """The rows and their matches on ``doc``: kept by the ``kg_patterns`` component, else made now."""
    found: list[PatternMatch] | None = doc.user_data.get(MATCHES_KEY)
    ruler = _default_ruler(doc.vocab)
    if found is None:
        found = doc.user_data[MATCHES_KEY] = ruler.match(doc)
    return ruler.rows, found


@cache
def _default_ruler(vocab: Vocab) -> PatternRuler:
    return PatternRuler(vocab, rows=shipped_rows())


# ---------------------------------------------------------------- relation rows

def pattern_relations(index: MentionIndex) -> Iterator[RelationMention]:
    """The relations the relation rows' matches state between the document's mentions."""
    doc = index.doc
    rows, matches = pattern_matches(doc)
    for match in matches:
        row = rows[match.row]
        if not isinstance(row, RelationRow):
            continue
        context = MatchContext(index, {name: [doc[i] for i in ids] for name, ids in match.tokens.items()})
        subjects = _side_mentions(context, row.subject)
        if not subjects:
            continue
        objects = _side_mentions(context, row.object)
        for subject in subjects:
            for obj in objects:
                if subject == obj or not all(_holds(context, name, subject, obj) for name in row.pattern.where):
                    continue
                anchor = index.span(subject).root if row.anchor == "subject" else context.token(row.anchor)
                yield index.relation(subject, obj, anchor, row.verb, _predicate(context, row, subject, obj),
                                     _factuality(context, row, anchor), row.pattern.id, row.confidence)


def _side_mentions(context: MatchContext, side: Side) -> list[str]:
    name, argument = split_name(side.via)
    found = ARGUMENTS[name](context, context.token(side.token), argument)
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
    rows, matches = pattern_matches(span.doc)
    return first_class_row(span, cls, rows, matches)


def first_class_row(span: Span, cls: EntityClass, rows: list[Row], matches: list[PatternMatch]) -> EntityClass:
    """The class given by the first of ``rows`` that fires on the name, by ``matches``, else ``cls``."""
    at_name = _class_matches(span.doc, rows, matches)
    for number, row in enumerate(rows):
        if not isinstance(row, ClassRow) or cls not in row.applies_to:
            continue
        if row.pattern.matcher == "entity":
            candidates: list[dict[str, list[Token]]] = [{}]
        else:
            position = {"start": span.start, "end": span.end - 1, "root": span.root.i}[row.at]
            candidates = at_name.get((number, position), [])
        for tokens in candidates:
            if all(_name_holds(span, tokens, name) for name in row.pattern.where):
                return row.sets
    return cls


MatchedTokens = dict[str, list[Token]]


def _class_matches(
    doc: Doc, rows: list[Row], matches: list[PatternMatch]
) -> dict[tuple[int, int], list[MatchedTokens]]:
    """The class rows' matches by (row, the token the row's entity token took)."""
    table: dict[tuple[int, int], list[MatchedTokens]] = {}
    for match in matches:
        row = rows[match.row]
        if isinstance(row, ClassRow) and row.entity_token is not None:
            tokens = {name: [doc[i] for i in ids] for name, ids in match.tokens.items()}
            table.setdefault((match.row, tokens[row.entity_token][0].i), []).append(tokens)
    return table


def _name_holds(span: Span, tokens: dict[str, list[Token]], filter_name: str) -> bool:
    name, argument = split_name(filter_name)
    return NAME_FILTERS[name](span, tokens, argument)


__all__ = ["MATCHES_KEY", "Pattern", "PatternMatch", "PatternRuler", "containment_rules", "corrected_by_rows",
           "first_class_row", "make_pattern_ruler", "pattern_matches", "pattern_relations", "shipped_rows"]
