"""How long graph.html takes to become stable and responsive in headless Chromium.

Builds synthetic kg-shaped graphs (scale-free, about two relations per entity, every relation
with a statement and an evidence sentence; the meetings, visits, attacks and statements among
them reported as events, a third of those with a day of their own, the rest dated by their
document, which the timeline then draws) through kg's own RDF stage, renders them with
``kg.view.viewer``, opens each page from disk in Debian's Chromium (network blocked) and measures:

- render: seconds in Python to turn the RDF graph into the page (centrality, communities, JSON);
- stable: milliseconds from navigation start until the page reports its layout stable;
- respond: milliseconds for a search-and-focus on one entity, up to the next painted frame;
- brush: milliseconds for brushing a month on the timeline, up to the next painted frame;
- size of the HTML file.

Run: .venv/bin/python bench/viewer_bench.py [--sizes 100 1000 5000]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import networkx as nx
from playwright.sync_api import sync_playwright

from kg.graph.rdf import to_graph
from kg.model import Corpus, Document, Entity, Event, Relation, Sentence
from kg.view.viewer import render_html

CLASSES = ("Person", "Organization", "Place", "Group", "Country")
RELATIONS = ("meets", "visits", "worksFor", "opposes", "supports", "attacked", "relatedTo", "says")
FACTUALITIES = ("asserted", "asserted", "asserted", "planned", "reported", "hypothetical")
#: The relations reported as events, and the event class of each.
EVENT_CLASSES = {"meets": "Meeting", "visits": "Visit", "attacked": "Attack", "says": "Announcement"}
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def synthetic_corpus(size: int, seed: int = 1, *, with_events: bool = True) -> Corpus:
    rng = random.Random(seed)
    shape = nx.barabasi_albert_graph(size, 2, seed=seed)
    first_day = date(2024, 1, 1)
    documents = tuple(Document(id=f"doc{n}", text="", title=f"Article {n}",
                               date=(first_day + timedelta(days=n % 366)).isoformat())
                      for n in range(max(1, size // 20)))
    entities = []
    for node in shape.nodes:
        cls = CLASSES[rng.randrange(len(CLASSES))]
        family = "place" if cls in ("Place", "Country") else cls.lower()
        entities.append(Entity(key=f"{family}/Entity {node}", name=f"Entity {node}", cls=cls,
                               aliases=(f"E{node}",), documents=(documents[node % len(documents)].id,),
                               ))
    relations = []
    for a, b in shape.edges:
        subject, obj = entities[a], entities[b]
        text = f"{subject.name} and {obj.name} were named together in a sentence long enough to read like news."
        relations.append(Relation(
            subject=subject.key, predicate=RELATIONS[rng.randrange(len(RELATIONS))], object=obj.key, verb="meet",
            factuality=FACTUALITIES[rng.randrange(len(FACTUALITIES))], rule="svo", confidence=0.8,
            document=documents[a % len(documents)].id, sentence=Sentence(start=0, end=len(text), text=text),
            subject_text=subject.name, object_text=obj.name))
    events = tuple(
        Event(cls=EVENT_CLASSES[relation.predicate], label=f"{relation.subject_text} {relation.predicate} "
              f"{relation.object_text}", relation=relation, agent=relation.subject, participants=(relation.object,),
              date=(first_day + timedelta(days=number % 366)).isoformat() if number % 3 == 0 else None)
        for number, relation in enumerate(relations) if with_events and relation.predicate in EVENT_CLASSES)
    return Corpus(documents=documents, entities=tuple(entities), relations=tuple(relations), events=events)


def measure(size: int, browser: object, folder: Path, *, with_events: bool = True) -> dict[str, float]:
    graph = to_graph(synthetic_corpus(size, with_events=with_events))
    started = time.perf_counter()
    page_html = render_html(graph, title=f"{size} entities")
    render_seconds = time.perf_counter() - started
    path = folder / f"graph-{size}.html"
    path.write_text(page_html, "utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto(path.as_uri())
    page.wait_for_function("document.body.dataset.stable === 'true'", timeout=120_000)
    stable_ms = page.evaluate("window.kg.stableAt")
    respond_ms = page.evaluate(
        """async () => {
             const id = window.kg.nodes.get()[Math.floor(window.kg.nodes.length / 2)].id;
             const t = performance.now();
             window.kg.focusNode(id);
             await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
             return performance.now() - t; }"""
    )
    brush_ms = page.evaluate(
        """async () => {
             const t = performance.now();
             window.kg.setTimeSpan(["2024-03-01", "2024-03-31"]);
             await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
             return performance.now() - t; }"""
    )
    counts = page.evaluate("[window.kg.nodes.length, window.kg.edges.length, "
                           "document.querySelectorAll('#timeline-strip .mark').length]")
    context.close()
    return {"nodes": counts[0], "edges": counts[1], "marks": counts[2], "render_s": render_seconds,
            "stable_s": stable_ms / 1000, "respond_ms": respond_ms, "ready_s": stable_ms / 1000 + respond_ms / 1000,
            "brush_ms": brush_ms,
            "size_mb": path.stat().st_size / 1e6}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--no-events", action="store_true",
                        help="report no relation as an event, so the page has no timeline (for comparison)")
    args = parser.parse_args(argv)
    print("| nodes | edges | render in Python (s) | stable (s) | search+focus (ms) "
          "| stable and responsive (s) | brush a month (ms) | file (MB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_FLAGS)
        for size in args.sizes:
            row = measure(size, browser, Path(folder), with_events=not args.no_events)
            print(f"| {row['nodes']} | {row['edges']} | {row['render_s']:.2f} | {row['stable_s']:.2f} | "
                  f"{row['respond_ms']:.0f} | {row['ready_s']:.2f} | {row['brush_ms']:.0f} | {row['size_mb']:.1f} |",
                  flush=True)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
