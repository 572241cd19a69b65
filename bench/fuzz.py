"""Fuzz the reader and the extractor for a bounded time: random bytes and random text must
give documents or an InputError, never a crash.

Run: .venv/bin/python bench/fuzz.py [--seconds 120]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.extraction.document import analyse
from kg.graph.rdf import to_graph
from kg.nlp import load_pipeline
from kg.read import read_documents
from kg.resolution.entities import resolve

SUFFIXES = (".txt", ".md", ".html", ".jsonl", ".csv")
WORDS = st.sampled_from(["Blinken", "met", "with", "Netanyahu", "in", "Israel", ".", ",", "the", "US", "Secretary",
                         "of", "State", "did", "not", "visit", "Gaza", "City", "’s", "capital", "said", "“", "”",
                         "\n", "Hamas", "killed", "by", "and", "to", "try", "get", "him", "agree", "<b>", "&amp;",
                         "Zürich", "🙂", "שלום", "Mr.", "President", "Joe", "Biden", "(", ")", "-", "2023"])
SENTENCES = st.one_of(st.lists(WORDS, min_size=1, max_size=40).map(" ".join), st.text(min_size=1, max_size=300))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=120.0, help="time for each of the two fuzzers")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp())
    counts = {"files": 0, "documents": 0, "rejected": 0, "texts": 0, "relations": 0}
    deadline = time.monotonic() + args.seconds

    @settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(content=st.one_of(st.binary(max_size=2000), SENTENCES.map(lambda s: s.encode("utf-8", "surrogatepass"))),
           suffix=st.sampled_from(SUFFIXES))
    def fuzz_reader(content: bytes, suffix: str) -> None:
        if time.monotonic() > deadline:
            return
        path = folder / f"input{suffix}"
        path.write_bytes(content)
        errors: list[InputError] = []
        counts["documents"] += len(list(read_documents([path], on_error=errors.append)))
        counts["rejected"] += len(errors)
        counts["files"] += 1

    nlp = load_pipeline()

    @settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(text=SENTENCES)
    def fuzz_extractor(text: str) -> None:
        if time.monotonic() > deadline or not text.strip():
            return
        from kg.read import text_document

        try:
            document = text_document(text)
        except InputError:
            return
        corpus = resolve([analyse(document, nlp(document.text))])
        to_graph(corpus)
        counts["texts"] += 1
        counts["relations"] += len(corpus.relations)

    for fuzzer in (fuzz_reader, fuzz_extractor):
        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline:
            fuzzer()
    print(f"reader: {counts['files']} random files, {counts['documents']} documents read, "
          f"{counts['rejected']} rejected with InputError, no crash")
    print(f"extractor: {counts['texts']} random texts through mentions, relations, resolution and RDF, "
          f"{counts['relations']} relations, no crash")
    return 0


if __name__ == "__main__":
    sys.exit(main())
