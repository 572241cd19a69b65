"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over a graph file or a store.

- ``/sparql`` answers GET (``?query=``) and POST (form or ``application/sparql-query``).
  SELECT and ASK results come as SPARQL JSON, XML, CSV or TSV, CONSTRUCT and DESCRIBE as
  Turtle, N-Triples or JSON-LD, chosen by the ``Accept`` header. kg's prefixes are declared.
- Updates are refused (403); a malformed query gets 400 with the parser's message.
- ``/`` serves the interactive graph page.

Queries run in worker processes holding their own copy of the data (pyoxigraph), so a query
that runs past the timeout is stopped by ending its process, not left burning a thread; a
fresh worker takes its place.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import itertools
import json
import multiprocessing
import queue
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

import pyoxigraph as ox

from kg.errors import GraphError
from kg.graph.store import read_store
from kg.namespace import PREFIXES

SELECT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/xml": ox.QueryResultsFormat.XML,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
FILE_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD, ".rdf": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML, ".n3": ox.RdfFormat.N3,
}
MAX_QUERY_BYTES = 1_000_000
#: SERVICE would make the server fetch any URL a caller names, on the caller's behalf.
FEDERATED = re.compile(r"\bSERVICE\b", re.IGNORECASE)
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class Answer:
    """An HTTP answer to a query: status, content type and body; ``truncated`` when capped."""

    status: int
    content_type: str
    body: bytes
    truncated: int | None = None


def open_source(source: Path) -> ox.Store:
    """The data to query: a graph file loaded in memory, or a kg store folder opened read-only."""
    if source.is_dir():
        return read_store(source)
    rdf_format = FILE_FORMATS.get(source.suffix.lower())
    if rdf_format is None:
        raise GraphError(f"{source}: unknown graph file type; use .ttl, .nt, .nq, .trig, .jsonld or .rdf")
    store = ox.Store()
    try:
        store.load(path=str(source), format=rdf_format)
    except (OSError, SyntaxError, ValueError) as error:
        raise GraphError(f"{source}: not a valid RDF file ({error})") from error
    return store


def _negotiate(accept: str, offered: dict[str, Any], default: str) -> str | None:
    """The best media type in ``offered`` for an Accept header; None when none is acceptable."""
    choices = []
    refused: set[str] = set()
    for position, part in enumerate(accept.split(",") if accept.strip() else ["*/*"]):
        fields = [field.strip() for field in part.split(";")]
        media, quality = fields[0].lower(), 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
                if not 0.0 <= quality <= 1.0:  # also NaN
                    quality = 0.0
        if quality == 0.0:
            refused.add(media)
        else:
            choices.append((-quality, position, media))
    acceptable = [m for m in offered if m not in refused]
    for _, _, media in sorted(choices):
        if media in acceptable:
            return media
        if media in ("*/*", "application/*", "text/*"):
            prefix = media[:-1]
            candidates = [m for m in acceptable if media == "*/*" or m.startswith(prefix)]
            if default in candidates:
                return default
            if candidates:
                return candidates[0]
    return None


def evaluate(store: ox.Store, query: str, accept: str, max_rows: int = 10_000) -> Answer:
    """Run one query and serialise its answer for the Accept header (inside a worker).

    At most ``max_rows`` solutions (or triples) are sent; the answer says when it was cut.
    """
    if FEDERATED.search(query):
        return Answer(403, "text/plain; charset=utf-8",
                      b"federated queries (SERVICE) are refused: this endpoint only answers from its own graph\n")
    try:
        result = store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryBoolean):
            media = _negotiate(accept, SELECT_FORMATS, "application/sparql-results+json")
            if media is None:
                return _not_acceptable(SELECT_FORMATS)
            return Answer(200, f"{media}; charset=utf-8", result.serialize(format=SELECT_FORMATS[media]) or b"")
        items = list(itertools.islice(result, max_rows + 1))
    except SyntaxError as error:
        return Answer(400, "text/plain; charset=utf-8", f"malformed SPARQL query: {error}\n".encode())
    except (OSError, ValueError) as error:
        return Answer(400, "text/plain; charset=utf-8", f"query failed: {error}\n".encode())
    except Exception as error:  # noqa: BLE001 - a worker must answer, whatever the engine raised
        return Answer(500, "text/plain; charset=utf-8", f"the query could not be answered: {error}\n".encode())
    truncated = max_rows if len(items) > max_rows else None
    items = items[:max_rows]
    if isinstance(result, ox.QueryTriples):
        media = _negotiate(accept, GRAPH_FORMATS, "text/turtle")
        if media is None:
            return _not_acceptable(GRAPH_FORMATS)
        body = ox.serialize(items, format=GRAPH_FORMATS[media]) or b""
        return Answer(200, f"{media}; charset=utf-8", body, truncated)
    media = _negotiate(accept, SELECT_FORMATS, "application/sparql-results+json")
    if media is None:
        return _not_acceptable(SELECT_FORMATS)
    variables = [variable.value for variable in result.variables]
    rows = [[solution[name] for name in variables] for solution in items]
    try:
        body = solutions_body(variables, rows, SELECT_FORMATS[media])
    except Exception as error:  # noqa: BLE001
        return Answer(500, "text/plain; charset=utf-8", f"the answer could not be written: {error}\n".encode())
    return Answer(200, f"{media}; charset=utf-8", body, truncated)


def solutions_body(variables: list[str], rows: list[list[Any]], result_format: ox.QueryResultsFormat) -> bytes:
    """SELECT results in the SPARQL 1.1 JSON, XML, CSV or TSV results format."""
    if result_format == ox.QueryResultsFormat.JSON:
        bindings = [{name: _json_term(term) for name, term in zip(variables, row, strict=True) if term is not None}
                    for row in rows]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                          ensure_ascii=False).encode("utf-8")
    if result_format == ox.QueryResultsFormat.XML:
        lines = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
        lines += [f'<variable name="{escape(name)}"/>' for name in variables]
        lines += ["</head>", "<results>"]
        for row in rows:
            lines.append("<result>")
            lines += [f'<binding name="{escape(name)}">{_xml_term(term)}</binding>'
                      for name, term in zip(variables, row, strict=True) if term is not None]
            lines.append("</result>")
        lines += ["</results>", "</sparql>"]
        return "\n".join(lines).encode("utf-8")
    buffer = io.StringIO()
    if result_format == ox.QueryResultsFormat.CSV:
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([["" if term is None else _plain(term) for term in row] for row in rows])
    else:
        buffer.write("\t".join(f"?{name}" for name in variables) + "\n")
        for row in rows:
            buffer.write("\t".join("" if term is None else str(term) for term in row) + "\n")
    return buffer.getvalue().encode("utf-8")


def _plain(term: Any) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term) if isinstance(term, ox.Triple) else str(term.value)


def _json_term(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                            "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    value = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        value["datatype"] = term.datatype.value
    return value


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
                f"</predicate><object>{_xml_term(term.object)}</object></triple>")
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f'<literal xml:lang="{escape(term.language)}">{escape(term.value)}</literal>'
    if term.datatype.value != XSD_STRING:
        return f'<literal datatype="{escape(term.datatype.value)}">{escape(term.value)}</literal>'
    return f"<literal>{escape(term.value)}</literal>"


def _not_acceptable(offered: dict[str, Any]) -> Answer:
    return Answer(406, "text/plain; charset=utf-8", ("cannot answer in the requested format; Accept one of: "
                                                    + ", ".join(offered) + "\n").encode())


def _worker(source: str, connection: Connection, max_rows: int) -> None:
    try:
        store = open_source(Path(source))
    except GraphError as error:
        connection.send(("error", str(error)))
        return
    connection.send(("ready", ""))
    while True:
        try:
            query, accept = connection.recv()
        except EOFError:
            return
        connection.send(evaluate(store, query, accept, max_rows))


class QueryRunner:
    """A small pool of worker processes; a query past its timeout costs its worker, not the server."""

    def __init__(self, source: Path, *, workers: int = 2, timeout: float = 10.0, max_rows: int = 10_000) -> None:
        self.source = source
        self.timeout = timeout
        self.max_rows = max_rows
        self.context = multiprocessing.get_context("spawn")
        # A slot holds a live worker, or None when its worker must be (re)started.
        self.idle: queue.Queue[tuple[Any, Connection] | None] = queue.Queue()
        for _ in range(workers):
            self.idle.put(self._start())

    def _start(self) -> tuple[Any, Connection]:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_worker, args=(str(self.source), child, self.max_rows), daemon=True)
        process.start()
        try:
            status, message = parent.recv() if parent.poll(600) else ("error", "loading took over 10 minutes")
        except EOFError:
            status, message = "error", f"{self.source}: the query worker stopped while loading the graph"
        if status != "ready":
            process.kill()
            raise GraphError(message)
        return process, parent

    def run(self, query: str, accept: str) -> Answer:
        worker = self.idle.get()
        if worker is None:
            try:
                worker = self._start()
            except GraphError as error:
                self.idle.put(None)  # keep the slot: the next request tries again
                return Answer(500, "text/plain; charset=utf-8", f"no query worker: {error}\n".encode())
        process, connection = worker
        timed_out = False
        try:
            connection.send((query, accept))
            if connection.poll(self.timeout):
                answer: Answer = connection.recv()
                self.idle.put(worker)
                return answer
            timed_out = True
        except (EOFError, OSError):
            pass
        process.kill()
        process.join(5)
        self.idle.put(None)  # restarted by the next request that needs it, not while this one waits
        if timed_out:
            return Answer(503, "text/plain; charset=utf-8",
                          f"query stopped: it ran longer than the {self.timeout:g} s timeout\n".encode())
        return Answer(500, "text/plain; charset=utf-8", b"the query worker stopped while answering\n")

    def close(self) -> None:
        while not self.idle.empty():
            worker = self.idle.get_nowait()
            if worker is not None:
                worker[1].close()
                worker[0].kill()


def make_handler(runner: QueryRunner, page: Callable[[], bytes]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "kg-sparql"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            url = urlsplit(self.path)
            if url.path in ("/", "/index.html"):
                self.reply(Answer(200, "text/html; charset=utf-8", page()))
            elif url.path == "/sparql":
                self.answer_query(parse_qs(url.query, keep_blank_values=True))
            else:
                self.reply(Answer(404, "text/plain; charset=utf-8", b"not found: the endpoint is /sparql\n"))

        def do_POST(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            if url.path != "/sparql":
                self.reply(Answer(404, "text/plain; charset=utf-8", b"not found: the endpoint is /sparql\n"))
                return
            if self.headers.get("Transfer-Encoding"):
                self.reply(Answer(411, "text/plain; charset=utf-8", b"send a Content-Length, not chunks\n"))
                return
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0:
                self.reply(Answer(400, "text/plain; charset=utf-8", b"bad Content-Length\n"))
                return
            if length > MAX_QUERY_BYTES:
                self.reply(Answer(413, "text/plain; charset=utf-8", b"query too large\n"))
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
                self.reply(Answer(415, "text/plain; charset=utf-8",
                                  b"send the query as application/sparql-query or a form field 'query'\n"))

        def do_HEAD(self) -> None:  # noqa: N802
            self.reply(Answer(405, "text/plain; charset=utf-8", b""))

        def do_OPTIONS(self) -> None:  # noqa: N802 - CORS preflight from browser clients such as YASGUI
            self.send_response(204)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def answer_query(self, fields: dict[str, list[str]]) -> None:
            if "update" in fields:
                self.refuse_update()
                return
            queries = fields.get("query", [])
            if len(queries) != 1 or not queries[0].strip():
                self.reply(Answer(400, "text/plain; charset=utf-8", b"give exactly one non-empty 'query'\n"))
                return
            self.reply(runner.run(queries[0], self.headers.get("Accept") or "*/*"))

        def refuse_update(self) -> None:
            self.reply(Answer(403, "text/plain; charset=utf-8", b"this endpoint is read-only: updates are refused\n"))

        def reply(self, answer: Answer) -> None:
            if answer.status >= 400:
                self.close_connection = True  # an unread body must not be read as the next request
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.send_header("Access-Control-Allow-Origin", "*")
            if answer.truncated is not None:
                self.send_header("X-KG-Results-Truncated", str(answer.truncated))
            self.end_headers()
            self.wfile.write(answer.body)

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up early is not the server's problem; anything else is reported."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
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
    max_rows: int = 10_000,
    page: Callable[[], bytes] | None = None,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve ``source`` until interrupted. ``page`` makes the HTML for ``/`` (once, on first request)."""
    runner = QueryRunner(source, workers=workers, timeout=timeout, max_rows=max_rows)
    cached: list[bytes] = []
    lock = threading.Lock()

    def html() -> bytes:
        with lock:
            if not cached:
                cached.append(page() if page is not None else b"<!DOCTYPE html><title>kg</title><p>SPARQL at /sparql")
            return cached[0]

    server = _Server((host, port), make_handler(runner, html))
    if ready is not None:
        ready(f"http://{host}:{server.server_address[1]}/")
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        runner.close()
