"""kg: knowledge graphs from news text.

>>> import kg
>>> result = kg.build(["seeds/"], out_dir=None)        # doctest: +SKIP
>>> kg.query(result.graph, "SELECT ?s WHERE { ?s kg:meets ?o }").records()  # doctest: +SKIP

The names below are imported when first used, so that importing one part of kg (a query
worker imports :mod:`kg.sparql.worker` alone) does not load the whole pipeline.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from kg.errors import GraphError, InputError, KGError, ModelError, QueryError  # noqa: E402

#: Public name -> the module that defines it.
_LAZY = {
    "build": "kg.pipeline", "BuildResult": "kg.pipeline", "merge": "kg.pipeline", "load_graph": "kg.graph.export",
    "QueryResult": "kg.sparql.query", "example_query": "kg.sparql.query", "format_result": "kg.sparql.query",
    "query": "kg.sparql.query",
}

if TYPE_CHECKING:
    from kg.graph.export import load_graph
    from kg.pipeline import BuildResult, build, merge
    from kg.sparql.query import QueryResult, example_query, format_result, query


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


__all__ = [
    "BuildResult", "GraphError", "InputError", "KGError", "ModelError", "QueryError", "QueryResult",
    "__version__", "build", "example_query", "format_result", "load_graph", "merge", "query",
]
