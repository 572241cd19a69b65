"""What kg adds to spaCy, per document and per stage (issue 6). Run by hand, not in CI.

Parses the first N Reuters stories once, then times kg's own stages over the parsed docs, the
way ``kg.workers.document_graph`` runs them: mentions (with the pattern rows' matching, which a
build runs inside spaCy's pipeline), coreference, relation rules, resolution and triples (the
last row is ``document_graph`` itself). Each stage is timed over all documents
on fresh per-document caches, after a warm-up, so the numbers are kg's cost alone, next to
spaCy's cost for the same documents.

    .venv/bin/python bench/stage_costs.py              # 2,000 stories
    .venv/bin/python bench/stage_costs.py --docs 500 --repeats 5
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REUTERS = ROOT.parent / "shared" / "corpora" / "reuters21578" / "articles.jsonl"
sys.path.insert(0, str(ROOT))

from spacy.tokens import Doc  # noqa: E402

from kg.extraction.document import analyse, document_mentions  # noqa: E402
from kg.extraction.mentions import find_mentions  # noqa: E402
from kg.model import Document  # noqa: E402
from kg.nlp import PATTERNS_COMPONENT, TEXT_KEY, load_pipeline, parse  # noqa: E402
from kg.read import read_documents  # noqa: E402
from kg.resolution.entities import resolve  # noqa: E402
from kg.workers import document_graph  # noqa: E402


def fresh(doc: Doc) -> Doc:
    """The doc without kg's per-document caches, as it comes out of ``parse``."""
    text = doc.user_data.get(TEXT_KEY)
    doc.user_data.clear()
    doc.user_data[TEXT_KEY] = text
    return doc


def per_doc_ms(pairs: list[tuple[Document, Doc]], stage: Callable[[Document, Doc], object], repeats: int) -> float:
    """The stage's milliseconds per document: the least of ``repeats`` passes over all documents,
    on a machine shared with other work the pass least disturbed (single passes vary by 20 %)."""
    for document, doc in pairs[:20]:  # warm-up: lazy imports, dateparser's first compile
        stage(document, fresh(doc))
    passes = []
    for _ in range(repeats):
        started = time.perf_counter()
        for document, doc in pairs:
            stage(document, fresh(doc))
        passes.append((time.perf_counter() - started) / len(pairs) * 1000)
    return min(passes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, nargs="+", default=[REUTERS])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3, help="passes over the documents a stage; the least is shown")
    options = parser.parse_args()
    documents = list(islice(read_documents(options.corpus, on_error=lambda _: None), options.docs))
    if not documents:
        raise SystemExit(f"no documents in {', '.join(map(str, options.corpus))}")
    nlp = load_pipeline()
    started = time.perf_counter()
    with nlp.select_pipes(disable=[PATTERNS_COMPONENT]):  # kg's pattern rows are timed with kg's stages
        parsed = list(parse((document.text for document in documents), nlp))
    spacy_ms = (time.perf_counter() - started) / len(documents) * 1000
    pairs = list(zip(documents, parsed, strict=True))

    stages: list[tuple[str, Callable[[Document, Doc], object]]] = [
        ("named mentions (find_mentions)", lambda _, doc: find_mentions(doc)),
        ("+ killing parties and coreference (document_mentions)", lambda _, doc: document_mentions(doc)),
        ("+ relation rules (analyse)", analyse),
        ("+ resolution (resolve)", lambda document, doc: resolve([analyse(document, doc)])),
        ("+ triples as N-Triples (all of document_graph)", document_graph),
    ]
    print(f"{len(documents):,} documents, spaCy {spacy_ms:.2f} ms per document (parse, batch of 32)")
    print("| kg stage, cumulative | ms per document |")
    print("|---|---:|")
    for name, stage in stages:
        print(f"| {name} | {per_doc_ms(pairs, stage, options.repeats):.2f} |", flush=True)


if __name__ == "__main__":
    main()
