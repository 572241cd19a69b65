"""The interactive HTML page: the graph drawn with vis-network (built through pyvis).

The page is one self-contained file: vis-network's JavaScript and CSS are inlined from the
pyvis package, nothing is fetched from a CDN, and no ``lib/`` folder is written. It reads
only the RDF graph, so any saved ``graph.ttl`` can be re-rendered without running NLP.

All document text reaches the page as data: labels are drawn on a canvas, tooltips are set
with ``innerText``, the legend goes through Jinja's escaping, and the JSON is embedded with
``<``, ``>`` and ``&`` escaped so no text can close the script element.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pyvis
from pyvis.network import Network
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS

from kg.lexicon import relation_names
from kg.namespace import ENTITY_CLASSES, KG

#: Colours by class (colour-blind-friendly Okabe-Ito palette, plus grey).
CLASS_COLOURS: dict[str, str] = {
    "Person": "#E69F00",
    "Organization": "#0072B2",
    "Group": "#CC79A7",
    "Place": "#009E73",
    "Country": "#007A5A",
    "City": "#56B4E9",
    "Event": "#D55E00",
    "Role": "#999999",
}
#: Edges that the text does not plainly assert are drawn dashed, in their own colour.
FACTUALITY_COLOURS = {"asserted": "#555555", "planned": "#0072B2", "reported": "#8A6D00",
                      "hypothetical": "#A0A0A0", "negated": "#D55E00"}
MAX_EVIDENCE_IN_TOOLTIP = 3

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
VIS_DIR = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"


@dataclass
class _Edge:
    source: str
    target: str
    relation: str
    verbs: set[str] = field(default_factory=set)
    factualities: set[str] = field(default_factory=set)
    evidence: list[tuple[str, str]] = field(default_factory=list)


def render_html(graph: Graph, *, title: str = "kg graph") -> str:
    """The page for ``graph``: one node per entity, one edge per related pair and relation."""
    network = build_network(graph)
    nodes, edges, _, _, _, _ = network.get_network_data()
    classes = sorted({node["kg_class"] for node in nodes})
    payload = {"nodes": nodes, "edges": edges, "options": _options(len(nodes))}
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True, keep_trailing_newline=True
    )
    return environment.get_template("graph.html").render(
        title=title,
        node_count=len(nodes),
        edge_count=len(edges),
        legend=[(cls, CLASS_COLOURS.get(cls, "#777777")) for cls in classes],
        factualities=list(FACTUALITY_COLOURS.items()),
        data_json=script_json(payload),
        vis_js=(VIS_DIR / "vis-network.min.js").read_text("utf-8"),
        vis_css=(VIS_DIR / "vis-network.css").read_text("utf-8"),
    )


def script_json(value: object) -> str:
    """JSON that is safe inside a <script> element, whatever strings it holds."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def build_network(graph: Graph) -> Network:
    """A pyvis network of the graph's entities and the direct relation triples between them."""
    network = Network(directed=True, cdn_resources="in_line")
    entity_classes = {KG[name]: name for name in ENTITY_CLASSES}
    node_class: dict[URIRef, str] = {}
    for entity, rdf_class in graph.subject_objects(RDF.type):
        if rdf_class in entity_classes and isinstance(entity, URIRef):
            node_class[entity] = entity_classes[rdf_class]  # type: ignore[index]

    edges = _edges(graph, set(node_class))
    degree: dict[URIRef, int] = defaultdict(int)
    for edge in edges.values():
        degree[URIRef(edge.source)] += 1
        degree[URIRef(edge.target)] += 1

    for entity in sorted(node_class):
        cls = node_class[entity]
        label = str(graph.value(entity, RDFS.label) or _local_name(entity))
        aliases = sorted(str(alias) for alias in graph.objects(entity, SKOS.altLabel))
        mentions = graph.value(entity, KG.mentionCount)
        lines = [label, cls]
        if aliases:
            lines.append("also: " + "; ".join(aliases))
        if mentions is not None:
            lines.append(f"mentioned {mentions} time(s)")
        network.add_node(
            str(entity), label=label, title="\n".join(lines), color=CLASS_COLOURS.get(cls, "#777777"),
            kg_class=cls, size=10 + 4 * min(degree[entity], 10), shape="dot",
        )
    for key in sorted(edges):
        edge = edges[key]
        plain = edge.factualities <= {"asserted"}
        factuality = "asserted" if plain else sorted(edge.factualities - {"asserted"})[0]
        label = edge.relation if edge.relation != "relatedTo" else " / ".join(sorted(edge.verbs))
        lines = [f"{label} ({', '.join(sorted(edge.factualities))})"]
        lines += [f"[{fact}] {text}" for fact, text in edge.evidence[:MAX_EVIDENCE_IN_TOOLTIP]]
        if len(edge.evidence) > MAX_EVIDENCE_IN_TOOLTIP:
            lines.append(f"… and {len(edge.evidence) - MAX_EVIDENCE_IN_TOOLTIP} more")
        network.add_edge(
            edge.source, edge.target, label=label, title="\n".join(lines),
            dashes=not plain, color=FACTUALITY_COLOURS[factuality], arrows="to",
        )
    return network


def _edges(graph: Graph, nodes: set[URIRef]) -> dict[tuple[str, str, str], _Edge]:
    """One edge per direct relation triple between entities, with the evidence of its statements."""
    relations = {KG[name] for name in relation_names()}
    edges: dict[tuple[str, str, str], _Edge] = {}
    for subject, predicate, obj in graph:
        if predicate in relations and subject in nodes and obj in nodes:
            relation = str(predicate).rsplit("#", 1)[-1]
            edges[(str(subject), str(obj), relation)] = _Edge(str(subject), str(obj), relation)
    for statement in graph.subjects(RDF.type, KG.Statement):
        key = (
            str(graph.value(statement, RDF.subject)),
            str(graph.value(statement, RDF.object)),
            str(graph.value(statement, RDF.predicate)).rsplit("#", 1)[-1],
        )
        edge = edges.get(key)
        if edge is None:
            continue
        factuality = str(graph.value(statement, KG.factuality) or "").rsplit("#", 1)[-1] or "asserted"
        edge.factualities.add(factuality)
        edge.verbs.add(str(graph.value(statement, KG.verb) or ""))
        edge.evidence.append((factuality, str(graph.value(statement, KG.evidence) or "")))
    for edge in edges.values():
        edge.evidence.sort()
        if not edge.factualities:
            edge.factualities.add("asserted")
        edge.verbs.discard("")
        if not edge.verbs:
            edge.verbs.add(edge.relation)
    return edges


def _local_name(iri: URIRef) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _options(node_count: int) -> dict[str, object]:
    """vis-network options: bounded stabilisation, physics off once stable (see the template)."""
    return {
        "layout": {"improvedLayout": node_count <= 1000, "randomSeed": 7},
        "physics": {
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120},
            "stabilization": {"enabled": True, "iterations": 300, "updateInterval": 50},
        },
        "edges": {"smooth": {"type": "continuous"}, "font": {"size": 11, "align": "middle"}},
        "nodes": {"font": {"size": 14}},
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False},
    }
