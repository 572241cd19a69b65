"""The golden test: kg's extraction output, frozen, so a change to it is always a choice.

For every document of four corpora this test recomputes what extraction makes (the mentions
with their spans and classes, the resolved entities, the relations with rule, confidence and
factuality, the events; for CoNLL04 also the predictions ``kg evaluate`` scores) and compares
it with what was frozen in ``tests/golden/``:

- ``seeds``: the sample articles in ``seeds/``, kept in full, readable;
- ``news-facts``: the 30 Wikinews articles of ``../shared/eval/news-facts/`` (CC BY 2.5), in full;
- ``conll04-dev``: the CoNLL04 dev sentences, parsed from their gold tokens as ``kg evaluate`` does;
- ``reuters-300``: the first 300 stories of ``../shared/corpora/reuters21578/``.

CoNLL04 and Reuters-21578 are for research and benchmarks only, so of them only a digest per
document is kept. The corpora outside the repository are skipped when ``../shared`` is not beside it.

A change that is meant to change the output updates the files on purpose, after reading the diff::

    .venv/bin/python -m tests.test_golden --dump /tmp/before      # on the old commit
    .venv/bin/python -m tests.test_golden --dump /tmp/after       # on the new one
    diff -r /tmp/before /tmp/after                                # review it
    .venv/bin/python -m tests.test_golden --update                # then freeze the new output
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from kg.evaluate import load_mapping, predict
from kg.extraction.document import analyse
from kg.model import Document
from kg.nlp import load_pipeline, parse
from kg.read import read_documents
from kg.resolution.entities import resolve

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
SHARED = ROOT.parent / "shared"
NEWS_FACTS = SHARED / "eval" / "news-facts" / "articles.jsonl"
CONLL04_DEV = SHARED / "eval" / "conll04" / "dev.json"
REUTERS = SHARED / "corpora" / "reuters21578" / "articles.jsonl"
REUTERS_STORIES = 300

#: corpus -> whether its output is kept in full (else as one digest per document)
CORPORA = {"seeds": True, "news-facts": True, "conll04-dev": False, "reuters-300": False}


def document_output(document: Document, doc: Doc) -> dict[str, Any]:
    """What extraction makes of one parsed document, as plain JSON-ready data."""
    analysis = analyse(document, doc)
    corpus = resolve([analysis])
    spans = {mention.id: [mention.start, mention.end] for mention in analysis.mentions}
    return {
        "mentions": [
            [m.start, m.end, str(m.cls), m.name, m.label, spans[m.antecedent] if m.antecedent is not None else None,
             spans[m.alias_of] if m.alias_of is not None else None]
            for m in analysis.mentions
        ],
        "entities": [[e.key, str(e.cls), e.name, list(e.aliases)] for e in corpus.entities],
        "relations": [
            [r.subject, str(r.predicate), r.object, r.verb, str(r.factuality), str(r.rule), r.confidence,
             r.sentence.start, r.time]
            for r in corpus.relations
        ],
        "events": [
            [str(e.cls), e.label, e.agent, list(e.participants), e.place, e.date, e.relation.sentence.start]
            for e in corpus.events
        ],
    }


def _documents_output(documents: list[Document], nlp: Language) -> Iterator[tuple[str, dict[str, Any]]]:
    for document, doc in zip(documents, parse((d.text for d in documents), nlp), strict=True):
        yield document.id, document_output(document, doc)


def corpus_output(name: str, nlp: Language) -> dict[str, dict[str, Any]]:
    """Every document's output in one corpus, by document id."""
    if name == "seeds":
        return dict(_documents_output(list(read_documents([ROOT / "seeds"])), nlp))
    if name == "news-facts":
        return dict(_documents_output(list(read_documents([NEWS_FACTS])), nlp))
    if name == "reuters-300":
        return dict(_documents_output(list(islice(read_documents([REUTERS]), REUTERS_STORIES)), nlp))
    if name == "conll04-dev":
        gold = json.loads(CONLL04_DEV.read_text("utf-8"))
        predictions, _ = predict(gold, load_mapping("conll04"))
        docs = nlp.pipe(Doc(nlp.vocab, words=sentence["tokens"]) for sentence in gold)
        found = {}
        for number, (doc, prediction) in enumerate(zip(docs, predictions, strict=True)):
            output = document_output(Document(id="sentence", text=doc.text), doc)
            output["prediction"] = {"entities": prediction["entities"], "relations": prediction["relations"]}
            found[f"dev-{number:04d}"] = output
        return found
    raise ValueError(f"unknown corpus {name!r}")


def available(name: str) -> bool:
    needs = {"news-facts": NEWS_FACTS, "conll04-dev": CONLL04_DEV, "reuters-300": REUTERS}.get(name)
    return needs is None or needs.is_file()


def digest(output: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(output, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:24]


def frozen_form(name: str, outputs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What is kept of a corpus's output: in full, or a digest per document."""
    return outputs if CORPORA[name] else {doc_id: digest(output) for doc_id, output in outputs.items()}


def golden_path(name: str) -> Path:
    return GOLDEN / f"{name}.json"


def write_json(path: Path, data: dict[str, Any]) -> None:
    """One document per line, so that a diff of the file shows which documents changed."""
    lines = [f"{json.dumps(key, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False, sort_keys=True)}"
             for key, value in sorted(data.items())]
    path.write_text("{\n" + ",\n".join(lines) + "\n}\n", "utf-8")


# The seeds run in `make check` too (about a second); the other corpora take seconds each.
@pytest.mark.parametrize("name", [name if name == "seeds" else pytest.param(name, marks=pytest.mark.slow)
                                  for name in CORPORA])
def test_extraction_output_is_the_frozen_one(name: str) -> None:
    if not available(name):
        pytest.skip(f"{name}: ../shared is not beside this checkout")
    expected = json.loads(golden_path(name).read_text("utf-8"))
    found = frozen_form(name, corpus_output(name, load_pipeline()))
    assert sorted(found) == sorted(expected), f"{name}: not the same documents"
    changed = [doc_id for doc_id in sorted(found) if found[doc_id] != expected[doc_id]]
    if changed and CORPORA[name]:
        first = changed[0]
        for part in ("mentions", "entities", "relations", "events"):
            assert found[first][part] == expected[first][part], f"{name}/{first}: {part} changed"
    assert not changed, (f"{name}: extraction output changed for {len(changed)} of {len(found)} documents "
                         f"({', '.join(changed[:5])}); see this module's docstring for how to review and update")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Freeze or dump kg's extraction output (see the module docstring).")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--update", action="store_true", help="freeze the current output in tests/golden/")
    action.add_argument("--dump", type=Path, metavar="DIR", help="write the current output in full to DIR")
    parser.add_argument("corpora", nargs="*", default=list(CORPORA), help="corpora (default: all)")
    args = parser.parse_args(argv)
    nlp = load_pipeline()
    for name in args.corpora:
        if not available(name):
            print(f"{name}: skipped, ../shared is not beside this checkout", file=sys.stderr)
            continue
        outputs = corpus_output(name, nlp)
        if args.update:
            GOLDEN.mkdir(exist_ok=True)
            write_json(golden_path(name), frozen_form(name, outputs))
        else:
            args.dump.mkdir(parents=True, exist_ok=True)
            write_json(args.dump / f"{name}.json", outputs)
        print(f"{name}: {len(outputs)} documents", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
