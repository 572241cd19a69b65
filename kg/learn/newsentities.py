"""The news model's entity decisions: what each name the rules found is, or that it names nothing.

The small spaCy model's entity class is the commonest cause of a wrong statement on news nobody
tuned kg for (a town read as a person, a company as a city, "Draconian" as a group). The rules
correct some of it with word lists and the gazetteer; the news model learns the rest from
annotated news. Its candidates are a document's entities as the rules group their names
(:func:`kg.resolution.clusters.document_clusters`); its features what the rules and the NER
said of every name (classes, NER labels, whether the gazetteer knows it), the words of the name,
the words and the parse around its mentions, how often it is named and what the rules relate it
to. A multinomial logistic regression gives each entity a probability for each class of the
guidelines and for "no entity": an entity is taken out (its mentions, their pronouns and their
relations) when "no entity" is likelier than ``drop``, and takes another class when that class
is likelier than ``change``. Roles and events stay the rules'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy
from spacy.tokens import Doc

from kg.data.gazetteer import is_known_place
from kg.extraction.gender import first_name_gender
from kg.learn.classifier import NO_RELATION, PairClassifier
from kg.learn.features import mention_tokens
from kg.learn.newsfacts import NewsArticle, normalised_name
from kg.model import PLACE_CLASSES, DocumentAnalysis, EntityClass, Mention
from kg.resolution.clusters import document_clusters

#: What the model decides between: the classes of names, and "no entity". A place is a Place
#: here: the gazetteer makes it a Country or a City afterwards, as for the rules' places.
DECIDED = (EntityClass.PERSON, EntityClass.ORGANIZATION, EntityClass.GROUP, EntityClass.PLACE)
NO_ENTITY = NO_RELATION
#: Mentions of an entity whose context is read (the first few say most of what it is).
CONTEXT_MENTIONS = 3


@dataclass(frozen=True)
class EntityCandidate:
    """One entity of a document as the rules group its names: its named mentions, and every
    mention (pronouns included) that stands for it."""

    named: tuple[Mention, ...]
    members: frozenset[str]  # mention ids

    @property
    def cls(self) -> EntityClass:
        return self.named[0].cls

    @property
    def name(self) -> str:
        return max((mention.name for mention in self.named), key=lambda name: (len(name.split()), name))


@dataclass(frozen=True)
class EntityThresholds:
    """How sure the model must be to take an entity out (``drop``) or give it another class (``change``)."""

    drop: float
    change: float


def entity_candidates(analysis: DocumentAnalysis) -> list[EntityCandidate]:
    """The document's entities of the classes the model decides on."""
    by_id = {mention.id: mention for mention in analysis.mentions}
    found = []
    for members in document_clusters(list(analysis.mentions)):
        named = tuple(by_id[m] for m in members if by_id[m].antecedent is None)
        if named and all(mention.cls in DECIDED for mention in named):
            found.append(EntityCandidate(named, frozenset(members)))
    return found


def entity_features(doc: Doc, candidate: EntityCandidate, related: dict[str, set[str]]) -> set[str]:
    """What the rules, the NER, the words and the context say of one entity; ``related`` holds
    what the rules relate each mention to (:func:`relation_features`)."""
    features = {"bias", f"cls={candidate.cls}"}
    name = candidate.name
    words = name.split()
    features |= {f"words={min(len(words), 4)}", f"last={words[-1].lower()}", f"first={words[0].lower()}"}
    features |= {f"w={word.lower()}" for word in words}
    features |= {f"ner={mention.label}" for mention in candidate.named}
    features.add(f"cls|ner={candidate.cls}|{candidate.named[0].label}")
    if name.isupper():
        features.add("all_caps")
    if any(character.isdigit() for character in name):
        features.add("digits")
    if first_name_gender(name) is not None:
        features.add("first_name")
    if is_known_place(name):
        features.add("known_place")
    count = len(candidate.named)
    features.add("mentions=" + ("1" if count == 1 else "2" if count == 2 else "3+"))
    if len(candidate.members) > count:
        features.add("has_pronoun")
    if any(mention.sentence == 0 for mention in candidate.named):
        features.add("in_title")
    for mention in candidate.named[:CONTEXT_MENTIONS]:
        span = mention_tokens(doc, mention)
        if span is None:
            continue
        before = doc[span.start - 1].lower_ if span.start else "<s>"
        after = doc[span.end].lower_ if span.end < len(doc) else "</s>"
        root = span.root
        features |= {f"before={before}", f"after={after}", f"dep={root.dep_}",
                     f"head={root.head.lemma_.lower()}", f"dep|head={root.dep_}|{root.head.lemma_.lower()}"}
        if span[0].is_title and span.start and not doc[span.start - 1].is_sent_start:
            features.add("title_case_inside")
    for member in candidate.members:
        features |= related.get(member, set())
    return features


def relation_features(analysis: DocumentAnalysis) -> dict[str, set[str]]:
    """For each mention the rules relate, what they relate it by and to (read once per document)."""
    by_id = {mention.id: mention for mention in analysis.mentions}
    found: dict[str, set[str]] = {}
    for relation in analysis.relations:
        name = relation.predicate or relation.verb
        found.setdefault(relation.subject, set()).add(f"rel_s={name}")
        other = by_id.get(relation.object)
        if other is not None:
            found[relation.subject].add(f"rel_s_other={other.cls}")
        found.setdefault(relation.object, set()).add(f"rel_o={name}")
    return found


def with_entity_decisions(analysis: DocumentAnalysis, found: Sequence[EntityCandidate],
                          probabilities: numpy.ndarray, classifier: PairClassifier,
                          thresholds: EntityThresholds) -> DocumentAnalysis:
    """The analysis with the entities the model takes out gone, and the classes it changes changed."""
    dropped: set[str] = set()
    changed: dict[str, EntityClass] = {}
    for candidate, row in zip(found, probabilities, strict=True):
        best = int(numpy.argmax(row))
        label = classifier.classes[best]
        if label == NO_ENTITY:
            if row[best] >= thresholds.drop:
                dropped |= candidate.members
        elif label != candidate.cls and row[best] >= thresholds.change:
            changed.update(dict.fromkeys(candidate.members, EntityClass(label)))
    if not dropped and not changed:
        return analysis
    mentions = tuple(replace(mention, cls=changed[mention.id]) if mention.id in changed else mention
                     for mention in analysis.mentions if mention.id not in dropped)
    relations = tuple(relation for relation in analysis.relations
                      if relation.subject not in dropped and relation.object not in dropped)
    return replace(analysis, mentions=mentions, relations=relations)


def gold_entity_labels(article: NewsArticle, found: Sequence[EntityCandidate]) -> list[str | None]:
    """Each candidate's class in the annotations: the class of the annotated entity one of its
    names is a name of (as ``score_facts.py`` matches names), :data:`NO_ENTITY` when none is, and
    None for a name the annotations call a role (not the model's to decide)."""
    classes = {normalised_name(name): str(EntityClass.PLACE if entity.cls in PLACE_CLASSES else entity.cls)
               for entity in article.entities for name in entity.names}
    labels: list[str | None] = []
    for candidate in found:
        matched = sorted({classes[key] for mention in candidate.named
                          for key in (normalised_name(mention.name), normalised_name(mention.text)) if key in classes})
        label = matched[0] if matched else NO_ENTITY
        labels.append(None if label == EntityClass.ROLE else label)
    return labels


def document_entity_features(analysis: DocumentAnalysis, doc: Doc) -> tuple[list[EntityCandidate], list[set[str]]]:
    found = entity_candidates(analysis)
    related = relation_features(analysis)
    return found, [entity_features(doc, candidate, related) for candidate in found]
