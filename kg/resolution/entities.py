"""Stage 6: decide which mentions name the same entity, inside and across documents.

- Within a document, :mod:`kg.resolution.clusters` groups the mentions and votes each
  group's class.
- Across documents, groups with the same preferred name are one entity, and a one-word name
  joins the one person whose full name ends in it (a surname is safe, a lone "Strip" is not).
- A pronoun or description that :mod:`kg.extraction.coref` linked (``Mention.antecedent``)
  joins its antecedent's entity; it takes no part in naming it, voting its class or listing
  its aliases.

Relations are then named (:func:`kg.resolution.predicates.predicate_of`) now that both sides'
classes are known, and the events they report found (:mod:`kg.resolution.events`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from kg.data import gazetteer
from kg.data.core_rules import CoreRule
from kg.model import Corpus, DocumentAnalysis, Entity, EntityClass, Mention, Relation, RelationMention
from kg.resolution.clusters import document_clusters, entity_class, family, named, preferred_name, vote
from kg.resolution.events import find_events
from kg.resolution.names import is_surname_shape, surface, surname_candidates
from kg.resolution.predicates import predicate_of, ruled_out

#: The pattern rows (kg/data/rules/relations.jsonl) that read who is whose relative.
KINSHIP_RULE = "kinship"


def resolve(analyses: Iterable[DocumentAnalysis]) -> Corpus:
    """Merge the mentions of all documents into entities and relations between them."""
    analyses = list(analyses)
    # mention id -> its place in its document's mentions, by document number
    positions = [{mention.id: position for position, mention in enumerate(analysis.mentions)}
                 for analysis in analyses]
    # Each cluster: a list of (document number, mention position).
    clusters: list[list[tuple[int, int]]] = []
    for number, analysis in enumerate(analyses):
        for members in document_clusters(analysis.mentions, relatives(analysis.relations)):
            clusters.append([(number, positions[number][mention_id]) for mention_id in members])

    def mention(member: tuple[int, int]) -> Mention:
        return analyses[member[0]].mentions[member[1]]

    merged = _merge_across_documents(clusters, mention)
    entities: list[Entity] = []
    entity_of: dict[tuple[int, int], str] = {}
    # document id -> entity key -> the names that document gives the entity
    names_in: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for group in merged:
        mentions = [mention(member) for member in group]
        entity = _entity(mentions, sorted({analyses[d].document.id for d, _ in group}))
        entities.append(entity)
        for member in group:
            entity_of[member] = entity.key
            if mention(member).antecedent is not None:
                continue  # "him" is no name of Netanyahu's
            names = {surface(mention(member)), mention(member).name}
            names_in[analyses[member[0]].document.id][entity.key].update(names)

    entity_by_key = {entity.key: entity for entity in entities}
    relations: list[Relation] = []
    for number, analysis in enumerate(analyses):
        for found in analysis.relations:
            subject_position, object_position = positions[number][found.subject], positions[number][found.object]
            subject_key = entity_of[(number, subject_position)]
            object_key = entity_of[(number, object_position)]
            if subject_key == object_key:
                continue
            subject, obj = entity_by_key[subject_key], entity_by_key[object_key]
            subject_mention = analysis.mentions[subject_position]
            object_mention = analysis.mentions[object_position]
            predicate, swap = predicate_of(found.verb, found.predicate, subject.cls, obj.cls)
            if ruled_out(found.predicate, predicate):
                continue
            if swap:
                subject, obj = obj, subject
                subject_mention, object_mention = object_mention, subject_mention
            if found.rule == CoreRule.TITLE and subject_mention.cls == EntityClass.PERSON:
                # "US Secretary of State Antony Blinken" is a name for the person too.
                names_in[analysis.document.id][subject.key].add(f"{surface(object_mention)} {surface(subject_mention)}")
            relations.append(
                Relation(
                    subject=subject.key,
                    predicate=predicate,
                    object=obj.key,
                    verb=found.verb,
                    factuality=found.factuality,
                    rule=found.rule,
                    confidence=found.confidence,
                    document=analysis.document.id,
                    sentence=analysis.sentences[found.sentence],
                    subject_text=subject_mention.text,
                    object_text=object_mention.text,
                    time=found.time,
                )
            )
    name_of = {entity.key: entity.name for entity in entities}
    aliases = {
        document: {key: tuple(sorted(names - {name_of[key]})) for key, names in sorted(by_entity.items())}
        for document, by_entity in sorted(names_in.items())
    }
    entities = [
        Entity(
            key=entity.key, name=entity.name, cls=entity.cls, documents=entity.documents,
            aliases=tuple(sorted({alias for document in entity.documents for alias in aliases[document][entity.key]})),
        )
        for entity in entities
    ]
    entities.sort(key=lambda entity: entity.key)
    relations.sort(key=lambda r: (r.document, r.sentence.start, r.subject, r.predicate, r.object, r.verb))
    documents = tuple(analysis.document for analysis in analyses)
    unique = tuple(_unique_relations(relations))
    return Corpus(
        documents=documents,
        entities=tuple(entities),
        relations=unique,
        aliases=aliases,
        events=tuple(find_events(documents, entities, unique)),
    )


def relatives(relations: Iterable[RelationMention]) -> frozenset[str]:
    """The mentions a document introduces as someone's relative: the subjects of its kinship rows
    ("Nettie Baker" in "his daughter Nettie Baker")."""
    return frozenset(found.subject for found in relations if found.rule == KINSHIP_RULE)


def _merge_across_documents(
    clusters: list[list[tuple[int, int]]], mention: Callable[[tuple[int, int]], Mention]
) -> list[list[tuple[int, int]]]:
    """Join clusters that share a name; then surnames into the one person who bears them."""
    by_name: dict[tuple[str, bool], list[tuple[int, int]]] = defaultdict(list)
    written: dict[tuple[str, bool], str] = {}  # each key's name as written, case and all
    for members in clusters:
        names = named([mention(member) for member in members])
        is_role = names[0].cls == EntityClass.ROLE
        name = preferred_name(names)
        by_name[(name.casefold(), is_role)].extend(members)
        written.setdefault((name.casefold(), is_role), name)
    people = [
        name for (name, is_role), members in by_name.items()
        if not is_role and " " in name and vote([mention(m) for m in members]) == EntityClass.PERSON
    ]
    for key in list(by_name):
        name, is_role = key
        if is_role or not is_surname_shape(written[key]) or gazetteer.is_known_place(written[key]):
            continue
        candidates = surname_candidates(name, people)
        if len(candidates) == 1:
            by_name[(candidates[0], False)].extend(by_name.pop(key))
    return [sorted(members) for _, members in sorted(by_name.items())]


def _entity(mentions: list[Mention], documents: list[str]) -> Entity:
    cls, name = entity_class(mentions)
    return Entity(key=f"{family(cls)}/{name}", name=name, cls=cls, aliases=(), documents=tuple(documents))


def _unique_relations(relations: list[Relation]) -> list[Relation]:
    """One relation per (document, sentence, subject, predicate, object, verb): the most confident."""
    best: dict[tuple[str, int, str, str, str, str], Relation] = {}
    for relation in relations:
        key = (relation.document, relation.sentence.start, relation.subject, relation.predicate,
               relation.object, relation.verb)
        if key not in best or best[key].confidence < relation.confidence:
            best[key] = relation
    return list(best.values())
