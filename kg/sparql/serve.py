"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over a graph file or a store.

- ``/sparql`` answers GET (``?query=``) and POST (form or ``application/sparql-query``).
  SELECT and ASK results come as SPARQL JSON, XML, CSV or TSV, CONSTRUCT and DESCRIBE as
  Turtle, N-Triples or JSON-LD, chosen by the ``Accept`` header. kg's prefixes are declared.
- Updates and federated queries are refused (403) and malformed or too deeply nested queries get
  400 before they take a worker (:mod:`kg.sparql.guard`).
- ``/sparql`` with no query describes the service (SPARQL 1.1 Service Description); ``/`` is a
  query page with kg's example queries, ``/graph`` the interactive graph page; Graph Store
  requests (PUT, DELETE, ``/store``) get 405: the endpoint is read-only.

It is built to stay up under hostile load: queries run in worker processes (:mod:`kg.sparql.worker`)
over one snapshot of the data, so a query past its time is ended with its process and a crash or
a memory bomb costs one worker, replaced in milliseconds from a fork server; ``--timeout``
counts from a query's arrival, waiting included (503 when no worker frees up in time); answers
are capped in rows and bytes; slow or silent connections are dropped; browsers on other sites
may call it only when ``--cors`` names them.
"""

from __future__ import annotations

import ipaddress
import json
import multiprocessing
import os
import queue
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg.errors import GraphError
from kg.graph.store import load_file, read_store, reads_union
from kg.namespace import PREFIXES
from kg.sparql.guard import refusal
from kg.sparql.worker import Answer, Limits, negotiate, serve_queries

MAX_QUERY_BYTES = 1_000_000
#: Seconds a connection may stay silent, and may take to send one whole request.
IDLE_SECONDS = 10.0
HEADER_SECONDS = 10.0
#: Connections open at once; more get 503 at once rather than a thread each.
MAX_CONNECTIONS = 256
#: A query running longer than this is a long one; only ``workers - 1`` may run at once.
LONG_SECONDS = 0.25
#: How often (seconds, at most) the source is checked for a newer version to serve.
RELOAD_CHECK_SECONDS = 2.0
TEXT = "text/plain; charset=utf-8"


def _text(status: int, message: str) -> Answer:
    return Answer(status, TEXT, (message.rstrip("\n") + "\n").encode("utf-8"))


def source_version(source: Path) -> tuple[object, ...]:
    """What changes when the source is rewritten: a file's size and time, a store's files' (a
    build writing to a store changes its log and tables)."""
    try:
        if source.is_dir():
            return tuple(sorted((entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
                                for entry in os.scandir(source) if not entry.name.startswith("LOG")))
        stat = source.stat()
        return (stat.st_size, stat.st_mtime_ns)
    except OSError:
        return ()


@dataclass
class Snapshot:
    """The served data as it was at one moment: a private on-disk copy every worker opens.

    A store is checkpointed (hard links: milliseconds, no copy), a file loaded once into an
    on-disk store; workers then open it read-only, so starting one costs no parsing, and a build
    writing to the source changes nothing a worker sees.
    """

    folder: Path
    version: tuple[object, ...]
    union: bool

    @classmethod
    def take(cls, source: Path) -> Snapshot:
        version = source_version(source)
        folder = Path(tempfile.mkdtemp(prefix="kg-serve-"))
        target = folder / "store"
        try:
            if source.is_dir():
                store = read_store(source)
                union = reads_union(store)
                try:
                    store.backup(str(target))
                except (OSError, RuntimeError) as error:
                    raise GraphError(f"{source}: cannot read the store ({error}); rebuild it") from error
            else:
                store = ox.Store(str(target))
                load_file(store, source)
                store.flush()
                union = False
            del store
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return cls(folder=folder, version=version, union=union)

    @property
    def store(self) -> Path:
        return self.folder / "store"

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _worker_context() -> Any:
    """Workers fork from a server that imported only :mod:`kg.sparql.worker` and pyoxigraph."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kg.sparql.worker"])
    return context


@dataclass(eq=False)
class Worker:
    process: Any
    connection: Connection


@dataclass(eq=False)
class Pool:
    """The workers reading one snapshot: ``serving`` of them answer queries (``idle`` holds those
    free to take one), and a ``spare`` waits, started, to take the place of one that is ended."""

    snapshot: Snapshot
    size: int
    idle: queue.Queue[Worker | None] = field(default_factory=queue.Queue)  # None: none can start
    spare: queue.Queue[Worker] = field(default_factory=lambda: queue.Queue(maxsize=1))
    serving: int = 0
    failure: str | None = None
    retired: bool = False


class QueryRunner:
    """Answers queries with a pool of warm worker processes over a snapshot of ``source``.

    A query waits for a free worker no longer than its time allows (``timeout`` from arrival),
    and may run past :data:`LONG_SECONDS` only while another worker stays free for quick queries;
    a worker that overruns, crashes or exceeds its memory is ended and a fresh one forked in its
    place by a keeper thread, while the query that cost it gets 503 or 500. When the source
    changes (a build appended to the store), the next query after a check takes a new snapshot
    and a new pool, and every later query reads it: the switch happens at one moment.
    """

    def __init__(self, source: Path, *, workers: int = 2, timeout: float = 10.0, limits: Limits | None = None,
                 max_rows: int | None = None) -> None:
        self.source = source
        self.timeout = timeout
        self.limits = limits or Limits()
        if max_rows is not None:
            self.limits = Limits(max_rows=max_rows, max_bytes=self.limits.max_bytes,
                                 max_memory=self.limits.max_memory)
        self.workers = workers
        self.context = _worker_context()
        self.lock = threading.Lock()  # counts of workers and of long queries
        self.reload_lock = threading.Lock()  # one look at the source at a time
        self.long_running = 0
        self.checked = time.monotonic()
        self.to_start: queue.Queue[Pool | None] = queue.Queue()
        self.keeper = threading.Thread(target=self._keep, name="worker-keeper", daemon=True)
        self.pool = self._new_pool(Snapshot.take(source))
        self.keeper.start()

    def _new_pool(self, snapshot: Snapshot) -> Pool:
        """A pool with its workers started (the first one here, so a bad snapshot fails loudly)."""
        pool = Pool(snapshot=snapshot, size=self.workers)
        try:
            self._add(pool, self._start(pool))
        except GraphError:
            snapshot.remove()
            raise
        for _ in range(self.workers):  # the others, and the spare
            self.to_start.put(pool)
        return pool

    def _add(self, pool: Pool, worker: Worker) -> None:
        """A started worker goes to answer queries if the pool is short of them, else waits as the spare."""
        with self.lock:
            serving = pool.serving < pool.size
            if serving:
                pool.serving += 1
        if serving:
            pool.idle.put(worker)
        else:
            try:
                pool.spare.put_nowait(worker)
            except queue.Full:
                self._end(worker)

    def _start(self, pool: Pool) -> Worker:
        parent, child = self.context.Pipe()
        args = (str(pool.snapshot.store), dict(PREFIXES), self.limits, pool.snapshot.union, child)
        process = self.context.Process(target=serve_queries, args=args, daemon=True)
        process.start()
        child.close()
        try:
            ready = parent.poll(120)
            status, message = parent.recv() if ready else ("error", "the worker took over 2 minutes to start")
        except (EOFError, OSError):
            status, message = "error", "the query worker stopped while opening the graph"
        if status != "ready":
            process.kill()
            raise GraphError(f"{self.source}: {message}")
        return Worker(process, parent)

    def _keep(self) -> None:
        """Start the workers pools ask for, one at a time; give up on a pool whose snapshot fails."""
        while (pool := self.to_start.get()) is not None:
            if pool.retired:
                continue
            try:
                self._add(pool, self._start(pool))
            except GraphError as error:
                pool.failure = str(error)
                pool.idle.put(None)

    def _replace(self, pool: Pool, worker: Worker) -> None:
        """End a worker; the spare takes its place at once, and the keeper starts a new spare."""
        self._end(worker)
        with self.lock:
            pool.serving -= 1
        if pool.retired:
            return
        try:
            self._add(pool, pool.spare.get_nowait())
        except queue.Empty:
            pass
        self.to_start.put(pool)

    @staticmethod
    def _end(worker: Worker) -> None:
        worker.process.kill()
        worker.connection.close()

    def _current(self) -> Pool:
        """The pool to ask, after taking a new snapshot if the source changed since the last look."""
        with self.reload_lock:
            if time.monotonic() - self.checked < RELOAD_CHECK_SECONDS:
                return self.pool
            self.checked = time.monotonic()
            if source_version(self.source) in ((), self.pool.snapshot.version):
                return self.pool
            try:
                fresh = self._new_pool(Snapshot.take(self.source))
            except GraphError:
                return self.pool  # keep serving what was there; the next check tries again
            old, self.pool = self.pool, fresh
        self._retire(old)
        return fresh

    def _retire(self, pool: Pool) -> None:
        pool.retired = True
        for waiting in (pool.spare, pool.idle):
            while True:
                try:
                    worker = waiting.get_nowait()
                except queue.Empty:
                    break
                if worker is not None:
                    self._end(worker)

    def run(self, query: str, accept: str, *, arrived: float | None = None) -> Answer:
        """Answer one query within ``timeout`` seconds of ``arrived`` (``time.monotonic()``)."""
        deadline = (arrived if arrived is not None else time.monotonic()) + self.timeout
        refused = refusal(query)
        if refused is not None:
            return _text(refused.status, refused.message)
        pool = self._current()
        worker = self._take(pool, deadline)
        if isinstance(worker, Answer):
            return worker
        long = False
        try:
            worker.connection.send((query, accept))
            short_until = min(deadline, time.monotonic() + LONG_SECONDS)
            if not worker.connection.poll(max(0.0, short_until - time.monotonic())) and short_until < deadline:
                long = self._may_run_long()
                if not long:
                    self._replace(pool, worker)
                    return _text(503, f"busy: {self.workers - 1} long queries are running already, so this one was "
                                      f"stopped after {LONG_SECONDS:g} s; try again later")
            if worker.connection.poll(max(0.0, deadline - time.monotonic())):
                answer: Answer = worker.connection.recv()
                self._give_back(pool, worker)
                return answer
            timed_out = True
        except (EOFError, OSError):
            timed_out = False
        finally:
            if long:
                with self.lock:
                    self.long_running -= 1
        self._replace(pool, worker)
        if timed_out:
            return _text(503, f"query stopped: it ran longer than the {self.timeout:g} s timeout")
        return _text(500, "the query worker stopped while answering: the query needed more memory than "
                          "--max-memory allows, or crashed the query engine")

    def _may_run_long(self) -> bool:
        """Whether a query may go on past :data:`LONG_SECONDS`: at most all workers but one run long
        queries, so that one is always free for the quick queries most clients send."""
        with self.lock:
            if self.long_running >= max(1, self.workers - 1):
                return False
            self.long_running += 1
            return True

    def _take(self, pool: Pool, deadline: float) -> Worker | Answer:
        """The next free worker, first come first served, or why there is none in time."""
        try:
            worker = pool.idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return _text(503, f"busy: no query worker came free within the {self.timeout:g} s timeout; "
                              "try again later")
        if worker is None:  # the keeper could not start one: say so to every waiting query
            pool.idle.put(None)
            return _text(500, f"no query worker: {pool.failure}")
        return worker

    def _give_back(self, pool: Pool, worker: Worker) -> None:
        if pool.retired:
            self._replace(pool, worker)
        else:
            pool.idle.put(worker)

    def close(self) -> None:
        self.to_start.put(None)
        with self.reload_lock:
            pool = self.pool
        self._retire(pool)
        self.keeper.join(5)
        pool.snapshot.remove()


#: Where stores take Graph Store Protocol requests (Oxigraph's /store, Fuseki's /data).
GRAPH_STORE_PATHS = ("/store", "/data")
SERVICE_DESCRIPTION_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


def service_description(endpoint: str, accept: str) -> Answer:
    """What the endpoint is (SPARQL 1.1 Service Description), for a GET of /sparql with no query:
    the language it speaks and the result formats it writes."""
    media = negotiate(accept, SERVICE_DESCRIPTION_FORMATS, "text/turtle")
    if media is None:
        return _text(406, "Accept one of: " + ", ".join(SERVICE_DESCRIPTION_FORMATS))
    formats = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
               "Turtle", "N-Triples", "JSON-LD", "RDF_XML")
    turtle = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix fmt: <http://www.w3.org/ns/formats/> .
<{endpoint}#service> a sd:Service ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  sd:resultFormat {", ".join(f"fmt:{name}" for name in formats)} ;
  sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ] .
"""
    if media == "text/turtle":
        return Answer(200, "text/turtle; charset=utf-8", turtle.encode("utf-8"))
    triples = ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    body = ox.serialize(triples, format=SERVICE_DESCRIPTION_FORMATS[media]) or b""
    return Answer(200, f"{media}; charset=utf-8", body)


def query_page(source: Path) -> bytes:
    """The page at /: a query editor with kg's example queries, working offline (no script or style
    from elsewhere; answers drawn as text)."""
    from html import escape

    from kg.sparql.query import example_names, example_query

    examples = {name: example_query(name) for name in example_names()}
    template = (Path(__file__).resolve().parent.parent / "templates" / "query.html").read_text("utf-8")
    data = json.dumps(examples, ensure_ascii=False).replace("<", "\\u003c")
    return template.replace("__SOURCE__", escape(source.name)).replace("__EXAMPLES__", data).encode("utf-8")


def make_handler(
    runner: QueryRunner, page: Callable[[], bytes], cors: str | None = None
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "kg-sparql"
        protocol_version = "HTTP/1.1"
        timeout = IDLE_SECONDS  # socket reads: a silent connection is dropped

        def setup(self) -> None:
            super().setup()
            self.header_timer: threading.Timer | None = None
            self.arm_header_timer()

        def arm_header_timer(self) -> None:
            """Drop the connection unless a whole request (line, headers and body) arrives in time: a
            client sending a byte every few seconds never trips the idle timeout."""
            self.header_timer = threading.Timer(HEADER_SECONDS, self.drop)
            self.header_timer.daemon = True
            self.header_timer.start()

        def drop(self) -> None:
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        def parse_request(self) -> bool:  # reads the headers, after the request line
            parsed = super().parse_request()
            self.arrived = time.monotonic()
            return parsed

        def request_read(self) -> None:
            """The request is in, body and all: what remains is the server's time, not the client's."""
            if self.header_timer is not None:
                self.header_timer.cancel()

        def finish(self) -> None:
            if self.header_timer is not None:
                self.header_timer.cancel()
            super().finish()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            url = urlsplit(self.path)
            fields = parse_qs(url.query, keep_blank_values=True)
            if url.path in ("/", "/index.html"):
                self.reply(Answer(200, "text/html; charset=utf-8", query_page(runner.source)))
            elif url.path in ("/graph", "/graph.html"):
                self.reply(Answer(200, "text/html; charset=utf-8", page()))
            elif url.path == "/sparql" and not fields:
                host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_port}"  # type: ignore[attr-defined]
                self.reply(service_description(f"http://{host}/sparql", self.headers.get("Accept") or "*/*"))
            elif url.path == "/sparql":
                self.answer_query(fields)
            elif url.path in GRAPH_STORE_PATHS:
                self.refuse_graph_store()
            else:
                self.reply(_text(404, "not found: the endpoint is /sparql"))

        def do_POST(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            if url.path in GRAPH_STORE_PATHS:
                self.refuse_graph_store()
                return
            if url.path != "/sparql":
                self.reply(_text(404, "not found: the endpoint is /sparql"))
                return
            if self.headers.get("Transfer-Encoding"):
                self.reply(_text(411, "send a Content-Length, not chunks"))
                return
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0:
                self.reply(_text(400, "bad Content-Length"))
                return
            if length > MAX_QUERY_BYTES:
                self.reply(_text(413, "query too large"))
                return
            body = self.rfile.read(length).decode("utf-8", errors="replace")
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if content_type == "application/sparql-update":
                self.refuse_update()
            elif content_type == "application/sparql-query":
                self.answer_query({"query": [body]})
            elif content_type == "application/x-www-form-urlencoded":
                self.answer_query(parse_qs(body, keep_blank_values=True))
            else:
                self.reply(_text(415, "send the query as application/sparql-query or a form field 'query'"))

        def do_HEAD(self) -> None:  # noqa: N802
            self.reply(Answer(405, TEXT, b""))

        def do_PUT(self) -> None:  # noqa: N802 - the Graph Store Protocol's writes
            self.refuse_graph_store()

        do_DELETE = do_PATCH = do_PUT  # noqa: N815

        def refuse_graph_store(self) -> None:
            self.reply(_text(405, "this endpoint is read-only: it serves no Graph Store (PUT, POST or DELETE of "
                                  "graphs); query it at /sparql"))

        def do_OPTIONS(self) -> None:  # noqa: N802 - CORS preflight from browser clients such as YASGUI
            self.send_response(204)
            if cors is not None:
                self.send_header("Access-Control-Allow-Origin", cors)
                self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
                self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
            self.send_header("Allow", "GET, POST, OPTIONS")
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.arm_header_timer()

        def answer_query(self, fields: dict[str, list[str]]) -> None:
            self.request_read()
            if "update" in fields:
                self.refuse_update()
                return
            queries = fields.get("query", [])
            if len(queries) != 1 or not queries[0].strip():
                self.reply(_text(400, "give exactly one non-empty 'query'"))
                return
            self.reply(runner.run(queries[0], self.headers.get("Accept") or "*/*", arrived=self.arrived))

        def refuse_update(self) -> None:
            self.reply(_text(403, "this endpoint is read-only: updates are refused"))

        def reply(self, answer: Answer) -> None:
            self.request_read()
            if answer.status >= 400:
                self.close_connection = True  # an unread body must not be read as the next request
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            if cors is not None:
                self.send_header("Access-Control-Allow-Origin", cors)
                self.send_header("Access-Control-Expose-Headers", "X-KG-Results-Truncated")
            if answer.status == 503:
                self.send_header("Retry-After", "1")
            if answer.truncated is not None:
                self.send_header("X-KG-Results-Truncated", str(answer.truncated))
            self.end_headers()
            self.wfile.write(answer.body)
            if not self.close_connection:
                self.arm_header_timer()

    return Handler


class _Server(ThreadingHTTPServer):
    """One thread per connection, up to :data:`MAX_CONNECTIONS`; past that, 503 at once."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.open_connections = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.open_connections.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
                                b"Content-Length: 23\r\nConnection: close\r\nRetry-After: 1\r\n\r\n"
                                b"too many connections.\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.open_connections.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up early or goes silent is not the server's problem; anything else is reported."""
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def serve(
    source: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout: float = 10.0,
    workers: int = 2,
    limits: Limits | None = None,
    cors: str | None = None,
    page: Callable[[], bytes] | None = None,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve ``source`` until interrupted. ``page`` makes the HTML for ``/`` (once, on first request)."""
    runner = QueryRunner(source, workers=workers, timeout=timeout, limits=limits)
    cached: list[bytes] = []
    lock = threading.Lock()

    def html() -> bytes:
        with lock:
            if not cached:
                cached.append(page() if page is not None else b"<!DOCTYPE html><title>kg</title><p>SPARQL at /sparql")
            return cached[0]

    try:
        server = _Server((host, port), make_handler(runner, html, cors))
    except BaseException:
        runner.close()
        raise
    if ready is not None:
        ready(f"http://{host}:{server.server_address[1]}/")
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        runner.close()
