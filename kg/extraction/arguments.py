"""Who a token stands for: the mentions of one document, looked up by id and by token, and the
walks over the dependency parse that every relation rule shares.

A relation rule finds words in a shape ("X met Y", "Y headquarters in Z"); these functions say
which mentions the words stand for: a name itself, the name a relative pronoun or an
apposition stands for, the names joined by "and", the organisation a modifier names ("Hamas
militants"), the one who does what a verb says by control ("Blinken plans to visit"), and so on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from spacy.tokens import Doc, Span, Token

from kg.data.words import word_list
from kg.extraction.spans import MentionSpan
from kg.extraction.titles import TITLE_WORDS
from kg.model import EntityClass, Factuality, RelationMention
from kg.nlp import is_infinitive, sentence_numbers

#: Arguments found through a modifier ("Hamas militants" for Hamas) are trusted less.
MODIFIER_PENALTY = 0.8
#: What someone fires: "the shots that killed Kennedy" were fired by the killer.
INSTRUMENT_NOUNS = word_list("instrument_nouns")
ACCUSE_VERBS = word_list("accuse_verbs")
ANSWER_VERBS = word_list("answer_verbs")
PENALTY_NOUNS = word_list("penalty_nouns")
SUSPECT_NOUNS = word_list("suspect_nouns")
COPULAS = word_list("copulas")
PARTITIVE_NOUNS = word_list("partitive_nouns")
#: Verbs of stance whose object's possessor is what the stance is toward ("condemned Turkey's offensive").
STANCE_VERBS = word_list("stance_verbs")
#: How deep the walks up and down the tree go: deeper chains are parser errors more often than not.
MAX_DEPTH = 6
T = TypeVar("T")


class MentionIndex:
    """One document's mentions, by id and by token: what every rule reads.

    ``at_token`` maps each token of a named mention (not of a role) to its id; where mentions
    overlap, the first in text order has the token.
    """

    def __init__(self, doc: Doc, mention_spans: list[MentionSpan]) -> None:
        self.doc = doc
        self.spans = mention_spans
        self.by_id = {item.mention.id: item for item in mention_spans}
        #: mention id -> its place in text order (named mentions first, then linked pronouns)
        self.position = {item.mention.id: number for number, item in enumerate(mention_spans)}
        self.at_token: dict[int, str] = {}
        for item in mention_spans:
            if item.mention.cls != EntityClass.ROLE:
                for i in range(item.span.start, item.span.end):
                    self.at_token.setdefault(i, item.mention.id)
        self.sentence_of = sentence_numbers(doc)
        self._memo: dict[str, object] = {}

    def memo(self, key: str, make: Callable[[], T]) -> T:
        """What ``make`` returns, made once per document (tables several rules read)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]  # type: ignore[return-value]

    def title_tokens(self) -> frozenset[int]:
        """The tokens of the titles split off names ("US Secretary of State" in "US Secretary of State X")."""
        return self.memo("title_tokens", lambda: frozenset(
            i for item in self.spans if item.mention.cls == EntityClass.ROLE
            for i in range(item.span.start, item.span.end)))

    def people_by_start(self) -> dict[int, str]:
        """The people of the document by the character where their names start (where a title's owner starts)."""
        return self.memo("people_by_start", lambda: {item.mention.start: item.mention.id for item in self.spans
                                                     if item.mention.cls == EntityClass.PERSON})

    def title_holders(self) -> dict[int, str]:
        """Each token of a title written before its holder's name -> the holder's mention: the parser
        may make the title the phrase's head ("President of Ukraine Volodymyr Zelenskyy said", with
        "President" the subject of "said"), and the title stands for the person who holds it. Not a
        title after the name ("X, the president of Y", "X is the president of Y"): there the name
        is the phrase's head, and the title's own words say more ("of Y")."""
        def make() -> dict[int, str]:
            people = self.people_by_start()
            holders: dict[int, str] = {}
            for item in self.spans:
                if item.mention.cls == EntityClass.ROLE and item.owner is not None \
                        and item.span.end <= item.owner.start \
                        and (person := people.get(item.owner.start_char)) is not None:
                    for i in range(item.span.start, item.span.end):
                        holders.setdefault(i, person)
            return holders
        return self.memo("title_holders", make)

    def named_head(self, i: int) -> str | None:
        """The mention whose name the token at ``i`` heads, unless it only qualifies a title ("US" in
        "US President Donald Trump"): what a clause or a quotation is about."""
        mention = self.at_token.get(i)
        if mention is None or self.span(mention).root.i != i or i in self.title_tokens():
            return None
        return mention

    def antecedent_in(self, mention_id: str, mentions: set[str]) -> bool:
        """True for a pronoun or description linked to one of ``mentions``."""
        return self.by_id[mention_id].mention.antecedent in mentions

    def is_pronoun(self, mention_id: str) -> bool:
        """True for a pronoun linked to a name ("its", "him"), not for a name or a description."""
        item = self.by_id[mention_id]
        return item.mention.antecedent is not None and item.span.root.pos_ == "PRON"

    def cls(self, mention_id: str) -> EntityClass:
        return self.by_id[mention_id].mention.cls

    def span(self, mention_id: str) -> Span:
        return self.by_id[mention_id].span

    def mention_of(self, token: Token) -> str | None:
        """The named mention a token belongs to, if any."""
        return self.at_token.get(token.i)

    def relation(
        self, subject: str, obj: str, anchor: Token, verb: str, predicate: str | None,
        factuality: Factuality, rule: str, confidence: float, time: str | None = None,
    ) -> RelationMention:
        """A relation between two mentions, stated in the sentence of ``anchor``."""
        return RelationMention(
            subject=subject, object=obj, verb=verb, predicate=predicate, factuality=factuality, rule=rule,
            confidence=round(confidence, 2), sentence=self.sentence_of[anchor.i], time=time,
        )

    def named(self, tokens: Iterable[Token]) -> list[str]:
        """The mentions the tokens stand for (:func:`entities`), in order."""
        return [mention for token in tokens for mention, _ in entities(self, token)]


def _whole_of_part(index: MentionIndex, token: Token, conjuncts: bool) -> list[str]:
    """"members of the European Union condemned it": the Union did. Only a subject stands for the
    whole: "X is a member of Y" is membership, and "arrested members of Hamas" did not arrest Hamas."""
    if token.lower_ not in PARTITIVE_NOUNS or token.dep_ not in ("nsubj", "nsubjpass") \
            or any(child.dep_ == "poss" for child in token.children):
        return []
    return [mention for prep in token.children if prep.lower_ == "of"
            for pobj in pobjs(prep) for mention, _ in entities(index, pobj, conjuncts=conjuncts)]


def entities(index: MentionIndex, token: Token, penalty: float = 1.0, *,
             conjuncts: bool = True) -> list[tuple[str, float]]:
    """Mentions a syntactic argument stands for, with a confidence factor; follows "and" unless told not to.

    A relative pronoun stands for the noun its clause hangs on ("King, who was cut down by Ray").
    The words joined by "and" are walked in a loop, not by recursion: a list can be thousands long.
    """
    found: list[tuple[str, float]] = []
    pending = [token]
    while pending:
        current = antecedent_of(pending.pop())
        found += _own_entities(index, current, penalty, conjuncts)
        if conjuncts:
            pending.extend(reversed([child for child in current.children if child.dep_ == "conj"]))
    unique: dict[str, float] = {}
    for mention, factor in found:
        unique[mention] = max(factor, unique.get(mention, 0.0))
    return list(unique.items())


def _own_entities(index: MentionIndex, token: Token, penalty: float, conjuncts: bool) -> list[tuple[str, float]]:
    """The mentions one argument word stands for, without the words joined to it by "and"."""
    at_token = index.at_token
    if token.i in at_token:
        return [(at_token[token.i], penalty)]
    if (holder := index.title_holders().get(token.i)) is not None:
        return [(holder, penalty)]  # "President of Ukraine Volodymyr Zelenskyy said": the title's holder
    if token.dep_ == "appos" and token.head.i in at_token:
        return [(at_token[token.head.i], penalty)]  # "Oswald, the man who killed Kennedy"
    if whole := _whole_of_part(index, token, conjuncts):
        return [(mention, penalty * MODIFIER_PENALTY) for mention in whole]
    found: list[tuple[str, float]] = []
    for child in token.children:
        mention = at_token.get(child.i)
        if mention is None:
            continue
        cls = index.cls(mention)
        if child.dep_ == "appos" and child.i > token.i:
            found.append((mention, penalty))
        elif child.dep_ in ("compound", "amod", "nmod") and cls != EntityClass.PERSON \
                and token.lower_ not in TITLE_WORDS:
            # "Hamas militants" are Hamas; "the Jordanian Foreign Minister" is a person, not Jordanians
            found.append((mention, penalty * MODIFIER_PENALTY))
    return found


def subjects(index: MentionIndex, verb: Token, depth: int = 0) -> list[Token]:
    """Who does what the verb says: its own subject, or the one it inherits by control.

    A relative pronoun stands for the noun the clause hangs on ("Booth, who killed"), a
    predicate noun for the subject it describes ("Oswald was the gunman who killed"), and the
    shots someone fired for the one who fired them ("fired the shots that killed Kennedy").
    """
    found = []
    for token in _grammatical_subjects(index, verb, depth):
        token = antecedent_of(token)
        if token.dep_ == "attr":
            token = next((child for child in token.head.children if child.dep_ == "nsubj"), token)
        if token.lemma_.lower() in INSTRUMENT_NOUNS and token.dep_ == "dobj" and depth < MAX_DEPTH:
            found.extend(subjects(index, token.head, depth + 1))
        else:
            found.append(token)
    return found


def _grammatical_subjects(index: MentionIndex, verb: Token, depth: int) -> list[Token]:
    own = [child for child in verb.children if child.dep_ in ("nsubj", "csubj")]
    if own:
        return own
    agents = [pobj for child in verb.children if child.dep_ == "agent" for pobj in pobjs(child)]
    if agents:
        return agents
    passive = [child for child in verb.children if child.dep_ == "nsubjpass"]
    if passive:
        return passive
    if depth < MAX_DEPTH and verb.dep_ in ("xcomp", "advcl", "conj") and verb.head is not verb:
        return subjects(index, verb.head, depth + 1)
    if verb.dep_ in ("relcl", "acl"):
        return [verb.head]
    if depth < MAX_DEPTH and verb.dep_ == "pcomp" and verb.head.dep_ == "prep":
        blamed = blamed_for(index, verb)  # "convicted of murdering Bolles", "pleaded guilty to killing Lennon"
        return blamed or subjects(index, verb.head.head, depth + 1)
    return []


def accused(index: MentionIndex, verb: Token, depth: int = 0) -> list[Token]:
    """Who a verb of accusing accuses: "convicted Millikan of", "Sirhan was convicted of"."""
    objects = [child for child in verb.children if child.dep_ == "dobj"]
    if objects:
        return objects
    passive = [child for child in verb.children if child.dep_ == "nsubjpass"]
    if passive:
        return passive
    before = verb.i - 2
    if verb.tag_ == "VBN" and before >= 0 and index.doc[verb.i - 1].text == "," and before in index.at_token:
        return [index.doc[before]]  # "the sentence of Adamson, convicted of ...", however the parser hangs it
    return subjects(index, verb, depth + 1)


def blamed_for(index: MentionIndex, deed: Token) -> list[Token]:
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
            return accused(index, holder)
        if holder.pos_ in ("VERB", "AUX") and lemma in ANSWER_VERBS:
            return subjects(index, holder)
        if holder.pos_ == "ADJ":  # "found Ruby guilty of murdering Oswald", "pleaded guilty to killing Lennon"
            own = [child for child in holder.children if child.dep_ == "nsubj"]
            if holder.dep_ == "oprd":
                own += [child for child in holder.head.children if child.dep_ == "dobj"]
            return own or (subjects(index, holder.head) if holder.head is not holder else [])
        if holder.pos_ == "NOUN" and lemma in SUSPECT_NOUNS:
            return [holder]
        if holder.pos_ != "NOUN" or lemma not in PENALTY_NOUNS:
            return []
        token = holder
    return []


def objects(index: MentionIndex, verb: Token) -> Iterator[tuple[str, str, Token]]:
    """(verb phrase, rule, argument token) for each object the verb takes.

    The phrase is lemmas: the verb, its particle, then the preposition ("meet with") or a light
    verb's noun and preposition ("hold talk with").
    """
    lemma = verb.lemma_.lower()
    particle = " ".join(child.lower_ for child in verb.children if child.dep_ == "prt")
    base = f"{lemma} {particle}".strip()
    has_agent = any(child.dep_ == "agent" for child in verb.children)
    if has_agent and verb.dep_ == "acl" and not any(child.dep_ == "nsubjpass" for child in verb.children):
        yield base, "svo", verb.head  # "the foundation headed by Juan Novara", "Tolbert, killed by Doe's men"
    for child in verb.children:
        if child.dep_ in ("dobj", "dative", "attr", "oprd") or (child.dep_ == "nsubjpass" and has_agent):
            if entities(index, child):
                yield base, "svo", child
            else:
                if lemma in STANCE_VERBS and (owner := _possessor(index, child)) is not None:
                    yield base, "possessor", owner  # "opposed Kennedy's position": a stance toward Kennedy
                for prep in child.children:
                    if prep.dep_ == "prep":
                        for pobj in pobjs(prep):
                            yield f"{base} {child.lemma_.lower()} {prep.lower_}", "verb-noun-prep", pobj
        elif child.dep_ == "prep":
            for pobj in pobjs(child):
                yield f"{base} {child.lower_}", "verb-prep", pobj
        elif child.dep_ == "ccomp" and is_infinitive(child):
            for subject in child.children:
                if subject.dep_ == "nsubj":
                    yield base, "object-control", subject
    if verb.dep_ == "relcl" and any(child.lower_ == "where" for child in verb.children):
        yield f"{base} in", "verb-prep", verb.head  # "Rolling Fork, where Muddy Waters was born"
    if not any(child.dep_ in ("dobj", "nsubjpass") for child in verb.children):
        for conj in (child for child in verb.children if child.dep_ == "conj" and child.pos_ == "VERB"):
            for shared in (child for child in conj.children if child.dep_ == "dobj"):
                yield base, "svo", shared  # "Ruby shot and mortally wounded Oswald"


def _possessor(index: MentionIndex, noun: Token) -> Token | None:
    """The named possessor of a noun ("Kennedy's" of "Kennedy's pro-Israel position"), if any."""
    return next((child for child in noun.children if child.dep_ == "poss" and child.i in index.at_token), None)


def describers(index: MentionIndex, name: Token) -> list[Token]:
    """The name's head and the nouns that describe it.

    Appositions and the like after it ("Towle, 8, of ...", "Baker, an engineer with ..."),
    and the predicate noun when the name is a subject ("Sturholm was a reporter for ...").
    """
    at_token = index.at_token
    found = [name]
    for child in name.children:
        if child.dep_ in ("appos", "npadvmod", "amod") and child.i > name.i and _describes(index, child):
            found.append(child)
            found += [grandchild for grandchild in child.children
                      if grandchild.dep_ == "appos" and grandchild.i not in at_token]
    if name.dep_ in ("nsubj", "nsubjpass") and name.head.lemma_ in COPULAS:
        found += [child for child in name.head.children if child.dep_ == "attr" and child.i not in at_token]
    if name.dep_ == "nsubj":  # "Cicippio was acting comptroller at ...", parsed with "acting" as the verb
        found += [child for child in name.head.children if child.dep_ in ("dobj", "attr")
                  and child.lower_ in TITLE_WORDS and child.i not in at_token]
    if name.dep_ == "dobj":  # "named Larry Jinks publisher of the San Jose Mercury News"
        found += [child for child in name.head.children if child.dep_ in ("oprd", "xcomp")
                  and child.pos_ == "NOUN" and child.i not in at_token]
    if name.dep_ == "appos" and name.head.pos_ == "NOUN" and name.head.i not in at_token:
        found.append(name.head)  # "Pittsburgh's superintendent, Richard Wallace"
    return found


def _describes(index: MentionIndex, token: Token) -> bool:
    """True for a noun that can describe a name: not itself a name, or a group or party a person is
    said to be ("Derwinski, a Republican from Chicago")."""
    mention = index.at_token.get(token.i)
    return mention is None or index.cls(mention) == EntityClass.GROUP or token.ent_type_ == "NORP"


def phrase_targets(index: MentionIndex, pobj: Token, depth: int = 0) -> list[str]:
    """The mentions a prepositional object names: itself, or the one it belongs to.

    "with Siemens"; "with the USDA's research service"; "of the department at NASDA".
    """
    mention = index.mention_of(pobj)
    if mention is not None:
        return [mention]
    found: list[str | None] = [
        index.mention_of(child) for child in pobj.children if child.dep_ in ("poss", "compound")
    ]
    for prep in (child for child in pobj.children if child.dep_ == "prep"):
        for inner in pobjs(prep):  # "vice for development of new products at American Express"
            found += phrase_targets(index, inner, depth + 1) if depth < 2 else [index.mention_of(inner)]
    return [mention for mention in found if mention is not None]


def antecedent_of(token: Token) -> Token:
    """The noun a relative pronoun stands for ("Booth" for "who" in "Booth, who killed"), else the token."""
    if token.tag_ in ("WP", "WDT") and token.head.dep_ in ("relcl", "acl") and token.head.head is not token.head:
        return token.head.head
    return token


def pobjs(prep: Token) -> list[Token]:
    """A preposition's objects."""
    return [child for child in prep.children if child.dep_ == "pobj"]
