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
    checked_statements,
    statement_features,
    statements,
    with_checks,
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
    checked = checked_statements(analysis)
    said = _said(checked)
    assert ("Anna Berg", "leads", "Acme Corp") in said and ("Carlos Diaz", "supports", "Anna Berg") in said
    # each is one of the rules' statements, named by the guidelines' relation
    assert len(checked) <= len(statements(analysis))
    assert {relation for _, relation in checked} <= {"holdsRole", "leads", "supports", "visits", "says"}


def test_a_statement_reads_its_pair_and_its_own_features(analysis: DocumentAnalysis) -> None:
    checked = checked_statements(analysis)
    pairs = {(statement.relation.subject, statement.relation.object): {"bw=of"} for statement, _ in checked}
    rows = statement_features(checked, pairs)
    for (statement, relation), row in zip(checked, rows, strict=True):
        assert "pair:bw=of" in row and "relation=" + relation in row and "rule=" + statement.relation.rule in row
        assert f"classes={statement.subject.cls}>{statement.object.cls}" in row
    assert all("pair:bw=of" not in row for row in statement_features(checked, {}))  # no pair, no pair features


def test_statements_found_less_likely_right_than_keep_are_taken_out(analysis: DocumentAnalysis) -> None:
    checked = checked_statements(analysis)
    check = PairClassifier(CLASSES, ("bias",), {RIGHT: frozenset()}, 0.5, numpy.zeros((1, len(CLASSES))))
    right = CLASSES.index(RIGHT)
    doubted = [0.1 if relation == "supports" else 0.9 for _, relation in checked]
    probabilities = numpy.array([[1 - p, p] if right == 1 else [p, 1 - p] for p in doubted])
    after = with_checks(analysis, checked, probabilities, check, keep=0.15)
    assert ("Carlos Diaz", "supports", "Anna Berg") not in _said(checked_statements(after))
    assert ("Anna Berg", "leads", "Acme Corp") in _said(checked_statements(after))
    assert len(after.relations) == len(analysis.relations) - doubted.count(0.1)
    assert with_checks(analysis, checked, probabilities, check, keep=0.05) == analysis  # sure enough: all stay
    assert with_checks(analysis, checked, probabilities, check, keep=0.0) is analysis  # 0 keeps them all
