"""Why is there (no) triple for this sentence? The extraction stage, sentence by sentence, with reasons.

For each sentence: the entities found (and how titles were split off names), the pronouns
:mod:`kg.extraction.coref` linked, and for every pair of entities the dependency path between them and
either the rule that fired (rule, verb, relation, factuality) or why none did. It reads the
document as a build does (:func:`kg.workers.document_analysis`, then
:func:`kg.resolution.predicates.predicate_of` and the entity classes of resolution), so what it
shows is what ``kg build`` states; the reasons come from the verb rules' own view of each verb
(:func:`kg.extraction.verbs.verb_frames`).

>>> from kg.nlp import load_pipeline
>>> from kg.read import text_document
>>> text = "Angela Merkel met Emmanuel Macron in Paris."
>>> [found] = explain_documents([text_document(text)], nlp=load_pipeline())
>>> pair = found.sentences[0].pairs[0]
>>> pair.path, pair.relations[0].predicate
('Angela Merkel <-nsubj- met -dobj-> Emmanuel Macron', 'meets')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Token

from kg.data.words import ner_class
from kg.extraction.coref import find_links
from kg.extraction.document import analysed
from kg.extraction.spans import MentionSpan
from kg.extraction.titles import TITLE_WORDS
from kg.extraction.verbs import VerbFrame, verb_frames
from kg.learn.apply import pair_probabilities, trained_model_of
from kg.learn.classifier import NO_RELATION
from kg.learn.features import rule_matches, rules_between
from kg.model import Document, DocumentAnalysis, EntityClass, Factuality, Mention, RelationMention
from kg.namespace import domain_and_range
from kg.nlp import NEWS_MODEL_KEY, parse, sentence_numbers, sentences, text_of
from kg.resolution.clusters import document_clusters, entity_class
from kg.resolution.entities import relatives
from kg.resolution.predicates import GENERIC, listed_relation, predicate_of, ruled_out
from kg.workers import document_analysis

MODIFIER_DEPS = frozenset({"poss", "compound", "amod", "nmod"})

#: The news model's pairs ``kg explain`` lists: those the rules relate, and those whose likeliest
#: relation is at least this likely (the rest are many and near zero).
NEWS_NOTE_FLOOR = 0.1


@dataclass(frozen=True)
class EntityNote:
    """A mention as a build sees it: ``cls`` is the class of its entity's node (the document's mentions
    vote; a place the gazetteer knows is a Country or a City).

    ``ner`` is spaCy's label; ``title`` is the title split off a person's name and ``holder``
    the person a role (``cls == "Role"``) belongs to.
    """

    text: str
    name: str
    cls: str
    ner: str
    title: str | None = None
    holder: str | None = None


@dataclass(frozen=True)
class PronounNote:
    """A pronoun or description and the mention it was linked to."""

    text: str
    antecedent: str
    reason: str


@dataclass(frozen=True)
class RuleNote:
    """A relation a rule made: ``predicate`` is what the lexicon maps the verb to for these classes."""

    rule: str
    subject: str
    verb: str
    object: str
    predicate: str
    factuality: str
    note: str | None = None
    #: The nodes the graph relates (after a swap the predicate calls for), and whether it states it.
    subject_node: str = ""
    object_node: str = ""
    stated: bool = True


@dataclass(frozen=True)
class PairNote:
    """Two entities of one sentence, the dependency path between them, and what came of it."""

    first: str
    second: str
    path: str
    relations: tuple[RuleNote, ...]
    reason: str | None


@dataclass(frozen=True)
class LearnedNote:
    """A pair of a trained model's entities (``kg train``): the classifier's likeliest relation and
    its probability, whether that reaches the model's threshold, and what the rules found between them."""

    head: str
    head_label: str
    tail: str
    tail_label: str
    relation: str
    probability: float
    kept: bool
    rules: tuple[str, ...]
    #: Which model: a model kg train wrote from SpERT or DocBin data, or a news model.
    model: str = "trained model (kg train), every pair of its entities"


@dataclass(frozen=True)
class SentenceNote:
    """One sentence: its entities, its linked pronouns, and every pair of entities in it."""

    number: int
    text: str
    entities: tuple[EntityNote, ...]
    pronouns: tuple[PronounNote, ...]
    pairs: tuple[PairNote, ...]
    learned: tuple[LearnedNote, ...] = ()


@dataclass(frozen=True)
class Explanation:
    """What the extraction stage did with one document, sentence by sentence."""

    document: str
    sentences: tuple[SentenceNote, ...]


def explain_documents(documents: Iterable[Document], *, nlp: Language) -> list[Explanation]:
    """Explain each document with the given spaCy pipeline (:func:`kg.nlp.load_pipeline`)."""
    documents = list(documents)
    return [explain(document, doc) for document, doc in zip(documents, parse((d.text for d in documents), nlp),
                                                            strict=True)]


def explain(document: Document, doc: Doc) -> Explanation:
    """The explanation of one parsed document: a pure function of its input, like
    :func:`kg.extraction.document.analyse`.

    It reads what a build reads (:func:`kg.workers.document_analysis`: the rules, and what a model
    that read the doc adds or decides), shows each entity with the class its node gets (a place the
    gazetteer knows is a Country or a City), and the relations the graph states.
    """
    rules, mention_spans = analysed(document, doc)
    analysis = document_analysis(document, doc, rules)
    kept = {mention.id: mention for mention in analysis.mentions}
    found_spans = [item._replace(mention=kept[item.mention.id]) for item in mention_spans
                   if item.mention.id in kept]
    spans = {item.mention.id: item for item in found_spans}
    relations = [relation for relation in analysis.relations if relation.subject in spans and relation.object in spans]
    clusters = document_clusters(list(analysis.mentions), relatives(analysis.relations))
    entity_of = {mention: number for number, members in enumerate(clusters) for mention in members}
    resolved: dict[str, tuple[EntityClass, str]] = {}  # mention -> its node's class and name, found once an entity
    for members in clusters:
        resolved.update(dict.fromkeys(members, entity_class([kept[member] for member in members])))
    classes = {mention: cls for mention, (cls, _) in resolved.items()}
    nodes = {mention: name for mention, (_, name) in resolved.items()}
    frames = {frame.verb.i: frame for frame in verb_frames(doc, found_spans)}
    reasons = {link.span.start_char: link.reason for link in find_links(doc, [s for s in found_spans
                                                                             if s.mention.antecedent is None])}
    learned = _learned_notes(document, doc, list(rules.mentions), list(rules.relations))
    notes = []
    text = text_of(doc)  # the document's own characters (the model may have read a dateline's dash as another)
    for number, sent in enumerate(sentences(doc)):
        inside = [item.mention.id for item in found_spans if item.mention.sentence == number]
        entities = tuple(_entity_note(mention, spans, classes) for mention in inside
                         if spans[mention].mention.antecedent is None)
        pronouns = tuple(
            PronounNote(spans[mention].mention.text, _antecedent_text(mention, spans),
                        reasons.get(spans[mention].mention.start, ""))
            for mention in inside if spans[mention].mention.antecedent is not None
        )
        pairs = []
        by_entity: dict[int, list[str]] = {}
        for mention in inside:
            if spans[mention].mention.cls != EntityClass.ROLE:
                by_entity.setdefault(entity_of[mention], []).append(mention)
        for first, second in combinations(sorted(by_entity, key=lambda e: by_entity[e][0]), 2):
            pairs.append(_pair_note(by_entity[first], by_entity[second], spans, classes, nodes, relations, frames))
        notes.append(SentenceNote(number, text[sent.start_char:sent.end_char].strip(), entities, pronouns, tuple(pairs),
                                  tuple(note for at, note in learned if at == number)))
    return Explanation(document=document.source or document.id, sentences=tuple(notes))


def _learned_notes(document: Document, doc: Doc, mentions: list[Mention],
                   relations: list[RelationMention]) -> list[tuple[int, LearnedNote]]:
    """The trained model's view of every pair of its entities, by sentence, if a model read the doc."""
    if doc.user_data.get(NEWS_MODEL_KEY):
        return _news_notes(document, doc, mentions, relations)
    model = trained_model_of(doc)
    if model is None:
        return []
    analysis = DocumentAnalysis(document, (), tuple(mentions), tuple(relations))
    matches = rule_matches(analysis, doc)
    numbers = sentence_numbers(doc)
    notes = []
    for pair in pair_probabilities(doc, analysis, model):
        between = tuple(sorted({match.predicate if direction == "fwd" else f"{match.predicate} (the other way)"
                                for match, direction in rules_between(pair.head, pair.tail, matches)}))
        notes.append((numbers[pair.head.start], LearnedNote(
            pair.head.text, pair.head.label_, pair.tail.text, pair.tail.label_, pair.label, round(pair.probability, 3),
            pair.probability >= model.classifier.threshold, between)))
    return notes


def _entity_note(mention: str, spans: dict[str, MentionSpan], classes: dict[str, EntityClass]) -> EntityNote:
    item = spans[mention]
    title = holder = None
    if item.mention.cls == EntityClass.ROLE and item.owner is not None:
        holder = item.owner.text
    elif item.mention.cls == EntityClass.PERSON:
        titles = [other.span.text for other in spans.values() if other.mention.cls == EntityClass.ROLE
                  and other.owner is not None and other.owner.start == item.span.start]
        title = "; ".join(titles) or None
    return EntityNote(item.mention.text, item.mention.name, classes[mention], item.mention.label, title, holder)


def _antecedent_text(mention: str, spans: dict[str, MentionSpan]) -> str:
    antecedent = spans[mention].mention.antecedent
    return spans[antecedent].mention.text if antecedent is not None else ""


def _label(mention_id: str, spans: dict[str, MentionSpan]) -> str:
    """A mention as shown in a pair: a pronoun with the name it stands for."""
    mention = spans[mention_id].mention
    return f"{mention.text} (= {mention.name})" if mention.antecedent is not None else mention.text


def _pair_note(
    firsts: list[str], seconds: list[str], spans: dict[str, MentionSpan], classes: dict[str, EntityClass],
    nodes: dict[str, str], relations: list[RelationMention], frames: dict[int, VerbFrame],
) -> PairNote:
    found = [r for r in relations if {r.subject, r.object} & set(firsts) and {r.subject, r.object} & set(seconds)
             and r.predicate != "holdsRole"]
    if found:
        relation = found[0]
        first, second = relation.subject, relation.object
    else:
        first, second = min(((a, b) for a in firsts for b in seconds),
                            key=lambda pair: len(_path_tokens(spans[pair[0]].span.root, spans[pair[1]].span.root)))
    path = render_path(spans[first].span.root, spans[second].span.root, spans[first].mention.text,
                       spans[second].mention.text)
    notes = tuple(_rule_note(r, spans, classes, nodes) for r in found)
    reason = None if found else _why_not(first, second, spans, frames)
    return PairNote(_label(first, spans), _label(second, spans), path, notes, reason)


def _rule_note(relation: RelationMention, spans: dict[str, MentionSpan], classes: dict[str, EntityClass],
               nodes: dict[str, str]) -> RuleNote:
    subject_cls, object_cls = classes[relation.subject], classes[relation.object]
    note = None
    predicate, swap = predicate_of(relation.verb, relation.predicate, subject_cls, object_cls)
    stated = not ruled_out(relation.predicate, predicate)  # as resolution reads it
    if not stated:
        note = f"{relation.predicate} needs other classes than {subject_cls} -> {object_cls}: the graph states nothing"
    subject_node, object_node = nodes[relation.subject], nodes[relation.object]
    if relation.predicate is None:
        if swap:
            note = f"{relation.verb!r} states the relation the other way round"
        elif predicate == GENERIC:
            known = listed_relation(relation.verb)
            if known is None:
                note = f"verb phrase {relation.verb!r} is not in the lexicon: kept as the open relation {GENERIC}"
            else:
                domain, range_ = domain_and_range(known)
                note = (f"{relation.verb!r} means {known}, which needs {domain} -> {range_}, but the classes are "
                        f"{subject_cls} -> {object_cls}: kept as {GENERIC}")
    if relation.factuality == Factuality.NEGATED:
        note = (note + "; " if note else "") + "negated: kept, marked negated (kg evaluate leaves it out)"
    return RuleNote(relation.rule, _label(relation.subject, spans), relation.verb, _label(relation.object, spans),
                    predicate, relation.factuality, note, *((object_node, subject_node) if swap else
                                                            (subject_node, object_node)), stated)


def _why_not(first: str, second: str, spans: dict[str, MentionSpan], frames: dict[int, VerbFrame]) -> str:
    """Why no rule related two mentions, read off the verbs on the path between them."""
    a, b = spans[first].span.root, spans[second].span.root
    path = _path_tokens(a, b)
    verbs = [token for token in path if token.i in frames and token.i not in (a.i, b.i)]
    names = {first: spans[first].mention.text, second: spans[second].mention.text}
    if not verbs:
        return ("no verb links them: the path runs through " + (", ".join(repr(t.text) for t in path[1:-1])
                or "nothing") + ", and the verb rules only relate a verb's subject to its objects")
    for verb in verbs:
        frame = frames[verb.i]
        for subject, other in ((first, second), (second, first)):
            if subject in frame.subjects:
                arguments = [f"{phrase!r} ({rule})" for phrase, rule, _, _ in frame.arguments]
                return (f"{names[subject]} is the subject of {verb.text!r}, but {names[other]} is none of its "
                        f"objects or prepositional objects (its arguments: " + (", ".join(arguments) or "none") + ")")
    for mention in (first, second):
        root = spans[mention].span.root
        if root.dep_ in MODIFIER_DEPS and root.head.pos_ in ("NOUN", "PROPN") and (root.dep_ == "poss"
                or spans[mention].mention.cls == EntityClass.PERSON or root.head.lower_ in TITLE_WORDS):
            return (f"{names[mention]} only modifies {root.head.text!r} ({root.dep_}), and the rules do not take "
                    "a possessor, a person or the modifier of a title for the noun it modifies")
    described = []
    for verb in verbs:
        subjects = [child.text for child in verb.children if child.dep_ in ("nsubj", "nsubjpass", "csubj")]
        described.append(f"{verb.text!r} ({verb.dep_}, subject: {', '.join(subjects) or 'none found'})")
    return (f"neither {names[first]} nor {names[second]} is the subject of a verb on the path: "
            + "; ".join(described))


def _path_tokens(a: Token, b: Token) -> list[Token]:
    """The tokens from ``a`` up to the lowest common ancestor and down to ``b``."""
    up = [a, *a.ancestors]
    down = [b, *b.ancestors]
    down_ids = [token.i for token in down]
    for position, token in enumerate(up):
        if token.i in down_ids:
            return up[:position + 1] + list(reversed(down[:down_ids.index(token.i)]))
    return up + list(reversed(down))  # different sentences: no common ancestor


def render_path(a: Token, b: Token, a_text: str | None = None, b_text: str | None = None) -> str:
    """The dependency path between two tokens, arrows pointing from head to dependent.

    >>> from kg.nlp import load_pipeline
    >>> doc = load_pipeline()("Blinken will meet with Netanyahu.")
    >>> render_path(doc[0], doc[4])
    'Blinken <-nsubj- meet -prep-> with -pobj-> Netanyahu'
    """
    path = _path_tokens(a, b)
    words = [token.text for token in path]
    words[0] = a_text or words[0]
    words[-1] = b_text or words[-1]
    parts = [words[0]]
    for position in range(1, len(path)):
        previous, token = path[position - 1], path[position]
        if previous.head.i == token.i and previous.i != token.i:
            parts.append(f"<-{previous.dep_}- {words[position]}")
        elif token.head.i == previous.i:
            parts.append(f"-{token.dep_}-> {words[position]}")
        else:
            parts.append(f"... {words[position]}")
    return " ".join(parts)


def _news_notes(document: Document, doc: Doc, mentions: list[Mention],
                relations: list[RelationMention]) -> list[tuple[int, LearnedNote]]:
    """The news model's view (:mod:`kg.learn.news`), after its entity decisions and its check of
    the rules' statements, as in a build:
    each pair it weighs whose likeliest relation is at least :data:`NEWS_NOTE_FLOOR` likely or
    that the rules relate, by sentence."""
    from kg.learn.news import document_features, entities_decided, load_news_model, rejected_by_check
    from kg.learn.newsstatements import statements

    model = load_news_model(doc.user_data[NEWS_MODEL_KEY])
    analysis = entities_decided(DocumentAnalysis(document, (), tuple(mentions), tuple(relations)), doc, model)
    found, features = document_features(analysis, doc, model.pairs_read)
    if not found:
        return []
    taken_out = rejected_by_check(analysis, found, features, model)
    stated: dict[tuple[str, str], set[str]] = {}  # what the rules state between two names, either way round
    for statement in statements(analysis):
        said = ("NEG_" if statement.relation.factuality == Factuality.NEGATED else "") + statement.predicate
        if statement.relation in taken_out:
            said += " taken out by the check"
        stated.setdefault((statement.subject.name, statement.object.name), set()).add(said)
        stated.setdefault((statement.object.name, statement.subject.name), set()).add(f"{said} (the other way)")
    header = (f"news model: the pairs it weighs (it adds a relation at {model.thresholds.add:.2f} or more; "
              + (f"it keeps the rules' own at {model.keep:.2f} or more)" if model.keep > 0
                 else "the rules' own stand)"))
    notes = []
    for candidate, row in zip(found, model.classifier.probabilities(features), strict=True):
        ranked = sorted(((float(p), label) for p, label in zip(row, model.classifier.classes, strict=True)
                         if label != NO_RELATION), reverse=True)
        probability, label = ranked[0]
        rules = tuple(sorted(stated.get((candidate.head_referent.name, candidate.tail_referent.name), set())))
        if probability < NEWS_NOTE_FLOOR and not rules:
            continue
        notes.append((candidate.sentence, LearnedNote(
            candidate.head.text, str(candidate.head_referent.cls), candidate.tail.text,
            str(candidate.tail_referent.cls), label, round(probability, 3), probability >= model.thresholds.add,
            rules, header)))
    return notes


def as_json(explanations: list[Explanation]) -> dict[str, Any]:
    """Explanations as plain JSON-ready data (a sentence's ``learned`` only when a trained model read it)."""
    documents = [asdict(explanation) for explanation in explanations]
    for document in documents:
        for sentence in document["sentences"]:
            if not sentence["learned"]:
                del sentence["learned"]
    return {"documents": documents}


def render_text(explanations: list[Explanation]) -> str:
    """The explanations as the text ``kg explain`` prints."""
    lines: list[str] = []
    for explanation in explanations:
        if len(explanations) > 1:
            lines += [f"== {explanation.document}", ""]
        for sentence in explanation.sentences:
            lines.append(f"[{sentence.number}] {sentence.text}")
            if not sentence.entities and not sentence.pronouns:
                lines += ["  no entities", ""]
                continue
            if sentence.entities:
                lines.append("  entities:")
            for entity in sentence.entities:
                extra = []
                if (ner_class(entity.ner) or entity.cls) != entity.cls:
                    extra.append(f"NER said {entity.ner}")
                if entity.title:
                    extra.append(f"title split off: {entity.title}")
                if entity.holder:
                    extra.append(f"held by {entity.holder}")
                suffix = f" ({'; '.join(extra)})" if extra else ""
                lines.append(f"    {entity.text}: {entity.cls}{suffix}")
            if sentence.pronouns:
                lines.append("  pronouns:")
                for pronoun in sentence.pronouns:
                    lines.append(f"    {pronoun.text} -> {pronoun.antecedent} ({pronoun.reason})")
            if not sentence.pairs:
                lines.append("  pairs: fewer than two entities, so no relation to find")
            for pair in sentence.pairs:
                lines.append(f"  {pair.first} / {pair.second}")
                lines.append(f"    path: {pair.path}")
                for rule in pair.relations:
                    lines.append(f"    fired: {rule.rule}: {rule.subject} -[{rule.verb}]-> {rule.object} = "
                                 f"{rule.predicate}, {rule.factuality}")
                    if rule.note:
                        lines.append(f"      note: {rule.note}")
                if pair.reason:
                    lines.append(f"    no rule fired: {pair.reason}")
            if sentence.learned:
                lines.append(f"  {sentence.learned[0].model}:")
            for learned in sentence.learned:
                verdict = "kept" if learned.kept else "below the threshold"
                rules = ", ".join(learned.rules) or "nothing"
                lines.append(f"    {learned.head} ({learned.head_label}) -> {learned.tail} ({learned.tail_label}): "
                             f"{learned.relation} {learned.probability:.2f}, {verdict}; the rules: {rules}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
