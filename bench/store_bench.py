"""Load time and three queries on a generated kg-shaped graph of about 1M triples, for
rdflib's in-memory store, the embedded store kg uses (Oxigraph on disk: written through
oxrdflib, queried with pyoxigraph) and the Oxigraph server over HTTP.

Run: .venv/bin/python bench/store_bench.py [--relations 60000]
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph

sys.path.insert(0, str(Path(__file__).resolve().parent))
from viewer_bench import synthetic_corpus  # noqa: E402

from kg.graph.rdf import to_graph, to_oxigraph  # noqa: E402
from kg.graph.store import open_store, put_graph, write_documents  # noqa: E402
from kg.namespace import PREFIXES  # noqa: E402

PROLOGUE = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())
QUERIES = {
    "class filter": "SELECT ?e ?label WHERE { ?e a kg:Person ; rdfs:label ?label }",
    "two-hop join": "SELECT (COUNT(*) AS ?n) WHERE { ?a kg:meets ?b . ?b kg:meets ?c . FILTER(?a != ?c) }",
    "group by count": "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
}


def timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def rows_of(result: object) -> int:
    return sum(1 for _ in result)  # type: ignore[attr-defined]


def bench_rdflib(nt: Path) -> dict[str, float]:
    graph = Graph()
    row: dict[str, float] = {"load": timed(lambda: graph.parse(nt, format="nt"))[0]}
    for name, sparql in QUERIES.items():
        row[name] = timed(lambda s=sparql: rows_of(graph.query(PROLOGUE + s)))[0]
    return row


def bench_embedded(nt: Path, folder: Path) -> dict[str, float]:
    def load() -> None:
        dataset = Dataset(store="Oxigraph")
        dataset.open(str(folder), create=True)
        dataset.parse(nt, format="ox-nt")  # oxrdflib's parser hands the file to Oxigraph's loader
        dataset.close()

    row = {"load": timed(load)[0]}
    store = ox.Store.read_only(str(folder))
    for name, sparql in QUERIES.items():
        row[name] = timed(lambda s=sparql: rows_of(store.query(PROLOGUE + s)))[0]
    return row


def bench_server(nt: Path, folder: Path, binary: str) -> dict[str, float]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([binary, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)

        def load() -> None:
            request = urllib.request.Request(url + "/store?default", data=nt.read_bytes(), method="POST",
                                             headers={"Content-Type": "application/n-triples"})
            urllib.request.urlopen(request, timeout=3600).read()

        def ask(sparql: str) -> int:
            body = urllib.parse.urlencode({"query": PROLOGUE + sparql}).encode()
            request = urllib.request.Request(url + "/query", data=body, headers={
                "Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"})
            with urllib.request.urlopen(request, timeout=3600) as reply:
                return len(json.loads(reply.read())["results"]["bindings"])

        row = {"load": timed(load)[0]}
        for name, sparql in QUERIES.items():
            row[name] = timed(lambda s=sparql: ask(s))[0]
        return row
    finally:
        process.terminate()
        process.wait(30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--relations", type=int, default=60_000, help="relations to generate (~16 triples each)")
    args = parser.parse_args(argv)
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        started = time.perf_counter()
        corpus = synthetic_corpus(args.relations // 2)
        graph = to_graph(corpus)
        nt = folder / "graph.nt"
        store = ox.Store()
        for s, p, o in graph:  # pyoxigraph writes N-Triples in seconds, rdflib in minutes
            store.add(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)))
        store.dump(str(nt), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        print(f"generated {len(graph):,} triples in {time.perf_counter() - started:.0f} s", flush=True)
        del graph, store
        writer = open_store(folder / "kg-build", create=True)
        graphs = ox.Store()  # what a build hands the store: each document's graph (here one for all)
        put_graph(graphs, nt.read_text("utf-8"), "https://w3id.org/kg-news/id/document/synthetic")
        write_started = time.perf_counter()
        write_documents(writer, graphs, replace_all=True)
        writer.close()
        print(f"kg build --store writes them as one transaction in {time.perf_counter() - write_started:.1f} s",
              flush=True)
        del corpus
        rows = {
            "rdflib, in memory": bench_rdflib(nt),
            "embedded store (kg build --store)": bench_embedded(nt, folder / "embedded"),
            "Oxigraph server (HTTP)": bench_server(nt, folder / "server", binary),
        }
    print("\n| store | load (s) | " + " | ".join(f"{name} (s)" for name in QUERIES) + " |")
    print("|---|---:|" + "---:|" * len(QUERIES))
    for name, row in rows.items():
        print(f"| {name} | {row['load']:.1f} | " + " | ".join(f"{row[q]:.3f}" for q in QUERIES) + " |")
    base = rows["rdflib, in memory"]
    for name, row in rows.items():
        ratios = ", ".join(f"{key} {base[key] / row[key]:.0f}x" for key in row)
        print(f"{name}: faster than rdflib by {ratios}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
