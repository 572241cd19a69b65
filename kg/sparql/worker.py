"""What runs in a query worker of ``kg serve``: the query, its limits, and the answer's bytes.

A worker imports only pyoxigraph and this module (started from a fork server that loaded
nothing else), so replacing one costs milliseconds, not the seconds of importing kg's pipeline.
Each worker reads the same snapshot of the served graph, answers one query at a time on a thread
with a large stack (deeply nested queries do not overflow it), and lives under a memory
limit: a query that would need more memory than that ends its worker, not the machine. On Linux a
worker also lives in a network namespace of its own, with no interface but a loopback that is
down: whatever a query asks (a federated ``SERVICE`` call the guard did not catch), the engine
cannot open a connection to anything.
"""

from __future__ import annotations

import csv
import ctypes
import io
import itertools
import json
import os
import re
import resource
import sys
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any
from xml.sax.saxutils import escape

import pyoxigraph as ox

from kg.sparql.guard import FEDERATION_REFUSED, expand_escapes
from kg.sparql.messages import error_offset, syntax_error

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
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: The stack of the thread answering queries: Oxigraph's parser and planner recurse on nesting.
QUERY_STACK_BYTES = 64 * 2**20


@dataclass(frozen=True)
class Answer:
    """An HTTP answer to a query: status, content type and body; ``truncated`` when capped."""

    status: int
    content_type: str
    body: bytes
    truncated: int | None = None


TEXT = "text/plain; charset=utf-8"


def text_answer(status: int, message: str) -> Answer:
    """A plain-text answer of one message line."""
    return Answer(status, TEXT, (message.rstrip("\n") + "\n").encode("utf-8"))


@dataclass(frozen=True)
class Limits:
    """What one answer may cost: rows (or triples), bytes written, and the worker's memory."""

    max_rows: int = 10_000
    max_bytes: int = 64 * 2**20
    max_memory: int = 400 * 2**20


def negotiate(accept: str, offered: dict[str, Any], default: str) -> str | None:
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


def evaluate(store: ox.Store, query: str, accept: str, prefixes: dict[str, str], limits: Limits = Limits(),
             *, union: bool = False) -> Answer:
    """Run one query and serialise its answer for the Accept header (inside a worker).

    At most ``limits.max_rows`` solutions (or triples), and about ``limits.max_bytes`` of them,
    are sent; the answer says how many when it was cut.
    """
    refused = federated_call(query, prefixes)
    if refused is not None:
        return refused
    try:
        result = store.query(query, prefixes=prefixes, use_default_graph_as_union=union)
        if isinstance(result, ox.QueryBoolean):
            media = negotiate(accept, SELECT_FORMATS, "application/sparql-results+json")
            if media is None:
                return _not_acceptable(SELECT_FORMATS)
            return Answer(200, f"{media}; charset=utf-8", result.serialize(format=SELECT_FORMATS[media]) or b"")
        items, truncated = _within_limits(result, limits)
    except SyntaxError as error:
        return text_answer(400, syntax_error(query, str(error), prefixes))
    except (OSError, ValueError) as error:
        return text_answer(400, f"query failed: {error}")
    except Exception as error:  # noqa: BLE001 - a worker must answer, whatever the engine raised
        return text_answer(500, f"the query could not be answered: {error}")
    if isinstance(result, ox.QueryTriples):
        media = negotiate(accept, GRAPH_FORMATS, "text/turtle")
        if media is None:
            return _not_acceptable(GRAPH_FORMATS)
        body = ox.serialize(items, format=GRAPH_FORMATS[media]) or b""
        return Answer(200, f"{media}; charset=utf-8", body, truncated)
    media = negotiate(accept, SELECT_FORMATS, "application/sparql-results+json")
    if media is None:
        return _not_acceptable(SELECT_FORMATS)
    variables = [variable.value for variable in result.variables]
    rows = [[solution[name] for name in variables] for solution in items]
    try:
        body = solutions_body(variables, rows, SELECT_FORMATS[media])
    except Exception as error:  # noqa: BLE001
        return text_answer(500, f"the answer could not be written: {error}")
    return Answer(200, f"{media}; charset=utf-8", body, truncated)


#: "service" wherever it stands: the engine needs no space or punctuation around a keyword
#: (``SERVICE:s``, ``1SERVICE<...>`` and ``SERVICESILENT<...>`` are all calls).
_SERVICE_WORD = re.compile("service", re.IGNORECASE)
_EMPTY = ox.Store()


def federated_call(query: str, prefixes: dict[str, str]) -> Answer | None:
    """403 when the engine would read a ``SERVICE`` keyword in ``query``, as the engine itself tells.

    No reading of the text can be sure to split it into tokens as the engine does (an escaped
    quote in a prefixed name once hid a call from the endpoint's check), so the engine is asked:
    every "service" in the text is changed to "servicx" and the result parsed (on an empty store,
    where nothing can be fetched: no keyword is left to call). A query that then fails to parse
    where a "service" stood used it as the keyword; one whose "service"s were all inside strings,
    IRIs, names, variables or comments parses as before. Asked of the text as written and with its
    ``\\u`` escapes applied, whichever the engine reads.
    """
    for text in {query, expand_escapes(query)}:
        found = [match.start() for match in _SERVICE_WORD.finditer(text)]
        if not found:
            continue
        changed = list(text)
        for start in found:
            changed[start + 6] = "X" if text[start + 6] == "E" else "x"
        try:
            _EMPTY.query("".join(changed), prefixes=prefixes)
        except SyntaxError as error:
            where = error_offset(text, str(error))
            if where is None or where >= found[0]:
                return text_answer(403, FEDERATION_REFUSED)
            return text_answer(400, syntax_error(query, str(error), prefixes))
        except Exception:  # noqa: BLE001, S112 - evaluation on the empty store: the parse is what was asked
            continue
    return None


def _within_limits(result: ox.QuerySolutions | ox.QueryTriples, limits: Limits) -> tuple[list[Any], int | None]:
    """The first solutions (or triples) of ``result`` that fit the row and byte limits, and how
    many that is when the rest was cut (None when nothing was)."""
    items: list[Any] = []
    size = 0
    for item in itertools.islice(result, limits.max_rows + 1):
        size += _size(item)
        if len(items) == limits.max_rows or size > limits.max_bytes:
            return items, len(items)
        items.append(item)
    return items, None


def _size(item: ox.QuerySolution | ox.Triple) -> int:
    """About how many bytes a solution or triple takes written out (its terms' text, plus markup)."""
    terms = (item.subject, item.predicate, item.object) if isinstance(item, ox.Triple) else tuple(item)
    return sum(64 + len(str(term)) for term in terms if term is not None)


def serve_queries(snapshot: str, prefixes: dict[str, str], limits: Limits, union: bool, connection: Connection) -> None:
    """A worker's life: open the snapshot, then answer (query, accept) pairs until the pipe closes.
    ``union`` reads the named graphs as the default graph (a store from before it held the union).

    Runs the loop on a thread with a large stack, under a data-segment limit (``RLIMIT_DATA``,
    which counts what the engine allocates but not the store's mapped files); the engine's
    crash messages go nowhere, as the server reports a worker that stopped itself.
    """
    isolated = isolate_network()
    try:
        store = ox.Store.read_only(snapshot)
    except BaseException as error:  # noqa: BLE001 - pyo3 panics derive from BaseException
        connection.send(("error", f"cannot open the graph's snapshot ({error})"))
        return
    threading.stack_size(QUERY_STACK_BYTES)
    resource.setrlimit(resource.RLIMIT_DATA, (limits.max_memory, limits.max_memory))
    _silence_stderr()
    connection.send(("ready", "isolated" if isolated else "networked"))

    def answer_queries() -> None:
        while True:
            try:
                query, accept = connection.recv()
            except (EOFError, OSError):
                return
            connection.send(evaluate(store, query, accept, prefixes, limits, union=union))

    thread = threading.Thread(target=answer_queries, name="queries")
    thread.start()
    thread.join()


#: unshare(2) flags: a new network namespace, and (for a user without CAP_SYS_ADMIN) a new user
#: namespace that grants it in there.
CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000


def isolate_network() -> bool:
    """Move this process into a network namespace of its own, where no address is reachable
    (connect fails with "Network is unreachable"); True when it is done.

    Must run while the process has one thread (a user namespace cannot be entered later). Tried
    first as is (root), then with a user namespace (unprivileged users, where the system allows
    them); elsewhere (macOS, a locked-down container) the worker keeps the network and the guard's
    check of the query text is the only wall.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    return any(libc.unshare(flags) == 0 for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET))


def _silence_stderr() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


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
    return text_answer(406, "cannot answer in the requested format; Accept one of: " + ", ".join(offered))


