"""Stages 2-8 for many documents: each document's graph, made on its own, in one process or several.

A document's graph depends on that document only: its mentions are resolved into entities
within the document, and IRIs are minted from names, so the same entity gets the same IRI in
every document, every process and every machine. That makes extraction a pure map over
documents: ``kg build --workers N`` spreads it over processes, ``kg extract`` writes it as
N-Quads that merge by concatenation, and :mod:`kg.distributed` runs it on a Dask cluster.

Workers send back N-Triples text, not rdflib objects: it is small to pickle and the parent
loads it into Oxigraph without building a Python object per triple.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from types import FrameType
from typing import Protocol

from spacy.language import Language
from spacy.tokens import Doc

from kg.errors import KGError
from kg.extraction.document import analyse
from kg.graph.rdf import document_iri, nt, per_document
from kg.learn.apply import learned_analysis
from kg.model import Document, DocumentAnalysis
from kg.nlp import load_pipeline, parse, tokenize
from kg.resolution.entities import resolve

#: Documents per task sent to a worker, and per ``nlp.pipe`` batch.
BATCH_SIZE = 32
#: Characters per batch, at most (a longer document is a batch of its own): spaCy parses a batch at
#: once, in memory that grows with its text, and ``--doc-timeout`` bounds the batch's parse, so the
#: parts of a long text (:data:`kg.read.PART_CHARACTERS`) must not come back together in one.
BATCH_CHARACTERS = 100_000


@dataclass(frozen=True)
class DocumentGraph:
    """One document's graph as N-Triples lines, with the counts a progress report needs."""

    document: Document
    ntriples: str
    entities: int
    relations: int
    tokens: int
    #: Why the document has no graph, when making it raised (the build reports it and goes on).
    error: str | None = None

    @property
    def graph_name(self) -> str:
        """The named graph the document's triples go in: its IRI, in N-Triples syntax."""
        return f"<{document_iri(self.document.id)}>"

    def nquads(self) -> str:
        """The triples as N-Quads lines in the document's named graph."""
        suffix = f" {self.graph_name} .\n"
        return "".join(line[:-2] + suffix for line in self.ntriples.splitlines() if line.endswith(" ."))


def document_analysis(document: Document, doc: Doc, rules: DocumentAnalysis | None = None) -> DocumentAnalysis:
    """What a build reads off one parsed document: the rules' mentions and relations (``rules``, when
    they are at hand), and what a model that read the doc adds or decides
    (:func:`kg.learn.apply.learned_analysis`). ``kg explain`` shows this same reading."""
    return learned_analysis(rules if rules is not None else analyse(document, doc), doc)


def document_graph(document: Document, doc: Doc) -> DocumentGraph:
    """The graph of one parsed document: its analysis (:func:`document_analysis`), its entities,
    then triples."""
    corpus = resolve([document_analysis(document, doc)])
    # dict.fromkeys: a direct triple stated by two relations is one triple, and one line
    lines = dict.fromkeys(f"{nt(s)} {nt(p)} {nt(o)} .\n" for s, p, o in per_document(corpus)[document.id])
    return DocumentGraph(document=document, ntriples="".join(lines), entities=len(corpus.entities),
                         relations=len(corpus.relations), tokens=len(doc))


def extract_batch(
    documents: list[Document], model: str | None = None, doc_timeout: float | None = None
) -> list[DocumentGraph]:
    """The graphs of a batch of documents, parsed together with ``nlp.pipe``.

    ``doc_timeout`` (seconds; ``None`` or 0 for no limit, see :func:`time_limit`) bounds each
    document's tokenizing, the rest of its parse and its extraction, each on its own, so that
    only a slow document is skipped. Each text is tokenized alone: spaCy's tokenizer is
    quadratic in a run of text without spaces (36 KB of brackets: 40-100 s), and this way the
    document is caught at once. If the rest of the pipeline overruns on the batch, each of its
    documents is parsed again alone.
    """
    nlp = load_pipeline(model)
    tokenized = [_tokenized(document, nlp, doc_timeout) for document in documents]
    ready = [(document, doc) for document, doc in zip(documents, tokenized, strict=True) if isinstance(doc, Doc)]
    parsed = iter(_parsed_graphs(ready, model, doc_timeout))
    return [next(parsed) if isinstance(doc, Doc) else doc for doc in tokenized]


def _tokenized(document: Document, nlp: Language, doc_timeout: float | None) -> Doc | DocumentGraph:
    """The document's tokens, or its graph with the error when tokenizing it failed or took too long."""
    try:
        with time_limit(doc_timeout):
            return tokenize(document.text, nlp)
    except DocumentTimeout:
        return _timed_out(document, "parse", doc_timeout)
    except Exception as error:  # one document's bug must not cost the whole build
        return _failed(document, error)


def _parsed_graphs(
    tokenized: list[tuple[Document, Doc]], model: str | None, doc_timeout: float | None
) -> list[DocumentGraph]:
    """The graphs of tokenized documents, parsed as one batch; see :func:`extract_batch`."""
    try:
        with time_limit(doc_timeout):
            parsed = list(parse((doc for _, doc in tokenized), load_pipeline(model), batch_size=BATCH_SIZE))
    except DocumentTimeout:  # some document of the batch is slow: find which, keep the others
        if len(tokenized) > 1:
            return _each_alone([document for document, _ in tokenized], model, doc_timeout)
        return [_timed_out(tokenized[0][0], "parse", doc_timeout)]
    except Exception as error:  # spaCy failed on some document of the batch: find which, keep the others
        if len(tokenized) > 1:
            return _each_alone([document for document, _ in tokenized], model, doc_timeout)
        return [_failed(tokenized[0][0], error)]
    graphs = []
    for (document, _), doc in zip(tokenized, parsed, strict=True):
        try:
            with time_limit(doc_timeout):
                graphs.append(document_graph(document, doc))
        except DocumentTimeout:
            graphs.append(_timed_out(document, "extract from", doc_timeout, tokens=len(doc)))
        except Exception as error:  # one document's bug must not cost the whole build
            graphs.append(_failed(document, error, tokens=len(doc)))
    return graphs


def _each_alone(documents: list[Document], model: str | None, doc_timeout: float | None) -> list[DocumentGraph]:
    """The documents' graphs, each from new tokens in a batch of its own: a Doc the pipeline
    stopped on halfway would keep the sentence starts it was given."""
    return [found for document in documents for found in extract_batch([document], model, doc_timeout)]


def _failed(document: Document, error: Exception, tokens: int = 0) -> DocumentGraph:
    message = " ".join(f"{type(error).__name__}: {error}".split())[:300]
    return DocumentGraph(document=document, ntriples="", entities=0, relations=0, tokens=tokens,
                         error=f"{document.source or document.id}: extraction failed ({message})")


def _timed_out(document: Document, stage: str, seconds: float | None, tokens: int = 0) -> DocumentGraph:
    return DocumentGraph(document=document, ntriples="", entities=0, relations=0, tokens=tokens,
                         error=f"{document.source or document.id}: took more than {seconds:g} s to {stage} "
                         "(the time limit per document, --doc-timeout)")


class DocumentTimeout(BaseException):
    """A document ran past its time budget (raised by :func:`time_limit`).

    A ``BaseException``, as ``KeyboardInterrupt`` is, so that the ``except Exception`` handlers
    on its way out (spaCy's, and kg's own "one document's bug must not cost the build") let it
    through instead of carrying on with the clock stopped.
    """


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`DocumentTimeout` in the block once it has run for ``seconds`` (wall clock).

    A ``SIGALRM`` timer (``signal.setitimer``) whose handler raises: Python runs the handler as
    soon as it next has control, which spaCy's slow path gives it often (the tokenizer's regular
    expressions check for signals as they run). Native code that never returns to Python would
    be stopped only when it does. Signals reach the main thread only, so in any other thread (a
    Dask worker's), and where there is no ``SIGALRM`` (Windows), the block runs with no limit.
    ``None`` or 0 means no limit. The previous handler, and a timer set outside, are restored.

    >>> try:
    ...     with time_limit(0.05):
    ...         while True:
    ...             pass
    ... except DocumentTimeout:
    ...     print("stopped")
    stopped
    """
    if not seconds or seconds <= 0 or not hasattr(signal, "setitimer") \
            or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise DocumentTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    started = time.monotonic()
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
            if outer:  # someone else's timer was running: give it back what is left of it
                signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 1e-3))


class WorkerError(KGError):
    """A worker process died (killed, out of memory, a crash in native code)."""


#: How worker processes start. On Linux they are forked from the build, which has loaded the
#: model: no worker imports kg and loads the model again (about 2 s of CPU each, before its first
#: document; the model's arrays stay shared until written), the way spaCy's own ``n_process``
#: starts its workers. A worker touches nothing of the build's but the model and its pipes, so
#: the build's other threads (a progress bar) leave it no lock it needs. Elsewhere each worker
#: is a clean interpreter ("spawn"): macOS's system libraries are unsafe to fork, Windows cannot.
WORKER_START = "fork" if sys.platform.startswith("linux") else "spawn"


def _start_worker(model: str | None, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it stops the pool
    _die_with(parent)
    load_pipeline(model)


#: Linux's prctl option that sends the calling process a signal when its parent dies.
PR_SET_PDEATHSIG = 1


def _die_with(parent: int) -> None:
    """Have the kernel end this worker when the build that started it dies: a SIGKILLed parent
    has no time to stop its pool, and each worker holds a model (350 MB). Linux only; elsewhere
    a worker still ends when it next reads from its closed pipe."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def extract_graphs(
    documents: Iterable[Document], *, model: str | None = None, workers: int = 1, batch_size: int = BATCH_SIZE,
    doc_timeout: float | None = None,
) -> Iterator[DocumentGraph]:
    """Each document's graph, in input order, over ``workers`` processes.

    Documents are read lazily and at most a few batches per worker are in flight, so memory
    does not grow with the input. A document that takes more than ``doc_timeout`` seconds to
    parse or to extract from gets a graph with an ``error`` (:func:`extract_batch`); each worker
    times its own documents, in its main thread.
    """
    chunks = batches(documents, batch_size)
    if workers <= 1:
        for batch in chunks:
            yield from extract_batch(batch, model, doc_timeout)
        return
    context = multiprocessing.get_context(WORKER_START)
    if WORKER_START == "fork":
        load_pipeline(model)  # loaded once, here, for every worker to inherit
    # concurrent.futures, not multiprocessing.Pool: a Pool whose worker dies waits for its
    # result forever; the executor fails every pending future with BrokenProcessPool.
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(model, os.getpid()))
    try:
        yield from ordered_results(lambda batch: pool.submit(extract_batch, batch, model, doc_timeout), chunks,
                                   window=2 * workers)
    except BrokenProcessPool:
        raise WorkerError("a worker process died (killed, out of memory, or crashed); stopped") from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class _Pending(Protocol):
    """A submitted batch: a ``concurrent.futures`` future, or a Dask one."""

    def result(self) -> list[DocumentGraph]: ...


def ordered_results(
    submit: Callable[[list[Document]], _Pending], batches: Iterable[list[Document]], *, window: int
) -> Iterator[DocumentGraph]:
    """The graphs of batches handed to ``submit``, in submission order, with at most ``window``
    batches outstanding.

    ``Executor.map`` would read the whole input ahead; this keeps the reader a few batches in front.
    """
    pending: deque[_Pending] = deque()
    for batch in batches:
        pending.append(submit(batch))
        if len(pending) >= window:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


def batches(documents: Iterable[Document], size: int,
            characters: int = BATCH_CHARACTERS) -> Iterator[list[Document]]:
    """Documents in lists of ``size``, or fewer when their texts would pass ``characters``, read lazily."""
    batch: list[Document] = []
    length = 0
    for document in documents:
        if batch and (len(batch) == size or length + len(document.text) > characters):
            yield batch
            batch, length = [], 0
        batch.append(document)
        length += len(document.text)
    if batch:
        yield batch
