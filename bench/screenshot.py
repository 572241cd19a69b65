"""Screenshot of the seeds graph for the README: builds seeds/, opens graph.html in headless
Chromium (network blocked), selects Antony Blinken and saves docs/seeds-graph.png.

Run: .venv/bin/python bench/screenshot.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from viewer_bench import CHROMIUM_FLAGS  # noqa: E402

from kg.pipeline import build  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        result = build([ROOT / "seeds"], out_dir=Path(folder))
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1500, "height": 900})
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
        page.goto(result.written[-1].as_uri())
        page.wait_for_function("document.body.dataset.stable === 'true'")
        page.locator("#search").fill("Antony Blinken")
        page.locator("#search").press("Enter")
        page.evaluate("window.kg.network.fit()")
        page.wait_for_timeout(500)
        target = ROOT / "docs" / "seeds-graph.png"
        target.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(target))
        browser.close()
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
