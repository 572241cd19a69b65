"""Titles written with a person's name, found so that the name and the role are kept apart.

"US Secretary of State Antony Blinken" is the person "Antony Blinken" holding the role "US
Secretary of State"; "John Kirby, White House spokesman" the person and the role after the
comma. A title is a run of words with a title word in it (``title_words`` in
``kg/data/words.json``); the department words of a title ("State") are no entities.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from kg.extraction.words import word_list
from kg.nlp import sentence_of

#: Head words of titles: offices ("minister", "spokesman") and occupations ("drummer", "astronomer").
TITLE_WORDS = word_list("title_words") | word_list("occupation_words")
HONORIFICS = word_list("honorifics")
TITLE_MODIFIERS = word_list("title_modifiers")
AS_OBJECT_VERBS = word_list("as_object_verbs")
DEPARTMENT_WORDS = word_list("department_words")
NAME_PREFIXES = word_list("name_prefixes")


def is_title_word(token: Token) -> bool:
    """True for "spokesman", "Gov.", "minister": a title's head word, with or without a full stop."""
    return token.lower_.rstrip(".") in TITLE_WORDS


def split_leading_title(span: Span) -> tuple[Span | None, Span | None]:
    """Split title words that NER put inside a person's name ("President Biden", "Crown Prince
    Mohammad bin Salman"): (name, title). The cut ends after a title word or an honorific."""
    cut = span.start
    position = span.start
    opening = TITLE_WORDS | HONORIFICS | TITLE_MODIFIERS
    while position < span.end - 1 and span.doc[position].lower_.rstrip(".") in opening:
        position += 1
        if span.doc[position - 1].lower_.rstrip(".") in TITLE_WORDS | HONORIFICS:
            cut = position
    if cut == span.start:
        return span, None
    title = span.doc[span.start:cut]
    has_title = any(is_title_word(token) for token in title)
    return span.doc[cut:span.end], title if has_title else None


def prefix_title(person: Span) -> Span | None:
    """The title written before a name inside its noun phrase, if any.

    "White House national security spokesman John Kirby" -> "White House national security
    spokesman". A possessive starts the title after it: "Israel's Prime Minister X" -> "Prime
    Minister".
    """
    doc = person.doc
    anchor = person.root
    if anchor.dep_ == "appos" and anchor.head.i == person.start - 1:
        anchor = anchor.head  # "Prime Minister Benjamin Netanyahu", parsed with the name in apposition
    subtree = {token.i for token in anchor.subtree}
    start, sentence_start = person.start, sentence_of(person).start
    while start - 1 >= sentence_start and (start - 1) in subtree and not doc[start - 1].is_punct:
        start -= 1
    while start < person.start and (doc[start].dep_ in ("det", "poss", "case") or _before_case(doc[start])):
        start += 1
    if start == person.start:
        return None
    title = doc[start:person.start]
    return title if has_title_word(title) else None


def _before_case(token: Token) -> bool:
    """True for tokens of a possessor ("Israel" in "Israel's Prime Minister")."""
    doc = token.doc
    end = token.i
    while end < len(doc) and doc[end].tag_ != "POS" and doc[end].dep_ != "case":
        if doc[end].head.i != token.head.i and doc[end].head.i != end + 1 and doc[end].dep_ != "compound":
            return False
        end += 1
        if end - token.i > 4:
            return False
    return end < len(doc) and (doc[end].tag_ == "POS" or doc[end].dep_ == "case")


def apposition_title(person: Span) -> Span | None:
    """A title in an apposition after the name: "John Kirby, White House spokesman, said".

    The apposition's head must be a title word: "Veranika Tsapkala, wife of Valery Tsapkala, a
    presidential candidate" describes her by someone else's title.
    """
    for child in person.root.children:
        if child.dep_ != "appos" or child.i < person.end:
            continue
        tokens = [token for token in child.subtree if not token.is_punct]
        if not tokens:
            continue
        start, end = tokens[0].i, tokens[-1].i + 1
        doc = person.doc
        while start < end and doc[start].dep_ in ("det", "poss"):
            start += 1
        title = doc[start:end]
        if is_title_word(child) or child.lemma_.lower() in TITLE_WORDS:  # "a spokesman for X", not "wife of X"
            return title
    return None


def preceding_title(person: Span) -> Span | None:
    """A title the name is in apposition to, written before it: "The mayor of London, Sadiq Khan",
    "the government's lawyer, Richard Keen" ("lawyer": the possessor is its organisation)."""
    root = person.root
    head = root.head
    if root.dep_ != "appos" or head.i >= person.start:
        return None
    if not (is_title_word(head) or head.lemma_.lower() in TITLE_WORDS):
        return None
    doc = person.doc
    start = head.left_edge.i
    end = person.start
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    while start < end and (doc[start].dep_ in ("det", "poss", "case") or _before_case(doc[start])):
        start += 1
    end = _before_coordination(head, end)
    return doc[start:end] if start <= head.i < end else None


def _before_coordination(noun: Token, end: int) -> int:
    """Where a title ends: before "and" and what it joins, a relative clause or a trailing comma
    ("a great drummer and a lovely guy" is the title "great drummer")."""
    doc = noun.doc
    for token in doc[noun.i + 1:end]:
        if token.dep_ in ("cc", "conj", "relcl", "acl", "punct") and token.head.i == noun.i:
            end = token.i
            break
    while end > noun.i + 1 and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return end


def predicative_title(person: Span) -> Span | None:
    """A title said of the name by a verb: "Nancy Pelosi is the Speaker of the House", "Johnson served
    as mayor of London", "the party elected Boris Johnson as its leader"."""
    root = person.root
    verb = root.head
    if root.dep_ not in ("nsubj", "nsubjpass", "dobj") or verb.pos_ not in ("VERB", "AUX"):
        return None
    candidates = []
    if root.dep_ == "nsubj" and verb.lemma_.lower() in ("be", "become", "remain"):
        candidates += [child for child in verb.children if child.dep_ == "attr"]
    object_takes_it = verb.lemma_.lower() in AS_OBJECT_VERBS
    if (root.dep_ == "dobj") == object_takes_it or root.dep_ == "nsubjpass":
        candidates += [pobj for prep in verb.children if prep.dep_ == "prep" and prep.lower_ == "as"
                       for pobj in prep.children if pobj.dep_ == "pobj"]
    for noun in candidates:
        if noun.pos_ in ("NOUN", "PROPN") and (is_title_word(noun) or noun.lemma_.lower() in TITLE_WORDS):
            doc = person.doc
            start, end = noun.left_edge.i, noun.right_edge.i + 1
            while start < noun.i and (doc[start].dep_ in ("det", "poss", "case") or _before_case(doc[start])):
                start += 1
            end = _before_coordination(noun, end)
            if not any(start <= token.i < end for token in person):
                return doc[start:end]
    return None


def name_with_prefix(person: Span) -> Span:
    """The person's name with the honorific or head-of-state title written just before it.

    The graph keeps the title as a role, but a reader quoting the name (and gold annotations
    such as CoNLL04) include it: "President Lincoln", "Mrs. Parks", "Rev. Martin Luther King Jr.".
    """
    start, sentence_start = person.start, sentence_of(person).start
    doc = person.doc
    while start > sentence_start and doc[start - 1].is_title and doc[start - 1].lower_.rstrip(".") in NAME_PREFIXES:
        start -= 1
    return doc[start:person.end]


def has_title_word(span: Span) -> bool:
    return any(is_title_word(token) or token.lemma_.lower() in TITLE_WORDS for token in span)


def only_title_words(span: Span, title_tokens: set[int]) -> bool:
    """True for an entity inside a title made only of department words ("State")."""
    inside = all(token.i in title_tokens for token in span)
    return inside and all(token.lower_ in DEPARTMENT_WORDS for token in span)
