from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.data.gazetteer import geonames_link
from kg.graph.rdf import entity_iri, new_graph, slug, statement_iri, to_graph
from kg.model import Corpus, Document, Entity, EntityClass
from kg.namespace import GEONAMES, KG
from kg.pipeline import build
from kg.sparql.query import query


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Antony Blinken", "Antony_Blinken"),
        ("Zürich", "Z%C3%BCrich"),
        ('A "b" <c>#d/e%', "A_%22b%22_%3Cc%3E%23d%2Fe%25"),
        ("  spaced   out ", "spaced_out"),
    ],
)
def test_slug_is_safe_and_stable(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_entity_iris_depend_on_kind_and_name_only() -> None:
    assert entity_iri("person/Antony Blinken") == entity_iri("person/Antony Blinken")
    assert entity_iri("person/Washington") != entity_iri("place/Washington")
    assert str(entity_iri("person/Antony Blinken")).endswith("/id/person/Antony_Blinken")


def test_each_relation_is_a_direct_triple_and_a_statement(resolve_texts: Callable[..., Corpus]) -> None:
    corpus = resolve_texts("Antony Blinken will meet with Benjamin Netanyahu in Jerusalem.")
    graph = to_graph(corpus)
    [relation] = [r for r in corpus.relations if r.predicate == "meets"]
    subject, obj = entity_iri(relation.subject), entity_iri(relation.object)
    assert (subject, KG.meets, obj) in graph
    statement = statement_iri(relation)
    assert (statement, RDF.type, KG.Statement) in graph
    assert graph.value(statement, RDF.subject) == subject
    assert graph.value(statement, RDF.predicate) == KG.meets
    assert graph.value(statement, RDF.object) == obj
    assert graph.value(statement, KG.factuality) == KG.planned
    evidence = "Antony Blinken will meet with Benjamin Netanyahu in Jerusalem."
    assert graph.value(statement, KG.evidence) == Literal(evidence)
    assert graph.value(statement, KG.startOffset) == Literal(0)
    assert graph.value(statement, KG.rule) == Literal("verb-prep")
    assert graph.value(statement, KG.document) is not None


def test_a_negated_relation_is_not_asserted(resolve_texts: Callable[..., Corpus]) -> None:
    graph = to_graph(resolve_texts("Obama did not meet Putin."))
    assert not list(graph.triples((None, KG.meets, None)))
    denied = set(graph.subjects(KG.factuality, KG.negated))
    statements = [node for node in denied if (node, RDF.type, KG.Statement) in graph]
    assert len(statements) == 1
    assert graph.value(statements[0], RDF.predicate) == KG.meets
    assert [graph.value(node, RDF.type) for node in denied - set(statements)] == [KG.Meeting]  # kept, denied


def test_same_corpus_same_graph(resolve_texts: Callable[..., Corpus]) -> None:
    first = to_graph(resolve_texts("Macron met Scholz in Berlin."))
    second = to_graph(resolve_texts("Macron met Scholz in Berlin."))
    assert isomorphic(first, second)
    assert first.serialize(format="turtle") == second.serialize(format="turtle")
    assert len(first) > 10


def test_places_the_gazetteer_knows_link_to_geonames() -> None:
    """A country gets owl:sameAs its GeoNames IRI and its ISO code, a city named after one town the
    link alone; a city whose name GeoNames gives several towns, and a person, get neither."""
    document = Document(id="doc", text="Blinken flew from Paris to Kabul and on to France.")
    entities = tuple(
        Entity(key=f"{family}/{name}", name=name, cls=cls, aliases=(), documents=("doc",))
        for family, name, cls in [("place", "France", EntityClass.COUNTRY), ("place", "Kabul", EntityClass.CITY),
                                  ("place", "Paris", EntityClass.CITY), ("person", "Blinken", EntityClass.PERSON)]
    )
    graph = to_graph(Corpus(documents=(document,), entities=entities, relations=()))
    france, kabul = geonames_link("France", EntityClass.COUNTRY), geonames_link("Kabul", EntityClass.CITY)
    assert france is not None and kabul is not None
    expected = new_graph()
    for triple in [
        (entity_iri("place/France"), OWL.sameAs, URIRef(f"https://sws.geonames.org/{france.geonames}/")),
        (entity_iri("place/France"), KG.isoCode, Literal(france.iso)),
        (entity_iri("place/Kabul"), OWL.sameAs, URIRef(f"https://sws.geonames.org/{kabul.geonames}/")),
    ]:
        expected.add(triple)
    links = new_graph()
    for predicate in (OWL.sameAs, KG.isoCode):
        for link in graph.triples((None, predicate, None)):
            links.add(link)
    assert isomorphic(links, expected)
    assert str(graph.value(entity_iri("place/France"), KG.isoCode)) == "FR"


def test_a_built_graph_answers_where_its_places_are(tmp_path: Path) -> None:
    """Through the real pipeline and SPARQL, as a user asks: France is GeoNames' France, code FR."""
    article = tmp_path / "visit.txt"
    article.write_text("Antony Blinken visited France and met officials in Paris.", "utf-8")
    graph = build([article], out_dir=None).graph
    rows = query(graph, """
        SELECT ?geonames ?iso WHERE {
          ?france rdfs:label "France" ; a kg:Country ; owl:sameAs ?geonames ; kg:isoCode ?iso .
          FILTER(STRSTARTS(STR(?geonames), "https://sws.geonames.org/"))
        }""").rows
    france = geonames_link("France", EntityClass.COUNTRY)
    assert france is not None
    assert rows == ((GEONAMES[f"{france.geonames}/"], Literal("FR")),)
    assert not query(graph, "ASK { ?person a kg:Person ; owl:sameAs ?any }").boolean
    assert query(graph, 'ASK { ?paris rdfs:label "Paris" ; a kg:City }').boolean  # named, but also a town in Texas:
    assert not query(graph, 'ASK { ?paris rdfs:label "Paris" ; owl:sameAs ?any }').boolean  # no link


def test_a_documents_text_is_in_the_graph_and_the_offsets_count_its_characters(seeds_graph: Graph) -> None:
    texts = {document: str(text) for document, text in seeds_graph.subject_objects(KG.text)}
    assert len(texts) == len(set(seeds_graph.subjects(RDF.type, KG.Document))) > 1
    statements = list(seeds_graph.subjects(RDF.type, KG.Statement))
    for statement in statements:
        text = texts[seeds_graph.value(statement, KG.document)]
        start, end = int(seeds_graph.value(statement, KG.startOffset)), int(seeds_graph.value(statement, KG.endOffset))
        assert text[start:end].replace("\n", " ").strip() == str(seeds_graph.value(statement, KG.evidence)).strip()
