"""Stage 9, on the graph: corpus-level resolution reads the nodes, applies the joins, records every decision.

:mod:`kg.resolution.corpus` decides on plain records; this module is where those records come
from (the documents' graphs collected in an Oxigraph store) and where the decisions go:

- a joined node's triples, in every graph that holds them, are rewritten onto the node it joins
  (its name becomes one of that node's ``skos:altLabel``; a relation of the node with itself is
  dropped, its statement kept as evidence);
- ``<old> owl:sameAs <kept>`` lets a query that knew the old IRI follow it (``--append`` may
  join nodes of earlier builds);
- each decision is a :data:`~kg.namespace.KG` ``Resolution`` node, with its rule, its reason, the
  nodes and the documents (``prov:used``); the names left apart as ambiguous too.

All of it goes in one named graph, :data:`RESOLUTION_GRAPH`, next to the documents' graphs.
Decisions to keep apart are remade on each build (they follow the corpus); joins are kept.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS
from rdflib.namespace import PROV, SKOS

from kg.graph.rdf import RESOLUTION_GRAPH_IRI
from kg.model import EntityRecord, Resolution
from kg.namespace import ENTITY_CLASSES, KG, KGR, relation_names
from kg.resolution.corpus import resolve_corpus
from kg.resolution.hand import NO_HAND, HandResolutions

#: The named graph that holds the decisions and the owl:sameAs links of joined IRIs.
RESOLUTION_GRAPH = ox.NamedNode(str(RESOLUTION_GRAPH_IRI))

_TYPE, _LABEL, _ALT = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(RDFS.label)), ox.NamedNode(str(SKOS.altLabel))
_MENTIONED_IN, _SAME_AS = ox.NamedNode(str(KG.mentionedIn)), ox.NamedNode(str(OWL.sameAs))
_CLASSES = {ox.NamedNode(str(KG[name])): name for name in ENTITY_CLASSES}
_KEPT_APART, _JOINED = ox.NamedNode(str(KG.keptApart)), ox.NamedNode(str(KG.joined))


def resolve_graphs(graphs: ox.Store, hand: HandResolutions = NO_HAND) -> set[ox.NamedNode | ox.DefaultGraph]:
    """Resolve the corpus held in ``graphs`` in place; returns the graphs that changed."""
    return apply_resolutions(graphs, resolve_corpus(entity_records(graphs), hand))


def entity_records(graphs: ox.Store) -> list[EntityRecord]:
    """Every entity node of every graph in the store, with its names, class and documents."""
    classes: dict[str, str] = {}
    for quad in graphs.quads_for_pattern(None, _TYPE, None, None):
        cls = _CLASSES.get(quad.object)  # type: ignore[arg-type]
        if cls is not None and isinstance(quad.subject, ox.NamedNode):  # of two, the least, as _class
            classes[quad.subject.value] = min(classes.get(quad.subject.value, cls), cls)
    names: dict[str, str] = {}
    aliases: dict[str, set[str]] = defaultdict(set)
    documents: dict[str, set[str]] = defaultdict(set)
    for predicate, target in ((_LABEL, None), (_ALT, aliases), (_MENTIONED_IN, documents)):
        for quad in graphs.quads_for_pattern(None, predicate, None, None):
            iri = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else None
            if iri not in classes:
                continue
            if target is None:
                names[iri] = min(names.get(iri, quad.object.value), quad.object.value)  # type: ignore[union-attr]
            else:
                target[iri].add(quad.object.value)  # type: ignore[union-attr]
    return [
        EntityRecord(iri=iri, cls=cls, name=names.get(iri, iri), aliases=frozenset(aliases[iri]),
                     documents=frozenset(documents[iri]))
        for iri, cls in sorted(classes.items())
    ]


def apply_resolutions(graphs: ox.Store, resolutions: Iterable[Resolution]) -> set[ox.NamedNode | ox.DefaultGraph]:
    """Rewrite joined nodes onto the nodes they join and record every decision in
    :data:`RESOLUTION_GRAPH`; returns the graphs that changed."""
    resolutions = list(resolutions)
    changed: set[ox.NamedNode | ox.DefaultGraph] = set()
    kept = {resolution.into for resolution in resolutions if resolution.into is not None}
    names = {iri: _label(graphs, iri) for iri in kept}
    classes = {iri: _class(graphs, iri) for iri in kept}
    relation_iris = {ox.NamedNode(str(KG[name])) for name in relation_names()}
    for resolution in resolutions:
        if resolution.into is None:
            continue
        old, new = ox.NamedNode(resolution.entity), ox.NamedNode(resolution.into)
        quads = [quad for quad in (*graphs.quads_for_pattern(old, None, None, None),
                                   *graphs.quads_for_pattern(None, None, old, None)) if not _names_an_old_iri(quad)]
        for quad in quads:
            graphs.remove(quad)
        for quad in quads:
            changed.add(quad.graph_name)  # type: ignore[arg-type]
            graphs.extend(_rewritten(quad, old, new, names[resolution.into], classes[resolution.into],
                                     relation_iris))
    _drop_kept_apart(graphs)
    graphs.extend(quad for resolution in resolutions for quad in resolution_quads(resolution))
    changed.add(RESOLUTION_GRAPH)
    return changed


def _names_an_old_iri(quad: ox.Quad) -> bool:
    """A record of an earlier join, which names the old IRI on purpose (``<old> owl:sameAs``,
    ``kg:joined <old>``): an append whose story names "Blinken" alone again must leave it be."""
    return quad.graph_name == RESOLUTION_GRAPH and (quad.predicate == _SAME_AS or quad.predicate == _JOINED)


def _label(graphs: ox.Store, iri: str) -> ox.Literal | None:
    """The node's name, the same whichever document's graph came first (the least, if they differ)."""
    labels = [quad.object for quad in graphs.quads_for_pattern(ox.NamedNode(iri), _LABEL, None, None)
              if isinstance(quad.object, ox.Literal)]
    return min(labels, key=lambda label: label.value) if labels else None


def _rewritten(quad: ox.Quad, old: ox.NamedNode, new: ox.NamedNode, name: ox.Literal | None,
               cls: ox.NamedNode | None, relation_iris: set[ox.NamedNode]) -> Iterator[ox.Quad]:
    """The quad with ``old`` made ``new``: its name an other name of ``new``'s, its class left to
    ``new``'s own triples; nothing for a relation of ``new`` with itself."""
    subject = new if quad.subject == old else quad.subject
    obj = new if quad.object == old else quad.object
    predicate, graph = quad.predicate, quad.graph_name
    if subject == new and predicate == _TYPE and obj in _CLASSES:
        if cls is not None:
            yield ox.Quad(new, _TYPE, cls, graph)  # the kept node's class stands
        return
    if predicate in relation_iris and subject == obj:
        return
    if subject == new and predicate == _LABEL:
        if name is not None:
            yield ox.Quad(new, _LABEL, name, graph)
            if obj != name:
                yield ox.Quad(new, _ALT, obj, graph)
        return
    yield ox.Quad(subject, predicate, obj, graph)


def _class(graphs: ox.Store, iri: str) -> ox.NamedNode | None:
    """The node's class, the same whichever document's graph came first (the least, if it has two)."""
    found = [quad.object for quad in graphs.quads_for_pattern(ox.NamedNode(iri), _TYPE, None, None)
             if quad.object in _CLASSES]
    return min(found, key=lambda cls: _CLASSES[cls]) if found else None  # type: ignore[index,return-value]


def _drop_kept_apart(graphs: ox.Store) -> None:
    """Forget the last build's decisions to keep names apart: this build remakes them."""
    for quad in list(graphs.quads_for_pattern(None, _KEPT_APART, None, RESOLUTION_GRAPH)):
        for about in list(graphs.quads_for_pattern(quad.subject, None, None, RESOLUTION_GRAPH)):
            graphs.remove(about)


def resolution_iri(resolution: Resolution) -> ox.NamedNode:
    """A decision's IRI hashes the nodes it is about, so a rebuild mints the same one."""
    identity = "\x1f".join((resolution.rule, resolution.entity, resolution.into or "", *resolution.candidates))
    return ox.NamedNode(str(KGR[f"resolution/{hashlib.sha256(identity.encode('utf-8')).hexdigest()[:20]}"]))


def resolution_quads(resolution: Resolution) -> Iterator[ox.Quad]:
    """A decision as quads of :data:`RESOLUTION_GRAPH`."""
    node, graph = resolution_iri(resolution), RESOLUTION_GRAPH
    entity = ox.NamedNode(resolution.entity)
    yield ox.Quad(node, _TYPE, ox.NamedNode(str(KG.Resolution)), graph)
    yield ox.Quad(node, ox.NamedNode(str(KG.resolutionRule)), ox.Literal(resolution.rule), graph)
    yield ox.Quad(node, ox.NamedNode(str(KG.reason)), ox.Literal(resolution.reason), graph)
    if resolution.into is not None:
        into = ox.NamedNode(resolution.into)
        yield ox.Quad(node, _JOINED, entity, graph)
        yield ox.Quad(node, ox.NamedNode(str(KG.into)), into, graph)
        yield ox.Quad(entity, _SAME_AS, into, graph)
    else:
        yield ox.Quad(node, _KEPT_APART, entity, graph)
        for candidate in resolution.candidates:
            yield ox.Quad(node, ox.NamedNode(str(KG.candidate)), ox.NamedNode(candidate), graph)
    for document in resolution.documents:
        yield ox.Quad(node, ox.NamedNode(str(PROV.used)), ox.NamedNode(document), graph)

