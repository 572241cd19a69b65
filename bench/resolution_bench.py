"""What corpus-level resolution costs on all 19,043 Reuters stories (issue 14). Run by hand, not in CI.

1. ``kg extract --workers 2`` of the corpus to N-Quads (the documents' graphs, unresolved), timed;
2. the resolution stage alone on all of them (read the nodes, decide, rewrite the graph), timed,
   with the peak RSS of the process that holds the whole graph, and how many joins it made;
3. its share of a build: resolution seconds / (extraction seconds + resolution seconds).

    .venv/bin/python bench/resolution_bench.py                 # all 19,043 stories
    .venv/bin/python bench/resolution_bench.py --docs 2000     # the first 2,000
"""

from __future__ import annotations

import argparse
import collections
import json
import resource
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REUTERS = ROOT.parent / "shared" / "corpora" / "reuters21578" / "articles.jsonl"
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=0, help="first N stories (0: all)")
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    kg = Path(sys.executable).parent / "kg"
    with tempfile.TemporaryDirectory() as folder:
        source = REUTERS
        if options.docs:
            source = Path(folder) / "stories.jsonl"
            with REUTERS.open(encoding="utf-8") as lines:
                source.write_text("".join(islice(lines, options.docs)), "utf-8")
        shard = Path(folder) / "all.nq"
        started = time.perf_counter()
        subprocess.run([str(kg), "extract", str(source), "-o", str(shard), "--workers", str(options.workers), "-q"],
                       check=True)
        extraction = time.perf_counter() - started
        import pyoxigraph as ox

        from kg.resolution.corpus import resolve_corpus
        from kg.resolution.graphs import apply_resolutions, entity_records

        graphs = ox.Store()
        graphs.bulk_load(path=str(shard), format=ox.RdfFormat.N_QUADS)
        loaded_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        records = entity_records(graphs)
        read = time.perf_counter() - started
        resolutions = resolve_corpus(records)
        decided = time.perf_counter() - started
        apply_resolutions(graphs, resolutions)
        resolution = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rules = collections.Counter(f"{r.rule} ({'joined' if r.joined else 'kept apart'})" for r in resolutions)
    print(json.dumps({
        "documents": options.docs or "all",
        "extract_seconds": round(extraction, 1),
        "entity_nodes": len(records),
        "resolution_seconds": round(resolution, 2),
        "of_which_read_seconds": round(read, 2),
        "of_which_decide_seconds": round(decided - read, 2),
        "of_which_rewrite_seconds": round(resolution - decided, 2),
        "share_of_build": round(resolution / (extraction + resolution), 4),
        "peak_rss_mb_graph_loaded": round(loaded_rss),
        "peak_rss_mb_after_resolution": round(peak),
        "decisions": dict(sorted(rules.items())),
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
