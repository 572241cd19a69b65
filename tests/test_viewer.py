"""The HTML page: static checks here; the real browser in test_viewer_browser.py."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from rdflib import RDF, RDFS, Graph, Literal, URIRef

from kg.graph.rdf import new_graph
from kg.pipeline import BuildResult
from kg.view.analytics import entity_network
from kg.view.viewer import page_data, render_html, script_json, stories, vis_options


def test_page_is_self_contained(seeds_build: BuildResult) -> None:
    page = render_html(seeds_build.graph)
    assert "vis.Network" in page
    assert re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page) == []
    assert "cdn.jsdelivr" not in page and "cdnjs.cloudflare" not in page


def test_script_json_cannot_close_the_script_element() -> None:
    text = script_json({"title": "</script><script>alert(1)</script> & <img src=x onerror=alert(1)>"})
    assert "</script" not in text and "<img" not in text
    assert json.loads(text)["title"].startswith("</script>")


def test_page_data_has_a_node_per_entity_and_an_edge_per_relation(seeds_build: BuildResult) -> None:
    data = page_data(entity_network(seeds_build.graph))
    labels = {node["label"] for node in data["nodes"]}
    assert {"Antony Blinken", "Benjamin Netanyahu", "Israel", "Hamas"} <= labels
    by_id = {node["id"]: node for node in data["nodes"]}
    [meeting] = [e for e in data["edges"] if e["relation"] == "meets" and by_id[e["from"]]["label"] == "Antony Blinken"]
    assert meeting["dashes"] is True and meeting["factuality"] == "planned"
    [statement] = data["statements"][meeting["id"]]
    assert statement["evidence"].startswith("Blinken will meet with Netanyahu")
    assert (statement["subject_text"], statement["object_text"]) == ("Blinken", "Netanyahu")
    assert data["hidden"] == 0 and data["total"] == len(data["nodes"])


def test_node_size_follows_centrality(seeds_build: BuildResult) -> None:
    data = page_data(entity_network(seeds_build.graph))
    sizes = {node["label"]: node["size"] for node in data["nodes"]}
    assert sizes["Antony Blinken"] >= sorted(sizes.values())[-3]  # among the three most central
    assert sizes["Antony Blinken"] > sizes["Jordan"]


def test_max_nodes_keeps_the_most_central(seeds_build: BuildResult) -> None:
    data = page_data(entity_network(seeds_build.graph), max_nodes=10)
    assert len(data["nodes"]) == 10
    assert data["hidden"] == data["total"] - 10
    assert "Antony Blinken" in {node["label"] for node in data["nodes"]}
    kept = {node["id"] for node in data["nodes"]}
    assert all(edge["from"] in kept and edge["to"] in kept for edge in data["edges"])
    assert f"{data['hidden']} less central entities hidden" in render_html(seeds_build.graph, max_nodes=10)


PAGE_OF_A_CHAIN = """
import sys
from rdflib import Graph, URIRef
from kg.view.viewer import render_html
graph = Graph()
for number in range(300):
    graph.add((URIRef(f"http://example.org/n{number}"), URIRef("http://example.org/next"),
               URIRef(f"http://example.org/n{number + 1}")))
sys.stdout.write(render_html(graph, max_nodes=50))
"""


def test_a_page_that_hides_most_nodes_is_the_same_in_every_process() -> None:
    """Keeping under half the nodes, networkx's subgraph iterates a set: its order follows the hash seed."""
    pages = [
        subprocess.run([sys.executable, "-c", PAGE_OF_A_CHAIN], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}, timeout=120).stdout
        for seed in ("1", "2", "3")
    ]
    assert "251 less central entities hidden" in pages[0]
    assert pages[0] == pages[1] == pages[2]


def test_small_graphs_settle_with_bounded_physics() -> None:
    small = vis_options(100, 200)
    assert small["layout"]["improvedLayout"] is True and small["physics"]["enabled"] is True
    assert small["physics"]["stabilization"]["iterations"] <= 500


def test_large_graphs_come_laid_out() -> None:
    large = vis_options(5000, 10000)
    assert large["layout"]["improvedLayout"] is False and large["physics"]["enabled"] is False
    assert large["edges"]["smooth"] is False
    graph = Graph()
    for number in range(400):
        graph.add((URIRef(f"http://example.org/n{number}"), URIRef("http://example.org/next"),
                   URIRef(f"http://example.org/n{number + 1}")))
    data = page_data(entity_network(graph))
    assert all("x" in node and "y" in node for node in data["nodes"])
    xs = sorted(node["x"] for node in data["nodes"])
    assert xs[-1] - xs[0] > 500  # spread out, not piled on one point


def test_edge_labels_wait_for_a_readable_zoom_and_longer_in_large_graphs() -> None:
    small, large = vis_options(100, 200)["edges"], vis_options(5000, 10000)["edges"]
    assert small["font"]["background"]
    assert small["font"]["size"] * 0.75 >= small["scaling"]["label"]["drawThreshold"] - 1  # drawn from 0.75 on
    assert large["scaling"]["label"]["drawThreshold"] > small["scaling"]["label"]["drawThreshold"]


def test_a_graph_kg_did_not_make_still_renders() -> None:
    graph = Graph()
    alice, bob, acme = (URIRef(f"http://example.org/{name}") for name in ("alice", "bob", "acme"))
    knows, works = URIRef("http://xmlns.com/foaf/0.1/knows"), URIRef("http://example.org/worksAt")
    graph.add((alice, knows, bob))
    graph.add((alice, works, acme))
    graph.add((alice, RDFS.label, Literal("Alice")))
    graph.add((alice, RDF.type, URIRef("http://xmlns.com/foaf/0.1/Person")))
    data = page_data(entity_network(graph))
    assert {(n["label"], n["cls"]) for n in data["nodes"]} == {("Alice", "Person"), ("bob", "Resource"),
                                                               ("acme", "Resource")}
    assert sorted(e["relation"] for e in data["edges"]) == ["knows", "worksAt"]


def test_empty_graph_renders() -> None:
    assert "0 entities, 0 relations" in render_html(new_graph())


def test_negated_relations_are_drawn_as_denied(resolve_texts) -> None:  # type: ignore[no-untyped-def]
    from kg.graph.rdf import to_graph

    data = page_data(entity_network(to_graph(resolve_texts("Obama did not meet Putin in Geneva."))))
    [edge] = [e for e in data["edges"] if e["relation"] == "meets"]
    assert edge["factuality"] == "negated" and edge["dashes"] is True


def test_a_story_is_named_by_its_iri_end_unless_another_ends_alike() -> None:
    documents = {iri: {"title": iri, "date": "", "source": ""}
                 for iri in ("http://a.example/doc/1", "http://b.example/doc/1", "http://a.example/doc/2")}
    info = {"http://a.example/e": {"aliases": [], "documents": ["http://a.example/doc/2"]}}
    found = {story["iri"]: story for story in stories(documents, info, {}, [])}
    assert [found[iri]["id"] for iri in documents] == ["http://a.example/doc/1", "http://b.example/doc/1", "2"]
    assert found["http://a.example/doc/2"]["entities"] == ["http://a.example/e"]
