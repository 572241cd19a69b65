"""Documentation that runs: every docstring example, and the README's promises."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re

import pytest

import kg
from tests.conftest import ROOT

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
