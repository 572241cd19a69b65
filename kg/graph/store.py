"""A persistent store for graphs too big to reload from Turtle each time.

``kg build --store DIR`` keeps the graph in an Oxigraph database (RocksDB on disk) through
rdflib's Store API (the ``oxrdflib`` plugin): each document's triples in a named graph of its
own, so ``--append`` replaces a re-read document instead of duplicating it. ``kg query`` and
``kg serve`` read the folder directly with pyoxigraph, whose SPARQL engine answers in
milliseconds where rdflib's in-memory store takes seconds (see ``bench/store_bench.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
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
    """The store as an rdflib Dataset, for writing. Close it when done.

    A damaged store raises :class:`~kg.errors.GraphError` here: RocksDB opened for writing
    would quietly make anew what it cannot find (a column family, the whole database when
    ``CURRENT`` is gone), so a store that exists is first opened read-only, which does not.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise GraphError(f"{path}: is a file, not a store folder")
    if is_store(path):
        with store_errors(path):
            ox.Store.read_only(str(path))
    elif not create or has_store_files(path):
        raise not_a_store(path)
    dataset = Dataset(store="Oxigraph")
    try:
        dataset.open(str(path), create=not is_store(path))
    except ValueError as error:  # oxrdflib will not make a store in a folder that exists
        raise GraphError(f"{path}: is a folder that is not a kg store; give a new folder to --store") from error
    except BaseException as error:
        if not is_store_failure(error):
            raise
        if "lock" in str(error).lower():
            raise GraphError(f"{path}: cannot open the store ({error}); is another kg using it?") from error
        raise store_failure(path, error, writing=True) from error
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, replace=True)
    return dataset


def write_documents(dataset: Dataset, graphs: ox.Store, *, replace_all: bool,
                    only: Iterable[ox.NamedNode | ox.DefaultGraph] | None = None) -> None:
    """Write the named graphs of ``graphs`` (one per document) into the store as one SPARQL
    update, so a build that is killed halfway leaves the store exactly as it was (Oxigraph
    applies an update in one transaction). Each document's graph is dropped and written anew;
    with ``replace_all`` every graph in the store is dropped first. The default graph is then
    remade as the union (:data:`UNION_UPDATE`). With ``only``, just those named graphs are written
    (an append's new documents and the graphs resolution changed). The store is then flushed from its write-ahead log
    into its tables, which carry checksums and are what a snapshot (``kg serve``) copies."""
    names = sorted(graphs.named_graphs(), key=str)
    if only is not None:
        wanted = set(only)
        names = [name for name in names if name in wanted]
    parts = ["DROP ALL ;"] if replace_all else [f"DROP SILENT GRAPH {name} ;" for name in names]
    parts.append("INSERT DATA {")
    for name in names:
        parts.append(f"GRAPH {name} {{")
        parts.append((graphs.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name) or b"").decode("utf-8"))
        parts.append("}")
    parts.append("}")
    parts.append(f";\n{UNION_UPDATE}")
    dataset.update("\n".join(parts))
    dataset.store._inner.flush()  # type: ignore[attr-defined]  # into checksummed tables, out of the log


#: The default graph of a store is the set union of its documents' graphs, remade in the same
#: transaction as every write: queries read it as they read graph.ttl (each triple once, however
#: many documents state it), and FROM, FROM NAMED and GRAPH keep their SPARQL meaning.
UNION_UPDATE = "DROP SILENT DEFAULT ;\nINSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def reads_union(store: ox.Store) -> bool:
    """Whether to query a store with its named graphs read as the default graph: only for a store
    written before the default graph held the union (kg 0.1), where it is empty."""
    has_default = next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None
    return not has_default and next(iter(store.named_graphs()), None) is not None


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


#: Graph files Oxigraph reads, by suffix.
FILE_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD, ".rdf": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML, ".n3": ox.RdfFormat.N3, ".owl": ox.RdfFormat.RDF_XML,
}


def load_file(store: ox.Store, path: Path) -> None:
    """Load a graph file into ``store`` (Turtle when the suffix says nothing); a file with named
    graphs (TriG, N-Quads) also gets their union as its default graph, as a store has."""
    if not path.is_file():
        raise GraphError(f"{path}: no such graph file; build one with `kg build`")
    rdf_format = FILE_FORMATS.get(path.suffix.lower(), ox.RdfFormat.TURTLE)
    try:
        store.bulk_load(path=str(path), format=rdf_format)
    except (OSError, SyntaxError, ValueError) as error:
        raise GraphError(f"{path}: not a valid RDF file ({' '.join(str(error).split())[:300]})") from error
    if rdf_format in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        fill_union(store)


def load_named_graphs(graphs: ox.Store, source: ox.Store) -> None:
    """Copy the documents' graphs of a store into ``graphs``, not its default graph (the union of
    them, which the caller remakes once it has changed them)."""
    for name in source.named_graphs():
        graphs.extend(source.quads_for_pattern(None, None, None, name))


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
    """The store opened read-only with pyoxigraph, for queries.

    It is probed on the way (one quad, the first named graph: milliseconds at any size), so a
    store whose files are missing, damaged or unreadable, or that holds nothing, raises
    :class:`~kg.errors.GraphError` here rather than a traceback later. Damage deep in a large
    store shows only when that part is read: wrap reads in :func:`store_errors`.
    """
    if not is_store(path):
        raise not_a_store(Path(path))
    with store_errors(path):
        store = ox.Store.read_only(str(path))
        first_quad = next(iter(store), None)
        next(iter(store.named_graphs()), None)
    if first_quad is None:  # kg never writes an empty store; RocksDB reads a lost or damaged log as empty
        raise GraphError(f"{path}: the store holds no triples: its build was cut short, or its log file is "
                         f"damaged; delete it and rebuild it with `kg build ... --store {path}`")
    return store


def store_graph(path: str | Path) -> Graph:
    """Everything in a store as one in-memory rdflib graph (the union of its named graphs, which
    its default graph holds: read once, not again from each document's graph)."""
    store = read_store(path)
    graph = Graph()
    with store_errors(path):
        quads = store if reads_union(store) else store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        for quad in quads:
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def has_store_files(path: str | Path) -> bool:
    """True for a folder holding files of a RocksDB database, whether or not it is whole."""
    path = Path(path)
    return path.is_dir() and (any(path.glob("MANIFEST-*")) or any(path.glob("OPTIONS-*")))


def not_a_store(path: Path) -> GraphError:
    """The error for a path that is not a store: a damaged one (``CURRENT`` gone), or none at all."""
    if has_store_files(path):
        return GraphError(f"{path}: the store is damaged (its CURRENT file is missing); "
                          f"delete it and rebuild it with `kg build ... --store {path}`")
    return GraphError(f"{path}: no kg store here; make one with `kg build ... --store {path}`")


def is_store_failure(error: BaseException) -> bool:
    """True for what pyoxigraph raises when RocksDB cannot use a store's files: OSError for a file it
    cannot open, read or write (missing, unreadable, the disk full), RuntimeError for one whose content
    is wrong ("Corruption: block checksum mismatch ..."), and pyo3's PanicException (a BaseException,
    not importable by name) should Oxigraph panic on what it read."""
    return isinstance(error, (OSError, RuntimeError)) or type(error).__name__ == "PanicException"


#: How RocksDB begins the message of an error it met in a store's files.
ROCKSDB_ERRORS = ("Corruption:", "IO error:", "Invalid argument:", "NotFound:", "Not implemented:", "Incomplete:",
                  "Resource busy:", "Try again:")


def storage_failure(path: str | Path, error: BaseException) -> GraphError | None:
    """The GraphError for an error raised while a query read the store at ``path``, or None when the
    error is the query's: SPARQL that does not parse, or a SERVICE call that failed (an OSError too)."""
    message = str(error)
    from_rocksdb = message.startswith(ROCKSDB_ERRORS) or str(path) in message
    if type(error).__name__ == "PanicException" or (isinstance(error, (OSError, RuntimeError)) and from_rocksdb):
        return store_failure(path, error)
    return None


def store_failure(path: str | Path, error: BaseException, *, writing: bool = False) -> GraphError:
    """One line that names the store, quotes RocksDB, and says what to do."""
    detail = " ".join(str(error).split())[:300] or type(error).__name__
    if "Permission denied" in detail:
        return GraphError(f"{path}: cannot {'write' if writing else 'read'} the store ({detail}); "
                          "give kg access to the folder and its files")
    if writing and not detail.startswith("Corruption"):
        return GraphError(f"{path}: cannot write the store ({detail}); this build changed nothing in it; "
                          "free some disk space (or fix the folder's permissions) and build again")
    return GraphError(f"{path}: cannot read the store: it is damaged or unreadable ({detail}); "
                      f"delete it and rebuild it with `kg build ... --store {path}`")


@contextmanager
def store_errors(path: str | Path, *, writing: bool = False) -> Iterator[None]:
    """Turn pyoxigraph's errors about the store's files into one :class:`~kg.errors.GraphError`.

    For blocks that touch only the store: an OSError from anything else would be blamed on it.

    >>> with store_errors("broken"):
    ...     raise RuntimeError("Corruption: CURRENT file does not end with newline")
    Traceback (most recent call last):
    kg.errors.GraphError: broken: cannot read the store: it is damaged or unreadable (Corruption: CURRENT ...
    """
    try:
        yield
    except BaseException as error:
        if not is_store_failure(error):
            raise
        raise store_failure(path, error, writing=writing) from error


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
