"""The HTML page: static checks here; the real browser in test_viewer_browser.py."""

from __future__ import annotations

import json
import re

from kg.pipeline import BuildResult
from kg.rdf import new_graph
from kg.viewer import build_network, render_html, script_json


def test_page_is_self_contained(seeds_build: BuildResult) -> None:
    page = render_html(seeds_build.graph)
    assert "vis.Network" in page
    external = re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert external == []
    assert "cdn.jsdelivr" not in page and "cdnjs.cloudflare" not in page


def test_script_json_cannot_close_the_script_element() -> None:
    text = script_json({"title": "</script><script>alert(1)</script> & <img src=x onerror=alert(1)>"})
    assert "</script" not in text and "<img" not in text
    assert json.loads(text)["title"].startswith("</script>")


def test_network_has_a_node_per_entity_and_an_edge_per_relation_pair(seeds_build: BuildResult) -> None:
    network = build_network(seeds_build.graph)
    labels = {node["label"] for node in network.nodes}
    assert {"Antony Blinken", "Benjamin Netanyahu", "Israel", "Hamas"} <= labels
    edges = {(edge["from"].rsplit("/", 1)[-1], edge["label"], edge["to"].rsplit("/", 1)[-1]) for edge in network.edges}
    assert ("Antony_Blinken", "meets", "Benjamin_Netanyahu") in edges
    [meeting] = [e for e in network.edges if e["label"] == "meets" and "Blinken" in e["from"]]
    assert meeting["dashes"] is True  # planned, not asserted
    assert "Blinken will meet with Netanyahu" in meeting["title"]


def test_empty_graph_renders() -> None:
    page = render_html(new_graph())
    assert "0 entities, 0 relations" in page
