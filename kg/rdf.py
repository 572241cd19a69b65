"""Stage 6: the resolved corpus as an RDF graph under the kg ontology.

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
from decimal import Decimal
from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg.model import Corpus, Document, Entity, Relation
from kg.namespace import KG, KGR, PREFIXES


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


def to_graph(corpus: Corpus, graph: Graph | None = None) -> Graph:
    """Add the corpus's documents, entities and relations to ``graph`` (a new one by default)."""
    graph = graph if graph is not None else new_graph()
    for document in corpus.documents:
        add_document(graph, document)
    for entity in corpus.entities:
        add_entity(graph, entity)
    for relation in corpus.relations:
        add_relation(graph, relation)
    return graph


def add_document(graph: Graph, document: Document) -> None:
    node = document_iri(document.id)
    graph.add((node, RDF.type, KG.Document))
    if document.title:
        graph.add((node, KG.title, Literal(document.title)))
    if document.date:
        graph.add((node, KG.datePublished, Literal(document.date, datatype=XSD.date)))
    if document.source:
        graph.add((node, KG.source, Literal(document.source)))


def add_entity(graph: Graph, entity: Entity) -> None:
    node = entity_iri(entity.key)
    graph.add((node, RDF.type, KG[entity.cls]))
    graph.add((node, RDFS.label, Literal(entity.name)))
    for alias in entity.aliases:
        graph.add((node, SKOS.altLabel, Literal(alias)))
    for document_id in entity.documents:
        graph.add((node, KG.mentionedIn, document_iri(document_id)))
    graph.add((node, KG.mentionCount, Literal(entity.mention_count)))


def add_relation(graph: Graph, relation: Relation) -> None:
    subject, predicate, obj = entity_iri(relation.subject), KG[relation.predicate], entity_iri(relation.object)
    if relation.factuality != "negated":
        graph.add((subject, predicate, obj))
    node = statement_iri(relation)
    sentence = relation.sentence
    for p, o in (
        (RDF.type, KG.Statement),
        (RDF.subject, subject),
        (RDF.predicate, predicate),
        (RDF.object, obj),
        (KG.document, document_iri(relation.document)),
        (KG.evidence, Literal(sentence.text)),
        (KG.startOffset, Literal(sentence.start)),
        (KG.endOffset, Literal(sentence.end)),
        (KG.subjectText, Literal(relation.subject_text)),
        (KG.objectText, Literal(relation.object_text)),
        (KG.verb, Literal(relation.verb)),
        (KG.rule, Literal(relation.rule)),
        (KG.confidence, Literal(Decimal(str(relation.confidence)), datatype=XSD.decimal)),
        (KG.factuality, KG[relation.factuality]),
    ):
        graph.add((node, p, o))
    if relation.time:
        graph.add((node, KG.time, Literal(relation.time)))
