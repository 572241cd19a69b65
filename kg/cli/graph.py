"""The commands that use a built graph: ``kg query``, ``render``, ``export``, ``stats``, ``validate``,
``serve`` and ``push``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.app import EXIT_SOME_INPUTS_FAILED, GRAPH_HELP, MAX_NODES_OPTION, command, fail, stderr, warning
from kg.options import DEFAULT_MAX_NODES, EXPORT_PURPOSES, OUTPUT_FORMATS, example_names


@command("query")
def query_command(
    graph: Annotated[Path, typer.Argument(help=GRAPH_HELP)],
    sparql: Annotated[
        str | None,
        typer.Argument(
            help="The SPARQL query; the kg, kgr, rdf, rdfs, owl, xsd, skos, prov, schema prefixes are declared.",
            show_default=False,
        ),
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Read the query from this file (e.g. q.rq).", show_default=False)
    ] = None,
    example: Annotated[
        str | None,
        typer.Option("--example", "-e", help=f"Run a query shipped with kg: {', '.join(example_names())}.",
                     show_default=False),
    ] = None,
    output: Annotated[
        str, typer.Option("--format", "-f", help=f"Output: {', '.join(OUTPUT_FORMATS)}.")
    ] = "table",
    params: Annotated[
        list[str] | None,
        typer.Option("--param", help="Bind a variable: NAME=VALUE binds ?NAME (a string; <IRI>, kg:Term or a "
                     "number as such), in place of the example's own VALUES. Repeat for more.",
                     show_default=False),
    ] = None,
) -> None:
    """Run a SPARQL query over a graph and print the answer.

    Example: kg query output/graph.ttl --example who-meets-whom

    Example: kg query output/graph.ttl --example about-entity --param name="Benjamin Netanyahu"
    """
    from kg.sparql.query import example_query, format_result, query, with_bindings

    given = [source for source in (sparql, file, example) if source is not None]
    if len(given) != 1:
        fail("give exactly one query: as an argument, with --file, or with --example")
    if file is not None:
        try:
            text = file.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            fail(f"{file}: cannot read the query file ({error})")
    elif example is not None:
        text = example_query(example)
    else:
        text = sparql or ""
    bindings = {}
    for param in params or []:
        name, equals, value = param.partition("=")
        if not equals:
            fail(f"--param {param}: write it NAME=VALUE")
        bindings[name.strip().lstrip("?$")] = value
    print(format_result(query(graph, with_bindings(text, bindings)), output))


@command("render")
def render_command(
    graph: Annotated[Path, typer.Argument(help=GRAPH_HELP + " From kg or not.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")] = Path("graph.html"),
    title: Annotated[str | None, typer.Option("--title", help="The page title.", show_default=False)] = None,
    max_nodes: Annotated[int, MAX_NODES_OPTION] = DEFAULT_MAX_NODES,
) -> None:
    """Draw a saved graph as an interactive HTML page, without running NLP again.

    Works on graphs kg did not make too: nodes are labelled by rdfs:label (or skos:prefLabel,
    schema:name, foaf:name, else the IRI's last segment) and coloured by rdf:type.

    Example: kg render output/graph.ttl -o graph.html --max-nodes 2000
    """
    from kg.graph.export import load_graph
    from kg.pipeline import render_file

    written = render_file(load_graph(graph), output, title=title, max_nodes=max_nodes or None)
    print(f"wrote {written}")


@command("export")
def export_command(
    graph: Annotated[Path, typer.Argument(help=GRAPH_HELP)],
    to: Annotated[
        str, typer.Option("--to", "-t", help="The format: " + "; ".join(
            f"{name}: {purpose}" for name, purpose in EXPORT_PURPOSES.items()) + ".", show_default=False),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="The file (or for csv and neo4j the folder) to write [default: next to "
                     "GRAPH: graph.graphml, graph.gexf, graph.jsonld, csv/, neo4j/].", show_default=False),
    ] = None,
) -> None:
    """Write a graph in another tool's format: Gephi, Cytoscape, a spreadsheet, Neo4j, JSON-LD.

    One node per entity (class, label, aliases, degree, PageRank), one edge per relation (weight:
    its statements); csv has a row per statement with its evidence sentence; jsonld is every triple.

    Example: kg export output/graph.ttl --to graphml (writes output/graph.graphml)
    """
    from kg.graph.interchange import export_file

    written = export_file(graph, to, out)
    for path in written:
        print(f"wrote {path}")


@command("stats")
def stats_command(
    graph: Annotated[Path, typer.Argument(help=GRAPH_HELP)],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON, for scripts.")] = False,
    top: Annotated[int, typer.Option("--top", min=1, help="How many top entities to list.")] = 10,
) -> None:
    """Counts by class and relation, the most central entities, components and communities.

    Example: kg stats output/graph.ttl --json
    """
    from kg.graph.export import load_graph
    from kg.graph.network import stats

    numbers = stats(load_graph(graph), top=top)
    if as_json:
        print(json.dumps(numbers, indent=2, ensure_ascii=False))
        return
    print(f"{numbers['entities']} entities, {numbers['relations']} relations ({numbers['statements']} statements) "
          f"from {numbers['documents']} documents; {numbers['triples']} triples")
    print("\nentities by class:")
    for name, count in numbers["classes"].items():
        print(f"  {name:<24}{count:>7}")
    print("\nrelations by type:")
    for name, count in numbers["relation_types"].items():
        print(f"  {name:<24}{count:>7}")
    print("\nmost central entities (PageRank):")
    for row in numbers["top_entities"]:
        print(f"  {row['entity']:<40.40} {row['class']:<14}{row['pagerank']:>9.4f}  degree {row['degree']}")
    components, communities_ = numbers["components"], numbers["communities"]
    print(f"\n{components['count']} connected components (largest: {components['largest']}); "
          f"{communities_['count']} communities (largest: {communities_['largest']})")


@command("validate")
def validate_command(
    graph: Annotated[Path, typer.Argument(help=GRAPH_HELP)],
) -> None:
    """Check a graph against kg's SHACL shapes (ontology/shapes.ttl) and list every violation.

    Exit code 0: valid; 1: violations found (one per line); 2: the file cannot be read.

    Example: kg validate output/graph.ttl
    """
    from kg.graph.export import load_graph
    from kg.sparql.validate import validate

    violations = validate(load_graph(graph))
    if not violations:
        print(f"{graph}: valid (conforms to kg's shapes)")
        return
    for violation in violations:
        print(violation)
    stderr.print(f"kg: {graph}: {len(violations)} violation(s) of kg's shapes", markup=False)
    raise typer.Exit(EXIT_SOME_INPUTS_FAILED)


@command("serve")
def serve_command(
    source: Annotated[
        Path, typer.Argument(help=GRAPH_HELP)
    ],
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; loopback unless you mean otherwise.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535, help="Port (0 picks a free one).")] = 7879,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds a query may take from its arrival, "
                                                         "waiting for a worker included.")] = 10.0,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Queries answered at once.")] = 2,
    max_rows: Annotated[
        int, typer.Option("--max-rows", min=1, help="Most rows (or triples) one answer holds; the header "
                          "X-KG-Results-Truncated says when an answer was cut.")
    ] = 10_000,
    max_megabytes: Annotated[
        int, typer.Option("--max-megabytes", min=1, help="Most megabytes of results one answer holds (cut as "
                          "--max-rows cuts).")
    ] = 64,
    max_memory: Annotated[
        int, typer.Option("--max-memory", min=200, help="Megabytes of memory each query worker may use; a query "
                          "that needs more ends its worker and gets 500.")
    ] = 400,
    cors: Annotated[
        str | None, typer.Option("--cors", help="Let web pages from this origin (e.g. https://yasgui.example, or *) "
                                 "query the endpoint from a browser; off by default.")
    ] = None,
    max_connections: Annotated[
        int, typer.Option("--max-connections", min=2, help="Connections open at once; past that, the one waiting "
                          "longest for its request makes way, or 503 when all are busy.")
    ] = 256,
    max_nodes: Annotated[int, MAX_NODES_OPTION] = DEFAULT_MAX_NODES,
) -> None:
    """Serve a graph as a read-only SPARQL 1.1 endpoint at /sparql, a query page at / and the graph page at /graph.

    GET /sparql?query=... or POST (form field 'query', or a body of type application/sparql-query).
    Results by Accept header: SPARQL JSON (default), XML, CSV, TSV; Turtle, N-Triples or JSON-LD
    for CONSTRUCT/DESCRIBE. Updates and SERVICE get 403, malformed queries 400, queries that
    cannot finish within --timeout of their arrival 503. Serves a snapshot of the source, renewed
    when a build changes it.

    Example: kg serve output/graph.ttl, then curl 'http://127.0.0.1:7879/sparql?query=ASK{?s?p?o}'
    """
    from functools import partial

    from kg.sparql.serve import graph_page, is_loopback, serve
    from kg.sparql.worker import Limits

    if not is_loopback(host):
        warning(f"serving on {host}, reachable from other machines")
    page = partial(graph_page, source, max_nodes or None)

    try:
        limits = Limits(max_rows=max_rows, max_bytes=max_megabytes * 2**20, max_memory=max_memory * 2**20)
        serve(source, host=host, port=port, timeout=timeout, workers=workers, limits=limits, cors=cors, page=page,
              warn=warning,
              max_connections=max_connections,
              ready=lambda url: print(f"serving {source} at {url} (SPARQL: {url}sparql); Ctrl-C stops", flush=True))
    except OSError as error:
        fail(f"cannot listen on {host}:{port} ({error.strerror or error})")


@command("push")
def push_command(
    graph: Annotated[Path, typer.Argument(help=GRAPH_HELP)],
    endpoint: Annotated[str, typer.Option("--endpoint", help="The store's Graph Store Protocol URL, e.g. "
                                          "http://127.0.0.1:7878/store (Oxigraph), http://host:3030/ds/data "
                                          "(Fuseki), http://host:7200/repositories/R/rdf-graphs/service (GraphDB).")],
    target: Annotated[
        str | None,
        typer.Option("--graph", help="Put everything into this one named graph (replacing it) instead of one "
                     "graph per document.", show_default=False),
    ] = None,
) -> None:
    """Load a graph into a remote triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

    Each document goes into its own named graph (PUT, replacing what the store had for it), so
    pushing again never duplicates.

    To query all documents at once (kg's example queries do), the store must read its named graphs as
    its default graph: oxigraph serve --union-default-graph; Fuseki: tdb2:unionDefaultGraph true.

    Example: kg push output/graph.ttl --endpoint http://127.0.0.1:7878/store
    """
    from kg.graph.export import load_dataset
    from kg.sparql.push import push

    source = load_dataset(graph)
    pushed = push(source, endpoint, target=target)
    print(f"pushed {pushed.triples} triples in {pushed.graphs} graph(s) to {endpoint}")
