"""A persistent store for graphs too big to reload from Turtle each time.

``kg build --store DIR`` keeps the graph in an Oxigraph database (RocksDB on disk) through
rdflib's Store API (the ``oxrdflib`` plugin): each document's triples in a named graph of its
own, so ``--append`` replaces a re-read document instead of duplicating it. ``kg query`` and
``kg serve`` read the folder directly with pyoxigraph, whose SPARQL engine answers in
milliseconds where rdflib's in-memory store takes seconds (see ``bench/store_bench.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from oxrdflib._converter import to_ox_quad_pattern
from oxrdflib.store import OxigraphStore
from rdflib import XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from kg.errors import GraphError
from kg.graph.rdf import to_oxigraph
from kg.namespace import PREFIXES


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


def write_documents(dataset: Dataset, graphs: ox.Store, *, replace_all: bool) -> None:
    """Write the named graphs of ``graphs`` (one per document) into the store as one SPARQL
    update, so a build that is killed halfway leaves the store exactly as it was (Oxigraph
    applies an update in one transaction). Each document's graph is dropped and written anew;
    with ``replace_all`` every graph in the store is dropped first."""
    names = sorted(graphs.named_graphs(), key=str)
    parts = ["DROP ALL ;"] if replace_all else [f"DROP SILENT GRAPH {name} ;" for name in names]
    parts.append("INSERT DATA {")
    for name in names:
        parts.append(f"GRAPH {name} {{")
        parts.append((graphs.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name) or b"").decode("utf-8"))
        parts.append("}")
    parts.append("}")
    dataset.update("\n".join(parts))


def in_memory() -> ox.Store:
    """An in-memory Oxigraph store: where a build collects its graph (far leaner and faster
    than rdflib's memory store at a million triples)."""
    return ox.Store()


def put_graph(graphs: ox.Store, ntriples: str, name: str | None = None) -> None:
    """Load N-Triples into the named graph ``name`` (an IRI in N-Triples syntax), replacing
    what it held, or with no name into the default graph."""
    target: ox.NamedNode | ox.DefaultGraph = ox.DefaultGraph()
    if name is not None:
        target = ox.NamedNode(name.strip("<>"))
        graphs.remove_graph(target)
    graphs.load(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=target)


def fill_union(graphs: ox.Store) -> None:
    """Add the named graphs' triples to the default graph (what graph.ttl and queries see),
    keeping the triples it holds already: those of an appended graph.ttl no document accounts for."""
    graphs.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")


def load_quads(graphs: ox.Store, source: ox.Store | Dataset) -> None:
    """Copy every quad of another store, or of an rdflib Dataset, into ``graphs``."""
    if isinstance(source, ox.Store):
        graphs.load(source.dump(format=ox.RdfFormat.N_QUADS) or b"", format=ox.RdfFormat.N_QUADS)
        return
    graphs.extend(
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o),  # type: ignore[arg-type]
                ox.DefaultGraph() if g == DATASET_DEFAULT_GRAPH_ID else to_oxigraph(g))  # type: ignore[arg-type]
        for s, p, o, g in source.quads((None, None, None, None))
    )


class PlainStringStore(OxigraphStore):
    """oxrdflib's store, giving plain strings as rdflib's plain literals (``Literal("x")``, not
    ``Literal("x", datatype=XSD.string)``: equal in RDF 1.1, but not to rdflib's ``==``)."""

    def triples(self, triple_pattern, context=None):  # type: ignore[no-untyped-def]
        for (subject, predicate, obj), contexts in super().triples(triple_pattern, context):
            yield (subject, predicate, plain(obj)), contexts

    def query(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        result = super().query(*args, **kwargs)
        if result.type == "SELECT":
            result.bindings = [{name: plain(value) for name, value in row.items()} for row in result.bindings]
        return result

    def string_pairs(self, predicate: URIRef, graph: Graph, *, iri_objects: bool = False) -> Iterator[tuple[str, str]]:
        """(subject, object) of each triple of ``graph`` with the predicate, as :func:`term_key` strings,
        read from Oxigraph without making an rdflib term per triple."""
        for quad in self._inner.quads_for_pattern(*to_ox_quad_pattern((None, predicate, None), graph)):
            if iri_objects and not isinstance(quad.object, ox.NamedNode):
                continue
            yield _ox_key(quad.subject), _ox_key(quad.object)


def term_key(term: Node) -> str:
    """A term as a string: an IRI or a literal's lexical form, a blank node as ``_:id``."""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _ox_key(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else str(getattr(term, "value", term))


def plain(term: Node) -> Node:
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def default_graph(graphs: ox.Store) -> Graph:
    """The default graph of an Oxigraph store as an rdflib Graph, without copying it: rdflib's
    API (and SPARQL, answered by Oxigraph) over what the build collected."""
    graph = Graph(store=PlainStringStore(store=graphs), identifier=DATASET_DEFAULT_GRAPH_ID, bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


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
