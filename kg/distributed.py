"""kg's per-document map on a Dask cluster, for corpora one machine cannot read in time.

Extraction is a pure function of one document (:mod:`kg.workers`), so any engine that maps
a function over data can run it; this module lets ``dask.distributed`` do it and builds the
graph exactly as ``kg build`` does: same reading, same files, isomorphic graph. Dask is an
optional dependency (``pip install 'kg[dask]'``)::

    from dask.distributed import Client, LocalCluster
    from kg.distributed import build_on_dask

    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1") as cluster, Client(cluster) as client:
        result = build_on_dask(client, ["articles.jsonl"], out_dir="output")

Point the ``Client`` at a real scheduler (``Client("tcp://scheduler:8786")``) to use a cluster;
each worker needs kg and the spaCy model installed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from kg.model import Document
from kg.pipeline import BuildResult, build
from kg.workers import BATCH_SIZE, DocumentGraph, batches, extract_batch, ordered_results


def extract_on_dask(
    client: Any, documents: Iterable[Document], *, model: str | None = None, batch_size: int = BATCH_SIZE,
    window: int | None = None,
) -> Iterator[DocumentGraph]:
    """Each document's graph, in input order, computed by the cluster behind ``client``.

    At most ``window`` batches (default: two per worker thread) are in flight, so the input is
    read as the cluster keeps up, not all at once.
    """
    window = window or 2 * max(1, sum(client.nthreads().values()))
    submit = partial(client.submit, extract_batch, model=model, pure=False)
    yield from ordered_results(submit, batches(documents, batch_size), window=window)


def build_on_dask(client: Any, paths: Iterable[str | Path], *, model: str | None = None, **options: Any) -> BuildResult:
    """``kg build`` with the extraction done on a Dask cluster; ``options`` are :func:`kg.pipeline.build`'s."""
    return build(list(paths), model=model, extractor=partial(extract_on_dask, client, model=model), **options)
