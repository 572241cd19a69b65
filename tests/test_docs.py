"""Documentation that runs: every docstring example, the README's and docs/' examples and promises, and
the site that `make docs` builds from docs/."""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import kg
from kg.pipeline import BuildResult
from kg.sparql.query import example_names
from tests.conftest import ROOT, SEEDS

MODULES = sorted(info.name for info in pkgutil.walk_packages(kg.__path__, "kg.") if info.name != "kg.__main__")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines()
            if line.strip() and not line.strip().startswith("#")]


def test_readme_quick_start_is_two_commands_and_ci_runs_the_second() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2, commands
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert commands[1] in ci.splitlines()


def test_every_public_function_has_a_docstring() -> None:
    for name in kg.__all__:
        value = getattr(kg, name)
        if callable(value):
            assert value.__doc__, f"kg.{name} has no docstring"


def test_docs_list_every_relation_of_the_ontology() -> None:
    """The ontology reference's relation table names each closed relation the ontology has (it had drifted)."""
    from rdflib import RDFS, Graph, URIRef

    ontology = Graph().parse(ROOT / "ontology" / "kg.ttl")
    namespace = "https://w3id.org/kg-news/ontology#"
    related = URIRef(namespace + "relatedTo")
    closed = {str(term).removeprefix(namespace) for term in ontology.transitive_subjects(RDFS.subPropertyOf, related)}
    reference = (DOCS / "reference" / "ontology.md").read_text("utf-8")
    listed = set(re.findall(r"^\| `kg:(\w+)` \|", reference, flags=re.M))
    assert closed - listed == set()


def test_docs_list_every_shipped_query() -> None:
    """The CLI guide's table of example queries names each kg/queries/*.rq (it listed 4 of 5)."""
    guide = (DOCS / "guides" / "cli.md").read_text("utf-8")
    table = guide.split("Queries shipped with kg", 1)[1].split("```", 1)[0]
    assert set(re.findall(r"^\| `([\w-]+)` \|", table, flags=re.M)) == set(example_names())


# ---------------------------------------------------------------- the examples of README.md and docs/, run

DOCS = ROOT / "docs"
#: The Markdown a reader runs examples from: the README and every page of the site.
PAGES = ["README.md", *sorted(str(path.relative_to(ROOT)) for path in DOCS.rglob("*.md"))]
#: Block languages: those run, and those that are not commands (output, data, diagrams). A block of any
#: other language (```bash, ```py, ```console) fails test_every_block_is_run_or_is_no_code, so that no
#: example escapes these tests by its label. An unlabelled block whose first line starts with `$ ` is a
#: transcript: its `$ ` lines run.
RUN_LANGUAGES = {"sh", "python"}
NO_CODE_LANGUAGES = {"", "text", "json", "turtle", "sparql"}


@dataclass(frozen=True)
class Example:
    """A code block of a page: ```sh, ```python, or the `$ ` commands of a transcript."""

    page: str  # "README.md", "docs/guides/cli.md"
    language: str  # "sh" or "python"
    first_line: str  # as the page writes it: what NOT_RUN names an example by
    code: str
    line: int

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


#: The examples that are not run, by page and the start of their first line, and why. Every other
#: ```sh and ```python block, and every `$ ` command shown with its output, runs below.
NOT_RUN = {
    ("README.md", "make"): "the Quick start: `make` makes the environment these tests run in and `make test` runs them",
    ("docs/guides/sparql.md", "kg serve output/graph.ttl"): "starts a server that runs until stopped "
    "(tests/test_serve.py starts it)",
    ("docs/guides/sparql.md", "curl -H 'Accept: text/csv' --data-urlencode 'query="): "needs a running kg serve "
    "(tests/test_serve.py)",
    ("docs/guides/sparql.md", "import json, urllib.parse, urllib.request"): "needs a running kg serve "
    "(tests/test_serve.py)",
    ("docs/guides/sparql.md", "kg push output/graph.ttl --endpoint http://127.0.0.1:7878/store  "): "needs Oxigraph, "
    "Fuseki and GraphDB servers (tests/test_push.py pushes to a real Oxigraph server)",
    ("docs/guides/sparql.md", "oxigraph serve"): "starts a server that runs until stopped (tests/test_push.py takes "
    "the same steps)",
    ("docs/guides/sparql.md", "$ kg validate broken.ttl"): "broken.ttl stands for any graph that breaks the shapes "
    "(tests/test_validate.py breaks them one by one)",
    ("docs/guides/training.md", "kg train --data train.json"): "train.json and dev.json stand for your annotated "
    "data, and training takes minutes (tests/test_train.py trains on a small synthetic set)",
}


def blocks(page: str) -> list[tuple[str, str, int]]:
    """Every fenced block of a page: its language, its text and the line it starts on."""
    text = (ROOT / page).read_text("utf-8")
    return [(block.group(1), block.group(2), text.count("\n", 0, block.start()) + 1)
            for block in re.finditer(r"^```(\w*)\n(.*?)^```", text, flags=re.S | re.M)]


def page_examples(page: str) -> list[Example]:
    examples = []
    for language, code, line in blocks(page):
        if language in RUN_LANGUAGES:
            examples.append(Example(page, language, code.splitlines()[0], code, line))
        elif not language and code.startswith("$ "):
            commands = [row for row in code.splitlines() if row.startswith("$ ")]
            examples.append(Example(page, "sh", commands[0], "\n".join(row[2:] for row in commands) + "\n", line))
    return examples


EXAMPLES = [example for page in PAGES for example in page_examples(page)]


def reason_not_run(example: Example) -> str | None:
    reasons = [reason for (page, start), reason in NOT_RUN.items()
               if page == example.page and example.first_line.startswith(start)]
    return reasons[0] if reasons else None


def test_every_block_is_run_or_is_no_code() -> None:
    """A block is an example that runs (or is in NOT_RUN), or output and data: no other label."""
    unknown = [f"{page}:{line} ```{language}" for page in PAGES for language, _, line in blocks(page)
               if language not in RUN_LANGUAGES | NO_CODE_LANGUAGES]
    assert unknown == []


def test_every_example_left_out_is_in_the_docs() -> None:
    """NOT_RUN stays true: each entry names exactly one example, so none is left out by mistake."""
    for (page, start) in NOT_RUN:
        matching = [example for example in EXAMPLES if example.page == page and example.first_line.startswith(start)]
        assert len(matching) == 1, (page, start)


#: The one page that may name the data sets kept beside the repository (../shared): the benchmarks,
#: in prose, as where a figure came from. No example anywhere names them: a clone does not have them.
OUTSIDE = re.compile(r"\.\./shared|\bshared/(?:eval|corpora)\b")
PROVENANCE_PAGE = "docs/benchmarks.md"


def test_no_example_names_a_path_outside_the_repository() -> None:
    for page in PAGES:
        for _language, code, line in blocks(page):
            assert not OUTSIDE.search(code), f"{page}:{line} names a path outside the repository"
        if page != PROVENANCE_PAGE:
            text = (ROOT / page).read_text("utf-8")
            assert not OUTSIDE.search(text), f"{page} names ../shared (only {PROVENANCE_PAGE} may, in prose)"


def test_readme_links_lead_to_pages_and_headings_that_exist() -> None:
    """The README is read on GitHub, outside the site: its links into docs/ are checked here (mkdocs
    checks the site's own links)."""
    from markdown.extensions.toc import slugify

    readme = (ROOT / "README.md").read_text("utf-8")
    links = re.findall(r"\]\((?!https?:)([^)#\s]+)(?:#([^)\s]+))?\)", readme)
    assert links
    for target, anchor in links:
        path = ROOT / target
        assert path.exists(), target
        if anchor:
            headings = re.findall(r"^#+ (.+)$", path.read_text("utf-8"), flags=re.M)
            assert anchor in {slugify(heading, "-") for heading in headings}, f"{target}#{anchor}"


def run_example(example: Example, folder: Path) -> subprocess.CompletedProcess[str]:
    """The example, as written, in the reader's folder (kg and python from this environment)."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    if example.language == "python":
        script = folder / "example.py"
        script.write_text(example.code, "utf-8")
        command = [sys.executable, str(script)]
    else:
        command = ["bash", "-e", "-o", "pipefail", "-c", example.code]
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=600)


#: Per page folder, the ids of the examples already run in it.
_RAN: dict[Path, set[str]] = {}


@pytest.mark.parametrize("example", [
    pytest.param(example, id=example.id,
                 marks=[pytest.mark.skip(reason=reason)] if (reason := reason_not_run(example)) else [])
    for example in EXAMPLES
])
@pytest.mark.slow
def test_docs_example_runs(example: Example, tmp_path_factory: pytest.TempPathFactory,
                           seeds_build: BuildResult) -> None:
    """Each example exits 0 in its page's folder, after the page's earlier examples (run first if
    this one is run alone)."""
    folder = _reader_folder(example.page, tmp_path_factory, seeds_build)
    ran = _RAN.setdefault(folder, set())
    for earlier in EXAMPLES:
        if earlier.page != example.page or earlier.line >= example.line:
            continue
        if earlier.id not in ran and reason_not_run(earlier) is None:
            result = run_example(earlier, folder)
            assert result.returncode == 0, f"{earlier.id} (run before {example.id}):\n{result.stderr[-2000:]}"
            ran.add(earlier.id)
    result = run_example(example, folder)
    ran.add(example.id)
    assert result.returncode == 0, f"{example.id}:\n{example.code}\n{result.stderr[-2000:]}"


_FOLDERS: dict[str, Path] = {}


def _reader_folder(page: str, tmp_path_factory: pytest.TempPathFactory, seeds_build: BuildResult) -> Path:
    """The page's folder, as its reader has it after `make`: seeds/, and output/ built from them."""
    if page not in _FOLDERS:
        made = tmp_path_factory.mktemp(re.sub(r"\W", "-", page))
        (made / "seeds").symlink_to(SEEDS, target_is_directory=True)
        (made / "output").mkdir()
        for path in seeds_build.written:
            shutil.copy(path, made / "output" / path.name)
        _FOLDERS[page] = made
    return _FOLDERS[page]


# ---------------------------------------------------------------- the site


def mkdocs_build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "--config-file", str(config),
               "--site-dir", str(site)]
    return subprocess.run(command, cwd=config.parent, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_the_site_builds_with_no_warning(tmp_path: Path) -> None:
    """`make docs`: mkdocs --strict fails on any warning (a broken link or anchor, a page left out of
    the nav, an API name mkdocstrings cannot find)."""
    result = mkdocs_build(ROOT / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    api = (tmp_path / "site" / "reference" / "api" / "index.html").read_text("utf-8")
    assert all(f'id="kg.{name}"' in api for name in kg.__all__ if name != "__version__")
    pages = (tmp_path / "site").rglob("*.html")
    assert not [page for page in pages if re.search(r"fonts\.googleapis|fonts\.gstatic|cdn\.", page.read_text("utf-8"))]


@pytest.mark.slow
def test_the_site_build_fails_on_a_broken_link(tmp_path: Path) -> None:
    """The check above can fail: the same configuration over docs/ with one link to a page that
    does not exist is refused."""
    shutil.copytree(DOCS, tmp_path / "docs")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    with (tmp_path / "docs" / "index.md").open("a", encoding="utf-8") as index:
        index.write("\nSee [a page that is not there](no-such-page.md).\n")
    config = (tmp_path / "mkdocs.yml").read_text("utf-8").replace("paths: [.]", f"paths: [{ROOT}]")
    (tmp_path / "mkdocs.yml").write_text(config, "utf-8")
    result = mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert result.returncode != 0
    assert "no-such-page.md" in result.stderr
