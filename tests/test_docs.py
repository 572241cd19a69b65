"""Documentation that runs: every docstring example, and the README's promises."""

from __future__ import annotations

import doctest
import importlib
import json
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
from kg.read import read_documents
from kg.sparql.query import example_names
from tests.conftest import ROOT, SEED_ARTICLE, SEEDS

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


def test_readme_lists_every_relation_of_the_ontology() -> None:
    """The README's relation table names each closed relation the ontology has (it had drifted)."""
    from rdflib import RDFS, Graph, URIRef

    ontology = Graph().parse(ROOT / "ontology" / "kg.ttl")
    namespace = "https://w3id.org/kg-news/ontology#"
    related = URIRef(namespace + "relatedTo")
    closed = {str(term).removeprefix(namespace) for term in ontology.transitive_subjects(RDFS.subPropertyOf, related)}
    readme = (ROOT / "README.md").read_text("utf-8")
    listed = set(re.findall(r"^\| `kg:(\w+)` \|", readme, flags=re.M))
    assert closed - listed == set()


def test_readme_lists_every_shipped_query() -> None:
    """The table of example queries names each kg/queries/*.rq (it listed 4 of 5)."""
    readme = (ROOT / "README.md").read_text("utf-8")
    table = readme.split("Queries shipped with kg", 1)[1].split("```", 1)[0]
    assert set(re.findall(r"^\| `([\w-]+)` \|", table, flags=re.M)) == set(example_names())


# ---------------------------------------------------------------- the README's examples, run


@dataclass(frozen=True)
class Example:
    """A code block of the README: ```sh, ```python, or the `$ ` commands of a transcript."""

    language: str  # "sh" or "python"
    first_line: str  # as the README writes it: what NOT_RUN names an example by
    code: str
    line: int


#: The README's examples that are not run, by the start of their first line, and why. Every other
#: ```sh and ```python block, and every `$ ` command shown with its output, runs in CI.
NOT_RUN = {
    "make": "the Quick start: `make` makes the environment these tests run in and `make test` runs them",
    "kg build PATH...": "the synopsis of the commands and their options, not commands to run",
    "kg serve output/graph.ttl": "starts a server that runs until stopped (tests/test_serve.py starts it)",
    "curl -H 'Accept: text/csv' --data-urlencode 'query=": "needs a running kg serve (tests/test_serve.py)",
    "import json, urllib.parse, urllib.request": "needs a running kg serve (tests/test_serve.py)",
    "kg push output/graph.ttl --endpoint http://127.0.0.1:7878/store  ": "needs Oxigraph, Fuseki and GraphDB "
    "servers (tests/test_push.py pushes to a real Oxigraph server)",
    "oxigraph serve": "starts a server that runs until stopped (tests/test_push.py takes the same steps)",
    "$ kg evaluate": "needs the CoNLL04 gold data, kept outside the repository",
    "$ kg validate broken.ttl": "broken.ttl stands for any graph that breaks the shapes (tests/test_validate.py "
    "breaks them one by one)",
    "$ kg build news.jsonl": "news.jsonl is only sketched in its comment (tests/test_events.py builds such text)",
}


def readme_examples() -> list[Example]:
    readme = (ROOT / "README.md").read_text("utf-8")
    examples = []
    for block in re.finditer(r"^```(\w*)\n(.*?)^```", readme, flags=re.S | re.M):
        language, code = block.group(1), block.group(2)
        line = readme.count("\n", 0, block.start()) + 1
        if language in ("sh", "python"):
            examples.append(Example(language, code.splitlines()[0], code, line))
        elif not language and code.startswith("$ "):
            commands = [row for row in code.splitlines() if row.startswith("$ ")]
            examples.append(Example("sh", commands[0], "\n".join(row[2:] for row in commands) + "\n", line))
    return examples


def reason_not_run(example: Example) -> str | None:
    reasons = [reason for start, reason in NOT_RUN.items() if example.first_line.startswith(start)]
    return reasons[0] if reasons else None


def test_every_example_left_out_is_in_the_readme() -> None:
    """NOT_RUN stays true: each entry names exactly one example, so none is left out by mistake."""
    first_lines = [example.first_line for example in readme_examples()]
    for start in NOT_RUN:
        assert sum(line.startswith(start) for line in first_lines) == 1, start


@pytest.fixture
def readme_folder(tmp_path: Path, seeds_build: BuildResult) -> Path:
    """A folder as the README's reader has it after `make`: seeds/, output/ built from them, and
    the inputs the examples name made from the seeds (today's articles, a corpus and its parts)."""
    (tmp_path / "seeds").symlink_to(SEEDS, target_is_directory=True)
    (tmp_path / "output").mkdir()
    for path in seeds_build.written:
        shutil.copy(path, tmp_path / "output" / path.name)
    (tmp_path / "today").mkdir()
    shutil.copy(SEED_ARTICLE, tmp_path / "today" / SEED_ARTICLE.name)
    records = [json.dumps({"id": document.id, "title": document.title, "text": document.text}) + "\n"
               for document in read_documents([SEEDS])]
    half = len(records) // 2
    for name, part in (("archive", records), ("part-1", records[:half]), ("part-2", records[half:])):
        (tmp_path / f"{name}.jsonl").write_text("".join(part), "utf-8")
    return tmp_path


@pytest.mark.parametrize("example", [
    pytest.param(example, id=f"README.md:{example.line}",
                 marks=[pytest.mark.skip(reason=reason)] if (reason := reason_not_run(example)) else [])
    for example in readme_examples()
])
def test_readme_example_runs(example: Example, readme_folder: Path) -> None:
    """Each example, as written, exits 0 in the reader's folder (kg and python from this environment)."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    if example.language == "python":
        script = readme_folder / "example.py"
        script.write_text(example.code, "utf-8")
        command = [sys.executable, str(script)]
    else:
        command = ["bash", "-e", "-o", "pipefail", "-c", example.code]
    result = subprocess.run(command, cwd=readme_folder, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"README.md line {example.line}:\n{example.code}\n{result.stderr[-2000:]}"
