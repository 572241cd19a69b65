"""Stage 8: the resolved corpus as an RDF graph under the kg ontology.

Every relation is written twice: as a direct triple (``<Blinken> kg:meets <Netanyahu>``) so
plain SPARQL works, and as a :class:`kg:Statement` (RDF reification: ``rdf:subject``,
``rdf:predicate``, ``rdf:object``) that carries its provenance: document, evidence sentence,
character offsets, rule, confidence and factuality. Negated relations ("did not meet") get
the statement only: the graph never asserts what the text denies.

IRIs are minted from names, never counters, so the same entity, document or statement gets
the same IRI in every run.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV, SKOS
from rdflib.term import Node

from kg.data.gazetteer import geonames_link
from kg.errors import GraphError
from kg.model import Corpus, Document, Entity, Event, Factuality, Relation
from kg.namespace import GEONAMES, KG, KGR, PREFIXES


def new_graph() -> Graph:
    """An empty graph with kg's prefixes bound (and rdflib's defaults dropped)."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def slug(name: str) -> str:
    """A safe IRI path segment for a name: spaces become ``_``, anything else unusual is %-encoded.

    >>> slug("Antony Blinken"), slug("Zürich"), slug("AT&T / #1")
    ('Antony_Blinken', 'Z%C3%BCrich', 'AT%26T_%2F_%231')
    """
    normal = unicodedata.normalize("NFC", " ".join(name.split()))
    return quote(normal.replace(" ", "_"), safe="_.~-") or "_"


def entity_iri(key: str) -> URIRef:
    """``person/Antony Blinken`` -> ``kgr:person/Antony_Blinken``."""
    family, _, name = key.partition("/")
    return KGR[f"{family}/{slug(name)}"]


def document_iri(document_id: str) -> URIRef:
    return KGR[f"document/{slug(document_id)}"]


def statement_iri(relation: Relation) -> URIRef:
    """A statement's IRI hashes what makes it unique, so a rebuild mints the same one."""
    identity = "\x1f".join(
        (relation.document, str(relation.sentence.start), relation.subject, relation.predicate,
         relation.object, relation.verb)
    )
    return KGR[f"statement/{hashlib.sha256(identity.encode('utf-8')).hexdigest()[:20]}"]


Triple = tuple[Node, Node, Node]


def to_graph(corpus: Corpus, graph: Graph | None = None) -> Graph:
    """All of the corpus in one graph (the union of its documents' graphs)."""
    graph = graph if graph is not None else new_graph()
    for triples in per_document(corpus).values():
        for triple in triples:
            graph.add(triple)
    return graph


def to_dataset(corpus: Corpus, dataset: Dataset | None = None) -> Dataset:
    """The corpus with each document's triples in a named graph of its own, named by the
    document's IRI, so a document can be replaced without touching the others."""
    dataset = dataset if dataset is not None else new_dataset()
    for document_id, triples in per_document(corpus).items():
        graph = dataset.graph(document_iri(document_id))
        graph.remove((None, None, None))
        dataset.addN((s, p, o, graph) for s, p, o in triples)  # in one batch: a store writes it at once
    return dataset


def new_dataset() -> Dataset:
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, replace=True)
    return dataset


def per_document(corpus: Corpus) -> dict[str, Iterator[Triple]]:
    """Each document's triples: itself, the entities it names (with the names it uses for
    them), and its relations with their statements. Grouped in one pass over the corpus."""
    entities: dict[str, list[Entity]] = defaultdict(list)
    for entity in corpus.entities:
        for document_id in entity.documents:
            entities[document_id].append(entity)
    relations: dict[str, list[Relation]] = defaultdict(list)
    for relation in corpus.relations:
        relations[relation.document].append(relation)
    events_in: dict[str, list[Event]] = defaultdict(list)
    for event in corpus.events:
        events_in[event.relation.document].append(event)

    def triples(document: Document) -> Iterator[Triple]:
        yield from _document_triples(document)
        aliases = corpus.aliases.get(document.id, {})
        for entity in entities[document.id]:
            yield from _entity_triples(entity, document.id, aliases.get(entity.key, ()))
        for relation in relations[document.id]:
            yield from _relation_triples(relation)
        for event in events_in[document.id]:
            yield from _event_triples(event)

    return {document.id: triples(document) for document in corpus.documents}


def text(value: str) -> Literal:
    """A literal of document text, on one line.

    A line break inside a literal makes rdflib write a long (triple-quoted) string, and it
    writes those wrongly when they end with a quote; kg's evidence and titles are single lines
    anyway, so a stray break becomes a space (offsets stay right: one character for one). A
    sentence comes back for each of its statements: a short one is made once.
    """
    return _short_text(value) if len(value) <= CACHED_LITERAL else Literal(value.replace("\n", " "))


@lru_cache(maxsize=4096)
def _short_text(value: str) -> Literal:
    return Literal(value.replace("\n", " "))


def _document_triples(document: Document) -> Iterator[Triple]:
    node = document_iri(document.id)
    yield node, RDF.type, KG.Document
    yield node, KG.text, Literal(document.text)  # whole, line breaks and all: the offsets count its characters
    if document.title:
        yield node, KG.title, text(document.title)
    if document.date:
        yield node, KG.datePublished, Literal(document.date, datatype=XSD.date)
    if document.source:
        yield node, KG.source, text(document.source)


def _entity_triples(entity: Entity, document_id: str, aliases: tuple[str, ...]) -> Iterator[Triple]:
    node = entity_iri(entity.key)
    yield node, RDF.type, KG[entity.cls]
    yield node, RDFS.label, text(entity.name)
    for alias in aliases:
        yield node, SKOS.altLabel, text(alias)
    yield node, KG.mentionedIn, document_iri(document_id)
    yield from _place_links(node, entity)


def _place_links(node: URIRef, entity: Entity) -> Iterator[Triple]:
    """A country or city the shipped gazetteer knows by this name is the same as its GeoNames
    feature (``owl:sameAs <https://sws.geonames.org/ID/>``); a country also gets its ISO code.
    Known offline, so the same names give the same links in every run."""
    link = geonames_link(entity.name, entity.cls)
    if link is None:
        return
    yield node, OWL.sameAs, GEONAMES[f"{link.geonames}/"]
    if link.iso:
        yield node, KG.isoCode, Literal(link.iso)


def _relation_triples(relation: Relation) -> Iterator[Triple]:
    subject, predicate, obj = entity_iri(relation.subject), KG[relation.predicate], entity_iri(relation.object)
    if relation.factuality != Factuality.NEGATED:
        yield subject, predicate, obj
    node = statement_iri(relation)
    sentence = relation.sentence
    yield from (
        (node, RDF.type, KG.Statement),
        (node, RDF.subject, subject),
        (node, RDF.predicate, predicate),
        (node, RDF.object, obj),
        (node, KG.document, document_iri(relation.document)),
        (node, KG.evidence, text(sentence.text)),
        (node, KG.startOffset, Literal(sentence.start)),
        (node, KG.endOffset, Literal(sentence.end)),
        (node, KG.subjectText, text(relation.subject_text)),
        (node, KG.objectText, text(relation.object_text)),
        (node, KG.verb, text(relation.verb)),
        (node, KG.rule, Literal(relation.rule)),
        (node, KG.confidence, Literal(Decimal(str(relation.confidence)), datatype=XSD.decimal)),
        (node, KG.factuality, KG[relation.factuality]),
    )
    if relation.time:
        yield node, KG.time, text(relation.time)


def event_iri(relation: Relation) -> URIRef:
    """An event's IRI shares its statement's hash: one event per statement, the same in every run."""
    return KGR[f"event/{statement_iri(relation).rsplit('/', 1)[-1]}"]


def _event_triples(event: Event) -> Iterator[Triple]:
    node, relation = event_iri(event.relation), event.relation
    yield node, RDF.type, KG[event.cls]
    yield node, RDFS.label, text(event.label)
    yield node, KG.agent, entity_iri(event.agent)
    for participant in event.participants:
        yield node, KG.participant, entity_iri(participant)
    if event.place:
        yield node, KG.place, entity_iri(event.place)
    if relation.time:
        yield node, KG.time, text(relation.time)
    if event.date:
        yield node, KG.date, Literal(event.date, datatype=XSD.date)
    yield node, KG.factuality, KG[relation.factuality]
    yield node, KG.document, document_iri(relation.document)
    yield node, PROV.wasDerivedFrom, statement_iri(relation)


#: The named graph of corpus-level resolution's decisions (:mod:`kg.resolution.graphs`).
RESOLUTION_GRAPH_IRI = KGR["resolution"]
#: What kg says of an entity in each document that names it.
ENTITY_PROPERTIES = (RDF.type, RDFS.label, SKOS.altLabel, OWL.sameAs, KG.isoCode)


def split_by_document(graph: Graph) -> Dataset:
    """A union graph (such as a saved graph.ttl) back in named graphs, one per document.

    Each document gets its own node, its statements with their direct triples, and the
    entities it names. A triple no document accounts for goes to the default graph. The one
    thing the union cannot tell is which document gave an entity which alias, so every
    document naming an entity carries all its aliases. Resolution's decisions and the
    ``owl:sameAs`` of joined IRIs go back in their own graph (:mod:`kg.resolution.graphs`).
    """
    dataset = new_dataset()
    accounted: set[Triple] = set()

    def put(document: URIRef, triple: Triple) -> None:
        dataset.graph(document).add(triple)
        accounted.add(triple)

    for document in sorted(graph.subjects(RDF.type, KG.Document), key=str):
        if not isinstance(document, URIRef):
            continue
        for p, o in graph.predicate_objects(document):
            put(document, (document, p, o))
        for entity in graph.subjects(KG.mentionedIn, document):
            put(document, (entity, KG.mentionedIn, document))
            for p in ENTITY_PROPERTIES:
                for o in graph.objects(entity, p):
                    put(document, (entity, p, o))
        for statement in graph.subjects(KG.document, document):
            for p, o in graph.predicate_objects(statement):
                put(document, (statement, p, o))
            direct = (graph.value(statement, RDF.subject), graph.value(statement, RDF.predicate),
                      graph.value(statement, RDF.object))
            denied = graph.value(statement, KG.factuality) == KG.negated
            if None not in direct and not denied and direct in graph:
                put(document, direct)  # type: ignore[arg-type]
    decisions = dataset.graph(RESOLUTION_GRAPH_IRI)
    for resolution in graph.subjects(RDF.type, KG.Resolution):
        for p, o in graph.predicate_objects(resolution):
            put(decisions.identifier, (resolution, p, o))  # type: ignore[arg-type]
    for old, kept in graph.subject_objects(OWL.sameAs):
        if str(old).startswith(str(KGR)) and str(kept).startswith(str(KGR)):
            put(decisions.identifier, (old, OWL.sameAs, kept))  # type: ignore[arg-type]
    default = dataset.default_context
    for triple in graph:
        if triple not in accounted:
            default.add(triple)
    return dataset


def union(dataset: Dataset) -> Graph:
    """All named graphs of a dataset as one graph, with kg's prefixes."""
    graph = new_graph()
    for subject, predicate, obj, _ in dataset.quads((None, None, None, None)):
        graph.add((subject, predicate, obj))
    return graph


def nt(term: Node) -> str:
    """A term in N-Triples syntax (also valid SPARQL), escaped by Oxigraph itself."""
    if isinstance(term, URIRef):
        return _iri_nt(str(term))
    if isinstance(term, Literal) and len(term) <= CACHED_LITERAL:
        return _literal_nt(term)
    return str(to_oxigraph(term))


#: The longest literal whose N-Triples are kept for reuse: a sentence, not a document's whole text.
CACHED_LITERAL = 2000


@lru_cache(maxsize=4096)
def _literal_nt(term: Literal) -> str:
    """A statement's sentence comes back for each statement of it, a label in each document: escape
    each literal once."""
    return str(to_oxigraph(term))


@lru_cache(maxsize=65536)
def _iri_nt(iri: str) -> str:
    """Classes, predicates and entities come back in every document: escape each once (kept by
    the plain string: a URIRef compares in Python, a str in C)."""
    return str(ox.NamedNode(iri))


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as the pyoxigraph term it stands for."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise GraphError(f"cannot write {term!r} to a store")
