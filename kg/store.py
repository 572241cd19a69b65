"""A persistent store for graphs too big to reload from Turtle each time.

``kg build --store DIR`` keeps the graph in an Oxigraph database (RocksDB on disk) through
rdflib's Store API (the ``oxrdflib`` plugin): each document's triples in a named graph of its
own, so ``--append`` replaces a re-read document instead of duplicating it. ``kg query`` and
``kg serve`` read the folder directly with pyoxigraph, whose SPARQL engine answers in
milliseconds where rdflib's in-memory store takes seconds (see ``bench/store_bench.py``).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import GraphError
from kg.model import Corpus
from kg.namespace import PREFIXES
from kg.rdf import document_iri, per_document


def is_store(path: str | Path) -> bool:
    """True for a folder holding an Oxigraph store (what ``kg build --store`` makes)."""
    path = Path(path)
    return path.is_dir() and (path / "CURRENT").is_file()


def open_store(path: str | Path, *, create: bool = False) -> Dataset:
    """The store as an rdflib Dataset, for writing. Close it when done."""
    path = Path(path)
    if not create and not is_store(path):
        raise GraphError(f"{path}: no kg store here; make one with `kg build ... --store {path}`")
    if path.exists() and not path.is_dir():
        raise GraphError(f"{path}: is a file, not a store folder")
    dataset = Dataset(store="Oxigraph")
    try:
        dataset.open(str(path), create=not is_store(path))
    except (OSError, ValueError) as error:
        raise GraphError(f"{path}: cannot open the store ({error}); is another kg using it?") from error
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, replace=True)
    return dataset


def write_corpus(dataset: Dataset, corpus: Corpus, *, replace_all: bool) -> None:
    """Write the corpus's documents into the store as one SPARQL update, so a build that is
    killed halfway leaves the store exactly as it was (Oxigraph applies an update in one
    transaction). Each document's named graph is dropped and written anew; with
    ``replace_all`` every graph is dropped first."""
    documents = per_document(corpus)
    parts = ["DROP ALL ;"] if replace_all else [f"DROP SILENT GRAPH {document_iri(d).n3()} ;" for d in documents]
    parts.append("INSERT DATA {")
    for document_id, triples in documents.items():
        parts.append(f"GRAPH {document_iri(document_id).n3()} {{")
        parts.extend(f"{nt(s)} {nt(p)} {nt(o)} ." for s, p, o in triples)
        parts.append("}")
    parts.append("}")
    dataset.update("\n".join(parts))


def nt(term: Node) -> str:
    """A term in N-Triples syntax (also valid SPARQL), escaped by Oxigraph itself."""
    return str(to_oxigraph(term))


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as the pyoxigraph term it stands for."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise GraphError(f"cannot write {term!r} to a store")


def read_store(path: str | Path) -> ox.Store:
    """The store opened read-only with pyoxigraph, for queries."""
    if not is_store(path):
        raise GraphError(f"{path}: no kg store here; make one with `kg build ... --store {path}`")
    try:
        return ox.Store.read_only(str(path))
    except OSError as error:
        raise GraphError(f"{path}: cannot read the store ({error})") from error


def store_graph(path: str | Path) -> Graph:
    """Everything in a store as one in-memory rdflib graph (the union of its named graphs)."""
    store = read_store(path)
    graph = Graph()
    for quad in store:
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def to_rdflib(term: object) -> Node:
    """A pyoxigraph term as the rdflib term it stands for."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise GraphError(f"cannot convert {term!r} to an rdflib term")
