"""Corpus-level resolution on real builds (kg.resolution.graphs): one node per thing across
documents, the decisions on record, and IRIs a query can follow after an append joins nodes."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.pipeline import build
from kg.resolution.graphs import RESOLUTION_GRAPH
from kg.sparql.query import query

FIRST = "US Secretary of State Antony Blinken arrived in Tel Aviv and met Prime Minister Benjamin Netanyahu."
SECOND = "Blinken told reporters in Amman that Netanyahu had agreed to consider pauses."


def write(folder: Path, **texts: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text + "\n", "utf-8")
        paths.append(folder / f"{name}.txt")
    return paths


def rows(graph: Path, sparql: str) -> list[tuple[str, ...]]:
    result = query(graph, sparql)
    return sorted(tuple(str(value) for value in row) for row in result.rows)


def test_two_stories_meet_at_one_blinken_and_one_netanyahu(tmp_path: Path) -> None:
    paths = write(tmp_path / "in", a=FIRST, b=SECOND)
    result = build(paths, out_dir=tmp_path / "out", html=False)
    graph = tmp_path / "out" / "graph.ttl"
    people = rows(graph, "SELECT ?name WHERE { ?p a kg:Person ; rdfs:label ?name }")
    assert people == [("Antony Blinken",), ("Benjamin Netanyahu",)]
    said = rows(graph, """SELECT ?evidence WHERE { ?s rdf:subject ?b ; kg:evidence ?evidence .
                          ?b rdfs:label "Antony Blinken" }""")
    assert (SECOND,) in said  # the second story's statement hangs on the first story's node
    why = rows(graph, """SELECT ?old ?rule ?reason WHERE { ?r a kg:Resolution ; kg:joined ?old ;
                         kg:into/rdfs:label "Antony Blinken" ; kg:resolutionRule ?rule ; kg:reason ?reason .
                         ?old owl:sameAs ?kept }""")
    assert [(old.rsplit("/", 1)[-1], rule) for old, rule, _ in why] == [("Blinken", "surname")]
    assert result.entities == len(rows(graph, "SELECT DISTINCT ?e WHERE { ?e a ?c VALUES ?c { kg:Person kg:Place "
                                               "kg:Country kg:City kg:Organization kg:Group kg:Role kg:Event } }"))


def test_an_ambiguous_surname_is_kept_apart_on_record(tmp_path: Path) -> None:
    paths = write(tmp_path / "in", a="George Bush spoke in Texas.", b="Jeb Bush spoke in Florida.",
                  c="Bush spoke in Ohio on Monday.")
    build(paths, out_dir=tmp_path / "out", html=False)
    graph = tmp_path / "out" / "graph.ttl"
    people = {name for (name,) in rows(graph, "SELECT ?name WHERE { ?p a kg:Person ; rdfs:label ?name }")}
    assert people == {"George Bush", "Jeb Bush", "Bush"}
    kept = rows(graph, """SELECT ?candidate WHERE { ?r kg:keptApart/rdfs:label "Bush" ;
                                                    kg:candidate/rdfs:label ?candidate }""")
    assert kept == [("George Bush",), ("Jeb Bush",)]


@pytest.mark.parametrize("with_store", [False, True])
def test_a_later_document_joins_earlier_nodes_and_the_old_iri_still_leads_there(tmp_path: Path,
                                                                                with_store: bool) -> None:
    """The FSB of one story and the Federal Security Service of another are two nodes until a third
    story writes "the Federal Security Service (FSB)"; a query that kept the old IRI follows owl:sameAs."""
    earlier = write(tmp_path / "in", a="The FSB arrested two men in Moscow.",
                    b="The Federal Security Service said on Monday that it had closed the case.")
    later = write(tmp_path / "later", c="Officers of the Federal Security Service (FSB) searched the office.")
    store = tmp_path / "store" if with_store else None
    build(earlier, out_dir=tmp_path / "out", html=False, store=store)
    graph = tmp_path / "out" / "graph.ttl"
    before = rows(graph, "SELECT ?o WHERE { ?o a kg:Organization }")
    assert len(before) == 2
    old_iri = next(iri for (iri,) in before if iri.endswith("/FSB"))
    build(later, out_dir=tmp_path / "out", html=False, store=store, append=True)
    for source in [graph] + ([store] if store is not None else []):
        assert len(rows(source, "SELECT ?o WHERE { ?o a kg:Organization }")) == 1
        followed = rows(source, f"SELECT ?name ?place WHERE {{ <{old_iri}> owl:sameAs ?now . ?now rdfs:label ?name . "
                                f"?s rdf:subject ?now ; rdf:object/rdfs:label ?place }}")
        assert ("Federal Security Service", "Moscow") in followed
    whole = tmp_path / "whole"
    build(earlier + later, out_dir=whole, html=False)
    assert graph.read_bytes() == (whole / "graph.ttl").read_bytes()


def test_the_decisions_live_in_their_own_named_graph(tmp_path: Path) -> None:
    paths = write(tmp_path / "in", a=FIRST, b=SECOND)
    build(paths, out_dir=tmp_path / "out", html=False, formats=["nquads"])
    store = ox.Store()
    store.bulk_load(path=str(tmp_path / "out" / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    same_as = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
    joined = [quad for quad in store.quads_for_pattern(None, same_as, None, None)
              if not quad.object.value.startswith("https://sws.geonames.org/")]  # GeoNames links are the entity's own
    assert joined and all(quad.graph_name == RESOLUTION_GRAPH for quad in joined)
    documents = {quad.graph_name for quad in store.quads_for_pattern(None, None, None, None)} - {RESOLUTION_GRAPH}
    assert len(documents) == 2  # one graph per document besides


def test_a_hand_decision_keeps_two_nodes_apart(tmp_path: Path) -> None:
    paths = write(tmp_path / "in", a=FIRST, b=SECOND)
    (tmp_path / "mine.txt").write_text("Blinken != Antony Blinken\n", "utf-8")
    build(paths, out_dir=tmp_path / "out", html=False, resolutions=tmp_path / "mine.txt")
    people = rows(tmp_path / "out" / "graph.ttl", "SELECT ?name WHERE { ?p a kg:Person ; rdfs:label ?name }")
    assert ("Blinken",) in people and ("Antony Blinken",) in people


def test_why_joined_and_explain_name_tell_the_reason(tmp_path: Path) -> None:
    from kg.explain import account_for, render_accounts
    from kg.sparql.query import example_query

    paths = write(tmp_path / "in", a=FIRST, b=SECOND, c="George Bush spoke.", d="Jeb Bush spoke.", e="Bush spoke.")
    build(paths, out_dir=tmp_path / "out", html=False)
    graph = tmp_path / "out" / "graph.ttl"
    records = query(graph, example_query("why-joined")).records()
    assert {(r["decision"], r["rule"]) for r in records} >= {("joined", "surname"), ("kept apart", "surname")}
    assert any(r["name"] == "Bush" and "George Bush" in (r["reason"] or "") for r in records)
    [blinken] = account_for(graph, "blinken")
    assert blinken.name == "Antony Blinken" and blinken.documents == 2 and "Blinken" in blinken.aliases
    assert [(old.rsplit("/", 1)[-1], rule) for old, rule, _ in blinken.joined] == [("Blinken", "surname")]
    [bush] = account_for(graph, "Bush")
    assert bush.kept_apart[0][2] == ("George Bush", "Jeb Bush")
    assert "kept apart (surname)" in render_accounts("Bush", [bush])
    assert account_for(graph, "Nobody") == []


@pytest.mark.slow
def test_two_workers_resolve_to_the_bytes_one_makes(paragraphs_jsonl: Path, tmp_path: Path) -> None:
    one = build([paragraphs_jsonl], out_dir=tmp_path / "one", html=False, workers=1)
    two = build([paragraphs_jsonl], out_dir=tmp_path / "two", html=False, workers=2)
    assert one.written[0].read_bytes() == two.written[0].read_bytes()
    assert b"a kg:Resolution" in one.written[0].read_bytes()


def test_an_append_that_names_a_joined_name_again_keeps_the_record_of_the_first_join(tmp_path: Path) -> None:
    earlier = write(tmp_path / "in", a=FIRST, b=SECOND)
    later = write(tmp_path / "later", c="Blinken flew to Cairo on Tuesday.")
    build(earlier, out_dir=tmp_path / "out", html=False)
    build(later, out_dir=tmp_path / "out", html=False, append=True)
    graph = tmp_path / "out" / "graph.ttl"
    joined = rows(graph, "SELECT ?old ?kept WHERE { ?r kg:joined ?old ; kg:into ?kept }")
    assert all(old != kept for old, kept in joined) and any(old.endswith("/Blinken") for old, _ in joined)
    assert rows(graph, "SELECT ?x WHERE { ?x owl:sameAs ?x }") == []
    build(earlier + later, out_dir=tmp_path / "whole", html=False)
    assert graph.read_bytes() == (tmp_path / "whole" / "graph.ttl").read_bytes()
