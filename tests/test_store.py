"""The persistent store, incremental builds and named graphs per document."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.errors import GraphError
from kg.graph.export import load_graph
from kg.graph.rdf import document_iri, split_by_document, union
from kg.graph.store import is_store, open_store
from kg.pipeline import build
from kg.sparql.query import query
from tests.conftest import SEED_ARTICLE, SEEDS

COUNT = "SELECT (COUNT(DISTINCT ?d) AS ?documents) (COUNT(?s) AS ?statements) WHERE { ?s kg:document ?d }"


def counts(source: Path | Graph) -> tuple[int, int]:
    [[documents, statements]] = query(source, COUNT).rows
    return int(documents), int(statements)  # type: ignore[call-overload]


def test_store_holds_one_named_graph_per_document(tmp_path: Path, seeds_graph: Graph) -> None:
    store = tmp_path / "store"
    result = build([SEEDS], out_dir=None, store=store)
    assert result.written == [] and is_store(store)
    assert counts(store) == counts(seeds_graph)
    graphs = query(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a kg:Document } }").rows
    assert sorted(str(g) for (g,) in graphs) == sorted(str(document_iri(d)) for d in result.documents)
    assert isomorphic(load_graph(store), seeds_graph)


def test_append_to_a_store_adds_and_replaces(tmp_path: Path, seeds_graph: Graph) -> None:
    store = tmp_path / "store"
    build([SEED_ARTICLE], out_dir=None, store=store)
    assert counts(store)[0] == 1
    build([SEEDS], out_dir=None, store=store, append=True)
    build([SEEDS], out_dir=None, store=store, append=True)  # again: replaces, never duplicates
    assert counts(store) == counts(seeds_graph)
    assert isomorphic(load_graph(store), seeds_graph)


def test_build_without_append_replaces_the_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build([SEEDS], out_dir=None, store=store)
    build([SEED_ARTICLE], out_dir=None, store=store)
    assert counts(store)[0] == 1


def test_append_to_graph_files(tmp_path: Path, seeds_graph: Graph) -> None:
    out = tmp_path / "out"
    build([SEED_ARTICLE], out_dir=out, html=False)
    build([SEEDS / "wikinews-sample.csv"], out_dir=out, append=True, html=False)
    build([SEEDS / "wikinews-sample.csv"], out_dir=out, append=True, html=False, formats=["trig"])
    assert isomorphic(load_graph(out / "graph.ttl"), seeds_graph)
    trig = Dataset()
    trig.parse(out / "graph.trig", format="trig")
    assert len([g for g in trig.graphs() if len(g)]) == 4


def test_split_by_document_round_trips(seeds_graph: Graph) -> None:
    dataset = split_by_document(seeds_graph)
    assert isomorphic(union(dataset), seeds_graph)
    assert len(dataset.default_context) == 0  # every triple belongs to a document


def test_store_errors(tmp_path: Path) -> None:
    with pytest.raises(GraphError, match="no kg store here"):
        open_store(tmp_path / "missing")
    a_file = tmp_path / "file"
    a_file.write_text("x", "utf-8")
    with pytest.raises(GraphError, match="is a file"):
        open_store(a_file, create=True)


def test_a_copied_store_is_still_a_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build([SEED_ARTICLE], out_dir=None, store=store)
    shutil.copytree(store, tmp_path / "copy")
    assert counts(tmp_path / "copy")[0] == 1


def test_appending_to_a_store_writes_whole_files(tmp_path: Path, seeds_graph: Graph) -> None:
    store = tmp_path / "store"
    build([SEED_ARTICLE], out_dir=None, store=store)
    build([SEEDS / "wikinews-sample.csv"], out_dir=tmp_path / "out", store=store, append=True, html=False,
          formats=["trig"])
    trig = Dataset()
    trig.parse(tmp_path / "out" / "graph.trig", format="trig")
    assert len([g for g in trig.graphs() if len(g)]) == 4
    assert isomorphic(load_graph(tmp_path / "out" / "graph.ttl"), seeds_graph)


def test_split_never_gives_a_denied_relation_a_direct_triple(resolve_texts) -> None:  # type: ignore[no-untyped-def]
    from kg.graph.rdf import document_iri, to_graph
    from kg.namespace import KG

    corpus = resolve_texts("Barack Obama met Vladimir Putin in Geneva.", "Barack Obama did not meet Vladimir Putin.")
    dataset = split_by_document(to_graph(corpus))
    denying = next(d for d in corpus.documents if "not" in d.text)
    assert not list(dataset.graph(document_iri(denying.id)).triples((None, KG.meets, None)))


def test_trig_with_foreign_terms_is_valid(tmp_path: Path) -> None:
    import pyoxigraph as ox
    from rdflib import Literal, URIRef

    from kg.graph.export import serialize
    from kg.graph.rdf import new_dataset

    dataset = new_dataset()
    graph = dataset.graph(URIRef("https://example.org/g"))
    graph.add((URIRef("https://example.org/s"), URIRef("http://other.example/p"), Literal('@prefix x: <y> .\nline"')))
    strict = ox.Store()
    strict.load(serialize(dataset, "trig"), format=ox.RdfFormat.TRIG)
    assert len(strict) == 1


def test_fill_union_keeps_what_the_default_graph_holds() -> None:
    import pyoxigraph as ox

    from kg.graph.store import fill_union, in_memory, put_graph

    graphs = in_memory()
    put_graph(graphs, '<http://example.org/a> <http://example.org/p> "kept" .\n')
    put_graph(graphs, '<http://example.org/b> <http://example.org/p> "doc" .\n', "<http://example.org/d>")
    fill_union(graphs)
    values = {quad.object.value for quad in graphs.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert values == {"kept", "doc"}
