"""The news model's check of the rules' statements (kg.learn.newsstatements), on a small real text."""

from __future__ import annotations

from collections.abc import Callable

import numpy
import pytest

from kg.learn.classifier import PairClassifier
from kg.learn.newsstatements import (
    CLASSES,
    RIGHT,
    Statement,
    rejected,
    statement_features,
    statements,
    statements_to_check,
    without_rejected,
)
from kg.model import DocumentAnalysis

Analyse = Callable[[str], DocumentAnalysis]
TEXT = ("Anna Berg, the chief executive of Acme Corp, visited Lyon on Monday.\n\n"
        "Carlos Diaz praised Anna Berg after the trip.")


@pytest.fixture(scope="module")
def analysis(analyse_text: Analyse) -> DocumentAnalysis:
    return analyse_text(TEXT)


def _said(checked: list[tuple[Statement, str]]) -> set[tuple[str, str, str]]:
    return {(statement.subject.name, relation, statement.object.name) for statement, relation in checked}


def test_the_check_decides_on_the_statements_in_the_guidelines_relations(analysis: DocumentAnalysis) -> None:
    checked = statements_to_check(analysis)
    said = _said(checked)
    assert ("Anna Berg", "leads", "Acme Corp") in said and ("Carlos Diaz", "supports", "Anna Berg") in said
    assert {relation for _, relation in checked} <= {"holdsRole", "leads", "supports", "visits", "says"}
    # a statement in a relation the guidelines do not annotate ("relatedTo") is not the check's to decide
    open_ones = [statement for statement in statements(analysis) if statement.predicate == "relatedTo"]
    assert open_ones and not {id(statement.relation) for statement in open_ones} & {
        id(statement.relation) for statement, _ in checked}


def test_a_statement_reads_its_pair_and_its_own_features(analysis: DocumentAnalysis) -> None:
    checked = statements_to_check(analysis)
    pairs = {(statement.relation.subject, statement.relation.object): {"bw=of"} for statement, _ in checked}
    rows = statement_features(checked, pairs)
    for (statement, relation), row in zip(checked, rows, strict=True):
        assert "pair:bw=of" in row and "relation=" + relation in row and "rule=" + statement.relation.rule in row
        assert f"classes={statement.subject.cls}>{statement.object.cls}" in row
    assert all("pair:bw=of" not in row for row in statement_features(checked, {}))  # no pair, no pair features


def test_statements_found_less_likely_right_than_keep_are_taken_out(analysis: DocumentAnalysis) -> None:
    checked = statements_to_check(analysis)
    check = PairClassifier(CLASSES, ("bias",), {RIGHT: frozenset()}, 0.5, numpy.zeros((1, len(CLASSES))))
    right = CLASSES.index(RIGHT)
    doubted = [0.1 if relation == "supports" else 0.9 for _, relation in checked]
    probabilities = numpy.array([[1 - p, p] if right == 1 else [p, 1 - p] for p in doubted])
    out = rejected(checked, probabilities, check, keep=0.15)
    after = without_rejected(analysis, out)
    assert ("Carlos Diaz", "supports", "Anna Berg") not in _said(statements_to_check(after))
    assert ("Anna Berg", "leads", "Acme Corp") in _said(statements_to_check(after))
    assert len(after.relations) == len(analysis.relations) - doubted.count(0.1)
    # the relations the check does not decide on (relatedTo) stay
    open_ones = [statement.relation for statement in statements(analysis) if statement.predicate == "relatedTo"]
    assert open_ones and all(relation in after.relations for relation in open_ones)
    assert rejected(checked, probabilities, check, keep=0.05) == set()  # sure enough: all stay
    assert rejected(checked, probabilities, check, keep=0.0) == set()  # 0 keeps them all
    assert without_rejected(analysis, set()) is analysis
