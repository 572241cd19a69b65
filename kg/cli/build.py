"""The commands that make graphs: ``kg build``, ``kg merge`` and ``kg extract``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer

from kg.cli.app import (
    DOC_TIMEOUT_OPTION,
    EXIT_SOME_INPUTS_FAILED,
    MAX_NODES_OPTION,
    MODEL_OPTION,
    RESOLUTIONS_OPTION,
    RULES_ONLY_OPTION,
    WORKERS_OPTION,
    WarningPrinter,
    command,
    progress_bar,
    skipped,
    stderr,
)
from kg.errors import InputError
from kg.options import (
    DEFAULT_DOC_TIMEOUT,
    DEFAULT_MAX_NODES,
    DEFAULT_OUT_DIR,
    RDF_FORMATS,
    chosen_model,
)

if TYPE_CHECKING:
    from kg.pipeline import BuildResult


@command("build")
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
    with its reason (see docs/guides/resolution.md).

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
    finally:  # the count of warnings not shown comes before the error that ended the build, if one did
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


@command("merge")
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

    result = merge(shards, out_dir=out, formats=formats or (), html=html, max_nodes=max_nodes or None,
                   resolutions=resolutions)
    if not quiet:
        print_built(result)


@command("extract")
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
    if not quiet:
        stderr.print(f"kg: extracted {plural(count, 'document')}" + (f" to {output}" if output else ""), markup=False)
    if failed:
        raise typer.Exit(EXIT_SOME_INPUTS_FAILED)
