from __future__ import annotations

from rdflib import Graph

from kg.namespace import local_name
from kg.pipeline import BuildResult
from kg.view.analytics import centrality, communities, entity_network, stats


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


def test_stats_counts(seeds_build: BuildResult) -> None:
    numbers = stats(seeds_build.graph, top=5)
    assert numbers["entities"] == seeds_build.entities
    assert numbers["statements"] == seeds_build.relations
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
