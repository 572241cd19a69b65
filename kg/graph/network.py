"""The graph as a network: entities and their relations in networkx, with the measures the
viewer and ``kg stats`` show (centrality, components, communities), and the events the
relations report (for the page's timeline). The one network model of kg: the page
(:mod:`kg.view.viewer`), ``kg stats`` and the network formats of :mod:`kg.graph.interchange`
all draw on it, which is why it lives in the graph layer, below the page.

Reads only RDF, so it works on any saved graph. A graph kg did not make still gets a network:
every IRI that is the subject or object of a triple between IRIs is a node, labelled by
rdfs:label (or skos:prefLabel, schema:name, foaf:name, else the IRI's local name) and typed by
rdf:type.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import FOAF, PROV, SKOS

from kg.graph.store import PlainStringStore, term_key
from kg.namespace import ENTITY_CLASSES, KG, local_name, relation_names

SCHEMA_NAME = URIRef("https://schema.org/name")
LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel, SCHEMA_NAME, FOAF.name)
#: Predicates that structure kg's own provenance, never drawn as relations between entities.
STRUCTURAL = frozenset({
    RDF.type, RDF.subject, RDF.predicate, RDF.object, KG.document, KG.mentionedIn, KG.factuality,
})


@dataclass(frozen=True)
class StatementInfo:
    """One piece of evidence for an edge."""

    factuality: str
    evidence: str
    subject_text: str
    object_text: str
    document: str
    rule: str
    confidence: float
    verb: str


def edge_label(relation: str, statements: Iterable[StatementInfo]) -> str:
    """What an edge is called on the page and in the exports: its relation, but for the open relation
    (``relatedTo``: no ontology term fits) the verbs its statements read ("buy / headquarter in")."""
    if relation != "relatedTo":
        return relation
    return " / ".join(sorted({statement.verb for statement in statements if statement.verb})) or relation


@dataclass(frozen=True)
class EventInfo:
    """A meeting, visit, attack, announcement... that a statement reports, as the timeline needs it.

    ``date`` is the event's normalised day (kg:date) and ``time`` the text's words for it; either
    may be empty. ``edge`` is the (subject, object, relation) key of the network edge the
    statement is evidence for, or None when that edge is not in the network.
    """

    iri: str
    cls: str
    label: str
    date: str
    time: str
    document: str
    factuality: str
    edge: tuple[str, str, str] | None
    entities: tuple[str, ...]


@dataclass
class EntityNetwork:
    """Entities (nodes) and relations (edges, one per subject-relation-object), with their details."""

    graph: nx.MultiDiGraph
    documents: dict[str, dict[str, str]] = field(default_factory=dict)
    made_by_kg: bool = True
    #: the events the relations report, in IRI order
    events: list[EventInfo] = field(default_factory=list)


def entity_network(rdf: Graph) -> EntityNetwork:
    """The entity-relation network of an RDF graph (kg's, or any other)."""
    entity_classes = {str(KG[name]): name for name in ENTITY_CLASSES}
    types = _all_values(rdf, RDF.type)
    # node -> class: entities are IRIs (a blank node's key starts with "_:"); one typed with two
    # of kg's classes takes the last in IRI order, whatever order the store gives them in
    nodes = {node: entity_classes[cls] for node, classes in types.items() if not node.startswith("_:")
             for cls in sorted(classes) if cls in entity_classes}
    made_by_kg = bool(nodes)
    network = nx.MultiDiGraph()
    if made_by_kg:
        triples = [(s, str(KG[relation]), o) for relation in relation_names()
                   for s, o in _pairs(rdf, KG[relation], iri_objects=True) if s in nodes and o in nodes]
    else:
        classes = {term_key(c) for c in rdf.subjects(RDF.type, RDFS.Class)}
        triples = [
            (str(s), str(p), str(o)) for s, p, o in rdf
            if isinstance(s, URIRef) and isinstance(o, URIRef) and p not in STRUCTURAL and str(o) not in classes
        ]
        for s, _, o in triples:
            for node in (s, o):
                if node not in nodes:
                    found = sorted(types.get(node, []))
                    nodes[node] = local_name(found[0]) if found else "Resource"
    # Each property is read in one pass over its triples, not node by node, and as strings:
    # a graph of a big corpus lives in Oxigraph, where an rdflib term per triple costs seconds.
    labels = [_first_values(rdf, prop) for prop in LABEL_PROPERTIES]
    aliases, documents_of = _all_values(rdf, SKOS.altLabel), _all_values(rdf, KG.mentionedIn)
    resolutions = _resolutions(rdf) if made_by_kg else {}
    for node in sorted(nodes):
        network.add_node(
            node,
            label=next((by_node[node] for by_node in labels if node in by_node), None) or local_name(node),
            cls=nodes[node],
            aliases=sorted(set(aliases.get(node, []))),
            documents=sorted(documents_of.get(node, [])),
            resolutions=resolutions.get(node, []),
        )
    for s, p, o in sorted(set(triples)):
        relation = local_name(p)
        network.add_edge(s, o, key=relation, relation=relation, statements=[])
    fields = {prop: _first_values(rdf, prop) for prop in STATEMENT_PROPERTIES}
    statement_class, document_class = str(KG.Statement), str(KG.Document)
    edge_of: dict[str, tuple[str, str, str]] = {}  # statement -> the key of the edge it is evidence for
    for statement in sorted(node for node, classes in types.items() if statement_class in classes):
        key = (fields[RDF.subject].get(statement, "None"), fields[RDF.object].get(statement, "None"),
               local_name(fields[RDF.predicate].get(statement, "None")))
        edge_of[statement] = key
        info = _statement({prop: values.get(statement) for prop, values in fields.items()})
        if not network.has_edge(*key):
            # A negated relation has no direct triple, but the reader should still see what was denied.
            if info.factuality != "negated" or key[0] not in network or key[1] not in network:
                continue
            network.add_edge(*key[:2], key=key[2], relation=key[2], statements=[])
        network.edges[key]["statements"].append(info)
    for _, _, data in network.edges(data=True):
        data["statements"].sort(key=lambda s: (s.document, s.evidence, s.factuality))
    details = {name: _first_values(rdf, prop) for name, prop in
               (("title", KG.title), ("date", KG.datePublished), ("source", KG.source), ("text", KG.text))}
    documents = {
        document: {name: values.get(document) or "" for name, values in details.items()}
        for document in sorted(node for node, classes in types.items() if document_class in classes)
    }
    events = _events(rdf, network, types, labels[0], fields, edge_of)
    return EntityNetwork(graph=network, documents=documents, made_by_kg=made_by_kg, events=events)


def _resolutions(rdf: Graph) -> dict[str, list[dict[str, str]]]:
    """Node -> the decisions of corpus-level resolution about it (:mod:`kg.resolution.graphs`):
    names of other documents joined into it, or its name kept apart as ambiguous; each with its
    rule and reason, in reason order."""
    rules, reasons = _first_values(rdf, KG.resolutionRule), _first_values(rdf, KG.reason)
    found: dict[str, list[dict[str, str]]] = {}
    for decision, prop in (("joined", KG.into), ("kept apart", KG.keptApart)):
        for resolution, node in _pairs(rdf, prop, iri_objects=True):
            found.setdefault(node, []).append(
                {"decision": decision, "rule": rules.get(resolution, ""), "reason": reasons.get(resolution, "")})
    return {node: sorted(items, key=lambda item: (item["decision"], item["reason"])) for node, items in found.items()}


def _events(rdf: Graph, network: nx.MultiDiGraph, types: dict[str, list[str]], labels: dict[str, str],
            fields: dict[URIRef, dict[str, str]], edge_of: dict[str, tuple[str, str, str]]) -> list[EventInfo]:
    """The events of a kg graph: the nodes derived (prov:wasDerivedFrom) from a statement.

    Their label, document and factuality come from the passes over rdfs:label and the statements'
    properties already made (the same properties sit on events); only the event's own properties
    are read here, each in one pass.
    """
    derived_from = {node: statement for node, statement in _first_values(rdf, PROV.wasDerivedFrom).items()
                    if statement in edge_of}
    if not derived_from:
        return []
    dates, times = _first_values(rdf, KG.date), _first_values(rdf, KG.time)
    taking_part: dict[str, set[str]] = {}
    for prop in (KG.agent, KG.participant, KG.place):
        for event, entity in _pairs(rdf, prop, iri_objects=True):
            if event in derived_from and entity in network:
                taking_part.setdefault(event, set()).add(entity)
    found = []
    for event in sorted(derived_from):
        classes = sorted(local_name(cls) for cls in types.get(event, []))
        key = edge_of[derived_from[event]]
        found.append(EventInfo(
            iri=event,
            # kg types an event with one class (kg:Meeting); a graph may add the superclass kg:Event
            cls=next((cls for cls in classes if cls != "Event"), classes[0] if classes else "Event"),
            label=labels.get(event) or local_name(event),
            date=dates.get(event, ""),
            time=times.get(event, ""),
            document=fields[KG.document].get(event, ""),
            factuality=local_name(fields[KG.factuality].get(event, "")) or "asserted",
            edge=key if network.has_edge(*key) else None,
            entities=tuple(sorted(taking_part.get(event, ()))),
        ))
    return found


def _pairs(rdf: Graph, prop: URIRef, *, iri_objects: bool = False) -> Iterator[tuple[str, str]]:
    """(subject, value) of each triple with the property, as :func:`~kg.graph.store.term_key` strings;
    with ``iri_objects``, only those whose value is an IRI."""
    if isinstance(rdf.store, PlainStringStore):
        yield from rdf.store.string_pairs(prop, rdf, iri_objects=iri_objects)
        return
    for subject, value in rdf.subject_objects(prop):
        if not iri_objects or isinstance(value, URIRef):
            yield term_key(subject), term_key(value)


def _first_values(rdf: Graph, prop: URIRef) -> dict[str, str]:
    """Each subject's value of a property (the least, if it has several, so the choice is stable)."""
    values: dict[str, str] = {}
    for subject, value in _pairs(rdf, prop):
        if subject not in values or value < values[subject]:
            values[subject] = value
    return values


def _all_values(rdf: Graph, prop: URIRef) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for subject, value in _pairs(rdf, prop):
        values.setdefault(subject, []).append(value)
    return values


STATEMENT_PROPERTIES = (
    RDF.subject, RDF.predicate, RDF.object, KG.factuality, KG.evidence, KG.subjectText, KG.objectText,
    KG.document, KG.rule, KG.confidence, KG.verb,
)


def _statement(fields: dict[URIRef, str | None]) -> StatementInfo:
    def text(prop: URIRef) -> str:
        return fields.get(prop) or ""

    confidence = fields.get(KG.confidence)
    return StatementInfo(
        factuality=local_name(text(KG.factuality)) or "asserted",
        evidence=text(KG.evidence),
        subject_text=text(KG.subjectText),
        object_text=text(KG.objectText),
        document=text(KG.document),
        rule=text(KG.rule),
        confidence=_number(confidence, default=1.0),
        verb=text(KG.verb),
    )


def _number(value: str | None, *, default: float) -> float:
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default


def centrality(network: nx.MultiDiGraph) -> dict[str, float]:
    """PageRank over the relations taken both ways (parallel edges count once), every node included.

    Undirected, because in news the object of a relation matters as much as its subject:
    directed PageRank would rank every role and place above the people who hold or visit them.
    """
    if network.number_of_nodes() == 0:
        return {}
    return dict(nx.pagerank(nx.Graph(network)))


def communities(network: nx.MultiDiGraph) -> dict[str, int]:
    """Louvain modularity communities (seeded, so repeatable), numbered from the largest.

    Run on each connected part apart: a community never spans two parts, and a news graph is
    mostly lone entities and pairs, which are their own communities (ten times faster on the
    graph of 1,000 Reuters stories)."""
    undirected = nx.Graph(network)
    found: list[set[str]] = []
    for part in sorted(nx.connected_components(undirected), key=min):
        if len(part) <= 2:
            found.append(part)
        else:
            found += nx.community.louvain_communities(_part_graph(undirected, part), seed=0)
    ordered = sorted(found, key=lambda members: (-len(members), min(members)))
    return {node: number for number, members in enumerate(ordered) for node in members}


def _part_graph(graph: nx.Graph, part: set[str]) -> nx.Graph:
    """The part of ``graph`` on the nodes of ``part``, in ``graph``'s order: a subgraph view would
    follow the set's order, which changes from process to process, and so would Louvain's."""
    found = nx.Graph()
    found.add_nodes_from(node for node in graph if node in part)
    found.add_edges_from((node, other) for node in found for other in graph[node])
    return found


def stats(rdf: Graph, *, top: int = 10) -> dict[str, Any]:
    """Counts by class and relation, top entities, components and communities of a graph."""
    network = entity_network(rdf).graph
    rank = centrality(network)
    community_of = communities(network)
    components = sorted((len(c) for c in nx.weakly_connected_components(network)), reverse=True)
    community_sizes = Counter(community_of.values())
    return {
        "triples": len(rdf),
        "entities": network.number_of_nodes(),
        "relations": network.number_of_edges(),
        "statements": sum(1 for _ in rdf.subjects(RDF.type, KG.Statement)),
        "documents": sum(1 for _ in rdf.subjects(RDF.type, KG.Document)),
        "classes": dict(sorted(Counter(d["cls"] for _, d in network.nodes(data=True)).items())),
        "relation_types": dict(sorted(Counter(k for _, _, k in network.edges(keys=True)).items())),
        "top_entities": [
            {"entity": network.nodes[node]["label"], "class": network.nodes[node]["cls"],
             "pagerank": round(score, 5), "degree": network.degree(node)}
            for node, score in sorted(rank.items(), key=lambda item: (-item[1], item[0]))[:top]
        ],
        "components": {"count": len(components), "largest": components[:5]},
        "communities": {"count": len(community_sizes),
                        "largest": [size for _, size in community_sizes.most_common(5)]},
    }
