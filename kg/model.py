"""Plain data that flows between the pipeline's stages.

Each stage takes and returns these frozen dataclasses; spaCy objects stay inside
``kg.nlp``, ``kg.extraction.mentions`` and ``kg.extraction.relations``, and RDF terms appear only in ``kg.graph.rdf``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
    """A span of a document that names an entity (or, for ``cls == "Role"``, a title).

    A pronoun or a definite description ("him", "the secretary") that :mod:`kg.extraction.coref` links to
    an earlier mention has ``antecedent`` set to that mention's index: it belongs to the
    antecedent's entity and never gives the entity a name, an alias or a class.
    """

    start: int
    end: int
    text: str
    name: str
    cls: str
    label: str
    sentence: int
    antecedent: int | None = None


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document, kept as evidence for the relations found in it."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class RelationMention:
    """A relation the text states between two mentions of one document.

    ``predicate`` is set when a rule knows the relation (titles, appositions); otherwise
    ``verb`` holds the lemmatised verb phrase that a lexicon maps to a relation later,
    once the classes of both sides are known.
    """

    subject: int
    object: int
    verb: str
    predicate: str | None
    factuality: str
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
    cls: str
    aliases: tuple[str, ...]
    documents: tuple[str, ...]


@dataclass(frozen=True)
class Relation:
    """A resolved relation between two entities, with the evidence for it."""

    subject: str
    predicate: str
    object: str
    verb: str
    factuality: str
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
