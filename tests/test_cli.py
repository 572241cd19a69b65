from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import EXIT_FAILED, EXIT_SOME_INPUTS_FAILED, app
from kg.graph.export import load_graph
from tests.conftest import SEED_ARTICLE

runner = CliRunner()


def run_kg(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in a child process, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "kg", *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd, timeout=300)


@pytest.mark.slow
def test_build_and_query_end_to_end(tmp_path: Path, seed_copy: Path) -> None:
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    built = run_kg("build", str(seed_copy), "--out", str(tmp_path / "out"), cwd=workdir)
    assert built.returncode == 0, built.stderr
    assert "1 document ->" in built.stdout and "graph.ttl" in built.stdout
    answer = run_kg("query", str(tmp_path / "out" / "graph.ttl"), "--example", "who-meets-whom")
    assert answer.returncode == 0, answer.stderr
    row = [line for line in answer.stdout.splitlines() if line.startswith("Antony Blinken")]
    assert row and "Benjamin Netanyahu" in row[0] and "planned" in row[0] and "Blinken will meet with" in row[0]
    assert list(workdir.iterdir()) == []  # nothing written where kg runs: no pyvis lib/ folder
    assert (tmp_path / "out" / "graph.html").stat().st_mode & 0o044  # readable by others, like any file


@pytest.mark.slow
def test_build_reads_stdin(tmp_path: Path) -> None:
    text = "Angela Merkel met Emmanuel Macron in Paris."
    result = run_kg("build", "-", "--out", str(tmp_path), "--no-html", stdin=text)
    assert result.returncode == 0, result.stderr
    assert "Angela_Merkel" in (tmp_path / "graph.ttl").read_text("utf-8")
    assert not (tmp_path / "graph.html").exists()


def test_some_bad_inputs_exit_1_with_one_line_each(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", "utf-8")
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02binary")
    result = runner.invoke(app, ["build", str(SEED_ARTICLE), str(tmp_path / "empty.txt"), str(tmp_path / "blob.txt"),
                                 str(tmp_path / "missing.txt"), "--out", str(tmp_path / "out"), "--no-html"])
    assert result.exit_code == EXIT_SOME_INPUTS_FAILED
    skipped = [line for line in result.stderr.splitlines() if line.startswith("kg: skipped:")]
    assert len(skipped) == 3
    assert "Traceback" not in result.stderr
    assert (tmp_path / "out" / "graph.ttl").exists()


def test_many_warnings_show_the_first_ten_and_a_count(tmp_path: Path) -> None:
    german = ("Der Bundeskanzler traf sich am Montag mit dem französischen Präsidenten in Berlin, um über die Lage "
              "in der Ukraine zu sprechen. Beide Politiker betonten die Bedeutung der europäischen Einheit und "
              "kündigten weitere Gespräche an.")
    lines = [json.dumps({"id": f"de-{number}", "text": german}) for number in range(13)]
    (tmp_path / "de.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    result = runner.invoke(app, ["build", str(tmp_path / "de.jsonl"), "--out", str(tmp_path / "out"), "--no-html"])
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("kg: warning:")]
    assert len(warnings) == 11
    assert all("does not look like English" in line for line in warnings[:10])
    assert warnings[10] == "kg: warning: 3 more warning(s) like these not shown"


@pytest.mark.slow
def test_a_document_over_the_time_limit_is_skipped_with_one_line_exit_1(tmp_path: Path) -> None:
    """In worker processes, as in one: the slow document is named, the other is built."""
    (tmp_path / "brackets.txt").write_text("Brackets\n" + "(" * 8000 + ")" * 8000, "utf-8")
    result = runner.invoke(app, ["build", str(SEED_ARTICLE), str(tmp_path / "brackets.txt"), "--doc-timeout", "1",
                                 "--workers", "2", "--out", str(tmp_path / "out"), "--no-html"])
    assert result.exit_code == EXIT_SOME_INPUTS_FAILED, result.stderr
    [skipped] = [line for line in result.stderr.splitlines() if line.startswith("kg: skipped:")]
    assert "brackets.txt: took more than 1 s to parse" in skipped and "--doc-timeout" in skipped
    assert "1 document ->" in result.stdout
    assert "Antony_Blinken" in (tmp_path / "out" / "graph.ttl").read_text("utf-8")


def test_a_negative_time_limit_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(SEED_ARTICLE), "--doc-timeout", "-1", "--out", str(tmp_path)])
    assert result.exit_code == EXIT_FAILED
    assert "--doc-timeout" in result.stderr and not (tmp_path / "graph.ttl").exists()


def test_no_readable_input_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(tmp_path / "missing.txt"), "--out", str(tmp_path)])
    assert result.exit_code == EXIT_FAILED
    assert result.stderr.strip().splitlines()[-1].startswith("kg: error: no readable documents")


def test_bad_format_exits_2_before_parsing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(SEED_ARTICLE), "--format", "yaml", "--out", str(tmp_path)])
    assert result.exit_code == EXIT_FAILED and "unknown RDF format 'yaml'" in result.stderr


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli-graph")
    result = runner.invoke(app, ["build", str(SEED_ARTICLE), "--out", str(out), "--no-html", "--quiet"])
    assert result.exit_code == 0, result.stderr
    return out / "graph.ttl"


def test_query_from_argument_file_and_formats(graph_file: Path, tmp_path: Path) -> None:
    sparql = 'SELECT ?name WHERE { ?p a kg:Person ; rdfs:label ?name } ORDER BY ?name'
    table = runner.invoke(app, ["query", str(graph_file), sparql])
    assert table.exit_code == 0 and "Antony Blinken" in table.stdout
    query_file = tmp_path / "q.rq"
    query_file.write_text(sparql, "utf-8")
    as_json = runner.invoke(app, ["query", str(graph_file), "--file", str(query_file), "--format", "json"])
    names = [b["name"]["value"] for b in json.loads(as_json.stdout)["results"]["bindings"]]
    assert "Benjamin Netanyahu" in names
    as_csv = runner.invoke(app, ["query", str(graph_file), sparql, "--format", "csv"])
    assert as_csv.stdout.splitlines()[0] == "name"


def test_malformed_query_is_one_line_exit_2(graph_file: Path) -> None:
    result = runner.invoke(app, ["query", str(graph_file), "SELECT ?x WHERE { ?x kg:meets }"])
    assert result.exit_code == EXIT_FAILED
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: malformed SPARQL query")


def test_broken_graph_file_is_one_line_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "graph.ttl"
    broken.write_text("<a> <b> .", "utf-8")
    result = runner.invoke(app, ["query", str(broken), "ASK {}"])
    assert result.exit_code == EXIT_FAILED and "not a valid RDF file" in result.stderr
    assert broken.read_text("utf-8") == "<a> <b> ."


def test_query_needs_exactly_one_query(graph_file: Path) -> None:
    result = runner.invoke(app, ["query", str(graph_file)])
    assert result.exit_code == EXIT_FAILED and "exactly one query" in result.stderr


@pytest.mark.parametrize("command", [[], *([command.name] for command in app.registered_commands)])
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.stdout and len(result.stdout.splitlines()) > 5


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("kg ")


def test_render_redraws_a_saved_graph(graph_file: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    result = runner.invoke(app, ["render", str(graph_file), "-o", str(page), "--title", "Seed <b>", "--max-nodes", "5"])
    assert result.exit_code == 0, result.stderr
    html = page.read_text("utf-8")
    assert "<title>Seed &lt;b&gt;</title>" in html
    assert "5 entities" in html and "less central entities hidden" in html


def test_render_of_a_broken_graph_keeps_the_old_page(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("not turtle at all", "utf-8")
    page = tmp_path / "graph.html"
    page.write_text("old page", "utf-8")
    result = runner.invoke(app, ["render", str(broken), "-o", str(page)])
    assert result.exit_code == EXIT_FAILED and "not a valid RDF file" in result.stderr
    assert page.read_text("utf-8") == "old page"


def test_stats_text_and_json(graph_file: Path) -> None:
    text = runner.invoke(app, ["stats", str(graph_file)])
    assert text.exit_code == 0 and "most central entities" in text.stdout
    numbers = json.loads(runner.invoke(app, ["stats", str(graph_file), "--json", "--top", "3"]).stdout)
    assert numbers["classes"]["Person"] >= 3 and numbers["relation_types"]["meets"] == 1
    assert len(numbers["top_entities"]) == 3 and numbers["top_entities"][0]["entity"] == "Antony Blinken"
    assert numbers["components"]["count"] >= 1 and numbers["communities"]["count"] >= 1


def test_validate(graph_file: Path, tmp_path: Path) -> None:
    valid = runner.invoke(app, ["validate", str(graph_file)])
    assert valid.exit_code == 0 and "valid" in valid.stdout
    broken = tmp_path / "broken.ttl"
    broken.write_text(graph_file.read_text("utf-8") + '\n<https://w3id.org/kg-news/id/person/Antony_Blinken> '
                      '<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
                      '<https://w3id.org/kg-news/ontology#Organization> .\n', "utf-8")
    invalid = runner.invoke(app, ["validate", str(broken)])
    assert invalid.exit_code == EXIT_SOME_INPUTS_FAILED
    assert invalid.stdout.splitlines() == [
        "kgr:person/Antony_Blinken (Antony Blinken) rdf:type: an entity needs exactly one kg class [Entity]"
    ]


@pytest.mark.slow
def test_extract_shards_merge_into_the_graph_of_one_build(paragraphs_jsonl: Path, tmp_path: Path) -> None:
    """The map step run on two shards, one from a file and one from stdin: kg merge of the two
    N-Quads files (resolving names across both) writes the bytes kg build writes of all the
    documents, with two workers too."""
    lines = paragraphs_jsonl.read_text("utf-8").splitlines(keepends=True)
    (tmp_path / "first.jsonl").write_text("".join(lines[:20]), "utf-8")
    first = run_kg("extract", str(tmp_path / "first.jsonl"), "-o", str(tmp_path / "first.nq"), "--workers", "2")
    assert first.returncode == 0, first.stderr
    second = run_kg("extract", "--quiet", stdin="".join(lines[20:]))
    assert second.returncode == 0, second.stderr
    (tmp_path / "second.nq").write_text(second.stdout, "utf-8")
    graphs = {line.rsplit(" ", 2)[-2] for line in (first.stdout + (tmp_path / "first.nq").read_text("utf-8")
                                                   + second.stdout).splitlines()}
    assert len(graphs) == 50  # one named graph per document
    merged = run_kg("merge", str(tmp_path / "first.nq"), str(tmp_path / "second.nq"), "--out", str(tmp_path / "merged"),
                    "--no-html")
    assert merged.returncode == 0, merged.stderr
    built = run_kg("build", str(paragraphs_jsonl), "--out", str(tmp_path / "out"), "--no-html")
    assert built.returncode == 0, built.stderr
    whole = (tmp_path / "out" / "graph.ttl").read_bytes()
    assert len(load_graph(tmp_path / "out" / "graph.ttl")) > 500
    assert (tmp_path / "merged" / "graph.ttl").read_bytes() == whole
    assert b"a kg:Resolution" in whole  # names were resolved across the shards


@pytest.mark.slow
def test_extract_keeps_the_previous_file_when_input_is_bad(tmp_path: Path) -> None:
    out = tmp_path / "shard.nq"
    out.write_text("previous\n", "utf-8")
    result = run_kg("extract", str(tmp_path / "missing.jsonl"), "-o", str(out))
    assert result.returncode == EXIT_FAILED  # nothing was extracted, as kg build
    assert "missing.jsonl: no such file" in result.stderr
    assert "Traceback" not in result.stderr
    assert out.read_text("utf-8") == "previous\n"


def test_defaults_written_in_help_text_are_shown() -> None:
    """Square brackets are rich markup: a help text's "[default: ...]" must be escaped to be seen."""
    wide = {"COLUMNS": "200"}  # rich wraps at 80 columns otherwise, whatever click's terminal_width says
    assert "[default: output" in runner.invoke(app, ["build", "--help"], terminal_width=200, env=wide).output
    assert "[default: stdout]" in runner.invoke(app, ["extract", "--help"], terminal_width=200, env=wide).output


@pytest.mark.slow
def test_explain_a_name_in_a_graph(tmp_path: Path) -> None:
    """kg explain NAME --graph: the node a name leads to and why; an unknown name exits 1."""
    (tmp_path / "a.txt").write_text("US Secretary of State Antony Blinken met Benjamin Netanyahu.\n", "utf-8")
    (tmp_path / "b.txt").write_text("Blinken told reporters that Netanyahu had agreed.\n", "utf-8")
    built = run_kg("build", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--out", str(tmp_path / "out"), "-q")
    assert built.returncode == 0, built.stderr
    graph = str(tmp_path / "out" / "graph.ttl")
    told = run_kg("explain", "Blinken", "--graph", graph)
    assert told.returncode == 0, told.stderr
    assert told.stdout.startswith("Antony Blinken: Person, in 2 documents") and "(surname)" in told.stdout
    as_json = run_kg("explain", "Blinken", "--graph", graph, "--json")
    assert json.loads(as_json.stdout)[0]["joined"][0][1] == "surname"
    unknown = run_kg("explain", "Nobody", "--graph", graph)
    assert unknown.returncode == 1 and "no node is named" in unknown.stdout


def test_what_a_build_says_reads_right(tmp_path: Path) -> None:
    """One document is "1 document"; a short build gives no tokens a second (its start-up's, not its
    reading's); after an append the documents are the ones added and the rest counts the graph."""
    first = runner.invoke(app, ["build", str(SEED_ARTICLE), "--out", str(tmp_path / "out"), "--no-html"])
    assert first.exit_code == 0, first.stderr
    assert first.stdout.startswith("1 document -> ") and "tokens/s" not in first.stdout
    again = runner.invoke(app, ["build", str(SEED_ARTICLE), "--out", str(tmp_path / "out"), "--no-html", "--append"])
    assert again.stdout.startswith("1 document added; the graph now has ")


@pytest.mark.slow
def test_extract_to_dash_writes_standard_output(tmp_path: Path) -> None:
    result = run_kg("extract", str(SEED_ARTICLE), "-o", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "<https://w3id.org/kg-news/id/person/Antony_Blinken>" in result.stdout
    assert not (tmp_path / "-").exists()


def test_a_construct_answer_uses_kgs_prefixes(tmp_path: Path) -> None:
    runner.invoke(app, ["build", str(SEED_ARTICLE), "--out", str(tmp_path / "out"), "--no-html"])
    answer = runner.invoke(app, ["query", str(tmp_path / "out" / "graph.ttl"),
                                 "CONSTRUCT { ?a kg:meets ?b } WHERE { ?a kg:meets ?b }"])
    assert "@prefix kg: <https://w3id.org/kg-news/ontology#>" in answer.stdout and "ns1:" not in answer.stdout


def test_help_reads_as_plain_text_with_flags_as_flags() -> None:
    """A flag is shown as a flag (not "--quiet <bool>", which reads as if it took a value), and
    ``kg build --help`` fits a screen or two of plain text."""
    result = runner.invoke(app, ["build", "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    assert "<bool>" not in result.stdout and "╭" not in result.stdout and "\\[" not in result.stdout
    assert "-q, --quiet" in result.stdout and len(result.stdout.splitlines()) < 70
