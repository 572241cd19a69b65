"""kg push against a real Oxigraph server (PyPI package `oxigraph`) started on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.errors import KGError
from kg.namespace import PREFIXES
from kg.pipeline import BuildResult
from kg.sparql.push import push
from kg.sparql.query import display, example_names, example_query, query


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
    """Rows from the server, shown as kg shows local rows."""
    prologue = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())
    request = urllib.request.Request(url + "/query", data=urllib.parse.urlencode({"query": prologue + sparql}).encode(),
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


def test_example_queries_answer_the_same_from_the_server(oxigraph: str, seeds_build: BuildResult,
                                                         seeds_graph: Graph) -> None:
    pushed = push(seeds_graph, oxigraph + "/store")
    assert pushed.graphs == 4 and pushed.triples >= len(seeds_graph)
    for name in example_names():
        sparql = example_query(name)
        local = query(seeds_graph, sparql).records()
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
    rows = remote(oxigraph, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a kg:Person } }")
    assert rows == [{"g": "https://example.org/seeds"}]


def test_unreachable_store_is_a_clear_error(seeds_graph: Graph) -> None:
    with pytest.raises(KGError, match="cannot reach the store"):
        push(seeds_graph, f"http://127.0.0.1:{free_port()}/store")


@pytest.mark.parametrize("target", ["foo", "http://a b/", "https://example.org/<x>"])
def test_push_refuses_a_graph_name_that_is_not_an_iri(seeds_graph: Graph, target: str) -> None:
    with pytest.raises(KGError, match="absolute IRI"):
        push(seeds_graph, "http://127.0.0.1:9/store", target=target)
