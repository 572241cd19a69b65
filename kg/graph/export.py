"""Stage 10: write graphs to disk, and read them back.

Every file is written to a temporary file in the same folder and renamed over the target,
so a crash or a bad input never leaves a half-written graph behind; files that belong
together (graph.ttl and graph.html) are renamed only once all are written (:func:`atomic_files`).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.util import guess_format

from kg.errors import GraphError
from kg.graph.jsonld import compact_jsonld
from kg.namespace import PREFIXES, RESOURCE_KINDS
from kg.options import RDF_FORMATS

#: User-facing format names -> (rdflib format, file suffix); defined with the other options.
FORMATS = RDF_FORMATS

#: Formats that hold named graphs; kg reads them as the union of their graphs.
QUAD_FORMATS = ("trig", "nquads", "trix")


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step: readers see the old file or the new one."""
    with atomic_stream(path) as stream:
        stream.write(data)


@contextmanager
def atomic_stream(path: Path) -> Iterator[BinaryIO]:
    """A file to write ``path`` through: it replaces ``path`` only when the block ends without
    an error, so a crash or a bad input leaves the old file whole.

    The file gets the usual permissions (0666 less the umask), not mkstemp's private 0600.
    """
    with atomic_files() as files, files.stream(path) as stream:
        yield stream


class AtomicFiles:
    """Files written to temporaries side by side with their targets, to be renamed over them
    together by :func:`atomic_files`; only one is open at a time, so memory stays that of one."""

    def __init__(self) -> None:
        self.temporaries: dict[Path, Path] = {}  # target -> its finished temporary file

    @contextmanager
    def stream(self, path: Path) -> Iterator[BinaryIO]:
        """A temporary file to write ``path`` through; a write that fails (the disk full) raises
        :class:`~kg.errors.GraphError` and removes it."""
        if path.is_dir():
            raise GraphError(f"{path}: is a folder; give a file name to write")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        except OSError as error:
            raise GraphError(f"{path}: cannot write here ({error.strerror or error})") from error
        try:
            with os.fdopen(handle, "wb") as stream:
                yield stream
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, 0o666 & ~_umask())
        except BaseException as error:
            Path(temporary).unlink(missing_ok=True)
            if isinstance(error, OSError):
                raise GraphError(f"{path}: cannot write ({error.strerror or error})") from error
            raise
        if path in self.temporaries:  # written twice: the last one counts
            self.temporaries[path].unlink(missing_ok=True)
        self.temporaries[path] = Path(temporary)

    def write(self, path: Path, data: bytes) -> None:
        """Write ``data`` to be put at ``path``."""
        with self.stream(path) as stream:
            stream.write(data)

    def replace(self) -> None:
        """Rename every temporary over its target: a rename within a folder takes no space, so
        once all files are written this does not fail for want of disk."""
        while self.temporaries:
            path, temporary = next(iter(self.temporaries.items()))
            try:
                os.replace(temporary, path)
            except OSError as error:
                raise GraphError(f"{path}: cannot write ({error.strerror or error})") from error
            del self.temporaries[path]

    def discard(self) -> None:
        """Remove the temporaries not renamed yet."""
        for temporary in self.temporaries.values():
            temporary.unlink(missing_ok=True)
        self.temporaries.clear()


@contextmanager
def atomic_files() -> Iterator[AtomicFiles]:
    """Files that replace their targets together, when the block ends without an error, or not
    at all: a full disk while writing graph.html leaves graph.ttl as it was, so the two still match.

    >>> from pathlib import Path; from tempfile import mkdtemp
    >>> folder = Path(mkdtemp())
    >>> with atomic_files() as files:
    ...     files.write(folder / "graph.ttl", b"new graph")
    ...     files.write(folder / "graph.html", b"its page")
    >>> sorted(path.name for path in folder.iterdir())
    ['graph.html', 'graph.ttl']
    """
    files = AtomicFiles()
    try:
        yield files
        files.replace()
    finally:
        files.discard()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def serialize(graph: Graph, format_name: str = "turtle") -> bytes:
    """The graph in a format, byte-identical for the same graph in every run.

    rdflib sorts Turtle and TriG itself; line formats are sorted here, and JSON-LD nodes are
    ordered by ``@id`` (rdflib emits them in hash order, which changes between processes).
    """
    rdflib_format, _ = resolve_format(format_name)
    if rdflib_format == "trig" and isinstance(graph, Dataset):
        return _trig(graph)
    if rdflib_format == "json-ld":  # one graph.jsonld whichever command writes it: compact, with kg's @context
        return compact_jsonld(graph)
    data = graph.serialize(format=rdflib_format, encoding="utf-8")
    data = data if isinstance(data, bytes) else data.encode("utf-8")
    if rdflib_format in ("nt", "nquads"):
        return _sorted_lines(data)
    return data


def serialize_store(graphs: ox.Store, format_name: str = "turtle") -> bytes:
    """A build's graph, collected in Oxigraph, in a format: the default graph (the union), or
    for TriG and N-Quads the named graphs, one per document. Byte-identical for the same graph.

    Turtle and the line formats are written by Oxigraph from sorted triples (seconds at a
    million triples, where rdflib's serializer takes over a minute); other formats go through
    rdflib.
    """
    from kg.graph.store import default_graph

    rdflib_format, _ = resolve_format(format_name)
    if rdflib_format == "turtle":
        return _turtle(graphs)
    if rdflib_format == "nt":
        return _sorted_lines(graphs.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b"")
    if rdflib_format in ("nquads", "trig"):
        blocks = []
        for name in sorted(graphs.named_graphs(), key=str):
            lines = _sorted_lines(graphs.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name) or b"")
            if rdflib_format == "nquads":
                blocks.append(b"".join(line[:-2] + f" {name} .".encode() + b"\n" for line in lines.splitlines()))
            elif lines:
                blocks.append(_trig_block(str(name), lines))
        return (b"" if rdflib_format == "nquads" else b"\n").join(blocks)
    return serialize(default_graph(graphs), format_name)


#: Turtle prefixes: kg's, plus one per kind of resource, so ``kgr:person/Antony_Blinken`` reads
#: ``person:Antony_Blinken`` (a ``/`` cannot stand in a prefixed name).
TURTLE_PREFIXES = {
    **{prefix: str(namespace) for prefix, namespace in PREFIXES.items() if prefix != "kgr"},
    **{kind: f"{PREFIXES['kgr']}{kind}/" for kind in RESOURCE_KINDS},
}


def _turtle(graphs: ox.Store) -> bytes:
    """Turtle with subjects, predicates and objects in IRI order, grouped with ``;`` and ``,``.

    Written here rather than by a serializer because it must be byte-identical across runs
    (Oxigraph writes prefixes in hash order), fast at a million triples (rdflib's takes over a
    minute), and readable by every parser: a local name is abbreviated only when it is plain
    letters, digits, ``_`` and ``-`` (rdflib cannot read some escapes that Turtle allows).
    """
    triples = sorted((quad.triple for quad in graphs.quads_for_pattern(None, None, None, ox.DefaultGraph())),
                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    by_namespace = sorted(((namespace, prefix) for prefix, namespace in TURTLE_PREFIXES.items()), reverse=True)
    short: dict[str, str] = {}

    def term(node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
        if isinstance(node, ox.NamedNode):
            if node.value not in short:
                short[node.value] = _prefixed(node.value, by_namespace) or str(node)
            return short[node.value]
        if isinstance(node, ox.Literal) and node.datatype.value in (XSD_STRING, LANG_STRING):
            return str(node)
        if isinstance(node, ox.Literal):
            return f"{ox.Literal(node.value)}^^{term(node.datatype)}"
        return str(node)

    lines = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in sorted(TURTLE_PREFIXES.items())]
    previous_subject = previous_predicate = None
    for triple in triples:
        subject, predicate, obj = triple.subject, triple.predicate, triple.object
        verb = "a" if predicate.value == RDF_TYPE else term(predicate)
        if subject == previous_subject and predicate == previous_predicate:
            lines[-1] += f" ,\n        {term(obj)}"
        elif subject == previous_subject:
            lines[-1] += f" ;\n    {verb} {term(obj)}"
        else:
            if previous_subject is not None:
                lines[-1] += " ."
            lines.append(f"\n{term(subject)} {verb} {term(obj)}")
        previous_subject, previous_predicate = subject, predicate
    if previous_subject is not None:
        lines[-1] += " ."
    return ("\n".join(lines) + "\n").encode("utf-8")


PLAIN_LOCAL_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _prefixed(iri: str, by_namespace: list[tuple[str, str]]) -> str | None:
    """``prefix:local`` for an IRI in a known namespace with a plain local name, else None."""
    for namespace, prefix in by_namespace:  # longest namespaces sort after their prefixes, so come first here
        if iri.startswith(namespace):
            local = iri[len(namespace):]
            return f"{prefix}:{local}" if PLAIN_LOCAL_NAME.fullmatch(local) else None
    return None


def _sorted_lines(data: bytes) -> bytes:
    lines = sorted(line for line in data.split(b"\n") if line.strip())
    return b"\n".join(lines) + b"\n" if lines else b""


def _trig(dataset: Dataset) -> bytes:
    """TriG with the named graphs in IRI order and their triples as sorted N-Triples lines:
    byte-identical in every run, and escaped by the N-Triples serializer, which gets every
    literal right."""
    parts = []
    for context in sorted(dataset.graphs(), key=lambda graph: str(graph.identifier)):
        if len(context) == 0:
            continue
        name = "" if context.identifier == DATASET_DEFAULT_GRAPH_ID else context.identifier.n3()
        parts.append(_trig_block(name, context.serialize(format="nt", encoding="utf-8")))
    return b"\n".join(parts)


def _trig_block(name: str, ntriples: bytes) -> bytes:
    """One graph in TriG: its name (none for the default graph), then its triples as sorted N-Triples lines."""
    return (f"{name} " if name else "").encode() + b"{\n" + _sorted_lines(ntriples) + b"}\n"


def resolve_format(format_name: str) -> tuple[str, str]:
    try:
        return FORMATS[format_name.lower()]
    except KeyError:
        exported = format_name.lower() in NON_RDF_EXPORTS
        hint = f" (for {format_name}, run `kg export GRAPH --to {format_name.lower()}`)" if exported else ""
        raise GraphError(
            f"unknown RDF format {format_name!r}; choose one of: {', '.join(sorted(FORMATS))}{hint}"
        ) from None


#: Formats ``kg export`` writes that are not RDF (kept here as names, so this module need not import the exporters).
NON_RDF_EXPORTS = ("graphml", "gexf", "csv", "neo4j")


def write_graph(graph: Graph | ox.Store, path: Path, format_name: str = "turtle") -> Path:
    """Write a graph (rdflib's, or a build's Oxigraph store) to ``path`` atomically."""
    data = serialize_store(graph, format_name) if isinstance(graph, ox.Store) else serialize(graph, format_name)
    write_atomic(path, data)
    return path


def load_dataset(path: str | Path) -> Graph | Dataset:
    """A graph file or store with its named graphs when it has them (TriG, N-Quads, a store),
    else as one graph."""
    from kg.graph.store import is_store, read_store, store_errors

    path = Path(path)
    if is_store(path):
        import pyoxigraph as ox

        store = read_store(path)  # its documents' graphs; the default graph only repeats them
        with store_errors(path):
            named = (quad for quad in store if not isinstance(quad.graph_name, ox.DefaultGraph))
            data = ox.serialize(named, format=ox.RdfFormat.N_QUADS) or b""
        dataset = Dataset()
        dataset.parse(data=data, format="nquads")
        return dataset
    if path.is_file() and (guess_format(str(path)) or "") in QUAD_FORMATS:
        dataset = Dataset()
        try:
            dataset.parse(path, format=guess_format(str(path)))
        except Exception as error:  # rdflib raises many parser-specific types
            raise GraphError(f"{path}: not a valid RDF file ({' '.join(str(error).split())[:300]})") from error
        return dataset
    return load_graph(path)


def load_graph(path: str | Path) -> Graph:
    """Parse an RDF file, the format guessed from its suffix (Turtle when unknown).

    Named graphs (TriG, N-Quads) are merged into one graph; a store folder (``kg build
    --store``) is read whole.
    """
    from kg.graph.store import has_store_files, is_store, store_graph

    path = Path(path)
    if is_store(path) or has_store_files(path):  # a damaged store gets a message that says so
        return store_graph(path)
    if not path.is_file():
        raise GraphError(f"{path}: no such graph file; build one with `kg build`")
    rdf_format = guess_format(str(path)) or "turtle"
    graph = Graph()
    try:
        if rdf_format in QUAD_FORMATS:
            dataset = Dataset()
            dataset.parse(path, format=rdf_format)
            for subject, predicate, obj, _ in dataset.quads():
                graph.add((subject, predicate, obj))
        else:
            graph.parse(path, format=rdf_format)
    except Exception as error:  # rdflib raises many parser-specific types
        message = " ".join(str(error).split())
        raise GraphError(f"{path}: not a valid RDF file ({message[:300]})") from error
    return graph
