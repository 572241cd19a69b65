"""graph.html in the real headless Chromium (Debian's package), with the network blocked."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef

from kg.lexicon import relation_names
from kg.namespace import ENTITY_CLASSES, KG
from kg.pipeline import BuildResult, build

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: `make test` installs Debian's chromium package")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Page:
    """A page opened from disk with every non-file request blocked and recorded."""

    def __init__(self, browser: object, path: Path) -> None:
        self.context = browser.new_context()  # type: ignore[attr-defined]
        self.page = self.context.new_page()
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function("document.body.dataset.stable === 'true'", timeout=30_000)

    def _route(self, route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()  # type: ignore[attr-defined]
        else:
            self.blocked.append(url)
            route.abort()  # type: ignore[attr-defined]

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    def close(self) -> None:
        self.context.close()


def expected_counts(turtle: Path) -> tuple[int, int]:
    """Nodes and edges as the graph file defines them: entities, and distinct direct relation triples."""
    graph = Graph().parse(turtle, format="turtle")
    classes = {KG[name] for name in ENTITY_CLASSES}
    entities = {s for s, o in graph.subject_objects(RDF.type) if o in classes and isinstance(s, URIRef)}
    relations = {KG[name] for name in relation_names()}
    edges = {(s, p, o) for s, p, o in graph if p in relations and s in entities and o in entities}
    return len(entities), len(edges)


def test_seeds_page_shows_every_node_and_edge_offline(browser: object, seeds_build: BuildResult) -> None:
    html = seeds_build.written[-1]
    assert html.name == "graph.html"
    page = Page(browser, html)
    try:
        nodes = page.page.evaluate("window.kg.nodes.length")
        edges = page.page.evaluate("window.kg.edges.length")
        assert (nodes, edges) == expected_counts(seeds_build.written[0])
        assert nodes > 30
        canvas = page.page.locator("#graph canvas")
        assert canvas.count() == 1 and canvas.bounding_box()["width"] > 300
        assert "Person" in page.page.inner_text("#legend")
        assert page.blocked == [] and page.errors == []
    finally:
        page.close()


def test_hover_shows_evidence_as_text(browser: object, seeds_build: BuildResult) -> None:
    page = Page(browser, seeds_build.written[-1])
    try:
        edge_id = page.page.evaluate(
            "window.kg.edges.get().find(e => e.label === 'spokespersonFor' && e.from.endsWith('John_Kirby')).id"
        )
        position = page.page.evaluate(
            # the middle of the drawn (curved) edge, from vis-network's own geometry
            """(id) => { const n = window.kg.network;
                 return n.canvasToDOM(n.body.edges[id].edgeType.getPoint(0.5)); }""",
            edge_id,
        )
        box = page.page.locator("#graph canvas").bounding_box()
        page.page.mouse.move(box["x"] + position["x"], box["y"] + position["y"])
        tooltip = page.page.locator("div.vis-tooltip")
        tooltip.wait_for(state="visible", timeout=5_000)
        text = tooltip.inner_text()
        assert text.startswith("spokespersonFor (asserted)")
        assert "said White House national security spokesman John Kirby." in text
    finally:
        page.close()


def test_hostile_document_text_is_shown_literally(browser: object, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        "Angela Merkel met Emmanuel Macron <script>alert(1)</script> in Paris.\n"
        "Emmanuel Macron visited Berlin <img src=x onerror=\"window.__pwned=1;alert(2)\"> on Monday.\n",
        "utf-8",
    )
    result = build([hostile], out_dir=tmp_path / "out")
    page = Page(browser, result.written[-1])
    try:
        titles = page.page.evaluate("window.kg.edges.get().map(e => e.title).join('\\n')")
        assert "<script>alert(1)</script>" in titles
        assert "<img src=x onerror=" in titles
        assert page.page.evaluate("window.__pwned === undefined")
        assert page.page.locator("img").count() == 0
        assert page.dialogs == [] and page.errors == []
    finally:
        page.close()
