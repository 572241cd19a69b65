"""The news model's check of the rules' own statements: which of them annotated news says are wrong.

On news nobody tuned them for, about a third of what the rules state is wrong, and mostly in a few
relations: of the rules' statements on the 96 annotated train articles, 92 says were right and 110
wrong, 52 basedIn right and 49 wrong, 27 worksFor right and 40 wrong (a quotation's speaker credited with
every name it holds, where a story happened read as where an organisation is based, a title's
organisation read as an employer). The pair classifier (:mod:`kg.learn.news`) only adds: it
learns what holds between two names, and the rules' statement is one of its features, so it
cannot learn where that statement fails. The check learns exactly that: one binary logistic
regression over every statement the rules make in a relation of the guidelines, with the pair's
features and the statement's own (predicate, rule, factuality, the classes of its two sides), and
labels from the annotations (right when the article's facts hold it). A statement less likely
right than ``keep`` is taken out; the pair classifier may still state it where it is sure enough.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import NamedTuple

import numpy

from kg.learn.classifier import PairClassifier
from kg.learn.newsfacts import predicate_to_gold
from kg.model import DocumentAnalysis, Mention, RelationMention
from kg.resolution.predicates import predicate_of

#: The check's two classes: a statement the annotations hold, and one they do not.
RIGHT = "right"
WRONG = "wrong"
CLASSES = (WRONG, RIGHT)


class Statement(NamedTuple):
    """One of the rules' relations as the graph will state it: its predicate, now that both sides'
    classes are known, between the names its two sides stand for (turned round where the predicate
    reads the other way)."""

    relation: RelationMention
    predicate: str
    subject: Mention
    object: Mention


def referent(mention: Mention, by_id: dict[str, Mention]) -> Mention:
    """The named mention a pronoun or description stands for (itself for a name)."""
    seen = 0
    while mention.antecedent is not None and mention.antecedent in by_id and seen < 10:
        mention, seen = by_id[mention.antecedent], seen + 1
    return mention


def statements(analysis: DocumentAnalysis) -> list[Statement]:
    """The analysis's relations as statements (:class:`Statement`)."""
    by_id = {mention.id: mention for mention in analysis.mentions}
    found = []
    for relation in analysis.relations:
        subject, obj = by_id.get(relation.subject), by_id.get(relation.object)
        if subject is None or obj is None:
            continue
        predicate, swap = predicate_of(relation.verb, relation.predicate, subject.cls, obj.cls)
        rs, ro = referent(subject, by_id), referent(obj, by_id)
        found.append(Statement(relation, predicate, *((ro, rs) if swap else (rs, ro))))
    return found


def statements_to_check(analysis: DocumentAnalysis) -> list[tuple[Statement, str]]:
    """The statements the check decides on, each with its relation of the guidelines: those in one
    (a relation the guidelines do not annotate has nothing to learn from, and stays)."""
    to_gold = predicate_to_gold()
    return [(statement, to_gold[statement.predicate]) for statement in statements(analysis)
            if statement.predicate in to_gold]


def statement_features(checked: Sequence[tuple[Statement, str]],
                       pair_features: Mapping[tuple[str, str], set[str]]) -> list[set[str]]:
    """Each statement's features: its pair's (by the two mentions the rules related, prefixed
    ``pair:``), then its relation, rule and factuality, and the classes of the names it joins."""
    rows = []
    for statement, relation in checked:
        pair = pair_features.get((statement.relation.subject, statement.relation.object), set())
        classes = f"{statement.subject.cls}>{statement.object.cls}"
        rule = statement.relation.rule
        rows.append({"pair:" + feature for feature in pair} | {
            "bias", "relation=" + relation, "rule=" + rule, f"rule|relation={rule}|{relation}",
            f"factuality={statement.relation.factuality}", "classes=" + classes,
            f"relation|classes={relation}|{classes}"})
    return rows


def rejected(checked: Sequence[tuple[Statement, str]], probabilities: numpy.ndarray, classifier: PairClassifier,
             keep: float) -> set[RelationMention]:
    """The rules' relations whose statements the check finds less likely right than ``keep``
    (none at ``keep`` 0). A relation is a value: two equal ones have the same features, and go or
    stay together."""
    if not checked or keep <= 0:
        return set()
    right = probabilities[:, classifier.classes.index(RIGHT)]
    return {statement.relation for (statement, _), probability in zip(checked, right, strict=True)
            if probability < keep}


def without_rejected(analysis: DocumentAnalysis, rejected_relations: set[RelationMention]) -> DocumentAnalysis:
    """The analysis without the relations the check rejected."""
    if not rejected_relations:
        return analysis
    return replace(analysis, relations=tuple(relation for relation in analysis.relations
                                             if relation not in rejected_relations))
