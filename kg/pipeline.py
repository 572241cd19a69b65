"""The one place that composes the stages: read -> parse -> mentions & relations -> resolve -> RDF -> files.

    files -> Document -> spaCy Doc -> DocumentAnalysis -> Corpus -> triples -> Oxigraph -> .ttl / .html
                         (one document at a time, in kg.workers)

Each document's graph is made on its own (:mod:`kg.workers`) and the graphs meet in an
in-memory Oxigraph store, where the same IRIs join them; the files are written from there.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import RDF, Graph

from kg.errors import InputError
from kg.graph.export import QUAD_FORMATS, atomic_files, load_graph, resolve_format, serialize_store, write_atomic
from kg.graph.lock import writing
from kg.graph.rdf import document_iri, split_by_document
from kg.graph.store import (
    default_graph,
    fill_union,
    in_memory,
    is_store,
    load_file,
    load_named_graphs,
    load_quads,
    open_store,
    put_graph,
    read_store,
    store_errors,
    write_documents,
)
from kg.model import Document
from kg.namespace import ENTITY_CLASSES, KG, relation_names
from kg.nlp import load_pipeline
from kg.options import DEFAULT_DOC_TIMEOUT, DEFAULT_MAX_NODES, DEFAULT_OUT_DIR
from kg.read import (
    ENGLISH_SHARE_WARNING,
    PART_CHARACTERS,
    checked_date,
    document_parts,
    documents_in,
    english_share,
    input_files,
    read_documents,
)
from kg.resolution.graphs import RESOLUTION_GRAPH, resolve_graphs
from kg.resolution.hand import read_resolutions
from kg.view.viewer import render_html
from kg.workers import DocumentGraph, extract_graphs


@dataclass
class BuildResult:
    """What a build made: the graph, its counts, the files written and the inputs that failed.

    ``graph`` is an rdflib view of the Oxigraph store the build collected the triples in.
    """

    graph: Graph
    #: The ids of the documents this build read (their text is not kept: memory follows the graph).
    documents: list[str] = field(default_factory=list)
    entities: int = 0
    #: Distinct (subject, relation, object) links between entities: the page's edges.
    relations: int = 0
    #: The sentences' claims behind the relations (kg:Statement), a relation has one or more.
    statements: int = 0
    written: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    tokens: int = 0

    @property
    def counts(self) -> dict[str, int]:
        """Documents read by this build; entities, relations, statements and triples in the graph,
        counted as ``kg stats`` (:func:`kg.graph.network.stats`) and the page count them."""
        return {
            "documents": len(self.documents),
            "entities": self.entities,
            "relations": self.relations,
            "statements": self.statements,
            "triples": len(self.graph),
        }


def build(
    paths: Sequence[str | Path],
    *,
    out_dir: str | Path | None = DEFAULT_OUT_DIR,
    model: str | None = None,
    formats: Sequence[str] = (),
    html: bool = True,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    store: str | Path | None = None,
    append: bool = False,
    workers: int = 1,
    doc_timeout: float | None = DEFAULT_DOC_TIMEOUT,
    extractor: Callable[[Iterable[Document]], Iterator[DocumentGraph]] | None = None,
    on_error: Callable[[InputError], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
    on_document: Callable[[DocumentGraph], None] | None = None,
    on_documents_read: Callable[[int], None] | None = None,
    default_date: str | None = None,
    resolutions: str | Path | None = None,
) -> BuildResult:
    """Build the knowledge graph of the documents under ``paths``.

    With ``out_dir`` set, writes ``graph.ttl``, ``graph.html`` and one file per extra format
    there, each atomically. With ``store``, keeps the graph in that store folder, one named
    graph per document. With ``append``, the documents are added to the graph already in the
    store (or in ``out_dir/graph.ttl``): a document read before replaces its old triples.
    ``workers`` processes parse and extract in parallel, or ``extractor`` maps documents to
    their graphs some other way (:mod:`kg.distributed` passes one that runs on Dask). Documents stream through: memory
    grows with the graph, not with the text read.
    Unreadable inputs, and documents that take more than ``doc_timeout`` seconds to parse or to
    extract from (``None`` or 0: no limit; see :func:`kg.workers.time_limit`; not applied by an
    ``extractor``), are passed to ``on_error`` (default: collected in
    ``BuildResult.failures``) and the others are still processed; with no readable document
    at all, raises :class:`~kg.errors.InputError`. ``on_documents_read`` gets the number of
    documents before the slow part starts (for a progress bar), ``on_document`` each document's
    graph as it is made. ``default_date`` (``YYYY-MM-DD``) is the date of the documents that carry
    none (in a field, front matter, file name or metadata): relative days ("on Tuesday") in them
    are read against it. Once all documents are in, their nodes are resolved across the corpus
    (:mod:`kg.resolution.graphs`; with ``append``, against the nodes already there), honouring the
    user's decisions in the ``resolutions`` file (:func:`kg.resolution.hand.read_resolutions`).
    """
    started = time.perf_counter()
    failures: list[str] = []
    warnings: list[str] = []

    def collect(error: InputError) -> None:
        failures.append(str(error))
        if on_error is not None:
            on_error(error)

    def warn(message: str) -> None:
        warnings.append(message)
        if on_warning is not None:
            on_warning(message)

    for name in formats:
        resolve_format(name)  # fail on a bad format before the slow part
    if default_date is not None:
        default_date = checked_date(default_date)
    # Locked before the old graph is read, so a second writer reads this one's result.
    with writing([Path(target) for target in (out_dir, store) if target is not None], on_wait=warn):
        hand = read_resolutions(resolutions)
        graphs = in_memory()
        if append and store is not None and is_store(store):
            # A damaged store fails here, before the slow part and before any write; its documents'
            # graphs are what the new documents resolve against.
            with store_errors(store):
                load_named_graphs(graphs, read_store(store))
        nlp = load_pipeline(model)
        by_document = store is not None or append or any(resolve_format(f)[0] in QUAD_FORMATS for f in formats)
        previous = Path(out_dir) / "graph.ttl" if out_dir is not None else None
        if append and store is None and previous is not None and previous.exists():
            load_quads(graphs, split_by_document(load_graph(previous)))  # a broken file fails here, before any write
        if on_documents_read is not None:
            on_documents_read(count_documents(paths))
        documents = _readable_documents(paths, nlp.max_length, collect, default_date=default_date, on_parts=warn)
        result = BuildResult(graph=default_graph(graphs), failures=failures, warnings=warnings)
        if extractor is None:
            extractor = partial(extract_graphs, model=model, workers=workers, doc_timeout=doc_timeout)
        new_graphs: set[ox.NamedNode | ox.DefaultGraph] = set()
        for found in _made(extractor(_checked_language(documents, warn)), collect):
            put_graph(graphs, found.ntriples, found.graph_name if by_document else None)
            new_graphs.add(ox.NamedNode(found.graph_name.strip("<>")))
            result.documents.append(found.document.id)
            result.tokens += found.tokens
            if on_document is not None:
                on_document(found)
        if not result.documents:
            raise _nothing_readable(paths)
        changed = resolve_graphs(graphs, hand)
        if store is not None:
            writer = open_store(store, create=True)
            try:
                # the disk full: Oxigraph's transaction leaves the store as it was
                with store_errors(store, writing=True):
                    write_documents(writer, graphs, replace_all=not append,
                                    only=new_graphs | changed if append else None)
            finally:
                writer.close()
        fill_union(graphs)
        result.entities, result.relations, result.statements = _count(graphs)
        if out_dir is not None:
            result.written = write_outputs(graphs, Path(out_dir), formats=formats, html=html, max_nodes=max_nodes)
        result.seconds = time.perf_counter() - started
        return result


def extract(
    paths: Sequence[str | Path],
    output: BinaryIO,
    *,
    model: str | None = None,
    workers: int = 1,
    doc_timeout: float | None = DEFAULT_DOC_TIMEOUT,
    on_error: Callable[[InputError], None] | None = None,
    on_document: Callable[[DocumentGraph], None] | None = None,
) -> int:
    """Write each document's graph to ``output`` as N-Quads, in its own named graph, as soon as
    it is made; returns the number of documents.

    Files from separate runs (shards of a corpus) concatenate into the graph one build of all
    the documents makes, because a document's graph depends on that document only. A document
    that takes more than ``doc_timeout`` seconds to parse or to extract from is reported as
    :func:`build` does.
    """
    nlp = load_pipeline(model)
    report = on_error if on_error is not None else _raise
    documents = _readable_documents(paths, nlp.max_length, report)
    count = 0
    for found in _made(extract_graphs(documents, model=model, workers=workers, doc_timeout=doc_timeout), report):
        output.write(found.nquads().encode("utf-8"))
        count += 1
        if on_document is not None:
            on_document(found)
    if count == 0:  # as kg build: an empty result must not replace a shard written before
        raise _nothing_readable(paths)
    return count


def merge(
    shards: Sequence[str | Path],
    *,
    out_dir: str | Path = DEFAULT_OUT_DIR,
    formats: Sequence[str] = (),
    html: bool = True,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    resolutions: str | Path | None = None,
) -> BuildResult:
    """Merge the N-Quads shards of :func:`extract` into one graph, resolve it across the corpus as
    :func:`build` does, and write the files: the graph one ``kg build`` of all the documents makes.

    A document in two shards counts once (its triples are the same in both).
    """
    started = time.perf_counter()
    for name in formats:
        resolve_format(name)
    hand = read_resolutions(resolutions)
    graphs = in_memory()
    for shard in shards:
        path = Path(shard)
        if path.suffix.lower() not in (".nq", ".nquads"):
            raise InputError(f"{path}: kg merge reads the N-Quads shards `kg extract` writes (.nq)")
        load_file(graphs, path)
    graphs.clear_graph(ox.DefaultGraph())  # load_file filled it; it is remade below
    documents = sorted(str(name.value) for name in graphs.named_graphs())
    if not documents:
        raise InputError("no documents in " + ", ".join(str(shard) for shard in shards))
    resolve_graphs(graphs, hand)
    fill_union(graphs)
    documents = [document for document in documents if document != RESOLUTION_GRAPH.value]
    result = BuildResult(graph=default_graph(graphs), documents=documents)
    result.entities, result.relations, result.statements = _count(graphs)
    with writing([Path(out_dir)]):  # not while a build appends there
        result.written = write_outputs(graphs, Path(out_dir), formats=formats, html=html, max_nodes=max_nodes)
    result.seconds = time.perf_counter() - started
    return result


def _made(graphs: Iterable[DocumentGraph], on_error: Callable[[InputError], None]) -> Iterator[DocumentGraph]:
    """The documents' graphs that could be made; each one that failed goes to ``on_error``."""
    for found in graphs:
        if found.error is not None:
            on_error(InputError(found.error))
        else:
            yield found


def _nothing_readable(paths: Sequence[str | Path]) -> InputError:
    return InputError("no readable documents in " + ", ".join(str(p) for p in paths))


def _raise(error: InputError) -> None:
    raise error


def count_documents(paths: Sequence[str | Path]) -> int:
    """How many documents ``paths`` hold, for a progress bar's total, found without reading a document: each
    input is read once, so a Word bomb or a 50,000-page PDF costs its time once, not twice. A file is one
    document, a JSON Lines file one a line, a CSV file one a row (:func:`kg.read.documents_in`); a file that
    turns out unreadable still counts. 0 (no total) for stdin or a pipe, which can be read once only."""
    if not all(_rereadable(path) for path in paths):
        return 0
    return sum(documents_in(file) for file in input_files(paths))


def _rereadable(path: str | Path) -> bool:
    """False for stdin, a pipe or a FIFO (``kg build <(zcat ...)``): they can be read once only.
    A missing path is reported by the real read."""
    path = Path(path)
    return str(path) != "-" and (path.is_file() or path.is_dir() or not path.exists())


def _count(graphs: ox.Store) -> tuple[int, int, int]:
    """(entities, relations, statements) in the default graph, as :func:`kg.graph.network.entity_network`
    draws them: a relation is a distinct (subject, relation, object) link between two entities,
    the graph's triple or, for a link the text denies (no triple), its negated statement's.

    In SPARQL, so that a build counts its graph without making the network of it.
    """
    classes = " ".join(KG[name].n3() for name in ENTITY_CLASSES)
    relations = " ".join(KG[name].n3() for name in sorted(relation_names()))
    is_entity = f"FILTER EXISTS {{ ?subject a ?c1 VALUES ?c1 {{ {classes} }} }} " \
                f"FILTER EXISTS {{ ?object a ?c2 VALUES ?c2 {{ {classes} }} }}"
    links = f"""SELECT DISTINCT ?subject ?relation ?object WHERE {{
        {{ ?subject ?relation ?object VALUES ?relation {{ {relations} }} }}
        UNION {{ ?denied a {KG.Statement.n3()} ; {KG.factuality.n3()} {KG.negated.n3()} ;
                 {RDF.subject.n3()} ?subject ; {RDF.predicate.n3()} ?relation ; {RDF.object.n3()} ?object }}
        {is_entity} }}"""
    query = f"""SELECT (COUNT(DISTINCT ?entity) AS ?entities) (COUNT(?relation) AS ?relations)
        (COUNT(DISTINCT ?statement) AS ?statements) WHERE {{
        {{ ?entity a ?class VALUES ?class {{ {classes} }} }} UNION {{ {links} }}
        UNION {{ ?statement a {KG.Statement.n3()} }} }}"""
    solution = next(iter(graphs.query(query)))  # type: ignore[arg-type]
    return int(solution["entities"].value), int(solution["relations"].value), int(solution["statements"].value)


def _checked_language(documents: Iterable[Document], warn: Callable[[str], None]) -> Iterator[Document]:
    for document in documents:
        message = language_warning(document)
        if message is not None:
            warn(message)
        yield document


def language_warning(document: Document) -> str | None:
    """A warning for a document that does not read as English (kg's model and rules are English)."""
    if len(document.text.split()) < 30 or english_share(document.text) >= ENGLISH_SHARE_WARNING:
        return None
    return (f"{document.source or document.id}: does not look like English; kg reads English, "
            "so expect few entities and relations")


def _readable_documents(
    paths: Sequence[str | Path], max_length: int, on_error: Callable[[InputError], None],
    default_date: str | None = None, on_parts: Callable[[str], None] | None = None,
) -> Iterator[Document]:
    """The documents under ``paths`` that can be built: read, long ones in parts, each IRI once."""
    documents = read_documents(paths, on_error=on_error, default_date=default_date)
    return _distinct(_in_parts(_within_length(documents, max_length, on_error), PART_CHARACTERS, on_parts),
                     on_error)


def _within_length(
    documents: Iterable[Document], max_length: int, on_error: Callable[[InputError], None]
) -> Iterator[Document]:
    """Documents no longer than the model reads (``nlp.max_length``); longer ones are reported, not
    allowed to stop the build."""
    for document in documents:
        if len(document.text) > max_length:
            on_error(InputError(
                f"{document.source or document.id}: {len(document.text):,} characters is more than the model "
                f"reads in one document ({max_length:,}); split it into several documents"))
        else:
            yield document


def _in_parts(
    documents: Iterable[Document], limit: int, on_parts: Callable[[str], None] | None
) -> Iterator[Document]:
    """Each document, or its parts when it is longer than spaCy should parse in one piece
    (:func:`kg.read.document_parts`), said through ``on_parts``."""
    for document in documents:
        parts = document_parts(document, limit)
        if len(parts) > 1 and on_parts is not None:
            on_parts(f"{document.source or document.id}: {len(document.text):,} characters, read as {len(parts)} "
                     f"parts of at most {limit:,} (ids {parts[0].id} ...)")
        yield from parts


def _distinct(documents: Iterable[Document], on_error: Callable[[InputError], None]) -> Iterator[Document]:
    """Each document IRI once: a second document with the same id, or an id that mints the same
    IRI ('a b' and 'a_b'), would merge into the first's node or replace its named graph."""
    seen: dict[str, tuple[str, str]] = {}
    for document in documents:
        where, iri = document.source or document.id, str(document_iri(document.id))
        if iri in seen:
            first_id, first_where = seen[iri]
            same = (f"same document id {document.id!r}" if first_id == document.id
                    else f"document id {document.id!r} makes the same IRI as {first_id!r}")
            on_error(InputError(f"{where}: {same} as {first_where}; skipped"))
            continue
        seen[iri] = (document.id, where)
        yield document


def write_outputs(
    graphs: ox.Store,
    out_dir: Path,
    *,
    formats: Sequence[str] = (),
    html: bool = True,
    max_nodes: int | None = None,
) -> list[Path]:
    """``graph.ttl`` (+ other formats, + ``graph.html``) in ``out_dir``, replaced all together or,
    when one cannot be written (the disk full), not at all: the files always show the same graph.

    TriG and N-Quads keep the named graphs of ``graphs``, one per document.
    """
    written: list[Path] = []
    with atomic_files() as files:
        for name in ("turtle", *formats):
            path = out_dir / f"graph{resolve_format(name)[1]}"
            if path not in written:
                files.write(path, serialize_store(graphs, name))
                written.append(path)
        if html:
            path = out_dir / "graph.html"
            files.write(path, html_page(default_graph(graphs), max_nodes=max_nodes))
            written.append(path)
    return written


def render_file(graph: Graph, path: Path, *, title: str | None = None, max_nodes: int | None = None) -> Path:
    """Write the HTML page of ``graph`` to ``path``, atomically."""
    write_atomic(path, html_page(graph, title=title, max_nodes=max_nodes))
    return path


def html_page(graph: Graph, *, title: str | None = None, max_nodes: int | None = None) -> bytes:
    """The HTML page of ``graph``, titled by its documents unless ``title`` is given."""
    return render_html(graph, title=title or page_title(graph), max_nodes=max_nodes).encode("utf-8")


def page_title(graph: Graph) -> str:
    count = len(set(graph.subjects(RDF.type, KG.Document)))
    if count == 0:
        return "kg graph"
    return f"kg graph of {count} document{'s' if count != 1 else ''}"
