"""The ``kg`` command: a thin layer over :mod:`kg.pipeline` and :mod:`kg.sparql.query`.

Exit codes: 0 all went well; 1 the graph was built but some inputs could not be read (or,
for ``kg validate``, the graph breaks kg's shapes); 2 nothing was done (bad arguments, no
readable input, a malformed query, a broken graph file, a missing model).

The commands: :mod:`~kg.cli.build` (build, merge, extract), :mod:`~kg.cli.graph` (query, render,
export, stats, validate, serve, push) and :mod:`~kg.cli.models` (evaluate, train, explain), each a
thin wrapper over a library function; :mod:`~kg.cli.app` holds what they share, and the one place
where an error becomes an exit code.
"""

from __future__ import annotations

# The command modules register their commands on the app as they are imported, in this order (kg --help's).
from kg.cli import build, graph, models  # noqa: F401
from kg.cli.app import EXIT_FAILED, EXIT_OK, EXIT_SOME_INPUTS_FAILED, app, main

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_SOME_INPUTS_FAILED", "app", "main"]
