"""kg's layering contract (``[tool.importlinter]`` in pyproject.toml), run for real by ``lint-imports``:
it holds on the tree, and an import that runs back up a layer, or closes a cycle between two
modules of one package, breaks it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` over the ``kg`` package under ``project`` (its own folder comes first on the
    path, so a copy is read, not the installed kg), with no cache left behind."""
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=project, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The package and its pyproject.toml (which holds the contract), copied to a folder of their own."""
    data_files = shutil.ignore_patterns("__pycache__", "models", "*.json", "*.jsonl", "*.ttl", "*.html", "*.rq")
    shutil.copytree(ROOT / "kg", tmp_path / "kg", ignore=data_files)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def add_import(module: Path, statement: str) -> None:
    module.write_text(module.read_text("utf-8") + f"\n{statement}  # noqa\n", "utf-8")


def test_the_tree_keeps_the_contract() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_copy_keeps_the_contract_as_it_is(project_copy: Path) -> None:
    assert lint_imports(project_copy).returncode == 0


@pytest.mark.parametrize(("module", "statement", "named"), [
    # the data files' readers, below every stage, reaching up to the RDF triples
    ("kg/data/words.py", "from kg.graph import rdf", "kg.data.words -> kg.graph.rdf"),
    # the model, the ground floor, reaching up to the CLI
    ("kg/model.py", "import kg.cli", "kg.model -> kg.cli"),
    # the graph layer reaching up to the page (the cycle there was before the network model moved down)
    ("kg/graph/network.py", "from kg.view import viewer", "kg.graph.network -> kg.view.viewer"),
    # resolution reaching up to the extraction stages
    ("kg/resolution/clusters.py", "from kg.extraction import coref", "kg.resolution.clusters -> kg.extraction.coref"),
])
def test_an_upward_import_breaks_the_layers(project_copy: Path, module: str, statement: str, named: str) -> None:
    add_import(project_copy / module, statement)
    result = lint_imports(project_copy)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and named in result.stdout, result.stdout


def test_a_cycle_inside_a_package_breaks_the_contract(project_copy: Path) -> None:
    # kg.graph.store imports kg.graph.rdf: rdf importing store back closes a cycle in one layer
    add_import(project_copy / "kg/graph/rdf.py", "from kg.graph import store")
    result = lint_imports(project_copy)
    assert result.returncode != 0
    assert "No cycles are allowed in kg.graph" in result.stdout, result.stdout
