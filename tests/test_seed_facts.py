"""The facts of ../shared/eval/seed-facts.md, checked with SPARQL on the seeds graph as written to disk:
with the rules alone and with the news model kg uses by default."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from kg.options import NEWS_MODEL, SPACY_MODEL
from kg.pipeline import build
from kg.sparql.query import query

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module", params=["rules", "news model"])
def seeds_graph(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Graph:
    """The seeds graph, built with the rules alone or with the default news model, read back from disk."""
    model = SPACY_MODEL if request.param == "rules" else NEWS_MODEL
    result = build([SEEDS], out_dir=tmp_path_factory.mktemp("seeds"), model=model, html=False)
    return Graph().parse(result.written[0], format="turtle")


def ask(graph: Graph, sparql: str) -> bool:
    result = query(graph, sparql)
    assert result.boolean is not None
    return result.boolean


def count(graph: Graph, sparql: str) -> int:
    [[value]] = query(graph, sparql).rows
    return int(value)  # type: ignore[call-overload]


def test_blinken_is_one_person_node_with_all_his_names(seeds_graph: Graph) -> None:
    assert ask(seeds_graph, """ASK { ?b a kg:Person ; rdfs:label "Antony Blinken" ;
                                      skos:altLabel "Blinken", "US Secretary of State Antony Blinken" }""")
    assert count(seeds_graph, """SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
        { ?e rdfs:label ?l } UNION { ?e skos:altLabel ?l } FILTER(?l IN ("Blinken", "Antony Blinken"))
        FILTER NOT EXISTS { ?e a kg:Statement } }""") == 1


def test_blinken_holds_the_role_us_secretary_of_state(seeds_graph: Graph) -> None:
    # the office is the role's label, the title as written one of its names
    assert ask(seeds_graph, """ASK { ?b rdfs:label "Antony Blinken" ; kg:holdsRole ?r . ?r a kg:Role ;
                                      rdfs:label "Secretary of State" ; skos:altLabel "US Secretary of State" }""")
    assert not ask(seeds_graph, 'ASK { ?o a kg:Organization ; rdfs:label "State" }')


def test_netanyahu_is_one_person_and_not_his_government(seeds_graph: Graph) -> None:
    assert ask(seeds_graph, 'ASK { ?n a kg:Person ; rdfs:label "Benjamin Netanyahu" ; skos:altLabel "Netanyahu" }')
    assert count(seeds_graph, """SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
        ?e kg:mentionedIn ?document .  # entities, not the events named after them
        { ?e rdfs:label ?l } UNION { ?e skos:altLabel ?l } FILTER(CONTAINS(?l, "Netanyahu")) }""") == 1
    assert not ask(seeds_graph, """ASK { ?s kg:evidence ?e ; rdf:object ?n .
        ?n rdfs:label "Benjamin Netanyahu" . FILTER(CONTAINS(?e, "Netanyahu’s government")) }""")


def test_blinken_meets_netanyahu_planned_with_evidence(seeds_graph: Graph) -> None:
    assert ask(seeds_graph, """ASK { ?b rdfs:label "Antony Blinken" . ?n rdfs:label "Benjamin Netanyahu" .
        ?b kg:meets ?n .
        ?s rdf:subject ?b ; rdf:predicate kg:meets ; rdf:object ?n ; kg:factuality kg:planned ; kg:evidence ?e .
        FILTER(STRSTARTS(?e, "Blinken will meet with Netanyahu")) }""")


def test_blinken_visits_israel_planned(seeds_graph: Graph) -> None:
    assert ask(seeds_graph, """ASK { ?b rdfs:label "Antony Blinken" . ?i rdfs:label "Israel" . ?b kg:visits ?i .
        ?s rdf:subject ?b ; rdf:predicate kg:visits ; rdf:object ?i ; kg:factuality kg:planned ; kg:evidence ?e .
        FILTER(CONTAINS(?e, "plans to visit Israel this Friday")) }""")


def test_john_kirby_is_the_white_house_spokesman(seeds_graph: Graph) -> None:
    assert ask(seeds_graph, """ASK { ?k a kg:Person ; rdfs:label "John Kirby" ; kg:holdsRole ?r ;
        kg:spokespersonFor ?w . ?r skos:altLabel "White House national security spokesman" .
        ?w a kg:Organization ; rdfs:label "White House" }""")


def test_places(seeds_graph: Graph) -> None:
    assert ask(seeds_graph, 'ASK { ?i a kg:Country ; rdfs:label "Israel" }')
    for name in ("Gaza Strip", "Gaza City"):
        assert ask(seeds_graph, f'ASK {{ ?p rdfs:label "{name}" ; a ?c . VALUES ?c {{ kg:Place kg:City }} }}')
    assert ask(seeds_graph, """ASK { ?c rdfs:label "Gaza City" . ?s rdfs:label "Gaza Strip" . ?c kg:locatedIn ?s }""")


def test_hamas_is_an_organisation(seeds_graph: Graph) -> None:
    assert ask(seeds_graph, 'ASK { ?h a kg:Organization ; rdfs:label "Hamas" }')
    assert ask(seeds_graph, """ASK { ?s rdf:object ?h ; kg:evidence ?e . ?h rdfs:label "Hamas" .
        FILTER(CONTAINS(?e, "face off with Hamas militants")) }""")


def test_every_entity_has_exactly_one_class_and_label(seeds_graph: Graph) -> None:
    assert not ask(seeds_graph, """ASK { ?e kg:mentionedIn ?d . ?e a ?c1, ?c2 . FILTER(?c1 != ?c2) }""")
    assert not ask(seeds_graph, """ASK { ?e kg:mentionedIn ?d . ?e rdfs:label ?l1, ?l2 . FILTER(?l1 != ?l2) }""")
