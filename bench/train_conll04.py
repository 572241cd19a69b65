"""kg train on CoNLL04, as a user would run it: train on train (dev for selection), score dev.

Runs ``kg train --data train.json --dev dev.json`` into a temporary directory (or ``--out``),
then ``kg evaluate --gold dev.json --model DIR``, and prints both commands' output and the
time and peak memory training took. Dev also chose the NER's epoch and the classifier's
penalty and threshold, so its scores are selection scores; ``--test`` scores a split nothing
was chosen on (``--dev`` half of dev and ``--test`` the other half, for one). CoNLL04 is research-only: it is read from
``../shared/eval/conll04/`` at run time and no model trained on it is kept in the project.
Run by hand, not in CI.

    .venv/bin/python bench/train_conll04.py
    .venv/bin/python bench/train_conll04.py --seed 1 --out /tmp/conll04-model
    .venv/bin/python bench/train_conll04.py --test OTHER_SPLIT.json   # score a held-out split too
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONLL04 = ROOT.parent / "shared" / "eval" / "conll04"
KG = [sys.executable, "-m", "kg"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", type=Path, default=CONLL04 / "train.json")
    parser.add_argument("--dev", type=Path, default=CONLL04 / "dev.json")
    parser.add_argument("--test", type=Path, help="a further split to score (never used to choose anything)")
    parser.add_argument("--out", type=Path, help="keep the model here (default: a temporary directory)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        model = args.out or Path(scratch) / "conll04-model"
        started = time.perf_counter()
        subprocess.run([*KG, "train", "--data", str(args.train), "--dev", str(args.dev), "--out", str(model),
                        "--seed", str(args.seed)], check=True)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"kg train: {seconds / 60:.1f} min wall, peak memory {peak:.0f} MB", flush=True)
        for split in [args.dev, *([args.test] if args.test else [])]:
            print(f"\nkg evaluate --gold {split.name} --model {model}", flush=True)
            subprocess.run([*KG, "evaluate", "--gold", str(split), "--model", str(model)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
