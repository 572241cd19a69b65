"""Throughput and memory of `kg build` against the limit, raw spaCy (issue 6). Run by hand, not in CI.

For each corpus size it measures, on the same documents, with the same model, pipes and batch size:
- the limit: spaCy's `nlp.pipe` alone (tokens/s), in 1 process and with `n_process=2`, timed around
  the call; and the same as a whole process (a child: Python's start-up, spaCy's import, the model's
  load, reading the documents, `nlp.pipe`), the way `kg build` is timed;
- `kg build --workers N` end to end as a user runs it (a child process: start-up, model load, reading,
  extraction, Turtle and HTML included): tokens/s, docs/s, the ratio to each limit with the same
  number of workers, and the peak RSS and PSS of the whole process tree (sampled from /proc; PSS
  counts once a page that forked workers share).

The first ratio charges kg with the start-up both share (about 1.2 s here: Python, spaCy, the
model); the second compares whole process with whole process.

    .venv/bin/python bench/throughput_bench.py                       # 1k, 5k and all 19,043 Reuters stories
    .venv/bin/python bench/throughput_bench.py --docs 1000 --workers 1
    .venv/bin/python bench/throughput_bench.py --docs 0 --corpus ../shared/corpora/wikinews  # 295 Wikinews articles
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
REUTERS = ROOT.parent / "shared" / "corpora" / "reuters21578" / "articles.jsonl"
sys.path.insert(0, str(ROOT))

# Only what raw spaCy needs, at the top: the raw spaCy child process imports this file, and
# kg's reading and extraction modules are no part of spaCy's start-up.
from kg.nlp import PATTERNS_COMPONENT, load_pipeline  # noqa: E402
from kg.options import SPACY_MODEL  # noqa: E402


def raw_spacy(texts: list[str], processes: int, batch_size: int) -> tuple[int, float]:
    """(tokens, seconds) of nlp.pipe alone over the texts, with the spaCy pipeline kg reads with:
    the most kg build could do."""
    nlp = load_pipeline(SPACY_MODEL)
    started = time.perf_counter()
    with nlp.select_pipes(disable=[PATTERNS_COMPONENT]):  # kg's own matching is kg's cost, not spaCy's
        tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size, n_process=processes))
    return tokens, time.perf_counter() - started


class Memory(NamedTuple):
    """Memory of a process tree, in bytes: ``rss`` counts a page shared by two processes (a forked
    worker's copy of the model) twice; ``pss`` splits it between them, so it sums to what the tree
    holds."""

    rss: int = 0
    pss: int = 0


def tree_memory(pid: int) -> Memory:
    """:class:`Memory` of a process and all its descendants, from /proc (``smaps_rollup``)."""
    rss = pss = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            fields = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in rollup.splitlines()[1:]}
            rss, pss = rss + fields["Rss"], pss + fields["Pss"]
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, KeyError, ValueError):
            continue
    return Memory(rss, pss)


def kg_build(corpus: Path, workers: int, out: Path, flags: list[str]) -> tuple[float, Memory, str]:
    """(seconds, peak memory of the process tree, kg's summary line) of `kg build` as a user runs it."""
    return whole_process([sys.executable, "-m", "kg", "build", str(corpus), "--out", str(out), "--workers",
                          str(workers), *flags])


def raw_spacy_process(corpus: Path, processes: int, batch_size: int) -> float:
    """Seconds of :func:`raw_spacy` as a whole process: start-up, import, model load, reading, parsing."""
    seconds, _, _ = whole_process([sys.executable, __file__, "--raw-spacy", str(corpus), "--workers", str(processes),
                                   "--batch-size", str(batch_size)])
    return seconds


def whole_process(command: list[str]) -> tuple[float, Memory, str]:
    """(seconds, peak memory of the process tree (each figure's own peak), first line printed) of a
    command run as a child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = Memory()

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            now = tree_memory(process.pid)
            peak = Memory(max(peak.rss, now.rss), max(peak.pss, now.pss))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    stdout, _ = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command[1:4])} failed ({process.returncode}): {stdout}")
    return seconds, peak, stdout.splitlines()[0] if stdout else ""


def triples_in(summary: str) -> int:
    """The triples a build's summary line counts ("..., 39,660 triples in 33.6 s"), 0 when it has none."""
    if " triples" not in summary:
        return 0
    return int(summary.split(" triples")[0].rsplit(" ", 1)[-1].replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, nargs="+", default=[REUTERS],
                        help="files or folders kg reads (e.g. the Wikinews CSVs); default: the Reuters stories")
    parser.add_argument("--docs", type=int, nargs="+", default=[1000, 5000, 0], help="corpus sizes (0: all)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--kinds", nargs="+", choices=("default", "rules-only"), default=["default", "rules-only"],
                        help="kg build as it runs by default (the news model) and/or with --rules-only")
    parser.add_argument("--raw-spacy", type=Path, help=argparse.SUPPRESS)  # the child process raw_spacy_process runs
    parser.add_argument("--batch-size", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.raw_spacy:
        # the texts as kg read them, written by this script: no reading of kg's is timed here
        texts = [json.loads(line)["text"] for line in options.raw_spacy.read_text("utf-8").splitlines()]
        print(raw_spacy(texts, options.workers[0], options.batch_size)[0])
        return
    from kg.read import read_documents
    from kg.workers import BATCH_SIZE
    # The corpus as kg reads it, written back as JSON Lines: the first N documents of any input
    documents = list(read_documents(options.corpus, on_error=lambda _: None))
    lines = [json.dumps({"id": d.id, "title": d.title, "date": d.date, "text": d.text}) + "\n" for d in documents]
    rows = []
    print(f"corpus: {', '.join(str(path) for path in options.corpus)} ({len(documents):,} documents)")
    print("| docs | workers | kg build | tokens | spaCy alone (tokens/s) | kg build (s) | kg build (tokens/s) "
          "| docs/s | ratio | spaCy process (s) | ratio, whole processes | peak RSS (MB) | peak PSS (MB) | triples |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as scratch:
        for size in options.docs:
            subset = Path(scratch) / f"corpus-{size}.jsonl"
            subset.write_text("".join(lines[:size] if size else lines), "utf-8")
            texts = [document.text for document in read_documents([subset], on_error=lambda _: None)]
            for workers, kind in [(w, k) for w in options.workers for k in options.kinds]:
                tokens, raw_seconds = raw_spacy(texts, workers, BATCH_SIZE)
                process_seconds = raw_spacy_process(subset, workers, BATCH_SIZE)
                seconds, peak, summary = kg_build(subset, workers, Path(scratch) / "out",
                                                  ["--rules-only"] if kind == "rules-only" else [])
                row = {
                    "docs": len(texts), "workers": workers, "kind": kind, "tokens": tokens,
                    "spacy_tokens_per_s": round(tokens / raw_seconds), "kg_seconds": round(seconds, 1),
                    "kg_tokens_per_s": round(tokens / seconds), "kg_docs_per_s": round(len(texts) / seconds, 1),
                    "ratio": round(raw_seconds / seconds, 3), "spacy_process_seconds": round(process_seconds, 1),
                    "process_ratio": round(process_seconds / seconds, 3), "peak_rss_mb": round(peak.rss / 2**20),
                    "peak_pss_mb": round(peak.pss / 2**20),
                    "triples": triples_in(summary),
                }
                rows.append(row)
                print(f"| {row['docs']:,} | {workers} | {kind} | {tokens:,} | {row['spacy_tokens_per_s']:,} "
                      f"| {row['kg_seconds']} | {row['kg_tokens_per_s']:,} | {row['kg_docs_per_s']} "
                      f"| {row['ratio']:.2f} | {row['spacy_process_seconds']} | {row['process_ratio']:.2f} "
                      f"| {row['peak_rss_mb']:,} | {row['peak_pss_mb']:,} | {row['triples']:,} |", flush=True)
    if options.json:
        options.json.write_text(json.dumps(rows, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
