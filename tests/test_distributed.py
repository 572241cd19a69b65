"""The Dask path: a real LocalCluster of two worker processes on 127.0.0.1 builds kg build's graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from kg.graph.export import load_graph
from kg.pipeline import build

pytestmark = pytest.mark.cluster

distributed = pytest.importorskip("dask.distributed")


def test_dask_builds_the_same_graph_as_kg_build(paragraphs_jsonl: Path, tmp_path: Path) -> None:
    from kg.distributed import build_on_dask

    local = build([paragraphs_jsonl], out_dir=tmp_path / "local", html=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        on_dask = build_on_dask(client, [paragraphs_jsonl], out_dir=tmp_path / "dask", html=False)
        assert len(client.nthreads()) == 2
    assert len(on_dask.documents) == len(local.documents) == 50
    assert len(local.graph) > 500
    assert isomorphic(load_graph(tmp_path / "dask" / "graph.ttl"), load_graph(tmp_path / "local" / "graph.ttl"))
    assert (tmp_path / "dask" / "graph.ttl").read_bytes() == (tmp_path / "local" / "graph.ttl").read_bytes()
    assert b"a kg:Resolution" in (tmp_path / "local" / "graph.ttl").read_bytes()  # names joined across documents
