"""The ontology file is the single source of truth; the Python namespace must mirror it."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg.model import EntityClass, Factuality
from kg.namespace import ENTITY_CLASSES, KG, ontology_path, relation_names
from kg.resolution.predicates import event_classes, lexicon


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    graph.parse(ontology_path(), format="turtle")
    return graph


def declared_terms(ontology: Graph) -> set[str]:
    namespace = str(KG._NS)
    return {
        str(term).removeprefix(namespace)
        for term in ontology.subjects(RDF.type, None)
        if isinstance(term, URIRef) and str(term).startswith(namespace)
    }


def test_namespace_and_ontology_declare_the_same_terms(ontology: Graph) -> None:
    assert declared_terms(ontology) == set(KG.__annotations__)


def test_a_typo_is_an_error() -> None:
    with pytest.raises(AttributeError):
        _ = KG.meet  # noqa: B018


def test_every_relation_is_documented_with_domain_and_range(ontology: Graph) -> None:
    relations = relation_names()
    assert {"meets", "visits", "holdsRole", "worksFor", "memberOf", "spokespersonFor", "locatedIn", "basedIn",
            "livesIn", "killed", "attacked", "says", "negotiatesWith", "supports", "opposes"} <= relations
    for name in relations:
        term = KG[name]
        assert (term, RDF.type, OWL.ObjectProperty) in ontology, name
        for annotation in (RDFS.label, RDFS.comment, RDFS.domain, RDFS.range):
            assert ontology.value(term, annotation) is not None, f"kg:{name} lacks {annotation}"


def test_lexicon_only_names_declared_relations() -> None:
    assert set(lexicon().values()) <= relation_names()
    assert set(event_classes()) <= relation_names()


def test_the_enums_are_the_ontology_terms(ontology: Graph) -> None:
    for cls in EntityClass:
        assert (KG[cls.value], RDF.type, OWL.Class) in ontology, cls
    for factuality in Factuality:
        assert (KG[factuality.value], RDF.type, KG.Factuality) in ontology, factuality
    for event_class in event_classes().values():
        assert (KG[event_class], RDFS.subClassOf, KG.Event) in ontology, event_class


def test_entity_classes_are_declared_classes(ontology: Graph) -> None:
    for name in ENTITY_CLASSES:
        assert (KG[name], RDF.type, OWL.Class) in ontology
        assert (KG[name], RDFS.subClassOf, None) in ontology
