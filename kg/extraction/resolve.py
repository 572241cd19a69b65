"""Stage 5: decide which mentions name the same entity, inside and across documents.

- Mentions with the same cleaned name are one entity ("US" and "the United States" both
  clean to "United States").
- A one-word name that is the last word of exactly one longer name is that entity:
  "Blinken" is "Antony Blinken", "Strip" is "Gaza Strip". Across documents only people
  merge this way (a surname is safe, a lone "Strip" is not).
- The class is voted over every mention, weighted by its length in words, so a surname that
  NER once tags as a place stays a Person when its full name was tagged as one.
- A pronoun or description that :mod:`kg.extraction.coref` linked (``Mention.antecedent``) joins its
  antecedent's entity; it takes no part in naming it, voting its class or listing its aliases.

Relations are then mapped from verb phrases to closed relations (:mod:`kg.extraction.predicates`) now
that both sides' classes are known.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from kg.extraction import gazetteer
from kg.extraction.mentions import POSSESSIVE, SPACES
from kg.extraction.predicates import closed_relation
from kg.model import Corpus, DocumentAnalysis, Entity, Mention, Relation

CLASS_ORDER = ("Person", "Organization", "Place", "Group", "Event", "Role")


def resolve(analyses: Iterable[DocumentAnalysis]) -> Corpus:
    """Merge the mentions of all documents into entities and relations between them."""
    analyses = list(analyses)
    # Each cluster: a list of (document number, mention number).
    clusters: list[list[tuple[int, int]]] = []
    for number, analysis in enumerate(analyses):
        for members in document_clusters(analysis.mentions):
            clusters.append([(number, index) for index in members])

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
            names = {_surface(mention(member)), mention(member).name}
            names_in[analyses[member[0]].document.id][entity.key].update(names)

    entity_by_key = {entity.key: entity for entity in entities}
    relations: list[Relation] = []
    for number, analysis in enumerate(analyses):
        for found in analysis.relations:
            subject_key = entity_of[(number, found.subject)]
            object_key = entity_of[(number, found.object)]
            if subject_key == object_key:
                continue
            subject, obj = entity_by_key[subject_key], entity_by_key[object_key]
            subject_mention = analysis.mentions[found.subject]
            object_mention = analysis.mentions[found.object]
            if found.predicate is not None:
                predicate, swap = found.predicate, False
            else:
                predicate, swap = closed_relation(found.verb, subject.cls, obj.cls)
            if swap:
                subject, obj = obj, subject
                subject_mention, object_mention = object_mention, subject_mention
            if found.rule == "title" and subject_mention.cls == "Person":
                # "US Secretary of State Antony Blinken" is a name for the person too.
                names_in[analysis.document.id][subject.key].add(f"{object_mention.name} {_surface(subject_mention)}")
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
    return Corpus(
        documents=tuple(analysis.document for analysis in analyses),
        entities=tuple(entities),
        relations=tuple(_unique_relations(relations)),
        aliases=aliases,
    )


def document_clusters(mentions: Sequence[Mention]) -> list[list[int]]:
    """Group one document's mentions: same name, then short names into their long form.

    Linked pronouns and descriptions join the group of their antecedent.
    """
    by_name: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for index, mention in enumerate(mentions):
        if mention.antecedent is None:
            by_name[(mention.name.casefold(), mention.cls == "Role")].append(index)
    long_names = [name for name, is_role in by_name if not is_role and " " in name]
    for (name, is_role) in list(by_name):
        if is_role or " " in name or gazetteer.place_class(mentions[by_name[(name, is_role)][0]].name) != "Place":
            continue
        candidates = [long for long in long_names if long.rsplit(" ", 1)[-1] == name]
        if len(candidates) == 1:
            by_name[(candidates[0], False)].extend(by_name.pop((name, is_role)))
    clusters = [sorted(members) for members in by_name.values()]
    cluster_of = {index: cluster for cluster in clusters for index in cluster}
    for index, mention in enumerate(mentions):
        if mention.antecedent is not None and mention.antecedent in cluster_of:
            cluster_of[mention.antecedent].append(index)
    return clusters


def mention_classes(mentions: Sequence[Mention]) -> list[str]:
    """The class each mention's entity gets from the vote over its document's mentions.

    "Blinken", tagged a place by NER, is a Person when "Antony Blinken" is one in the same text.
    """
    classes = [mention.cls for mention in mentions]
    for members in document_clusters(mentions):
        cls = _vote([mentions[index] for index in members])
        for index in members:
            classes[index] = cls
    return classes


def _merge_across_documents(clusters: list[list[tuple[int, int]]], mention) -> list[list[tuple[int, int]]]:  # type: ignore[no-untyped-def]
    """Join clusters that share a name; then surnames into the one person who bears them."""
    by_name: dict[tuple[str, bool], list[tuple[int, int]]] = defaultdict(list)
    for members in clusters:
        names = _named([mention(member) for member in members])
        is_role = names[0].cls == "Role"
        by_name[(_preferred_name(names).casefold(), is_role)].extend(members)
    people = [
        name for (name, is_role), members in by_name.items()
        if not is_role and " " in name and _vote([mention(m) for m in members]) == "Person"
    ]
    for (name, is_role) in list(by_name):
        if is_role or " " in name:
            continue
        members = by_name[(name, is_role)]
        if gazetteer.place_class(_named([mention(m) for m in members])[0].name) != "Place":
            continue
        candidates = [person for person in people if person.rsplit(" ", 1)[-1] == name]
        if len(candidates) == 1:
            by_name[(candidates[0], False)].extend(by_name.pop((name, is_role)))
    return [sorted(members) for _, members in sorted(by_name.items())]


def _named(mentions: list[Mention]) -> list[Mention]:
    """The mentions that name their entity: not the pronouns and descriptions linked to it."""
    return [mention for mention in mentions if mention.antecedent is None] or mentions


def _vote(mentions: list[Mention]) -> str:
    weights: Counter[str] = Counter()
    for mention in _named(mentions):
        weights[mention.cls] += len(mention.name.split())
    return max(weights, key=lambda cls: (weights[cls], -CLASS_ORDER.index(cls)))


def _preferred_name(mentions: list[Mention]) -> str:
    """The fullest name: most words, then most used, then alphabetical."""
    counts = Counter(mention.name for mention in mentions)
    return min(counts, key=lambda name: (-len(name.split()), -counts[name], name))


def _surface(mention: Mention) -> str:
    return POSSESSIVE.sub("", SPACES.sub(" ", mention.text).strip()).strip()


def _entity(mentions: list[Mention], documents: list[str]) -> Entity:
    mentions = _named(mentions)
    cls = _vote(mentions)
    name = _preferred_name([m for m in mentions if m.cls == cls] or mentions)
    if cls == "Place":
        cls = gazetteer.place_class(name)
    return Entity(key=f"{family(cls)}/{name}", name=name, cls=cls, aliases=(), documents=tuple(documents))


def family(cls: str) -> str:
    """The part of an entity's key (and IRI) that names its kind; Country and City are Places,
    so refining a place's class never changes its IRI."""
    return "place" if cls in ("Place", "Country", "City") else cls.lower()


def _unique_relations(relations: list[Relation]) -> list[Relation]:
    """One relation per (document, sentence, subject, predicate, object, verb): the most confident."""
    best: dict[tuple[str, int, str, str, str, str], Relation] = {}
    for relation in relations:
        key = (relation.document, relation.sentence.start, relation.subject, relation.predicate,
               relation.object, relation.verb)
        if key not in best or best[key].confidence < relation.confidence:
            best[key] = relation
    return list(best.values())
