from __future__ import annotations

from collections.abc import Callable

import pytest
from rdflib import RDF, Literal
from rdflib.compare import isomorphic

from kg.graph.rdf import entity_iri, slug, statement_iri, to_graph
from kg.model import Corpus
from kg.namespace import KG


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Antony Blinken", "Antony_Blinken"),
        ("Zürich", "Z%C3%BCrich"),
        ('A "b" <c>#d/e%', "A_%22b%22_%3Cc%3E%23d%2Fe%25"),
        ("  spaced   out ", "spaced_out"),
    ],
)
def test_slug_is_safe_and_stable(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_entity_iris_depend_on_kind_and_name_only() -> None:
    assert entity_iri("person/Antony Blinken") == entity_iri("person/Antony Blinken")
    assert entity_iri("person/Washington") != entity_iri("place/Washington")
    assert str(entity_iri("person/Antony Blinken")).endswith("/id/person/Antony_Blinken")


def test_each_relation_is_a_direct_triple_and_a_statement(resolve_texts: Callable[..., Corpus]) -> None:
    corpus = resolve_texts("Antony Blinken will meet with Benjamin Netanyahu in Jerusalem.")
    graph = to_graph(corpus)
    [relation] = [r for r in corpus.relations if r.predicate == "meets"]
    subject, obj = entity_iri(relation.subject), entity_iri(relation.object)
    assert (subject, KG.meets, obj) in graph
    statement = statement_iri(relation)
    assert (statement, RDF.type, KG.Statement) in graph
    assert graph.value(statement, RDF.subject) == subject
    assert graph.value(statement, RDF.predicate) == KG.meets
    assert graph.value(statement, RDF.object) == obj
    assert graph.value(statement, KG.factuality) == KG.planned
    evidence = "Antony Blinken will meet with Benjamin Netanyahu in Jerusalem."
    assert graph.value(statement, KG.evidence) == Literal(evidence)
    assert graph.value(statement, KG.startOffset) == Literal(0)
    assert graph.value(statement, KG.rule) == Literal("verb-prep")
    assert graph.value(statement, KG.document) is not None


def test_a_negated_relation_is_not_asserted(resolve_texts: Callable[..., Corpus]) -> None:
    graph = to_graph(resolve_texts("Obama did not meet Putin."))
    assert not list(graph.triples((None, KG.meets, None)))
    denied = set(graph.subjects(KG.factuality, KG.negated))
    statements = [node for node in denied if (node, RDF.type, KG.Statement) in graph]
    assert len(statements) == 1
    assert graph.value(statements[0], RDF.predicate) == KG.meets
    assert [graph.value(node, RDF.type) for node in denied - set(statements)] == [KG.Meeting]  # kept, denied


def test_same_corpus_same_graph(resolve_texts: Callable[..., Corpus]) -> None:
    first = to_graph(resolve_texts("Macron met Scholz in Berlin."))
    second = to_graph(resolve_texts("Macron met Scholz in Berlin."))
    assert isomorphic(first, second)
    assert first.serialize(format="turtle") == second.serialize(format="turtle")
    assert len(first) > 10
