"""kg's JSON-LD: the RDF graph itself, triple for triple, compacted with an ``@context`` of kg's terms,
so it reads as plain JSON and parses back to the same triples; byte-identical for the same graph.

Its own module because both ``kg build --format jsonld`` (:mod:`kg.graph.export`) and
``kg export --to jsonld`` (:mod:`kg.graph.interchange`) write it, and one writer means one file.
"""

from __future__ import annotations

import json
from typing import Any

from rdflib import OWL, RDF, RDFS, XSD, Graph, URIRef

from kg.namespace import KG, PREFIXES, local_name, ontology_path


def compact_jsonld(rdf: Graph) -> bytes:
    """The RDF graph as compact JSON-LD: short keys (``label``, ``worksFor``, ``@type: Person``) from
    an ``@context`` of kg's terms (:func:`jsonld_context`), so it reads as plain JSON and parses back
    to the same triples. Nodes ordered by ``@id`` and values sorted, byte-identical for the same graph.
    """
    data = rdf.serialize(format="json-ld", context=jsonld_context(), auto_compact=True, encoding="utf-8")
    document = _sorted_json(json.loads(data))
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"


def _sorted_json(value: Any, key: str = "") -> Any:
    """JSON-LD with every array of values in a fixed order: they are sets (``@list`` excepted),
    which rdflib writes in the order its store gives."""
    if isinstance(value, dict):
        return {name: _sorted_json(item, name) for name, item in value.items()}
    if isinstance(value, list):
        items = [_sorted_json(item) for item in value]
        return items if key == "@list" else sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return value


def jsonld_context() -> dict[str, Any]:
    """The ``@context`` of kg's JSON-LD: kg's prefixes, a term per class and property of the
    ontology, each mapped to its kg IRI (``"Person": "kg:Person"``), with ``@id`` values for object
    properties and the ontology's datatype for typed ones; and ``label``, ``altLabel``,
    ``subject``/``predicate``/``object`` and ``wasDerivedFrom`` for the RDFS, SKOS, RDF and PROV
    terms kg uses. Terms stay kg's own: the ontology, not the context, says kg:Person is a schema:Person.

    >>> jsonld_context()["worksFor"]
    {'@id': 'kg:worksFor', '@type': '@id'}
    """
    ontology = Graph().parse(ontology_path(), format="turtle")
    namespace = str(KG._NS)

    def kg_terms(kind: URIRef) -> list[tuple[str, URIRef]]:
        return sorted((str(term).removeprefix(namespace), term) for term in ontology.subjects(RDF.type, kind)
                      if isinstance(term, URIRef) and str(term).startswith(namespace))

    context: dict[str, Any] = dict(sorted(PREFIXES.items()))
    context.update({name: f"kg:{name}" for name, _ in kg_terms(OWL.Class)})
    context.update({name: {"@id": f"kg:{name}", "@type": "@id"} for name, _ in kg_terms(OWL.ObjectProperty)})
    for name, term in kg_terms(OWL.DatatypeProperty):
        datatype = ontology.value(term, RDFS.range)
        plain = datatype is None or datatype == XSD.string
        context[name] = f"kg:{name}" if plain else {"@id": f"kg:{name}", "@type": f"xsd:{local_name(str(datatype))}"}
    context.update({
        "label": "rdfs:label", "altLabel": "skos:altLabel",
        "subject": {"@id": "rdf:subject", "@type": "@id"}, "predicate": {"@id": "rdf:predicate", "@type": "@id"},
        "object": {"@id": "rdf:object", "@type": "@id"},
        "wasDerivedFrom": {"@id": "prov:wasDerivedFrom", "@type": "@id"},
    })
    return context
