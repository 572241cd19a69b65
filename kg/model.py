"""Plain data that flows between the pipeline's stages, and the closed vocabularies it uses.

Each stage takes and returns these frozen dataclasses; spaCy objects stay inside :mod:`kg.nlp`
and :mod:`kg.extraction`, and RDF terms appear only in :mod:`kg.graph`. Classes and
factualities are enums whose values are the ontology's local names (``tests/test_namespace.py``
checks them against ``ontology/kg.ttl``), so a typo is an error, not a new class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class EntityClass(StrEnum):
    """The classes kg gives entities (and roles), by their local name in the ontology."""

    PERSON = "Person"
    ORGANIZATION = "Organization"
    GROUP = "Group"
    PLACE = "Place"
    COUNTRY = "Country"
    CITY = "City"
    EVENT = "Event"
    ROLE = "Role"


#: Places of every precision: the gazetteer refines a Place into a Country or a City.
PLACE_CLASSES = frozenset({EntityClass.PLACE, EntityClass.COUNTRY, EntityClass.CITY})


class Factuality(StrEnum):
    """How a text presents a relation (the ontology's ``kg:Factuality`` individuals)."""

    ASSERTED = "asserted"
    PLANNED = "planned"
    NEGATED = "negated"
    REPORTED = "reported"
    HYPOTHETICAL = "hypothetical"


@dataclass(frozen=True)
class Document:
    """One text to read. ``id`` is stable across runs: given by the input or taken from its content."""

    id: str
    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Mention:
    """A span of a document that names an entity (or, for a ``Role``, a title).

    ``id`` is stable: it is made from the span (:func:`mention_id`), so it stays true when
    mentions are sorted or added to. A pronoun or a definite description ("him", "the
    secretary") that :mod:`kg.extraction.coref` links to an earlier mention has ``antecedent``
    set to that mention's id: it belongs to the antecedent's entity and never gives the entity
    a name, an alias or a class. A name the text gives as another name of an earlier mention's
    entity ("the Federal Security Service (FSB)") has ``alias_of`` set to that mention's id.
    """

    id: str
    start: int
    end: int
    text: str
    name: str
    cls: EntityClass
    label: str
    sentence: int
    antecedent: str | None = None
    alias_of: str | None = None


def mention_id(start: int, end: int, cls: EntityClass) -> str:
    """The id of the mention of ``cls`` at characters ``start:end``: a title and a name never
    share a span, nor do two names, so the span and whether it is a role say which it is.

    >>> mention_id(0, 7, EntityClass.PERSON), mention_id(8, 20, EntityClass.ROLE)
    ('m0-7', 'r8-20')
    """
    return f"{'r' if cls == EntityClass.ROLE else 'm'}{start}-{end}"


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document, kept as evidence for the relations found in it."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class RelationMention:
    """A relation the text states between two mentions (by their ids) of one document.

    ``predicate`` is set when a rule knows the relation (titles, appositions, pattern rows);
    otherwise ``verb`` holds the lemmatised verb phrase that the lexicon maps to a relation
    (:func:`kg.resolution.predicates.predicate_of`) once the classes of both sides are known.
    """

    subject: str
    object: str
    verb: str
    predicate: str | None
    factuality: Factuality
    rule: str
    confidence: float
    sentence: int
    time: str | None = None


@dataclass(frozen=True)
class DocumentAnalysis:
    """Everything extracted from one document: a pure function of the document and the model."""

    document: Document
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    relations: tuple[RelationMention, ...]


@dataclass(frozen=True)
class Entity:
    """A resolved entity: one node of the graph, however many ways the texts name it."""

    key: str
    name: str
    cls: EntityClass
    aliases: tuple[str, ...]
    documents: tuple[str, ...]


@dataclass(frozen=True)
class Relation:
    """A resolved relation between two entities, with the evidence for it."""

    subject: str
    predicate: str
    object: str
    verb: str
    factuality: Factuality
    rule: str
    confidence: float
    document: str
    sentence: Sentence
    subject_text: str
    object_text: str
    time: str | None = None


@dataclass(frozen=True)
class Event:
    """A meeting, visit, attack or announcement that a relation reports, as a node of its own:
    who acts, who else takes part, where and when (the day normalised when it can be)."""

    cls: str
    label: str
    relation: Relation
    agent: str
    participants: tuple[str, ...]
    place: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class Corpus:
    """The resolved result of reading many documents: what the RDF stage turns into a graph."""

    documents: tuple[Document, ...]
    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...]
    #: document id -> entity key -> the other names that document gives the entity
    aliases: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    #: the meetings, visits, attacks and announcements the relations report
    events: tuple[Event, ...] = ()


@dataclass(frozen=True)
class EntityRecord:
    """One node of a corpus's graph as corpus-level resolution sees it: what every document
    said of it (:mod:`kg.resolution.corpus`). ``iri`` is the node's IRI, ``cls`` its class's
    local name, ``documents`` the IRIs of the documents naming it."""

    iri: str
    cls: str
    name: str
    aliases: frozenset[str]
    documents: frozenset[str]


@dataclass(frozen=True)
class Resolution:
    """A decision of corpus-level resolution, kept in the graph so a reader can audit it.

    Joined: the node ``entity`` is the node ``into`` (it is rewritten to it). Kept apart: the
    name of ``entity`` fits several ``candidates`` and nothing tells which, so it stays a node of
    its own. ``rule`` names the rule, ``reason`` says why in a sentence, ``documents`` are where
    the names come from."""

    rule: str
    reason: str
    entity: str
    into: str | None = None
    candidates: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()

    @property
    def joined(self) -> bool:
        return self.into is not None
