"""The red team's reproductions as one command: what hostile input or a careless neighbour does to kg.

Each scenario runs kg as a user would (``python -m kg`` in a subprocess, on 127.0.0.1 only) and
prints one JSON line of what it measured; docs/benchmarks.md quotes them.

- ``service``: the fuzz of SERVICE spellings of ``tests/test_serve.py`` (escapes, comments, case,
  keywords glued to what is around them, variables, nesting, an escaped quote in a prefixed name)
  sent by GET and POST to ``kg serve``, with a local listener as their target: how many
  connections reached it (0 wanted), and the answers' statuses;
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
  memory (< 2 GB wanted);
- ``long-list``: one sentence listing 2,500 "name of company" items, which the document timeout
  once dropped: whether ``kg build`` keeps it, and in how long.

Run: .venv/bin/python bench/hostile.py [--only NAME ...] [--json FILE]
(``--python`` and ``--pythonpath`` run another checkout's kg, for a before/after.)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load  # noqa: E402
from tests.test_serve import Listener, service_spellings  # noqa: E402  (the test's listener and fuzz, run here at length)

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "blinken-israel-visit.txt"


def kg(args: argparse.Namespace, *arguments: str) -> list[str]:
    return [args.python, "-m", "kg", *arguments]


def environment(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    if args.pythonpath:
        env["PYTHONPATH"] = args.pythonpath
    return env


def watched(args: argparse.Namespace, command: list[str], *, cap_mb: int = 4000, timeout: float = 1800,
            stdin: bytes | None = None) -> dict[str, object]:
    """One kg process, its memory (the whole process tree's resident set, sampled every 0.1 s) and time;
    killed past ``cap_mb`` or ``timeout``, so a run of the old code cannot take the machine."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=output, env=environment(args),
                                   cwd=args.pythonpath or tempfile.gettempdir())
        if stdin is not None and process.stdin is not None:
            process.stdin.write(stdin)
            process.stdin.close()
        peak, killed = 0, None
        while process.poll() is None:
            peak = max(peak, load.tree_rss(process.pid))
            if peak > cap_mb * 2**20 or time.monotonic() - started > timeout:
                killed = f"killed past {cap_mb} MB" if peak > cap_mb * 2**20 else f"killed after {timeout:.0f} s"
                process.kill()
                process.wait()
                break
            time.sleep(0.1)
        output.seek(0)
        said = output.read().decode("utf-8", errors="replace").strip().splitlines()
    return {"exit": process.returncode, "seconds": round(time.monotonic() - started, 1),
            "peak MB": round(peak / 2**20), "killed": killed, "said": said[-3:],
            "traceback": any(line.startswith("Traceback") for line in said)}


def seed_graph(folder: Path, args: argparse.Namespace) -> Path:
    out = folder / "seed-graph"
    subprocess.run(kg(args, "build", str(SEED), "--quiet", "--no-html", "--out", str(out)), check=True,
                   env=environment(args), cwd=args.pythonpath or tempfile.gettempdir())
    return out / "graph.ttl"


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


PARAGRAPH = b"<w:p><w:r><w:t>Aid reached Gaza.</w:t></w:r></w:p>"


def docx_bomb(path: Path, size: int) -> Path:
    """A Word file whose document.xml unzips to ``size`` bytes of short paragraphs (written streaming)."""
    import docx

    template = path.with_suffix(".template.docx")
    docx.Document().save(str(template))
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename != "word/document.xml":
                bomb.writestr(item, data)
                continue
            head, tail = data.split(b"<w:body>", 1)
            head, tail = head + b"<w:body>", tail.split(b"</w:body>")[0] + b"</w:body></w:document>"
            info = zipfile.ZipInfo("word/document.xml")
            info.compress_type = zipfile.ZIP_DEFLATED
            with bomb.open(info, "w", force_zip64=True) as member:
                member.write(head)
                block, written = PARAGRAPH * (1 << 16), len(head)
                while written < size:
                    member.write(block)
                    written += len(block)
                member.write(tail)
    template.unlink()
    return path


def bomb(args: argparse.Namespace, folder: Path) -> dict[str, object]:
    path = docx_bomb(folder / "bomb.docx", int(1.07 * 2**30))
    good = folder / "good.txt"
    good.write_text("Angela Merkel met Emmanuel Macron in Paris on Monday.", "utf-8")
    result = watched(args, kg(args, "build", str(path), str(good), "--quiet", "--no-html",
                              "--out", str(folder / "out")))
    graph = folder / "out" / "graph.ttl"
    return {"bomb MB on disk": round(path.stat().st_size / 1e6, 1), "unzips to GiB": 1.07, **result,
            "good file built": graph.exists() and "Emmanuel Macron" in graph.read_text("utf-8")}


def deep_json(args: argparse.Namespace, folder: Path) -> dict[str, object]:
    news = folder / "news.jsonl"
    news.write_text("\n".join([json.dumps({"id": "a", "text": "Angela Merkel met Emmanuel Macron in Paris."}),
                               "[" * 1000 + "]" * 1000,
                               json.dumps({"id": "b", "text": "Olaf Scholz visited Warsaw on Monday."})]) + "\n",
                    "utf-8")
    report: dict[str, object] = {}
    for name, command, stdin in (
            ("kg build", kg(args, "build", str(news), "--quiet", "--no-html", "--out", str(folder / "out")), None),
            ("kg extract FILE", kg(args, "extract", str(news), "-o", str(folder / "file.nq")), None),
            ("kg extract -", kg(args, "extract", "-", "-o", str(folder / "stdin.nq")), news.read_bytes())):
        result = watched(args, command, stdin=stdin)
        written = folder / ("out/graph.ttl" if name == "kg build" else "file.nq" if "FILE" in name else "stdin.nq")
        text = written.read_text("utf-8") if written.exists() else ""
        report[name] = {"exit": result["exit"], "traceback": result["traceback"], "said": result["said"],
                        "good lines kept": "Emmanuel Macron" in text and "Olaf Scholz" in text}
    return report


def train_memory(args: argparse.Namespace, folder: Path) -> dict[str, object]:
    from tests.test_train import synthetic

    tokens: list[str] = []
    entities: list[dict[str, object]] = []
    relations: list[dict[str, object]] = []
    seed = 0
    while len(tokens) < 120_000:
        seed += 1
        for sentence in synthetic(700, seed=seed):
            offset, first = len(tokens), len(entities)
            tokens += sentence["tokens"]
            entities += [{**e, "start": e["start"] + offset, "end": e["end"] + offset} for e in sentence["entities"]]
            relations += [{**r, "head": r["head"] + first, "tail": r["tail"] + first} for r in sentence["relations"]]
            if len(tokens) >= 120_000:
                break
    (folder / "train.json").write_text(json.dumps([{"tokens": tokens, "entities": entities, "relations": relations},
                                                   *synthetic(40, seed=1)]))
    (folder / "dev.json").write_text(json.dumps(synthetic(35, seed=2)))
    result = watched(args, kg(args, "train", "--data", str(folder / "train.json"), "--dev", str(folder / "dev.json"),
                              "--out", str(folder / "model"), "--max-epochs", "1"), cap_mb=3000)
    return {"example tokens": len(tokens), "example entities": len(entities), **result,
            "model written": (folder / "model").is_dir()}


def long_list(args: argparse.Namespace, folder: Path) -> dict[str, object]:
    chance = random.Random(0)
    first, last = ["John", "Mary", "Ahmed", "Li", "Carlos", "Anna"], ["Smith", "Chen", "Garcia", "Okafor", "Khan"]
    companies = ["Acme Corp", "Globex Inc", "Initech", "Umbrella Ltd", "Stark Industries"]
    text = "The signatories were " + ", ".join(f"{chance.choice(first)} {chance.choice(last)} of "
                                               f"{chance.choice(companies)}" for _ in range(2500)) + "."
    path = folder / "list.txt"
    path.write_text(text, "utf-8")
    result = watched(args, kg(args, "build", str(path), "--rules-only", "--quiet", "--no-html", "--out",
                              str(folder / "out")))
    return {"characters": len(text), **result, "kept": (folder / "out" / "graph.ttl").exists()}


SCENARIOS: dict[str, Callable[[argparse.Namespace, Path], dict[str, object]]] = {
    "service": service,
    "slowloris": slowloris,
    "appends": appends,
    "docx-bomb": bomb,
    "deep-json": deep_json,
    "train-memory": train_memory,
    "long-list": long_list,
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
