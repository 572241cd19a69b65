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


def test_a_store_answers_as_its_graph_file_does(tmp_path: Path, seeds_graph: Graph) -> None:
    """A triple several documents state comes back once, as from graph.ttl; FROM picks graphs."""
    store = tmp_path / "store"
    build([SEEDS], out_dir=None, store=store)
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert query(store, everything).rows == query(seeds_graph, everything).rows
    shared = ("SELECT ?s ?p ?o WHERE { GRAPH ?a { ?s ?p ?o } GRAPH ?b { ?s ?p ?o } FILTER(STR(?a) < STR(?b)) } "
              "LIMIT 1")
    [[subject, predicate, obj]] = query(store, shared).rows  # the seeds' documents share triples
    one = f"SELECT ?o WHERE {{ <{subject}> <{predicate}> ?o }}"
    assert [row[0] for row in query(store, one).rows].count(obj) == 1
    [[document]] = query(store, "SELECT ?d WHERE { ?d a kg:Document } ORDER BY ?d LIMIT 1").rows
    from_one = f"SELECT (COUNT(*) AS ?n) FROM <{document}> WHERE {{ ?s ?p ?o }}"
    [[in_one]] = query(store, from_one).rows
    assert 0 < int(in_one) < int(query(store, everything).rows[0][0])  # type: ignore[call-overload]


def test_damage_deep_in_a_store_is_a_graph_error_when_read(tmp_path: Path) -> None:
    """Opening reads a store's index blocks only; a damaged data block shows when it is read."""
    import pyoxigraph as ox

    from kg.graph.store import read_store, store_graph

    store = tmp_path / "store"
    ox.Store(str(store)).bulk_load(b"".join(
        f'<https://example.org/s{n}> <https://example.org/p> "{n}" <https://example.org/g> .\n'.encode()
        for n in range(20_000)), format=ox.RdfFormat.N_QUADS)  # bulk loading writes tables (.sst), not a log
    for table in store.glob("*.sst"):
        if table.stat().st_size > 10_000:
            with table.open("r+b") as stream:
                stream.seek(table.stat().st_size // 2)
                stream.write(b"\xa5" * 1024)
    read_store(store)  # the probe reads the first quad only
    with pytest.raises(GraphError, match=f"{store}: cannot read the store: .*block checksum mismatch"):
        store_graph(store)


def test_appending_opens_a_damaged_store_read_only_first(tmp_path: Path) -> None:
    """Opened for writing, RocksDB would make anew the indexes a cut MANIFEST no longer lists, and the
    store would lose its named graphs without a word."""
    store = tmp_path / "store"
    build([SEED_ARTICLE], out_dir=None, store=store)
    manifest = next(store.glob("MANIFEST-*"))
    manifest.write_bytes(manifest.read_bytes()[: manifest.stat().st_size // 8])  # past its column families
    with pytest.raises(GraphError, match="damaged or unreadable"):
        open_store(store)
    with pytest.raises(GraphError, match="damaged or unreadable"):
        build([SEED_ARTICLE], out_dir=None, store=store, append=True)
