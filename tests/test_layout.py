from __future__ import annotations

import math

import networkx as nx

from kg.view.layout import sampled_force_layout


def test_every_node_gets_a_finite_position_and_runs_repeat() -> None:
    graph = nx.barabasi_albert_graph(600, 2, seed=3)
    first = sampled_force_layout(graph)
    assert set(first) == set(graph.nodes)
    assert all(math.isfinite(v) for xy in first.values() for v in xy)
    assert sampled_force_layout(graph) == first


def test_linked_nodes_end_up_closer_than_unlinked_ones() -> None:
    graph = nx.barabasi_albert_graph(600, 2, seed=3)
    positions = sampled_force_layout(graph)

    def distance(a: int, b: int) -> float:
        return math.dist(positions[a], positions[b])

    linked = sum(distance(a, b) for a, b in graph.edges) / graph.number_of_edges()
    pairs = [(a, (a * 7919 + 13) % 600) for a in range(600)]
    unlinked = sum(distance(a, b) for a, b in pairs if not graph.has_edge(a, b) and a != b) / len(pairs)
    assert linked < unlinked / 2


def test_tiny_graphs() -> None:
    assert sampled_force_layout(nx.Graph()) == {}
    assert list(sampled_force_layout(nx.empty_graph(["only"]))) == ["only"]
