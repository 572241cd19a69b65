"""The interactive HTML page: the entity network drawn with vis-network (data built with pyvis).

One self-contained file: vis-network's JavaScript and CSS are inlined from the pyvis package,
nothing is fetched from a CDN, and no ``lib/`` folder is written. The page reads only the RDF
graph (through :mod:`kg.graph.network`), so any saved Turtle can be re-rendered without NLP.

All document text reaches the page as data: node labels are drawn on a canvas, tooltips are
set with ``innerText``, the side panel is built with ``textContent`` (a document's source becomes
a link only when it is an http or https address), the legend goes through Jinja's escaping, and
the JSON is embedded with ``<``, ``>`` and ``&`` escaped so no text can close the script element.

The page's counts use the words ``kg build`` and ``kg stats`` use: entities, relations (distinct
subject-relation-object links, the edges) and statements (the sentences' claims behind them).

Under the network, a timeline shows the events the relations report on their day (see
:func:`timeline`); brushing a span of it filters the network to the relations of its events.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
import pyvis
from pyvis.edge import Edge
from pyvis.network import Network
from pyvis.node import Node
from rdflib import Graph

from kg.graph.network import EntityNetwork, EventInfo, centrality, communities, edge_label, entity_network
from kg.namespace import local_name
from kg.view.layout import sampled_force_layout

#: Colours by class (Okabe-Ito, colour-blind friendly), grey for roles and unknown classes.
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
OTHER_COLOURS = ("#8E6C8A", "#6B8E23", "#B8860B", "#4682B4", "#A0522D", "#2F4F4F", "#9ACD32", "#C71585")
COMMUNITY_COLOURS = (
    "#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#7F7F7F",
    "#BCBD22", "#17BECF", "#AEC7E8", "#FFBB78",
)
#: Edges the text does not plainly assert are drawn dashed, in their own colour.
FACTUALITY_COLOURS = {"asserted": "#555555", "planned": "#0072B2", "reported": "#8A6D00",
                      "hypothetical": "#A0A0A0", "negated": "#D55E00"}
#: An edge takes the first of these its statements have: what the graph asserts wins.
FACTUALITY_ORDER = ("asserted", "hypothetical", "planned", "reported", "negated")
MAX_EVIDENCE_IN_TOOLTIP = 3
LARGE_GRAPH_NODES = 300
EDGE_LABEL_LIMIT = 2000
#: The most characters of document text a page carries (about 800 news stories): a story's text
#: is shown when it is picked; above this, the page shows its evidence sentences only.
PAGE_TEXT_LIMIT = 2_000_000
#: The parts of :func:`page_data` only the side panel and the search read (a third of a large
#: page's data): written apart, they are parsed when first read, not before the first frame.
PANEL_KEYS = ("documents", "info", "statements")

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
VIS_DIR = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"


def render_html(graph: Graph, *, title: str = "kg graph", max_nodes: int | None = None) -> str:
    """The page for an RDF graph: one node per entity, one edge per related pair and relation.

    With ``max_nodes``, only that many entities are kept, the most central (PageRank) first;
    the page says how many it hides.
    """
    return render_network(entity_network(graph), title=title, max_nodes=max_nodes)


def render_network(source: EntityNetwork, *, title: str = "kg graph", max_nodes: int | None = None) -> str:
    payload = page_data(source, max_nodes=max_nodes)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True, keep_trailing_newline=True
    )
    return environment.get_template("graph.html").render(
        title=title,
        node_count=len(payload["nodes"]),
        edge_count=len(payload["edges"]),
        statement_count=sum(len(found) for found in payload["statements"].values()),
        hidden=payload["hidden"],
        legend=payload["classes"],
        relations=payload["relations"],
        factualities=[(name, FACTUALITY_COLOURS[name], is_dashed(name)) for name in payload["factualities"]],
        data_json=script_json({key: value for key, value in payload.items() if key not in PANEL_KEYS}),
        panel_json=script_json({key: payload[key] for key in PANEL_KEYS}),
        vis_js=(VIS_DIR / "vis-network.min.js").read_text("utf-8"),
        page_js=(TEMPLATE_DIR / "graph.js").read_text("utf-8"),
        vis_css=(VIS_DIR / "vis-network.css").read_text("utf-8"),
    )


def script_json(value: object) -> str:
    """JSON that is safe inside a <script> element, whatever strings it holds."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def class_colours(classes: list[str]) -> dict[str, str]:
    extra = iter(OTHER_COLOURS * (1 + len(classes) // len(OTHER_COLOURS)))
    return {cls: CLASS_COLOURS.get(cls) or next(extra) for cls in classes}


def _induced(network: nx.MultiDiGraph, keep: set[str]) -> nx.MultiDiGraph:
    """The subgraph on ``keep``, nodes and edges in the network's order.

    Not ``network.subgraph(keep)``: when it keeps under half the nodes, networkx iterates the
    set, whose order changes with the string hash seed, and so would the page.
    """
    subgraph = nx.MultiDiGraph()
    subgraph.add_nodes_from((node, data) for node, data in network.nodes(data=True) if node in keep)
    subgraph.add_edges_from((subject, obj, key, data) for subject, obj, key, data
                            in network.edges(keys=True, data=True) if subject in keep and obj in keep)
    return subgraph


def page_data(source: EntityNetwork, *, max_nodes: int | None = None) -> dict[str, Any]:
    """Everything the page's script needs, as plain JSON-ready data."""
    network = source.graph
    rank = centrality(network)
    total = network.number_of_nodes()
    if max_nodes is not None and total > max_nodes:
        network = _induced(network, set(sorted(rank, key=lambda node: (-rank[node], node))[:max_nodes]))
    community_of = communities(network)
    classes = sorted({data["cls"] for _, data in network.nodes(data=True)})
    colours = class_colours(classes)
    top = max(rank.values(), default=1.0) or 1.0
    positions = sampled_force_layout(nx.Graph(network)) if network.number_of_nodes() > LARGE_GRAPH_NODES else {}
    vis = Network(directed=True, cdn_resources="in_line")
    info: dict[str, Any] = {}
    for node, data in network.nodes(data=True):
        hover = [data["label"], data["cls"]]
        if data["aliases"]:
            hover.append("also: " + "; ".join(data["aliases"]))
        place = {"x": positions[node][0], "y": positions[node][1]} if node in positions else {}
        # pyvis's Node builds vis's node options; add_node would check membership in a list (quadratic).
        vis.nodes.append(Node(
            node, "dot", label=data["label"], title="\n".join(hover), color=colours[data["cls"]],
            size=round(8 + 32 * (rank.get(node, 0.0) / top) ** 0.5, 1), font_color=False,
            cls=data["cls"], community=community_of.get(node, 0), **place,
        ).options)
        info[node] = {"aliases": data["aliases"], "documents": data["documents"],
                      "resolutions": data.get("resolutions", [])}
    statements: dict[str, list[dict[str, Any]]] = {}
    edge_ids: dict[tuple[str, str, str], str] = {}
    with_labels = network.number_of_edges() <= EDGE_LABEL_LIMIT
    ordered = sorted(network.edges(data=True), key=_edge_order)
    between = Counter(frozenset((subject, obj)) for subject, obj, _ in ordered)
    drawn: Counter[frozenset[str]] = Counter()
    for number, (subject, obj, data) in enumerate(ordered):
        edge_id = edge_ids[subject, obj, data["relation"]] = f"e{number}"
        found = data["statements"]
        factuality = _edge_factuality(found)
        label = edge_label(data["relation"], found)
        hover = [f"{label} ({', '.join(sorted({s.factuality for s in found}) or ['asserted'])})"]
        hover += [f"[{s.factuality}] {s.evidence}" for s in found[:MAX_EVIDENCE_IN_TOOLTIP]]
        if len(found) > MAX_EVIDENCE_IN_TOOLTIP:
            hover.append(f"… and {len(found) - MAX_EVIDENCE_IN_TOOLTIP} more")
        options: dict[str, Any] = {
            "id": edge_id, "title": "\n".join(hover), "arrows": "to", "relation": data["relation"],
            "factuality": factuality, "dashes": is_dashed(factuality),
            "factualities": sorted({s.factuality for s in found} or {"asserted"}),
            "color": FACTUALITY_COLOURS.get(factuality, "#555555"),
        }
        if with_labels:
            options["label"] = label
        pair = frozenset((subject, obj))
        if between[pair] > 1:  # two relations of one pair: curves of their own, so edges and labels do not overlap
            drawn[pair] += 1
            options["smooth"] = {"type": "curvedCW", "roundness": round(0.25 * drawn[pair], 2)}
        vis.edges.append(Edge(subject, obj, True, **options).options)
        statements[edge_id] = [asdict(s) for s in found]
    nodes, edges, _, _, _, _ = vis.get_network_data()
    cited = {document for details in info.values() for document in details["documents"]}
    cited.update(statement["document"] for found in statements.values() for statement in found)
    documents = {document: details for document, details in source.documents.items() if document in cited}
    documents = with_texts(documents)
    return {
        "nodes": nodes,
        "edges": edges,
        "info": info,
        "statements": statements,
        "documents": documents,
        "stories": stories(documents, info, statements, edges),
        "timeline": timeline(source.events, source.documents, edge_ids),
        "classes": [[cls, colours[cls]] for cls in classes],
        "relations": sorted({data["relation"] for _, _, data in network.edges(data=True)}),
        "factualities": [name for name in FACTUALITY_COLOURS if any(name in edge["factualities"] for edge in edges)],
        "communityColours": list(COMMUNITY_COLOURS),
        "factualityColours": FACTUALITY_COLOURS,
        "hidden": total - network.number_of_nodes(),
        # laid out beforehand and labelled only on screen (graph.html, placeLabels)
        "large": network.number_of_nodes() > LARGE_GRAPH_NODES,
        "total": total,
        "options": vis_options(network.number_of_nodes(), network.number_of_edges()),
    }


def with_texts(documents: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The documents' details, their texts kept while all of them fit in :data:`PAGE_TEXT_LIMIT`."""
    if sum(len(details.get("text", "")) for details in documents.values()) <= PAGE_TEXT_LIMIT:
        return documents
    return {document: _without_text(details) for document, details in documents.items()}


def _without_text(details: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in details.items() if key != "text"}


def stories(documents: dict[str, dict[str, str]], info: dict[str, Any], statements: dict[str, list[dict[str, Any]]],
            edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each document as a story the page can show alone: the entities it mentions and the edges it
    states, newest first.

    A story's ``id`` is its IRI's last segment (the fragment ``#doc=<id>`` names it, short enough
    to read in a link), or the whole IRI when two documents' IRIs end alike.
    """
    ends = [local_name(document) for document in documents]
    entities_of: dict[str, set[str]] = {document: set() for document in documents}
    for node, details in info.items():
        for document in details["documents"]:
            if document in entities_of:
                entities_of[document].add(node)
    edges_of: dict[str, list[str]] = {document: [] for document in documents}
    for edge in edges:
        stated_in = {statement["document"] for statement in statements[edge["id"]]}
        for document in sorted(stated_in & edges_of.keys()):
            edges_of[document].append(edge["id"])
            entities_of[document].update((edge["from"], edge["to"]))
    found = [  # the text stays in the documents' details, once
        {"id": end if ends.count(end) == 1 else document, "iri": document,
         **_without_text(details),
         "entities": sorted(entities_of[document]), "edges": edges_of[document]}
        for document, details, end in zip(documents, documents.values(), ends, strict=True)
    ]
    return sorted(found, key=lambda story: (story["date"] or "", story["title"] or ""), reverse=True)


def timeline(events: list[EventInfo], documents: dict[str, dict[str, str]],
             edge_ids: dict[tuple[str, str, str], str]) -> dict[str, Any]:
    """The events of the page's edges on their day, oldest first, for the strip under the network.

    An event's day is its normalised date (kg:date). Without one, its document's date
    (kg:datePublished) stands in, and the item says so with ``"estimated": true``: the event
    happened on or before that day, so the page draws it hollow and calls it "document date".
    Events with neither are left off and counted in ``undated``; so are values that are not a
    day (``2019-10``), which a graph kg did not make may hold. Events whose edge is not on the
    page (hidden by ``max_nodes``) are not counted at all.

    >>> event = EventInfo(iri="http://e/1", cls="Meeting", label="A meets B", date="", time="",
    ...                   document="http://d/1", factuality="asserted", edge=("a", "b", "meets"), entities=("a", "b"))
    >>> timeline([event], {"http://d/1": {"date": "2023-10-07"}}, {("a", "b", "meets"): "e0"})["items"][0]["estimated"]
    True
    """
    items: list[dict[str, Any]] = []
    undated = 0
    for event in events:
        edge = edge_ids.get(event.edge) if event.edge is not None else None
        if edge is None:
            continue
        published = _day(documents.get(event.document, {}).get("date", ""))
        day = _day(event.date) or published
        if day is None:
            undated += 1
            continue
        items.append({
            "event": event.iri, "day": day, "estimated": _day(event.date) is None, "label": event.label,
            "cls": event.cls, "time": event.time, "factuality": event.factuality, "edge": edge,
            "entities": list(event.entities), "document": event.document,
        })
    items.sort(key=lambda item: (item["day"], item["estimated"], item["label"], item["event"]))
    return {"items": items, "undated": undated}


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(value: str | None) -> str | None:
    """An ISO day (``2023-10-07``), or None when the value is not one."""
    if not value or not _DAY.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def _edge_order(edge: tuple[str, str, dict[str, Any]]) -> tuple[str, str, str]:
    return edge[0], edge[1], edge[2]["relation"]


def _edge_factuality(found: list[Any]) -> str:
    """An edge is drawn plain when some statement asserts it; else by its strongest hedge,
    and as negated only when every statement denies it."""
    present = {s.factuality for s in found} or {"asserted"}
    return next((name for name in FACTUALITY_ORDER if name in present), "asserted")


def is_dashed(factuality: str) -> bool:
    """Whether an edge of this factuality is drawn dashed; the legend draws its line the same way."""
    return factuality != "asserted"


def vis_options(node_count: int, edge_count: int) -> dict[str, Any]:
    """vis-network options; large graphs come with positions (:mod:`kg.view.layout`), so they skip
    vis's quadratic improved layout and its physics, and draw edges cheaply.

    Small graphs settle with bounded stabilisation; the page turns physics off once stable, and
    the reader can turn it back on.
    """
    large = node_count > LARGE_GRAPH_NODES
    return {
        "layout": {"improvedLayout": not large, "randomSeed": 7},
        "physics": {
            "enabled": not large,
            "solver": "barnesHut" if large else "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120},
            "barnesHut": {"gravitationalConstant": -8000, "springLength": 120, "avoidOverlap": 0},
            "stabilization": {"enabled": True, "iterations": 150 if large else 400, "updateInterval": 50},
            "minVelocity": 1.5 if large else 0.75,
        },
        "edges": {
            "smooth": False if edge_count > LARGE_GRAPH_NODES else {"type": "continuous"},
            # A relation's name is drawn only when zoomed in enough to read it (12 canvas units
            # at 9 pixels or more on screen, later in a large graph, where edges are dense), on a
            # white ground, never over 16 pixels; its tooltip and the side panel give it at any zoom.
            "font": {"size": 12, "align": "middle", "background": "rgba(255,255,255,0.85)", "strokeWidth": 0},
            "scaling": {"label": {"drawThreshold": 20 if large else 10, "maxVisible": 16}},
        },
        # The page sets each node's label size as the reader zooms (graph.html, placeLabels).
        "nodes": {"font": {"size": 14, "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "interaction": {
            "hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": large, "hideEdgesOnZoom": large,
        },
    }
