"""SPARQL over a kg graph, with the ontology's prefixes already declared.

Results come back as a :class:`QueryResult` of plain Python values and can be printed as an
aligned table, CSV, TSV or SPARQL JSON.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from kg.errors import QueryError
from kg.graph.store import load_file, read_store, reads_union, storage_failure, to_rdflib
from kg.namespace import PREFIXES
from kg.options import OUTPUT_FORMATS, example_folder, example_names
from kg.sparql.messages import syntax_error


@dataclass(frozen=True)
class QueryResult:
    """The answer to a query: rows for SELECT, a boolean for ASK, a graph for CONSTRUCT/DESCRIBE."""

    variables: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    boolean: bool | None = None
    graph: Graph | None = None

    def records(self) -> list[dict[str, str | None]]:
        """Rows as dicts of display strings (prefixed IRIs, plain literal values)."""
        return [
            {name: display(value) for name, value in zip(self.variables, row, strict=True)}
            for row in self.rows
        ]


def query(graph: Graph | ox.Store | str | Path, sparql: str) -> QueryResult:
    """Run a SPARQL query over a graph, a graph file or a store folder (files and stores are
    answered by Oxigraph, in milliseconds where rdflib's engine takes seconds), or an Oxigraph
    store already loaded (:func:`loaded`, for several queries over one file).

    >>> from kg.graph.rdf import new_graph
    >>> from kg.namespace import KG, KGR
    >>> g = new_graph(); _ = g.add((KGR["person/A"], KG.meets, KGR["person/B"]))
    >>> query(g, "SELECT ?b WHERE { ?a kg:meets ?b }").records()
    [{'b': 'kgr:person/B'}]
    """
    if not sparql.strip():
        raise QueryError("the query is empty")
    if isinstance(graph, ox.Store):
        return _query_store(graph, sparql, "the graph")
    if not isinstance(graph, Graph):  # a file or a store folder: answered by Oxigraph's engine
        return _query_store(loaded(graph), sparql, graph)
    try:
        result = graph.query(sparql, initNs=PREFIXES)
    except Exception as error:  # pyparsing and rdflib raise several types for bad queries
        message = " ".join(str(error).split())
        raise QueryError(f"malformed SPARQL query: {message[:400]}") from error
    try:  # rdflib evaluates lazily: errors can surface while reading the rows
        if result.type == "ASK":
            return QueryResult(variables=(), rows=(), boolean=bool(result.askAnswer))
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            return QueryResult(variables=(), rows=(), graph=result.graph)
        variables = tuple(str(v) for v in result.vars or ())
        rows = tuple(tuple(row) for row in result)  # type: ignore[arg-type]
    except Exception as error:
        message = " ".join(str(error).split())
        raise QueryError(f"the query failed: {message[:400]}") from error
    return QueryResult(variables=variables, rows=rows)


def loaded(source: str | Path) -> ox.Store:
    """A graph file loaded into Oxigraph, or a store folder opened (read_store says what is left of a broken one)."""
    path = Path(source)
    if path.is_dir():
        return read_store(path)
    store = ox.Store()
    load_file(store, path)
    return store


def _query_store(store: ox.Store, sparql: str, path: str | Path) -> QueryResult:
    """A query answered by Oxigraph's engine over a store folder or a loaded file (``path``), as
    the same plain result.
    Oxigraph reads lazily: damage deep in a store shows while rows are read, so they are read here."""
    try:
        result = store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=reads_union(store))
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(variables=(), rows=(), boolean=bool(result))
        if isinstance(result, ox.QueryTriples):
            graph = Graph()
            for triple in result:
                graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
            return QueryResult(variables=(), rows=(), graph=graph)
        variables = tuple(variable.value for variable in result.variables)
        rows = tuple(tuple(None if solution[name] is None else to_rdflib(solution[name]) for name in variables)
                     for solution in result)
    except BaseException as error:  # noqa: BLE001 - pyo3 panics derive from BaseException
        failure = storage_failure(path, error)
        if failure is not None:
            raise failure from error
        message = " ".join(str(error).split())
        if isinstance(error, SyntaxError):
            raise QueryError(syntax_error(sparql, str(error), PREFIXES)) from error
        if isinstance(error, ValueError):
            raise QueryError(f"malformed SPARQL query: {message[:400]}") from error
        if isinstance(error, (OSError, RuntimeError)):  # e.g. a SERVICE call that failed
            raise QueryError(f"the query failed: {message[:400]}") from error
        raise
    return QueryResult(variables=variables, rows=rows)


def with_bindings(sparql: str, bindings: dict[str, str]) -> str:
    """``sparql`` with each variable ``?NAME`` bound to its value (``kg query --param NAME=VALUE``).

    A ``VALUES ?NAME { ... }`` in the query (as the examples write their defaults) takes the value
    in place of what it lists; else a ``VALUES`` clause at the end of the query binds it. A value
    written ``<IRI>`` or with one of kg's prefixes (``kg:Person``) is an IRI, a number a number,
    anything else a string.

    >>> print(with_bindings('SELECT ?x WHERE { VALUES ?name { "Antony Blinken" } ?x rdfs:label ?name }',
    ...                     {"name": 'Benjamin "Bibi" Netanyahu'}))
    SELECT ?x WHERE { VALUES ?name { "Benjamin \\"Bibi\\" Netanyahu" } ?x rdfs:label ?name }
    >>> print(with_bindings("SELECT ?p WHERE { ?p a ?class }", {"class": "kg:Person"}))
    SELECT ?p WHERE { ?p a ?class }
    VALUES ?class { kg:Person }
    """
    for name, value in bindings.items():
        if not re.fullmatch(r"[A-Za-z_]\w*", name) or not re.search(rf"[?$]{name}\b", sparql):
            raise QueryError(f"the query has no variable ?{name} to bind (--param NAME=VALUE binds ?NAME)")
        term = _term(value)
        clause = re.compile(rf"VALUES\s+[?$]{name}\s*\{{[^{{}}]*\}}", re.IGNORECASE)
        if clause.search(sparql):
            sparql = clause.sub(lambda _: f"VALUES ?{name} {{ {term} }}", sparql, count=1)  # noqa: B023
        else:
            sparql = f"{sparql.rstrip()}\nVALUES ?{name} {{ {term} }}"
    return sparql


def _term(value: str) -> str:
    """A value given on the command line as a SPARQL term."""
    prefix, _, local = value.partition(":")
    iri = value.startswith("<") and value.endswith(">") and " " not in value
    prefixed = bool(local) and prefix in PREFIXES and re.fullmatch(r"[\w.\-]+", local) is not None
    if iri or prefixed or re.fullmatch(r"-?\d+(?:\.\d+)?", value):
        return value
    return json.dumps(value, ensure_ascii=False)  # JSON's escapes are SPARQL's


def example_query(name: str) -> str:
    """The text of a query shipped with kg (``kg/queries/NAME.rq``)."""
    path = example_folder() / f"{name.removesuffix('.rq')}.rq"
    if not path.is_file():
        raise QueryError(f"no example query named {name!r}; choose one of: {', '.join(example_names())}")
    return path.read_text("utf-8")


_REVERSE_PREFIXES = sorted(((ns, prefix) for prefix, ns in PREFIXES.items()), key=lambda p: -len(p[0]))


def display(value: object) -> str | None:
    """A term as a person reads it: ``kgr:person/Antony_Blinken``, a literal's plain value."""
    if value is None:
        return None
    if isinstance(value, URIRef):
        text = str(value)
        for namespace, prefix in _REVERSE_PREFIXES:
            if text.startswith(namespace):
                return f"{prefix}:{text[len(namespace):]}"
        return text
    if isinstance(value, Literal):
        return str(value)
    if isinstance(value, BNode):
        return f"_:{value}"
    return str(value)


def format_result(result: QueryResult, output: str = "table") -> str:
    """Render a result as an aligned table, CSV, TSV or SPARQL 1.1 JSON."""
    if output not in OUTPUT_FORMATS:
        raise QueryError(f"unknown output format {output!r}; choose one of: {', '.join(OUTPUT_FORMATS)}")
    if result.boolean is not None:
        return json.dumps({"head": {}, "boolean": result.boolean}) if output == "json" else str(result.boolean).lower()
    if result.graph is not None:
        for prefix, namespace in PREFIXES.items():  # kg:meets, not ns1:meets
            result.graph.bind(prefix, namespace, replace=True)
        data = result.graph.serialize(format="turtle")
        return data if isinstance(data, str) else data.decode("utf-8")
    if output == "json":
        bindings = [
            {name: _json_term(value) for name, value in zip(result.variables, row, strict=True) if value is not None}
            for row in result.rows
        ]
        document = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
        return json.dumps(document, indent=2, ensure_ascii=False)
    records = result.records()
    if output in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if output == "csv" else "\t", lineterminator="\n")
        writer.writerow(result.variables)
        for record in records:
            writer.writerow(["" if record[v] is None else record[v] for v in result.variables])
        return buffer.getvalue()
    return _table(result.variables, records)


def _json_term(value: object) -> dict[str, str]:
    """A term in the SPARQL 1.1 Query Results JSON format."""
    if isinstance(value, URIRef):
        return {"type": "uri", "value": str(value)}
    if isinstance(value, BNode):
        return {"type": "bnode", "value": str(value)}
    if isinstance(value, Literal):
        term = {"type": "literal", "value": str(value)}
        if value.language:
            term["xml:lang"] = value.language
        elif value.datatype:
            term["datatype"] = str(value.datatype)
        return term
    return {"type": "literal", "value": str(value)}


def _table(variables: tuple[str, ...], records: list[dict[str, str | None]], width: int = 60) -> str:
    """Columns padded to align; long values are cut, except in the last column (often evidence)."""
    last = len(variables) - 1
    cells = [[_cell(record[v], width if i < last else None) for i, v in enumerate(variables)] for record in records]
    widths = [max([len(v)] + [len(row[i]) for row in cells]) for i, v in enumerate(variables)]
    lines = [
        "  ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.append(f"({len(records)} row{'s' if len(records) != 1 else ''})")
    return "\n".join(lines)


def _cell(value: str | None, width: int | None) -> str:
    if value is None:
        return ""
    value = " ".join(value.split())
    return value if width is None or len(value) <= width else value[: width - 1] + "…"
