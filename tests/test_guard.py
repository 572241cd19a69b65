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
