"""The kg vocabulary as Python names, mirroring ``ontology/kg.ttl``.

``KG`` is a closed :class:`rdflib.namespace.DefinedNamespace`: a misspelt term raises
``AttributeError`` instead of silently minting a new IRI. ``tests/test_namespace.py`` checks
that this list and the ontology file declare exactly the same terms.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

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
    Role: URIRef
    Document: URIRef
    Statement: URIRef
    Factuality: URIRef
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
    # entities and documents
    mentionedIn: URIRef
    title: URIRef
    datePublished: URIRef
    source: URIRef
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


KGR = Namespace(RESOURCE_BASE)

#: The kinds of resource kg mints IRIs for, each under ``KGR/<kind>/``.
RESOURCE_KINDS = ("person", "organization", "group", "place", "event", "role", "statement", "document")

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
