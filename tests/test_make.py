"""The Makefile's two test tiers: ``make test`` runs every test and is what CI runs; ``make check``
leaves out each test that drives the browser, trains a model or starts a Dask cluster, and keeps
the fast tests of every test module.

Which tests are heavy is read here from the tests' source, not from their markers: a test is
heavy if it, or a fixture it takes (and those fixtures' own, in its module or in conftest.py),
launches Chromium, trains, or starts a cluster. So a new browser test that nobody marked fails
here instead of slowing every ``make check``.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

from tests.conftest import ROOT

TESTS = ROOT / "tests"
MAKEFILE = ROOT / "Makefile"

#: What a heavy test's source says, by the marker it must carry.
HEAVY = {
    "browser": re.compile(r"\bsync_playwright\b"),
    "training": re.compile(r"\btrain_\w+\(|'train', '--data'"),  # a train_* function, or `kg train --data`
    "cluster": re.compile(r"\bLocalCluster\("),
}


def recipe(target: str) -> list[str]:
    """The commands of a Makefile target, as written."""
    text = MAKEFILE.read_text("utf-8")
    found = re.search(rf"^{re.escape(target)}:[^=\n]*\n((?:\t.*\n)+)", text, flags=re.M)
    assert found, f"the Makefile has no target {target!r}"
    return [line.strip() for line in found.group(1).splitlines()]


def pytest_command(target: str) -> str:
    commands = [command for command in recipe(target) if "-m pytest" in command]
    assert len(commands) == 1, (target, commands)
    return commands[0]


def check_expression() -> str:
    """The marker expression ``make check`` gives pytest, its variables filled in."""
    variables = dict(re.findall(r"^(\w+)\s*:?=\s*(.*?)\s*$", MAKEFILE.read_text("utf-8"), flags=re.M))
    found = re.search(r'-m "([^"]+)"', pytest_command("check"))
    assert found, pytest_command("check")
    return re.sub(r"\$\((\w+)\)", lambda name: variables[name.group(1)], found.group(1))


def collected(expression: str) -> set[tuple[str, str]]:
    """(module file, test function) of each test pytest selects with ``-m expression``."""
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_ADDOPTS"}
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           "-m", expression, str(TESTS)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    ids = [line.split("::") for line in done.stdout.splitlines() if "::" in line]
    assert ids, done.stdout[-3000:]
    return {(Path(parts[0]).name, parts[-1].split("[", 1)[0]) for parts in ids}


# Sources are compared as ast.unparse writes them (strings in single quotes), whatever their author wrote.
def _fixtures_and_tests(path: Path) -> tuple[dict[str, ast.FunctionDef], dict[str, ast.FunctionDef]]:
    tree = ast.parse(path.read_text("utf-8"))
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    fixtures = {node.name: node for node in functions
                if any("fixture" in ast.unparse(decorator) for decorator in node.decorator_list)}
    tests = {node.name: node for node in functions if node.name.startswith("test_")}
    return fixtures, tests


@cache
def heavy_tests() -> dict[tuple[str, str], set[str]]:
    """Every test of tests/ by (module file, function), with the kinds of heavy work it does (or none)."""
    shared, _ = _fixtures_and_tests(TESTS / "conftest.py")
    found: dict[tuple[str, str], set[str]] = {}
    for path in sorted(TESTS.glob("test_*.py")):
        own, tests = _fixtures_and_tests(path)
        for name, test in tests.items():
            source, seen, waiting = [ast.unparse(test)], set(), [arg.arg for arg in test.args.args]
            while waiting:
                fixture = waiting.pop()
                definition = own.get(fixture) or shared.get(fixture)
                if fixture in seen or definition is None:
                    continue
                seen.add(fixture)
                source.append(ast.unparse(definition))
                waiting.extend(arg.arg for arg in definition.args.args)
            text = "\n".join(source)
            found[path.name, name] = {kind for kind, telltale in HEAVY.items() if telltale.search(text)}
    return found


def test_make_test_runs_every_test_with_the_linters() -> None:
    """`make test` (what .ci/run and the README's quick start call) selects no tier: it is everything."""
    options = pytest_command("test").split("-m pytest", 1)[1]
    assert not re.search(r"(^|\s)-(m|k)\b|--deselect|--ignore", options), options
    assert "make test" in (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    for target in ("test", "check"):
        assert any(command.startswith("$(BIN)/ruff check") for command in recipe(target)), target
        assert any(command.startswith("$(BIN)/mypy") for command in recipe(target)), target


def test_the_heavy_tests_are_found() -> None:
    """The source reading below sees the suite's browser, training and cluster tests, so it can fail."""
    kinds = {kind for test_kinds in heavy_tests().values() for kind in test_kinds}
    assert kinds == set(HEAVY)


def test_make_check_selects_no_browser_training_or_cluster_test() -> None:
    """What `make check` collects, with the marker expression its recipe gives, holds no heavy test."""
    selected = collected(check_expression())
    heavy = sorted(f"{module}::{name} ({', '.join(sorted(kinds))})"
                   for (module, name), kinds in heavy_tests().items() if kinds and (module, name) in selected)
    assert heavy == [], f"make check ({check_expression()!r}) would run these; mark each with its kind"
    # and it keeps the fast tests of every module that has some
    modules_with_light_tests = {module for (module, _), kinds in heavy_tests().items() if not kinds}
    assert modules_with_light_tests - {module for module, _ in selected} == set()
