"""Stage 7: write graphs to disk, and read them back.

Every file is written to a temporary file in the same folder and renamed over the target,
so a crash or a bad input never leaves a half-written graph behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
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
    """Replace ``path`` with ``data`` in one step: readers see the old file or the new one.

    The file gets the usual permissions (0666 less the umask), not mkstemp's private 0600.
    """
    if path.is_dir():
        raise GraphError(f"{path}: is a folder; give a file name to write")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise GraphError(f"{path}: cannot write here ({error.strerror or error})") from error
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise GraphError(f"{path}: cannot write ({error.strerror or error})") from error
        raise


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
    data = graph.serialize(format=rdflib_format, encoding="utf-8")
    data = data if isinstance(data, bytes) else data.encode("utf-8")
    if rdflib_format in ("nt", "nquads"):
        lines = sorted(line for line in data.split(b"\n") if line.strip())
        return b"\n".join(lines) + b"\n" if lines else b""
    if rdflib_format == "json-ld":
        document = json.loads(data)
        nodes = document.get("@graph", document) if isinstance(document, dict) else document
        if isinstance(nodes, list):
            nodes.sort(key=lambda node: json.dumps(node, sort_keys=True))
        return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"
    return data


def _trig(dataset: Dataset) -> bytes:
    """TriG with the named graphs in IRI order and their triples as sorted N-Triples lines:
    byte-identical in every run, and escaped by the N-Triples serializer, which gets every
    literal right."""
    parts = []
    for context in sorted(dataset.graphs(), key=lambda graph: str(graph.identifier)):
        if len(context) == 0:
            continue
        lines = context.serialize(format="nt", encoding="utf-8")
        body = b"\n".join(sorted(line for line in lines.split(b"\n") if line.strip()))
        name = b"" if context.identifier == DATASET_DEFAULT_GRAPH_ID else context.identifier.n3().encode() + b" "
        parts.append(name + b"{\n" + body + b"\n}\n")
    return b"\n".join(parts)


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


def load_dataset(path: str | Path) -> Graph | Dataset:
    """A graph file or store with its named graphs when it has them (TriG, N-Quads, a store),
    else as one graph."""
    from kg.store import is_store, read_store

    path = Path(path)
    if is_store(path):
        import pyoxigraph as ox

        data = read_store(path).dump(format=ox.RdfFormat.N_QUADS) or b""
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
    from kg.store import is_store, store_graph

    path = Path(path)
    if is_store(path):
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
