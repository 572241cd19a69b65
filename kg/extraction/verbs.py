"""The verb core: relations a verb states between its subject and its arguments.

- ``svo``: subject - verb - object ("Israel attacked Hamas"), passive voice included;
- ``verb-prep``: verb + preposition ("travel to Israel", "meet with Netanyahu");
- ``verb-noun-prep``: light verb + noun + preposition ("hold talks with X");
- ``object-control``: "get Netanyahu to agree" makes Netanyahu the object of "get";
- ``mutual``: "Trump and Erdogan spoke on the phone": subjects that meet each other;
- control chains give an infinitive its subject ("Blinken plans to visit Israel");
- ``speech``: a speaker says something about the entities of the reported clause;
- ``characterisation``: "X called Y's deal 'lousy'": X says something about Y.

The verb phrase is kept as lemmas; :func:`kg.resolution.predicates.predicate_of` maps it to a
closed relation once both sides' classes are known.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from spacy.attrs import IDX
from spacy.tokens import Doc, Token

from kg.data.core_rules import CoreRule, confidence
from kg.data.words import word_list
from kg.extraction.arguments import MentionIndex, entities, objects, subjects
from kg.extraction.factuality import SPEECH_VERBS, Qualifiers
from kg.extraction.spans import MentionSpan
from kg.model import RelationMention
from kg.nlp import quotations, sentences, tokens_with_pos
from kg.resolution.predicates import mutual_verbs

REPORT_VERBS = word_list("report_verbs")
CHARACTERISE_VERBS = word_list("characterise_verbs")
CLAIM_VERBS = word_list("claim_verbs")
TOPIC_VERBS = word_list("topic_verbs")
MUTUAL_VERBS = mutual_verbs()
#: The parts of speech the verb rules start from.
VERB_TAGS = frozenset({"VERB", "AUX"})
#: The word that opens an attribution, never a verb of its own: "According to X".
ATTRIBUTION = "according"


def verb_relations(index: MentionIndex, qualifiers: Qualifiers) -> Iterator[RelationMention]:
    """The relations of every verb of the document that has two mentions in its sentence."""
    # A verb relates two mentions of its own sentence (a parse tree stays inside its sentence):
    # the verbs of a sentence with fewer are not worth reading.
    mentions_in: dict[int, set[str]] = {}
    for i, mention in index.at_token.items():
        mentions_in.setdefault(index.sentence_of[i], set()).add(mention)
    for token in verbs(index.doc):
        if len(mentions_in.get(index.sentence_of[token.i], ())) >= 2:
            yield from relations_of_verb(index, qualifiers, token)


def verbs(doc: Doc) -> list[Token]:
    """The tokens the verb rules start from, in text order: verbs and auxiliaries, but not
    "according" ("According to X, ..." is an attribution, a pattern row, whatever the parser makes of it)."""
    return [token for token in tokens_with_pos(doc, VERB_TAGS) if token.lower_ != ATTRIBUTION]


def relations_of_verb(index: MentionIndex, qualifiers: Qualifiers, verb: Token) -> Iterator[RelationMention]:
    subject_mentions = [  # "Ruby, who killed Oswald, and Jim": the clause is about Ruby alone
        pair for token in subjects(index, verb)
        for pair in entities(index, token, conjuncts=not (verb.dep_ == "relcl" and token.i == verb.head.i))
    ]
    if not subject_mentions:
        return
    factuality = qualifiers.factuality(verb)
    time = qualifiers.time_of(verb)
    arguments = list(objects(index, verb))
    mutual = MUTUAL_VERBS.get(verb.lemma_.lower())
    if mutual is not None and len(subject_mentions) > 1 and not any(rule == "svo" for _, rule, _ in arguments):
        # "Trump and Erdogan spoke on the phone": each spoke with the other
        first, first_factor = subject_mentions[0]
        for other, factor in subject_mentions[1:]:
            yield index.relation(first, other, verb, verb.lemma_.lower(), mutual, factuality, CoreRule.MUTUAL,
                                 confidence(CoreRule.MUTUAL) * first_factor * factor, time)
    for phrase, rule, argument in arguments:
        for subject, subject_factor in subject_mentions:
            for obj, object_factor in entities(index, argument):
                if subject == obj:
                    continue
                yield index.relation(subject, obj, verb, phrase, None, factuality, rule,
                                     confidence(CoreRule(rule)) * subject_factor * object_factor, time)
    lemma = verb.lemma_.lower()
    if lemma in SPEECH_VERBS:
        reported, rule = reported_mentions(index, verb), CoreRule.SPEECH
    elif lemma in CHARACTERISE_VERBS and _quotes_after(index, verb):
        reported, rule = characterised_mentions(index, verb), CoreRule.CHARACTERISATION
    else:
        return
    speakers = {subject for subject, _ in subject_mentions}
    for mention in reported:
        if mention in speakers or index.antecedent_in(mention, speakers):
            continue  # "the IC and the FSB said they": a speaker is not what it speaks about
        for subject, factor in subject_mentions:
            yield index.relation(subject, mention, verb, lemma, "says", factuality,
                                 rule, confidence(rule) * factor, time)


def reported_mentions(index: MentionIndex, verb: Token) -> list[str]:
    """The names a verb of saying reports on: those heading a phrase of its complement clause (or of
    its object, for "announce", "report", "reveal"; of what it claims to be, "claimed to have met
    X"; of what it is about, "spoke about X", "commented on X"), not the ones that only qualify a
    title ("U.S. President Donald Trump" is about Trump, not the US)."""
    lemma = verb.lemma_.lower()
    reports_objects, claims = lemma in REPORT_VERBS, lemma in CLAIM_VERBS
    topic = {"about", "on"} if lemma in TOPIC_VERBS else {"about"}
    reported = [child for child in verb.children if child.dep_ == "ccomp"
                or (reports_objects and child.dep_ == "dobj") or (claims and child.dep_ == "xcomp")
                or (child.dep_ == "prep" and child.lower_ in topic)]
    return _headed_mentions(index, (token for clause in reported for token in _reported_words(clause)))


#: Words that open a clause set against what is reported: "X said Y, while Z noted ...".
CONTRAST_MARKS = word_list("contrast_marks")


def _reported_words(clause: Token) -> list[Token]:
    """The words of a reported clause, in text order, without a clause of someone else's inside it
    that the parser hung there: "told MSNBC Cummings 'was a great man,' while President Trump
    noted ..." reports nothing of Trump's (a clause with its own subject, set against the report
    or itself a report)."""
    found, stack = [], [clause]
    while stack:
        token = stack.pop()
        found.append(token)
        stack.extend(child for child in token.children if not _someone_else_s(child))
    return sorted(found, key=lambda token: token.i)


def _someone_else_s(token: Token) -> bool:
    if token.dep_ not in ("advcl", "conj") or not any(child.dep_ in ("nsubj", "nsubjpass") for child in token.children):
        return False
    return token.lemma_.lower() in SPEECH_VERBS or any(child.dep_ == "mark" and child.lower_ in CONTRAST_MARKS
                                                      for child in token.children)


def _headed_mentions(index: MentionIndex, tokens: Iterable[Token]) -> list[str]:
    """The mentions headed by one of ``tokens`` (:meth:`MentionIndex.named_head`), in order."""
    return [mention for token in tokens if (mention := index.named_head(token.i)) is not None]


def _quotes_after(index: MentionIndex, verb: Token) -> bool:
    """Whether a quotation opens after ``verb`` and inside its clause: 'called the deal "lousy"'."""
    clause_end = verb.right_edge.idx + len(verb.right_edge)
    return any(verb.idx < start < clause_end for start, _ in quotations(index.doc))


def characterised_mentions(index: MentionIndex, verb: Token) -> list[str]:
    """What a verb that characterises in a quoted word is about: its object ('called Theresa May's
    deal "lousy"', 'called the Democrats' investigation a "witch hunt"')."""
    return _headed_mentions(index, (token for child in verb.children if child.dep_ == "dobj"
                                    for token in child.subtree))


def quote_relations(index: MentionIndex, qualifiers: Qualifiers) -> Iterator[RelationMention]:
    """A quotation's speaker says something about the names quoted, across sentences too:
    'Paul McCartney wrote on Twitter, "Ginger Baker, great drummer, ..."', '"... Beijing," he continued.'

    The speaker is the subject of the verb of saying nearest the quotation, outside it, in the
    sentence where it opens or closes (or the one before, when the quotation opens a sentence);
    a quotation of fewer than four words is a word set off, not speech ('called the deal "lousy"').
    """
    doc = index.doc
    if not quotations(doc):
        return  # most stories quote nobody: no need to read every token's offset
    starts = doc.to_array([IDX]).tolist()
    for start, end in quotations(doc):
        first, last = bisect_left(starts, start), bisect_left(starts, end) - 1
        if last - first < 5:
            continue
        quoted = [item.mention.id for item in index.spans if start < item.mention.start < end
                  and index.named_head(item.span.root.i) == item.mention.id]
        if not quoted:
            continue
        verb = _speech_verb_beside(index, first, last)
        if verb is None:
            continue
        speakers = [pair for token in subjects(index, verb) for pair in entities(index, token)]
        names = {speaker for speaker, _ in speakers}
        factuality = qualifiers.factuality(verb)
        for mention in quoted:
            if mention in names or index.antecedent_in(mention, names):
                continue
            for speaker, factor in speakers:
                yield index.relation(speaker, mention, verb, verb.lemma_.lower(), "says", factuality,
                                     CoreRule.QUOTE, confidence(CoreRule.QUOTE) * factor)


def _speech_verb_beside(index: MentionIndex, first: int, last: int) -> Token | None:
    """The verb of saying nearest a quotation (tokens ``first`` to ``last``), outside it, in the
    sentence it opens or closes in."""
    doc = index.doc
    found: list[tuple[int, Token]] = []
    around = {index.sentence_of[first], index.sentence_of[last]}
    opening = sentences(doc)[index.sentence_of[first]]
    if first <= opening.start + 1 and index.sentence_of[first] > 0:  # 'X said on Friday. "..."'
        around.add(index.sentence_of[first] - 1)
    for sentence in sorted(around):
        span = sentences(doc)[sentence]
        for token in span:
            if (token.i < first or token.i > last) and token.pos_ in VERB_TAGS and \
                    token.lemma_.lower() in SPEECH_VERBS:
                found.append((min(abs(token.i - first), abs(token.i - last)), token))
    return min(found, key=lambda pair: (pair[0], pair[1].i))[1] if found else None


class VerbFrame(NamedTuple):
    """What the verb rules see at one verb: the mentions of its subjects and of each argument.

    Not used to extract anything; :mod:`kg.explain` reads it to say why two mentions got no
    relation (neither is the verb's subject, the other is no argument of it, ...).
    """

    verb: Token
    subjects: list[str]
    arguments: list[tuple[str, str, Token, list[str]]]  # (verb phrase, rule, argument token, its mentions)


def verb_frames(doc: Doc, mention_spans: list[MentionSpan]) -> list[VerbFrame]:
    """The subjects and arguments the verb rules find at every verb of ``doc``, in text order."""
    index = MentionIndex(doc, mention_spans)
    frames = []
    for token in verbs(doc):
        found_subjects = [mention for subject in subjects(index, token) for mention, _ in entities(index, subject)]
        arguments = [
            (phrase, rule, argument, [mention for mention, _ in entities(index, argument)])
            for phrase, rule, argument in objects(index, token)
        ]
        frames.append(VerbFrame(token, found_subjects, arguments))
    return frames
