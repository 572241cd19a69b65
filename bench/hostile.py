"""The red team's reproductions as one command: what hostile input or a careless neighbour does to kg.

Each scenario runs kg as a user would (``python -m kg`` in a subprocess, on 127.0.0.1 only) and
prints one JSON line of what it measured; the README's guarantees section quotes them.

- ``service``: a fuzz of SERVICE spellings (escapes, comments, case, variables, nesting, an
  escaped quote in a prefixed name) sent by GET and POST to ``kg serve``, with a local listener
  as their target: how many connections reached it (0 wanted), and the answers' statuses;
- ``slowloris``: 300 connections sending their headers a byte a second and coming back when
  dropped (:func:`bench.load.slowloris`), while a probe asks a cheap query every 0.1 s: the share
  answered (>= 0.99 wanted) and p99 (< 1 s wanted);
- ``appends``: two ``kg build --append`` onto one graph file, and onto one store, started at
  once, against the same two run in sequence: documents kept and whether the graphs are equal;
- ``docx-bomb``: a 3 MB DOCX whose text expands to about 1 GiB of small paragraphs: seconds until
  refused and the peak memory of the build (< 10 s and < 500 MB wanted);
- ``deep-json``: a JSONL input with a line nested 1,000 deep between two good lines: what the
  build kept and said;
- ``train-memory``: ``kg train`` on one example of 120,000 tokens and 40,000 entities: peak
  memory (< 2 GB wanted).

Run: .venv/bin/python bench/hostile.py [--only NAME ...] [--json FILE]
(``--python`` and ``--pythonpath`` run another checkout's kg, for a before/after.)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "blinken-israel-visit.txt"


def kg(args: argparse.Namespace, *arguments: str) -> list[str]:
    return [args.python, "-m", "kg", *arguments]


def environment(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    if args.pythonpath:
        env["PYTHONPATH"] = args.pythonpath
    return env


def run(args: argparse.Namespace, command: list[str], timeout: float = 600) -> tuple[int, str, float, int]:
    """(exit code, stderr, seconds, peak memory in bytes) of one kg process, run alone."""
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    process = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=environment(args),
                             cwd=args.pythonpath or tempfile.gettempdir())
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child so far, in KiB
    return process.returncode, process.stderr, time.monotonic() - started, peak * 1024 if peak > before else -1


def seed_graph(folder: Path, args: argparse.Namespace) -> Path:
    out = folder / "seed-graph"
    subprocess.run(kg(args, "build", str(SEED), "--quiet", "--no-html", "--out", str(out)), check=True,
                   env=environment(args), cwd=args.pythonpath or tempfile.gettempdir())
    return out / "graph.ttl"


class Listener:
    """A local TCP listener counting who connects to it."""

    def __init__(self) -> None:
        import socket

        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self) -> None:
        while self.running:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(5)
        self.socket.close()


def service_spellings(port: int) -> list[str]:
    url = f"http://127.0.0.1:{port}/sparql"
    inner = "{ ?x ?y ?z }"
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {inner} }}",
        f"select * where {{ service <{url}> {inner} }}",
        f"SELECT * WHERE {{ SeRvIcE SILENT <{url}> {inner} }}",
        f"SELECT * WHERE {{ SERVICE<{url}>{inner} }}",
        f"SELECT * WHERE {{ SERVICE # a comment\n <{url}> {inner} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {inner} }}",
        f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/\\u0073parql> {inner} }}",
        f"PREFIX remote: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE remote:sparql {inner} }}",
        f"BASE <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE <sparql> {inner} }}",
        f"SELECT * WHERE {{ VALUES ?u {{ <{url}> }} SERVICE ?u {inner} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {inner} }} }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{url}> {inner} }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c MINUS {{ SERVICE SILENT <{url}> {inner} }} }}",
        f"SELECT * WHERE {{ BIND(kg:a\\' AS ?q) SERVICE <{url}> {{ ?x ?y 'z' }} }}",
        f'SELECT * WHERE {{ BIND(kg:a\\" AS ?q) SERVICE <{url}> {{ ?x ?y "z" }} }}',
    ]


def service(args: argparse.Namespace, folder: Path) -> dict[str, object]:
    args.graph = seed_graph(folder, args)
    args.serve_args = []
    process, url = load.start(args)
    listener = Listener()
    statuses: dict[str, int] = {}
    try:
        for query in service_spellings(listener.port):
            for data in (None, urllib.parse.urlencode({"query": query}).encode()):
                target = url + "sparql" + ("?" + urllib.parse.urlencode({"query": query}) if data is None else "")
                try:
                    with urllib.request.urlopen(urllib.request.Request(target, data=data), timeout=30) as reply:
                        status = reply.status
                except urllib.error.HTTPError as error:
                    status = error.code
                statuses[str(status)] = statuses.get(str(status), 0) + 1
        time.sleep(0.5)
    finally:
        listener.close()
        process.kill()
        process.wait()
    return {"queries sent": sum(statuses.values()), "connections reaching the listener": listener.connections,
            "statuses": statuses}


def slowloris(args: argparse.Namespace, folder: Path) -> dict[str, object]:
    args.graph = seed_graph(folder, args)
    args.serve_args = []
    process, url = load.start(args)
    try:
        return load.slowloris(url, args.seconds, connections=300)
    finally:
        process.kill()
        process.wait()


def appends(args: argparse.Namespace, folder: Path) -> dict[str, object]:
    from rdflib.compare import isomorphic

    from kg.graph.export import load_graph
    from kg.sparql.query import query

    text = SEED.read_text("utf-8")
    batches = []
    for name in ("a", "b"):
        path = folder / f"{name}.jsonl"
        path.write_text("".join(json.dumps({"id": f"{name}-{n}", "text": f"{text}\nBatch {name}, copy {n}."}) + "\n"
                                for n in range(30)), "utf-8")
        batches.append(path)
    report: dict[str, object] = {}
    for where in ("--out", "--store"):
        def command(batch: Path, target: Path, where: str = where) -> list[str]:
            return kg(args, "build", str(batch), "--append", "--quiet", "--no-html", where, str(target))

        def graph(target: Path, where: str = where) -> object:
            return load_graph(target / "graph.ttl" if where == "--out" else target)

        sequence = folder / f"sequence{where}"
        for batch in batches:
            subprocess.run(command(batch, sequence), check=True, env=environment(args), capture_output=True,
                           cwd=args.pythonpath or tempfile.gettempdir())
        at_once = folder / f"at-once{where}"
        processes = [subprocess.Popen(command(batch, at_once), env=environment(args), stderr=subprocess.PIPE,
                                      text=True, cwd=args.pythonpath or tempfile.gettempdir()) for batch in batches]
        exits = [process.wait(600) for process in processes]
        together, alone = graph(at_once), graph(sequence)
        documents = len(query(together, "SELECT ?d WHERE { ?d a kg:Document }").rows)
        report[where] = {"exits": exits, "documents kept": f"{documents} of 60",
                         "equal to the two in sequence": isomorphic(together, alone)}
    return report


SCENARIOS: dict[str, Callable[[argparse.Namespace, Path], dict[str, object]]] = {
    "service": service,
    "slowloris": slowloris,
    "appends": appends,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", choices=list(SCENARIOS), default=list(SCENARIOS))
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the slowloris probe runs")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--pythonpath", default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    random.seed(0)
    report: dict[str, object] = {}
    for name in args.only:
        with tempfile.TemporaryDirectory(prefix=f"kg-hostile-{name}-") as folder:
            report[name] = SCENARIOS[name](args, Path(folder))
        print(f"{name}: {json.dumps(report[name])}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
