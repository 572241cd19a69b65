"""Stages 2-6 for many documents: each document's graph, made on its own, in one process or several.

A document's graph depends on that document only: its mentions are resolved into entities
within the document, and IRIs are minted from names, so the same entity gets the same IRI in
every document, every process and every machine. That makes extraction a pure map over
documents: ``kg build --workers N`` spreads it over processes, ``kg extract`` writes it as
N-Quads that merge by concatenation, and :mod:`kg.distributed` runs it on a Dask cluster.

Workers send back N-Triples text, not rdflib objects: it is small to pickle and the parent
loads it into Oxigraph without building a Python object per triple.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from multiprocessing.pool import AsyncResult, Pool

from spacy.tokens import Doc

from kg.extract import analyse
from kg.model import Document
from kg.nlp import load_pipeline, parse
from kg.rdf import document_iri, nt, per_document
from kg.resolve import resolve

#: Documents per task sent to a worker, and per ``nlp.pipe`` batch.
BATCH_SIZE = 32


@dataclass(frozen=True)
class DocumentGraph:
    """One document's graph as N-Triples lines, with the counts a progress report needs."""

    document: Document
    ntriples: str
    entities: int
    relations: int
    tokens: int

    @property
    def graph_name(self) -> str:
        """The named graph the document's triples go in: its IRI, in N-Triples syntax."""
        return f"<{document_iri(self.document.id)}>"

    def nquads(self) -> str:
        """The triples as N-Quads lines in the document's named graph."""
        suffix = f" {self.graph_name} .\n"
        return "".join(line[:-2] + suffix for line in self.ntriples.splitlines() if line.endswith(" ."))


def document_graph(document: Document, doc: Doc) -> DocumentGraph:
    """The graph of one parsed document: mentions, relations, entities, then triples."""
    corpus = resolve([analyse(document, doc)])
    lines = [f"{nt(s)} {nt(p)} {nt(o)} .\n" for s, p, o in per_document(corpus)[document.id]]
    return DocumentGraph(document=document, ntriples="".join(lines), entities=len(corpus.entities),
                         relations=len(corpus.relations), tokens=len(doc))


def extract_batch(documents: list[Document], model: str | None = None) -> list[DocumentGraph]:
    """The graphs of a batch of documents, parsed together with ``nlp.pipe``."""
    nlp = load_pipeline(model)
    parsed = parse((document.text for document in documents), nlp, batch_size=BATCH_SIZE)
    return [document_graph(document, doc) for document, doc in zip(documents, parsed, strict=True)]


def extract_graphs(
    documents: Iterable[Document], *, model: str | None = None, workers: int = 1, batch_size: int = BATCH_SIZE
) -> Iterator[DocumentGraph]:
    """Each document's graph, in input order, over ``workers`` processes.

    Documents are read lazily and at most a few batches per worker are in flight, so memory
    does not grow with the input.
    """
    chunks = batches(documents, batch_size)
    if workers <= 1:
        for batch in chunks:
            yield from extract_batch(batch, model)
        return
    context = multiprocessing.get_context("spawn")  # a clean interpreter: no inherited threads or locks
    with context.Pool(workers, initializer=load_pipeline, initargs=(model,)) as pool:
        yield from _ordered(pool, chunks, model, window=2 * workers)


def _ordered(
    pool: Pool, batches: Iterator[list[Document]], model: str | None, *, window: int
) -> Iterator[DocumentGraph]:
    """Results in submission order with at most ``window`` batches outstanding.

    ``Pool.imap`` would read the whole input ahead; this keeps the reader a few batches in front.
    """
    pending: deque[AsyncResult[list[DocumentGraph]]] = deque()
    for batch in batches:
        pending.append(pool.apply_async(extract_batch, (batch, model)))
        if len(pending) >= window:
            yield from pending.popleft().get()
    while pending:
        yield from pending.popleft().get()


def batches(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    """Documents in lists of ``size`` (the last one shorter), read lazily."""
    iterator = iter(documents)
    while batch := list(islice(iterator, size)):
        yield batch
