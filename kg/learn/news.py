"""The news model: which relations kg states between the entities its rules found, learned from
annotated news (``kg train --data FOLDER`` on news-facts annotations, :mod:`kg.learn.newsfacts`).

The rules find the mentions, link pronouns and descriptions to names, and propose relations; on
news nobody tuned them for, about a third of what they state is wrong and two thirds of the facts
go unsaid. The news model decides instead. Its candidates are the ordered pairs of mentions that
stand in one sentence (a pronoun standing for its antecedent), and any pair the rules relate
across sentences (a quotation's speaker and what the quotation names). Each pair's features are
the parse and words between the two (:func:`kg.learn.features.pair_features`), what the rules
stated between the two entities (predicate, rule, factuality), the classes the rules gave them,
whether a side is a pronoun or inside a quotation, negation and attribution cues and where in the
article the sentence stands. A multinomial logistic regression (:mod:`kg.learn.classifier`) gives
each pair a probability for each relation of the guidelines; every relation at or above the
threshold that the rules did not state is added (rule ``learned``, its probability as
confidence). The rules' own statements stand unless the model's check of them
(:mod:`kg.learn.newsstatements`) finds one less likely right than its ``keep`` threshold.

Everything the model needs at run time is small and readable: ``classifier/``, ``entities/`` and
``statements/`` (the check; each JSON and ``weights.npy``) and ``kg-model.json``, beside the base
spaCy pipeline it was trained with, which it names. kg ships one trained on 96 annotated Wikinews
articles (``kg/data/models/news``), used by ``kg build`` unless ``--rules-only`` is given.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy
from spacy.tokens import Doc, Span, Token

from kg.errors import ModelError
from kg.learn.classifier import NO_RELATION, PairClassifier
from kg.learn.features import FEATURES_VERSION, RuleView, mention_tokens, pair_features, rule_view
from kg.learn.newsentities import EntityThresholds, document_entity_features, with_entity_decisions
from kg.learn.newsfacts import SYMMETRIC, NewsArticle, gold_to_predicate, predicate_to_gold
from kg.learn.newsstatements import (
    referent,
    rejected,
    statement_features,
    statements,
    statements_to_check,
    without_rejected,
)
from kg.model import DocumentAnalysis, EntityClass, Factuality, Mention, RelationMention, mention_id
from kg.nlp import quotations, sentence_numbers, sentence_of
from kg.options import TRAINED_MODEL_META, news_model_base
from kg.resolution.predicates import fits

#: What ``kg-model.json`` says a news model is.
FORMAT = "kg-news-model/1"
CLASSIFIER_DIR = "classifier"
ENTITIES_DIR = "entities"
STATEMENTS_DIR = "statements"
#: The rule name of the model's relations in a graph (``kg:rule``).
LEARNED_RULE = "learned"
#: Pairs further apart in one sentence than this many tokens are not candidates: the cost of a
#: long sentence stays linear in its mentions, and so far apart the guidelines' facts are rare.
MAX_DISTANCE = 40
#: Words that deny, and words that attribute what follows to someone.
NEGATIONS = frozenset({"not", "n't", "never", "no", "neither", "nor", "without", "deny", "denied", "denies"})
ATTRIBUTIONS = frozenset({"say", "tell", "state", "add", "accord", "claim", "write", "announce", "report",
                          "explain", "argue", "warn", "describe", "comment", "note", "call"})
_WORD = re.compile(r"\w+")
#: The label of a Role mention the model proposed (:func:`proposed_roles`).
PROPOSED_ROLE = "PROPOSED_ROLE"
COPULAS = frozenset({"be", "become", "remain"})


@dataclass(frozen=True)
class Candidate:
    """An ordered pair of mentions of one sentence (or related by the rules across two)."""

    head: Mention  # as written here (a pronoun stays a pronoun)
    tail: Mention
    head_referent: Mention  # the name it stands for
    tail_referent: Mention
    sentence: int


@dataclass(frozen=True)
class NewsModel:
    """A loaded news model: its directory, meta and classifier."""

    directory: Path
    meta: dict[str, Any]
    classifier: PairClassifier
    entities: PairClassifier | None = None
    check: PairClassifier | None = None  # of the rules' statements (:mod:`kg.learn.newsstatements`)

    @property
    def entity_thresholds(self) -> EntityThresholds:
        given = self.meta["thresholds"]
        return EntityThresholds(float(given.get("drop", 1.01)), float(given.get("change", 1.01)))

    @property
    def keep(self) -> float:
        """How likely right the check must find a statement of the rules to keep it (0: no check)."""
        return self.thresholds.keep if self.check is not None else 0.0

    @property
    def pairs_read(self) -> frozenset[tuple[str, str]] | None:
        """The classes of the candidate pairs worth reading: those some relation allows, or all
        (None) when the check reads the rules' statements, whatever their classes."""
        return None if self.keep > 0 else self.classifier.type_pairs

    @property
    def thresholds(self) -> Thresholds:
        given = self.meta["thresholds"]
        return Thresholds(float(given["add"]), float(given.get("keep", 0.0)))

    @property
    def base(self) -> str:
        """The spaCy pipeline the model was trained with and reads with."""
        return str(self.meta["base"])


def is_news_model(directory: str | Path) -> bool:
    """True for a directory holding a news model's ``kg-model.json`` (:func:`kg.options.news_model_base`)."""
    return news_model_base(str(directory)) is not None


@lru_cache(maxsize=4)
def load_news_model(directory: str) -> NewsModel:
    """The news model in ``directory``, loaded once per process."""
    path = Path(directory)
    try:
        meta = json.loads((path / TRAINED_MODEL_META).read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise ModelError(f"{path}: not a model kg train wrote ({error})") from error
    if meta.get("format") != FORMAT:
        raise ModelError(f"{path}: format {meta.get('format')!r}; a news model is {FORMAT!r}")
    if meta.get("features_version") != FEATURES_VERSION or meta.get("news_features") != NEWS_FEATURES_VERSION:
        import warnings

        warnings.warn(f"{path} was trained with another feature set than this kg makes: its relations may be "
                      f"worse until it is trained again (kg train)", stacklevel=2)
    entities = PairClassifier.load(path / ENTITIES_DIR) if (path / ENTITIES_DIR).is_dir() else None
    check = PairClassifier.load(path / STATEMENTS_DIR) if (path / STATEMENTS_DIR).is_dir() else None
    model = NewsModel(path, meta, PairClassifier.load(path / CLASSIFIER_DIR), entities, check)
    if check is None and model.thresholds.keep > 0:
        raise ModelError(f"{path}: kg-model.json keeps the rules' statements at a threshold, but the check "
                         f"({STATEMENTS_DIR}/) is missing: copy the whole model directory")
    return model


#: Bumped whenever a feature of :func:`candidate_features` changes name or meaning.
NEWS_FEATURES_VERSION = 1


def proposed_roles(analysis: DocumentAnalysis, doc: Doc) -> list[tuple[Mention, Mention, str]]:
    """Common nouns that may say what a person is, where the rules saw no title: the noun of an
    apposition ("Nabil Hasan, a videojournalist from Yemen"), of "is"/"became" ("his parents were
    sharecroppers") or written before the name ("wrestler Jon Huber"). Each is (the person's
    mention, a Role mention over the noun and its lower-case modifiers, how they are joined):
    candidates only, a node only when the model states the role."""
    numbers = sentence_numbers(doc)
    covered = {i for mention in analysis.mentions
               for i in range(*(_token_range(doc, mention)))}
    found: dict[str, tuple[Mention, Mention, str]] = {}
    for mention in analysis.mentions:
        if mention.cls != EntityClass.PERSON:
            continue
        span = mention_tokens(doc, mention)
        if span is None:
            continue
        root = span.root
        nouns: list[tuple[Token, str]] = [(child, "appos") for child in root.children if child.dep_ == "appos"]
        if root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_ in COPULAS:
            nouns += [(child, "attr") for child in root.head.children if child.dep_ in ("attr", "oprd")]
        nouns += [(child, "compound") for child in root.children
                  if child.dep_ == "compound" and child.i < span.start]
        for noun, how in nouns:
            if noun.pos_ != "NOUN" or noun.i in covered or not noun.is_lower:
                continue
            start = noun.i  # with the lower-case words right before it that modify it ("professional wrestler")
            while start > 0 and doc[start - 1].head.i == noun.i and doc[start - 1].dep_ in ("amod", "compound") \
                    and doc[start - 1].is_lower and start - 1 not in covered:
                start -= 1
            role = doc[start:noun.i + 1]
            made = Mention(id=mention_id(role.start_char, role.end_char, EntityClass.ROLE), start=role.start_char,
                           end=role.end_char, text=role.text, name=role.text, cls=EntityClass.ROLE,
                           label=PROPOSED_ROLE, sentence=numbers[role.start])
            found.setdefault(f"{mention.id}>{made.id}", (mention, made, how))
    return list(found.values())


def candidates(analysis: DocumentAnalysis, doc: Doc) -> list[Candidate]:
    """The ordered pairs the model decides on: two mentions of one sentence standing for two
    different names, no further apart than :data:`MAX_DISTANCE` tokens, every pair the rules
    relate across sentences, and each person with a common noun that may be their role
    (:func:`proposed_roles`)."""
    by_id = {mention.id: mention for mention in analysis.mentions}
    in_sentence: dict[int, list[Mention]] = {}
    for mention in analysis.mentions:
        in_sentence.setdefault(mention.sentence, []).append(mention)
    token_at = _token_index(doc)
    found: dict[tuple[str, str], Candidate] = {}
    for number, mentions in sorted(in_sentence.items()):
        mentions.sort(key=lambda mention: mention.start)
        tokens = [token_at(mention.start) for mention in mentions]
        for a, at in zip(mentions, tokens, strict=True):
            # those near found by binary search: a sentence of a hostile article can hold thousands
            for b in mentions[bisect_left(tokens, at - MAX_DISTANCE):bisect_right(tokens, at + MAX_DISTANCE)]:
                if a is b:
                    continue
                ra, rb = referent(a, by_id), referent(b, by_id)
                if _same_name(ra, rb):
                    continue
                found.setdefault((a.id, b.id), Candidate(a, b, ra, rb, number))
    for relation in analysis.relations:
        subject, obj = by_id.get(relation.subject), by_id.get(relation.object)
        if subject is None or obj is None:
            continue
        ra, rb = referent(subject, by_id), referent(obj, by_id)
        if _same_name(ra, rb):
            continue
        for head, tail, rh, rt in ((subject, obj, ra, rb), (obj, subject, rb, ra)):
            found.setdefault((head.id, tail.id), Candidate(head, tail, rh, rt, relation.sentence))
    for person, role, _ in proposed_roles(analysis, doc):
        found.setdefault((person.id, role.id), Candidate(person, role, referent(person, by_id), role, role.sentence))
    return list(found.values())


def candidate_features(doc: Doc, candidate: Candidate, rules: RuleView, stated: dict[tuple[str, str], list[str]],
                       entity_spans: dict[int, list[tuple[int, int]]],
                       cues: dict[int, frozenset[str]] | None = None) -> set[str]:
    """The features of one candidate pair (see the module's docstring); ``cues`` keeps each
    sentence's negation, attribution and quotation cues, found once for all its pairs."""
    head = _span(doc, candidate.head, candidate.head_referent)
    tail = _span(doc, candidate.tail, candidate.tail_referent)
    features = pair_features(doc, head, tail, rules, entity_spans.get(candidate.sentence, []))
    types = f"{head.label_}>{tail.label_}"
    for name in stated.get((candidate.head_referent.name, candidate.tail_referent.name), []):
        features |= {"said=" + name, f"said={name}|{types}"}
    if not stated.get((candidate.head_referent.name, candidate.tail_referent.name)):
        features.add("said=none")
    for side, mention, span in (("head", candidate.head, head), ("tail", candidate.tail, tail)):
        if mention.antecedent is not None:
            features |= {f"{side}_pron", f"{side}_pron={mention.text.lower()}"}
        if mention.label == PROPOSED_ROLE:
            features |= {f"{side}_proposed", f"{side}_proposed={span.root.lemma_.lower()}"}
        features.add(f"{side}_ent={span.root.ent_type_ or 'none'}")
        features.add(f"{side}_label={mention.label}")
        if _quoted(doc, mention.start):
            features.add(f"{side}_quoted")
        features.add(f"{side}_name=" + candidate.head_referent.name.lower() if side == "head"
                     else f"{side}_name=" + candidate.tail_referent.name.lower())
    features |= _sentence_cues(doc, sentence_of(doc[min(head.start, tail.start)]), cues)
    position = candidate.sentence
    features.add("position=" + ("title" if position == 0 else "lead" if position <= 2 else
                                "early" if position <= 6 else "late"))
    if candidate.head.sentence != candidate.tail.sentence:
        features.add("across_sentences")
    return features


def document_features(analysis: DocumentAnalysis, doc: Doc, types: frozenset[tuple[str, str]] | None = None
                      ) -> tuple[list[Candidate], list[set[str]]]:
    """The document's candidates and each one's features; with ``types``, only the candidates
    whose two referents' classes are one of them (the rest no relation allows: their features
    would be made for nothing)."""
    found = candidates(analysis, doc)
    if types is not None:
        found = [candidate for candidate in found
                 if (str(candidate.head_referent.cls), str(candidate.tail_referent.cls)) in types]
    if not found:
        return [], []
    rules = rule_view(analysis, doc)
    stated = _stated(analysis)
    entity_spans: dict[int, list[tuple[int, int]]] = {}
    for mention in analysis.mentions:
        span = mention_tokens(doc, mention)
        if span is not None:
            entity_spans.setdefault(mention.sentence, []).append((span.start, span.end))
    cues: dict[int, frozenset[str]] = {}
    return found, [candidate_features(doc, candidate, rules, stated, entity_spans, cues)
                   for candidate in found]


def gold_labels(article: NewsArticle, analysis: DocumentAnalysis, found: Sequence[Candidate]) -> list[list[str]]:
    """Each candidate's relations in the annotations: facts whose evidence holds the candidate's
    sentence and whose two entities the candidate's two referents name (either way round for the
    symmetric ones)."""
    names = _gold_names(article)
    spans = {number: (sentence.start, sentence.end) for number, sentence in enumerate(analysis.sentences)}
    labels = []
    for candidate in found:
        head_ids = _gold_ids(candidate.head_referent, article, names)
        tail_ids = _gold_ids(candidate.tail_referent, article, names)
        start, end = spans.get(candidate.sentence, (0, 0))
        own = []
        for fact in article.facts:
            if fact.span is None or not (fact.span[0] < end and start < fact.span[1]):
                continue
            forward = fact.subject in head_ids and fact.object in tail_ids
            backward = fact.relation in SYMMETRIC and fact.subject in tail_ids and fact.object in head_ids
            if (forward or backward) and fact.relation not in own:
                own.append(fact.relation)
        labels.append(own)
    return labels


def apply_news_model(analysis: DocumentAnalysis, doc: Doc, model: NewsModel) -> DocumentAnalysis:
    """The analysis with the model's entity decisions (:mod:`kg.learn.newsentities`) made, the
    rules' statements its check finds wrong taken out (:mod:`kg.learn.newsstatements`), then its
    own relations added."""
    analysis = entities_decided(analysis, doc, model)
    found, features = document_features(analysis, doc, model.pairs_read)
    analysis = without_rejected(analysis, rejected_by_check(analysis, found, features, model))
    if not found:
        return with_decisions(analysis, [], numpy.zeros((0, 0)), model.classifier, model.thresholds)
    return with_decisions(analysis, found, model.classifier.probabilities(features), model.classifier,
                          model.thresholds)


def rejected_by_check(analysis: DocumentAnalysis, found: Sequence[Candidate], features: Sequence[set[str]],
                      model: NewsModel) -> set[RelationMention]:
    """The rules' relations the model's check finds wrong (none without a check)."""
    if model.check is None or model.keep <= 0:
        return set()
    checked = statements_to_check(analysis)
    if not checked:
        return set()
    rows = statement_features(checked, pair_features_by_mentions(found, features))
    return rejected(checked, model.check.probabilities(rows), model.check, model.keep)


def pair_features_by_mentions(found: Sequence[Candidate], features: Sequence[set[str]]
                              ) -> dict[tuple[str, str], set[str]]:
    """Each candidate's features by its two mentions' ids (head, tail)."""
    return {(candidate.head.id, candidate.tail.id): row for candidate, row in zip(found, features, strict=True)}


def entities_decided(analysis: DocumentAnalysis, doc: Doc, model: NewsModel) -> DocumentAnalysis:
    """The analysis with the model's entity decisions made (:mod:`kg.learn.newsentities`)."""
    if model.entities is None:
        return analysis
    entities, rows = document_entity_features(analysis, doc)
    if not entities:
        return analysis
    return with_entity_decisions(analysis, entities, model.entities.probabilities(rows), model.entities,
                                 model.entity_thresholds)


@dataclass(frozen=True)
class Thresholds:
    """How sure the model must be to state a relation the rules did not (``add``), and how likely
    right the check must find a statement of the rules to keep it (``keep``; 0 keeps them all)."""

    add: float
    keep: float = 0.0


def with_decisions(analysis: DocumentAnalysis, found: Sequence[Candidate], probabilities: numpy.ndarray,
                   classifier: PairClassifier, thresholds: Thresholds) -> DocumentAnalysis:
    """The rules' relations, and the model's own where the rules stated none: for each
    (name, relation, name), the likeliest candidate at or above the ``add`` threshold."""
    by_id = {mention.id: mention for mention in analysis.mentions}
    to_gold = predicate_to_gold()
    to_kg = gold_to_predicate()
    wanted: dict[tuple[str, str, str], tuple[Candidate, float]] = {}
    for candidate, row in zip(found, probabilities, strict=True):
        types = (str(candidate.head_referent.cls), str(candidate.tail_referent.cls))
        for k, label in enumerate(classifier.classes):
            probability = float(row[k])
            if label == NO_RELATION or probability < thresholds.add or types not in classifier.allowed[label]:
                continue
            key = (candidate.head_referent.name, candidate.tail_referent.name, label)
            if key not in wanted or wanted[key][1] < probability:
                wanted[key] = (candidate, probability)
    by_rules = statements(analysis)
    kept = [statement.relation for statement in by_rules]  # the rules' statements (after the check, if any) stand
    added: list[Mention] = []
    stated: set[tuple[str, str, str]] = set()
    for statement in by_rules:
        gold = to_gold.get(statement.predicate)
        if gold is not None:
            stated.add((statement.subject.name, statement.object.name, gold))
            if gold in SYMMETRIC:
                stated.add((statement.object.name, statement.subject.name, gold))
    for key, (candidate, probability) in sorted(wanted.items(), key=lambda item: (item[1][0].sentence, item[0])):
        if key in stated:
            continue
        predicate = to_kg[key[2]]
        if not fits(predicate, candidate.head_referent.cls, candidate.tail_referent.cls):
            continue
        stated.add(key)
        if key[2] in SYMMETRIC:
            stated.add((key[1], key[0], key[2]))
        kept.append(RelationMention(subject=candidate.head.id, object=candidate.tail.id, verb=predicate,
                                    predicate=predicate, factuality=_factuality(candidate, analysis),
                                    rule=LEARNED_RULE, confidence=round(probability, 3),
                                    sentence=candidate.sentence))
        for side in (candidate.head, candidate.tail):
            if side.id not in by_id:  # a proposed role the model stated: now a mention of its own
                by_id[side.id] = side
                added.append(side)
    return replace(analysis, mentions=analysis.mentions + tuple(added), relations=tuple(kept))


def _factuality(candidate: Candidate, analysis: DocumentAnalysis) -> Factuality:
    """The factuality the rules gave a relation between the same two mentions, else asserted."""
    for relation in analysis.relations:
        if {relation.subject, relation.object} == {candidate.head.id, candidate.tail.id}:
            return relation.factuality
    return Factuality.ASSERTED


def _stated(analysis: DocumentAnalysis) -> dict[tuple[str, str], list[str]]:
    """What the rules stated between two names (by their referents' names), as feature strings."""
    found: dict[tuple[str, str], list[str]] = {}
    for relation, predicate, rs, ro in statements(analysis):
        negated = "NEG_" if relation.factuality == Factuality.NEGATED else ""
        found.setdefault((rs.name, ro.name), []).extend(
            [f"{negated}{predicate}:fwd", f"rule={relation.rule}:fwd", f"fact={relation.factuality}"])
        found.setdefault((ro.name, rs.name), []).extend([f"{negated}{predicate}:rev", f"rule={relation.rule}:rev"])
    return found


def _span(doc: Doc, mention: Mention, named: Mention) -> Span:
    """The mention's tokens, labelled with the class of the name it stands for."""
    span = mention_tokens(doc, mention)
    if span is None:  # pragma: no cover - a mention always covers tokens
        span = doc[0:1]
    return Span(doc, span.start, span.end, label=str(named.cls))


def _token_range(doc: Doc, mention: Mention) -> tuple[int, int]:
    span = mention_tokens(doc, mention)
    return (span.start, span.end) if span is not None else (0, 0)


def _sentence_cues(doc: Doc, sentence: Span, cache: dict[int, frozenset[str]] | None) -> frozenset[str]:
    """A sentence's negation and attribution cues, and whether a quotation is in it."""
    found = cache.get(sentence.start) if cache is not None else None
    if found is None:
        lemmas = {token.lemma_.lower() for token in sentence}
        cues = {"cue=" + cue for cue in lemmas & ATTRIBUTIONS}
        if lemmas & NEGATIONS:
            cues.add("negation")
        if any(_quoted(doc, token.idx) for token in sentence):
            cues.add("quote_in_sentence")
        found = frozenset(cues)
        if cache is not None:
            cache[sentence.start] = found
    return found


def _token_index(doc: Doc) -> Callable[[int], int]:
    """The token a character offset is in, by a binary search of the tokens' offsets."""
    starts = doc.to_array("IDX")

    def at(offset: int) -> int:
        return max(0, int(numpy.searchsorted(starts, offset, side="right")) - 1)

    return at


def _quoted(doc: Doc, offset: int) -> bool:
    return any(start < offset < end for start, end in quotations(doc))


def _same_name(a: Mention, b: Mention) -> bool:
    return a.id == b.id or _folded(a.name) == _folded(b.name)


def _folded(name: str) -> str:
    return " ".join(_WORD.findall(name.lower()))


def _gold_names(article: NewsArticle) -> dict[str, set[str]]:
    """Each gold entity's names, folded as :func:`_folded` folds kg's."""
    return {entity.id: {_folded(name) for name in entity.names} for entity in article.entities}


def _gold_ids(mention: Mention, article: NewsArticle, names: dict[str, set[str]]) -> set[str]:
    """The gold entities a named mention stands for: the annotated names its span holds, else
    those whose names equal its name (roles: one name inside the other)."""
    found = {entity for start, end, entity in article.mentions if (start, end) == (mention.start, mention.end)}
    folded = _folded(mention.name)
    for entity in article.entities:
        entity_names = names[entity.id]
        if folded in entity_names or _folded(mention.text) in entity_names:
            found.add(entity.id)
        elif entity.cls == EntityClass.ROLE and mention.cls == EntityClass.ROLE and any(
                f" {name} " in f" {folded} " or f" {folded} " in f" {name} " for name in entity_names):
            found.add(entity.id)
    return found
