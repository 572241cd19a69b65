"""kg on the news-facts yardstick, on text its rules were written from and on text they were not.

Builds articles as a user would (``kg build``) and scores the graph with the shared scorer
(``../shared/eval/score_facts.py``) and kg's map (``kg/data/maps/news-facts.json``). Run by hand,
not in CI (the gold is for measuring, not for tests).

    .venv/bin/python bench/news_facts.py                  # the default build (the news model) on the 30 dev articles
    .venv/bin/python bench/news_facts.py --rules-only     # the rules alone
    .venv/bin/python bench/news_facts.py --details        # and every missed fact, wrong statement, duplicate
    .venv/bin/python bench/news_facts.py --json out.json  # the scores as JSON, to compare two runs
    .venv/bin/python bench/news_facts.py --articles OTHER.jsonl --gold OTHER_GOLD.jsonl
    .venv/bin/python bench/news_facts.py --table          # what generalises: the table in docs/benchmarks.md
    .venv/bin/python bench/news_facts.py --table --ner    # the same, the cross-validation's models with a learned NER

``--table`` prints, in one run: the rules alone on the 30 dev articles (which they were written
from) and on the 96 ``train/`` articles (which no rule was written from); the news model by
5-fold cross-validation over ``train/`` (folds by article: ``kg train`` on four fifths with the
30 dev articles as its ``--dev``, as ``make news-model`` trains the shipped model, every choice
made inside them, then ``kg build`` and ``score_facts.py`` on the fifth, the counts pooled); and
the shipped model on the 30 dev articles (which took part in choosing its settings).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval"
MAP = ROOT / "kg" / "data" / "maps" / "news-facts.json"
KG = [sys.executable, "-m", "kg"]
FOLDS = 5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=Path, default=SHARED / "news-facts" / "articles.jsonl")
    parser.add_argument("--gold", type=Path, default=SHARED / "news-facts" / "gold.jsonl")
    parser.add_argument("--scorer", type=Path, default=SHARED / "score_facts.py")
    parser.add_argument("--model", help="build with this model (default: kg's default, the news model)")
    parser.add_argument("--rules-only", action="store_true", help="build with the rules alone")
    parser.add_argument("--details", action="store_true", help="list every missed fact, wrong statement, duplicate")
    parser.add_argument("--json", type=Path, help="also write the scores as JSON here")
    parser.add_argument("--keep", type=Path, help="build into this folder and keep the graph")
    parser.add_argument("--table", action="store_true", help="rules and model, seen and unseen text, cross-validated")
    parser.add_argument("--train", type=Path, default=SHARED / "news-facts" / "train", help="for --table")
    parser.add_argument("--seed", type=int, default=0, help="the folds' and training's seed, for --table")
    parser.add_argument("--ner", action="store_true",
                        help="for --table: the cross-validation's models fine-tune the NER too (kg train --ner)")
    options = parser.parse_args()
    for path in (options.articles, options.gold, options.scorer):
        if not path.exists():
            raise SystemExit(f"{path}: not found (is ../shared beside this checkout?)")
    if options.table:
        return table(options)
    flags = ["--rules-only"] if options.rules_only else ["--model", options.model] if options.model else []
    with tempfile.TemporaryDirectory() as temporary:
        out = options.keep or Path(temporary)
        build(options.articles, out, flags)
        score = [sys.executable, str(options.scorer), str(options.gold), str(out / "graph.ttl"), "--map", str(MAP)]
        if options.json:
            options.json.write_text(subprocess.run([*score, "--json"], check=True, capture_output=True,
                                                   text=True).stdout, "utf-8")
        subprocess.run([*score, *(["--details"] if options.details else [])], check=True)
    return 0


def build(articles: Path, out: Path, flags: list[str]) -> None:
    subprocess.run([*KG, "build", str(articles), "--out", str(out), "--no-html", "-q", *flags], check=True,
                   stdout=subprocess.DEVNULL)


def scored(options: argparse.Namespace, articles: Path, gold: Path, flags: list[str]) -> dict[str, Any]:
    """The scorer's JSON for a build of ``articles`` with ``flags``."""
    with tempfile.TemporaryDirectory() as out:
        build(articles, Path(out), flags)
        found = subprocess.run([sys.executable, str(options.scorer), str(gold), str(Path(out) / "graph.ttl"),
                                "--json", "--map", str(MAP)], check=True, capture_output=True, text=True).stdout
    return dict(json.loads(found))


def table(options: argparse.Namespace) -> int:
    dev_articles, dev_gold = options.articles, options.gold
    train_articles, train_gold = options.train / "articles.jsonl", options.train / "gold.jsonl"
    rows = [("rules alone, 30 dev articles (rules written from them)", scored(options, dev_articles, dev_gold,
                                                                                ["--rules-only"])),
            ("rules alone, 96 train articles (unseen by the rules)", scored(options, train_articles, train_gold,
                                                                              ["--rules-only"]))]
    started = time.perf_counter()
    rows.append((f"news model, {FOLDS}-fold cross-validation over train", cross_validated(options)))
    cv_seconds = time.perf_counter() - started
    rows.append(("shipped news model, 30 dev articles", scored(options, dev_articles, dev_gold, [])))
    print_table(rows)
    print(f"\ncross-validation: {cv_seconds:.0f} s for {FOLDS} trainings and builds "
          f"(peak memory of a child {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB)")
    if options.json:
        options.json.write_text(json.dumps({name: found for name, found in rows}, indent=1) + "\n", "utf-8")
    return 0


def cross_validated(options: argparse.Namespace) -> dict[str, Any]:
    """The news model by cross-validation over ``--train``: pooled counts of every fold's score."""
    articles = (options.train / "articles.jsonl").read_text("utf-8").splitlines()
    gold = (options.train / "gold.jsonl").read_text("utf-8").splitlines()
    by_id = {json.loads(line)["doc"]: line for line in gold}
    order = list(range(len(articles)))
    random.Random(options.seed).shuffle(order)
    summaries = []
    with tempfile.TemporaryDirectory() as scratch:
        for fold in range(FOLDS):
            held = set(order[fold::FOLDS])
            folder = Path(scratch) / f"fold{fold}"
            for name, chosen in (("train", [n for n in range(len(articles)) if n not in held]),
                                 ("test", sorted(held))):
                (folder / name).mkdir(parents=True)
                lines = [articles[n] for n in chosen]
                (folder / name / "articles.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
                (folder / name / "gold.jsonl").write_text(
                    "\n".join(by_id[json.loads(line)["id"]] for line in lines) + "\n", "utf-8")
            model = folder / "model"
            subprocess.run([*KG, "train", "--data", str(folder / "train"), "--dev", str(options.articles.parent),
                            "--out", str(model), "--seed", str(options.seed), "--quiet",
                            *(["--ner"] if options.ner else [])], check=True,
                           stdout=subprocess.DEVNULL)
            summaries.append(scored(options, folder / "test" / "articles.jsonl", folder / "test" / "gold.jsonl",
                                    ["--model", str(model)]))
    return pooled(summaries)


def pooled(summaries: list[dict[str, Any]]) -> dict[str, Any]:
    """One score from several folds' (the scorer's JSON), its counts added up."""
    facts = {key: sum(s["facts"][key] for s in summaries) for key in ("gold", "found", "predicted", "predicted_right")}
    precision = facts["predicted_right"] / facts["predicted"] if facts["predicted"] else 0.0
    recall = facts["found"] / facts["gold"] if facts["gold"] else 0.0
    gold_entities = sum(s["entities"]["gold"] for s in summaries)
    found_entities = sum(s["entities"]["found"] * s["entities"]["gold"] for s in summaries)
    nodes = sum(s["entities"]["nodes"] for s in summaries)
    relations: dict[str, dict[str, float]] = {}
    for s in summaries:
        for name, counts in s["relations"].items():
            into = relations.setdefault(name, {"gold": 0, "found": 0, "predicted": 0, "right": 0.0})
            into["gold"] += counts["gold"]
            into["found"] += counts["found"]
            into["predicted"] += counts["predicted"]
            into["right"] += counts["precision"] * counts["predicted"]
    return {
        "facts": {**facts, "precision": precision, "recall": recall,
                  "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0},
        "entities": {"gold": gold_entities, "found": found_entities / gold_entities,
                     "class_right_of_found": sum(s["entities"]["class_right_of_found"] * s["entities"]["found"]
                                                 * s["entities"]["gold"] for s in summaries) / found_entities,
                     "duplicated": sum(s["entities"]["duplicated"] * s["entities"]["gold"]
                                       for s in summaries) / gold_entities,
                     "nodes": nodes,
                     "spurious_nodes": sum(s["entities"]["spurious_nodes"] * s["entities"]["nodes"]
                                           for s in summaries) / nodes},
        "relations": {name: {"gold": c["gold"], "found": c["found"], "recall": c["found"] / c["gold"] if c["gold"]
                             else 0.0, "predicted": c["predicted"],
                             "precision": c["right"] / c["predicted"] if c["predicted"] else 0.0}
                      for name, c in sorted(relations.items())},
    }


def print_table(rows: list[tuple[str, dict[str, Any]]]) -> None:
    print("| | fact P | fact R | fact F1 | spurious nodes | class right | duplicated |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, found in rows:
        f, e = found["facts"], found["entities"]
        print(f"| {name} | {f['precision']:.3f} | {f['recall']:.3f} | {f['f1']:.3f} | {e['spurious_nodes']:.3f} | "
              f"{e['class_right_of_found']:.3f} | {e['duplicated']:.3f} |")
    names = sorted({rel for _, found in rows for rel in found["relations"]})
    print("\nrecall / precision per relation:\n")
    print("| relation | gold (dev, train) | " + " | ".join(f"row {n + 1}" for n in range(len(rows))) + " |")
    print("|---|---|" + "---|" * len(rows))
    for rel in names:
        cells = []
        for _, found in rows:
            r = found["relations"].get(rel)
            cells.append(f"{r['recall']:.2f} / {r['precision']:.2f}" if r else "-")
        gold = "/".join(str(found["relations"].get(rel, {}).get("gold", 0)) for _, found in rows[:2])
        print(f"| {rel} | {gold} | " + " | ".join(cells) + " |")
    groups = {"opposes+supports+accuses": ("opposes", "supports", "accuses")}
    for label, members in groups.items():
        cells = []
        for _, found in rows:
            gold = sum(found["relations"].get(m, {}).get("gold", 0) for m in members)
            hit = sum(found["relations"].get(m, {}).get("found", 0) for m in members)
            cells.append(f"{hit / gold:.2f} recall" if gold else "-")
        print(f"| {label} | | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
