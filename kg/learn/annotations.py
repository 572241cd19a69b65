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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from kg.errors import InputError

#: Where a DocBin's docs keep their relations (``doc.user_data``).
RELATIONS_KEY = "relations"
#: The longest example kg train learns from whole; longer ones are cut (:func:`split_long`).
#: CoNLL04's longest sentence has 114 tokens. Every two entities of an example this long are
#: paired (:data:`kg.learn.apply.PAIR_WINDOW`), and its docs stay small in spaCy's batches.
MAX_EXAMPLE_TOKENS = 128
#: Tokens that end a sentence, where a long example is best cut.
SENTENCE_ENDS = frozenset({".", "!", "?", "...", "\u2026"})


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
    except RecursionError:  # Python's parser recurses once a level: "[[[[..." a thousand deep
        raise InputError(f"{path}: cannot read annotations (JSON nested too deeply); SpERT JSON is a list of "
                         f"flat objects") from None
    return from_spert(data, str(path))


def from_spert(data: Any, source: str) -> list[Annotated]:
    """Examples from SpERT JSON already parsed; ``source`` names the input in errors."""
    if not isinstance(data, list):
        raise InputError(f"{source}: SpERT JSON is a list of objects with 'tokens', 'entities' and 'relations'")
    examples = []
    for number, item in enumerate(data, 1):
        where = f"{source}: example {number}"
        if not isinstance(item, dict) or "tokens" not in item:
            raise InputError(f"{where} is not SpERT JSON (an object with 'tokens', 'entities' and 'relations')")
        tokens = tuple(_typed(token, str, f"token {n}", where)
                       for n, token in enumerate(_listed(item, "tokens", where)))
        entities = tuple(Entity(_typed(e.get("start"), int, f"entity {n}'s 'start'", where),
                                _typed(e.get("end"), int, f"entity {n}'s 'end'", where),
                                _typed(e.get("type"), str, f"entity {n}'s 'type'", where))
                         for n, e in enumerate(_listed(item, "entities", where)))
        relations = tuple(Relation(_typed(r.get("head"), int, f"relation {n}'s 'head'", where),
                                   _typed(r.get("tail"), int, f"relation {n}'s 'tail'", where),
                                   _typed(r.get("type"), str, f"relation {n}'s 'type'", where))
                          for n, r in enumerate(_listed(item, "relations", where)))
        _check(tokens, entities, relations, where)
        examples.append(Annotated(tokens, entities, relations))
    return examples


def _listed(item: dict[str, Any], key: str, where: str) -> list[Any]:
    """``item[key]``, a list (of objects, for entities and relations); absent entities or relations are none."""
    found = item.get(key, [])
    if not isinstance(found, list) or (key != "tokens" and not all(isinstance(entry, dict) for entry in found)):
        raise InputError(f"{where}: '{key}' is a list of {'strings' if key == 'tokens' else 'objects'}")
    return found


def _typed(value: Any, kind: type, what: str, where: str) -> Any:
    """``value`` when it is of ``kind``; refused naming the example and field otherwise: a null
    type read as text became an entity label "None", a number token the word "3"."""
    if isinstance(value, kind) and not isinstance(value, bool):
        return value
    shown = json.dumps(value, ensure_ascii=False) if isinstance(value, str | int | float | bool | None) \
        else type(value).__name__
    name = {str: "a string", int: "a whole number"}.get(kind, kind.__name__)
    raise InputError(f"{where}: {what} is {shown[:40]}, not {name}")


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


def split_long(examples: list[Annotated], source: str, *, most: int = MAX_EXAMPLE_TOKENS,
               report: Callable[[str], None] = lambda line: None) -> list[Annotated]:
    """The examples, each longer than ``most`` tokens cut into pieces of at most that many.

    spaCy's parser and NER take about 1 GB of memory per 100,000 characters of one doc, so a
    document-long example (120,000 tokens) cannot be parsed or learned from whole. Cuts fall after
    a sentence's last token where one is near, never inside an entity; relations whose two
    entities end up in two pieces are lost, and ``report`` says how many.

    >>> [one, two] = split_long([Annotated(("Ann", "sings", ".", "Bo", "hums", "."),
    ...     (Entity(0, 1, "Peop"), Entity(3, 4, "Peop")), ())], "example", most=4)
    >>> one.tokens, two.entities
    (('Ann', 'sings', '.'), (Entity(start=0, end=1, label='Peop'),))
    """
    pieces: list[Annotated] = []
    for number, example in enumerate(examples, 1):
        if len(example.tokens) <= most:
            pieces.append(example)
            continue
        cuts = _cuts(example, most)
        made = [_piece(example, start, end) for start, end in zip(cuts, cuts[1:], strict=False)]
        lost = len(example.relations) - sum(len(piece.relations) for piece in made)
        report(f"{source}: example {number} has {len(example.tokens):,} tokens: cut into {len(made)} pieces of at "
               f"most {most}" + (f"; {lost} of its {len(example.relations)} relations span a cut and are left out"
                                 if lost else ""))
        pieces += made
    return pieces


def _cuts(example: Annotated, most: int) -> list[int]:
    """Where to cut: 0, then each cut at most ``most`` tokens after the last, after a sentence's
    end if one is in reach, else at the furthest place inside no entity, else at ``most``."""
    inside = [0] * (len(example.tokens) + 1)  # how many entities hold the boundary before token i
    for entity in example.entities:
        inside[entity.start + 1] += 1
        inside[entity.end] -= 1
    for boundary in range(1, len(inside)):
        inside[boundary] += inside[boundary - 1]
    cuts = [0]
    while len(example.tokens) - cuts[-1] > most:
        reach = range(cuts[-1] + most, cuts[-1], -1)
        free = [boundary for boundary in reach if not inside[boundary]]
        ends = [boundary for boundary in free if example.tokens[boundary - 1] in SENTENCE_ENDS]
        cuts.append(ends[0] if ends else free[0] if free else cuts[-1] + most)
    return [*cuts, len(example.tokens)]


def _piece(example: Annotated, start: int, end: int) -> Annotated:
    """The tokens ``start`` to ``end`` of an example, with the entities and relations wholly in them."""
    kept: dict[int, int] = {}  # an entity's number in the example -> in the piece
    entities: list[Entity] = []
    for number, entity in enumerate(example.entities):
        if start <= entity.start and entity.end <= end:
            kept[number] = len(entities)
            entities.append(Entity(entity.start - start, entity.end - start, entity.label))
    return Annotated(example.tokens[start:end], tuple(entities),
                     tuple(Relation(kept[r.head], kept[r.tail], r.label) for r in example.relations
                           if r.head in kept and r.tail in kept))


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
    first: dict[Entity, int] = {}
    for number, entity in enumerate(entities):  # each copy would pair with every entity near it once more
        if first.setdefault(entity, number) != number:
            raise InputError(f"{where}: entity {number} ({entity.label!r}, tokens {entity.start}-{entity.end}) "
                             f"repeats entity {first[entity]}")
    for relation in relations:
        if not (0 <= relation.head < len(entities) and 0 <= relation.tail < len(entities)):
            raise InputError(f"{where}: relation {relation.label!r} names entity {relation.head} or "
                             f"{relation.tail} of {len(entities)}")
