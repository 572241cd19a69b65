from __future__ import annotations

import errno
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from kg.errors import GraphError
from kg.graph.export import atomic_files, load_graph, serialize, write_atomic, write_graph
from kg.graph.rdf import new_graph
from kg.namespace import KG


def small_graph() -> Graph:
    graph = new_graph()
    graph.add((URIRef("https://w3id.org/kg-news/id/person/A"), KG.meets, URIRef("https://w3id.org/kg-news/id/person/B")))
    return graph


def test_write_atomic_replaces_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "graph.ttl"
    path.write_text("old", "utf-8")
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "graph.ttl"
    path.write_text("old graph", "utf-8")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("kg.graph.export.os.replace", broken_replace)
    with pytest.raises(GraphError, match="graph.ttl: cannot write \\(disk full\\)"):
        write_atomic(path, b"new graph")
    assert path.read_text("utf-8") == "old graph"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]  # no temporary file left


@pytest.mark.parametrize("name", ["turtle", "nt", "json-ld", "xml", "trig"])
def test_formats_round_trip(tmp_path: Path, name: str) -> None:
    graph = small_graph()
    suffix = {"turtle": ".ttl", "nt": ".nt", "json-ld": ".jsonld", "xml": ".rdf", "trig": ".trig"}[name]
    path = write_graph(graph, tmp_path / f"graph{suffix}", name)
    assert isomorphic(load_graph(path), graph)


def test_turtle_is_byte_identical() -> None:
    assert serialize(small_graph()) == serialize(small_graph())


def test_unknown_format_is_named() -> None:
    with pytest.raises(GraphError, match="unknown RDF format 'yaml'"):
        serialize(small_graph(), "yaml")


def test_a_format_kg_export_writes_points_there() -> None:
    with pytest.raises(GraphError, match="unknown RDF format 'graphml'.*run `kg export GRAPH --to graphml`"):
        serialize(small_graph(), "graphml")


def test_broken_graph_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix kg: <x> .\nkg:a kg:b ", "utf-8")
    with pytest.raises(GraphError, match="broken.ttl: not a valid RDF file"):
        load_graph(path)
    with pytest.raises(GraphError, match="no such graph file"):
        load_graph(tmp_path / "missing.ttl")


def test_writing_onto_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GraphError, match="is a folder"):
        write_atomic(tmp_path, b"data")


def test_files_written_together_are_replaced_together_or_not_at_all(tmp_path: Path) -> None:
    """The disk fills while graph.html is written: graph.ttl, written already, must stay the old one too."""
    graph_file, page_file = tmp_path / "graph.ttl", tmp_path / "graph.html"
    graph_file.write_text("old graph", "utf-8")
    page_file.write_text("old page", "utf-8")
    with pytest.raises(GraphError, match="graph.html: cannot write \\(File too large\\)"), atomic_files() as files:
        files.write(graph_file, b"new graph")
        with files.stream(page_file) as stream:
            stream.write(b"new page, half")
            raise OSError(errno.EFBIG, "File too large")
    assert graph_file.read_text("utf-8") == "old graph" and page_file.read_text("utf-8") == "old page"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["graph.html", "graph.ttl"]  # no temporary left
    with atomic_files() as files:
        files.write(graph_file, b"new graph")
        files.write(page_file, b"new page")
    assert graph_file.read_text("utf-8") == "new graph" and page_file.read_text("utf-8") == "new page"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["graph.html", "graph.ttl"]
