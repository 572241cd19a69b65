"""The kg vocabulary as Python names, mirroring ``ontology/kg.ttl``.

``KG`` is a closed :class:`rdflib.namespace.DefinedNamespace`: a misspelt term raises
``AttributeError`` instead of silently minting a new IRI. ``tests/test_namespace.py`` checks
that this list and the ontology file declare exactly the same terms.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDFS, DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/kg-news/ontology"
RESOURCE_BASE = "https://w3id.org/kg-news/id/"


def ontology_path() -> Path:
    """The ontology file, in the source tree or inside the installed package."""
    return Path(__file__).resolve().parent / "ontology" / "kg.ttl"


class KG(DefinedNamespace):
    """Classes, relations and provenance properties of the kg ontology."""

    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True

    # classes
    Entity: URIRef
    Agent: URIRef
    Person: URIRef
    Organization: URIRef
    Group: URIRef
    Place: URIRef
    Country: URIRef
    City: URIRef
    Event: URIRef
    Meeting: URIRef
    Visit: URIRef
    Attack: URIRef
    Announcement: URIRef
    Acquisition: URIRef
    Lawsuit: URIRef
    Arrest: URIRef
    Election: URIRef
    Departure: URIRef
    Role: URIRef
    Document: URIRef
    Statement: URIRef
    Factuality: URIRef
    Resolution: URIRef
    # factuality values
    asserted: URIRef
    planned: URIRef
    negated: URIRef
    reported: URIRef
    hypothetical: URIRef
    # relations between entities
    relatedTo: URIRef
    meets: URIRef
    negotiatesWith: URIRef
    visits: URIRef
    holdsRole: URIRef
    worksFor: URIRef
    spokespersonFor: URIRef
    leads: URIRef
    memberOf: URIRef
    locatedIn: URIRef
    basedIn: URIRef
    livesIn: URIRef
    killed: URIRef
    attacked: URIRef
    says: URIRef
    supports: URIRef
    opposes: URIRef
    citizenOf: URIRef
    familyOf: URIRef
    owns: URIRef
    partOf: URIRef
    founded: URIRef
    injured: URIRef
    acquired: URIRef
    left: URIRef
    electedTo: URIRef
    sued: URIRef
    accused: URIRef
    arrested: URIRef
    # entities and documents
    mentionedIn: URIRef
    title: URIRef
    text: URIRef
    datePublished: URIRef
    source: URIRef
    isoCode: URIRef
    # statements
    document: URIRef
    evidence: URIRef
    startOffset: URIRef
    endOffset: URIRef
    subjectText: URIRef
    objectText: URIRef
    verb: URIRef
    rule: URIRef
    confidence: URIRef
    factuality: URIRef
    time: URIRef
    # events
    agent: URIRef
    participant: URIRef
    place: URIRef
    date: URIRef
    # corpus-level resolution
    resolutionRule: URIRef
    reason: URIRef
    joined: URIRef
    into: URIRef
    keptApart: URIRef
    candidate: URIRef


KGR = Namespace(RESOURCE_BASE)

#: GeoNames' linked-data IRIs: ``GEONAMES["2988507/"]`` is Paris. kg links the countries and cities
#: of its shipped gazetteer here with ``owl:sameAs``; no prefix is bound, as a local name cannot
#: end with the "/" GeoNames' IRIs end with.
GEONAMES = Namespace("https://sws.geonames.org/")

#: The kinds of resource kg mints IRIs for, each under ``KGR/<kind>/``.
RESOURCE_KINDS = ("person", "organization", "group", "place", "event", "role", "statement", "document", "resolution")

#: Prefixes declared in every graph kg writes and every query it runs.
PREFIXES: dict[str, str] = {
    "kg": str(KG._NS),
    "kgr": RESOURCE_BASE,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
}

#: The entity classes kg assigns, by their local name.
ENTITY_CLASSES = (
    "Person", "Organization", "Group", "Place", "Country", "City", "Event", "Role",
)


def local_name(iri: str) -> str:
    """The last segment of an IRI, after ``#`` or ``/``."""
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1] or iri


# ---------------------------------------------------------------- what the ontology says of its terms

@lru_cache(maxsize=1)
def _ontology() -> Graph:
    graph = Graph()
    graph.parse(ontology_path(), format="turtle")
    return graph


@cache
def superclasses(cls: str) -> frozenset[str]:
    """The class and every class it is a subclass of, by local name, as the ontology declares."""
    graph = _ontology()
    found = {str(c).removeprefix(str(KG._NS)) for c in graph.transitive_objects(KG[cls], RDFS.subClassOf)}
    return frozenset(found)


@cache
def _domain_range(relation: str) -> tuple[str, str]:
    graph = _ontology()
    domain = graph.value(KG[relation], RDFS.domain)
    range_ = graph.value(KG[relation], RDFS.range)
    if not isinstance(domain, URIRef) or not isinstance(range_, URIRef):
        raise ValueError(f"ontology declares no domain or range for kg:{relation}")
    return str(domain).removeprefix(str(KG._NS)), str(range_).removeprefix(str(KG._NS))


def domain_and_range(relation: str) -> tuple[str, str]:
    """The classes a relation's subject and object must have, as the ontology declares them.

    >>> domain_and_range("visits")
    ('Agent', 'Place')
    """
    return _domain_range(relation)


def fits(relation: str, subject_cls: str, object_cls: str) -> bool:
    """True when the classes satisfy the relation's domain and range."""
    domain, range_ = _domain_range(relation)
    return domain in superclasses(subject_cls) and range_ in superclasses(object_cls)


@lru_cache(maxsize=1)
def relation_names() -> frozenset[str]:
    """kg:relatedTo and every property the ontology declares beneath it, by local name."""
    graph = _ontology()
    return frozenset(
        str(p).removeprefix(str(KG._NS)) for p in graph.transitive_subjects(RDFS.subPropertyOf, KG.relatedTo)
    )
