"""kg on the news-facts yardstick: build the 30 hand-annotated Wikinews articles, score the graph.

Builds ``../shared/eval/news-facts/articles.jsonl`` as a user would (``kg build``), then runs the
shared scorer (``../shared/eval/score_facts.py``) with kg's map (``kg/data/maps/news-facts.json``)
and prints its table: fact recall and precision per relation, entities found, class right,
duplicated, spurious nodes. Run by hand, not in CI (the gold is for measuring, not for tests).

    .venv/bin/python bench/news_facts.py                  # the table
    .venv/bin/python bench/news_facts.py --details        # and every missed fact, wrong statement, duplicate
    .venv/bin/python bench/news_facts.py --json out.json  # the scores as JSON, to compare two runs
    .venv/bin/python bench/news_facts.py --articles OTHER.jsonl --gold OTHER_GOLD.jsonl
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval"
MAP = ROOT / "kg" / "data" / "maps" / "news-facts.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=Path, default=SHARED / "news-facts" / "articles.jsonl")
    parser.add_argument("--gold", type=Path, default=SHARED / "news-facts" / "gold.jsonl")
    parser.add_argument("--scorer", type=Path, default=SHARED / "score_facts.py")
    parser.add_argument("--details", action="store_true", help="list every missed fact, wrong statement, duplicate")
    parser.add_argument("--json", type=Path, help="also write the scores as JSON here")
    parser.add_argument("--keep", type=Path, help="build into this folder and keep the graph")
    options = parser.parse_args()
    for path in (options.articles, options.gold, options.scorer):
        if not path.exists():
            raise SystemExit(f"{path}: not found (is ../shared beside this checkout?)")
    kg = Path(sys.executable).parent / "kg"
    with tempfile.TemporaryDirectory() as temporary:
        out = options.keep or Path(temporary)
        subprocess.run([str(kg), "build", str(options.articles), "--out", str(out)], check=True,
                       stdout=subprocess.DEVNULL)
        score = [sys.executable, str(options.scorer), str(options.gold), str(out / "graph.ttl"), "--map", str(MAP)]
        if options.json:
            options.json.write_text(subprocess.run([*score, "--json"], check=True, capture_output=True,
                                                   text=True).stdout, "utf-8")
        subprocess.run([*score, *(["--details"] if options.details else [])], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
