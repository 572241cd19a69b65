"""``kg push``: load a graph into a remote triple store with the SPARQL 1.1 Graph Store HTTP
Protocol, which Oxigraph server, Apache Jena Fuseki and GraphDB all speak.

Each document's named graph is sent with ``PUT ?graph=<document IRI>``, which replaces what
the store held for that document: pushing again, or pushing a rebuilt document, never
duplicates. ``--graph IRI`` sends everything into one named graph instead (also replaced).

Nothing is copied into the store's default graph: a POST there only adds, so the triples a rebuilt
document no longer has would stay, and a PUT would wipe what other tools keep there. Queries that
read every document (kg's shipped ones) need a store that reads its named graphs as its default
graph: ``oxigraph serve --union-default-graph`` (or ``union-default-graph`` on one request), Fuseki's
``tdb2:unionDefaultGraph true``; GraphDB and other RDF4J stores do it unasked.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.errors import KGError
from kg.graph.rdf import split_by_document, union
from kg.read import html_text, looks_like_html

FORBIDDEN_IN_IRI = re.compile(r'[\s<>"{}|\\^`]')


class PushError(KGError):
    """The remote store refused the data or could not be reached."""


@dataclass(frozen=True)
class Pushed:
    graphs: int
    triples: int


def graphs_to_push(graph: Graph | Dataset, target: str | None) -> Iterator[tuple[str | None, Graph]]:
    """(graph IRI or None for the default graph, triples) pairs, in a stable order."""
    if target is not None:
        yield target, graph if not isinstance(graph, Dataset) else union(graph)
        return
    dataset = graph if isinstance(graph, Dataset) else split_by_document(graph)
    for context in sorted(dataset.graphs(), key=lambda g: str(g.identifier)):
        if len(context) == 0:
            continue
        name = None if context.identifier == DATASET_DEFAULT_GRAPH_ID else str(context.identifier)
        yield name, context


def push(graph: Graph | Dataset, endpoint: str, *, target: str | None = None, timeout: float = 60.0) -> Pushed:
    """Send the graph to a Graph Store Protocol endpoint (e.g. ``http://host:7878/store``)."""
    if target is not None and not is_absolute_iri(target):
        raise PushError(f"--graph needs an absolute IRI such as https://example.org/news, not {target!r}")
    graphs = 0
    sent: set[tuple[object, object, object]] = set()
    for name, content in graphs_to_push(graph, target):
        body = content.serialize(format="nt", encoding="utf-8")
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        # The default graph gets POST (add): other tools may keep data there that kg must not wipe.
        method, query = ("PUT", {"graph": name}) if name is not None else ("POST", {"default": ""})
        _send(endpoint, method, query, data, timeout)
        graphs += 1
        sent.update(content)
    return Pushed(graphs=graphs, triples=len(sent))


def is_absolute_iri(text: str) -> bool:
    """True for an IRI with a scheme and none of the characters IRIs forbid."""
    return bool(urllib.parse.urlsplit(text).scheme) and ":" in text and not FORBIDDEN_IN_IRI.search(text)


#: Said after a 404, 405 or 501: the URL is most likely no Graph Store (a kg serve port, a query endpoint).
NOT_A_GRAPH_STORE = ("--endpoint must be a writable store's Graph Store URL (Oxigraph: http://HOST:7878/store; "
                     "Fuseki: http://HOST:3030/DATASET/data)")


def one_line(body: str, limit: int = 200) -> str:
    """A store's error answer as one line of text: an HTML error page (a proxy's, a web server's,
    Python's http.server's) loses its markup, and long answers are cut, so an error stays one line.

    >>> one_line("<html><head><title>Error response</title></head><body><h1>Error response</h1>"
    ...          "<p>Error code: 501</p>\\n<p>Message: Unsupported method ('PUT').</p></body></html>")
    "Error response Error code: 501 Message: Unsupported method ('PUT')."
    >>> one_line("graph not found\\n  at line 3")
    'graph not found at line 3'
    """
    if looks_like_html(body):
        title, text = html_text(body)
        body = text or title or ""
    text = " ".join(body.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _send(endpoint: str, method: str, query: dict[str, str], data: bytes, timeout: float) -> None:
    separator = "&" if "?" in endpoint else "?"
    url = endpoint + separator + urllib.parse.urlencode(query).replace("default=", "default")
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/n-triples"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            reply.read()
    except urllib.error.HTTPError as error:
        detail = one_line(error.read().decode("utf-8", errors="replace"))
        hint = f"; {NOT_A_GRAPH_STORE}" if error.code in (404, 405, 501) else ""
        raise PushError(f"{endpoint}: the store answered {error.code} {error.reason} to {method} "
                        f"{query.get('graph', 'default graph')}" + (f": {detail}" if detail else "") + hint) from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise PushError(f"{endpoint}: cannot reach the store ({reason})") from error
