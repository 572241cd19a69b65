"""The graph as a network: entities and their relations in networkx, with the measures the
viewer and ``kg stats`` show (centrality, components, communities).

Reads only RDF, so it works on any saved graph. A graph kg did not make still gets a network:
every IRI that is the subject or object of a triple between IRIs is a node, labelled by
rdfs:label (or skos:prefLabel, schema:name, foaf:name, else the IRI's local name) and typed by
rdf:type.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import FOAF, SKOS
from rdflib.term import Node

from kg.lexicon import relation_names
from kg.namespace import ENTITY_CLASSES, KG

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


@dataclass
class EntityNetwork:
    """Entities (nodes) and relations (edges, one per subject-relation-object), with their details."""

    graph: nx.MultiDiGraph
    documents: dict[str, dict[str, str]] = field(default_factory=dict)
    made_by_kg: bool = True


def local_name(iri: str) -> str:
    """The last segment of an IRI, after ``#`` or ``/``."""
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1] or iri


def entity_network(rdf: Graph) -> EntityNetwork:
    """The entity-relation network of an RDF graph (kg's, or any other)."""
    entity_classes = {KG[name]: name for name in ENTITY_CLASSES}
    typed = {s: entity_classes[o] for s, o in rdf.subject_objects(RDF.type) if o in entity_classes}  # type: ignore[index]
    made_by_kg = bool(typed)
    network = nx.MultiDiGraph()
    if made_by_kg:
        relations = {KG[name] for name in relation_names()}
        nodes: dict[Node, str] = {node: cls for node, cls in typed.items() if isinstance(node, URIRef)}
        triples: list[tuple[Node, Node, Node]] = [
            (s, p, o) for p in relations for s, o in rdf.subject_objects(p) if s in nodes and o in nodes
        ]
    else:
        triples = [
            (s, p, o) for s, p, o in rdf
            if isinstance(s, URIRef) and isinstance(o, URIRef) and p not in STRUCTURAL
            and (o, RDF.type, RDFS.Class) not in rdf
        ]
        nodes = {}
        for s, _, o in triples:
            for node in (s, o):
                if node not in nodes:
                    types = sorted(str(t) for t in rdf.objects(node, RDF.type))
                    nodes[node] = local_name(types[0]) if types else "Resource"
    # Each property is read in one pass over its triples, not node by node: a graph of a big
    # corpus lives in Oxigraph, where every rdflib call has a fixed cost.
    labels = [_first_values(rdf, prop) for prop in LABEL_PROPERTIES]
    aliases, documents_of = _all_values(rdf, SKOS.altLabel), _all_values(rdf, KG.mentionedIn)
    for node in sorted(nodes, key=str):
        network.add_node(
            str(node),
            label=str(next((by_node[node] for by_node in labels if node in by_node), None) or local_name(str(node))),
            cls=nodes[node],
            aliases=sorted(set(aliases.get(node, []))),
            documents=sorted(documents_of.get(node, [])),
        )
    for s, p, o in sorted(set(triples), key=lambda triple: tuple(map(str, triple))):
        relation = local_name(str(p))
        network.add_edge(str(s), str(o), key=relation, relation=relation, statements=[])
    fields = {prop: _first_values(rdf, prop) for prop in STATEMENT_PROPERTIES}
    for statement in sorted(rdf.subjects(RDF.type, KG.Statement), key=str):
        key = (str(fields[RDF.subject].get(statement)), str(fields[RDF.object].get(statement)),
               local_name(str(fields[RDF.predicate].get(statement))))
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
               (("title", KG.title), ("date", KG.datePublished), ("source", KG.source))}
    documents = {
        str(document): {name: str(values.get(document) or "") for name, values in details.items()}
        for document in sorted(rdf.subjects(RDF.type, KG.Document), key=str)
    }
    return EntityNetwork(graph=network, documents=documents, made_by_kg=made_by_kg)


def _first_values(rdf: Graph, prop: URIRef) -> dict[Node, Node]:
    """Each subject's value of a property (the least, if it has several, so the choice is stable)."""
    values: dict[Node, Node] = {}
    for subject, value in rdf.subject_objects(prop):
        if subject not in values or str(value) < str(values[subject]):
            values[subject] = value
    return values


def _all_values(rdf: Graph, prop: URIRef) -> dict[Node, list[str]]:
    values: dict[Node, list[str]] = {}
    for subject, value in rdf.subject_objects(prop):
        values.setdefault(subject, []).append(str(value))
    return values


STATEMENT_PROPERTIES = (
    RDF.subject, RDF.predicate, RDF.object, KG.factuality, KG.evidence, KG.subjectText, KG.objectText,
    KG.document, KG.rule, KG.confidence, KG.verb,
)


def _statement(fields: dict[URIRef, Node | None]) -> StatementInfo:
    def text(prop: URIRef) -> str:
        value = fields.get(prop)
        return str(value) if value is not None else ""

    confidence = fields.get(KG.confidence)
    return StatementInfo(
        factuality=local_name(text(KG.factuality)) or "asserted",
        evidence=text(KG.evidence),
        subject_text=text(KG.subjectText),
        object_text=text(KG.objectText),
        document=text(KG.document),
        rule=text(KG.rule),
        confidence=float(confidence.toPython()) if isinstance(confidence, Literal) else 1.0,
        verb=text(KG.verb),
    )


def centrality(network: nx.MultiDiGraph) -> dict[str, float]:
    """PageRank over the relations taken both ways (parallel edges count once), every node included.

    Undirected, because in news the object of a relation matters as much as its subject:
    directed PageRank would rank every role and place above the people who hold or visit them.
    """
    if network.number_of_nodes() == 0:
        return {}
    return dict(nx.pagerank(nx.Graph(network)))


def communities(network: nx.MultiDiGraph) -> dict[str, int]:
    """Louvain modularity communities (seeded, so repeatable), numbered from the largest."""
    undirected = nx.Graph(network)
    found = nx.community.louvain_communities(undirected, seed=0) if undirected.number_of_nodes() else []
    ordered = sorted(found, key=lambda members: (-len(members), min(members)))
    return {node: number for number, members in enumerate(ordered) for node in members}


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
