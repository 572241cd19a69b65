"""Does any shape of list make kg's work grow faster than the text? One long sentence of each shape,
at 1x and 4x the items, timed in one process: spaCy's parse, and kg's own extraction after it.

A ratio near 4 is linear; the red team's 2,500-item list of "name of company" took 2.9 s at 250
items and 9.9 s at 1,000 and was dropped by the document timeout. Wanted: every ratio < 5.

    .venv/bin/python bench/list_shapes.py [--items 250] [--json FILE]
    PYTHONPATH=/other/checkout .venv/bin/python bench/list_shapes.py   # another checkout's kg
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from pathlib import Path

FIRST = ["John", "Mary", "Ahmed", "Li", "Carlos", "Anna", "Peter", "Fatima", "Olga", "Kenji"]
LAST = ["Smith", "Chen", "Garcia", "Okafor", "Ivanov", "Tanaka", "Muller", "Rossi", "Khan", "Silva"]
COMPANIES = ["Acme Corp", "Globex Inc", "Initech", "Umbrella Ltd", "Stark Industries", "Wayne Enterprises", "Hooli"]
PLACES = ["Paris, France", "Lyon, France", "Austin, Texas", "Leeds, England", "Osaka, Japan"]
ROLES = ["chairman", "chief executive", "spokesman", "director", "president"]


def shapes(chance: random.Random) -> dict[str, Callable[[int], str]]:
    """The list shapes: each makes one sentence of ``n`` items."""
    def name() -> str:
        return f"{chance.choice(FIRST)} {chance.choice(LAST)}"

    def company() -> str:
        return chance.choice(COMPANIES)

    return {
        "name of company": lambda n: "The signatories were " + ", ".join(f"{name()} of {company()}" for _ in range(n)),
        "names": lambda n: "The signatories were " + ", ".join(name() for _ in range(n)),
        "names joined by and": lambda n: "The signatories were " + " and ".join(name() for _ in range(n)),
        "appositions": lambda n: "Present were " + ", ".join(
            f"{name()}, {chance.choice(ROLES)} of {company()}" for _ in range(n)),
        "places": lambda n: "Offices open in " + ", ".join(chance.choice(PLACES) for _ in range(n)),
        "nested of": lambda n: "He met " + " of ".join(f"the {chance.choice(ROLES)} {name()}" for _ in range(n)),
        "companies in places": lambda n: "Buyers include " + ", ".join(
            f"{company()} in {chance.choice(PLACES)}" for _ in range(n)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=250, help="items at 1x (4x is four times as many)")
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()

    from kg.extraction.document import analyse
    from kg.model import Document
    from kg.nlp import load_pipeline
    from kg.options import SPACY_MODEL

    nlp = load_pipeline(SPACY_MODEL)
    report: dict[str, dict[str, float]] = {}
    for shape, make in shapes(random.Random(0)).items():
        seconds: dict[int, tuple[float, float]] = {}
        for items in (options.items, 4 * options.items):
            text = make(items) + "."
            started = time.perf_counter()
            doc = nlp(text)
            parsed = time.perf_counter()
            analyse(Document(id=shape, text=text), doc)
            seconds[items] = (parsed - started, time.perf_counter() - parsed)
        small, large = seconds[options.items], seconds[4 * options.items]
        report[shape] = {"spaCy 1x s": round(small[0], 3), "spaCy 4x s": round(large[0], 3),
                         "kg 1x s": round(small[1], 3), "kg 4x s": round(large[1], 3),
                         "kg ratio": round(large[1] / small[1], 1),
                         "whole ratio": round(sum(large) / sum(small), 1)}
        print(f"{shape:22} kg {small[1]:6.2f} s -> {large[1]:6.2f} s (x{report[shape]['kg ratio']}); "
              f"with spaCy's parse x{report[shape]['whole ratio']}", flush=True)
    if options.json:
        options.json.write_text(json.dumps(report, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
