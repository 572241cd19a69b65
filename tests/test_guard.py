"""What the endpoint refuses before a query takes a worker, read from the query's tokens."""

from __future__ import annotations

import doctest

import pytest

from kg.sparql import guard
from kg.sparql.guard import refusal


def test_the_examples_in_the_docstrings() -> None:
    assert doctest.testmod(guard).failed == 0


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "Secret Service" }',
        "SELECT ?service WHERE { ?service a kg:Organization }",
        "PREFIX service: <urn:s:> SELECT * WHERE { ?s service:x ?o }",
        "SELECT * WHERE { ?s ?p ?o } # a SERVICE would be refused",
        "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
        "SELECT * WHERE { ?s ?p '''SERVICE { }''' }",
        "ASK { FILTER(" + "(" * 50 + "1" + ")" * 50 + ") }",
        "PREFIX drop: <urn:d:> SELECT * WHERE { ?s drop:x ?o }",
        "SELECT ?insert WHERE { ?insert ?p ?o }",
    ],
)
def test_queries_that_may_run(query: str) -> None:
    assert refusal(query) is None


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 403),
        ("SELECT * WHERE { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }", 403),
        ("SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 403),
        ("SELECT * WHERE { \\U00000053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 403),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 403),
        ("BASE <urn:x> PREFIX ex: <urn:ex:> DELETE WHERE { ?s ?p ?o }", 403),
        ("DROP ALL", 403),
        ("ASK { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }", 400),
        ("ASK " + "{" * 300 + "}" * 300, 400),
    ],
)
def test_queries_refused(query: str, status: int) -> None:
    refused = refusal(query)
    assert refused is not None and refused.status == status


FEDERATED_SPELLINGS = [
    # The engine needs no space or punctuation around a keyword, ends a comment at a bare CR, and
    # takes prefixes of any name characters: each of these made it fetch while the text check passed it.
    "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { SERVICE:s { ?s ?p ?o } }",
    "PREFIX kg: <http://127.0.0.1:9/> SELECT * WHERE { SERVICEkg:s { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICESILENT<http://127.0.0.1:9/s> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE #c\r<http://127.0.0.1:9/s> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p 1SERVICE<http://127.0.0.1:9/s> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p trueSERVICE<http://127.0.0.1:9/s> { ?a ?b ?c } }",
    "PREFIX a·b: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE a·b:s { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(kg:a\\' AS ?q) SERVICE <http://127.0.0.1:9/s> { ?x ?y 'z' } }",
    "SELECT * WHERE { VALUES ?u { <http://127.0.0.1:9/s> } SERVICE ?u { ?s ?p ?o } }",
]


@pytest.mark.parametrize("query", FEDERATED_SPELLINGS)
def test_the_engine_itself_tells_a_federated_call(query: str) -> None:
    """The worker's check asks the engine (on an empty store, nothing fetched): refused however the
    call is spelled, whatever the text check made of it."""
    from kg.namespace import PREFIXES
    from kg.sparql.worker import federated_call

    answer = federated_call(query, dict(PREFIXES))
    assert answer is not None and answer.status == 403


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "Secret Service" }', "SELECT ?service WHERE { ?service ?p ?o }",
    "SELECT * WHERE { ?s kg:service <urn:x> }", "SELECT * WHERE { ?s ?p ?o } # SERVICE x: y",
    'SELECT * WHERE { ?s rdfs:label ?l FILTER(CONTAINS(?l, "Service")) }'])
def test_service_as_a_word_is_no_federated_call(query: str) -> None:
    from kg.namespace import PREFIXES
    from kg.sparql.worker import federated_call

    assert federated_call(query, dict(PREFIXES)) is None
