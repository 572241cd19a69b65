"""Annotated text for ``kg train``: SpERT JSON or a spaCy ``DocBin``, read into plain records.

SpERT JSON (as ``shared/eval/conll04/``) is a list of ``{"tokens": [...], "entities": [{"type",
"start", "end"}], "relations": [{"type", "head", "tail"}]}``, token offsets end-exclusive,
``head``/``tail`` indexing the entities. A ``DocBin`` (``.spacy``) holds docs whose ``doc.ents``
are the entities and whose ``doc.user_data["relations"]`` (saved with ``store_user_data=True``)
lists ``{"type", "head", "tail"}`` indexing ``doc.ents``: a doc is one training example, a
sentence or a whole document.

>>> [sentence] = from_spert([{"tokens": ["Ann", "Lee", "works", "for", "Acme", "."],
...     "entities": [{"type": "Peop", "start": 0, "end": 2}, {"type": "Org", "start": 4, "end": 5}],
...     "relations": [{"type": "Work_For", "head": 0, "tail": 1}]}], "example")
>>> sentence.relations
(Relation(head=0, tail=1, label='Work_For'),)
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from kg.errors import InputError

#: Where a DocBin's docs keep their relations (``doc.user_data``).
RELATIONS_KEY = "relations"


class Entity(NamedTuple):
    """An entity by its tokens (``start`` to ``end``, end excluded) and its label."""

    start: int
    end: int
    label: str


class Relation(NamedTuple):
    """A relation from ``head`` to ``tail``, both indices into the example's entities."""

    head: int
    tail: int
    label: str


@dataclass(frozen=True)
class Annotated:
    """One annotated example: its tokens, entities and relations."""

    tokens: tuple[str, ...]
    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...]

    def relation_keys(self) -> set[tuple[Entity, Entity, str]]:
        """The relations as (head entity, tail entity, label), as a strict score compares them."""
        return {(self.entities[r.head], self.entities[r.tail], r.label) for r in self.relations}


def read_annotations(path: Path) -> list[Annotated]:
    """The examples of a SpERT JSON file (``.json``) or a spaCy DocBin (``.spacy``)."""
    if path.suffix == ".spacy":
        return from_docbin(path)
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"{path}: cannot read annotations ({error}); kg train reads SpERT JSON or a .spacy DocBin") \
            from error
    return from_spert(data, str(path))


def from_spert(data: Any, source: str) -> list[Annotated]:
    """Examples from SpERT JSON already parsed; ``source`` names the input in errors."""
    if not isinstance(data, list):
        raise InputError(f"{source}: SpERT JSON is a list of objects with 'tokens', 'entities' and 'relations'")
    examples = []
    for number, item in enumerate(data, 1):
        try:
            tokens = tuple(str(token) for token in item["tokens"])
            entities = tuple(Entity(int(e["start"]), int(e["end"]), str(e["type"])) for e in item.get("entities", []))
            relations = tuple(Relation(int(r["head"]), int(r["tail"]), str(r["type"]))
                              for r in item.get("relations", []))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise InputError(f"{source}: example {number} is not SpERT JSON ({error!r} missing or malformed)") \
                from error
        _check(tokens, entities, relations, f"{source}: example {number}")
        examples.append(Annotated(tokens, entities, relations))
    return examples


def from_docbin(path: Path) -> list[Annotated]:
    """Examples from a spaCy DocBin whose docs carry ``user_data["relations"]``."""
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    try:
        docs = list(DocBin(store_user_data=True).from_disk(path).get_docs(Vocab()))
    except (OSError, ValueError) as error:
        raise InputError(f"{path}: cannot read a spaCy DocBin ({error})") from error
    examples = []
    for number, doc in enumerate(docs, 1):
        entities = tuple(Entity(span.start, span.end, span.label_) for span in doc.ents)
        try:
            relations = tuple(Relation(int(r["head"]), int(r["tail"]), str(r["type"]))
                              for r in doc.user_data.get(RELATIONS_KEY, []))
        except (KeyError, TypeError, ValueError) as error:
            raise InputError(f"{path}: doc {number}'s user_data['{RELATIONS_KEY}'] needs 'type', 'head', 'tail' "
                             f"({error!r})") from error
        tokens = tuple(token.text for token in doc)
        _check(tokens, entities, relations, f"{path}: doc {number}")
        examples.append(Annotated(tokens, entities, relations))
    return examples


def to_spert(examples: list[Annotated]) -> list[dict[str, Any]]:
    """The examples as SpERT JSON (what ``kg evaluate`` and ``score_spert.py`` read)."""
    return [{"tokens": list(example.tokens),
             "entities": [{"type": e.label, "start": e.start, "end": e.end} for e in example.entities],
             "relations": [{"type": r.label, "head": r.head, "tail": r.tail} for r in example.relations]}
            for example in examples]


def micro_scores(compared: Iterable[tuple[set[Any], set[Any]]]) -> tuple[float, float, float]:
    """Micro precision, recall and F1 over (gold, predicted) sets of whatever keys a strict score compares."""
    hits = wrong = missed = 0
    for gold, predicted in compared:
        hits += len(gold & predicted)
        wrong += len(predicted - gold)
        missed += len(gold - predicted)
    precision = hits / (hits + wrong) if hits + wrong else 0.0
    recall = hits / (hits + missed) if hits + missed else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def _check(tokens: tuple[str, ...], entities: tuple[Entity, ...], relations: tuple[Relation, ...], where: str) -> None:
    if not all(token.strip() for token in tokens):
        raise InputError(f"{where}: a token is empty or blank (token {[t.strip() for t in tokens].index('')})")
    for entity in entities:
        if not 0 <= entity.start < entity.end <= len(tokens):
            raise InputError(f"{where}: entity {entity.label!r} spans tokens {entity.start}-{entity.end} "
                             f"of {len(tokens)}")
    for relation in relations:
        if not (0 <= relation.head < len(entities) and 0 <= relation.tail < len(entities)):
            raise InputError(f"{where}: relation {relation.label!r} names entity {relation.head} or "
                             f"{relation.tail} of {len(entities)}")
