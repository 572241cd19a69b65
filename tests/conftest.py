"""Shared fixtures (the real spaCy model, loaded once, and the seeds graph, built once) and the
test tiers: which tests ``make check`` leaves to ``make test`` (see CONTRIBUTING.md)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph

from kg.extraction.document import analyse
from kg.model import Corpus, DocumentAnalysis
from kg.nlp import load_pipeline
from kg.options import MODEL_ENV_VAR, SPACY_MODEL  # noqa: E402
from kg.pipeline import BuildResult, build
from kg.read import read_documents, text_document
from kg.resolution.entities import resolve

# The suite tests kg's rules on its own small texts, with the spaCy pipeline alone: a test of a
# rule must not move when the news model is trained again. The news model kg uses by default has
# tests of its own (tests/test_news.py), which run without this setting.
os.environ[MODEL_ENV_VAR] = SPACY_MODEL

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_ARTICLE = SEEDS / "blinken-israel-visit.txt"

#: The fixtures whose tests are marked, and with what: a test is marked by what it uses, wherever
#: it lives, so a new test that takes the browser or a trained model is in the right tier unasked.
MARKER_OF_FIXTURE = {"browser": "browser", "trained": "training"}
#: Markers of tests that `make check` leaves out with the slow ones.
SLOW_KINDS = ("browser", "training", "cluster")


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by the fixtures it uses; a browser, training or cluster test is slow too."""
    for item in items:
        for fixture in MARKER_OF_FIXTURE.keys() & set(getattr(item, "fixturenames", ())):
            item.add_marker(MARKER_OF_FIXTURE[fixture])
        if any(item.get_closest_marker(kind) for kind in SLOW_KINDS):
            item.add_marker("slow")


@pytest.fixture(scope="session")
def analyse_text() -> Callable[[str], DocumentAnalysis]:
    """Run the real model and kg's rules over one text."""
    nlp = load_pipeline()

    def run(text: str) -> DocumentAnalysis:
        return analyse(text_document(text), nlp(text))

    return run


@pytest.fixture(scope="session")
def resolve_texts(analyse_text: Callable[[str], DocumentAnalysis]) -> Callable[..., Corpus]:
    def run(*texts: str) -> Corpus:
        return resolve([analyse_text(text) for text in texts])

    return run


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """``kg build seeds/`` through the Python API, into a temporary folder."""
    out = tmp_path_factory.mktemp("seeds-output")
    return build([SEEDS], out_dir=out)


@pytest.fixture(scope="session")
def seeds_graph(seeds_build: BuildResult) -> Graph:
    """The seeds graph as read back from the Turtle file, as a user would query it."""
    graph = Graph()
    graph.parse(seeds_build.written[0], format="turtle")
    return graph


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SEED_ARTICLE, folder / SEED_ARTICLE.name)
    return folder


@pytest.fixture(scope="session")
def paragraphs_jsonl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """50 short real documents: the paragraphs of the seed articles, as JSON Lines."""
    texts = [paragraph.strip() for document in read_documents([SEEDS])
             for paragraph in document.text.split("\n") if len(paragraph.split()) >= 8]
    records = [{"id": f"paragraph-{n}", "url": f"https://example.org/news/{n}", "text": texts[n % len(texts)]}
               for n in range(50)]
    path = tmp_path_factory.mktemp("paragraphs") / "paragraphs.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records), "utf-8")
    return path
