"""How a text presents what a verb says (asserted, planned, negated, reported, hypothetical),
and when: read from auxiliaries, negation, quotation marks and the verbs that govern it.

"Blinken will meet Netanyahu" is planned, "did not meet" negated, "X said Y met Z" reported,
"try to get him to agree" hypothetical; "visit Israel this Friday" has the time "this Friday".
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from kg.data.words import word_list
from kg.model import Factuality
from kg.nlp import entities, is_infinitive, quotation_at, sentence_numbers

SPEECH_VERBS = word_list("speech_verbs")
PLAN_VERBS = word_list("plan_verbs")
ATTEMPT_VERBS = word_list("attempt_verbs")
FUTURE_AUXILIARIES = word_list("future_auxiliaries")
MODAL_AUXILIARIES = word_list("modal_auxiliaries")
#: Words that only allege what follows them: "accused of", "arrested in", "the suspect in".
ALLEGE_WORDS = word_list("allege_words")
#: How far up the tree the verbs that govern a verb are read.
GOVERNING_DEPTH = 8


class Qualifiers:
    """The factuality and time of a document's verbs; the dates and quotations are indexed once."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.sentence_of = sentence_numbers(doc)
        #: The DATE and TIME entities of each sentence, by sentence number.
        self.times: dict[int, list[Span]] = {}
        for entity in entities(doc):
            number = self.sentence_of[entity.start]
            if entity.label_ in ("DATE", "TIME") and self.sentence_of[entity.end - 1] == number:
                self.times.setdefault(number, []).append(entity)

    def factuality(self, verb: Token) -> Factuality:
        """How the text presents what the verb says, from the verb and those that govern it."""
        negated = hypothetical = planned = reported = False
        token = verb
        same_clause = True
        for _ in range(GOVERNING_DEPTH):
            auxiliaries = {child.lower_ for child in token.children if child.dep_ in ("aux", "auxpass")}
            if same_clause:
                negated |= any(child.dep_ == "neg" for child in token.children)
                planned |= bool(auxiliaries & FUTURE_AUXILIARIES)
                hypothetical |= bool(auxiliaries & MODAL_AUXILIARIES)
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
                same_clause = same_clause and is_infinitive(token)
            elif token.dep_ == "advcl" and is_infinitive(token):
                planned = True
                same_clause = False
            else:
                break
            token = head
        reported |= self.quoted(verb) or alleged(verb)
        if negated:
            return Factuality.NEGATED
        if hypothetical:
            return Factuality.HYPOTHETICAL
        if planned:
            return Factuality.PLANNED
        return Factuality.REPORTED if reported else Factuality.ASSERTED

    def quoted(self, token: Token) -> bool:
        """True for a token inside quotation marks: the words are the speaker's, not the paper's."""
        return quotation_at(self.doc, token.idx) is not None

    def time_of(self, verb: Token) -> str | None:
        """A date or time expression attached to the verb ("visit Israel this Friday")."""
        for entity in self.times.get(self.sentence_of[verb.i], ()):
            head = entity.root.head
            if head.i == verb.i or (head.dep_ == "prep" and head.head.i == verb.i):
                return entity.text.strip()
        return None


def alleged(deed: Token) -> bool:
    """True when the text only alleges the deed: "accused of killing X", "the suspect in the murder of X"."""
    token = deed
    for _ in range(4):
        if token.dep_ not in ("pobj", "pcomp", "prep", "dobj") or token.head is token:
            return False
        token = token.head
        if token.lemma_.lower() in ALLEGE_WORDS:
            return True
    return False
