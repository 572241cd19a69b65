"""The bounded loopback load test of ``kg serve``: what a hostile or careless client can do to it.

Starts ``kg serve GRAPH`` on 127.0.0.1 and runs four scenarios, each for a few seconds:

- mixed load: 8 clients in closed loops, 5% of their queries heavy (a four-way cross join that
  runs until the timeout), the rest cheap (a label lookup); cheap queries' latency p50/p99/max;
- crash loop: 2 clients looping a query that crashes a worker's parser (10,000 nested brackets)
  while a probe sends a cheap query every 0.1 s; the probes' latency;
- memory bomb: a 0.4 KB query whose answer is 400 MB (nested CONCAT x VALUES); its status, and the
  memory (RSS) of the server with all its workers at rest and at the peak;
- page render: a client asks for /graph (the page made from the whole graph) while a probe asks a
  cheap query every 0.02 s; the probes' latency while the page is being made, and its time;
- slowloris: 300 connections that send their headers a byte a second and come back when dropped;
  the probes' share answered and latency, and how often the connections were dropped.

Run: .venv/bin/python bench/load.py [--graph output/graph.ttl] [--seconds 20] [--json FILE]
(``--python`` and ``--pythonpath`` run another checkout's kg, for a before/after.)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

CHEAP = "SELECT ?label WHERE { ?e a kg:Person ; rdfs:label ?label } LIMIT 5"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CRASH = "ASK { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }"
_CONCAT = "CONCAT(" + ",".join(["?{}"] * 10) + ")"
BOMB = ('SELECT ?h WHERE { VALUES ?i { 1 2 3 4 } BIND("0123456789" AS ?a) '
        + "".join(f"BIND({_CONCAT.format(*[v] * 10)} AS ?{n}) " for v, n in zip("abcdefg", "bcdefgh", strict=True))
        + "}")


def start(args: argparse.Namespace) -> tuple[subprocess.Popen[str], str]:
    env = dict(os.environ)
    if args.pythonpath:
        env["PYTHONPATH"] = args.pythonpath
    command = [args.python, "-m", "kg", "serve", str(args.graph.resolve()), "--port", "0", *args.serve_args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
                               cwd=args.pythonpath)  # `python -m` reads the current folder's kg first
    line = process.stdout.readline() if process.stdout else ""
    if not line.startswith("serving "):
        process.kill()
        sys.exit(f"kg serve did not start: {line!r}")
    return process, line.split(" at ", 1)[1].split(" ", 1)[0]


def ask(url: str, query: str, timeout: float = 60.0) -> tuple[int, float]:
    """(status, seconds) of one query; status 0 when the connection failed."""
    started = time.monotonic()
    data = urllib.parse.urlencode({"query": query}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url + "sparql", data=data), timeout=timeout) as reply:
            reply.read()
            status = reply.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    except OSError:
        status = 0
    return status, time.monotonic() - started


def summary(samples: list[tuple[int, float]]) -> dict[str, object]:
    times = sorted(seconds for _, seconds in samples)
    statuses: dict[str, int] = {}
    for status, _ in samples:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    if not times:
        return {"count": 0}
    return {"count": len(times), "p50": round(statistics.median(times), 3),
            "p99": round(times[min(len(times) - 1, int(0.99 * len(times)))], 3), "max": round(times[-1], 3),
            "statuses": statuses}


def mixed(url: str, seconds: float, clients: int = 8, heavy_share: float = 0.05) -> dict[str, object]:
    cheap: list[tuple[int, float]] = []
    heavy: list[tuple[int, float]] = []
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        chance = random.Random(seed)
        while time.monotonic() < stop:
            if chance.random() < heavy_share:
                heavy.append(ask(url, HEAVY))
            else:
                cheap.append(ask(url, CHEAP))

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"cheap": summary(cheap), "heavy": summary(heavy)}


def probing(url: str, seconds: float, attack: threading.Thread, stop: threading.Event) -> dict[str, object]:
    attack.start()
    probes = []
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        probes.append(ask(url, CHEAP, timeout=30))
        time.sleep(0.1)
    stop.set()
    attack.join()
    return summary(probes)


def crash_loop(url: str, seconds: float) -> dict[str, object]:
    stop = threading.Event()
    crashes: list[tuple[int, float]] = []

    def attackers() -> None:
        def loop() -> None:
            while not stop.is_set():
                crashes.append(ask(url, CRASH))
        pair = [threading.Thread(target=loop) for _ in range(2)]
        for thread in pair:
            thread.start()
        for thread in pair:
            thread.join()

    probes = probing(url, seconds, threading.Thread(target=attackers), stop)
    return {"probes": probes, "crash queries": summary(crashes)}


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def memory_bomb(url: str, pid: int) -> dict[str, object]:
    time.sleep(2)  # let the workers and the spare start
    resting = peak = tree_rss(pid)
    result: list[tuple[int, float]] = []
    thread = threading.Thread(target=lambda: result.append(ask(url, BOMB, timeout=120)))
    thread.start()
    while thread.is_alive():
        peak = max(peak, tree_rss(pid))
        time.sleep(0.02)
    status, seconds = result[0]
    return {"status": status, "seconds": round(seconds, 2), "server at rest MB": round(resting / 2**20),
            "peak server MB": round(peak / 2**20), "peak above rest MB": round((peak - resting) / 2**20),
            "query bytes": len(BOMB)}


def slowloris(url: str, seconds: float, connections: int = 300) -> dict[str, object]:
    """``connections`` slow senders, each sending its headers a byte a second and connecting again
    at once when the server drops it, while a probe asks a cheap query every 0.1 s."""
    host, port = url.split("//", 1)[1].rstrip("/").split(":")
    stop = threading.Event()
    dropped = [0]

    def sender() -> None:
        while not stop.is_set():
            try:
                with socket.create_connection((host, int(port)), timeout=5) as sock:
                    sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    while not stop.is_set():
                        sock.sendall(b"X")
                        stop.wait(1.0)
            except OSError:
                dropped[0] += 1
                stop.wait(0.05)

    def attack() -> None:
        threads = [threading.Thread(target=sender, daemon=True) for _ in range(connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    probes = probing(url, seconds, threading.Thread(target=attack), stop)
    answered = probes.get("statuses", {}).get("200", 0) / max(1, int(probes.get("count", 0)))  # type: ignore[union-attr]
    return {"probes": probes, "answered": round(answered, 3), "slow connections": connections,
            "dropped by the server": dropped[0]}


def page_render(url: str, seconds: float) -> dict[str, object]:
    """Cheap queries while the graph page is made: they must not wait for it."""
    done = threading.Event()
    page: list[tuple[int, float, int]] = []

    def fetch() -> None:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(url + "graph", timeout=300) as reply:
                page.append((reply.status, time.monotonic() - started, len(reply.read())))
        except (urllib.error.HTTPError, OSError) as error:
            page.append((getattr(error, "code", 0), time.monotonic() - started, 0))
        done.set()

    fetcher = threading.Thread(target=fetch)
    fetcher.start()
    probes = []
    while not done.is_set():
        probes.append(ask(url, CHEAP, timeout=30))
        time.sleep(0.02)
    fetcher.join()
    status, took, size = page[0]
    return {"page": {"status": status, "seconds": round(took, 2), "bytes": size},
            "probes while it was made": summary(probes)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, default=Path("output/graph.ttl"))
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--pythonpath", default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--only", nargs="*", help="run only these scenarios (by name)")
    parser.add_argument("serve_args", nargs="*", help="more options for kg serve, after --")
    args = parser.parse_args()
    report: dict[str, object] = {}
    for name, scenario in (("mixed load", mixed), ("crash loop", crash_loop), ("memory bomb", None),
                           ("page render", page_render), ("slowloris", slowloris)):
        if args.only and name not in args.only:
            continue
        process, url = start(args)
        try:
            report[name] = memory_bomb(url, process.pid) if scenario is None else scenario(url, args.seconds)
        finally:
            process.kill()
            process.wait()
        print(f"{name}: {json.dumps(report[name])}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
