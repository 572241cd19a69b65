"""The ``kg`` command: a thin layer over :mod:`kg.pipeline` and :mod:`kg.sparql.query`.

Exit codes: 0 all went well; 1 the graph was built but some inputs could not be read (or,
for ``kg validate``, the graph breaks kg's shapes); 2 nothing was done (bad arguments, no
readable input, a malformed query, a broken graph file, a missing model).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text

from kg import __version__
from kg.errors import InputError, KGError
from kg.options import (
    DEFAULT_DOC_TIMEOUT,
    DEFAULT_MAX_NODES,
    DEFAULT_OUT_DIR,
    EXPORT_PURPOSES,
    MODEL_ENV_VAR,
    OUTPUT_FORMATS,
    RDF_FORMATS,
    SPACY_MODEL,
    chosen_model,
    example_names,
)

if TYPE_CHECKING:
    from kg.model import Document
    from kg.pipeline import BuildResult

# Each command imports what it runs when it runs (spaCy, rdflib, networkx...), so that
# `kg --help` and `kg query` do not pay for the pipeline (bench/startup.py).

EXIT_OK, EXIT_SOME_INPUTS_FAILED, EXIT_FAILED = 0, 1, 2

app = typer.Typer(
    name="kg",
    help="Build knowledge graphs from news text: entities, relations and their evidence as RDF, "
    "queryable with SPARQL and explorable as an offline HTML page.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # click's own help: options and their text in two columns, wrapped to the terminal, no "<bool>" after a flag
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)

MAX_NODES_OPTION = typer.Option(
    "--max-nodes", min=0, help="Draw only the N most central entities on the page (it says how many it hides); "
    "0 draws all.",
)
MODEL_OPTION = typer.Option(
    "--model", "-m", help=f"spaCy pipeline to use (e.g. en_core_web_sm, en_core_web_trf), or a model directory "
    f"kg train wrote; default ${MODEL_ENV_VAR} or the news model kg ships.", show_default=False,
)
RULES_ONLY_OPTION = typer.Option(
    "--rules-only", help="kg's rules alone: the news model (or the model --model names) does not decide the "
    "relations; what kg did before it learned from annotated news.",
)
WORKERS_OPTION = typer.Option(
    "--workers", "-w", min=1, help="Processes that parse and extract in parallel (each loads the model; "
    "one per core is the most that helps).",
)
RESOLUTIONS_OPTION = typer.Option(
    "--resolutions", help="Your own decisions on names, one a line: 'Tories = Conservative Party' (one thing), "
    "'Bush != George W. Bush' (never join them).", metavar="FILE", show_default=False,
)
#: What every command that reads a graph accepts (kg.graph.export.load_graph).
GRAPH_HELP = "A graph file (.ttl, .nt, .nq, .trig, .jsonld, .rdf) or a store folder (kg build --store)."
DOC_TIMEOUT_OPTION = typer.Option(
    "--doc-timeout", min=0, help="Skip (and name on stderr, exit 1) a document that takes more than SECONDS to "
    "parse, or to extract from; the others are still built. 0: no limit.", metavar="SECONDS",
)


class RateColumn(ProgressColumn):
    """Documents per second, so a long run shows its pace as well as its ETA."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed or 0:.1f} docs/s")


def progress_bar(quiet: bool) -> Progress:
    """The progress bar of long runs, on stderr, only when it is a terminal."""
    return Progress(
        TextColumn("parsing"), BarColumn(), MofNCompleteColumn(), TextColumn("docs"), RateColumn(),
        TimeRemainingColumn(), console=stderr, transient=True, disable=quiet or not stderr.is_terminal,
    )


#: Characters that end a line or move the cursor (C0 and C1 controls, U+2028 and U+2029), as Python escapes them.
_ESCAPES = {code: repr(chr(code))[1:-1] for code in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)}


def one_line(message: str) -> str:
    """``message`` as one line whatever it quotes: a file named ``"x\\nkg: error: ..."`` would otherwise print a
    second line that reads as kg's own, and a terminal escape in a name could rewrite the screen.

    >>> one_line("news/x\\nkg: error: disk full.txt: file is empty")
    'news/x\\\\nkg: error: disk full.txt: file is empty'
    """
    return message.translate(_ESCAPES)


def status(line: str) -> None:
    """A progress or status line on stderr, written as it is: labels and paths in it are the
    user's text, which rich would read as markup ("[/x]" raises) and emoji codes (":cd:" is a picture)."""
    stderr.out(line)


def skipped(error: InputError) -> None:
    stderr.print(f"kg: skipped: {one_line(str(error))}", markup=False)


def warning(message: str) -> None:
    stderr.print(f"kg: warning: {one_line(message)}", markup=False)


class WarningPrinter:
    """Prints the first warnings as they come and counts the rest: a corpus of stock tables
    warns for thousands of documents, and a screen of the same line hides what matters."""

    def __init__(self, shown: int = 10) -> None:
        self.shown = shown
        self.hidden = 0

    def __call__(self, message: str) -> None:
        if self.shown > 0:
            self.shown -= 1
            warning(message)
        else:
            self.hidden += 1

    def print_hidden(self) -> None:
        if self.hidden:
            warning(f"{self.hidden:,} more warning(s) like these not shown")


def fail(message: str) -> NoReturn:
    stderr.print(f"kg: error: {one_line(message)}", markup=False)
    raise typer.Exit(EXIT_FAILED)


def _version(value: bool) -> None:
    if value:
        print(f"kg {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Build knowledge graphs from news text."""


@app.command("build")
def build_command(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files or folders to read (.txt, .md, .html, .pdf, .docx, .jsonl, .csv; folders recursively), "
            "or - for stdin.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder for graph.ttl, graph.html and other formats "
                     "[default: output, or none with --store].", show_default=False),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="Keep the graph in this store folder (Oxigraph on disk), one named graph "
                     "per document; every command that takes a GRAPH reads it.", show_default=False),
    ] = None,
    append: Annotated[
        bool, typer.Option("--append", help="Add to the graph already in --store or in OUT/graph.ttl; "
                           "a document read again replaces its old triples.")
    ] = False,
    model: Annotated[str | None, MODEL_OPTION] = None,
    rules_only: Annotated[bool, RULES_ONLY_OPTION] = False,
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "--format", "-f",
            help=f"Also write the graph in this RDF format (repeatable): {', '.join(sorted(RDF_FORMATS))}.",
            show_default=False,
        ),
    ] = None,
    html: Annotated[bool, typer.Option("--html/--no-html", help="Write graph.html.")] = True,
    max_nodes: Annotated[int, MAX_NODES_OPTION] = DEFAULT_MAX_NODES,
    workers: Annotated[int, WORKERS_OPTION] = 1,
    doc_timeout: Annotated[float, DOC_TIMEOUT_OPTION] = DEFAULT_DOC_TIMEOUT,
    document_date: Annotated[
        str | None,
        typer.Option("--date", help="Date (YYYY-MM-DD) of documents that carry none (no date field, front matter, "
                     "date in the file name or metadata): 'on Tuesday' in them is read against it.",
                     show_default=False),
    ] = None,
    resolutions: Annotated[Path | None, RESOLUTIONS_OPTION] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
) -> None:
    """Read documents and write the knowledge graph: OUT/graph.ttl (Turtle) and OUT/graph.html.

    Names are resolved across all the documents (and, with --append, the graph already there):
    "Blinken" in one story and "Antony Blinken" in another are one node; each join is recorded
    with its reason (see the README, "One node per real thing").

    Example: kg build seeds/ --out output --format json-ld
    """
    from kg.pipeline import build

    progress = progress_bar(quiet)
    task = progress.add_task("parse", total=None)
    warn = WarningPrinter()
    try:
        with progress:
            result = build(
                paths, out_dir=out if out is not None or store is not None else DEFAULT_OUT_DIR,
                model=chosen_model(model, rules_only), formats=formats or (), html=html,
                max_nodes=max_nodes or None, store=store,
                append=append, workers=workers, doc_timeout=doc_timeout or None, on_error=skipped, on_warning=warn,
                on_documents_read=lambda total: progress.update(task, total=total or None),
                on_document=lambda _: progress.advance(task), default_date=document_date,
                resolutions=resolutions,
            )
    except KGError as error:
        warn.print_hidden()
        fail(str(error))
    warn.print_hidden()
    if not quiet:
        rate = result.tokens / result.seconds if result.seconds else 0.0
        # a rate over a short build is the start-up's, not the reading's
        speed = f" ({rate:,.0f} tokens/s)" if result.seconds >= MEANINGFUL_RATE_SECONDS else ""
        print_built(result, f" in {result.seconds:.1f} s{speed}", appended=append)
        if store is not None:
            print(f"{'added to' if append else 'wrote'} store {store}")
    if result.failures:
        stderr.print(f"kg: {len(result.failures)} input(s) could not be read (see above)", markup=False)
        raise typer.Exit(EXIT_SOME_INPUTS_FAILED)


#: Seconds a build must take for its tokens a second to say something about the reading.
MEANINGFUL_RATE_SECONDS = 5.0


def plural(count: int, word: str, words: str | None = None) -> str:
    """ "1 document", "2 documents" ("1 entity", "2 entities" with ``words``)."""
    return f"{count:,} {word if count == 1 else words or word + 's'}"


def print_built(result: BuildResult, how: str = "", *, appended: bool = False) -> None:
    """What a build or merge made (``how``: how long it took), and the files it wrote. After an
    append, the documents are the ones added and the rest counts the whole graph, and it says so."""
    counts = result.counts
    read = plural(counts["documents"], "document") + (" added; the graph now has" if appended else " ->")
    print(f"{read} {plural(counts['entities'], 'entity', 'entities')}, "
          f"{plural(counts['relations'], 'relation')} ({plural(counts['statements'], 'statement')}), "
          f"{plural(counts['triples'], 'triple')}{how}")
    for path in result.written:
        print(f"wrote {path}")


@app.command("merge")
def merge_command(
    shards: Annotated[list[Path], typer.Argument(help="N-Quads files written by kg extract.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for graph.ttl, graph.html and other formats.")]
    = Path(DEFAULT_OUT_DIR),
    formats: Annotated[
        list[str] | None,
        typer.Option("--format", "-f", help=f"Also write the graph in this RDF format (repeatable): "
                     f"{', '.join(sorted(RDF_FORMATS))}.", show_default=False),
    ] = None,
    html: Annotated[bool, typer.Option("--html/--no-html", help="Write graph.html.")] = True,
    max_nodes: Annotated[int, MAX_NODES_OPTION] = DEFAULT_MAX_NODES,
    resolutions: Annotated[Path | None, RESOLUTIONS_OPTION] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
) -> None:
    """Merge kg extract's shards into one graph, resolving names across all of them, as kg build does.

    Example: kg extract part1.jsonl -o part1.nq; kg extract part2.jsonl -o part2.nq; kg merge part*.nq --out archive
    """
    from kg.pipeline import merge

    try:
        result = merge(shards, out_dir=out, formats=formats or (), html=html, max_nodes=max_nodes or None,
                       resolutions=resolutions)
    except KGError as error:
        fail(str(error))
    if not quiet:
        print_built(result)


@app.command("extract")
def extract_command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Files or folders to read, or - for stdin (JSON Lines when it starts with '{') "
                       "[default: -].", show_default=False),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the N-Quads here (atomically) [default: stdout].",
                     show_default=False),
    ] = None,
    model: Annotated[str | None, MODEL_OPTION] = None,
    rules_only: Annotated[bool, RULES_ONLY_OPTION] = False,
    workers: Annotated[int, WORKERS_OPTION] = 1,
    doc_timeout: Annotated[float, DOC_TIMEOUT_OPTION] = DEFAULT_DOC_TIMEOUT,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
) -> None:
    """Extract each document's graph as N-Quads (one named graph per document), as it goes.

    The map step of a large build: run it on shards of a corpus, anywhere, and concatenate the outputs.

    IRIs are the same in every run, so the shards merge into the graph one kg build makes.

    kg query, render, serve and push read .nq files.

    Example: kg extract articles.jsonl -o shard1.nq --workers 2; cat corpus.jsonl | kg extract > graph.nq
    """
    from kg.graph.export import atomic_stream
    from kg.pipeline import extract

    failed = []

    def report(error: InputError) -> None:
        failed.append(error)
        skipped(error)

    progress = progress_bar(quiet)
    task = progress.add_task("extract", total=None)
    try:
        with progress:
            def run(stream: BinaryIO) -> int:
                return extract(paths or ["-"], stream, model=chosen_model(model, rules_only), workers=workers,
                               doc_timeout=doc_timeout or None, on_error=report,
                               on_document=lambda _: progress.advance(task))
            if output is None or str(output) == "-":  # "-o -": standard output, as for the inputs
                output = None
                count = run(sys.stdout.buffer)
                sys.stdout.flush()
            else:
                with atomic_stream(output) as stream:
                    count = run(stream)
    except KGError as error:
        fail(str(error))
    if not quiet:
        stderr.print(f"kg: extracted {plural(count, 'document')}" + (f" to {output}" if output else ""), markup=False)
    if failed:
        raise typer.Exit(EXIT_SOME_INPUTS_FAILED)


@app.command("query")
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
    try:
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
    except KGError as error:
        fail(str(error))


@app.command("render")
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

    try:
        written = render_file(load_graph(graph), output, title=title, max_nodes=max_nodes or None)
    except KGError as error:
        fail(str(error))
    print(f"wrote {written}")


@app.command("export")
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

    try:
        written = export_file(graph, to, out)
    except KGError as error:
        fail(str(error))
    for path in written:
        print(f"wrote {path}")


@app.command("stats")
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

    try:
        numbers = stats(load_graph(graph), top=top)
    except KGError as error:
        fail(str(error))
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


@app.command("validate")
def validate_command(
    graph: Annotated[Path, typer.Argument(help=GRAPH_HELP)],
) -> None:
    """Check a graph against kg's SHACL shapes (ontology/shapes.ttl) and list every violation.

    Exit code 0: valid; 1: violations found (one per line); 2: the file cannot be read.

    Example: kg validate output/graph.ttl
    """
    from kg.graph.export import load_graph
    from kg.sparql.validate import validate

    try:
        violations = validate(load_graph(graph))
    except KGError as error:
        fail(str(error))
    if not violations:
        print(f"{graph}: valid (conforms to kg's shapes)")
        return
    for violation in violations:
        print(violation)
    stderr.print(f"kg: {graph}: {len(violations)} violation(s) of kg's shapes", markup=False)
    raise typer.Exit(EXIT_SOME_INPUTS_FAILED)


@app.command("serve")
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
    except KGError as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot listen on {host}:{port} ({error.strerror or error})")


@app.command("push")
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

    try:
        source = load_dataset(graph)
        pushed = push(source, endpoint, target=target)
    except KGError as error:
        fail(str(error))
    print(f"pushed {pushed.triples} triples in {pushed.graphs} graph(s) to {endpoint}")


@app.command("evaluate")
def evaluate_command(
    gold: Annotated[Path, typer.Option("--gold", help="Gold sentences with entities and relations.")],
    data_format: Annotated[str, typer.Option("--format", help="Format of the gold file (spert).")] = "spert",
    mapping: Annotated[
        str, typer.Option("--map", help="Label mapping: a name kg ships (conll04, news-facts) or a JSON file.")
    ] = "conll04",
    predictions_out: Annotated[
        Path | None, typer.Option("--predictions-out", help="Write kg's predictions here, in the same format.",
                                  show_default=False)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    model: Annotated[str | None, MODEL_OPTION] = None,
) -> None:
    """Score kg's extraction against gold data: strict entity F1, strict and boundaries relation F1.

    Computed exactly as shared/eval/score_spert.py does (the SpERT evaluator), micro and macro, per type.

    Example: kg evaluate --gold conll04/dev.json --map conll04 --predictions-out pred.json
    """
    from kg.evaluate import evaluate, report
    from kg.graph.export import write_atomic

    if data_format != "spert":
        fail(f"unknown gold format {data_format!r}; kg reads: spert")
    try:
        result = evaluate(gold, mapping, model=model)
        if predictions_out is not None:
            write_atomic(predictions_out, json.dumps(result.predictions, ensure_ascii=False).encode("utf-8"))
    except KGError as error:
        fail(str(error))
    if as_json:
        print(json.dumps({**result.scores, "sentences_per_second": round(result.sentences_per_second, 1)}, indent=2))
    else:
        print(report(result.scores))
        print(f"{len(result.predictions)} sentences in {result.seconds:.1f} s "
              f"({result.sentences_per_second:.0f} sentences/s)")


@app.command("train")
def train_command(
    data: Annotated[Path, typer.Option("--data", help="Annotated training data: a news-facts folder "
                                       "(articles.jsonl and gold.jsonl), SpERT JSON (.json) or a spaCy DocBin "
                                       "(.spacy) whose docs keep relations in user_data['relations'].",
                                       show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="The model directory to write (use it with --model).",
                                      show_default=False)],
    dev: Annotated[Path | None, typer.Option("--dev", help="Annotated data to choose the epoch and threshold on; "
                                             "default a tenth of --data held out. News-facts: settings are "
                                             "chosen by 5-fold cross-validation over --data, among those no worse "
                                             "than the rules alone on --dev.", show_default=False)] = None,
    base: Annotated[str | None, typer.Option("--base", help=f"spaCy pipeline to start from; default "
                                             f"${MODEL_ENV_VAR}'s or {SPACY_MODEL}.", show_default=False)] = None,
    labels: Annotated[Path | None, typer.Option(
        "--labels", help='Your labels onto kg\'s ontology, JSON: {"entities": {"Peop": "Person"}, "relations": '
        '{"Work_For": "worksFor"}}; common names are recognised without it.', show_default=False)] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same data and seed give the same model.")] = 0,
    max_epochs: Annotated[int, typer.Option("--max-epochs", min=1, help="Most NER epochs (training stops earlier "
                                            "once dev stops improving).")] = 30,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")] = False,
) -> None:
    """Learn entities and relations from your own annotations, on CPU, offline, beside the rules.

    Fine-tunes the base pipeline's NER with your entity labels (it keeps the labels the rules read
    and takes the base NER's place), then trains a relation classifier over entity pairs whose
    features include the rules' own matches. Prints each epoch's dev scores, then a summary; the
    directory holds the pipeline, the weights (JSON and .npy, no pickle), the label map and a card.

    A news-facts folder (see the README) trains a news model instead: which relations hold between
    the entities the rules find, decided in place of the rules' (the one kg ships is one).

    Example: kg train --data train.json --dev dev.json --out models/mine

    Example: kg train --data news-facts/train --out models/news

    Then: kg build articles/ --model models/mine
    """
    from kg.learn.newsfacts import is_news_facts
    from kg.learn.train import train_model

    def progress(line: str) -> None:
        if not quiet:
            status(line)

    if is_news_facts(data):
        from kg.learn.newstrain import train_news_model

        try:
            news = train_news_model(data, out, dev_folder=dev, base=base or chosen_model(None, True) or SPACY_MODEL,
                                    seed=seed,
                                    report=progress)
        except KGError as error:
            fail(str(error))
        precision, recall, f1 = news.scores
        lines = [f"model: {out}", f"facts, 5-fold cross-validation: P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}  "
                 f"(penalty {news.penalty}, add at {news.thresholds.add})"]
        if news.dev_scores is not None:
            lines.append("facts on dev: P {:.3f}  R {:.3f}  F1 {:.3f}".format(*news.dev_scores))
        print("\n".join([*lines, f"trained in {news.seconds:.0f} s"]))
        return
    try:
        summary = train_model(data, out, dev_path=dev, base=base, labels_path=labels, seed=seed,
                              max_epochs=max_epochs, report=progress)
    except KGError as error:
        fail(str(error))
    (ep, er, ef), (rp, rr, rf) = summary.entities, summary.relations
    print(f"model: {out}\n"
          f"dev entities:  P {ep:.3f}  R {er:.3f}  F1 {ef:.3f}  (best NER epoch of {len(summary.epochs)})\n"
          f"dev relations: P {rp:.3f}  R {rr:.3f}  F1 {rf:.3f}  (end to end; penalty {summary.penalty}, "
          f"threshold {summary.threshold})\n"
          f"trained in {summary.seconds:.0f} s")


@app.command("explain")
def explain_command(
    source: Annotated[
        str, typer.Argument(help="A file to read (.txt, .md, .html, .jsonl, .csv), the text itself, or - for stdin.",
                            metavar="TEXT-OR-FILE", show_default=False)
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON, for scripts.")] = False,
    model: Annotated[str | None, MODEL_OPTION] = None,
    graph: Annotated[
        Path | None,
        typer.Option("--graph", "-g", help="Explain a name in this built graph instead: the node(s) it leads to, "
                     "their other names, and why names of several documents were joined (or kept apart). "
                     + GRAPH_HELP, show_default=False),
    ] = None,
) -> None:
    """Why is there (no) triple for this sentence? Show what extraction saw, sentence by sentence.

    For each sentence: the entities (with titles split off names), the pronouns linked to them,
    and for each pair of entities the dependency path between them and the rule that fired
    (rule, verb, relation, factuality) or why none did.

    With --graph, TEXT-OR-FILE is a name: why is it this node?

    Example: kg explain "Blinken will meet with Netanyahu to try to get him to agree to a pause."

    Example: kg explain Blinken --graph output/graph.ttl
    """
    if graph is not None:
        from dataclasses import asdict

        from kg.explain import account_for, render_accounts

        try:
            accounts = account_for(graph, source)
        except KGError as error:
            fail(str(error))
        if as_json:
            print(json.dumps([asdict(account) for account in accounts], indent=2, ensure_ascii=False))
        else:
            print(render_accounts(source, accounts), end="")
        if not accounts:
            raise typer.Exit(EXIT_SOME_INPUTS_FAILED)
        return
    from kg.explain import as_json as as_json_data
    from kg.explain import explain_documents, render_text
    from kg.nlp import load_pipeline

    try:
        documents = list(_explain_inputs(source))
        explanations = explain_documents(documents, nlp=load_pipeline(model))
    except KGError as error:
        fail(str(error))
    if as_json:
        print(json.dumps(as_json_data(explanations), indent=2, ensure_ascii=False))
    else:
        print(render_text(explanations), end="")


def _explain_inputs(source: str) -> list[Document]:
    """A file's documents if ``source`` names one, stdin's for -, else ``source`` as the text."""
    from kg.read import read_documents, text_document

    if source == "-" or Path(source).is_file():
        return list(read_documents([source]))
    if looks_like_a_path(source):
        raise InputError(f"{source}: no such file (to explain a text, give the text itself, with its spaces)")
    return [text_document(source, name="the text argument")]


def looks_like_a_path(text: str) -> bool:
    """A word with a file's suffix or a folder in it ("story.txt", "news/a.html"), not a sentence.

    >>> looks_like_a_path("stroy.txt"), looks_like_a_path("news/today"), looks_like_a_path("Blinken met Netanyahu.")
    (True, True, False)
    """
    from kg.read import SUPPORTED_SUFFIXES

    if not text.strip() or any(character.isspace() for character in text.strip()):
        return False
    return "/" in text or Path(text).suffix.lower() in SUPPORTED_SUFFIXES


def main() -> None:
    """Entry point of the ``kg`` console script."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
