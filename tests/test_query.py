from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.sparql import prepareQuery
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import QueryError
from kg.graph.rdf import new_graph
from kg.namespace import KG, PREFIXES
from kg.pipeline import BuildResult
from kg.sparql.query import example_names, example_query, format_result, query

A = URIRef("https://w3id.org/kg-news/id/person/A")
B = URIRef("https://w3id.org/kg-news/id/person/B")


@pytest.fixture
def graph() -> Graph:
    graph = new_graph()
    graph.add((A, KG.meets, B))
    return graph


def test_prefixes_are_declared(graph: Graph) -> None:
    result = query(graph, "SELECT ?a ?b WHERE { ?a kg:meets ?b }")
    assert result.variables == ("a", "b")
    assert result.rows == ((A, B),)
    assert result.records() == [{"a": "kgr:person/A", "b": "kgr:person/B"}]


def test_ask_and_construct(graph: Graph) -> None:
    assert query(graph, "ASK { ?a kg:meets ?b }").boolean is True
    constructed = query(graph, "CONSTRUCT { ?b kg:meets ?a } WHERE { ?a kg:meets ?b }").graph
    assert constructed is not None and (B, KG.meets, A) in constructed


@pytest.mark.parametrize("bad", ["SELECT ?a WHERE { ?a kg:meets }", "SELEKT * WHERE {}", "   "])
def test_malformed_queries_raise_query_error(graph: Graph, bad: str) -> None:
    with pytest.raises(QueryError):
        query(graph, bad)


def test_output_formats(graph: Graph) -> None:
    result = query(graph, "SELECT ?a ?b WHERE { ?a kg:meets ?b }")
    table = format_result(result, "table").splitlines()
    assert table[0].split() == ["a", "b"] and table[2].split() == ["kgr:person/A", "kgr:person/B"]
    assert table[-1] == "(1 row)"
    assert list(csv.reader(io.StringIO(format_result(result, "csv")))) == [["a", "b"], ["kgr:person/A", "kgr:person/B"]]
    assert format_result(result, "tsv").splitlines()[1] == "kgr:person/A\tkgr:person/B"
    bindings = json.loads(format_result(result, "json"))["results"]["bindings"]
    assert bindings[0]["a"] == {"type": "uri", "value": str(A)}
    with pytest.raises(QueryError):
        format_result(result, "yaml")


@pytest.mark.parametrize(
    ("name", "column", "expected"),
    [
        ("who-meets-whom", "other", "Benjamin Netanyahu"),
        ("about-entity", "other", "Israel"),
        ("relations-with-evidence", "relation", "holdsRole"),
        ("entities-by-class", "entity", "Antony Blinken"),
        ("events", "event", "Antony Blinken meets Benjamin Netanyahu"),
        ("places-on-the-map", "iso", "IL"),
    ],
)
def test_example_queries_answer_on_the_seeds(seeds_graph: Graph, name: str, column: str, expected: str) -> None:
    assert name in example_names()
    records = query(seeds_graph, example_query(name)).records()
    assert expected in {record[column] for record in records}


def test_places_on_the_map_lists_linked_places_only(seeds_graph: Graph) -> None:
    """Each row is a place with its GeoNames IRI; a country has its ISO code, a city none."""
    records = query(seeds_graph, example_query("places-on-the-map")).records()
    assert records and all((record["geonames"] or "").startswith("https://sws.geonames.org/") for record in records)
    assert {record["class"] for record in records if record["iso"]} == {"Country"}
    assert "Washington" not in {record["place"] for record in records}  # GeoNames has four towns of that name


def test_unknown_example_lists_the_known_ones() -> None:
    with pytest.raises(QueryError, match="who-meets-whom"):
        example_query("nope")


@pytest.mark.parametrize("name", example_names())
def test_example_queries_declare_their_prefixes(name: str) -> None:
    """A shipped query pasted into Oxigraph, Fuseki or YASGUI must parse with no prefixes given
    (they failed with "Prefix not found"), and kg's own prefixes must not clash with its PREFIX lines."""
    text = example_query(name)
    ox.Store().query(text)  # no prefixes argument: only what the text declares
    prepareQuery(text)  # no initNs
    prepareQuery(text, initNs=PREFIXES)
    ox.Store().query(text, prefixes=PREFIXES)


def test_a_param_binds_an_examples_variable(seeds_build: BuildResult) -> None:
    result = CliRunner().invoke(app, ["query", str(seeds_build.written[0]), "--example", "about-entity",
                                      "--param", "name=Benjamin Netanyahu", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    rows = [{name: value["value"] for name, value in binding.items()}
            for binding in json.loads(result.stdout)["results"]["bindings"]]
    assert rows and all(row["other"] != "Benjamin Netanyahu" for row in rows)  # about him, not Blinken
    assert any(row["relation"] == "meets" and row["other"] == "Antony Blinken" for row in rows)
    missing = CliRunner().invoke(app, ["query", str(seeds_build.written[0]), "--example", "about-entity",
                                       "--param", "nme=x"])
    assert missing.exit_code != 0 and "no variable ?nme" in missing.stderr


def test_the_events_example_lists_every_kind_of_event_the_ontology_has() -> None:
    from rdflib import RDFS

    ontology = Graph().parse(Path(__file__).resolve().parent.parent / "kg" / "ontology" / "kg.ttl")
    kinds = {str(kind).rsplit("#", 1)[1] for kind in ontology.subjects(RDFS.subClassOf, KG.Event)}
    listed = set(re.findall(r"kg:(\w+)", example_query("events").split("VALUES ?class", 1)[1].split("}", 1)[0]))
    assert kinds and kinds == listed


def test_a_syntax_error_is_one_line_with_where_and_why(seeds_build: BuildResult) -> None:
    result = CliRunner().invoke(app, ["query", str(seeds_build.written[0]), "SELECT * WHERE { ?s foaf:name ?o }"])
    assert result.exit_code != 0
    assert result.stderr.strip().splitlines() == [
        "kg: error: malformed SPARQL query: unknown prefix foaf: (line 1, column 30); declare it (PREFIX foaf: <...>) "
        "or use kg's: kg:, kgr:, owl:, prov:, rdf:, rdfs:, schema:, skos:, xsd:"]
