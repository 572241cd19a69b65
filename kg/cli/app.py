"""The ``kg`` command's frame: the typer app, the options several commands share, what it prints
on stderr, and its error boundary (:func:`command`). The commands themselves are in
:mod:`kg.cli.build`, :mod:`kg.cli.graph` and :mod:`kg.cli.models`.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Annotated, Any, NoReturn, TypeVar, cast

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text

from kg import __version__
from kg.errors import InputError, KGError
from kg.options import MODEL_ENV_VAR

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
    "--workers", "-w", min=1, help="Processes that parse and extract in parallel (on Linux forked from "
    "the build, sharing the model it loaded; one per core is the most that helps).",
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

#: A command's function.
Command = TypeVar("Command", bound=Callable[..., Any])


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


def command(name: str) -> Callable[[Command], Command]:
    """Register a function as the kg command ``name``. This is the one place where the library's errors
    become the command line's: a :class:`~kg.errors.KGError` out of a command is printed as
    ``kg: error: MESSAGE`` and ends it with exit code 2, so a command states only what it runs."""

    def register(function: Command) -> Command:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return function(*args, **kwargs)
            except KGError as error:
                fail(str(error))

        app.command(name)(run)
        return cast(Command, run)

    return register


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


def main() -> None:
    """Entry point of the ``kg`` console script."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
