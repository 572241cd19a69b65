from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest
from rdflib import RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import FOAF, RDF
from typer.testing import CliRunner

from kg.cli import EXIT_FAILED, app
from kg.errors import GraphError
from kg.graph.export import load_graph
from kg.graph.interchange import (
    EXPORT_FORMATS,
    csv_tables,
    default_output,
    export,
    export_file,
    graphml,
    neo4j_tables,
    neo4j_type,
)
from kg.graph.jsonld import compact_jsonld
from kg.graph.rdf import new_graph
from kg.namespace import ENTITY_CLASSES, KG, KGR, PREFIXES
from kg.pipeline import BuildResult, build
from tests.conftest import SEED_ARTICLE

runner = CliRunner()
CLASSES = " ".join(f"kg:{name}" for name in ENTITY_CLASSES)


def entities_by_sparql(rdf: Graph) -> set[str]:
    rows = rdf.query(f"SELECT DISTINCT ?e WHERE {{ ?e a ?c . VALUES ?c {{ {CLASSES} }} FILTER(isIRI(?e)) }}",
                     initNs=PREFIXES)
    return {str(row[0]) for row in rows}  # type: ignore[index]


def relations_by_sparql(rdf: Graph) -> set[tuple[str, str, str]]:
    """(subject, relation, object) of each triple of a kg relation between two entities."""
    rows = rdf.query(
        f"""SELECT DISTINCT ?s ?p ?o WHERE {{
              ?s ?p ?o . ?s a ?sc . ?o a ?oc . VALUES ?sc {{ {CLASSES} }} VALUES ?oc {{ {CLASSES} }}
              FILTER(STRSTARTS(STR(?p), STR(kg:)))
            }}""", initNs=PREFIXES)
    return {(str(s), str(p).rsplit("#", 1)[1], str(o)) for s, p, o in rows}  # type: ignore[misc]


def statement_count_by_sparql(rdf: Graph) -> int:
    """Statements between two entities: one row each in relations.csv."""
    rows = rdf.query(
        f"""SELECT (COUNT(DISTINCT ?st) AS ?n) WHERE {{
              ?st a kg:Statement ; rdf:subject ?s ; rdf:object ?o .
              ?s a ?sc . ?o a ?oc . VALUES ?sc {{ {CLASSES} }} VALUES ?oc {{ {CLASSES} }}
            }}""", initNs=PREFIXES)
    return int(str(next(iter(rows))[0]))  # type: ignore[index]


@pytest.fixture(scope="module")
def seeds_file(seeds_build: BuildResult) -> Path:
    return seeds_build.written[0]


READERS: dict[str, Callable[[Path], nx.Graph]] = {"graphml": nx.read_graphml, "gexf": nx.read_gexf}


@pytest.mark.parametrize("name", sorted(READERS))
def test_network_formats_hold_every_entity_and_relation(name: str, seeds_graph: Graph, tmp_path: Path) -> None:
    (path,) = export(seeds_graph, name, tmp_path / f"graph.{name}")
    network = READERS[name](path)
    assert set(network.nodes) == entities_by_sparql(seeds_graph)
    edges = {(subject, data["relation"], obj) for subject, obj, data in network.edges(data=True)}
    assert edges == relations_by_sparql(seeds_graph)
    assert network.number_of_edges() == len(edges)  # one edge per relation, none twice
    blinken = network.nodes["https://w3id.org/kg-news/id/person/Antony_Blinken"]
    assert blinken["label"] == "Antony Blinken" and blinken["class"] == "Person"
    assert "Blinken" in blinken["aliases"].split("; ")
    assert isinstance(blinken["degree"], int) and isinstance(blinken["pagerank"], float)
    for _, _, data in network.edges(data=True):
        assert isinstance(data["weight"], (int, float)) and data["weight"] >= 1
        # what the page shows: the relation, or for the open one its verbs; and the sentences, not a count
        label = data.get("label", data["relation"])  # GEXF keeps the label apart
        verbs = data["verb"].replace("; ", " / ")
        assert label == (data["relation"] if data["relation"] != "relatedTo" else verbs)
        assert data["evidence"] and data["evidence_count"] == len(data["evidence"].split("\n"))
    open_relations = [data for _, _, data in network.edges(data=True) if data["relation"] == "relatedTo"]
    assert open_relations and all(data.get("label", "relatedTo") != "relatedTo" for data in open_relations)


def test_csv_tables_open_as_a_spreadsheet_would(seeds_graph: Graph, tmp_path: Path) -> None:
    export(seeds_graph, "csv", tmp_path / "csv")
    with open(tmp_path / "csv" / "entities.csv", encoding="utf-8", newline="") as stream:
        entities = list(csv.DictReader(stream))
    with open(tmp_path / "csv" / "relations.csv", encoding="utf-8", newline="") as stream:
        relations = list(csv.DictReader(stream))
    assert {row["iri"] for row in entities} == entities_by_sparql(seeds_graph)
    assert len(relations) == statement_count_by_sparql(seeds_graph)
    meets = [row for row in relations if row["subject_label"] == "Antony Blinken" and row["relation"] == "meets"]
    assert meets and meets[0]["object_label"] == "Benjamin Netanyahu" and meets[0]["factuality"] == "planned"
    assert meets[0]["evidence"].startswith("Blinken will meet with Netanyahu")
    assert meets[0]["document_title"].startswith("Blinken is traveling to Israel")
    assert {row["factuality"] for row in relations} <= {"asserted", "planned", "negated", "reported", "hypothetical"}


#: A neo4j-admin import header field: an optional name, then an optional ``:`` and a type or role
#: (``ID``, ``LABEL``, ... or a property type, ``[]`` for an array), an ID space in brackets after ID roles.
NEO4J_FIELD = re.compile(
    r"(?P<name>[^:]*)(:(?P<kind>ID|LABEL|START_ID|END_ID|TYPE|IGNORE|int|long|float|double|boolean|byte|short|"
    r"char|string|point|date|localtime|time|localdatetime|datetime|duration)(?P<array>\[\])?(\((?P<space>\w+)\))?)?"
)


def test_neo4j_files_have_import_headers(seeds_graph: Graph) -> None:
    tables = {name: list(csv.reader(io.StringIO(data.decode("utf-8")))) for name, data in
              neo4j_tables(seeds_graph).items()}
    node_header, *nodes = tables["nodes.csv"]
    relationship_header, *relationships = tables["relationships.csv"]
    for field in node_header + relationship_header:
        assert NEO4J_FIELD.fullmatch(field), field
    assert [f for f in node_header if f.endswith(":ID")] == ["iri:ID"] and ":LABEL" in node_header
    assert relationship_header[:3] == [":START_ID", ":END_ID", ":TYPE"] and "weight:int" in relationship_header
    ids = {row[0] for row in nodes}
    assert ids == entities_by_sparql(seeds_graph)
    assert len(relationships) == len(relations_by_sparql(seeds_graph))
    assert all(row[0] in ids and row[1] in ids for row in relationships)
    for header, rows in ((node_header, nodes), (relationship_header, relationships)):
        for column, field in enumerate(header):
            kind = NEO4J_FIELD.fullmatch(field).group("kind")  # type: ignore[union-attr]
            if kind in ("int", "float"):
                assert all(float(row[column]) >= 0 for row in rows), field
    row = dict(zip(node_header, next(row for row in nodes if row[0].endswith("/person/Antony_Blinken")), strict=True))
    assert row[":LABEL"].split(";") == ["Agent", "Entity", "Person"] and "Blinken" in row["aliases:string[]"].split(";")
    assert {row[2] for row in relationships} >= {"MEETS", "WORKS_FOR"}


@pytest.mark.parametrize(("relation", "neo4j"), [("meets", "MEETS"), ("worksFor", "WORKS_FOR"),
                                                  ("spokespersonFor", "SPOKESPERSON_FOR")])
def test_neo4j_relationship_types(relation: str, neo4j: str) -> None:
    assert neo4j_type(relation) == neo4j


def test_jsonld_is_compact_and_parses_back_to_the_same_graph(seeds_graph: Graph) -> None:
    data = compact_jsonld(seeds_graph)
    document = json.loads(data)
    assert "@context" in document and document["@context"]["Person"] == "kg:Person"
    blinken = next(node for node in document["@graph"] if node["@id"].endswith("/person/Antony_Blinken"))
    assert blinken["@type"] == "Person" and blinken["label"] == "Antony Blinken"
    assert blinken["meets"] == "https://w3id.org/kg-news/id/person/Benjamin_Netanyahu"
    back = Graph().parse(data=data, format="json-ld")
    assert len(back) == len(seeds_graph) and isomorphic(back, seeds_graph)


@pytest.mark.parametrize("name", sorted(EXPORT_FORMATS))
def test_every_format_is_byte_identical(name: str, seeds_graph: Graph, seeds_file: Path, tmp_path: Path) -> None:
    first = export(seeds_graph, name, tmp_path / "first" / f"graph.{name}")
    again = export(load_graph(seeds_file), name, tmp_path / "again" / f"graph.{name}")
    assert [path.read_bytes() for path in first] == [path.read_bytes() for path in again]
    assert not list(tmp_path.glob("**/.*.tmp"))  # no temporary left behind


@pytest.mark.parametrize("name", ["graphml", "neo4j", "jsonld"])
def test_a_store_exports_as_its_graph_file_does(name: str, tmp_path: Path) -> None:
    build([SEED_ARTICLE], out_dir=tmp_path / "out", store=tmp_path / "store", html=False)
    from_file = export_file(tmp_path / "out" / "graph.ttl", name, tmp_path / "from-file")
    from_store = export_file(tmp_path / "store", name)
    assert from_store[0].parent in (tmp_path, tmp_path / name)  # next to the store folder
    assert [path.read_bytes() for path in from_file] == [path.read_bytes() for path in from_store]


def test_a_graph_kg_did_not_make() -> None:
    alice, bob = URIRef("https://example.org/alice"), URIRef("https://example.org/bob")
    rdf = new_graph()
    rdf.add((alice, FOAF.knows, bob))
    rdf.add((alice, RDF.type, FOAF.Person))
    network = nx.read_graphml(io.BytesIO(graphml(rdf)))
    assert network.nodes[str(alice)]["class"] == "Person" and network.nodes[str(bob)]["label"] == "bob"
    assert [(data["relation"], data["weight"]) for _, _, data in network.edges(data=True)] == [("knows", 1)]
    relations = list(csv.DictReader(io.StringIO(csv_tables(rdf)["relations.csv"].decode("utf-8"))))
    assert [(row["relation"], row["evidence"]) for row in relations] == [("knows", "")]
    nodes = list(csv.DictReader(io.StringIO(neo4j_tables(rdf)["nodes.csv"].decode("utf-8"))))
    assert sorted(row[":LABEL"] for row in nodes) == ["Person", "Resource"]
    assert isomorphic(Graph().parse(data=compact_jsonld(rdf), format="json-ld"), rdf)


def test_a_denied_relation_is_a_spreadsheet_row_but_no_edge() -> None:
    """"Blinken did not meet Lapid": the RDF graph has only the statement, so the networks have no edge."""
    blinken, lapid, statement = KGR["person/Antony_Blinken"], KGR["person/Yair_Lapid"], KGR["statement/s1"]
    rdf = new_graph()
    for person, name in ((blinken, "Antony Blinken"), (lapid, "Yair Lapid")):
        rdf.add((person, RDF.type, KG.Person))
        rdf.add((person, RDFS.label, Literal(name)))
    evidence = Literal("Blinken did not meet Lapid.")
    for prop, value in ((RDF.type, KG.Statement), (RDF.subject, blinken), (RDF.predicate, KG.meets),
                        (RDF.object, lapid), (KG.factuality, KG.negated), (KG.evidence, evidence)):
        rdf.add((statement, prop, value))
    assert nx.read_graphml(io.BytesIO(graphml(rdf))).number_of_edges() == 0
    relations = list(csv.DictReader(io.StringIO(csv_tables(rdf)["relations.csv"].decode("utf-8"))))
    assert [(row["subject_label"], row["relation"], row["factuality"]) for row in relations] == [
        ("Antony Blinken", "meets", "negated")]


@pytest.mark.parametrize(("graph", "name", "expected"), [
    ("output/graph.ttl", "graphml", "output/graph.graphml"),
    ("output/graph.ttl", "gexf", "output/graph.gexf"),
    ("output/graph.ttl", "json-ld", "output/graph.jsonld"),
    ("output/graph.ttl", "csv", "output/csv"),
    ("output/graph.nq", "neo4j", "output/neo4j"),
])
def test_default_output_is_next_to_the_graph(graph: str, name: str, expected: str) -> None:
    assert default_output(Path(graph), name) == Path(expected)


def test_default_output_of_a_store_folder(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    assert default_output(tmp_path / "store", "gexf") == tmp_path / "store.gexf"


def test_unknown_format_lists_the_choices() -> None:
    with pytest.raises(GraphError, match="unknown export format 'yaml'; choose one of: graphml, gexf, csv"):
        export(new_graph(), "yaml", Path("graph.yaml"))


def test_a_folder_format_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "csv").write_text("not a folder", "utf-8")
    with pytest.raises(GraphError, match="is a file"):
        export(new_graph(), "csv", tmp_path / "csv")


# ---------------------------------------------------------------- the command


@pytest.fixture
def graph_copy(seeds_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "output" / "graph.ttl"
    copy.parent.mkdir()
    shutil.copy(seeds_file, copy)
    return copy


def test_export_command_writes_next_to_the_graph(graph_copy: Path) -> None:
    for name in ("graphml", "csv"):
        result = runner.invoke(app, ["export", str(graph_copy), "--to", name])
        assert result.exit_code == 0, result.stderr
    folder = graph_copy.parent
    assert result.stdout.splitlines() == [f"wrote {folder / 'csv' / 'entities.csv'}",
                                          f"wrote {folder / 'csv' / 'relations.csv'}"]
    assert sorted(path.name for path in folder.iterdir()) == ["csv", "graph.graphml", "graph.ttl"]


def test_export_command_writes_where_told(graph_copy: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", str(graph_copy), "--to", "jsonld", "-o", str(tmp_path / "kg.json")])
    assert result.exit_code == 0, result.stderr
    assert "@context" in json.loads((tmp_path / "kg.json").read_text("utf-8"))


@pytest.mark.parametrize(("arguments", "message"), [
    (["--to", "yaml"], "unknown export format 'yaml'; choose one of: graphml, gexf, csv, neo4j, jsonld"),
    (["--to", "jsonld", "-o", "{graph}"], "would replace the graph itself"),
])
def test_export_command_errors_are_one_line_exit_2(graph_copy: Path, arguments: list[str], message: str) -> None:
    arguments = [argument.format(graph=graph_copy) for argument in arguments]
    result = runner.invoke(app, ["export", str(graph_copy), *arguments])
    lines = result.stderr.splitlines()
    assert result.exit_code == EXIT_FAILED
    assert len(lines) == 1 and lines[0].startswith("kg: error: ") and message in lines[0]


def test_export_of_a_missing_graph_is_one_line_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", str(tmp_path / "missing.ttl"), "--to", "graphml"])
    assert result.exit_code == EXIT_FAILED
    assert result.stderr.splitlines() == [f"kg: error: {tmp_path / 'missing.ttl'}: no such graph file; "
                                          "build one with `kg build`"]
    assert not list(tmp_path.iterdir())


def test_build_and_export_write_one_jsonld(tmp_path: Path) -> None:
    """``kg build --format json-ld`` and ``kg export --to jsonld`` name their file alike: it holds the same."""
    from kg.graph.interchange import export_file
    from kg.pipeline import build
    from tests.conftest import SEED_ARTICLE

    result = build([SEED_ARTICLE], out_dir=tmp_path / "out", formats=["json-ld"], html=False)
    built = next(path for path in result.written if path.suffix == ".jsonld")
    (exported,) = export_file(tmp_path / "out" / "graph.ttl", "jsonld", tmp_path / "export.jsonld")
    assert built.read_bytes() == exported.read_bytes()


def test_neo4j_relationships_carry_the_verb_and_the_sentences(seeds_graph: Graph, tmp_path: Path) -> None:
    export(seeds_graph, "neo4j", tmp_path / "neo4j")
    with open(tmp_path / "neo4j" / "relationships.csv", encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    opened = [row for row in rows if row["relation"] == "relatedTo"]
    assert opened and all(row["verb"] for row in opened)
    meets = next(row for row in rows if row["relation"] == "meets")
    assert "Blinken will meet with Netanyahu" in meets["evidence"]
