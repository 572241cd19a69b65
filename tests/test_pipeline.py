from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.errors import InputError
from kg.pipeline import BuildResult, build
from tests.conftest import SEED_ARTICLE, SEEDS


def test_seeds_build_writes_turtle_and_html(seeds_build: BuildResult) -> None:
    names = [path.name for path in seeds_build.written]
    assert names == ["graph.ttl", "graph.html"]
    counts = seeds_build.counts
    assert counts["documents"] == 4
    assert counts["entities"] > 30 and counts["relations"] > 20 and counts["triples"] == len(seeds_build.graph)


def test_same_input_gives_byte_identical_turtle(seeds_build: BuildResult, tmp_path: Path) -> None:
    again = build([SEEDS], out_dir=tmp_path, html=False)
    assert again.written[0].read_bytes() == seeds_build.written[0].read_bytes()


def test_document_order_does_not_change_the_graph(tmp_path: Path) -> None:
    files = sorted(SEEDS.glob("*.*"))
    files = [f for f in files if f.suffix in (".txt", ".csv")]
    forward = build(files, out_dir=None).graph
    backward = build(list(reversed(files)), out_dir=None).graph
    assert isomorphic(forward, backward)


def test_extra_formats(seed_copy: Path, tmp_path: Path) -> None:
    result = build([seed_copy], out_dir=tmp_path, formats=["nt", "json-ld"], html=False)
    assert sorted(p.name for p in result.written) == ["graph.jsonld", "graph.nt", "graph.ttl"]
    parsed = Graph().parse(tmp_path / "graph.nt", format="nt")
    assert isomorphic(parsed, result.graph)


def test_bad_inputs_are_reported_and_the_rest_is_built(seed_copy: Path, tmp_path: Path) -> None:
    (seed_copy / "empty.txt").write_bytes(b"")
    (seed_copy / "latin1.txt").write_bytes(b"Caf\xe9 society met in Paris.")
    seen: list[str] = []
    result = build([seed_copy, tmp_path / "missing"], out_dir=tmp_path / "out",
                   on_error=lambda e: seen.append(str(e)))
    assert result.counts["documents"] == 1
    assert len(result.failures) == 3 and seen == result.failures


def test_nothing_readable_is_an_error_and_keeps_old_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_text("# the user's previous graph\n", "utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", "utf-8")
    with pytest.raises(InputError, match="no readable documents"):
        build([empty], out_dir=out)
    assert (out / "graph.ttl").read_text("utf-8") == "# the user's previous graph\n"


def test_python_api_without_files(seed_copy: Path) -> None:
    import kg

    result = kg.build([seed_copy], out_dir=None)
    assert result.written == []
    rows = kg.query(result.graph, kg.example_query("who-meets-whom")).records()
    assert rows[0]["person"] == "Antony Blinken" and rows[0]["other"] == "Benjamin Netanyahu"


def test_duplicate_document_ids_are_reported_not_merged(tmp_path: Path) -> None:
    for name in ("a", "b"):
        record = {"id": "1", "text": f"Macron met Scholz in {name}."}
        (tmp_path / f"{name}.jsonl").write_text(json.dumps(record), "utf-8")
    result = build([tmp_path / "a.jsonl", tmp_path / "b.jsonl"], out_dir=None)
    assert result.counts["documents"] == 1
    [failure] = result.failures
    assert "b.jsonl:1" in failure and "same document id '1'" in failure


def test_an_over_long_document_is_skipped_and_the_rest_built(tmp_path: Path, seed_copy: Path) -> None:
    (seed_copy / "huge.txt").write_text("word " * 210_000, "utf-8")
    result = build([seed_copy], out_dir=None)
    assert result.counts["documents"] == 1
    [failure] = result.failures
    assert "huge.txt" in failure and "split it" in failure


def test_a_document_over_the_time_limit_is_skipped_and_the_rest_built(tmp_path: Path, seed_copy: Path) -> None:
    """16 KB of brackets with no space take spaCy's tokenizer 10-20 s; the article next to it is built."""
    (seed_copy / "brackets.txt").write_text("Brackets\n" + "(" * 8000 + ")" * 8000, "utf-8")
    result = build([seed_copy], out_dir=None, doc_timeout=1.0)
    assert result.counts["documents"] == 1
    [failure] = result.failures
    assert "brackets.txt" in failure and "took more than 1 s to parse" in failure
    alone = build([seed_copy / SEED_ARTICLE.name], out_dir=None)
    assert isomorphic(result.graph, alone.graph)


@pytest.mark.slow
def test_output_is_byte_identical_across_processes(tmp_path: Path) -> None:
    """Hash randomisation must not leak into any output format or the page."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        subprocess.run(
            [sys.executable, "-m", "kg", "build", str(SEEDS), "--out", str(out), "--quiet",
             "--format", "nt", "--format", "json-ld", "--format", "trig"],
            check=True, env={**os.environ, "PYTHONHASHSEED": seed}, timeout=300,
        )
        outputs.append({path.name: path.read_bytes() for path in sorted(out.iterdir())})
    assert sorted(outputs[0]) == ["graph.html", "graph.jsonld", "graph.nt", "graph.trig", "graph.ttl"]
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], name


def test_ids_that_mint_the_same_iri_are_not_merged(tmp_path: Path) -> None:
    from kg.errors import InputError as _InputError

    source = tmp_path / "two.jsonl"
    source.write_text('{"id": "a b", "text": "Antony Blinken met Benjamin Netanyahu in Jerusalem."}\n'
                      '{"id": "a_b", "text": "Joe Biden met Olaf Scholz in Berlin."}\n', "utf-8")
    errors: list[_InputError] = []
    result = build([source], out_dir=None, on_error=errors.append, formats=("nq",))
    assert result.documents == ["a b"] and "same IRI" in str(errors[0])


@pytest.mark.slow
def test_a_long_text_is_read_in_parts_of_one_story(tmp_path: Path) -> None:
    """A text longer than spaCy should parse at once is cut at paragraphs into parts, each a document
    of the build, said in a warning; their people are the same nodes across the parts."""
    from kg.read import PART_CHARACTERS

    paragraph = ("Antony Blinken met Benjamin Netanyahu in Jerusalem on Monday. They discussed aid, "
                 "trade and the security of the region for several hours, officials said.")
    text = "\n\n".join([paragraph] * (PART_CHARACTERS // len(paragraph) * 2 + 10))
    (tmp_path / "long.txt").write_text(text, "utf-8")
    warnings: list[str] = []
    result = build([tmp_path / "long.txt"], out_dir=None, on_warning=warnings.append)
    assert len(result.documents) == 3
    assert any("read as 3 parts" in warning for warning in warnings)
    from kg.sparql.query import query

    people = {str(row[0]) for row in query(result.graph, "SELECT ?l WHERE { ?p a kg:Person ; rdfs:label ?l }").rows}
    assert people == {"Antony Blinken", "Benjamin Netanyahu"}
