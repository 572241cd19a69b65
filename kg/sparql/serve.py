"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over a graph file or a store.

- ``/sparql`` answers GET (``?query=``) and POST (form or ``application/sparql-query``).
  SELECT and ASK results come as SPARQL JSON, XML, CSV or TSV, CONSTRUCT and DESCRIBE as
  Turtle, N-Triples or JSON-LD, chosen by the ``Accept`` header. kg's prefixes are declared.
- Updates and federated queries are refused (403) and malformed or too deeply nested queries get
  400 before they take a worker (:mod:`kg.sparql.guard`).
- ``/sparql`` with no query describes the service (SPARQL 1.1 Service Description); ``/`` is a
  query page with kg's example queries, ``/graph`` the interactive graph page; Graph Store
  requests (PUT, DELETE, ``/store``) get 405: the endpoint is read-only.

It is built to stay up under hostile load: queries run in a pool of worker processes over one
snapshot of the data (:mod:`kg.sparql.pool`, :mod:`kg.sparql.worker`), without network; answers
are capped in rows and bytes; slow or silent connections are dropped, and when all connections
are taken the one waiting longest for its request makes way for a new one. Pages of other sites
cannot use it: a request from another origin is refused unless ``--cors`` names it, and on a
loopback address a ``Host`` other than a loopback name is refused (DNS rebinding: a site whose
name resolves to 127.0.0.1 is still another site). This module is the HTTP side.
"""

from __future__ import annotations

import ipaddress
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg.sparql.pool import QueryRunner
from kg.sparql.worker import GRAPH_FORMATS, TEXT, Answer, Limits, negotiate, text_answer

MAX_QUERY_BYTES = 1_000_000
#: Seconds a connection may stay silent, and may take to send one whole request.
IDLE_SECONDS = 10.0
HEADER_SECONDS = 10.0
#: Connections open at once. Past that a new one takes the place of the connection that has waited
#: longest for its request, once that one has waited :data:`EVICT_AFTER_SECONDS` (a slow sender, or
#: a client idle between requests), or gets 503 when every connection is busy with a query.
MAX_CONNECTIONS = 256
EVICT_AFTER_SECONDS = 1.0
#: Names a browser uses for this machine: on a loopback address only these may be in ``Host``.
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})
_HOST_HEADER = re.compile(r"(?:[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


#: Where stores take Graph Store Protocol requests (Oxigraph's /store, Fuseki's /data).
GRAPH_STORE_PATHS = ("/store", "/data")


def service_description(endpoint: str, accept: str) -> Answer:
    """What the endpoint is (SPARQL 1.1 Service Description), for a GET of /sparql with no query:
    the language it speaks and the result formats it writes."""
    media = negotiate(accept, GRAPH_FORMATS, "text/turtle")
    if media is None:
        return text_answer(406, "Accept one of: " + ", ".join(GRAPH_FORMATS))
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
    body = ox.serialize(triples, format=GRAPH_FORMATS[media]) or b""
    return Answer(200, f"{media}; charset=utf-8", body)


def query_page(source: Path) -> bytes:
    """The page at /: a query editor with kg's example queries, working offline (no script or style
    from elsewhere; answers drawn as text)."""
    from html import escape

    from kg.sparql.query import example_names, example_query

    examples = {name: example_query(name) for name in example_names()}
    templates = Path(__file__).resolve().parent.parent / "templates"
    data = json.dumps(examples, ensure_ascii=False).replace("<", "\\u003c")
    page = (templates / "query.html").read_text("utf-8").replace("__SOURCE__", escape(source.name))
    # the script last, so nothing in it is taken for a placeholder
    page = page.replace("__EXAMPLES__", data).replace("__SCRIPT__", (templates / "query.js").read_text("utf-8"))
    return page.encode("utf-8")


def host_refusal(host: str | None, served: tuple[str, int]) -> str | None:
    """Why a request's ``Host`` header is refused, or None. On a loopback address it must name this
    machine (a loopback name, and this port when it names one); elsewhere it must be a host name,
    since it is written into the service description."""
    if host is None:
        return None  # HTTP/1.0 clients may leave it out; browsers never do
    if not _HOST_HEADER.fullmatch(host):
        return "the Host header is not a host name"
    if not is_loopback(served[0]):
        return None
    name, _, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
    if not name:
        name, port = host, ""
    if name.lower() not in LOOPBACK_NAMES or (port and int(port) != served[1]):
        return (f"this endpoint serves 127.0.0.1:{served[1]}, not {host}: a page of another site reached it "
                f"through its own name (DNS rebinding)")
    return None


def origin_refusal(origin: str | None, fetch_site: str | None, host: str | None, cors: str | None) -> str | None:
    """Why a request made by a page of another site is refused, or None: browsers say where a
    request comes from (``Origin``, ``Sec-Fetch-Site``), and only this endpoint's own pages, or the
    origin ``--cors`` names, may run queries here (even a query whose answer the page cannot read
    costs the server, and ran before it was refused)."""
    if cors == "*":
        return None
    if origin is not None:
        if origin == cors or (host is not None and origin.lower() == f"http://{host}".lower()):
            return None
    elif fetch_site not in ("cross-site", "same-site"):
        return None
    return "requests from pages of other sites are refused; start kg serve with --cors ORIGIN to allow one"


def graph_page(source: Path, max_nodes: int | None) -> bytes:
    """The graph page of ``source`` (a graph file or a store), as ``kg render`` makes it."""
    from kg.graph.export import load_graph
    from kg.view.viewer import render_html

    return render_html(load_graph(source), title=f"kg: {source.name}", max_nodes=max_nodes).encode("utf-8")


def _make_page(make: Callable[[], bytes], connection: Any) -> None:
    """The page process: make the page and send it (or why not) down ``connection``. Ctrl-C is the
    server's to handle: the page process ignores it, and ends with the server."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        connection.send(("page", make()))
    except Exception as error:  # noqa: BLE001 - anything that stops the page is said to whoever asks
        connection.send(("error", f"{type(error).__name__}: {error}"))


class PageMaker:
    """The graph page, made in a process of its own, once per snapshot of the source.

    Making the page of a large graph takes seconds of Python; in the server's process it would hold
    the interpreter from the threads answering queries (a 1,500-story store: cheap queries' p99
    0.155 s meanwhile). Here it runs elsewhere, starts as soon as the server does, and again when
    the source changes (a build appended to it); a request for ``/graph`` waits for it, and
    nothing else does.
    """

    def __init__(self, make: Callable[[], bytes]) -> None:
        import multiprocessing

        self.make = make  # picklable: it runs in the page process
        self.context = multiprocessing.get_context("spawn")
        self.lock = threading.Lock()
        self.version: tuple[object, ...] | None = None
        self.process: Any = None
        self.connection: Any = None
        self.answer: Answer | None = None

    def start(self, version: tuple[object, ...]) -> None:
        """Make the page of ``version`` in the background, unless it is made or being made."""
        with self.lock:
            if version == self.version:
                return
            self._stop()
            self.connection, child = self.context.Pipe(duplex=False)
            self.process = self.context.Process(target=_make_page, args=(self.make, child), daemon=True)
            self.process.start()
            child.close()
            self.version, self.answer = version, None

    def page(self, version: tuple[object, ...]) -> Answer:
        """The page of ``version``, waiting for it to be made."""
        self.start(version)
        with self.lock:
            if self.answer is None:
                try:
                    kind, value = self.connection.recv()
                except (EOFError, OSError):
                    kind, value = "error", "the page process stopped"
                self.process.join()
                if kind == "page":
                    self.answer = Answer(200, "text/html; charset=utf-8", value)
                else:
                    self.version = None  # the next request tries again
                    return text_answer(500, f"the graph page could not be made: {value}")
            return self.answer

    def _stop(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.kill()
            self.process.join()
        if self.connection is not None:
            self.connection.close()

    def close(self) -> None:
        with self.lock:
            self._stop()


def make_handler(
    runner: QueryRunner, page: Callable[[], Answer], cors: str | None = None
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
            client sending a byte every few seconds never trips the idle timeout. Meanwhile the
            connection is one that may make way for a new one when all are taken."""
            self.header_timer = threading.Timer(HEADER_SECONDS, self.drop)
            self.header_timer.daemon = True
            self.header_timer.start()
            self.server.waiting[self.connection] = time.monotonic()  # type: ignore[attr-defined]

        def drop(self) -> None:
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        def parse_request(self) -> bool:  # reads the headers, after the request line
            parsed = super().parse_request()
            self.arrived = time.monotonic()
            if not parsed:
                return False
            if self.request_version == "HTTP/1.0":
                self.close_connection = True  # one request per connection, said in the answer
            refused = (host_refusal(self.headers.get("Host"), self.served())
                       or origin_refusal(self.headers.get("Origin"), self.headers.get("Sec-Fetch-Site"),
                                         self.headers.get("Host"), cors))
            if len(self.headers.get_all("Content-Length") or []) > 1:
                refused = "more than one Content-Length"
                self.reply(text_answer(400, refused))
                return False
            if refused is not None:
                self.reply(text_answer(403, refused))
                return False
            return True

        def served(self) -> tuple[str, int]:
            """The address and port the server listens on."""
            address = self.server.server_address
            return str(address[0]), int(address[1])  # type: ignore[index]

        def request_read(self) -> None:
            """The request is in, body and all: what remains is the server's time, not the client's."""
            if self.header_timer is not None:
                self.header_timer.cancel()
            self.server.waiting.pop(self.connection, None)  # type: ignore[attr-defined]

        def finish(self) -> None:
            self.request_read()
            super().finish()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self.request_read()  # a GET has no body: the rest (a page being made, a query) is the server's time
            url = urlsplit(self.path)
            fields = parse_qs(url.query, keep_blank_values=True)
            if url.path in ("/", "/index.html"):
                self.reply(Answer(200, "text/html; charset=utf-8", query_page(runner.source)))
            elif url.path in ("/graph", "/graph.html"):
                self.reply(page())
            elif url.path == "/sparql" and not fields:
                host = self.headers.get("Host") or "{}:{}".format(*self.served())
                self.reply(service_description(f"http://{host}/sparql", self.headers.get("Accept") or "*/*"))
            elif url.path == "/sparql":
                self.answer_query(fields)
            elif url.path in GRAPH_STORE_PATHS:
                self.refuse_graph_store()
            else:
                self.reply(text_answer(404, "not found: the endpoint is /sparql"))

        def do_POST(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            if url.path in GRAPH_STORE_PATHS:
                self.refuse_graph_store()
                return
            if url.path != "/sparql":
                self.reply(text_answer(404, "not found: the endpoint is /sparql"))
                return
            if self.headers.get("Transfer-Encoding"):
                self.reply(text_answer(411, "send a Content-Length, not chunks"))
                return
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0:
                self.reply(text_answer(400, "bad Content-Length"))
                return
            if length > MAX_QUERY_BYTES:
                self.reply(text_answer(413, "query too large"))
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
                self.reply(text_answer(415, "send the query as application/sparql-query or a form field 'query'"))

        def do_HEAD(self) -> None:  # noqa: N802
            self.reply(Answer(405, TEXT, b""))

        def do_PUT(self) -> None:  # noqa: N802 - the Graph Store Protocol's writes
            self.refuse_graph_store()

        do_DELETE = do_PATCH = do_PUT  # noqa: N815

        def refuse_graph_store(self) -> None:
            self.reply(text_answer(405, "this endpoint is read-only: it serves no Graph Store (PUT, POST or DELETE of "
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
                self.reply(text_answer(400, "give exactly one non-empty 'query'"))
                return
            self.reply(runner.run(queries[0], self.headers.get("Accept") or "*/*", arrived=self.arrived))

        def refuse_update(self) -> None:
            self.reply(text_answer(403, "this endpoint is read-only: updates are refused"))

        def reply(self, answer: Answer) -> None:
            self.request_read()
            if answer.status >= 400:
                self.close_connection = True  # an unread body must not be read as the next request
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            if self.close_connection:
                self.send_header("Connection", "close")
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
    """One thread per connection, up to ``max_connections``; past that, the connection that has waited
    longest for its request is dropped to make room (slow senders cannot hold every place), or
    503 at once when none has waited long."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, *args: Any, max_connections: int = MAX_CONNECTIONS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.open_connections = threading.BoundedSemaphore(max_connections)
        #: Connections waiting for (the rest of) a request, and since when.
        self.waiting: dict[socket.socket, float] = {}

    def make_room(self) -> bool:
        """Drop the connection waiting longest for its request and take its place, once it has waited
        :data:`EVICT_AFTER_SECONDS` (a client that sends its request at once never is dropped;
        new arrivals queue meanwhile); False when every connection is busy with a query, or the
        place did not come free."""
        try:
            connection, since = min(list(self.waiting.items()), key=lambda item: item[1])
        except ValueError:
            return False
        time.sleep(max(0.0, since + EVICT_AFTER_SECONDS - time.monotonic()))
        if self.waiting.pop(connection, None) is None:  # its request came in meanwhile: look again
            return self.open_connections.acquire(blocking=False) or self.make_room()
        try:
            connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        return self.open_connections.acquire(timeout=1.0)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.open_connections.acquire(blocking=False) and not self.make_room():
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
    port: int = 7879,  # not 7878, Oxigraph's own default: both run side by side for kg push
    timeout: float = 10.0,
    workers: int = 2,
    limits: Limits | None = None,
    cors: str | None = None,
    page: Callable[[], bytes] | None = None,
    ready: Callable[[str], None] | None = None,
    warn: Callable[[str], None] | None = None,
    max_connections: int = MAX_CONNECTIONS,
) -> None:
    """Serve ``source`` until interrupted. ``page`` makes the HTML for ``/graph`` (a picklable callable,
    such as a ``partial`` of :func:`graph_page`: it runs in a process of its own, see
    :class:`PageMaker`), at once and again after the source changed."""
    runner = QueryRunner(source, workers=workers, timeout=timeout, limits=limits)
    pages = PageMaker(page) if page is not None else None
    if pages is not None:
        pages.start(runner.version())

    def html() -> Answer:
        if pages is None:
            return Answer(200, "text/html; charset=utf-8", b"<!DOCTYPE html><title>kg</title><p>SPARQL at /sparql")
        return pages.page(runner.version())

    try:
        server = _Server((host, port), make_handler(runner, html, cors), max_connections=max_connections)
    except BaseException:
        runner.close()
        if pages is not None:
            pages.close()
        raise
    if warn is not None and not runner.network_isolated:
        warn("the query workers could not be cut off from the network on this system; federated queries are "
             "still refused by reading each query")
    if ready is not None:
        ready(f"http://{host}:{server.server_address[1]}/")
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        runner.close()
        if pages is not None:
            pages.close()
