"""The one place that composes the stages: read -> parse -> mentions & relations -> resolve -> RDF -> files.

    files -> Document -> spaCy Doc -> DocumentAnalysis -> Corpus -> rdflib.Graph -> .ttl / .html
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Dataset, Graph

from kg.errors import InputError
from kg.export import QUAD_FORMATS, load_dataset, load_graph, resolve_format, write_atomic, write_graph
from kg.extract import analyse
from kg.model import Corpus, Document, DocumentAnalysis
from kg.namespace import KG
from kg.nlp import load_pipeline, parse
from kg.rdf import split_by_document, to_dataset, to_graph, union
from kg.read import ENGLISH_SHARE_WARNING, english_share, read_documents
from kg.resolve import resolve
from kg.store import open_store, write_corpus
from kg.viewer import render_html

DEFAULT_OUT_DIR = Path("output")


@dataclass
class BuildResult:
    """What a build made: the graph, its counts, the files written and the inputs that failed."""

    graph: Graph
    corpus: Corpus
    written: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "documents": len(self.corpus.documents),
            "entities": len(self.corpus.entities),
            "relations": len(self.corpus.relations),
            "triples": len(self.graph),
        }


def analyse_documents(
    documents: Iterable[Document],
    *,
    model: str | None = None,
    on_document: Callable[[Document], None] | None = None,
) -> list[DocumentAnalysis]:
    """Run spaCy and the extraction rules over documents, in order."""
    nlp = load_pipeline(model)
    documents = list(documents)
    analyses = []
    for document, doc in zip(documents, parse((d.text for d in documents), nlp), strict=True):
        analyses.append(analyse(document, doc))
        if on_document is not None:
            on_document(document)
    return analyses


def build(
    paths: Sequence[str | Path],
    *,
    out_dir: str | Path | None = DEFAULT_OUT_DIR,
    model: str | None = None,
    formats: Sequence[str] = (),
    html: bool = True,
    max_nodes: int | None = None,
    store: str | Path | None = None,
    append: bool = False,
    on_error: Callable[[InputError], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
    on_document: Callable[[Document], None] | None = None,
    on_documents_read: Callable[[int], None] | None = None,
) -> BuildResult:
    """Build the knowledge graph of the documents under ``paths``.

    With ``out_dir`` set, writes ``graph.ttl``, ``graph.html`` and one file per extra format
    there, each atomically. With ``store``, keeps the graph in that store folder, one named
    graph per document. With ``append``, the documents are added to the graph already in the
    store (or in ``out_dir/graph.ttl``): a document read before replaces its old triples.
    Unreadable inputs are passed to ``on_error`` (default: collected in
    ``BuildResult.failures``) and the others are still processed; with no readable document
    at all, raises :class:`~kg.errors.InputError`.
    """
    started = time.perf_counter()
    failures: list[str] = []

    def collect(error: InputError) -> None:
        failures.append(str(error))
        if on_error is not None:
            on_error(error)

    for name in formats:
        resolve_format(name)  # fail on a bad format before the slow part
    nlp = load_pipeline(model)
    documents = list(_distinct(_within_length(read_documents(paths, on_error=collect), nlp.max_length, collect),
                               collect))
    if not documents:
        raise InputError("no readable documents in " + ", ".join(str(p) for p in paths))
    warnings = [message for message in map(language_warning, documents) if message is not None]
    for message in warnings:
        if on_warning is not None:
            on_warning(message)
    if on_documents_read is not None:
        on_documents_read(len(documents))
    corpus = resolve(analyse_documents(documents, model=model, on_document=on_document))
    dataset: Dataset | None = None
    if store is not None:
        writer = open_store(store, create=True)
        try:
            write_corpus(writer, corpus, replace_all=not append)
        finally:
            writer.close()
        if append and out_dir is not None:  # the files show the whole store, named graphs and all
            whole = load_dataset(store)
            dataset = whole if isinstance(whole, Dataset) else None
            graph = union(whole) if isinstance(whole, Dataset) else whole
        else:
            graph = to_graph(corpus)
    elif append and out_dir is not None and (Path(out_dir) / "graph.ttl").exists():
        dataset = to_dataset(corpus, split_by_document(load_graph(Path(out_dir) / "graph.ttl")))
        graph = union(dataset)
    else:
        graph = to_graph(corpus)
    result = BuildResult(graph=graph, corpus=corpus, failures=failures, warnings=warnings)
    if out_dir is not None:
        result.written = write_outputs(graph, Path(out_dir), formats=formats, html=html, max_nodes=max_nodes,
                                       dataset=dataset if dataset is not None else None, corpus=corpus)
    result.seconds = time.perf_counter() - started
    return result


def language_warning(document: Document) -> str | None:
    """A warning for a document that does not read as English (kg's model and rules are English)."""
    if len(document.text.split()) < 30 or english_share(document.text) >= ENGLISH_SHARE_WARNING:
        return None
    return (f"{document.source or document.id}: does not look like English; kg reads English, "
            "so expect few entities and relations")


def _within_length(
    documents: Iterable[Document], max_length: int, on_error: Callable[[InputError], None]
) -> Iterator[Document]:
    """Documents spaCy can parse in one piece; longer ones are reported, not allowed to stop the build."""
    for document in documents:
        if len(document.text) > max_length:
            on_error(InputError(
                f"{document.source or document.id}: {len(document.text):,} characters is more than the model "
                f"reads in one document ({max_length:,}); split it into several documents"))
        else:
            yield document


def _distinct(documents: Iterable[Document], on_error: Callable[[InputError], None]) -> Iterator[Document]:
    """Each document id once: a second document with the same id would merge into the first's node."""
    seen: dict[str, str] = {}
    for document in documents:
        where = document.source or document.id
        if document.id in seen:
            on_error(InputError(f"{where}: same document id {document.id!r} as {seen[document.id]}; skipped"))
            continue
        seen[document.id] = where
        yield document


def write_outputs(
    graph: Graph,
    out_dir: Path,
    *,
    formats: Sequence[str] = (),
    html: bool = True,
    max_nodes: int | None = None,
    dataset: Dataset | None = None,
    corpus: Corpus | None = None,
) -> list[Path]:
    """``graph.ttl`` (+ other formats, + ``graph.html``) in ``out_dir``, each written atomically.

    TriG and N-Quads keep one named graph per document: from ``dataset``, else made from ``corpus``.
    """
    written = []
    for name in ("turtle", *formats):
        rdflib_format, suffix = resolve_format(name)
        path = out_dir / f"graph{suffix}"
        if path in written:
            continue
        if rdflib_format in QUAD_FORMATS:
            if dataset is None:
                dataset = to_dataset(corpus) if corpus is not None else split_by_document(graph)
            written.append(write_graph(dataset, path, name))
        else:
            written.append(write_graph(graph, path, name))
    if html:
        path = out_dir / "graph.html"
        written.append(render_file(graph, path, max_nodes=max_nodes))
    return written


def render_file(graph: Graph, path: Path, *, title: str | None = None, max_nodes: int | None = None) -> Path:
    """Write the HTML page of ``graph`` to ``path``, atomically."""
    page = render_html(graph, title=title or page_title(graph), max_nodes=max_nodes)
    write_atomic(path, page.encode("utf-8"))
    return path


def page_title(graph: Graph) -> str:
    count = len(set(graph.subjects(RDF.type, KG.Document)))
    if count == 0:
        return "kg graph"
    return f"kg graph of {count} document{'s' if count != 1 else ''}"
