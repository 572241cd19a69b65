"""kg's fixed cost: how long the commands a user types often take on a small input.

Times, as whole processes (median of --runs), ``kg --help``, ``kg query`` of a shipped example on
the seeds graph, ``kg build`` of one sentence, and loading spaCy's model alone, which ``kg build``
cannot avoid; reports the build's cost above the model's.

Run: .venv/bin/python bench/startup.py [--graph output/graph.ttl] [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def seconds(command: list[str], runs: int) -> float:
    """The median wall time of ``command`` over ``runs`` runs (after one unmeasured warm-up)."""
    times = []
    for run in range(runs + 1):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if run:
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, default=Path("output/graph.ttl"))
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    kg = [sys.executable, "-m", "kg"]
    with tempfile.TemporaryDirectory() as folder:
        sentence = Path(folder) / "one.txt"
        sentence.write_text("Antony Blinken met Benjamin Netanyahu in Tel Aviv.\n", "utf-8")
        model = "import spacy; from kg.options import SPACY_MODEL; spacy.load(SPACY_MODEL)"
        rows = {
            "kg --help": seconds([*kg, "--help"], args.runs),
            "kg query (seeds, who-meets-whom)": seconds([*kg, "query", str(args.graph), "--example",
                                                         "who-meets-whom"], args.runs),
            "kg build (one sentence)": seconds([*kg, "build", str(sentence), "--out", folder, "-q"], args.runs),
            "python: load the spaCy model alone": seconds([sys.executable, "-c", model], args.runs),
        }
    print("| command | seconds (median) |\n|---|---:|")
    for name, value in rows.items():
        print(f"| {name} | {value:.2f} |")
    over = rows["kg build (one sentence)"] - rows["python: load the spaCy model alone"]
    print(f"| kg build above loading the model | {over:.2f} |")


if __name__ == "__main__":
    main()
