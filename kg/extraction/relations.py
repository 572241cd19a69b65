"""Stage 4: relations between mentions, read off the dependency parse.

Rules, each a small function over one sentence's tokens:

- ``svo``: subject - verb - object ("Israel attacked Hamas"), passive voice included;
- ``verb-prep``: verb + preposition ("travel to Israel", "meet with Netanyahu");
- ``verb-noun-prep``: light verb + noun + preposition ("hold talks with X");
- ``object-control``: "get Netanyahu to agree" makes Netanyahu the object of "get";
- control chains give an infinitive its subject ("Blinken plans to visit Israel");
- ``title`` and ``apposition``: roles and the organisations named in them;
- ``capital``: "Gaza City, the territory's capital" places a city in the region named before;
- ``speech``: a speaker says something about the entities in the reported clause;
- ``attachment``: a phrase hanging on a name or on a noun describing it ("Virginia Towle of
  Wallingford", "Drexel Inc. in New York", "Tom Baker, an engineer with Siemens");
- ``modifier``: a place or organisation written before a name or its describing noun ("the Hong
  Kong firm X", "Atlanta businessman X", "CBS anchorman Dan Rather");
- ``comma-place``: "Aiken, S.C." places a town in the state or country written after it;
- ``place-in-place``: "Haifa in northern Israel", "the Red Cross in Khartoum", by the words;
- ``killer-noun``: "Booth, assassin of Lincoln", "Kennedy's assassin, Oswald", "the
  assassination of X by Y", and the one a sentence lays a killing on ("convicted of the murder
  of X", "the suspect in X's assassination", the latter reported, not asserted);
- ``dateline``: "Moscow, March 5 (ITAR-TASS)" and a source line "Paris AFP in English" base the
  agency in the city (not a global wire's "BANGKOK (AP)", which only says where it filed from);
- ``home``: "Nelson's hometown of Abbott", "Welk's North Dakota birthplace";
- ``headquarters``: "NRC headquarters in Rockville", "the bank's Frankfurt office";
- ``demonym``: "the Haitian Parliament" is based in Haiti when the sentence names Haiti;
- ``transitive``: someone or something in a town written "Aiken, S.C." is also in the state.

Each relation carries its factuality (asserted, planned, negated, reported, hypothetical),
read from auxiliaries, negation and the verbs that govern it. The verb phrase is mapped to a
closed relation later (:mod:`kg.extraction.predicates`), once both sides' classes are known.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import NamedTuple

from spacy.tokens import Doc, Span, Token

from kg.extraction.coref import coreferent_mentions
from kg.extraction.gazetteer import place_class
from kg.extraction.mentions import TITLE_WORDS, MentionSpan, as_people, find_mentions, is_source_line
from kg.extraction.predicates import GENERIC, LEXICON, closed_relation
from kg.model import Document, DocumentAnalysis, RelationMention, Sentence
from kg.nlp import sentence_numbers, sentences, text_of, tokens_with_lemma, tokens_with_pos

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
    governor gov emperor founder
""".split())
SUBORDINATE_WORDS = frozenset({"vice", "deputy", "assistant", "former", "ex", "acting", "under"})
PLACE_NOUNS = frozenset("""
    country territory region state nation province island strip enclave republic kingdom
    area district county
""".split())
CAPITAL_WORDS = ("capital", "largest city", "biggest city")
#: Nouns naming someone who killed someone ("the assassin of X") and the killing itself.
KILLER_NOUNS = frozenset("assassin killer murderer slayer".split())
KILLING_NOUNS = frozenset("assassination killing murder slaying shooting".split())
#: The parts of speech the verb rules start from.
VERB_TAGS = frozenset({"VERB", "AUX"})
#: Lemmas :func:`killing_parties` looks at: the verbs of killing, the killer and killing nouns.
KILLING_WORDS = frozenset(lemma for lemma, relation in LEXICON.items() if relation == "killed") \
    | KILLER_NOUNS | KILLING_NOUNS
#: What someone fires: "the shots that killed Kennedy" were fired by the killer.
INSTRUMENT_NOUNS = frozenset("shot bullet round gun rifle bomb".split())
#: Verbs whose object (or passive subject) is the one accused of what follows "of", "for", "in".
ACCUSE_VERBS = frozenset("convict accuse charge arrest indict sentence try suspect blame jail execute".split())
#: Words that only allege what follows them: "accused of", "arrested in", "the suspect in".
ALLEGE_WORDS = frozenset("accuse charge suspect arrest indict allege try".split())
#: Verbs whose subject answers for the deed after them: "pleaded guilty to", "serving 99 years for".
ANSWER_VERBS = frozenset("plead serve face confess admit act commit".split())
#: Nouns between such a verb and the deed: "a 99-year sentence for", "two counts of", "charges in".
PENALTY_NOUNS = frozenset("sentence term count charge conviction year life role part".split())
#: Nouns naming who is held to have done the deed: "the only suspect in Kennedy's assassination".
SUSPECT_NOUNS = frozenset("suspect assassin killer murderer gunman culprit perpetrator".split())
#: What a phrase hanging on a name says, by the classes of the two sides and the preposition.
ATTACHMENTS: dict[tuple[str, str, str], str] = {
    **{("Person", prep, "Place"): "livesIn" for prep in ("of", "from", "in")},
    **{("Person", prep, "Organization"): "worksFor" for prep in ("of", "at", "for", "with")},
    **{("Organization", prep, "Place"): "basedIn" for prep in ("in", "of", "at")},
    **{("Place", prep, "Place"): "locatedIn" for prep in ("in", "of")},
}
#: What a place written as a modifier of a name says ("the Atlanta businessman X").
PLACE_MODIFIER = {"Person": "livesIn", "Organization": "basedIn", "Place": "locatedIn"}
COPULAS = frozenset({"be", "become", "remain"})
#: Nouns naming where someone is from ("his hometown of Abbott").
HOME_NOUNS = frozenset("home hometown birthplace homeland".split())
#: Nouns naming an organisation's seat ("NRC headquarters in Rockville").
SEAT_NOUNS = frozenset("headquarters headquarter office offices bureau seat".split())
#: Wire services whose datelines say where a story was filed, not where they are based.
GLOBAL_WIRES = frozenset({"AP", "Associated Press", "Reuters", "UPI", "United Press International", "Bloomberg"})
COMPASS_WORDS = frozenset("""
    north south east west northern southern eastern western central northeast northwest southeast
    southwest northeastern northwestern southeastern southwestern north-east north-west south-east
    south-west upstate downtown suburban rural
""".split())
#: Words that may follow "Town, State" when the pair ends there (not a list of places).
ENDS_PLACE_PAIR = frozenset({"and", "on", "in", "at", "to", "for", "was", "is", "has", "had", "said", "says"})
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
    "attachment": 0.6,
    "modifier": 0.55,
    "place-in-place": 0.6,
    "home": 0.7,
    "headquarters": 0.75,
    "demonym": 0.6,
    "comma-place": 0.7,
    "killer-noun": 0.7,
    "dateline": 0.7,
    "transitive": 0.5,
}
MODIFIER_PENALTY = 0.8


def analyse(document: Document, doc: Doc) -> DocumentAnalysis:
    """Mentions and relations of one parsed document: a pure function of its input."""
    mention_spans = document_mentions(doc)
    text = text_of(doc)
    found_sentences = tuple(
        # the text read once, then sliced: Span.text and Doc.text join the tokens' texts on every read
        Sentence(start=start, end=end, text=text[start:end].strip())
        for start, end in ((sent.start_char, sent.end_char) for sent in sentences(doc))
    )
    relations = tuple(extract_relations(doc, mention_spans))
    return DocumentAnalysis(
        document=document,
        sentences=found_sentences,
        mentions=tuple(item.mention for item in mention_spans),
        relations=relations,
    )


def document_mentions(doc: Doc) -> list[MentionSpan]:
    """The named mentions in text order, then the pronouns and descriptions :mod:`kg.extraction.coref` links to them."""
    mention_spans = as_people(doc, find_mentions(doc), killing_parties(doc))
    return mention_spans + coreferent_mentions(doc, mention_spans)


def killing_parties(doc: Doc) -> set[int]:
    """Tokens that name a killer or a victim, so must name people: kg types them so (see :func:`as_people`).

    The subject and object of a verb of killing ("Ruby shot Oswald"), and the names beside a
    killer or killing noun ("Lincoln's assassin", "the assassination of Lincoln by Booth").
    """
    found: set[int] = set()
    for token in tokens_with_lemma(doc, KILLING_WORDS):
        lemma = token.lemma_.lower()
        if token.pos_ == "VERB" and LEXICON.get(lemma) == "killed":
            for child in token.children:
                if child.dep_ in ("nsubj", "dobj", "nsubjpass"):
                    found.add(child.i)
                elif child.dep_ == "agent":
                    found.update(pobj.i for pobj in _pobjs(child))
        elif token.pos_ == "NOUN" and lemma in KILLER_NOUNS | KILLING_NOUNS:
            for child in token.children:
                if child.dep_ in ("poss", "compound", "appos"):
                    found.add(child.i)
                elif child.dep_ == "prep" and child.lower_ in ("of", "by"):
                    found.update(pobj.i for pobj in _pobjs(child))
    return {i for i in found if doc[i].pos_ == "PROPN"}


def extract_relations(doc: Doc, mention_spans: list[MentionSpan]) -> list[RelationMention]:
    """Every relation the rules find, without duplicates, in text order.

    Two rules stating the same closed relation between the same mentions in a sentence ("Johnson
    became leader of the party": the verb and the describing noun) give one relation, the more
    confident; open relations stay apart by verb.
    """
    extractor = _SentenceRules(doc, mention_spans)
    found: dict[tuple[object, ...], RelationMention] = {}
    relations = list(extractor.all_relations())
    for relation in relations + transitive_relations(relations):
        key = _statement_key(relation, mention_spans)
        if key not in found or (found[key].confidence, found[key].rule) < (relation.confidence, relation.rule):
            found[key] = relation
    return sorted(found.values(), key=lambda r: (r.sentence, r.subject, r.object, r.verb))


def _statement_key(relation: RelationMention, mention_spans: list[MentionSpan]) -> tuple[object, ...]:
    """What a relation states: the closed relation with its two sides in order, else the verb."""
    subject, obj = relation.subject, relation.object
    predicate = relation.predicate
    if predicate is None:
        predicate, swap = closed_relation(relation.verb, mention_spans[subject].mention.cls,
                                          mention_spans[obj].mention.cls)
        if predicate == GENERIC:
            return relation.sentence, subject, obj, relation.verb, relation.factuality
        if swap:
            subject, obj = obj, subject
    return relation.sentence, subject, obj, predicate, relation.factuality


def transitive_relations(relations: list[RelationMention]) -> list[RelationMention]:
    """Who lives, or what is based, in a town of "Aiken, S.C." also is in the state after it.

    Only the ``comma-place`` rule's containment is followed: it is the one a reader takes as
    "the town of that state", where a looser "in" could be a building in a room.
    """
    containers: dict[int, list[int]] = {}
    for relation in relations:
        if relation.rule == "comma-place":
            containers.setdefault(relation.subject, []).append(relation.object)
    inferred = []
    for relation in relations:
        predicate = relation.predicate or LEXICON.get(relation.verb)
        if predicate not in ("livesIn", "basedIn", "locatedIn") or relation.rule == "comma-place":
            continue
        for container in containers.get(relation.object, []):
            if container != relation.subject:
                inferred.append(replace(
                    relation, object=container, rule="transitive",
                    confidence=round(relation.confidence * CONFIDENCE["transitive"] / CONFIDENCE["comma-place"], 2),
                ))
    return inferred


class _SentenceRules:
    """The rules, sharing the token -> mention index of one document."""

    def __init__(self, doc: Doc, mention_spans: list[MentionSpan]) -> None:
        self.doc = doc
        self.mention_spans = mention_spans
        self.mention_at: dict[int, int] = {}
        for index, item in enumerate(mention_spans):
            if item.mention.cls != "Role":
                for i in range(item.span.start, item.span.end):
                    self.mention_at.setdefault(i, index)
        self.sentence_of = sentence_numbers(doc)
        #: The DATE and TIME entities of each sentence, by sentence number.
        self.times: dict[int, list[Span]] = {}
        for entity in doc.ents:
            number = self.sentence_of[entity.start]
            if entity.label_ in ("DATE", "TIME") and self.sentence_of[entity.end - 1] == number:
                self.times.setdefault(number, []).append(entity)
        self._quotes: dict[int, list[tuple[int, int]]] = {}  # sentence number -> quoted character ranges

    def all_relations(self) -> Iterator[RelationMention]:
        # A verb relates two mentions of its own sentence (a parse tree stays inside its
        # sentence): the verbs of a sentence with fewer are not worth reading.
        mentions_in: dict[int, set[int]] = {}
        for i, index in self.mention_at.items():
            mentions_in.setdefault(self.sentence_of[i], set()).add(index)
        for token in tokens_with_pos(self.doc, VERB_TAGS):
            if len(mentions_in.get(self.sentence_of[token.i], ())) >= 2:
                yield from self.verb_relations(token)
        yield from self.role_relations()
        yield from self.capital_relations()
        yield from self.attachment_relations()
        yield from self.comma_place_relations()
        yield from self.place_in_place_relations()
        yield from self.home_relations()
        yield from self.headquarters_relations()
        yield from self.demonym_relations()
        yield from self.killer_noun_relations()
        yield from self.dateline_relations()

    # ------------------------------------------------------------ arguments

    def entities(self, token: Token, penalty: float = 1.0, *, conjuncts: bool = True) -> list[tuple[int, float]]:
        """Mentions a syntactic argument stands for, with a confidence factor; follows "and" unless told not to.

        A relative pronoun stands for the noun its clause hangs on ("King, who was cut down by Ray").
        """
        found: list[tuple[int, float]] = []
        token = _antecedent(token)
        if token.i in self.mention_at:
            found.append((self.mention_at[token.i], penalty))
        elif token.dep_ == "appos" and token.head.i in self.mention_at:
            found.append((self.mention_at[token.head.i], penalty))  # "Oswald, the man who killed Kennedy"
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
            if child.dep_ == "conj" and conjuncts:
                found.extend(self.entities(child, penalty))
        unique: dict[int, float] = {}
        for index, factor in found:
            unique[index] = max(factor, unique.get(index, 0.0))
        return list(unique.items())

    def subjects(self, verb: Token, depth: int = 0) -> list[Token]:
        """Who does what the verb says: its own subject, or the one it inherits by control.

        A relative pronoun stands for the noun the clause hangs on ("Booth, who killed"), a
        predicate noun for the subject it describes ("Oswald was the gunman who killed"), and the
        shots someone fired for the one who fired them ("fired the shots that killed Kennedy").
        """
        found = []
        for token in self._grammatical_subjects(verb, depth):
            token = _antecedent(token)
            if token.dep_ == "attr":
                token = next((child for child in token.head.children if child.dep_ == "nsubj"), token)
            if token.lemma_.lower() in INSTRUMENT_NOUNS and token.dep_ == "dobj" and depth < 6:
                found.extend(self.subjects(token.head, depth + 1))
            else:
                found.append(token)
        return found

    def _grammatical_subjects(self, verb: Token, depth: int) -> list[Token]:
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
        if verb.dep_ in ("relcl", "acl"):
            return [verb.head]
        if depth < 6 and verb.dep_ == "pcomp" and verb.head.dep_ == "prep":
            blamed = self._blamed_for(verb)  # "convicted of murdering Bolles", "pleaded guilty to killing Lennon"
            return blamed or self.subjects(verb.head.head, depth + 1)
        return []

    def accused(self, verb: Token, depth: int = 0) -> list[Token]:
        """Who a verb of accusing accuses: "convicted Millikan of", "Sirhan was convicted of"."""
        objects = [child for child in verb.children if child.dep_ == "dobj"]
        if objects:
            return objects
        passive = [child for child in verb.children if child.dep_ == "nsubjpass"]
        if passive:
            return passive
        before = verb.i - 2
        if verb.tag_ == "VBN" and before >= 0 and self.doc[verb.i - 1].text == "," and before in self.mention_at:
            return [self.doc[before]]  # "the sentence of Adamson, convicted of ...", however the parser hangs it
        return self.subjects(verb, depth + 1)

    def objects(self, verb: Token) -> Iterator[tuple[str, str, Token]]:
        """(verb phrase, rule, argument token) for each object the verb takes."""
        lemma = verb.lemma_.lower()
        particle = " ".join(child.lower_ for child in verb.children if child.dep_ == "prt")
        base = f"{lemma} {particle}".strip()
        has_agent = any(child.dep_ == "agent" for child in verb.children)
        if has_agent and verb.dep_ == "acl" and not any(child.dep_ == "nsubjpass" for child in verb.children):
            yield base, "svo", verb.head  # "the foundation headed by Juan Novara", "Tolbert, killed by Doe's men"
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
        if verb.dep_ == "relcl" and any(child.lower_ == "where" for child in verb.children):
            yield f"{base} in", "verb-prep", verb.head  # "Rolling Fork, where Muddy Waters was born"
        if not any(child.dep_ in ("dobj", "nsubjpass") for child in verb.children):
            for conj in (child for child in verb.children if child.dep_ == "conj" and child.pos_ == "VERB"):
                for shared in (child for child in conj.children if child.dep_ == "dobj"):
                    yield base, "svo", shared  # "Ruby shot and mortally wounded Oswald"

    # ------------------------------------------------------------ rules

    def verb_relations(self, verb: Token) -> Iterator[RelationMention]:
        subjects = [  # "Ruby, who killed Oswald, and Jim": the clause is about Ruby alone
            pair for token in self.subjects(verb)
            for pair in self.entities(token, conjuncts=not (verb.dep_ == "relcl" and token.i == verb.head.i))
        ]
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
        """Mentions inside a title, or the possessor just before it ("Israel's Prime Minister").

        A "title" that names a person of its own is a list or a clause, not a title ("X as
        Oswald, Y as Booth"): its mentions are nobody's employer.
        """
        found = []
        for token in title:
            index = self.mention_at.get(token.i)
            if index is not None and self.cls(index) == "Person":
                return []
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
        places = [i for i, item in enumerate(self.mention_spans)
                  if item.mention.cls == "Place" and item.mention.label != "NORP"]  # "Israeli troops" is no territory
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

    def cls(self, index: int) -> str:
        return self.mention_spans[index].mention.cls

    def mention_of(self, token: Token) -> int | None:
        """The entity mention a token belongs to, if any."""
        return self.mention_at.get(token.i)

    def describers(self, name: Token) -> list[Token]:
        """The name's head and the nouns that describe it.

        Appositions and the like after it ("Towle, 8, of ...", "Baker, an engineer with ..."),
        and the predicate noun when the name is a subject ("Sturholm was a reporter for ...").
        """
        found = [name]
        for child in name.children:
            if child.dep_ in ("appos", "npadvmod", "amod") and child.i > name.i and self._describes(child):
                found.append(child)
                found += [grandchild for grandchild in child.children
                          if grandchild.dep_ == "appos" and grandchild.i not in self.mention_at]
        if name.dep_ in ("nsubj", "nsubjpass") and name.head.lemma_ in COPULAS:
            found += [child for child in name.head.children if child.dep_ == "attr" and child.i not in self.mention_at]
        if name.dep_ == "nsubj":  # "Cicippio was acting comptroller at ...", parsed with "acting" as the verb
            found += [child for child in name.head.children if child.dep_ in ("dobj", "attr")
                      and child.lower_ in TITLE_WORDS and child.i not in self.mention_at]
        if name.dep_ == "dobj":  # "named Larry Jinks publisher of the San Jose Mercury News"
            found += [child for child in name.head.children if child.dep_ in ("oprd", "xcomp")
                      and child.pos_ == "NOUN" and child.i not in self.mention_at]
        if name.dep_ == "appos" and name.head.pos_ == "NOUN" and name.head.i not in self.mention_at:
            found.append(name.head)  # "Pittsburgh's superintendent, Richard Wallace"
        return found

    def _describes(self, token: Token) -> bool:
        """True for a noun that can describe a name: not itself a name, or a group ("Derwinski, a Republican from")."""
        index = self.mention_at.get(token.i)
        return index is None or self.cls(index) == "Group"

    def phrase_targets(self, pobj: Token, depth: int = 0) -> list[int]:
        """The mentions a prepositional object names: itself, or the one it belongs to.

        "with Siemens"; "with the USDA's research service"; "of the department at NASDA".
        """
        index = self.mention_of(pobj)
        if index is not None:
            return [index]
        found: list[int | None] = [
            self.mention_of(child) for child in pobj.children if child.dep_ in ("poss", "compound")
        ]
        for prep in (child for child in pobj.children if child.dep_ == "prep"):
            for inner in _pobjs(prep):  # "vice for development of new products at American Express"
                found += self.phrase_targets(inner, depth + 1) if depth < 2 else [self.mention_of(inner)]
        return [index for index in found if index is not None]

    def attachment_relations(self) -> Iterator[RelationMention]:
        """A prepositional phrase or a modifier on a name: "Towle of Wallingford", "Drexel Inc. in New York"."""
        for index, item in enumerate(self.mention_spans):
            cls = item.mention.cls
            if cls not in PLACE_MODIFIER:
                continue
            root = item.span.root
            for describer in self.describers(root):
                for prep in (child for child in describer.children if child.dep_ == "prep"):
                    for target in (target for pobj in _pobjs(prep) for target in self.phrase_targets(pobj)):
                        predicate = ATTACHMENTS.get((cls, prep.lower_, self.cls(target)))
                        if predicate == "worksFor" and describer is not root:  # "leader of", "a spokesperson for"
                            predicate = _affiliation_predicate(self.doc[describer.left_edge.i:describer.i + 1])
                        if predicate is not None and target != index:
                            yield self.relation(index, target, root, "be", predicate, "asserted",
                                                "attachment", CONFIDENCE["attachment"], None)
                yield from self.modifier_relations(index, describer)

    def home_relations(self) -> Iterator[RelationMention]:
        """Someone's home named by a noun: "Nelson's hometown of Abbott", "Welk's North Dakota birthplace".

        And a birthplace written before the name, "Illinois born Charlton Heston", read off the words.
        """
        yield from self._born_before_name()
        for token in tokens_with_lemma(self.doc, HOME_NOUNS):
            if token.pos_ != "NOUN":
                continue
            people = [self.mention_of(child) for child in token.children if child.dep_ == "poss"]
            places = [self.mention_of(child) for child in token.children if child.dep_ in ("compound", "nmod")]
            places += [self.mention_of(pobj) for prep in token.children if prep.lower_ == "of" for pobj in _pobjs(prep)]
            for person in people:
                for place in places:
                    if person is not None and place is not None and self.cls(person) == "Person" \
                            and self.cls(place) == "Place":
                        yield self.relation(person, place, token, "be", "livesIn", "asserted",
                                            "home", CONFIDENCE["home"], None)

    def _born_before_name(self) -> Iterator[RelationMention]:
        for index, item in enumerate(self.mention_spans):
            position = item.span.end
            if item.mention.cls != "Place" or position + 1 >= len(self.doc):
                continue
            if self.doc[position].text == "-":
                position += 1
            if self.doc[position].lower_ != "born":
                continue
            position += 1
            while position < len(self.doc) and position not in self.mention_at and self.doc[position].is_lower \
                    and self.doc[position].pos_ in ("NOUN", "ADJ") and position - item.span.end < 4:
                position += 1  # "Minnesota born artist Duane Hanson"
            person = self.mention_at.get(position)
            if person is not None and self.cls(person) == "Person":
                yield self.relation(person, index, self.doc[position], "be", "livesIn", "asserted",
                                    "home", CONFIDENCE["home"], None)

    def demonym_relations(self) -> Iterator[RelationMention]:
        """"The Haitian Parliament ... Haiti": an organisation named by a nationality is based in that country.

        Only when the sentence names the country, and the nationality shares its name's start
        ("Haitian" / "Haiti", "Bulgarian" / "Bulgaria"), so no list of demonyms is needed.
        """
        for index, item in enumerate(self.mention_spans):
            if item.mention.cls != "Organization":
                continue
            span = item.span
            adjectives = [span[0]]
            if span.start > 0 and self.doc[span.start - 1].is_title:
                adjectives.append(self.doc[span.start - 1])  # "the Chilean company Codelco" keeps it outside
            for place, other in enumerate(self.mention_spans):
                if other.mention.cls != "Place" or self.sentence_of[other.span.start] != self.sentence_of[span.start]:
                    continue
                if any(_is_demonym(adjective.text, other.mention.name) for adjective in adjectives):
                    yield self.relation(index, place, span.root, "be", "basedIn", "asserted",
                                        "demonym", CONFIDENCE["demonym"], None)

    def headquarters_relations(self) -> Iterator[RelationMention]:
        """An organisation's seat named by a noun: "NRC headquarters in Rockville", "the bank's Frankfurt office"."""
        for token in tokens_with_lemma(self.doc, SEAT_NOUNS):
            if token.pos_ != "NOUN":
                continue
            organisations = self._named(child for child in token.children if child.dep_ in ("compound", "poss"))
            places = self._named(child for child in token.children if child.dep_ in ("compound", "nmod"))
            places += self._named(
                pobj for prep in token.children if prep.lower_ in ("in", "at") for pobj in _pobjs(prep)
            )
            for organisation in organisations:
                for place in places:
                    if self.cls(organisation) == "Organization" and self.cls(place) == "Place":
                        yield self.relation(organisation, place, token, "be", "basedIn", "asserted",
                                            "headquarters", CONFIDENCE["headquarters"], None)

    def modifier_relations(self, index: int, head: Token) -> Iterator[RelationMention]:
        """A place or organisation written before a noun naming or describing a mention.

        "the Hong Kong firm X", "Atlanta businessman X", "New York's Mount Sinai Hospital",
        "CBS anchorman Dan Rather". A modifier inside a title ("Illinois Gov. X", "Chevron
        spokesman X") is left to the title rule.
        """
        item = self.mention_spans[index]
        start = min(token.i for token in head.subtree)
        inside = head.i in range(*_bounds(item.span))
        modifiers = self.doc[start:item.span.start] if inside else self.doc[start:head.i]
        if any(token.lower_.rstrip(".") in TITLE_WORDS for token in modifiers):
            return
        for token in modifiers:
            target = self.mention_of(token)
            if target is None or target == index or token.i != self.mention_spans[target].span.root.i:
                continue
            if token.dep_ not in ("compound", "nmod", "amod", "poss", "npadvmod"):  # npadvmod: "Illinois born X"
                continue
            target_cls = self.cls(target)
            if target_cls == "Place":
                predicate = PLACE_MODIFIER[item.mention.cls]
            elif target_cls == "Organization" and item.mention.cls == "Person":
                # "the Foreign Ministry spokesman, Grigory Karasin": what the describing noun says
                predicate = "worksFor" if inside else _affiliation_predicate(self.doc[head.i:head.i + 1])
            else:
                continue
            yield self.relation(index, target, head, "be", predicate, "asserted",
                                "modifier", CONFIDENCE["modifier"], None)

    def place_in_place_relations(self) -> Iterator[RelationMention]:
        """"Haifa in northern Israel", "the Red Cross in Khartoum": read off the words, not the parse.

        The parser often hangs "in ..." on the verb; written right after a place or an
        organisation, with at most an article and adjectives between, it places what it follows.
        """
        for index, item in enumerate(self.mention_spans):
            predicate = {"Place": "locatedIn", "Organization": "basedIn"}.get(item.mention.cls)
            position = item.span.end
            if predicate == "basedIn" and position < len(self.doc) and self.doc[position].lower_ in SEAT_NOUNS:
                position += 1  # "NRC headquarters in nearby Rockville"
            if position + 1 < len(self.doc) and self.doc[position].text == "," and \
                    self.doc[position + 1].lower_ == "in":
                position += 1  # "the Savannah River Plant, in Aiken"
            if predicate is None or position >= len(self.doc) or self.doc[position].lower_ != "in":
                continue
            position += 1
            while position < len(self.doc) and position not in self.mention_at and \
                    (self.doc[position].pos_ in ("DET", "ADJ") or self.doc[position].lower_ in COMPASS_WORDS):
                position += 1
            target = self.mention_at.get(position)
            if target is None or target == index or self.cls(target) != "Place":
                continue
            if self.mention_spans[target].span.start != position:
                continue
            yield self.relation(index, target, item.span.root, "be", predicate, "asserted",
                                "place-in-place", CONFIDENCE["place-in-place"], None)

    def comma_place_relations(self) -> Iterator[RelationMention]:
        """"Aiken, S.C.", "Addis Ababa, Ethiopia": a place, a comma, and the place that holds it."""
        for index, item in enumerate(self.mention_spans):
            if item.mention.cls != "Place":
                continue
            end = item.span.end
            if end + 1 >= len(self.doc) or self.doc[end].text != "," or \
                    self.sentence_of[end] != self.sentence_of[item.span.start]:
                continue
            start = end + 1
            if start + 1 < len(self.doc) and self.doc[start].lower_ in COMPASS_WORDS:
                start += 1  # "Mohammadia, south-east Algeria"
            container = self.mention_at.get(start)
            if container is None or self.cls(container) != "Place":
                continue
            if self.mention_spans[container].span.start != start or place_class(item.mention.name) == "Country":
                continue
            if self._in_place_list(item.span.start, self.mention_spans[container].span.end):
                continue
            yield self.relation(index, container, item.span.root, "be", "locatedIn", "asserted",
                                "comma-place", CONFIDENCE["comma-place"], None)

    def _in_place_list(self, start: int, end: int) -> bool:
        """True for two places inside a list ("Colombia, Bolivia, Ecuador"), not a "Town, State" pair."""
        doc = self.doc
        if end < len(doc) and not (doc[end].is_punct or doc[end].lower_ in ENDS_PLACE_PAIR):
            return True
        if end + 1 < len(doc) and doc[end].text == "," and self._place_at(end + 1):
            return True
        if start >= 2 and doc[start - 1].text == "," and self._place_at(start - 2):
            return True
        return end + 1 < len(doc) and doc[end].lower_ in ("and", "or") and self._place_at(end + 1)

    def _place_at(self, i: int) -> bool:
        index = self.mention_at.get(i)
        return index is not None and self.cls(index) == "Place"

    def killer_noun_relations(self) -> Iterator[RelationMention]:
        """Killings told by a noun: "Booth, assassin of Lincoln", "Kennedy's assassin, Oswald", "murder of X by Y"."""
        for token in tokens_with_lemma(self.doc, KILLER_NOUNS | KILLING_NOUNS):
            lemma = token.lemma_.lower()
            if lemma in KILLER_NOUNS:
                killers, victims = self._killer_of(token), self._victims_of(token)
            elif lemma in KILLING_NOUNS and token.pos_ == "NOUN":
                killers, victims = self._killing_parties(token)
            else:
                continue
            factuality = "reported" if _alleged(token) else "asserted"
            for killer in killers:
                for victim in victims:
                    if killer != victim and self.cls(killer) == "Person" and self.cls(victim) == "Person":
                        yield self.relation(killer, victim, token, "kill", "killed", factuality,
                                            "killer-noun", CONFIDENCE["killer-noun"], None)

    def _killing_parties(self, noun: Token) -> tuple[list[int], list[int]]:
        """Killers and victims of a killing noun.

        "the assassination of X by Y", "Y's killing of X", "X's assassination", "the Kennedy
        slaying"; with no killer named beside it, the one it is laid on ("Sirhan was convicted
        of the slaying of Kennedy", "Ray is serving 99 years for the murder of King", "the only
        suspect in Kennedy's assassination").
        """
        killers = self._named(pobj for prep in noun.children if prep.lower_ == "by" for pobj in _pobjs(prep))
        victims = self._named(pobj for prep in noun.children if prep.lower_ == "of" for pobj in _pobjs(prep))
        victims += self._named(child for child in noun.children if child.dep_ == "compound")
        possessors = self._named(child for child in noun.children if child.dep_ == "poss")
        if victims:
            killers += possessors
        else:
            victims += possessors
        if not killers:
            killers = self._named(self._blamed_for(noun))
        return killers, victims

    def _named(self, tokens: Iterable[Token]) -> list[int]:
        return [index for token in tokens for index, _ in self.entities(token)]

    def _blamed_for(self, deed: Token) -> list[Token]:
        """Who a sentence lays a deed on, climbing from "the murder of X" to the verb or noun that carries it.

        "convicted of", "charged in" (the accused); "pleaded guilty to", "serving 99 years for",
        "acted alone in" (the subject); "the suspect in", "Oswald, the assassin in" (the noun's person).
        """
        token = deed
        for _ in range(4):
            if token.dep_ not in ("pobj", "pcomp", "dobj") or token.head is token:
                return []
            holder = token.head.head if token.dep_ in ("pobj", "pcomp") else token.head
            lemma = holder.lemma_.lower()
            if holder.pos_ == "VERB" and lemma in ACCUSE_VERBS:
                return self.accused(holder)
            if holder.pos_ in ("VERB", "AUX") and lemma in ANSWER_VERBS:
                return self.subjects(holder)
            if holder.pos_ == "ADJ":  # "found Ruby guilty of murdering Oswald", "pleaded guilty to killing Lennon"
                own = [child for child in holder.children if child.dep_ == "nsubj"]
                if holder.dep_ == "oprd":
                    own += [child for child in holder.head.children if child.dep_ == "dobj"]
                return own or (self.subjects(holder.head) if holder.head is not holder else [])
            if holder.pos_ == "NOUN" and lemma in SUSPECT_NOUNS:
                return [holder]
            if holder.pos_ != "NOUN" or lemma not in PENALTY_NOUNS:
                return []
            token = holder
        return []

    def _killer_of(self, noun: Token) -> list[int]:
        """Who the killer noun names: the name it is in apposition to, or that it stands before."""
        found = [self.mention_of(child) for child in noun.children if child.dep_ == "appos"]
        if noun.dep_ in ("appos", "compound") or noun.head.i in self.mention_at:
            found.append(self.mention_of(noun.head))
        if noun.dep_ == "attr":
            found += [self.mention_of(child) for child in noun.head.children if child.dep_ == "nsubj"]
        following = noun.i + 1
        if following < len(self.doc) and self.doc[following].text == ",":
            following += 1
        found.append(self.mention_of(self.doc[following]) if following < len(self.doc) else None)
        return [index for index in found if index is not None]

    def _victims_of(self, noun: Token) -> list[int]:
        """Who was killed: "assassin of Lincoln", "Kennedy's assassin", "King assassin"."""
        found = [self.mention_of(pobj) for prep in noun.children if prep.lower_ == "of" for pobj in _pobjs(prep)]
        found += [self.mention_of(child) for child in noun.children if child.dep_ in ("poss", "compound")]
        if noun.i > 0:
            before = self.doc[noun.i - 1]
            if before.tag_ == "POS" and noun.i > 1:
                before = self.doc[noun.i - 2]
            found.append(self.mention_of(before))
        return [index for index in found if index is not None]

    def dateline_relations(self) -> Iterator[RelationMention]:
        """A dateline, "Moscow, March 5 (ITAR-TASS)", or a source line, "Paris AFP in English": the agency is there.

        A national agency's dateline is mostly its home city; a global wire's ("BANGKOK,
        Thailand (AP)") only says where the story was filed, so those are left out.
        """
        for sentence in sentences(self.doc):
            places: list[int] = []
            agency: int | None = None
            for token in sentence[:12]:
                index = self.mention_at.get(token.i)
                if index is None:
                    # "(Text) Sofia, February 15 (BTA)": monitoring services open with "(Text)"
                    if token.is_punct or token.like_num or token.ent_type_ in ("DATE", "TIME") or token.text == "Text":
                        continue
                    break
                if self.cls(index) == "Place" and agency is None:
                    if index not in places:
                        places.append(index)
                elif self.cls(index) == "Organization" and places:
                    agency = index
                    break
            if agency is None:
                continue
            span = self.mention_spans[agency].span
            before, after = self.doc[span.start - 1], self.doc[span.end] if span.end < len(self.doc) else None
            bracketed = ((before.text == "(" and after is not None and after.text == ")")
                         or (after is not None and after.text in ("--", "—"))) and \
                self.mention_spans[agency].mention.name not in GLOBAL_WIRES
            if not (bracketed or is_source_line(span)):
                continue
            for place in places:
                yield self.relation(agency, place, span.root, "be", "basedIn", "asserted",
                                    "dateline", CONFIDENCE["dateline"], None)

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
        reported |= self._quoted(verb) or _alleged(verb)
        if negated:
            return "negated"
        if hypothetical:
            return "hypothetical"
        if planned:
            return "planned"
        return "reported" if reported else "asserted"

    def _quoted(self, token: Token) -> bool:
        number = self.sentence_of[token.i]
        sentence = sentences(self.doc)[number]
        quotes = self._quotes.get(number)
        if quotes is None:
            quotes = self._quotes[number] = [(match.start(), match.end()) for match in QUOTED.finditer(sentence.text)]
        offset = token.idx - sentence.start_char
        return any(start < offset < end for start, end in quotes)

    def time_of(self, verb: Token) -> str | None:
        """A date or time expression attached to the verb ("visit Israel this Friday")."""
        for entity in self.times.get(self.sentence_of[verb.i], ()):
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
            sentence=self.sentence_of[anchor.i],
            time=time,
        )


def _alleged(deed: Token) -> bool:
    """True when the text only alleges the deed: "accused of killing X", "the suspect in the murder of X"."""
    token = deed
    for _ in range(4):
        if token.dep_ not in ("pobj", "pcomp", "prep", "dobj") or token.head is token:
            return False
        token = token.head
        if token.lemma_.lower() in ALLEGE_WORDS:
            return True
    return False


def _is_demonym(adjective: str, country: str) -> bool:
    """True when an adjective reads as the nationality of a country: "Haitian" of "Haiti", "Chinese" of "China"."""
    adjective, country = adjective.lower(), country.lower()
    if adjective == country or " " in country or not adjective.endswith(("an", "ese", "ish", "i", "ic")):
        return False
    return len(os.path.commonprefix([adjective, country])) >= 4


def _antecedent(token: Token) -> Token:
    """The noun a relative pronoun stands for ("Booth" for "who" in "Booth, who killed"), else the token."""
    if token.tag_ in ("WP", "WDT") and token.head.dep_ in ("relcl", "acl") and token.head.head is not token.head:
        return token.head.head
    return token


def _bounds(span: Span) -> tuple[int, int]:
    return span.start, span.end


def _pobjs(prep: Token) -> list[Token]:
    return [child for child in prep.children if child.dep_ == "pobj"]


def _is_infinitive(clause: Token) -> bool:
    return any(child.dep_ == "aux" and child.lower_ == "to" for child in clause.children)


def _affiliation_predicate(title: Span) -> str:
    words = {token.lower_.rstrip(".") for token in title}
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
    for token in tokens_with_pos(doc, VERB_TAGS):
        subjects = [index for subject in rules.subjects(token) for index, _ in rules.entities(subject)]
        arguments = [
            (phrase, rule, argument, [index for index, _ in rules.entities(argument)])
            for phrase, rule, argument in rules.objects(token)
        ]
        frames.append(VerbFrame(token, subjects, arguments))
    return frames
