"""Per-document extraction: a pure map, the same in one process or two, and lazy."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from spacy.language import Language
from spacy.tokens import Doc

from kg.graph.rdf import document_iri
from kg.model import Document
from kg.nlp import load_pipeline
from kg.read import read_documents, text_document
from kg.workers import BATCH_SIZE, DocumentGraph, DocumentTimeout, document_graph, extract_graphs, time_limit

TEXT = "Blinken will meet with Netanyahu in Jerusalem. John Kirby is a spokesman for the White House."


def test_a_documents_graph_depends_on_that_document_only() -> None:
    nlp = load_pipeline()
    document = text_document(TEXT, doc_id="one")
    alone = document_graph(document, nlp(TEXT))
    other = text_document("Antony Blinken flew to Tel Aviv.", doc_id="two")
    together = [document_graph(d, nlp(d.text)) for d in (other, document)]
    assert together[1].ntriples == alone.ntriples
    assert alone.entities >= 3 and alone.relations >= 2 and alone.tokens == len(nlp(TEXT))


def test_nquads_put_every_triple_in_the_documents_named_graph() -> None:
    document = text_document(TEXT, doc_id="one")
    found = document_graph(document, load_pipeline()(TEXT))
    dataset = Dataset()
    dataset.parse(data=found.nquads(), format="nquads")
    names = {str(graph.identifier) for graph in dataset.graphs() if len(graph)}
    assert names == {str(document_iri("one"))}
    triples = Graph().parse(data=found.ntriples, format="nt")
    assert isomorphic(dataset.graph(document_iri("one")), triples)


@pytest.mark.slow
def test_two_workers_give_what_one_gives(paragraphs_jsonl: Path) -> None:
    documents = list(read_documents([paragraphs_jsonl]))[:12]
    one = list(extract_graphs(documents, workers=1, batch_size=4))
    two = list(extract_graphs(documents, workers=2, batch_size=4))
    assert [found.document.id for found in two] == [d.id for d in documents]  # input order kept
    assert [found.ntriples for found in two] == [found.ntriples for found in one]


def test_documents_are_read_lazily() -> None:
    """The input is read a batch at a time, so memory does not grow with the corpus."""
    read = 0

    def endless() -> Iterator[Document]:
        nonlocal read
        while True:
            read += 1
            yield text_document(f"Document {read} names Angela Merkel.", doc_id=str(read))

    results = extract_graphs(endless(), workers=1, batch_size=BATCH_SIZE)
    first = next(results)
    assert first.document.id == "1" and read <= BATCH_SIZE + 1


def test_a_document_that_fails_is_reported_not_fatal(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import kg.workers

    real = kg.workers.document_graph

    def flaky(document: Document, doc):  # type: ignore[no-untyped-def]
        if document.id == "bad":
            raise ValueError("boom")
        return real(document, doc)

    monkeypatch.setattr(kg.workers, "document_graph", flaky)
    documents = [text_document(TEXT, doc_id="good"), text_document("Angela Merkel spoke.", doc_id="bad")]
    found = list(extract_graphs(documents, workers=1))
    assert found[0].error is None and found[0].ntriples
    assert found[1].error is not None and "boom" in found[1].error and found[1].ntriples == ""


@pytest.mark.slow
def test_a_dead_worker_fails_the_run_instead_of_hanging() -> None:
    import multiprocessing
    import os
    import signal

    import pytest

    from kg.workers import WorkerError

    def documents() -> Iterator[Document]:
        for number in range(400):
            yield text_document(f"Document {number} names Angela Merkel.", doc_id=str(number))

    results = extract_graphs(documents(), workers=2, batch_size=1)
    next(results)
    for child in multiprocessing.active_children():
        os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
    with pytest.raises(WorkerError):
        list(results)


def _children(pid: int) -> set[int]:
    """The processes ``pid`` started, from /proc."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.update(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads processes from Linux's /proc")
@pytest.mark.slow
def test_workers_die_with_a_killed_build(tmp_path: Path) -> None:
    """SIGKILL leaves the parent no time to stop its pool: the workers must not live on (350 MB each)."""
    corpus = tmp_path / "many.jsonl"
    corpus.write_text("".join(json.dumps({"id": str(number), "text": f"Story {number}: Angela Merkel met Joe Biden "
                                          "in Berlin on Monday. " * 20}) + "\n" for number in range(3000)))
    build = subprocess.Popen([sys.executable, "-m", "kg", "build", str(corpus), "--out", str(tmp_path / "out"),
                              "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.2)
            # a forked worker runs the build's command line; a spawned one, multiprocessing's
            workers = {pid for pid in _children(build.pid)
                       if _command(pid) == _command(build.pid) or "spawn_main" in _command(pid)}
        assert len(workers) == 2, "the build never started two workers"
        build.send_signal(signal.SIGKILL)
        build.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
            time.sleep(0.2)
        assert not any(_alive(pid) for pid in workers)
    finally:
        build.kill()
        for pid in workers:  # leave no worker behind, whatever the outcome
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


#: 16 KB of brackets with no space: spaCy's tokenizer strips one bracket at a time and searches
#: the whole rest again each time, so this takes 10-20 s to tokenize (36 KB took 40-100 s).
BRACKETS = "Brackets\n" + "(" * 8000 + ")" * 8000


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.slow
def test_a_slow_document_is_skipped_and_the_others_built(workers: int) -> None:
    """The slow document shares a batch with two others: they are built as they are alone."""
    nlp = load_pipeline()
    documents = [text_document(TEXT, doc_id="before"), text_document(BRACKETS, doc_id="slow"),
                 text_document("Angela Merkel met Emmanuel Macron in Paris.", doc_id="after")]
    started = time.monotonic()
    found = list(extract_graphs(documents, workers=workers, doc_timeout=1.0))
    assert [graph.document.id for graph in found] == ["before", "slow", "after"]
    assert found[1].error is not None and "took more than 1 s to parse" in found[1].error and found[1].ntriples == ""
    for graph, document in zip(found[::2], documents[::2], strict=True):
        assert graph.error is None
        assert graph.ntriples == document_graph(document, nlp(document.text)).ntriples
    assert time.monotonic() - started < 8 + (10 if workers > 1 else 0)  # the workers load the model first


def test_a_batch_that_overruns_is_parsed_again_one_document_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """A timer around a whole batch must not cost the batch's quick documents: only the slow one is skipped."""
    import kg.workers
    from kg.nlp import text_of

    real = kg.workers.parse

    def slow_on_merkel(docs: Iterator[Doc], nlp: Language, batch_size: int) -> Iterator[Doc]:
        docs = list(docs)
        if any("Merkel" in text_of(doc) for doc in docs):
            time.sleep(5)  # a parser stuck on one document of the batch
        return real(docs, nlp, batch_size=batch_size)

    monkeypatch.setattr(kg.workers, "parse", slow_on_merkel)
    documents = [text_document(TEXT, doc_id="quick"), text_document("Angela Merkel spoke.", doc_id="slow"),
                 text_document("Antony Blinken flew to Tel Aviv.", doc_id="also-quick")]
    found = list(extract_graphs(documents, workers=1, doc_timeout=0.5))
    assert [graph.error is None for graph in found] == [True, False, True]
    assert found[0].ntriples and found[2].ntriples
    assert "took more than 0.5 s to parse" in str(found[1].error)


def test_a_document_whose_extraction_is_slow_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.workers

    real = kg.workers.document_graph

    def slow(document: Document, doc: Doc) -> DocumentGraph:
        if document.id == "slow":
            time.sleep(5)
        return real(document, doc)

    monkeypatch.setattr(kg.workers, "document_graph", slow)
    documents = [text_document("Angela Merkel spoke.", doc_id="slow"), text_document(TEXT, doc_id="quick")]
    found = list(extract_graphs(documents, workers=1, doc_timeout=0.5))
    assert "took more than 0.5 s to extract from" in str(found[0].error) and found[0].tokens == 4
    assert found[1].error is None and found[1].ntriples


def test_time_limit_restores_the_previous_handler_and_is_off_outside_the_main_thread() -> None:
    def handler(signum: int, frame: object) -> None:
        pass

    previous = signal.signal(signal.SIGALRM, handler)
    try:
        with pytest.raises(DocumentTimeout):
            with time_limit(0.05):
                try:
                    time.sleep(1)
                except Exception:  # a library's catch-all must not swallow the timeout
                    pass
        assert signal.getsignal(signal.SIGALRM) is handler
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.signal(signal.SIGALRM, previous)
    finished = []

    def in_a_thread() -> None:
        with time_limit(0.05):  # no signal reaches this thread: no limit, no error
            time.sleep(0.2)
        finished.append(True)

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    assert finished == [True]
