"""Speed of `kg evaluate` on CoNLL04 (issue 3): sentences/s on one core, against spaCy alone.

Both run on the same gold-token Docs with the same pipes and batch size, in this one process,
after a warm-up pass; each is timed three times and the median is reported. Run by hand:

    .venv/bin/python bench/evaluate_bench.py [--gold ../shared/eval/conll04/dev.json]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spacy.tokens import Doc  # noqa: E402

from kg.evaluate import load_gold, load_mapping, predict  # noqa: E402
from kg.nlp import load_pipeline  # noqa: E402

DEFAULT_GOLD = ROOT.parent / "shared" / "eval" / "conll04" / "dev.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, nargs="+", default=[DEFAULT_GOLD])
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    nlp = load_pipeline()
    mapping = load_mapping("conll04")
    print("| gold | sentences | tokens | spaCy alone (sentences/s) | kg evaluate (sentences/s) | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for path in options.gold:
        gold = load_gold(path)
        tokens = sum(len(sentence["tokens"]) for sentence in gold)
        predict(gold, mapping)  # warm-up: lazy initialisation, caches
        spacy_times, kg_times = [], []
        for _ in range(options.repeats):
            started = time.perf_counter()
            for _doc in nlp.pipe((Doc(nlp.vocab, words=s["tokens"]) for s in gold), batch_size=64):
                pass
            spacy_times.append(time.perf_counter() - started)
            kg_times.append(predict(gold, mapping)[1])
        spacy_rate = len(gold) / statistics.median(spacy_times)
        kg_rate = len(gold) / statistics.median(kg_times)
        print(f"| {path.name} | {len(gold):,} | {tokens:,} | {spacy_rate:.0f} | {kg_rate:.0f} | "
              f"{kg_rate / spacy_rate:.2f} |", flush=True)


if __name__ == "__main__":
    main()
