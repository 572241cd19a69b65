"""Screenshots of the seeds graph for the README and docs/: builds seeds/, opens graph.html in headless
Chromium (network blocked) and saves, in docs/:

- seeds-graph.png: the whole graph with Antony Blinken selected;
- seeds-story.png: one story picked from the stories list, drawn alone with its text;
- seeds-timeline.png: a span of the timeline brushed with the mouse, the network showing only
  the relations of the events in it.

Each is taken as a reader gets there (typing, clicking, dragging), in a fresh page, so one
view's state cannot leak into the next.

Run: .venv/bin/python bench/screenshot.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from viewer_bench import CHROMIUM_FLAGS  # noqa: E402

from kg.pipeline import build  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
VIEWPORT = {"width": 1500, "height": 900}
#: A story whose events the timeline then shows, the others faded.
STORY = "Indonesian security minister Wiranto stabbed"
#: The span brushed: the autumn of 2019, when two of the four seed stories were published.
SPAN = ("2019-09-01", "2019-10-31")


def open_page(browser: Browser, html: Path) -> Page:
    page = browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto(html.as_uri())
    page.wait_for_function("document.body.dataset.stable === 'true'")
    return page


def save(page: Page, name: str) -> Path:
    page.wait_for_timeout(500)  # the labels are placed a moment after the last change
    target = DOCS / name
    page.screenshot(path=str(target))
    page.close()
    return target


def whole_graph(browser: Browser, html: Path) -> Path:
    page = open_page(browser, html)
    page.locator("#search").fill("Antony Blinken")
    page.locator("#search").press("Enter")
    page.evaluate("window.kg.network.fit()")
    return save(page, "seeds-graph.png")


def story(browser: Browser, html: Path) -> Path:
    page = open_page(browser, html)
    page.locator("#stories summary").click()
    page.locator("#story-list button", has_text=STORY).click()
    page.locator("#stories summary").click()  # the list closed again, so the story's text is in view
    page.locator("#details .story-text").scroll_into_view_if_needed()
    return save(page, "seeds-story.png")


def timeline(browser: Browser, html: Path) -> Path:
    """Drags across the strip from the first day of :data:`SPAN` to the last, as a reader would."""
    page = open_page(browser, html)
    strip: Any = page.locator("#timeline-strip").bounding_box()
    first, last = (strip["x"] + page.evaluate("(day) => window.kg.dayToX(day)", day) for day in SPAN)
    y = strip["y"] + 8
    page.mouse.move(first, y)
    page.mouse.down()
    page.mouse.move((first + last) / 2, y, steps=4)
    page.mouse.move(last, y, steps=4)
    page.mouse.up()
    return save(page, "seeds-timeline.png")


def main() -> int:
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        html = build([ROOT / "seeds"], out_dir=Path(folder)).written[-1]
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        for take in (whole_graph, story, timeline):
            print(f"wrote {take(browser, html)}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
