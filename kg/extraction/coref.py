"""Stage 4: link pronouns and definite descriptions to the mention they stand for, inside one document.

No coreference package installs alongside spaCy 3.8 (coreferee and neuralcoref need older
releases), so this is a small rule-based resolver in the tradition of Hobbs (1978) and
Lappin & Leass (1994):

- agreement on class: he/him/his/she/her -> a Person; it/its -> an Organization
  or a Place, and only one that is a subject ("Israel said it would"): news uses "it" mostly
  for things kg has no node for (a deadline, a decision); they/them/their -> an Organization
  or a Group (kg has no plural people);
- agreement on gender where the text tells it (:mod:`kg.extraction.gender`): "she" never
  stands for Mr Smith nor "he" for Queen Elizabeth; a first name's usual gender only makes the
  other unlikely: "she" is John Smith only when no one else fits (a man may be called Ginger);
  a person the text says nothing of may be either;
- binding: a pronoun is never a co-argument of its antecedent. "Blinken met him": him is not
  Blinken; nor in "Blinken will try to get him to agree", where Blinken is the subject of
  "get" by control and "him" is its object;
- salience: recency (this sentence 100, the one before 50, ...) plus grammatical role
  (subject 80, object 50, prepositional object 40, modifier 20), taking each entity's best
  mention, 35 more when it has the pronoun's role (a subject for a subject), and 10 for each
  further mention in the window, so the entity a passage is about wins over a passing name;
  30 more for the subject of the clause the pronoun's clause hangs from ("May stepped down
  after she failed"); a source ("according to the BBC") is never in focus, and a candidate
  scoring under 75 (a name in an apposition two sentences back) is no antecedent at all;
- quotations: a pronoun inside quotation marks is linked only to a mention inside the same
  quotation, because whose words they are, and so who "he" is, is unclear;
- cataphora: a pronoun in a phrase before the main clause ("Upon his departure, Blinken
  said") is the main clause's subject;
- descriptions: "the secretary" is the last person whose title holds "secretary"; "the
  company", "the group", "the country" are the most salient Organization / Group / Place.

What it cannot do: gender the text does not tell (he/she both fit "Smith" or "Kim Lee"),
plural people ("Biden and Xi ... they"),
events and clauses as antecedents ("it" for a decision), and anything needing world knowledge.
"""

from __future__ import annotations

from typing import NamedTuple

from spacy.tokens import Doc, Span, Token

from kg.data.words import description_classes, pronoun_classes, word_list
from kg.extraction.gender import mention_gender, pronoun_gender
from kg.extraction.spans import MentionSpan
from kg.extraction.titles import TITLE_WORDS
from kg.model import EntityClass, Mention, mention_id
from kg.nlp import is_infinitive, quotation_at, sentence_numbers, sentence_of, tokens_among
from kg.resolution.clusters import document_clusters, mention_classes

PERSON = frozenset({EntityClass.PERSON})
#: Pronoun -> the classes its antecedent may have (``kg/data/classes.json``).
PRONOUN_CLASSES = pronoun_classes()
#: Head nouns of descriptions ("the company") -> the classes of what they describe.
NOMINAL_CLASSES = description_classes()
#: The words a pronoun or a description can start with: the only tokens the resolver looks at.
REFERRING_WORDS = frozenset(PRONOUN_CLASSES) | frozenset(NOMINAL_CLASSES) | TITLE_WORDS
#: Sentences back a pronoun looks for its antecedent: people stay in focus longer than things.
WINDOW = {EntityClass.PERSON: 3, EntityClass.ORGANIZATION: 1, EntityClass.PLACE: 1, EntityClass.GROUP: 1}
ROLE_WEIGHT = {"nsubj": 80, "nsubjpass": 80, "csubj": 80, "dobj": 50, "dative": 50, "attr": 50, "pobj": 40}
MODIFIER_WEIGHT = 20
PARALLEL_ROLE = 35
REPEATED = 10
GOVERNING_SUBJECT = 30
MIN_SCORE = 75
ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "dobj", "dative", "attr", "oprd", "agent"})
#: Verbs whose subject "it" refers to nothing ("it is clear that", "it seems").
IMPERSONAL_VERBS = word_list("impersonal_verbs")


class CorefLink(NamedTuple):
    """A pronoun or description, the id of the mention it stands for, and why that one."""

    span: Span
    antecedent: str
    reason: str


class _Link(NamedTuple):
    """A link as the resolver finds it: the antecedent by its place in the mentions it was given."""

    span: Span
    antecedent: int
    reason: str


class _Focus(NamedTuple):
    """One mention of an entity, as salience sees it."""

    entity: int
    sentence: int
    token: int
    weight: int
    mention: int


def coreferent_mentions(doc: Doc, mention_spans: list[MentionSpan]) -> list[MentionSpan]:
    """New mentions, one per linked pronoun or description, to append after ``mention_spans``.

    Each has the antecedent's name and class and ``antecedent`` set to its id, so the
    relation rules treat "him" as a mention of Netanyahu and :mod:`kg.resolution.entities` puts it in his
    entity without ever calling him "him".
    """
    sentence_index = sentence_numbers(doc)
    mentions = [item.mention for item in mention_spans]
    clusters = document_clusters(mentions)  # once, for the classes here and the resolver's entities
    classes = mention_classes(mentions, clusters)
    by_id = {item.mention.id: item.mention for item in mention_spans}
    added = []
    for link in find_links(doc, mention_spans, clusters):
        antecedent = by_id[link.antecedent]
        cls = classes[link.antecedent]
        added.append(MentionSpan(
            Mention(
                id=mention_id(link.span.start_char, link.span.end_char, cls),
                start=link.span.start_char, end=link.span.end_char, text=link.span.text, name=antecedent.name,
                cls=cls, label="PRON" if len(link.span) == 1 else "NOMINAL",
                sentence=sentence_index[link.span.start], antecedent=link.antecedent,
            ),
            link.span,
        ))
    return added


def find_links(doc: Doc, mention_spans: list[MentionSpan], clusters: list[list[str]] | None = None) -> list[CorefLink]:
    """Every pronoun and description of ``doc`` that the rules can link, in text order.

    ``antecedent`` is the id of a named mention, never of another pronoun. ``clusters``: the
    mentions' :func:`~kg.resolution.clusters.document_clusters`, when the caller has them.
    """
    return [CorefLink(link.span, mention_spans[link.antecedent].mention.id, link.reason)
            for link in _Resolver(doc, mention_spans, clusters).links()]


class _Resolver:
    def __init__(self, doc: Doc, mention_spans: list[MentionSpan], clusters: list[list[str]] | None = None) -> None:
        self.doc = doc
        self.mention_spans = mention_spans
        mentions = [item.mention for item in mention_spans]
        position = {mention.id: index for index, mention in enumerate(mentions)}
        if clusters is None:
            clusters = document_clusters(mentions)
        by_id = mention_classes(mentions, clusters)
        self.classes = [by_id[mention.id] for mention in mentions]
        self.entity_of: dict[int, int] = {}
        for number, members in enumerate(clusters):
            for mention_id_ in members:
                self.entity_of[position[mention_id_]] = number
        self.named = [
            index for index, item in enumerate(mention_spans)
            if item.mention.cls != EntityClass.ROLE and item.mention.antecedent is None
        ]
        self.gender = self._genders()
        self.covered = {i for item in mention_spans for i in range(item.span.start, item.span.end)}
        self.sentence_of = sentence_numbers(doc)
        self.role_weights: dict[int, int] = {}  # token -> its role's weight (see _role_weight)
        self.focus = [self._focus(index, mention_spans[index].span) for index in self.named]

    def _genders(self) -> dict[int, tuple[str, bool]]:
        """Each person's gender, by entity, and whether the text says it outright (else a first
        name makes it likely), where their names tell it and do not disagree."""
        found: dict[int, tuple[str, bool] | None] = {}
        for index in self.named:
            if self.classes[index] != EntityClass.PERSON:
                continue
            told = mention_gender(self.mention_spans[index].span)
            if told is None:
                continue
            entity = self.entity_of[index]
            known = found.get(entity, told)
            if known is None or known[0] != told[0]:
                found[entity] = None  # the names disagree: nothing is known
            else:
                found[entity] = (told[0], known[1] or told[1])
        return {entity: told for entity, told in found.items() if told is not None}

    def _focus(self, index: int, span: Span) -> _Focus:
        return _Focus(self.entity_of[index], self.sentence_of[span.root.i], span.start,
                      _role_weight(span.root, self.role_weights), index)

    def links(self) -> list[_Link]:
        found = []
        for token in tokens_among(self.doc, REFERRING_WORDS):
            if token.i in self.covered:
                continue
            link = self._pronoun(token) if _is_pronoun(token) else self._description(token)
            if link is not None:
                found.append(link)
                # A linked pronoun keeps its entity in focus, as a name would.
                span = link.span
                self.focus.append(_Focus(self.entity_of[link.antecedent], self.sentence_of[span.root.i],
                                         span.start, _role_weight(span.root, self.role_weights), link.antecedent))
        return found

    # ------------------------------------------------------------ pronouns

    def _pronoun(self, token: Token) -> _Link | None:
        word = token.lower_
        if word == "it" and _is_pleonastic(token):
            return None
        allowed = PRONOUN_CLASSES[word]
        if word == "her" and token.dep_ == "poss":
            allowed = PERSON
        cataphor = self._cataphor(token, allowed)
        if cataphor is not None:
            return _Link(self.doc[token.i:token.i + 1], cataphor, "subject of the main clause that follows")
        return self._most_salient(self.doc[token.i:token.i + 1], allowed, f"{word!r} needs {_any_of(allowed)}",
                                  subjects_only=word in ("it", "its"))

    def _cataphor(self, token: Token, allowed: frozenset[str]) -> int | None:
        """The main subject, for a pronoun in a phrase that opens the sentence before that subject."""
        root = sentence_of(token).root
        subjects = [child for child in root.children if child.dep_ in ("nsubj", "nsubjpass")]
        if not subjects or token.i > subjects[0].i:
            return None
        opener = token
        while opener.head.i != root.i and opener.head is not opener:
            opener = opener.head
        if opener.dep_ not in ("prep", "advcl", "npadvmod") or opener.i > subjects[0].i:
            return None
        for index in self.named:
            span = self.mention_spans[index].span
            if span.root.i == subjects[0].i and self.classes[index] in allowed:
                return index
        return None

    # ------------------------------------------------------------ descriptions

    def _description(self, token: Token) -> _Link | None:
        """ "the secretary" -> the person with that title; "the company" -> the salient organisation."""
        word = token.lower_
        if token.pos_ != "NOUN" or not (word in TITLE_WORDS or word in NOMINAL_CLASSES):
            return None
        children = list(token.children)
        if (token.dep_ in ("compound", "poss") or not any(c.dep_ == "det" and c.lower_ == "the" for c in children)
                or any(c.dep_ not in ("det", "punct", "relcl", "acl") for c in children)):
            return None  # "the secretary of state", "the group's leader": not a bare description
        if token.i + 1 < len(self.doc) and self.doc[token.i + 1].pos_ == "PROPN":
            return None  # "the minister Ayman Safadi" names its referent itself
        span = self.doc[token.i - 1:token.i + 1] if token.i and self.doc[token.i - 1].lower_ == "the" else token.doc[
            token.i:token.i + 1]
        if word in TITLE_WORDS:
            return self._title_holder(span, word)
        return self._most_salient(span, NOMINAL_CLASSES[word], f"'the {word}' needs {_any_of(NOMINAL_CLASSES[word])}")

    def _title_holder(self, span: Span, word: str) -> _Link | None:
        """The last person before ``span`` who holds a title with ``word`` in it."""
        holders: dict[int, int] = {}
        person_at = {self.mention_spans[index].span.start_char: index for index in self.named}
        for item in self.mention_spans:
            if item.mention.cls != EntityClass.ROLE or item.owner is None or item.span.start >= span.start:
                continue
            if word in {token.lower_ for token in item.span} and item.owner.start_char in person_at:
                person = person_at[item.owner.start_char]
                holders[self.entity_of[person]] = item.mention.start
        if not holders:
            return None
        entity = max(holders, key=lambda number: holders[number])
        mentions = [f for f in self.focus if f.entity == entity and f.token < span.start and f.mention in self.named]
        latest = max(mentions, key=lambda f: f.token).mention
        return _Link(span, latest, f"holds a title with {word!r}")

    # ------------------------------------------------------------ salience

    def _most_salient(
        self, span: Span, allowed: frozenset[str], agreement: str, *, subjects_only: bool = False
    ) -> _Link | None:
        token = span.root
        sentence = self.sentence_of[token.i]
        quotation = self._quotation(token.idx)
        bound = self._bound_tokens(token)
        governing = {t.i for subject in _governing_subjects(token) for t in _conjuncts(subject)}
        own_weight = _role_weight(token, self.role_weights)
        gender = pronoun_gender(token.lower_) if len(span) == 1 else None
        unlikely: set[int] = set()  # people whose first name usually means the other gender
        scores: dict[int, float] = {}
        counts: dict[int, int] = {}
        latest: dict[int, _Focus] = {}
        for focus in self.focus:
            cls = self.classes[focus.mention]
            if focus.token >= span.start or cls not in allowed:
                continue
            if subjects_only and focus.weight < ROLE_WEIGHT["nsubj"]:
                continue
            told = self.gender.get(focus.entity)
            mismatch = gender is not None and told is not None and told[0] != gender
            if mismatch and told is not None and told[1]:
                continue  # "she" is not Mr Smith
            if sentence - focus.sentence > WINDOW.get(cls, 1):
                continue
            mention_span = self.mention_spans[focus.mention].span
            if quotation is not None and self._quotation(self.doc[focus.token].idx) != quotation:
                continue
            if focus.sentence == sentence and bound & ({t.i for t in mention_span} | {focus.token}):
                continue
            if _is_source(mention_span.root):
                continue
            score = focus.weight + 100 / 2 ** (sentence - focus.sentence)
            if focus.weight == own_weight and own_weight > MODIFIER_WEIGHT:
                score += PARALLEL_ROLE
            if focus.sentence == sentence and mention_span.root.i in governing:
                score += GOVERNING_SUBJECT
            if mismatch:
                unlikely.add(focus.entity)
            scores[focus.entity] = max(score, scores.get(focus.entity, 0.0))
            counts[focus.entity] = counts.get(focus.entity, 0) + 1
            if focus.entity not in latest or latest[focus.entity].token < focus.token:
                latest[focus.entity] = focus
        if not scores:
            return None
        for entity, count in counts.items():
            scores[entity] += REPEATED * (count - 1)
        if any(score >= MIN_SCORE for entity, score in scores.items() if entity not in unlikely):
            scores = {entity: score for entity, score in scores.items() if entity not in unlikely}
        entity = max(scores, key=lambda number: (scores[number], latest[number].token))
        if scores[entity] < MIN_SCORE:
            return None
        named = [f for f in self.focus if f.entity == entity and f.token < span.start and f.mention in self.named]
        antecedent = max(named, key=lambda f: f.token).mention
        others = len(scores) - 1
        return _Link(span, antecedent, f"{agreement}; most salient of {others + 1} candidate(s) "
                         f"(score {scores[entity]:.0f})")

    def _quotation(self, offset: int) -> tuple[int, int] | None:
        return quotation_at(self.doc, offset)

    def _bound_tokens(self, token: Token) -> set[int]:
        """Tokens a (non-possessive) pronoun cannot refer to: its co-arguments, by binding theory."""
        if token.dep_ == "poss":
            return set()
        verbs = []
        head = token.head
        if token.dep_ == "pobj" and head.dep_ in ("prep", "agent"):
            head = head.head
        if head.pos_ in ("VERB", "AUX"):
            verbs.append(head)
            if head.dep_ == "ccomp" and token.dep_ == "nsubj" and is_infinitive(head):
                verbs.append(head.head)  # "get him to agree": him is the object of "get"
        bound: set[int] = set()
        for verb in verbs:
            for argument in [*_subjects(verb), *_arguments(verb)]:
                if argument.i != token.i:
                    bound.update(t.i for t in _conjuncts(argument))
        return bound


def _any_of(classes: frozenset[str]) -> str:
    """ "a Person", "an Organization or Place": the classes an antecedent may have, for a reason."""
    names = " or ".join(sorted(classes))
    return ("an " if names[0] in "AEIOU" else "a ") + names


def _role_weight(token: Token, known: dict[int, int] | None = None) -> int:
    """How much a mention's grammatical role puts its entity in focus.

    Walks up a loop, not by recursion: a run of a thousand nouns is a chain of a thousand
    compounds, deeper than Python's recursion limit. ``known`` keeps the weight of every token
    walked through (one doc's), so a list of a thousand appositions costs a walk, not a thousand."""
    walked = []
    while True:
        if known is not None and token.i in known:
            weight = known[token.i]
            break
        walked.append(token.i)
        if token.dep_ == "pobj" and token.head.dep_ == "agent":
            weight = ROLE_WEIGHT["nsubj"]  # "was killed by Ruby": Ruby is the logical subject
            break
        if token.dep_ == "nsubj" and token.head.dep_ == "ccomp" and is_infinitive(token.head):
            weight = ROLE_WEIGHT["dobj"]  # "get him to agree": him is the object of "get"
            break
        # "Hamas militants" has the role of the whole noun phrase; "The head of the police, Neil
        # Basu, said": an apposition has the role of what it is set beside
        takes_head_role = (token.dep_ in ("compound", "amod") and token.head.pos_ in ("NOUN", "PROPN")) \
            or token.dep_ == "appos"
        if not takes_head_role or token.head.i == token.i:
            weight = ROLE_WEIGHT.get(token.dep_, MODIFIER_WEIGHT)
            break
        token = token.head
    if known is not None:
        known.update(dict.fromkeys(walked, weight))
    return weight


def _governing_subjects(token: Token) -> list[Token]:
    """The subject of the nearest clause above the pronoun's own (Hobbs's walk up the tree)."""
    clause = token.head if token.dep_ in ("nsubj", "nsubjpass") else None
    for ancestor in token.ancestors:
        if ancestor.pos_ not in ("VERB", "AUX") or ancestor is clause:
            continue
        found = [child for child in ancestor.children
                 if child.dep_ in ("nsubj", "nsubjpass") and child.i != token.i and token not in child.subtree]
        if found:
            return found
    return []


def _is_source(token: Token) -> bool:
    """ "according to the BBC": the source of a report, not what the report is about."""
    prep = token.head
    return token.dep_ == "pobj" and prep.lower_ == "to" and prep.head.lower_ == "according"


def _is_pronoun(token: Token) -> bool:
    return token.lower_ in PRONOUN_CLASSES and token.tag_ in ("PRP", "PRP$")


def _is_pleonastic(token: Token) -> bool:
    """ "it is clear that", "it seems", "keep it going": an "it" that stands for nothing."""
    head = token.head
    if token.dep_ == "expl":
        return True
    if token.dep_ in ("nsubj", "nsubjpass") and head.lemma_.lower() in IMPERSONAL_VERBS:
        if any(child.dep_ in ("ccomp", "xcomp", "acomp") and child.i > token.i for child in head.children):
            return True
        # "it is Johnson's stated intent for the UK to leave": the clause that follows is what "it" is
        return any(child.dep_ == "attr" and any(is_infinitive(c) or c.dep_ == "ccomp" for c in child.subtree)
                   for child in head.children)
    if token.dep_ == "dobj":
        return any(child.dep_ in ("xcomp", "oprd", "ccomp") and child.i > token.i for child in head.children)
    return False


def _subjects(verb: Token, depth: int = 0) -> list[Token]:
    """The verb's subject, or the one it inherits by control ("Blinken plans to visit")."""
    own = [child for child in verb.children if child.dep_ in ("nsubj", "nsubjpass", "csubj")]
    if own:
        return own
    if depth < 6 and verb.dep_ in ("xcomp", "advcl", "conj") and verb.head is not verb:
        return _subjects(verb.head, depth + 1)
    return []


def _arguments(verb: Token) -> list[Token]:
    found = []
    for child in verb.children:
        if child.dep_ in ARGUMENT_DEPS:
            found.append(child)
        elif child.dep_ in ("prep", "agent"):
            found.extend(grandchild for grandchild in child.children if grandchild.dep_ == "pobj")
    return found


def _conjuncts(token: Token) -> list[Token]:
    """The token, its compound/appositive parts and everything joined to it by "and", in text
    order of the tree walk (a loop, not recursion: a run of nouns can be thousands deep)."""
    found: list[Token] = []
    pending = [token]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(reversed([child for child in current.children if child.dep_ in ("compound", "appos", "conj")]))
    return found
