"""Stage 4: relations between mentions, read off the dependency parse.

Rules, each a small function over one sentence's tokens:

- ``svo``: subject - verb - object ("Israel attacked Hamas"), passive voice included;
- ``verb-prep``: verb + preposition ("travel to Israel", "meet with Netanyahu");
- ``verb-noun-prep``: light verb + noun + preposition ("hold talks with X");
- ``object-control``: "get Netanyahu to agree" makes Netanyahu the object of "get";
- control chains give an infinitive its subject ("Blinken plans to visit Israel");
- ``title`` and ``apposition``: roles and the organisations named in them;
- ``capital``: "Gaza City, the territory's capital" places a city in the region named before;
- ``speech``: a speaker says something about the entities in the reported clause.

Each relation carries its factuality (asserted, planned, negated, reported, hypothetical),
read from auxiliaries, negation and the verbs that govern it. The verb phrase is mapped to a
closed relation later (:mod:`kg.lexicon`), once both sides' classes are known.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from spacy.tokens import Doc, Span, Token

from kg.coref import coreferent_mentions
from kg.mentions import TITLE_WORDS, MentionSpan, find_mentions
from kg.model import Document, DocumentAnalysis, RelationMention, Sentence

SPEECH_VERBS = frozenset("""
    say tell state report announce claim add declare confirm deny insist warn write explain
    note argue suggest allege reply respond testify acknowledge admit
""".split())
PLAN_VERBS = frozenset("plan intend schedule prepare expect aim propose promise vow pledge".split())
ATTEMPT_VERBS = frozenset("try attempt seek want hope wish strive struggle ask urge".split())
FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo", "’ll"})
MODAL_AUX = frozenset({"would", "could", "might", "may", "should", "must", "can", "ca"})
LEADER_WORDS = frozenset("""
    president premier chancellor king queen leader chairman chairwoman chair ceo head mayor
    governor emperor founder
""".split())
SUBORDINATE_WORDS = frozenset({"vice", "deputy", "assistant", "former", "ex", "acting", "under"})
PLACE_NOUNS = frozenset("""
    country territory region state nation province island strip enclave republic kingdom
    area district county
""".split())
CAPITAL_WORDS = ("capital", "largest city", "biggest city")
QUOTED = re.compile(r"[“\"][^”\"]*[”\"]")

#: How much each rule is trusted; arguments found through a modifier ("Hamas militants") cost more.
CONFIDENCE = {
    "svo": 0.8,
    "verb-prep": 0.75,
    "verb-noun-prep": 0.65,
    "object-control": 0.6,
    "title": 0.9,
    "apposition": 0.85,
    "title-affiliation": 0.75,
    "capital": 0.8,
    "speech": 0.55,
}
MODIFIER_PENALTY = 0.8


def analyse(document: Document, doc: Doc) -> DocumentAnalysis:
    """Mentions and relations of one parsed document: a pure function of its input."""
    mention_spans = document_mentions(doc)
    sentences = tuple(
        Sentence(start=sent.start_char, end=sent.end_char, text=sent.text.strip()) for sent in doc.sents
    )
    relations = tuple(extract_relations(doc, mention_spans))
    return DocumentAnalysis(
        document=document,
        sentences=sentences,
        mentions=tuple(item.mention for item in mention_spans),
        relations=relations,
    )


def document_mentions(doc: Doc) -> list[MentionSpan]:
    """The named mentions in text order, then the pronouns and descriptions :mod:`kg.coref` links to them."""
    mention_spans = find_mentions(doc)
    return mention_spans + coreferent_mentions(doc, mention_spans)


def extract_relations(doc: Doc, mention_spans: list[MentionSpan]) -> list[RelationMention]:
    """Every relation the rules find, without duplicates, in text order."""
    extractor = _SentenceRules(doc, mention_spans)
    found: dict[tuple[int, int, str, str | None], RelationMention] = {}
    for relation in extractor.all_relations():
        key = (relation.subject, relation.object, relation.verb, relation.predicate)
        if key not in found or found[key].confidence < relation.confidence:
            found[key] = relation
    return sorted(found.values(), key=lambda r: (r.sentence, r.subject, r.object, r.verb))


class _SentenceRules:
    """The rules, sharing the token -> mention index of one document."""

    def __init__(self, doc: Doc, mention_spans: list[MentionSpan]) -> None:
        self.doc = doc
        self.mention_spans = mention_spans
        self.mention_at: dict[int, int] = {}
        for index, item in enumerate(mention_spans):
            if item.mention.cls != "Role":
                for token in item.span:
                    self.mention_at.setdefault(token.i, index)
        self.sentence_of = {sent.start: number for number, sent in enumerate(doc.sents)}

    def all_relations(self) -> Iterator[RelationMention]:
        for token in self.doc:
            if token.pos_ in ("VERB", "AUX"):
                yield from self.verb_relations(token)
        yield from self.role_relations()
        yield from self.capital_relations()

    # ------------------------------------------------------------ arguments

    def entities(self, token: Token, penalty: float = 1.0) -> list[tuple[int, float]]:
        """Mentions a syntactic argument stands for, with a confidence factor; follows "and"."""
        found: list[tuple[int, float]] = []
        if token.i in self.mention_at:
            found.append((self.mention_at[token.i], penalty))
        else:
            for child in token.children:
                index = self.mention_at.get(child.i)
                if index is None:
                    continue
                cls = self.mention_spans[index].mention.cls
                if child.dep_ == "appos" and child.i > token.i:
                    found.append((index, penalty))
                elif child.dep_ in ("compound", "amod", "nmod") and cls != "Person" and token.lower_ not in TITLE_WORDS:
                    # "Hamas militants" are Hamas; "the Jordanian Foreign Minister" is a person, not Jordanians
                    found.append((index, penalty * MODIFIER_PENALTY))
        for child in token.children:
            if child.dep_ == "conj":
                found.extend(self.entities(child, penalty))
        unique: dict[int, float] = {}
        for index, factor in found:
            unique[index] = max(factor, unique.get(index, 0.0))
        return list(unique.items())

    def subjects(self, verb: Token, depth: int = 0) -> list[Token]:
        """Who does what the verb says: its own subject, or the one it inherits by control."""
        own = [child for child in verb.children if child.dep_ in ("nsubj", "csubj")]
        if own:
            return own
        agents = [
            pobj for child in verb.children if child.dep_ == "agent"
            for pobj in child.children if pobj.dep_ == "pobj"
        ]
        if agents:
            return agents
        passive = [child for child in verb.children if child.dep_ == "nsubjpass"]
        if passive:
            return passive
        if depth < 6 and verb.dep_ in ("xcomp", "advcl", "conj") and verb.head is not verb:
            return self.subjects(verb.head, depth + 1)
        if verb.dep_ == "relcl":
            return [verb.head]
        return []

    def objects(self, verb: Token) -> Iterator[tuple[str, str, Token]]:
        """(verb phrase, rule, argument token) for each object the verb takes."""
        lemma = verb.lemma_.lower()
        particle = " ".join(child.lower_ for child in verb.children if child.dep_ == "prt")
        base = f"{lemma} {particle}".strip()
        has_agent = any(child.dep_ == "agent" for child in verb.children)
        for child in verb.children:
            if child.dep_ in ("dobj", "dative", "attr", "oprd") or (child.dep_ == "nsubjpass" and has_agent):
                if self.entities(child):
                    yield base, "svo", child
                else:
                    for prep in child.children:
                        if prep.dep_ == "prep":
                            for pobj in _pobjs(prep):
                                yield f"{base} {child.lemma_.lower()} {prep.lower_}", "verb-noun-prep", pobj
            elif child.dep_ == "prep":
                for pobj in _pobjs(child):
                    yield f"{base} {child.lower_}", "verb-prep", pobj
            elif child.dep_ == "ccomp" and _is_infinitive(child):
                for subject in child.children:
                    if subject.dep_ == "nsubj":
                        yield base, "object-control", subject

    # ------------------------------------------------------------ rules

    def verb_relations(self, verb: Token) -> Iterator[RelationMention]:
        subjects = [pair for token in self.subjects(verb) for pair in self.entities(token)]
        if not subjects:
            return
        factuality = self.factuality(verb)
        time = self.time_of(verb)
        for phrase, rule, argument in self.objects(verb):
            for subject, subject_factor in subjects:
                for obj, object_factor in self.entities(argument):
                    if subject == obj:
                        continue
                    yield self.relation(
                        subject, obj, verb, phrase, None, factuality, rule,
                        CONFIDENCE[rule] * subject_factor * object_factor, time,
                    )
        if verb.lemma_.lower() in SPEECH_VERBS:
            for clause in verb.children:
                if clause.dep_ != "ccomp":
                    continue
                for token in clause.subtree:
                    index = self.mention_at.get(token.i)
                    if index is None or token.i != self.mention_spans[index].span.root.i:
                        continue
                    for subject, factor in subjects:
                        if subject != index:
                            yield self.relation(
                                subject, index, verb, verb.lemma_.lower(), "says", factuality,
                                "speech", CONFIDENCE["speech"] * factor, time,
                            )

    def role_relations(self) -> Iterator[RelationMention]:
        """holdsRole for each title, and worksFor / spokespersonFor / leads for the organisation in it."""
        index_of = {(item.mention.start, item.mention.cls): i for i, item in enumerate(self.mention_spans)}
        for role_index, item in enumerate(self.mention_spans):
            if item.mention.cls != "Role" or item.owner is None:
                continue
            person = index_of.get((item.owner.start_char, "Person"))
            if person is None:
                continue
            rule = "apposition" if item.span.start > item.owner.start else "title"
            anchor = item.owner.root
            yield self.relation(
                person, role_index, anchor, "be", "holdsRole", "asserted", rule, CONFIDENCE[rule], None
            )
            predicate = _affiliation_predicate(item.span)
            for organisation in self.affiliations(item.span):
                cls = self.mention_spans[organisation].mention.cls
                if cls in ("Person", "Event"):
                    continue
                yield self.relation(
                    person, organisation, anchor, "be", predicate, "asserted", "title-affiliation",
                    CONFIDENCE["title-affiliation"], None,
                )

    def affiliations(self, title: Span) -> list[int]:
        """Mentions inside a title, or the possessor just before it ("Israel's Prime Minister")."""
        found = []
        for token in title:
            index = self.mention_at.get(token.i)
            if index is not None and index not in found:
                found.append(index)
        start = title.start
        if start >= 2 and self.doc[start - 1].tag_ == "POS":
            index = self.mention_at.get(start - 2)
            if index is not None and index not in found:
                found.append(index)
        return found

    def capital_relations(self) -> Iterator[RelationMention]:
        """"X, the territory's capital" / "X, Y's capital" / "X, the capital of Y": X locatedIn Y."""
        places = [i for i, item in enumerate(self.mention_spans) if item.mention.cls == "Place"]
        for position, index in enumerate(places):
            span = self.mention_spans[index].span
            words = [token.lower_ for token in self.doc[span.end: span.end + 8]]
            text = " ".join(words).replace("’", "'")
            container: int | None = None
            if not text.startswith(","):
                continue
            after = text[1:].strip()
            for capital in CAPITAL_WORDS:
                if after.startswith("the capital of") or after.startswith(f"the {capital} of"):
                    container = self._place_after(span.end, limit=8)
                elif re.match(rf"the (\w+) 's {capital}\b", after):
                    noun = after.split()[1]
                    if noun in PLACE_NOUNS:
                        container = self._place_before(places[:position], span)
                elif re.match(rf"[\w ]+ 's {capital}\b", after):
                    container = self._place_after(span.end, limit=6)
                if container is not None:
                    break
            if container is not None and container != index:
                yield self.relation(
                    index, container, span.root, "be capital of", "locatedIn", "asserted",
                    "capital", CONFIDENCE["capital"], None,
                )

    def _place_before(self, candidates: list[int], span: Span) -> int | None:
        name = self.mention_spans[self.mention_at[span.root.i]].mention.name
        for index in reversed(candidates):
            if self.mention_spans[index].mention.name != name:
                return index
        return None

    def _place_after(self, start: int, *, limit: int) -> int | None:
        for token in self.doc[start: start + limit]:
            index = self.mention_at.get(token.i)
            if index is not None and self.mention_spans[index].mention.cls == "Place":
                return index
        return None

    # ------------------------------------------------------------ qualifiers

    def factuality(self, verb: Token) -> str:
        """How the text presents what the verb says, from the verb and those that govern it."""
        negated = hypothetical = planned = reported = False
        token = verb
        same_clause = True
        for _ in range(8):
            auxiliaries = {child.lower_ for child in token.children if child.dep_ in ("aux", "auxpass")}
            if same_clause:
                negated |= any(child.dep_ == "neg" for child in token.children)
                planned |= bool(auxiliaries & FUTURE_AUX)
                hypothetical |= bool(auxiliaries & MODAL_AUX)
                if token is not verb:
                    hypothetical |= token.lemma_.lower() in ATTEMPT_VERBS
                    planned |= token.lemma_.lower() in PLAN_VERBS
            head = token.head
            if head is token:
                break
            if token.dep_ in ("xcomp", "conj"):
                pass
            elif token.dep_ == "ccomp":
                reported |= head.lemma_.lower() in SPEECH_VERBS
                same_clause = same_clause and _is_infinitive(token)
            elif token.dep_ == "advcl" and _is_infinitive(token):
                planned = True
                same_clause = False
            else:
                break
            token = head
        reported |= self._quoted(verb)
        if negated:
            return "negated"
        if hypothetical:
            return "hypothetical"
        if planned:
            return "planned"
        return "reported" if reported else "asserted"

    def _quoted(self, token: Token) -> bool:
        sentence = token.sent
        offset = token.idx - sentence.start_char
        return any(match.start() < offset < match.end() for match in QUOTED.finditer(sentence.text))

    def time_of(self, verb: Token) -> str | None:
        """A date or time expression attached to the verb ("visit Israel this Friday")."""
        for entity in verb.sent.ents:
            if entity.label_ not in ("DATE", "TIME"):
                continue
            head = entity.root.head
            if head.i == verb.i or (head.dep_ == "prep" and head.head.i == verb.i):
                return entity.text.strip()
        return None

    def relation(
        self, subject: int, obj: int, anchor: Token, verb: str, predicate: str | None,
        factuality: str, rule: str, confidence: float, time: str | None,
    ) -> RelationMention:
        return RelationMention(
            subject=subject,
            object=obj,
            verb=verb,
            predicate=predicate,
            factuality=factuality,
            rule=rule,
            confidence=round(confidence, 2),
            sentence=self.sentence_of[anchor.sent.start],
            time=time,
        )


def _pobjs(prep: Token) -> list[Token]:
    return [child for child in prep.children if child.dep_ == "pobj"]


def _is_infinitive(clause: Token) -> bool:
    return any(child.dep_ == "aux" and child.lower_ == "to" for child in clause.children)


def _affiliation_predicate(title: Span) -> str:
    words = {token.lower_ for token in title}
    if any(word.startswith("spokes") for word in words):
        return "spokespersonFor"
    if words & SUBORDINATE_WORDS:
        return "worksFor"
    if words & LEADER_WORDS or "prime" in words:
        return "leads"
    return "worksFor"


class VerbFrame(NamedTuple):
    """What the verb rules see at one verb: the mentions of its subjects and of each argument.

    Not used to extract anything; :mod:`kg.explain` reads it to say why two mentions got no
    relation (neither is the verb's subject, the other is no argument of it, ...).
    """

    verb: Token
    subjects: list[int]
    arguments: list[tuple[str, str, Token, list[int]]]  # (verb phrase, rule, argument token, its mentions)


def verb_frames(doc: Doc, mention_spans: list[MentionSpan]) -> list[VerbFrame]:
    """The subjects and arguments the verb rules find at every verb of ``doc``, in text order."""
    rules = _SentenceRules(doc, mention_spans)
    frames = []
    for token in doc:
        if token.pos_ in ("VERB", "AUX"):
            subjects = [index for subject in rules.subjects(token) for index, _ in rules.entities(subject)]
            arguments = [
                (phrase, rule, argument, [index for index, _ in rules.entities(argument)])
                for phrase, rule, argument in rules.objects(token)
            ]
            frames.append(VerbFrame(token, subjects, arguments))
    return frames
