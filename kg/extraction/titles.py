"""Titles written with a person's name, found so that the name and the role are kept apart.

"US Secretary of State Antony Blinken" is the person "Antony Blinken" holding the role "US
Secretary of State"; "John Kirby, White House spokesman" the person and the role after the
comma. A title is a run of words with a title word in it (``title_words`` in
``kg/data/words.json``); the department words of a title ("State") are no entities.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from kg.data.words import word_list
from kg.nlp import sentence_of
from kg.resolution.names import singular

#: Head words of titles: offices ("minister", "spokesman") and occupations ("drummer", "astronomer").
TITLE_WORDS = word_list("title_words") | word_list("occupation_words")
HONORIFICS = word_list("honorifics")
TITLE_MODIFIERS = word_list("title_modifiers")
AS_OBJECT_VERBS = word_list("as_object_verbs")
DEPARTMENT_WORDS = word_list("department_words")
NAME_PREFIXES = word_list("name_prefixes")
#: Head words of a state's offices ("President", "Health Minister").
NATIONAL_OFFICES = word_list("national_offices")
#: Punctuation that ends a title written between commas.
CLAUSE_BREAKS = frozenset({",", ";", ":", "(", "—", "–"})
#: What a title written next to a name, but parsed apart from it, is made of.
TITLE_PARTS = frozenset({"NOUN", "PROPN", "ADJ"})
#: The words a title written inside a name may be made of ("Crown Prince", "Detective Inspector").
TITLE_SPAN_WORDS = TITLE_WORDS | HONORIFICS | TITLE_MODIFIERS
#: Of those, the words a title inside a name may end with ("Crown Prince", not "Crown").
TITLE_CUT_WORDS = TITLE_WORDS | HONORIFICS
#: The tags of a plural noun.
PLURAL_TAGS = frozenset({"NNS", "NNPS"})
#: The words that open what a title is of, before its place: "Governor of", "Senator from", "Minister for".
OFFICE_PLACE_WORDS = frozenset({"of", "from", "for"})


def is_title_word(token: Token) -> bool:
    """True for "spokesman", "Gov.", "minister": a title's head word, with or without a full stop."""
    return token.lower_.rstrip(".") in TITLE_WORDS


def is_title_or_its_lemma(token: Token) -> bool:
    """True for a title word as written or as its lemma ("spokesmen", "mayors")."""
    return is_title_word(token) or token.lemma_.lower() in TITLE_WORDS


def is_plural_title_word(token: Token) -> bool:
    """True for a title word's plural, "Senators" of "Senators X and Y" too (the small model keeps
    a capitalised plural's lemma as written)."""
    return token.tag_ in PLURAL_TAGS and singular(token.lower_.rstrip(".")) in TITLE_WORDS


def singular_as_written(word: str) -> str:
    """:func:`kg.resolution.names.singular` of a word as the text writes it ("Senators" -> "Senator")."""
    return word[:len(singular(word.lower()))]


def coordinated_titles(title: Span) -> list[Span]:
    """A title that lists several, one span each: "former Foreign Secretary, mayor of London, and
    member of Parliament" is three titles; "Secretary of State for Foreign and Commonwealth Affairs"
    is one (what follows its "and" opens no title)."""
    doc, parts, start = title.doc, [], title.start

    def separates(token: Token) -> bool:
        return token.text in (",", ";") or token.lower_ in ("and", "&")

    for token in title:
        if not separates(token) or token.i <= start:
            continue
        rest = next((t for t in doc[token.i + 1:title.end] if not separates(t)), None)
        if rest is None or not _opens_a_title(doc[rest.i:title.end]):
            continue
        parts.append(doc[start:token.i])
        start = rest.i
    parts.append(doc[start:title.end])
    return parts if len(parts) > 1 and all(any(is_title_word(t) for t in part) for part in parts) else [title]


def _opens_a_title(words: Span) -> bool:
    """True when the words after a title's "and" or comma are a title of their own: a title word
    after modifiers ("mayor of London", "former Senator") or after the name of a place ("US
    Senator", "Rhode Island governor"); not "Commonwealth Affairs" of "Secretary of State for
    Foreign and Commonwealth Affairs"."""
    for token in words:
        if is_title_word(token):
            return True
        if token.lower_ not in TITLE_MODIFIERS and token.ent_type_ not in ("GPE", "NORP", "LOC"):
            return False
    return False


def head_word(title: Span) -> str:
    """A title's head word, lower case and singular: its last word before a preposition, with what
    a hyphen joins to it ("NATO Secretary-General" -> "secretary-general", "Speaker of the House"
    -> "speaker", "Senators" -> "senator"). Read off the words, as the parser often ties a title's
    words to the name instead."""
    token = head_token(title)
    word = whole_word(token).lower().rstrip(".")
    return singular(word) if token.tag_ in PLURAL_TAGS else word


def head_token(title: Span) -> Token:
    """The token :func:`head_word` reads: the title's last before a preposition."""
    end = next((token.i for token in title if token.pos_ == "ADP" and token.i > title.start), title.end)
    return title.doc[end - 1]


def whole_word(token: Token) -> str:
    """The word a token ends, with what a hyphen joins to it: "Secretary-General" for "General"."""
    doc, start = token.doc, token.i
    while start >= 2 and doc[start - 1].text == "-" and not doc[start - 1].whitespace_ \
            and not doc[start - 2].whitespace_:
        start -= 2
    return doc[start:token.i + 1].text


def split_leading_title(span: Span) -> tuple[Span | None, Span | None]:
    """Split title words that NER put inside a person's name ("President Biden", "Crown Prince
    Mohammad bin Salman"): (name, title). The cut ends after a title word or an honorific."""
    cut = span.start
    position = span.start
    while position < span.end - 1 and span.doc[position].lower_.rstrip(".") in TITLE_SPAN_WORDS:
        position += 1
        if span.doc[position - 1].lower_.rstrip(".") in TITLE_CUT_WORDS:
            cut = position
    if cut == span.start:
        return span, None
    title = span.doc[span.start:cut]
    has_title = any(is_title_word(token) for token in title)
    return span.doc[cut:span.end], title if has_title else None


def _in_subtree(root: Token, token: Token) -> bool:
    """``token`` is ``root`` or under it, found without walking ``root``'s subtree (a whole long
    sentence, for the root of a list of names): outside its edges it is not, inside it is when
    ``root`` is among its heads."""
    return token.i == root.i or (root.left_edge.i <= token.i <= root.right_edge.i and root.is_ancestor(token))


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
    start, sentence_start = person.start, sentence_of(person).start
    while start - 1 >= sentence_start and _in_subtree(anchor, doc[start - 1]) and not _ends_title(doc[start - 1]) \
            and doc[start - 1].ent_type_ != "PERSON" and not _after_name(doc[start - 1]):
        start -= 1  # "US President Donald Trump and Turkish President Erdoğan": Erdoğan's title is the second
    while start < person.start and (doc[start].dep_ in ("det", "poss", "case") or _before_case(doc[start])):
        start += 1
    if start == person.start:
        return None
    title = doc[start:person.start]
    if not has_title_word(title):
        return None
    return doc[_coordinated_title_start(title, sentence_start):person.start]


def _coordinated_title_start(title: Span, sentence_start: int) -> int:
    """Where a title joined by "and" to ``title`` opens, else where ``title`` does: "[Conservative
    Party leader and] Prime Minister Boris Johnson", which the parser hangs outside the name's
    phrase. Only where :func:`coordinated_titles` reads the two apart."""
    doc, before = title.doc, title.start - 2
    if before < sentence_start or doc[before + 1].lower_ != "and" or not is_title_or_its_lemma(doc[before]):
        return title.start
    while before - 1 >= sentence_start and not _ends_title(doc[before - 1]) and doc[before - 1].ent_type_ != "PERSON" \
            and doc[before - 1].pos_ in TITLE_PARTS and doc[before - 1].dep_ not in ("det", "poss"):
        before -= 1
    return before if len(coordinated_titles(doc[before:title.end])) > 1 else title.start


def _after_name(token: Token) -> bool:
    """True for "and" after a person's name: "Donald Trump and Turkish President Erdoğan" (but
    "senator and presidential candidate Robert F. Kennedy" is one title)."""
    return token.dep_ == "cc" and token.i > 0 and token.doc[token.i - 1].ent_type_ == "PERSON"


def _opens_name(token: Token) -> bool:
    """True for a capitalised word or a name after a comma: "the mayor of Esperanza, Sultan Kudarat"
    ends at the comma; "minister of industry, commerce, and integration" goes on."""
    return token.is_title or token.ent_iob_ == "B"


def _ends_title(token: Token) -> bool:
    """Punctuation ends a title, but not a hyphen inside a word ("Secretary-General")."""
    joined = token.text == "-" and not token.whitespace_ and token.i > 0 and not token.doc[token.i - 1].whitespace_
    return token.is_punct and not joined


def adjacent_title(person: Span) -> Span | None:
    """Title words written right before a name that the parser left out of its noun phrase: "Sky
    News Arabia producer Jamal al-Harbi", "... and Turkish President Recep Tayyip Erdoğan",
    "Governor of Texas Greg Abbott" (read off the words when :func:`prefix_title` finds nothing
    in the tree)."""
    doc = person.doc
    start, sentence_start = person.start, sentence_of(person).start
    if start - 1 >= sentence_start and not is_title_word(doc[start - 1]):
        start = _office_of_place_start(doc, start, sentence_start)
    if start - 1 < sentence_start or not is_title_word(doc[start - 1]):
        return None
    start -= 1  # the title word, whatever its tag: the small model reads "Caloundra coach Geoff Ingram" as a verb
    while start - 1 >= sentence_start and not _ends_title(doc[start - 1]) and doc[start - 1].ent_type_ != "PERSON" \
            and (doc[start - 1].pos_ in TITLE_PARTS or doc[start - 1].text == "-"):
        start -= 1
    return doc[start:person.start]


def _office_of_place_start(doc: Doc, start: int, sentence_start: int) -> int:
    """Where "of", "from" or "for" opens what a title written right before a name is of ("First
    Minister of Scotland Nicola Sturgeon", "Governor of Texas Greg Abbott", "Senator from Vermont
    Bernie Sanders", "Minister of Information X"), else ``start``."""
    k = start - 1
    while k >= sentence_start and doc[k].is_title and doc[k].ent_type_ != "PERSON" and not is_title_word(doc[k]):
        k -= 1
    if k == start - 1:
        return start
    if k >= sentence_start and doc[k].lower_ == "the":
        k -= 1
    return k if k - 1 >= sentence_start and doc[k].lower_ in OFFICE_PLACE_WORDS and is_title_word(doc[k - 1]) \
        else start


def comma_title(person: Span) -> Span | None:
    """A title between commas before the name, read off the words where the parser tied the commas
    elsewhere: "The mayor of New Orleans, LaToya Cantrell, advised", "According to the El Paso
    mayor, Dee Margo, ...". The title opens its clause (a clause such as "After meeting the
    president, Smith said" names no title of Smith's) and its head word is its last word or the
    word before its first preposition."""
    doc = person.doc
    sentence = sentence_of(person)
    end = person.start - 1
    if end <= sentence.start or doc[end].text != ",":
        return None
    start = end
    while start - 1 >= sentence.start and doc[start - 1].text not in CLAUSE_BREAKS and not doc[start - 1].is_quote:
        start -= 1
    if doc[start].lower_ == "according" and start + 1 < end and doc[start + 1].lower_ == "to":
        start += 2
    while start < end and (doc[start].dep_ in ("det", "poss", "case") or doc[start].pos_ in ("DET", "CCONJ", "ADV")
                           or _before_case(doc[start])):
        start += 1
    title = doc[start:end]
    if not title or any(token.ent_type_ == "PERSON" or token.pos_ in ("VERB", "AUX", "SCONJ") for token in title):
        return None
    preposition = next((token.i for token in title if token.pos_ == "ADP"), end)
    return title if preposition > start and is_title_word(doc[preposition - 1]) else None


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
        if not is_title_or_its_lemma(child):  # "a spokesman for X", not "wife of X"
            continue  # (before the subtree is walked: an apposition may be a list of a thousand names)
        doc = person.doc
        start, end = child.left_edge.i, child.right_edge.i + 1  # the subtree's edges, not a walk of it
        while start < end and doc[start].is_punct:
            start += 1
        while end > start and doc[end - 1].is_punct:
            end -= 1
        if start == end:
            continue
        while start < end and doc[start].dep_ in ("det", "poss"):
            start += 1
        end = next((token.i for token in doc[child.i + 1:end - 1]
                    if token.text in CLAUSE_BREAKS and _opens_name(doc[token.i + 1])), end)
        return doc[start:end]  # "the mayor of Esperanza, Sultan Kudarat": the title ends before another name
    return None


def preceding_title(person: Span) -> Span | None:
    """A title the name is in apposition to, written before it: "The mayor of London, Sadiq Khan",
    "the government's lawyer, Richard Keen" ("lawyer": the possessor is its organisation)."""
    root = person.root
    head = root.head
    if root.dep_ != "appos" or head.i >= person.start:
        return None
    if not is_title_or_its_lemma(head):
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
    as mayor of London", "the party elected Boris Johnson as its leader", "Jeremy Hunt, who succeeded
    him as Foreign Secretary"."""
    root = person.root
    # the name's own verb, or the verb of a relative clause it is the subject of ("Hunt, who succeeded him as X")
    frames = [(root.head, root.dep_)] + [(clause, "nsubj") for clause in root.children if clause.dep_ == "relcl"
                                         and any(child.dep_ == "nsubj" and child.lower_ == "who"
                                                 for child in clause.children)]
    candidates = []
    for verb, role in frames:
        if role not in ("nsubj", "nsubjpass", "dobj") or verb.pos_ not in ("VERB", "AUX"):
            continue
        if role == "nsubj" and verb.lemma_.lower() in ("be", "become", "remain"):
            candidates += [child for child in verb.children if child.dep_ == "attr"]
        object_takes_it = verb.lemma_.lower() in AS_OBJECT_VERBS
        if (role == "dobj") == object_takes_it or role == "nsubjpass":
            candidates += [pobj for prep in verb.children if prep.dep_ == "prep" and prep.lower_ == "as"
                           for pobj in prep.children if pobj.dep_ == "pobj"]
    for noun in candidates:
        if noun.pos_ in ("NOUN", "PROPN") and is_title_or_its_lemma(noun):
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
    return any(is_title_or_its_lemma(token) or is_plural_title_word(token) for token in span)


def only_title_words(span: Span, title_tokens: set[int]) -> bool:
    """True for an entity inside a title made only of department words ("State") or of a title's
    own words ("Detective Inspector", which the model may call an organisation)."""
    inside = all(token.i in title_tokens for token in span)
    return inside and (all(token.lower_ in DEPARTMENT_WORDS for token in span)
                       or all(token.lower_.rstrip(".") in TITLE_SPAN_WORDS for token in span))
