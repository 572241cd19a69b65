"""Stage 5: the relations a document states between its mentions.

Three kinds of rule find them, all over one :class:`~kg.extraction.arguments.MentionIndex`:

- the verb core (:mod:`kg.extraction.verbs`): subject - verb - object, verb + preposition,
  light verb + noun + preposition, control chains, reported speech;
- titles (:mod:`kg.extraction.roles`): holdsRole, and whom a title says its holder works for or leads;
- rules about words and dependency shapes ("Aiken, S.C.", "NRC headquarters in Rockville").

Then two rules stating the same relation between the same mentions in a sentence give one
statement, a pronoun in reported speech is no one the speaker talks about, and what lies in a
town written "Aiken, S.C." also lies in the state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from spacy.tokens import Doc

from kg.data.core_rules import CoreRule, confidence
from kg.data.gazetteer import place_class
from kg.data.words import word_list
from kg.extraction.arguments import MentionIndex
from kg.extraction.factuality import Qualifiers
from kg.extraction.patterns.ruler import containment_rules, pattern_relations
from kg.extraction.roles import OFFICES, chamber_relations, home_country_relations, ministry_relations, role_relations
from kg.extraction.spans import MentionSpan
from kg.extraction.verbs import quote_relations, verb_relations
from kg.model import EntityClass, Factuality, RelationMention
from kg.namespace import fits
from kg.resolution.predicates import GENERIC, listed_relation, predicate_of

#: Last words of the name of a part of an organisation ("the House Intelligence Committee").
UNIT_HEADS = word_list("unit_heads")
#: Relations that say where something is: what holds in a town holds in its state too.
CONTAINMENT = frozenset({"livesIn", "basedIn", "locatedIn"})


def extract_relations(doc: Doc, mention_spans: list[MentionSpan]) -> list[RelationMention]:
    """Every relation the rules find, without duplicates, in text order.

    Two rules stating the same closed relation between the same mentions in a sentence ("Johnson
    became leader of the party": the verb and the describing noun) give one relation, the more
    confident; open relations stay apart by verb.
    """
    index = MentionIndex(doc, mention_spans)
    relations = [
        *verb_relations(index, qualifiers := Qualifiers(doc)),
        *quote_relations(index, qualifiers),
        *role_relations(index),
        *pattern_relations(index),
    ]
    found: dict[tuple[object, ...], RelationMention] = {}
    relations = [relation for relation in relations if not reports_a_pronoun(index, relation)]
    relations += home_country_relations(index, relations)
    relations += ministry_relations(index)  # after the home country: a minister of a ministry is the state's too
    relations += chamber_relations(index)
    relations += unit_relations(index)
    for relation in relations + transitive_relations(index, relations):
        key = _statement_key(index, relation)
        if key not in found or (found[key].confidence, found[key].rule) < (relation.confidence, relation.rule):
            found[key] = relation
    position = index.position
    kept = superseded_residences(index, found.values())
    return sorted(kept, key=lambda r: (r.sentence, position[r.subject], position[r.object], r.verb))


def unit_relations(index: MentionIndex) -> list[RelationMention]:
    """A part of an organisation named after it, where the story names the organisation too: "the
    House Intelligence Committee" is part of "the House", "the United Nations General Assembly" of
    "the United Nations". The part's name is the whole's and more, and ends as a part's does
    (``unit_heads``: "Committee", "Assembly"...); stated in the part's sentence."""
    organisations: dict[str, str] = {}  # name -> its first mention by name (a pronoun's is its antecedent's)
    for item in index.spans:
        if item.mention.cls == EntityClass.ORGANIZATION and not index.is_pronoun(item.mention.id):
            organisations.setdefault(item.mention.name, item.mention.id)
    found = []
    for item in index.spans:
        words = item.mention.name.split()
        if item.mention.cls != EntityClass.ORGANIZATION or len(words) < 2 or words[-1].lower() not in UNIT_HEADS:
            continue
        whole = next((organisations[" ".join(words[:k])] for k in range(len(words) - 1, 0, -1)
                      if " ".join(words[:k]) in organisations), None)
        if whole is not None:
            found.append(index.relation(item.mention.id, whole, item.span.root, "be", "partOf", Factuality.ASSERTED,
                                        CoreRule.UNIT, confidence(CoreRule.UNIT)))
    return found


def reports_a_pronoun(index: MentionIndex, relation: RelationMention) -> bool:
    """True for ``says`` of a pronoun in what is reported ("DeWine announced the state had extended
    its order"): which name a pronoun inside reported speech stands for is where coreference errs
    most (on the 96 news-facts train articles, 8 of 10 such statements were wrong), and a statement
    names what the content itself names."""
    return relation.predicate == "says" and index.is_pronoun(relation.object)


def superseded_residences(index: MentionIndex, relations: Iterable[RelationMention]) -> list[RelationMention]:
    """The relations, without a residence the same sentence states an office for: "the mayor of
    London, Sadiq Khan" leads London, and "of London" read as where he lives says it again, less.
    The office must fit the place (a town is nobody's employer: "worksFor Fresno" is dropped on
    resolution, and the residence stays)."""
    relations = list(relations)
    offices = {(r.sentence, r.subject, r.object) for r in relations if r.predicate in OFFICES
               and fits(r.predicate, EntityClass.PERSON, _refined_class(index, r.object))}
    return [r for r in relations if not (r.predicate == "livesIn" and (r.sentence, r.subject, r.object) in offices)]


def _statement_key(index: MentionIndex, relation: RelationMention) -> tuple[object, ...]:
    """What a relation states: the closed relation with its two sides in order, else the verb."""
    subject, obj = relation.subject, relation.object
    if relation.predicate is not None:  # whether the classes fit it is decided on resolution, with the entities'
        return relation.sentence, subject, obj, relation.predicate, relation.factuality
    predicate, swap = predicate_of(relation.verb, None, index.cls(subject), index.cls(obj))
    if predicate == GENERIC:
        return relation.sentence, subject, obj, relation.verb, relation.factuality
    if swap:
        subject, obj = obj, subject
    return relation.sentence, subject, obj, predicate, relation.factuality


def _refined_class(index: MentionIndex, mention: str) -> EntityClass:
    """A mention's class, a place refined by the gazetteer (a Country is an Agent, a City is not)."""
    found = index.by_id[mention].mention
    return place_class(found.name) if found.cls == EntityClass.PLACE else found.cls


def transitive_relations(index: MentionIndex, relations: list[RelationMention]) -> list[RelationMention]:
    """Who lives, or what is based, in a town of "Aiken, S.C." also is in the state after it.

    Only the ``comma-place`` rule's containment is followed: it is the one a reader takes as
    "the town of that state", where a looser "in" could be a building in a room.
    """
    containing = containment_rules()
    containers: dict[str, list[tuple[str, float]]] = {}  # place -> (what holds it, how sure)
    for relation in relations:
        if relation.rule in containing:
            containers.setdefault(relation.subject, []).append((relation.object, relation.confidence))
    inferred = []
    for relation in relations:
        # whether the phrase says where something is; which relation it states is decided on resolution
        predicate = relation.predicate or listed_relation(relation.verb)
        if predicate not in CONTAINMENT or relation.rule in containing:
            continue
        for container, certainty in containers.get(relation.object, []):
            if container != relation.subject:
                inferred.append(replace(relation, object=container, rule=CoreRule.TRANSITIVE,
                                        confidence=round(relation.confidence * confidence(CoreRule.TRANSITIVE)
                                                         / certainty, 2)))
    return inferred
