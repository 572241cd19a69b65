"""``kg evaluate``: kg's own extraction scored against gold data in SpERT JSON format.

Each gold sentence is parsed from its gold tokens (so spans align), run through kg's
mention and relation stages, and mapped to the gold label set through a mapping that ships
with kg (``kg/data/maps/conll04.json``) or one given as a file. The graph keeps a title as a
role apart from the name; a person is scored with the honorific or "President" a reader quotes
with the name (:func:`kg.extraction.mentions.name_with_prefix`), and the mapping may state other span
conventions of the gold (``spans``; :func:`joined_places`). Scores follow the SpERT
evaluator exactly (``shared/eval/score_spert.py``; a test checks they agree): strict entity
F1, strict relation F1 (spans, entity types and relation type) and boundaries relation F1,
micro and macro, per type. A model ``kg train`` wrote (``--model DIR``) predicts in its own
labels, the gold's, and needs no mapping (:func:`kg.learn.apply.spert_prediction`).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from kg.errors import InputError
from kg.extraction.document import analyse
from kg.extraction.titles import name_with_prefix
from kg.learn.apply import spert_prediction, trained_model_of
from kg.model import Document, DocumentAnalysis, EntityClass, Factuality
from kg.nlp import load_pipeline
from kg.resolution.predicates import predicate_of

MAPS_DIR = Path(__file__).resolve().parent / "data" / "maps"


@dataclass(frozen=True)
class Evaluation:
    scores: dict[str, Any]
    predictions: list[dict[str, Any]]
    seconds: float

    @property
    def sentences_per_second(self) -> float:
        return len(self.predictions) / self.seconds if self.seconds else 0.0


def load_mapping(name_or_path: str) -> dict[str, dict[str, Any]]:
    """A label mapping shipped with kg (by name) or read from a JSON file.

    A relation maps to one label, or to labels by the gold types of head and tail
    (``{"Peop Org": "Work_For", "Peop Loc": "Live_In"}``): a person who works for a country
    is, in CoNLL04's terms, someone who lives in it. Type pairs not listed are left out.
    """
    path = MAPS_DIR / f"{name_or_path}.json"
    if not path.is_file():
        path = Path(name_or_path)
    try:
        mapping = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        shipped = ", ".join(sorted(p.stem for p in MAPS_DIR.glob("*.json")))
        raise InputError(f"{name_or_path}: not a mapping kg ships ({shipped}) nor a readable JSON file") from error
    if not isinstance(mapping.get("entities"), dict) or not isinstance(mapping.get("relations"), dict):
        raise InputError(f"{path}: a mapping needs 'entities' and 'relations' objects")
    return {"entities": mapping["entities"], "relations": mapping["relations"], "spans": mapping.get("spans", {})}


def load_gold(path: Path) -> list[dict[str, Any]]:
    try:
        gold = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise InputError(f"{path}: cannot read gold data ({error})") from error
    if not isinstance(gold, list) or not all(isinstance(s, dict) and "tokens" in s for s in gold):
        raise InputError(f"{path}: SpERT format is a JSON list of objects with 'tokens'")
    return gold


def predict(gold: list[dict[str, Any]], mapping: dict[str, dict[str, Any]], *, model: str | None = None,
            batch_size: int = 64) -> tuple[list[dict[str, Any]], float]:
    """kg's predictions for every gold sentence, in SpERT format, and the seconds they took."""
    nlp = load_pipeline(model)
    started = time.perf_counter()
    docs = (Doc(nlp.vocab, words=sentence["tokens"]) for sentence in gold)
    predictions = [
        _sentence_prediction(sentence["tokens"], doc, mapping)
        for sentence, doc in zip(gold, nlp.pipe(docs, batch_size=batch_size), strict=True)
    ]
    return predictions, time.perf_counter() - started


def relation_label(relation_map: dict[str, Any], predicate: str, head_label: str, tail_label: str) -> str | None:
    """The gold label of a kg relation between entities of the given gold types, if the mapping has one."""
    label = relation_map.get(predicate)
    if isinstance(label, dict):
        label = label.get(f"{head_label} {tail_label}")
    return label if isinstance(label, str) else None


def joined_places(analysis: DocumentAnalysis, doc: Doc, convention: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Token spans for "Town, State" pairs that the gold annotates as one place.

    kg keeps the town and its state apart, the town located in the state; some annotations
    take a birthplace, "born in Lubbock, Texas", as one name (CoNLL04: 64 of 65 times in its
    training split; without "born", 29 of 39 pairs after "in" are kept apart). The mapping's
    ``spans.join_town_and_state`` says when: ``after`` these words, in sentences holding one of
    ``in_sentences_with``, for the pairs its ``rule`` found. Both mentions then score as the
    joined span, and the relation between them disappears. Returns mention id -> joined span.
    """
    after, cues = set(convention.get("after", [])), {cue.lower() for cue in convention.get("in_sentences_with", [])}
    rule = convention.get("rule", "comma-place")
    by_id = {mention.id: mention for mention in analysis.mentions}
    joined: dict[str, tuple[int, int]] = {}
    for found in analysis.relations:
        if found.rule != rule:
            continue
        town = doc.char_span(by_id[found.subject].start, by_id[found.subject].end, alignment_mode="expand")
        state = doc.char_span(by_id[found.object].start, by_id[found.object].end, alignment_mode="expand")
        if town is None or state is None or town.start == 0:
            continue
        if doc[town.start - 1].lower_ in after and any(token.lower_ in cues for token in town.sent):
            end = state.end - 1 if state.end - state.start > 1 and doc[state.end - 1].text == "." else state.end
            joined[found.subject] = joined[found.object] = (town.start, end)  # "Concord, Mass" + "."
    return joined


def _sentence_prediction(tokens: list[str], doc: Doc, mapping: dict[str, dict[str, Any]]) -> dict[str, Any]:
    analysis = analyse(Document(id="sentence", text=doc.text), doc)
    model = trained_model_of(doc)
    if model is not None:  # a model kg train wrote: its own labels, no mapping
        return spert_prediction(doc, analysis, model)
    entity_map, relation_map = mapping["entities"], mapping["relations"]
    joined = joined_places(analysis, doc, mapping.get("spans", {}).get("join_town_and_state", {}))
    entities: list[dict[str, Any]] = []
    index_of_span: dict[tuple[int, int], int] = {}
    mention_to_entity: dict[str, int] = {}
    by_id = {mention.id: mention for mention in analysis.mentions}
    for mention in analysis.mentions:
        label = entity_map.get(mention.cls)
        if mention.antecedent is not None:
            continue  # gold data marks names, not the pronouns that stand for them
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if label is None or span is None:
            continue
        if mention.cls == EntityClass.PERSON:
            span = name_with_prefix(span)
        key = joined.get(mention.id, (span.start, span.end))
        if key not in index_of_span:
            index_of_span[key] = len(entities)
            entities.append({"type": label, "start": key[0], "end": key[1]})
        mention_to_entity[mention.id] = index_of_span[key]
    relations: set[tuple[int, int, str]] = set()
    for found in analysis.relations:
        if found.subject not in mention_to_entity or found.object not in mention_to_entity:
            continue
        predicate, swap = predicate_of(found.verb, found.predicate, by_id[found.subject].cls, by_id[found.object].cls)
        head, tail = mention_to_entity[found.subject], mention_to_entity[found.object]
        if swap:
            head, tail = tail, head
        label = relation_label(relation_map, predicate, entities[head]["type"], entities[tail]["type"])
        if label is None or found.factuality == Factuality.NEGATED:
            continue
        if head != tail:
            relations.add((head, tail, label))
    return {"tokens": tokens, "entities": entities,
            "relations": [{"type": label, "head": head, "tail": tail} for head, tail, label in sorted(relations)]}


# ---------------------------------------------------------------- scoring, as the SpERT evaluator does it

def _entity_keys(sentence: dict[str, Any]) -> list[tuple[int, int, str]]:
    return [(e["start"], e["end"], e["type"]) for e in sentence.get("entities", [])]


def _relation_keys(sentence: dict[str, Any], with_types: bool) -> set[Any]:
    entities = _entity_keys(sentence)
    keys: set[Any] = set()
    for relation in sentence.get("relations", []):
        head, tail = entities[relation["head"]], entities[relation["tail"]]
        if with_types:
            keys.add((head, tail, relation["type"]))
        else:
            keys.add(((head[0], head[1]), (tail[0], tail[1]), relation["type"]))
    return keys


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _score(pairs: Iterable[tuple[set[Any], set[Any]]], type_of: Any) -> dict[str, Any]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for gold, predicted in pairs:
        for key in gold & predicted:
            tp[type_of(key)] += 1
        for key in predicted - gold:
            fp[type_of(key)] += 1
        for key in gold - predicted:
            fn[type_of(key)] += 1
    types = sorted(set(tp) | set(fp) | set(fn))
    per_type = {t: dict(zip(("p", "r", "f1"), _prf(tp[t], fp[t], fn[t]), strict=True), support=tp[t] + fn[t])
                for t in types}
    micro = dict(zip(("p", "r", "f1"), _prf(sum(tp.values()), sum(fp.values()), sum(fn.values())), strict=True))
    gold_types = [t for t in types if per_type[t]["support"]]
    macro = sum(per_type[t]["f1"] for t in gold_types) / len(gold_types) if gold_types else 0.0
    return {"micro": micro, "macro_f1": macro, "per_type": per_type}


def score(gold: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> dict[str, Any]:
    """Strict entity, strict relation and boundaries relation scores, as the SpERT evaluator computes them."""
    if len(gold) != len(predicted):
        raise InputError(f"gold has {len(gold)} sentences, predictions {len(predicted)}: they must align")
    entities = [(set(_entity_keys(g)), set(_entity_keys(p))) for g, p in zip(gold, predicted, strict=True)]
    strict = [(_relation_keys(g, True), _relation_keys(p, True)) for g, p in zip(gold, predicted, strict=True)]
    bounds = [(_relation_keys(g, False), _relation_keys(p, False)) for g, p in zip(gold, predicted, strict=True)]
    return {
        "sentences": len(gold),
        "entities": _score(entities, lambda key: key[2]),
        "relations_strict": _score(strict, lambda key: key[2]),
        "relations_boundaries": _score(bounds, lambda key: key[2]),
    }


def evaluate(gold_path: Path, mapping_name: str = "conll04", *, model: str | None = None) -> Evaluation:
    """Run kg on every gold sentence and score it."""
    gold = load_gold(gold_path)
    predictions, seconds = predict(gold, load_mapping(mapping_name), model=model)
    return Evaluation(scores=score(gold, predictions), predictions=predictions, seconds=seconds)


def report(scores: dict[str, Any]) -> str:
    """The scores as the SpERT scorer prints them."""
    lines = []
    for name in ("entities", "relations_strict", "relations_boundaries"):
        part = scores[name]
        micro = part["micro"]
        lines.append(f"{name:22} micro P {micro['p']:.3f} R {micro['r']:.3f} F1 {micro['f1']:.3f}   "
                     f"macro F1 {part['macro_f1']:.3f}")
        for label, values in part["per_type"].items():
            lines.append(f"    {label:14} P {values['p']:.3f} R {values['r']:.3f} F1 {values['f1']:.3f}  "
                         f"(gold {values['support']})")
    return "\n".join(lines)
