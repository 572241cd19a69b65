"""Property tests: any name or sentence, in any script, gives valid IRIs and Turtle that parses back."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.graph.export import load_graph, serialize, write_atomic
from kg.graph.rdf import entity_iri, slug, to_dataset, to_graph
from kg.model import Corpus, Document, Entity, Relation, Sentence
from kg.read import clean_text

# Names and sentences from every Unicode category but surrogates: emoji, right-to-left text,
# combining marks, quotes, angle brackets, #, /, %, backslashes, control characters, newlines.
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=60)
NAMES = ANY_TEXT.filter(lambda name: name.strip() != "")
SPECIALS = st.sampled_from(['"', "'", "<", ">", "#", "/", "%", "\\", "\n", "\r", "\t", "🙂", "שלום", "\u200f",
                            "e\u0301", "{", "}", "^", "`", "|", " ", "\x00", "\x7f"])
# Text as it reaches the graph: what kg's reader keeps of any input (no control characters, NFC).
TRICKY = st.lists(st.one_of(SPECIALS, ANY_TEXT), min_size=1, max_size=6).map("".join).map(clean_text).filter(str.strip)

SAFE_IRI = re.compile(r"^https://w3id\.org/kg-news/id/[a-z]+/[A-Za-z0-9_.~%-]+$")
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def corpus_of(subject: str, obj: str, evidence: str, title: str) -> Corpus:
    documents = (Document(id="doc", text=evidence, title=title, source=f"{title}.txt"),)
    entities = (
        Entity(key=f"person/{subject}", name=subject, cls="Person", aliases=(evidence[:20],), documents=("doc",)),
        Entity(key=f"place/{obj}", name=obj, cls="Place", aliases=(), documents=("doc",)),
    )
    relation = Relation(subject=f"person/{subject}", predicate="visits", object=f"place/{obj}", verb="visit",
                        factuality="asserted", rule="svo", confidence=0.8, document="doc",
                        sentence=Sentence(start=0, end=len(evidence), text=evidence), subject_text=subject,
                        object_text=obj)
    return Corpus(documents=documents, entities=entities, relations=(relation,),
                  aliases={"doc": {f"person/{subject}": (evidence[:20],)}})


@PROPERTY_SETTINGS
@given(NAMES)
def test_any_name_gives_a_safe_stable_iri(name: str) -> None:
    iri = str(entity_iri(f"person/{name}"))
    assert SAFE_IRI.match(iri), iri
    assert entity_iri(f"person/{name}") == entity_iri(f"person/{name}")
    assert slug(name) == slug(" ".join(name.split()))  # spacing never changes the IRI


@PROPERTY_SETTINGS
@given(NAMES, TRICKY)
def test_distinct_names_get_distinct_iris(first: str, second: str) -> None:
    def spaced(name: str) -> str:
        return unicodedata.normalize("NFC", " ".join(name.split()))

    if spaced(first) != spaced(second):
        assert entity_iri(f"person/{first}") != entity_iri(f"person/{second}")


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(subject=TRICKY, obj=TRICKY, evidence=TRICKY, title=TRICKY)
def test_any_text_round_trips_through_every_format(subject: str, obj: str, evidence: str, title: str) -> None:
    corpus = corpus_of(subject, obj, evidence, title)
    graph = to_graph(corpus)
    for format_name in ("turtle", "nt", "json-ld", "xml"):
        parsed = Graph().parse(data=serialize(graph, format_name), format=format_name)
        assert isomorphic(parsed, graph), format_name
    dataset = to_dataset(corpus)
    from rdflib import Dataset

    reparsed = Dataset()
    reparsed.parse(data=serialize(dataset, "trig"), format="trig")
    assert len(list(reparsed.quads())) == len(list(dataset.quads()))


@settings(max_examples=25, deadline=None)
@given(evidence=TRICKY)
def test_files_written_and_read_back(tmp_path_factory, evidence: str) -> None:  # type: ignore[no-untyped-def]
    graph = to_graph(corpus_of("Antony Blinken", "Israel", evidence, "title"))
    path = tmp_path_factory.mktemp("roundtrip") / "graph.ttl"
    write_atomic(path, serialize(graph))
    assert isomorphic(load_graph(path), graph)
