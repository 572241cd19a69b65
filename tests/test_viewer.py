"""The HTML page: static checks here; the real browser in test_viewer_browser.py."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from kg.graph.network import EventInfo, entity_network
from kg.graph.rdf import new_graph
from kg.namespace import KG
from kg.pipeline import BuildResult, build
from kg.view.viewer import page_data, render_html, script_json, stories, timeline, vis_options
from tests.conftest import ROOT


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


@pytest.mark.slow
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


# ---------------------------------------------------------------- the timeline (issue 15, item 2)
#: Three short stories: events on a day the text names, one whose document's date stands in
#: ("Macron said..."), and a meeting in an undated document, which has no day at all. Blinken
#: and Netanyahu meet twice, a relation each way: on 18 and on 30 October.
DATED_STORIES = [
    {"id": "visit", "title": "Blinken to visit Israel", "date": "2023-11-02",
     "text": "Antony Blinken will visit Israel on Friday. He met Benjamin Netanyahu in Jerusalem on Monday."},
    {"id": "summit", "title": "Merkel meets Macron", "date": "2023-10-20",
     "text": "Angela Merkel met Emmanuel Macron in Paris on Tuesday. Macron said France would support the plan. "
             "Benjamin Netanyahu hosted Antony Blinken in Tel Aviv on Wednesday."},
    {"id": "nodate", "title": "Undated", "text": "Joe Biden met Justin Trudeau in Ottawa."},
]


def build_dated(folder: Path) -> BuildResult:
    """``kg build`` of :data:`DATED_STORIES` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "dated.jsonl"
    source.write_text("".join(json.dumps(story) + "\n" for story in DATED_STORIES), "utf-8")
    return build([source], out_dir=folder / "out")


#: Each event's day as the graph says it: kg:date, else its document's kg:datePublished.
EVENT_DAYS = """
SELECT ?event ?day ?estimated ?subject ?predicate ?object WHERE {
  ?event prov:wasDerivedFrom ?statement ; kg:document ?document .
  ?statement rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object .
  OPTIONAL { ?event kg:date ?date }
  OPTIONAL { ?document kg:datePublished ?published }
  BIND(COALESCE(?date, ?published) AS ?day)
  BIND(!BOUND(?date) AS ?estimated)
}"""


def event_days(graph: Graph) -> dict[str, tuple[str | None, bool, tuple[str, str, str]]]:
    """event IRI -> (its day or None, whether the document's date stands in, its statement's triple)."""
    rows = graph.query(EVENT_DAYS, initNs={"kg": KG, "rdf": RDF, "prov": URIRef("http://www.w3.org/ns/prov#")})
    return {str(row[0]): (None if row[1] is None else str(row[1]), bool(row[2].toPython()),  # type: ignore[index]
                          (str(row[3]), str(row[4]).rsplit("#", 1)[-1], str(row[5])))  # type: ignore[index]
            for row in rows}


@pytest.fixture(scope="module")
def dated_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build_dated(tmp_path_factory.mktemp("dated"))


def test_the_timeline_has_each_event_on_its_day_or_its_documents(dated_build: BuildResult) -> None:
    graph = Graph().parse(dated_build.written[0], format="turtle")
    expected = event_days(graph)
    data = page_data(entity_network(graph))
    items = data["timeline"]["items"]
    edge_of = {(edge["from"], edge["relation"], edge["to"]): edge["id"] for edge in data["edges"]}
    assert {item["event"]: (item["day"], item["estimated"], item["edge"]) for item in items} == {
        event: (day, estimated, edge_of[triple]) for event, (day, estimated, triple) in expected.items() if day
    }
    assert data["timeline"]["undated"] == sum(1 for day, _, _ in expected.values() if day is None) == 1
    by_label = {item["label"]: item for item in items}
    visit = by_label["Antony Blinken visits Israel"]
    assert (visit["day"], visit["estimated"], visit["time"], visit["cls"]) == ("2023-11-03", False, "Friday", "Visit")
    assert visit["document"].endswith("/visit") and len(visit["entities"]) == 2
    said = by_label["Emmanuel Macron on France"]  # no day in its sentence: the document's date stands in
    assert (said["day"], said["estimated"]) == ("2023-10-20", True)
    assert [item["day"] for item in items] == sorted(item["day"] for item in items)


@pytest.mark.slow
def test_the_page_with_a_timeline_is_the_same_in_every_process(dated_build: BuildResult) -> None:
    script = ("import sys; from rdflib import Graph; from kg.view.viewer import render_html; "
              "sys.stdout.write(render_html(Graph().parse(sys.argv[1], format='turtle')))")
    pages = [subprocess.run([sys.executable, "-c", script, str(dated_build.written[0])], capture_output=True,
                            text=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed}, timeout=120).stdout
             for seed in ("1", "2")]
    assert '"timeline":{"items":[{' in pages[0]
    assert pages[0] == pages[1]


def event(date: str = "", document: str = "http://d/1", edge: tuple[str, str, str] | None = ("a", "b", "meets"),
          label: str = "A meets B") -> EventInfo:
    return EventInfo(iri=f"http://e/{label}", cls="Meeting", label=label, date=date, time="", document=document,
                     factuality="asserted", edge=edge, entities=("a", "b"))


@pytest.mark.parametrize(("found", "day", "estimated"), [
    (event(date="2023-10-07"), "2023-10-07", False),
    (event(), "2023-11-02", True),  # the document's date stands in
    (event(date="2023-10"), "2023-11-02", True),  # not a day
    (event(date="2023-02-30"), "2023-11-02", True),  # not a day either
    (event(document="http://d/undated"), None, None),
    (event(document="http://d/elsewhere"), None, None),
])
def test_an_event_takes_its_own_day_else_its_documents(found: EventInfo, day: str | None,
                                                       estimated: bool | None) -> None:
    documents = {"http://d/1": {"date": "2023-11-02"}, "http://d/undated": {"date": ""}}
    result = timeline([found], documents, {("a", "b", "meets"): "e0"})
    assert [(item["day"], item["estimated"]) for item in result["items"]] == ([(day, estimated)] if day else [])
    assert result["undated"] == (0 if day else 1)


def test_an_event_whose_relation_is_not_on_the_page_is_left_out_uncounted() -> None:
    result = timeline([event(date="2023-10-07", edge=("a", "c", "meets")), event(date="2023-10-07", edge=None)],
                      {}, {("a", "b", "meets"): "e0"})
    assert result == {"items": [], "undated": 0}


def test_timeline_items_are_sorted_whatever_order_the_events_come_in() -> None:
    events = [event(date=date, label=label) for date, label in
              (("2023-10-09", "C"), ("", "B"), ("2023-10-07", "A"), ("2023-11-02", "D"))]
    documents = {"http://d/1": {"date": "2023-11-02"}}
    forward = timeline(events, documents, {("a", "b", "meets"): "e0"})
    assert forward == timeline(events[::-1], documents, {("a", "b", "meets"): "e0"})
    assert [(item["label"], item["estimated"]) for item in forward["items"]] == [
        ("A", False), ("C", False), ("D", False), ("B", True)]  # a day of its own before a stand-in


def test_a_page_carries_the_texts_of_its_stories_unless_they_are_too_long(monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.view import viewer

    documents = {"d1": {"title": "A", "date": "", "source": "", "text": "x" * 10},
                 "d2": {"title": "B", "date": "", "source": "", "text": "y" * 10}}
    assert viewer.with_texts(documents) == documents
    monkeypatch.setattr(viewer, "PAGE_TEXT_LIMIT", 15)
    assert viewer.with_texts(documents) == {"d1": {"title": "A", "date": "", "source": ""},
                                            "d2": {"title": "B", "date": "", "source": ""}}


def test_two_relations_of_one_pair_are_drawn_apart(seeds_build: BuildResult) -> None:
    """Blinken meets Netanyahu, and is related to him by "get ... to agree": two edges of one pair
    get curves of their own, so neither the edges nor their labels lie on each other."""
    from collections import defaultdict

    data = page_data(entity_network(seeds_build.graph))
    by_pair: dict[frozenset[str], list[dict]] = defaultdict(list)
    for edge in data["edges"]:
        by_pair[frozenset((edge["from"], edge["to"]))].append(edge)
    shared = [edges for edges in by_pair.values() if len(edges) > 1]
    assert shared
    for edges in shared:
        curves = [(edge["from"], edge.get("smooth", {}).get("roundness")) for edge in edges]
        assert all(roundness for _, roundness in curves) and len(set(curves)) == len(curves)
    assert all("smooth" not in edges[0] for edges in by_pair.values() if len(edges) == 1)


ESLINT = ROOT / "node_modules" / ".bin" / "eslint"


def eslint(text: str, name: str) -> subprocess.CompletedProcess[str]:
    """eslint, with the project's config, on ``text`` as if it were kg/templates/NAME."""
    return subprocess.run([str(ESLINT), "--format", "json", "--stdin", "--stdin-filename", f"kg/templates/{name}"],
                          input=text, cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", ["graph.js", "query.js"])
def test_the_pages_javascript_passes_eslint_which_finds_a_slip(name: str) -> None:
    if not ESLINT.exists():
        pytest.fail("eslint is not installed: make test installs it (npm ci, from package-lock.json)")
    script = (ROOT / "kg" / "templates" / name).read_text("utf-8")
    clean = eslint(script, name)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    slip = eslint(script.replace('"use strict";', '"use strict";\n  refersToNothing();', 1), name)
    assert slip.returncode == 1
    assert [message["ruleId"] for message in json.loads(slip.stdout)[0]["messages"]] == ["no-undef"]
