"""A trained model at work on one parsed document: its entities and its classifier's relations.

The rules run first, as always; the model then adds. Its entities (``doc.spans[USER_SPANS]``,
from :class:`kg.learn.ner.UserEntities`) are the candidates; every ordered pair in one sentence
(within :data:`PAIR_WINDOW` tokens) whose types some relation allows is scored, with the rules'
own matches among its features.
For the graph (:func:`with_learned`), a trained entity is the rules' mention it overlaps (taking
its label's kg class unless the rules' is narrower: a City stays a City), or a new mention of
that class; a relation the classifier finds becomes a
:class:`~kg.model.RelationMention` of rule ``learned`` with its probability as confidence,
unless the rules already state it. For ``kg evaluate`` (:func:`spert_prediction`), entities and
relations stay in the model's own labels.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, NamedTuple

from spacy.tokens import Doc, Span

from kg.extraction.mentions import make_mention
from kg.learn.annotations import MAX_EXAMPLE_TOKENS
from kg.learn.features import pair_features, rule_view
from kg.learn.trained import TrainedModel, load_model
from kg.model import DocumentAnalysis, EntityClass, Factuality, Mention, RelationMention
from kg.namespace import superclasses
from kg.nlp import NEWS_MODEL_KEY, TRAINED_MODEL_KEY, USER_SPANS, sentence_numbers, sentences
from kg.resolution.predicates import GENERIC, predicate_of

#: The rule name of the classifier's relations in a graph (``kg:rule``).
LEARNED_RULE = "learned"
#: The most tokens a candidate pair spans, from its first entity's start to its last one's end:
#: the longest example kg train learns from whole, more than any pair of CoNLL04's (102 tokens,
#: in sentences of up to 114), so training on it is as it was before there was a window.
PAIR_WINDOW = MAX_EXAMPLE_TOKENS


class ScoredPair(NamedTuple):
    """An ordered pair of trained entities, the label the classifier gives it and its probability."""

    head: Span
    tail: Span
    label: str
    probability: float


def trained_model_of(doc: Doc) -> TrainedModel | None:
    """The trained model whose pipeline read the doc, if one did."""
    directory = doc.user_data.get(TRAINED_MODEL_KEY)
    return load_model(directory) if directory else None


def learned_analysis(analysis: DocumentAnalysis, doc: Doc) -> DocumentAnalysis:
    """The rules' analysis with what the model that read the doc adds or decides: a model
    ``kg train`` wrote from SpERT or DocBin data adds its entities and relations
    (:func:`with_learned`); a news model decides the relations it was trained on
    (:func:`kg.learn.news.apply_news_model`). Without a model, the analysis as it is."""
    news = doc.user_data.get(NEWS_MODEL_KEY)
    if news:
        from kg.learn.news import apply_news_model, load_news_model

        return apply_news_model(analysis, doc, load_news_model(news))
    model = trained_model_of(doc)
    return with_learned(analysis, doc, model) if model is not None else analysis


def candidate_pairs(doc: Doc, allowed: frozenset[tuple[str, str]], *,
                    whole: bool = False) -> list[tuple[Span, Span, list[tuple[int, int]]]]:
    """Ordered pairs of trained entities (``doc.spans[USER_SPANS]``) in one sentence whose types
    are ``allowed``, no more than :data:`PAIR_WINDOW` tokens from the first one's start to the
    last one's end, each with the token spans of the entities near it (all that stand between).

    ``whole``: the doc is one annotated example (``kg train``, ``kg evaluate``), a sentence as its
    annotator split it, which the parser may split again ("Lubbock , Texas ." ...): pairs span it
    all when it fits in the window; a longer example is a document, read sentence by sentence.
    The window keeps the pairs in proportion to the entities: one example of 120,000 tokens and
    40,000 entities made 1.6 billion pairs (past 8 GB) when every two of it were paired.
    """
    entities = list(doc.spans[USER_SPANS]) if USER_SPANS in doc.spans else []
    units = [doc[:]] if whole and len(doc) <= PAIR_WINDOW else sentences(doc)
    numbers = [0] * len(doc) if len(units) == 1 else sentence_numbers(doc)
    inside: list[list[Span]] = [[] for _ in units]
    for span in entities:  # in their order, so that the pairs are too
        if span.end <= units[numbers[span.start]].end:
            inside[numbers[span.start]].append(span)
    pairs: list[tuple[Span, Span, list[tuple[int, int]]]] = []
    for unit, found in zip(units, inside, strict=True):
        if len(unit) <= PAIR_WINDOW:  # every two fit
            spans = [(span.start, span.end) for span in found]
            pairs.extend((head, tail, spans) for head in found for tail in found
                         if head is not tail and (head.label_, tail.label_) in allowed)
        else:
            pairs.extend(_windowed_pairs(found, allowed))
    return pairs


def _windowed_pairs(found: list[Span], allowed: frozenset[tuple[str, str]]
                    ) -> Iterator[tuple[Span, Span, list[tuple[int, int]]]]:
    """The pairs of :func:`candidate_pairs` in a sentence longer than the window, in the same
    order, each head's partners found by binary search among the entities by their start."""
    order = sorted(range(len(found)), key=lambda n: found[n].start)
    starts = [found[n].start for n in order]
    for head in found:
        # a partner within the window starts no earlier than W before the head's end, no later than W after its start
        near = sorted(order[bisect_left(starts, head.end - PAIR_WINDOW):bisect_right(starts, head.start + PAIR_WINDOW)])
        spans = [(found[n].start, found[n].end) for n in near]
        for n in near:
            tail = found[n]
            if (tail is not head and (head.label_, tail.label_) in allowed
                    and max(head.end, tail.end) - min(head.start, tail.start) <= PAIR_WINDOW):
                yield head, tail, spans


def scored_pairs(doc: Doc, analysis: DocumentAnalysis, model: TrainedModel, *,
                 threshold: float | None = None, whole: bool = False) -> list[ScoredPair]:
    """The pairs the classifier gives a relation (at the model's threshold unless one is given);
    ``whole`` as :func:`candidate_pairs`."""
    classifier = model.classifier
    pairs = candidate_pairs(doc, classifier.type_pairs, whole=whole)
    if not pairs:
        return []
    rules = rule_view(analysis, doc)
    probabilities = classifier.probabilities([pair_features(doc, head, tail, rules, spans)
                                              for head, tail, spans in pairs])
    decisions = classifier.decide([(head.label_, tail.label_) for head, tail, _ in pairs], probabilities, threshold)
    return [ScoredPair(head, tail, *decision) for (head, tail, _), decision in zip(pairs, decisions, strict=True)
            if decision is not None]


def pair_probabilities(doc: Doc, analysis: DocumentAnalysis, model: TrainedModel) -> list[ScoredPair]:
    """Every candidate pair with its likeliest relation and probability, thresholds aside (``kg explain``)."""
    return scored_pairs(doc, analysis, model, threshold=0.0)


def with_learned(analysis: DocumentAnalysis, doc: Doc, model: TrainedModel) -> DocumentAnalysis:
    """The analysis with the model's entities and relations added to the rules'."""
    found = scored_pairs(doc, analysis, model)
    if not found and USER_SPANS not in doc.spans:
        return analysis
    by_id = {mention.id: mention for mention in analysis.mentions}
    names = [mention for mention in analysis.mentions if mention.antecedent is None and mention.cls != EntityClass.ROLE]
    numbers = sentence_numbers(doc)
    mention_of: dict[tuple[int, int], Mention | None] = {}
    for span in doc.spans.get(USER_SPANS, []):
        mention = _overlapping(span, names)
        cls = model.labels.entities.get(span.label_)
        if mention is None and cls is not None:
            made = make_mention(span, cls, span.label_, numbers).mention
            mention = by_id.setdefault(made.id, made)
        elif mention is not None and cls is not None and cls not in superclasses(mention.cls):
            mention = by_id[mention.id] = replace(mention, cls=cls)  # the user's class wins ("Hooli": no place)
        mention_of[(span.start, span.end)] = mention
    mentions = list(by_id.values())
    stated = {_statement(r, by_id[r.subject], by_id[r.object]) for r in analysis.relations}
    relations = list(analysis.relations)
    for pair in found:
        subject = mention_of.get((pair.head.start, pair.head.end))
        obj = mention_of.get((pair.tail.start, pair.tail.end))
        if subject is None or obj is None or subject.id == obj.id:
            continue
        predicate = model.labels.relations.get(pair.label)
        relation = RelationMention(subject=subject.id, object=obj.id, verb=pair.label, predicate=predicate,
                                   factuality=Factuality.ASSERTED, rule=LEARNED_RULE,
                                   confidence=round(pair.probability, 3), sentence=numbers[pair.head.start])
        statement = _statement(relation, subject, obj)
        if statement not in stated:
            stated.add(statement)
            relations.append(relation)
    return replace(analysis, mentions=tuple(mentions), relations=tuple(relations))


def spert_prediction(doc: Doc, analysis: DocumentAnalysis, model: TrainedModel) -> dict[str, Any]:
    """The model's entities and relations for one sentence, in its own labels, as SpERT JSON."""
    entities = list(doc.spans[USER_SPANS]) if USER_SPANS in doc.spans else []
    index = {(span.start, span.end): number for number, span in enumerate(entities)}
    relations = sorted({(index[(p.head.start, p.head.end)], index[(p.tail.start, p.tail.end)], p.label)
                        for p in scored_pairs(doc, analysis, model, whole=True)})
    return {"tokens": [token.text for token in doc],
            "entities": [{"type": span.label_, "start": span.start, "end": span.end} for span in entities],
            "relations": [{"type": label, "head": head, "tail": tail} for head, tail, label in relations]}


def _statement(relation: RelationMention, subject: Mention, obj: Mention) -> tuple[str, str, str]:
    """What a relation says in the graph: its sides and relation (an open relation with its verb)."""
    predicate = predicate_of(relation.verb, relation.predicate, subject.cls, obj.cls).predicate
    return subject.id, obj.id, f"{GENERIC}:{relation.verb}" if predicate == GENERIC else predicate


def _overlapping(span: Span, mentions: list[Mention]) -> Mention | None:
    """The name mention sharing the most characters with the span, if any does."""
    best, best_shared = None, 0
    for mention in mentions:
        shared = min(mention.end, span.end_char) - max(mention.start, span.start_char)
        if shared > best_shared:
            best, best_shared = mention, shared
    return best
