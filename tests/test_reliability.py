"""Hostile input, crashes mid-build and repeatable output, as a user meets them."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from kg.cli import EXIT_FAILED, EXIT_OK, EXIT_SOME_INPUTS_FAILED, app
from kg.graph.export import load_graph
from kg.namespace import KG
from kg.pipeline import build
from kg.sparql.query import query
from tests.conftest import SEED_ARTICLE, SEEDS

runner = CliRunner()
GOOD = "Angela Merkel met Emmanuel Macron in Paris on Monday."

BAD_INPUTS = {
    # name: (file name, content, exit code, what stderr says, what the graph shows)
    "empty": ("empty.txt", b"", EXIT_SOME_INPUTS_FAILED, "file is empty", None),
    "binary": ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, EXIT_SOME_INPUTS_FAILED, "binary", None),
    "10 MB on one line": ("huge.txt", b"Macron met Scholz and " * 480_000, EXIT_SOME_INPUTS_FAILED,
                          "more than the model reads", None),
    "invalid UTF-8": ("latin1.txt", "Müller met Schröder in Köln.".encode("latin-1"), EXIT_SOME_INPUTS_FAILED,
                      "not valid UTF-8", None),
    "UTF-16 with BOM": ("utf16.txt", "\ufeffBoris Johnson met Leo Varadkar in Dublin.".encode("utf-16-le"),
                        EXIT_OK, None, "Leo Varadkar"),
    "HTML": ("page.html", b"<html><head><title>Talks</title><script>alert(1)</script></head><body><p>Joe Biden "
             b"met <b>Xi Jinping</b> in Bali.</p></body></html>", EXIT_OK, None, "Xi Jinping"),
    "non-English": ("de.txt", "Der Bundeskanzler traf sich am Montag mit dem französischen Präsidenten in Berlin, "
                    "um über die Lage in der Ukraine zu sprechen. Beide Politiker betonten die Bedeutung der "
                    "europäischen Einheit und kündigten weitere Gespräche an.".encode(), EXIT_OK,
                    "does not look like English", None),
    "spaces and non-ASCII in the name": ("Reuters – Zürich report.txt", b"Ueli Maurer met Olaf Scholz in Zurich.",
                                         EXIT_OK, None, "Ueli Maurer"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS), ids=list(BAD_INPUTS))
def test_bad_input_gets_one_line_and_the_rest_is_built(tmp_path: Path, case: str) -> None:
    name, content, exit_code, message, label = BAD_INPUTS[case]
    (tmp_path / name).write_bytes(content)
    (tmp_path / "good.txt").write_text(GOOD, "utf-8")
    result = runner.invoke(app, ["build", str(tmp_path / name), str(tmp_path / "good.txt"),
                                 "--out", str(tmp_path / "out"), "--no-html"])
    assert result.exit_code == exit_code, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    if message is not None:
        lines = [line for line in result.stderr.splitlines() if message in line]
        assert len(lines) == 1 and name in lines[0], result.stderr
    graph = load_graph(tmp_path / "out" / "graph.ttl")
    labels = {str(row[0]) for row in query(graph, "SELECT ?l WHERE { ?e kg:mentionedIn ?d ; rdfs:label ?l }").rows}
    assert "Emmanuel Macron" in labels  # the good document is always there
    if label is not None:
        assert label in labels
    assert "alert(1)" not in (tmp_path / "out" / "graph.ttl").read_text("utf-8")


def many_documents(path: Path, count: int) -> Path:
    text = SEED_ARTICLE.read_text("utf-8")
    path.write_text("".join(json.dumps({"id": f"copy-{n}", "text": f"{text}\nCopy {n}."}) + "\n"
                            for n in range(count)), "utf-8")
    return path


def warm_duration(command: list[str]) -> float:
    """How long the command takes once caches are warm (the first run also compiles bytecode)."""
    times = []
    for _ in range(2):
        started = time.monotonic()
        subprocess.run(command, check=True, timeout=300)
        times.append(time.monotonic() - started)
    return min(times)


@pytest.mark.slow
def test_sigkill_mid_build_leaves_the_previous_files_intact(tmp_path: Path) -> None:
    """Kill builds at points spread over a whole build, up to its last moments (writing):
    every file is always either exactly the previous one or exactly the finished new one."""
    big = many_documents(tmp_path / "many.jsonl", 30)
    command = [sys.executable, "-m", "kg", "build", str(big), "--quiet", "--out"]
    duration = warm_duration([*command, str(tmp_path / "reference")])
    finished = {path.name: path.read_bytes() for path in (tmp_path / "reference").iterdir()}
    out = tmp_path / "out"
    build([SEED_ARTICLE], out_dir=out)
    previous = {path.name: path.read_bytes() for path in out.iterdir()}
    killed_mid_build = 0
    for fraction in (0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99):  # the early ones land mid-build even on a busy machine
        process = subprocess.Popen([*command, str(out)])
        time.sleep(duration * fraction)
        killed_mid_build += process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        for name in ("graph.ttl", "graph.html"):
            now = (out / name).read_bytes()
            assert now in (previous[name], finished[name]), (fraction, name)
        for path in out.glob(".graph.*.tmp"):  # what a kill during a write leaves: never the real file
            path.unlink()
        build([SEED_ARTICLE], out_dir=out)  # back to the previous state for the next kill
    assert killed_mid_build >= 3


@pytest.mark.slow
def test_sigkill_mid_store_build_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build([SEED_ARTICLE], out_dir=None, store=store)
    original = load_graph(store)
    big = many_documents(tmp_path / "many.jsonl", 80)
    command = [sys.executable, "-m", "kg", "build", str(big), "--quiet", "--store"]
    duration = warm_duration([*command, str(tmp_path / "reference")])
    killed_mid_build = 0
    for fraction in (0.4, 0.8, 0.95, 0.99):
        process = subprocess.Popen([*command, str(store)])
        time.sleep(duration * fraction)
        killed_mid_build += process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        graph = load_graph(store)
        documents = len(query(graph, "SELECT ?d WHERE { ?d a kg:Document }").rows)
        assert documents in (1, 80), fraction  # all of the old store, or all of the new build: never a mix
        if documents == 1:
            assert isomorphic(graph, original)
        else:
            build([SEED_ARTICLE], out_dir=None, store=store)  # back to the one-document store
    assert killed_mid_build >= 2


def test_building_twice_and_appending_twice_change_nothing(tmp_path: Path, seeds_graph: Graph) -> None:
    out = tmp_path / "out"
    build([SEED_ARTICLE], out_dir=out, html=False)
    first = (out / "graph.ttl").read_bytes()
    build([SEED_ARTICLE], out_dir=out, html=False)
    assert (out / "graph.ttl").read_bytes() == first
    build([SEED_ARTICLE], out_dir=out, html=False, append=True)
    build([SEED_ARTICLE], out_dir=out, html=False, append=True)
    assert (out / "graph.ttl").read_bytes() == first


def test_a_literal_ending_in_a_quote_after_a_line_break_stays_valid(tmp_path: Path) -> None:
    """Found in review: rdflib writes such literals as invalid Turtle; strict parsers refused them."""
    import pyoxigraph as ox

    record = {"id": "q", "title": 'Line one\nends with \\"', "text": 'Macron said "Scholz met Biden\\".'}
    source = tmp_path / "quotes.jsonl"
    source.write_text(json.dumps(record) + "\n", "utf-8")
    result = build([source], out_dir=tmp_path / "out", store=tmp_path / "store", html=False)
    strict = ox.Store()
    strict.load(path=str(tmp_path / "out" / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    assert len(strict) == len(result.graph)
    assert isomorphic(load_graph(tmp_path / "store"), load_graph(tmp_path / "out" / "graph.ttl"))


def test_lone_surrogates_in_json_do_not_stop_the_build(tmp_path: Path) -> None:
    source = tmp_path / "odd.jsonl"
    source.write_text('{"id": "a\\ud800", "text": "Macron met Scholz \\ud800 in Berlin."}\n', "utf-8")
    result = build([source], out_dir=None)
    assert result.counts["documents"] == 1 and "\ufffd" in result.documents[0]
    assert any("\ufffd" in str(evidence) for evidence in result.graph.objects(None, KG.evidence))


def damage(path: Path, how: str) -> None:
    """Damage a file the ways disks and people do: lose it, cut it short, zero it, overwrite it.
    (A MANIFEST cut in half may still hold an older whole state, which RocksDB reads with the log.)"""
    if how == "deleted":
        path.unlink()
    elif how == "emptied":
        path.write_bytes(b"")
    elif how == "cut in half":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif how == "cut short":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 8])
    elif how == "zeroed":
        path.write_bytes(b"\0" * path.stat().st_size)
    elif how == "overwritten":
        path.write_bytes((b"kg damage " * (path.stat().st_size // 10 + 1))[: max(path.stat().st_size, 16)])


#: Damage RocksDB does not survive: (the file's pattern, what happens to it, what the one line says).
#: Damage to IDENTITY, LOCK, LOG and OPTIONS-* does no harm: RocksDB makes them anew; nor does damage to
#: the write-ahead log (.log), as kg flushes the store into its tables after each write (tested below).
STORE_DAMAGE = {
    "CURRENT overwritten": ("CURRENT", "overwritten", "damaged or unreadable (Corruption: CURRENT"),
    "CURRENT deleted": ("CURRENT", "deleted", "its CURRENT file is missing"),
    "CURRENT emptied": ("CURRENT", "emptied", "damaged or unreadable"),
    "MANIFEST deleted": ("MANIFEST-*", "deleted", "damaged or unreadable (IO error"),
    "MANIFEST cut short": ("MANIFEST-*", "cut short", "damaged or unreadable"),
    "MANIFEST zeroed": ("MANIFEST-*", "zeroed", "damaged or unreadable (Corruption"),
    "table deleted": ("*.sst", "deleted", "damaged or unreadable"),
    "table cut in half": ("*.sst", "cut in half", "damaged or unreadable (Corruption"),
    "table overwritten": ("*.sst", "overwritten", "damaged or unreadable (Corruption"),
}
READ_COMMANDS = {
    "query": ["query", "{store}", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"],
    "validate": ["validate", "{store}"],
    "stats": ["stats", "{store}"],
    "render": ["render", "{store}", "-o", "{tmp}/graph.html"],
    "build --append": ["build", "{tmp}/more.txt", "--store", "{store}", "--append", "--no-html"],
}


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built by the real pipeline from two sentences."""
    folder = tmp_path_factory.mktemp("small-store")
    (folder / "two.txt").write_text(GOOD + " Joe Biden met Xi Jinping in Bali.", "utf-8")
    build([folder / "two.txt"], out_dir=None, store=folder / "store")
    return folder / "store"


def damaged_copy(store: Path, folder: Path, pattern: str, how: str) -> Path:
    copy = folder / "store"
    shutil.copytree(store, copy)
    for path in copy.glob(pattern):
        if pattern != "*.log" or path.stat().st_size == max(p.stat().st_size for p in copy.glob("*.log")):
            damage(path, how)
    return copy


@pytest.mark.parametrize("command", list(READ_COMMANDS), ids=list(READ_COMMANDS))
@pytest.mark.parametrize("case", list(STORE_DAMAGE), ids=list(STORE_DAMAGE))
def test_a_damaged_store_gets_one_line_and_exit_2(tmp_path: Path, small_store: Path, case: str, command: str) -> None:
    pattern, how, message = STORE_DAMAGE[case]
    store = damaged_copy(small_store, tmp_path, pattern, how)
    (tmp_path / "more.txt").write_text("Olaf Scholz met Rishi Sunak in London.", "utf-8")
    arguments = [argument.replace("{store}", str(store)).replace("{tmp}", str(tmp_path))
                 for argument in READ_COMMANDS[command]]
    result = runner.invoke(app, arguments)
    assert result.exit_code == EXIT_FAILED, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"kg: error: {store}: ") and message in line and "rebuild it" in line, line
    assert not (tmp_path / "graph.html").exists()


@pytest.mark.parametrize("how", ["overwritten", "deleted"])
def test_a_damaged_write_ahead_log_costs_nothing(tmp_path: Path, small_store: Path, how: str) -> None:
    """RocksDB reads a damaged log as empty: a store whose data lived only there would be silently lost."""
    from kg.sparql.query import query

    everything = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    store = damaged_copy(small_store, tmp_path, "*.log", how)
    assert query(store, everything).rows == query(small_store, everything).rows


@pytest.mark.parametrize("command", [["stats"], ["serve", "--port", "0"]], ids=["stats", "serve"])
def test_a_damaged_store_fails_in_seconds_without_a_traceback(tmp_path: Path, small_store: Path,
                                                              command: list[str]) -> None:
    """kg serve used to wait 600 s for a worker that had died opening the store."""
    store = damaged_copy(small_store, tmp_path, "CURRENT", "overwritten")
    started = time.monotonic()
    process = subprocess.run([sys.executable, "-m", "kg", command[0], str(store), *command[1:]],
                             capture_output=True, text=True, timeout=60)
    assert time.monotonic() - started < 5
    assert process.returncode == EXIT_FAILED and process.stdout == ""
    assert len(process.stderr.splitlines()) == 1 and "damaged or unreadable" in process.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_store_gets_one_line(tmp_path: Path, small_store: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(small_store, store)
    next(store.glob("MANIFEST-*")).chmod(0)
    result = runner.invoke(app, ["stats", str(store)])
    assert result.exit_code == EXIT_FAILED
    [line] = result.stderr.splitlines()
    assert "Permission denied" in line and "give kg access" in line


def with_file_size_limit(limit: int) -> Callable[[], None]:
    """For a subprocess: files cannot grow past ``limit`` bytes, and a write past it fails with
    EFBIG (as with ENOSPC on a full disk) instead of killing the process with SIGXFSZ."""

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_file_size


@pytest.mark.slow
def test_a_full_disk_while_appending_to_a_store_leaves_it_as_it_was(tmp_path: Path, small_store: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(small_store, store)
    before = load_graph(store)
    command = [sys.executable, "-m", "kg", "build", str(SEEDS), "--store", str(store), "--append", "--quiet"]
    process = subprocess.run(command, capture_output=True, text=True, timeout=300,
                             preexec_fn=with_file_size_limit(150_000))
    assert process.returncode == EXIT_FAILED, process.stderr
    [line] = process.stderr.splitlines()
    assert line.startswith(f"kg: error: {store}: cannot write the store (IO error") and "File too large" in line
    assert isomorphic(load_graph(store), before)


@pytest.mark.slow
def test_a_full_disk_while_writing_the_outputs_leaves_the_old_pair(tmp_path: Path) -> None:
    """graph.ttl (5 kB) fits under the limit, graph.html (700 kB) does not: neither is replaced."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_text("old graph", "utf-8")
    (out / "graph.html").write_text("old page", "utf-8")
    (tmp_path / "two.txt").write_text(GOOD, "utf-8")
    command = [sys.executable, "-m", "kg", "build", str(tmp_path / "two.txt"), "--out", str(out), "--quiet"]
    process = subprocess.run(command, capture_output=True, text=True, timeout=300,
                             preexec_fn=with_file_size_limit(100_000))
    assert process.returncode == EXIT_FAILED, process.stderr
    [line] = process.stderr.splitlines()
    assert line == f"kg: error: {out / 'graph.html'}: cannot write (File too large)"
    assert (out / "graph.ttl").read_text("utf-8") == "old graph"
    assert (out / "graph.html").read_text("utf-8") == "old page"
    assert sorted(path.name for path in out.iterdir()) == ["graph.html", "graph.ttl"]  # no temporary file left


def two_corpora(folder: Path) -> tuple[Path, Path]:
    """Two batches of news about the same people, so the second append joins nodes the first made."""
    text = SEED_ARTICLE.read_text("utf-8")
    batches = []
    for batch in ("a", "b"):
        path = folder / f"{batch}.jsonl"
        path.write_text("".join(json.dumps({"id": f"{batch}-{n}", "text": f"{text}\nBatch {batch}, copy {n}."}) + "\n"
                                for n in range(6)), "utf-8")
        batches.append(path)
    return batches[0], batches[1]


@pytest.mark.slow
@pytest.mark.parametrize("where", ["--out", "--store"])
def test_two_appends_at_once_equal_the_same_two_in_sequence(tmp_path: Path, where: str) -> None:
    """Two writers onto one graph: the second waits for the first's lock, then reads its result,
    so nothing is lost and the resolution records are computed from the whole graph."""
    first, second = two_corpora(tmp_path)

    def command(batch: Path, target: Path) -> list[str]:
        return [sys.executable, "-m", "kg", "build", str(batch), "--append", "--quiet", "--no-html", where, str(target)]

    def graph_of(target: Path) -> Graph:
        return load_graph(target / "graph.ttl" if where == "--out" else target)

    in_sequence = []
    for order in ((first, second), (second, first)):
        target = tmp_path / f"sequence-{order[0].stem}"
        for batch in order:
            subprocess.run(command(batch, target), check=True, timeout=300)
        in_sequence.append(graph_of(target))
    target = tmp_path / "at-once"
    processes = [subprocess.Popen(command(batch, target), stderr=subprocess.PIPE, text=True)
                 for batch in (first, second)]
    errors = [process.communicate(timeout=300)[1] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], errors
    assert any("waiting for it to finish" in error for error in errors), errors
    at_once = graph_of(target)
    documents = len(query(at_once, "SELECT ?d WHERE { ?d a kg:Document }").rows)
    assert documents == 12
    assert any(isomorphic(at_once, graph) for graph in in_sequence)
