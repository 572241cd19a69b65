"""kg: knowledge graphs from news text.

>>> import kg
>>> result = kg.build(["seeds/"], out_dir=None)        # doctest: +SKIP
>>> kg.query(result.graph, "SELECT ?s WHERE { ?s kg:meets ?o }").records()  # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

from kg.errors import GraphError, InputError, KGError, ModelError, QueryError  # noqa: E402
from kg.graph.export import load_graph  # noqa: E402
from kg.pipeline import BuildResult, build  # noqa: E402
from kg.sparql.query import QueryResult, example_query, format_result, query  # noqa: E402

__all__ = [
    "BuildResult", "GraphError", "InputError", "KGError", "ModelError", "QueryError", "QueryResult",
    "__version__", "build", "example_query", "format_result", "load_graph", "query",
]
