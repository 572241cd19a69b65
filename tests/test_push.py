"""kg push against a real Oxigraph server (PyPI package `oxigraph`) started on 127.0.0.1."""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.errors import KGError
from kg.namespace import KG
from kg.pipeline import BuildResult, build
from kg.sparql.push import push
from kg.sparql.query import display, example_names, query

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        pytest.fail("the oxigraph server is not installed: `pip install oxigraph` (make test does)")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(tmp_path / "oxigraph"), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def remote(url: str, sparql: str) -> list[dict[str, str | None]]:
    """Rows from the server for the query text as given (no prefixes added), shown as kg shows local rows."""
    request = urllib.request.Request(url + "/query", data=urllib.parse.urlencode({"query": sparql}).encode(),
                                     headers={"Accept": "application/sparql-results+json",
                                              "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        answer = json.loads(reply.read())
    variables = answer["head"]["vars"]
    rows = []
    for binding in answer["results"]["bindings"]:
        row: dict[str, str | None] = {}
        for variable in variables:
            term = binding.get(variable)
            if term is None:
                row[variable] = None
            elif term["type"] == "uri":
                row[variable] = display(URIRef(term["value"]))
            else:
                row[variable] = term["value"]
        rows.append(row)
    return rows


@pytest.mark.slow
def test_example_queries_answer_the_same_from_the_server(oxigraph: str, tmp_path: Path) -> None:
    """What the README promises: after kg push, every shipped query, its .rq text sent unchanged, gives
    from `oxigraph serve --union-default-graph` the rows `kg query` gives on the graph file. The seeds
    and one more story that names Blinken and Netanyahu by their surnames, so that resolution across
    documents has something to show too."""
    later = tmp_path / "later.txt"
    later.write_text("Blinken told reporters in Amman that Netanyahu had agreed to consider pauses.\n", "utf-8")
    graph_file = build([SEEDS, later], out_dir=tmp_path / "out", html=False).written[0]
    result = subprocess.run([sys.executable, "-m", "kg", "push", str(graph_file), "--endpoint", oxigraph + "/store"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for name in example_names():
        sparql = (Path(str(resources.files("kg"))) / "queries" / f"{name}.rq").read_text("utf-8")
        local = query(graph_file, sparql).records()
        assert local, name
        assert unordered_concat(remote(oxigraph, sparql)) == unordered_concat(local), name


def unordered_concat(rows: list[dict[str, str | None]]) -> list[dict[str, object]]:
    """SPARQL leaves the order inside GROUP_CONCAT to the engine: compare those values as sets."""
    return [{k: frozenset(v.split(" | ")) if v and " | " in v else v for k, v in row.items()} for row in rows]


def test_pushing_again_replaces_instead_of_duplicating(oxigraph: str, seeds_graph: Graph) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    push(seeds_graph, oxigraph + "/store")
    first = remote(oxigraph, count)
    push(seeds_graph, oxigraph + "/store")
    assert remote(oxigraph, count) == first
    graphs = remote(oxigraph, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert graphs == [{"n": "4"}]


def test_push_into_one_named_graph_from_the_cli(oxigraph: str, seeds_build: BuildResult) -> None:
    result = subprocess.run([sys.executable, "-m", "kg", "push", str(seeds_build.written[0]), "--endpoint",
                             oxigraph + "/store", "--graph", "https://example.org/seeds"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("pushed ") and "1 graph(s)" in result.stdout
    rows = remote(oxigraph, f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s a <{KG.Person}> }} }}")
    assert rows == [{"g": "https://example.org/seeds"}]


def test_unreachable_store_is_a_clear_error(seeds_graph: Graph) -> None:
    with pytest.raises(KGError, match="cannot reach the store"):
        push(seeds_graph, f"http://127.0.0.1:{free_port()}/store")


@pytest.mark.parametrize("target", ["foo", "http://a b/", "https://example.org/<x>"])
def test_push_refuses_a_graph_name_that_is_not_an_iri(seeds_graph: Graph, target: str) -> None:
    with pytest.raises(KGError, match="absolute IRI"):
        push(seeds_graph, "http://127.0.0.1:9/store", target=target)


@pytest.mark.slow
def test_pushing_to_a_kg_serve_port_is_one_line_and_exit_2(seeds_build: BuildResult) -> None:
    """kg serve is read-only and has no Graph Store: the error says so in one line."""
    graph_file = str(seeds_build.written[0])
    server = subprocess.Popen([sys.executable, "-m", "kg", "serve", graph_file, "--port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline() if server.stdout else ""
        assert line.startswith("serving "), line
        url = line.split(" at ", 1)[1].split(" ", 1)[0]  # http://127.0.0.1:PORT/
        for endpoint in (url + "store", url + "sparql", url):
            result = subprocess.run([sys.executable, "-m", "kg", "push", graph_file, "--endpoint", endpoint],
                                    capture_output=True, text=True, timeout=120)
            assert result.returncode == 2, result
            assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1, result.stderr
            assert result.stderr.startswith(f"kg: error: {endpoint}: the store answered 405"), result.stderr
            assert "Graph Store URL" in result.stderr
    finally:
        server.terminate()
        server.wait(10)


class NoGraphStore(http.server.BaseHTTPRequestHandler):
    """A web server that knows only GET: Python's http.server answers PUT with its HTML error page
    (what kg serve answered before it had a Graph Store refusal of its own, ten lines of HTML)."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.send_error(404)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
        pass


def test_an_html_error_page_becomes_one_line_of_its_text(seeds_graph: Graph) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NoGraphStore)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}/store"
        with pytest.raises(KGError) as raised:
            push(seeds_graph, endpoint)
    finally:
        server.shutdown()
        server.server_close()
    message = str(raised.value)
    assert "\n" not in message and "<" not in message, message
    assert message.startswith(f"{endpoint}: the store answered 501 Unsupported method ('PUT') to PUT "), message
    assert "Error code: 501" in message and "Graph Store URL" in message
