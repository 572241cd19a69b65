"""Per-document extraction: a pure map, the same in one process or two, and lazy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.graph.rdf import document_iri
from kg.model import Document
from kg.nlp import load_pipeline
from kg.read import read_documents, text_document
from kg.workers import BATCH_SIZE, document_graph, extract_graphs

TEXT = "Blinken will meet with Netanyahu in Jerusalem. John Kirby is a spokesman for the White House."


def test_a_documents_graph_depends_on_that_document_only() -> None:
    nlp = load_pipeline()
    document = text_document(TEXT, doc_id="one")
    alone = document_graph(document, nlp(TEXT))
    other = text_document("Antony Blinken flew to Tel Aviv.", doc_id="two")
    together = [document_graph(d, nlp(d.text)) for d in (other, document)]
    assert together[1].ntriples == alone.ntriples
    assert alone.entities >= 3 and alone.relations >= 2 and alone.tokens == len(nlp(TEXT))


def test_nquads_put_every_triple_in_the_documents_named_graph() -> None:
    document = text_document(TEXT, doc_id="one")
    found = document_graph(document, load_pipeline()(TEXT))
    dataset = Dataset()
    dataset.parse(data=found.nquads(), format="nquads")
    names = {str(graph.identifier) for graph in dataset.graphs() if len(graph)}
    assert names == {str(document_iri("one"))}
    triples = Graph().parse(data=found.ntriples, format="nt")
    assert isomorphic(dataset.graph(document_iri("one")), triples)


def test_two_workers_give_what_one_gives(paragraphs_jsonl: Path) -> None:
    documents = list(read_documents([paragraphs_jsonl]))[:12]
    one = list(extract_graphs(documents, workers=1, batch_size=4))
    two = list(extract_graphs(documents, workers=2, batch_size=4))
    assert [found.document.id for found in two] == [d.id for d in documents]  # input order kept
    assert [found.ntriples for found in two] == [found.ntriples for found in one]


def test_documents_are_read_lazily() -> None:
    """The input is read a batch at a time, so memory does not grow with the corpus."""
    read = 0

    def endless() -> Iterator[Document]:
        nonlocal read
        while True:
            read += 1
            yield text_document(f"Document {read} names Angela Merkel.", doc_id=str(read))

    results = extract_graphs(endless(), workers=1, batch_size=BATCH_SIZE)
    first = next(results)
    assert first.document.id == "1" and read <= BATCH_SIZE + 1


def test_a_document_that_fails_is_reported_not_fatal(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import kg.workers

    real = kg.workers.document_graph

    def flaky(document: Document, doc):  # type: ignore[no-untyped-def]
        if document.id == "bad":
            raise ValueError("boom")
        return real(document, doc)

    monkeypatch.setattr(kg.workers, "document_graph", flaky)
    documents = [text_document(TEXT, doc_id="good"), text_document("Angela Merkel spoke.", doc_id="bad")]
    found = list(extract_graphs(documents, workers=1))
    assert found[0].error is None and found[0].ntriples
    assert found[1].error is not None and "boom" in found[1].error and found[1].ntriples == ""


def test_a_dead_worker_fails_the_run_instead_of_hanging() -> None:
    import multiprocessing
    import os
    import signal

    import pytest

    from kg.workers import WorkerError

    def documents() -> Iterator[Document]:
        for number in range(400):
            yield text_document(f"Document {number} names Angela Merkel.", doc_id=str(number))

    results = extract_graphs(documents(), workers=2, batch_size=1)
    next(results)
    for child in multiprocessing.active_children():
        os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
    with pytest.raises(WorkerError):
        list(results)
