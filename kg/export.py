"""Stage 7: write graphs to disk, and read them back.

Every file is written to a temporary file in the same folder and renamed over the target,
so a crash or a bad input never leaves a half-written graph behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.util import guess_format

from kg.errors import GraphError

#: User-facing format names -> (rdflib format, file suffix).
FORMATS: dict[str, tuple[str, str]] = {
    "turtle": ("turtle", ".ttl"),
    "ttl": ("turtle", ".ttl"),
    "nt": ("nt", ".nt"),
    "ntriples": ("nt", ".nt"),
    "n-triples": ("nt", ".nt"),
    "json-ld": ("json-ld", ".jsonld"),
    "jsonld": ("json-ld", ".jsonld"),
    "xml": ("xml", ".rdf"),
    "rdf-xml": ("xml", ".rdf"),
    "rdfxml": ("xml", ".rdf"),
    "trig": ("trig", ".trig"),
    "nquads": ("nquads", ".nq"),
    "n3": ("n3", ".n3"),
}

#: Formats that hold named graphs; kg reads them as the union of their graphs.
QUAD_FORMATS = ("trig", "nquads", "trix")


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step: readers see the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def serialize(graph: Graph, format_name: str = "turtle") -> bytes:
    """The graph in a format; Turtle output is byte-identical for the same graph."""
    rdflib_format, _ = resolve_format(format_name)
    data = graph.serialize(format=rdflib_format, encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")


def resolve_format(format_name: str) -> tuple[str, str]:
    try:
        return FORMATS[format_name.lower()]
    except KeyError:
        raise GraphError(
            f"unknown RDF format {format_name!r}; choose one of: {', '.join(sorted(FORMATS))}"
        ) from None


def write_graph(graph: Graph, path: Path, format_name: str = "turtle") -> Path:
    write_atomic(path, serialize(graph, format_name))
    return path


def store_graph(folder: str | Path) -> Graph:
    """Everything in a store folder (see ``kg build --store``) as one in-memory rdflib graph."""
    import pyoxigraph as ox

    try:
        store = ox.Store.read_only(str(folder))
    except OSError as error:
        raise GraphError(f"{folder}: not a readable store ({error})") from error
    data = store.dump(format=ox.RdfFormat.N_QUADS) or b""
    dataset = Dataset()
    dataset.parse(data=data, format="nquads")
    graph = Graph()
    for subject, predicate, obj, _ in dataset.quads():
        graph.add((subject, predicate, obj))
    return graph


def load_graph(path: str | Path) -> Graph:
    """Parse an RDF file, the format guessed from its suffix (Turtle when unknown).

    Named graphs (TriG, N-Quads) are merged into one graph.
    """
    path = Path(path)
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
