from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph, Literal, Namespace, URIRef

from kg.namespace import KG, domain_and_range, local_name, relation_names
from kg.pipeline import build
from kg.sparql.validate import shapes_path, validate
from tests.test_golden import NEWS_FACTS

BLINKEN = URIRef("https://w3id.org/kg-news/id/person/Antony_Blinken")
NETANYAHU = URIRef("https://w3id.org/kg-news/id/person/Benjamin_Netanyahu")


@pytest.fixture
def graph(seeds_graph: Graph) -> Graph:
    copy = Graph()
    for triple in seeds_graph:
        copy.add(triple)
    return copy


def test_the_seeds_graph_is_valid(seeds_graph: Graph) -> None:
    assert validate(seeds_graph) == []


def test_two_classes_are_a_violation(graph: Graph) -> None:
    graph.add((BLINKEN, RDF.type, KG.Organization))
    [violation] = validate(graph)
    assert violation.focus == "kgr:person/Antony_Blinken" and violation.label == "Antony Blinken"
    assert violation.message == "an entity needs exactly one kg class"


def test_missing_evidence_and_factuality_are_violations(graph: Graph) -> None:
    statement = next(graph.subjects(RDF.type, KG.Statement))
    graph.remove((statement, KG.evidence, None))
    graph.remove((statement, KG.factuality, None))
    messages = {v.message for v in validate(graph)}
    assert messages == {"a statement needs its evidence sentence", "a statement needs one factuality value"}


def test_range_is_checked_through_the_class_hierarchy(graph: Graph) -> None:
    graph.add((BLINKEN, KG.visits, NETANYAHU))  # a person is not a place
    [violation] = validate(graph)
    assert violation.path == "kg:visits" and violation.shape == "visitsDomainRange"
    israel = URIRef("https://w3id.org/kg-news/id/place/Israel")
    graph.remove((BLINKEN, KG.visits, NETANYAHU))
    graph.add((israel, KG.meets, BLINKEN))  # a Country is an Agent: valid
    assert validate(graph) == []


def test_only_a_country_has_an_iso_code_and_links_out_by_iri(graph: Graph) -> None:
    israel = URIRef("https://w3id.org/kg-news/id/place/Israel")
    assert graph.value(israel, KG.isoCode) == Literal("IL")  # the seeds' Israel is linked, and valid
    graph.set((israel, KG.isoCode, Literal("il")))
    graph.add((BLINKEN, KG.isoCode, Literal("US")))
    graph.add((BLINKEN, OWL.sameAs, Literal("not an IRI")))
    violations = {(v.focus, v.shape) for v in validate(graph)}
    assert violations == {("kgr:place/Israel", "IsoCode"), ("kgr:person/Antony_Blinken", "IsoCode"),
                          ("kgr:person/Antony_Blinken", "Entity")}


def test_every_relation_has_a_domain_and_range_shape() -> None:
    shapes = Graph().parse(shapes_path())
    targeted = {str(o).rsplit("#", 1)[-1] for o in shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#targetSubjectsOf"))}
    assert relation_names() <= targeted


def test_each_shape_checks_the_domain_and_range_the_ontology_states() -> None:
    """The shapes are written by hand: one that drifts from the ontology would pass wrong graphs."""
    shacl = Namespace("http://www.w3.org/ns/shacl#")
    shapes = Graph().parse(shapes_path())
    checked = {}
    for shape, target in shapes.subject_objects(shacl.targetSubjectsOf):
        if local_name(target) not in relation_names():
            continue
        prop = shapes.value(shape, shacl.property)
        checked[local_name(target)] = (local_name(shapes.value(shape, shacl["class"])),
                                       local_name(shapes.value(prop, shacl["class"])))
    assert checked == {name: domain_and_range(name) for name in relation_names()}


@pytest.mark.skipif(not NEWS_FACTS.exists(), reason="../shared is not beside this checkout")
@pytest.mark.slow
def test_kg_s_graph_of_real_news_passes_its_own_shapes(tmp_path: Path) -> None:
    """Every rule keeps the ontology's domain and range: kg's graph of the 30 news-facts articles
    (Wikinews) conforms to kg's shapes."""
    result = build([NEWS_FACTS], out_dir=tmp_path, html=False)
    graph = Graph()
    graph.parse(result.written[0], format="turtle")
    assert validate(graph) == []
