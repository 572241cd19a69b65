from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, URIRef
from typer.testing import CliRunner

from kg.cli import app
from kg.graph.export import load_graph
from kg.graph.network import centrality, communities, entity_network, stats
from kg.namespace import local_name
from kg.pipeline import BuildResult, build
from tests.conftest import SEEDS

runner = CliRunner()


def test_network_mirrors_the_graph(seeds_build: BuildResult) -> None:
    network = entity_network(seeds_build.graph)
    assert network.made_by_kg
    assert network.graph.number_of_nodes() == seeds_build.entities
    blinken = "https://w3id.org/kg-news/id/person/Antony_Blinken"
    netanyahu = "https://w3id.org/kg-news/id/person/Benjamin_Netanyahu"
    assert network.graph.nodes[blinken]["cls"] == "Person"
    assert "Blinken" in network.graph.nodes[blinken]["aliases"]
    [statement] = network.graph.edges[blinken, netanyahu, "meets"]["statements"]
    assert statement.factuality == "planned" and statement.rule == "verb-prep"
    assert len(network.documents) == 4


def test_centrality_and_communities_are_repeatable(seeds_build: BuildResult) -> None:
    network = entity_network(seeds_build.graph).graph
    rank = centrality(network)
    top_three = sorted(rank, key=lambda node: -rank[node])[:3]
    assert any(node.endswith("Antony_Blinken") for node in top_three)
    assert abs(sum(rank.values()) - 1) < 1e-6
    assert communities(network) == communities(entity_network(seeds_build.graph).graph)  # a fresh run, same answer
    assert len(set(communities(network).values())) > 3


def test_events_are_read_with_the_edge_of_their_statement(seeds_build: BuildResult, seeds_graph: Graph) -> None:
    events = entity_network(seeds_build.graph).events
    assert events == entity_network(seeds_graph).events  # the build's store and the saved Turtle agree
    derived = {str(event) for event, _ in seeds_graph.subject_objects(URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))}
    assert [event.iri for event in events] == sorted(derived)
    blinken = "https://w3id.org/kg-news/id/person/Antony_Blinken"
    israel = "https://w3id.org/kg-news/id/place/Israel"
    [visit] = [event for event in events if event.time == "this Friday"]
    assert (visit.cls, visit.label, visit.date, visit.factuality) == ("Visit", "Antony Blinken visits Israel", "",
                                                                       "planned")
    assert visit.edge == (blinken, israel, "visits") and set(visit.entities) == {blinken, israel}
    assert visit.document.startswith("https://w3id.org/kg-news/id/document/")
    assert all(event.edge is not None for event in events)  # every statement behind an event has its edge


def test_stats_counts(seeds_build: BuildResult) -> None:
    numbers = stats(seeds_build.graph, top=5)
    assert numbers["entities"] == seeds_build.entities
    assert (numbers["relations"], numbers["statements"]) == (seeds_build.relations, seeds_build.statements)
    assert sum(numbers["classes"].values()) == numbers["entities"]
    assert sum(numbers["relation_types"].values()) == numbers["relations"]
    assert "Antony Blinken" in [top["entity"] for top in numbers["top_entities"][:3]]
    assert [top["pagerank"] for top in numbers["top_entities"]] == sorted(
        (top["pagerank"] for top in numbers["top_entities"]), reverse=True)


def test_empty_graph() -> None:
    numbers = stats(Graph())
    assert numbers["entities"] == 0 and numbers["top_entities"] == [] and numbers["components"]["count"] == 0


def test_local_name() -> None:
    assert local_name("http://xmlns.com/foaf/0.1/knows") == "knows"
    assert local_name("https://w3id.org/kg-news/ontology#meets") == "meets"


COUNTS = re.compile(r"(\d+) entities, (\d+) relations \((\d+) statements\)")


def test_build_stats_and_the_page_count_alike(tmp_path: Path) -> None:
    """'relations': distinct (subject, relation, object) links between entities, the page's edges;
    'statements': the sentences' claims behind them. All three places say both, in the same words."""
    built = runner.invoke(app, ["build", str(SEEDS), "--out", str(tmp_path)])
    assert built.exit_code == 0, built.output
    stated = runner.invoke(app, ["stats", str(tmp_path / "graph.ttl")])
    assert stated.exit_code == 0, stated.output
    page = (tmp_path / "graph.html").read_text("utf-8")
    found = [COUNTS.search(text) for text in (built.stdout, stated.stdout, page)]
    assert all(found), [built.stdout, stated.stdout]
    numbers = stats(load_graph(tmp_path / "graph.ttl"))
    expected = (numbers["entities"], numbers["relations"], numbers["statements"])
    assert [tuple(int(n) for n in match.groups()) for match in found if match] == [expected] * 3
    assert numbers["relations"] < numbers["statements"]  # the seeds say some things twice


def test_build_counts_a_denied_link_as_the_page_draws_it(tmp_path: Path) -> None:
    text = tmp_path / "denied.txt"
    text.write_text("Obama did not meet Putin in Geneva. Angela Merkel met Emmanuel Macron in Paris.", "utf-8")
    result = build([text], out_dir=None)
    numbers = stats(result.graph)
    assert (result.entities, result.relations, result.statements) == (
        numbers["entities"], numbers["relations"], numbers["statements"])
    edges = entity_network(result.graph).graph.edges(keys=True, data=True)
    denied = {key for _, _, key, data in edges if {s.factuality for s in data["statements"]} == {"negated"}}
    assert "meets" in denied  # drawn and counted, though the graph has no kg:meets triple for it
