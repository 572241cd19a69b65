"""Stage 3: the mentions of entities in a parsed document.

Named entities come from spaCy's NER, mapped to ontology classes (``kg/data/classes.json``),
with the newswire conventions the model misreads put right (:mod:`kg.extraction.newswire`)
and its class mistakes undone (:mod:`kg.extraction.corrections`). Titles are split off
people's names ("US Secretary of State Antony Blinken" is the person "Antony Blinken" with the
role "US Secretary of State"; :mod:`kg.extraction.titles`), and words that only belong to a
title ("State") are not entities of their own.
"""

from __future__ import annotations

import re
from dataclasses import replace

from spacy.strings import hash_string  # type: ignore[attr-defined]
from spacy.tokens import Doc, Span, Token

from kg.data.gazetteer import aliases, demonym_country, is_country_name, is_known_place, is_state_abbreviation
from kg.data.words import ner_class, word_list
from kg.extraction.corrections import ORGANISATION_WORDS, corrected_class
from kg.extraction.newswire import split_entities, unlabelled_names
from kg.extraction.spans import MentionSpan
from kg.extraction.titles import (
    DEPARTMENT_WORDS,
    NATIONAL_OFFICES,
    adjacent_title,
    apposition_title,
    comma_title,
    coordinated_titles,
    head_word,
    is_plural_title_word,
    is_title_word,
    only_title_words,
    preceding_title,
    predicative_title,
    prefix_title,
    singular_as_written,
    split_leading_title,
)
from kg.model import EntityClass, Mention, mention_id
from kg.nlp import casing, quotation_at, sentence_numbers, text_of
from kg.resolution.names import clean_name, role_name

#: Characters no real name contains: a mention holding one is a tokenisation accident ("W]e").
BAD_NAME_CHARACTERS = re.compile(r"[\[\]{}<>|@#\\]")
#: A legislator's party and state, "D-Calif.", "R-Utah": not a place of its own.
PARTY_AND_STATE = re.compile(r"^[DRI]-[A-Z]")
#: Nouns a nationality adjective modifies when it means the state: "the Israeli government" is
#: Israel acting, where "Israeli voters" are a group of people.
STATE_NOUNS = word_list("state_nouns")
NATIONALITY_NOUNS = word_list("nationality_nouns")
PEOPLE_NOUNS = word_list("people_nouns")
#: Articles a name does not begin with, though NER may take them in ("a United States whistleblower").
LEADING_ARTICLES = frozenset({"the", "a", "an"})
#: Parts of speech of a sentence's capitalised first words that NER may run into a name after them
#: ("[Following South Carolina's] primary"): no name's, when the word hangs outside the name (the
#: "Wounded" of "Wounded Warrior Project" is part of it; a birth-name word is read as one: "Born X").
SENTENCE_OPENING_TAGS = frozenset({"VBG", "VBN", "VBD", "RB"})
#: Words before an office that say when or how well it is held, not which office it is ("former", "great").
OFFICE_QUALIFIERS = word_list("role_time_words") | word_list("role_judgement_words")
PARTY_NAMES = word_list("party_names")
BIRTH_NAME_WORDS = word_list("birth_name_words")
#: Words NER takes for names that name nothing kg keeps: time zones ("UTC"), clock abbreviations, diseases
#: ("COVID-19"), and kinds of organisation on their own ("The Department issued": a description of one
#: named elsewhere).
NOT_NAMES = word_list("not_names") | word_list("disease_names") | word_list("description_words")
#: The last words of names of laws and treaties ("Clean Air Act"): no entity either.
LAW_NAME_HEADS = word_list("law_name_heads")
#: Words after which a name is the title of a work ("a book called ...").
WORK_TITLE_WORDS = word_list("work_title_words")
#: The small words a title leaves in lower case, and the most words a quoted title has.
TITLE_SMALL_WORDS = word_list("name_joining_words")
MAX_TITLE_WORDS = 8
#: The entity types that name whose an office is: "mayor of Esperanza", "Speaker of the House".
OWNER_TYPES = frozenset({"GPE", "ORG", "LOC", "FAC", "NORP"})
#: Words that name an institution by its kind when capitalised: "Parliament", "Congress", "the Treasury".
INSTITUTION_WORDS = word_list("organisation_words") | word_list("department_words")
#: Lower-case words that end a company's name ("Vodafone Group plc").
COMPANY_SUFFIXES = word_list("company_suffixes")
#: Prefixes that make a name a stance ("anti-Brexit", "pro-government").
STANCE_PREFIXES = frozenset({"anti", "pro"})


def find_mentions(doc: Doc) -> list[MentionSpan]:
    """Entity and role mentions of ``doc``, in text order.

    A role mention is made for every title attached to a person, by a title before the name
    or by an apposition after it.
    """
    sentence_index = sentence_numbers(doc)
    found: list[MentionSpan] = []
    title_tokens: set[int] = set()
    for entity in [*split_entities(doc), *unlabelled_names(doc)]:
        cls = ner_class(entity.label_)
        if cls is None:
            continue
        span = trim(entity)
        if span is None:
            continue
        cls = corrected_class(span, cls)
        country = state_meant(span) if cls == EntityClass.GROUP else None
        if country is not None:
            found.append(make_mention(span, EntityClass.PLACE, entity.label_, sentence_index, name=country))
            continue
        if cls == EntityClass.GROUP:
            if is_adjective(span):
                continue  # "Muslim leaders", "the guests were Indian": a nationality said of something
            group = with_people_noun(span)  # "British people", "British public": one group, named "British"
            found.append(make_mention(group, cls, entity.label_, sentence_index, name=clean_name(span.text, cls)))
            continue

        if cls in (EntityClass.ORGANIZATION, EntityClass.PERSON) and names_a_product(span, cls):
            continue
        if cls in (EntityClass.PERSON, EntityClass.PLACE) and names_a_work(span):
            continue
        if cls == EntityClass.PERSON:
            if runs_into_number(span):
                continue
            span, leading_title = split_leading_title(span)
            if span is None:
                continue
            titles = [leading_title, prefix_title(span), apposition_title(span), preceding_title(span),
                      predicative_title(span)]
            if not any(titles):  # the parser missed them: read titles off the words next to the name
                titles += [adjacent_title(span), comma_title(span)]
            parts = [(part, found_title is leading_title) for found_title in titles if found_title is not None
                     for part in coordinated_titles(found_title)]  # "Foreign Secretary, mayor of London": two
            for title, leading in parts:
                # a "title" naming someone else is a relation to them ("the wife of Senator Bob Dole");
                # one NER kept inside the name ("Crown Prince Mohammad bin Salman") is the name's own
                if leading or not any(t.ent_type_ == "PERSON" for t in title):
                    if not (head_word(title) not in NATIONAL_OFFICES and has_party_name(title)):
                        title_tokens.update(range(title.start, title.end))  # "Labour leader": a party
                    role = make_mention(title, EntityClass.ROLE, "TITLE", sentence_index, name=office(title))
                    found.append(role._replace(owner=span))
        found.append(make_mention(span, cls, entity.label_, sentence_index))
    surnames = {item.span[-1].lower_ for item in found if len(item.span) > 1}  # "Theresa May" ... "May"
    kept = [
        item for item in found
        if (item.mention.cls == EntityClass.ROLE or item.mention.label == "NORP"
            or not only_title_words(item.span, title_tokens))
        and not BAD_NAME_CHARACTERS.search(item.mention.name)
        and not PARTY_AND_STATE.match(item.mention.name)
        and item.mention.name.lower() not in NOT_NAMES
        and not names_a_law(item)
        and any(character.isalpha() for character in item.mention.name)
        and (item.mention.cls in (EntityClass.ROLE, EntityClass.GROUP) or not written_as_common_words(item.span))
        and (item.mention.cls == EntityClass.ROLE or item.span[-1].lower_ in surnames or not is_common_noun(item.span))
    ]
    kept.sort(key=text_order)
    return given_aliases(unique_mentions(surnames_as_people(kept)))


def names_a_law(item: MentionSpan) -> bool:
    """A name of two words or more that ends like a law's or a treaty's ("the Clean Air Act", "the
    United States Constitution"), not a person's nor a title's."""
    words = item.mention.name.split()
    return len(words) > 1 and words[-1].lower() in LAW_NAME_HEADS \
        and item.mention.cls not in (EntityClass.PERSON, EntityClass.ROLE)  # "Minister for the Constitution"


def written_as_common_words(span: Span) -> bool:
    """True for a "name" NER made of common words, in a text that capitalises names: written all in
    lower case ("act with restraint", "green algae"), ending in a lower-case noun ("the Hawaiian
    island of Maui", "Republican representatives"; not "Kim Mahn-je"), or a stance ("anti-Brexit", "pro-government").
    An institution is named by its kind in lower case too ("the ministry of internal affairs",
    "Vodafone Group plc"); a story all in lower case names things in lower case."""
    last = span[-1]
    shaped = not any(character.isupper() for character in span.text) \
        or (len(span) > 1 and last.is_lower and last.is_alpha and last.lower_ not in COMPANY_SUFFIXES
            and span[-2].text != "-") \
        or (len(span) > 2 and span[0].lower_ in STANCE_PREFIXES and span[1].text == "-")
    # the shape first: most names are capitalised, and need no look at the text's casing or their words
    return shaped and casing(span.doc).names_capitalised and not any(token.lower_ in INSTITUTION_WORDS
                                                                     for token in span)


def names_a_product(span: Span, cls: EntityClass) -> bool:
    """True for a maker's name on a model ("a Volvo XC90", "the Boeing 737 Max", "an Airbus A320"),
    which names a car or a plane, not the company acting, and for a model's name NER took for a
    person ("Max")."""
    doc = span.doc
    after = doc[span.end] if span.end < len(doc) else None
    before = doc[span.start - 1] if span.start > 0 else None
    if cls == EntityClass.PERSON:  # "the 737 Max", where NER may also read the model's number as a count
        return before is not None and _model_designation(before, also=("CARDINAL",))
    return after is not None and _model_designation(after)


def names_a_work(span: Span) -> bool:
    """True for the title of a book, a show or a song NER took for a person or a place: a name
    that is the whole of a quotation ("the novel “Jonathan Strange and Mr Norrell”") or that
    follows a word that introduces a title ("a film called Paris, Texas"; ``work_title_words``)."""
    doc = span.doc
    before = doc[span.start - 1] if span.start > 0 else None
    if before is not None and before.lower_ in WORK_TITLE_WORDS and before.tag_ == "VBN":
        return True  # "a film called X", not "Cengiz called Mohammad's admission ..."
    quotation = quotation_at(doc, span.start_char)
    if quotation is None or span.end_char >= quotation[1]:
        return False
    if quotation == (span.start_char - 1, span.end_char + 1):
        return True
    words = text_of(doc)[quotation[0] + 1:quotation[1] - 1].split()
    # a quoted title: a few words, each capitalised but the small ones ("Jonathan Strange and Mr Norrell")
    return 1 < len(words) <= MAX_TITLE_WORDS and all(
        word[0].isupper() or word in TITLE_SMALL_WORDS for word in words) and not words[-1].endswith((".", "!", "?"))


def _model_designation(token: Token, also: tuple[str, ...] = ()) -> bool:
    """A model's number or code ("737", "XC90", "A320"), not a year, an amount or a count NER read,
    nor a phone number or a code of the next sentence ("Gannett New Media. 1-900-WEATHER")."""
    return token.text.isalnum() and any(character.isdigit() for character in token.text) \
        and token.ent_type_ in ("", "PRODUCT", *also) and (token.i == 0 or not token.nbor(-1).text.endswith("."))


def runs_into_number(span: Span) -> bool:
    """True for a "person" NER ran on into a number: "placed Humberto 75 miles north" (a storm),
    "Revs 74.0 mln" (a table's label). People's names hold no figures."""
    return any(token.like_num and not token.is_alpha for token in span[1:])


def is_common_noun(span: Span) -> bool:
    """A one-word "name" the text also writes in lower case as a noun is that noun, capitalised
    to open a sentence or a headline: "Protesters with flags ...", "Measles affects ...",
    "Hurricanes are ...", "The Cathedral was ..." (NER takes them for names), and the text never
    capitalises it inside a sentence."""
    if len(span) != 1 or not span[0].is_title or span[0].lower_ in INSTITUTION_WORDS:
        return False  # "Parliament", "the Treasury": an institution is named by its kind
    word, written = span[0].lower_, casing(span.doc)
    key = hash_string(word)
    if key in written.capitalised:
        return False  # "of Shearson": a name the text also writes in lower case by mistake
    return key in written.common or \
        (word.endswith("s") and hash_string(word[:-1]) in written.common)  # "Hurricanes", "a hurricane"


def has_party_name(title: Span) -> bool:
    """True for a title with a party's name in it ("Labour leader", "Democratic Senator")."""
    return any(token.lower_ in PARTY_NAMES for token in title)


def given_aliases(found: list[MentionSpan]) -> list[MentionSpan]:
    """Mentions, with another name the text gives a name marked as its alias: a short name in
    brackets right after it ("the Federal Security Service (FSB)", "the Philippine Institute of
    Volcanology and Seismology (Phivolcs)"), or a person's birth name ("Ginger Baker was born
    Peter Edward Baker", "Mary Smith, née Jones")."""
    names = [item for item in found if item.mention.cls != EntityClass.ROLE]
    aliases: dict[str, str] = {}
    for first, second in zip(names, names[1:], strict=False):
        if is_bracketed_alias(first.span, second.span, first.mention.text, second.mention.text) \
                or is_birth_name(first, second):
            aliases[second.mention.id] = first.mention.id
    return [item._replace(mention=replace(item.mention, alias_of=aliases[item.mention.id]))
            if item.mention.id in aliases else item for item in found]


def is_bracketed_alias(name: Span, short: Span, name_text: str, short_text: str) -> bool:
    doc, after = name.doc, short.end
    return short.start == name.end + 1 and doc[name.end].text == "(" and after < len(doc) \
        and doc[after].text == ")" and len(short) <= 3 and len(short_text) < len(name_text)


def is_birth_name(person: MentionSpan, birth: MentionSpan) -> bool:
    """"Ginger Baker was born Peter Edward Baker": two people's names in one sentence with only a
    birth-name word ("born", "née") and a copula or comma between them."""
    if {person.mention.cls, birth.mention.cls} != {EntityClass.PERSON} or len(birth.span) < 2:
        return False
    between = []
    for token in person.span.doc[person.span.end:birth.span.start]:
        if not token.is_punct:
            between.append(token)
            if len(between) > 2:
                return False
    return bool(between) and between[-1].lower_ in BIRTH_NAME_WORDS \
        and all(token.lemma_ == "be" for token in between[:-1]) \
        and person.span.sent == birth.span.sent  # last: finding a span's sentence reads the whole sentence


def state_meant(span: Span) -> str | None:
    """The country a nationality adjective stands for where the text means the state, else None.

    "the Israeli government", "Israeli troops", "Palestinian negotiators" speak or act for
    Israel or Palestine, "the Samoan Prime Minister" holds an office of Samoa and "a Saudi
    national" is of Saudi Arabia; "Israeli voters" or "the Palestinians" are groups of people.
    """
    if len(span) != 1 or span.root.dep_ not in ("amod", "compound", "nmod"):
        return None
    head = span.root.head
    if head.lemma_.lower() not in STATE_NOUNS and head.lower_ not in STATE_NOUNS | NATIONALITY_NOUNS \
            and not is_title_word(head):
        return None
    return demonym_country(span.text)


def office(title: Span) -> str:
    """The name of the office a title states, without whose office it is or when it was held: "US
    Secretary of State" -> "Secretary of State", "former Foreign Secretary" -> "Foreign Secretary",
    "Mexican President" -> "President", "mayor of Davao City" -> "mayor". The words dropped stay
    an alias of the role."""
    start = title.start
    doc = title.doc
    while start < title.end - 1:
        token = doc[start]
        if token.lower_ in OFFICE_QUALIFIERS or token.lower_ in PARTY_NAMES or token.tag_ == "POS" or \
                token.is_punct or token.dep_ == "det" or \
                (token.ent_type_ not in ("", "PERSON") and not is_title_word(token) and not _ordinal_office(token)
                 and token.lower_ not in DEPARTMENT_WORDS) or \
                demonym_country(token.text) is not None:
            start += 1
        else:
            break
    office_words = doc[start:_whose_office_starts(doc[start:title.end])]
    if len(office_words) and is_plural_title_word(office_words[-1]):
        last = office_words[-1]  # "Senators X and Y" hold the office "Senator"
        return role_name(doc[office_words.start:last.i].text_with_ws + singular_as_written(last.text))
    return role_name(office_words.text)


def _ordinal_office(token: Token) -> bool:
    """An ordinal that is part of an office's name, "First Minister", "Second Lady"; not "34th"."""
    return token.ent_type_ == "ORDINAL" and token.is_alpha and token.is_title


def _whose_office_starts(title: Span) -> int:
    """Where the name of whose office it is starts after "of", "for" or "from", or where "in", "at" or "with"
    says where it is held, else the title's end: "mayor of Esperanza" is the office "mayor",
    "President of the United States" the office "President", "U.S. Attorney for the Western District"
    the office "U.S. Attorney"; "Secretary of State" names a department, no entity, and keeps it.
    A list of titles is named by its first."""
    doc = title.doc
    for token in title[1:]:
        if token.text in (",", ";") or token.lower_ in ("and", "or"):
            return token.i  # a list of titles ("Foreign Secretary, mayor of London and MP") is named by its first
        if token.lower_ in ("in", "at", "with"):
            return token.i  # "drummer in jazz bands", "economist with Drexel": the office is the words before
        if token.lower_ not in ("of", "for", "from"):
            continue  # "Senator from Vermont": the office "Senator"
        named = token.i + 1 + (token.i + 1 < title.end and doc[token.i + 1].lower_ == "the")
        if named < title.end and doc[named].ent_type_ in OWNER_TYPES and doc[named].lower_ not in DEPARTMENT_WORDS \
                and not is_title_word(doc[named]):
            return token.i
    return title.end


def is_adjective(span: Span) -> bool:
    """True for a nationality or creed written as a single word said of something or someone
    ("Muslim leaders", "the guests were Indian", "an ethnic Palestinian", "Kurdish-led"), not as
    the plural noun that names the people ("the Palestinians"), before a noun of people ("Chinese
    citizens", "British people") nor as the noun of "the British"."""
    root = span.root
    if len(span) != 1 or root.tag_ in ("NNS", "NNPS"):
        return False
    doc = span.doc
    if span.end + 1 < len(doc) and doc[span.end].text == "-" and not root.whitespace_:
        return True  # "the Kurdish-led forces", "Iranian-backed"
    if root.dep_ in ("amod", "compound", "nmod"):
        return root.head.lower_ not in PEOPLE_NOUNS
    written_as_adjective = root.tag_ == "JJ" or demonym_country(root.text) is not None  # not "Samoans" tagged NNP
    return written_as_adjective and not any(child.lower_ == "the" for child in root.children)


def with_people_noun(span: Span) -> Span:
    """A nationality with the noun of people it qualifies, which together name the group: "British
    people", "Chinese citizens" (the adjective alone is not a group, :func:`is_adjective`)."""
    root = span.root
    if len(span) == 1 and root.dep_ in ("amod", "compound", "nmod") and root.head.i == span.end \
            and root.head.lower_ in PEOPLE_NOUNS:
        return span.doc[span.start:span.end + 1]
    return span


def surnames_as_people(found: list[MentionSpan]) -> list[MentionSpan]:
    """Mentions, with a name ending in a surname of the text's people made a person.

    News names someone in full, then by surname; the small model often types the bare surname
    as an organisation or a place ("Lech Walesa ... Walesa said"), or a relative's full name
    ("Veranika Tsapkala, wife of Valery Tsapkala"). A place the gazetteer knows stays a place.
    """
    person = EntityClass.PERSON
    surnames = {item.span[-1].text for item in found if item.mention.cls == person and len(item.span) > 1}
    return [
        item._replace(mention=replace(item.mention, cls=person, label="PERSON"))
        if (item.mention.cls == EntityClass.ORGANIZATION or len(item.span) == 1) and item.mention.cls != person
        and _looks_like_a_name(item.span) and item.span[-1].text in surnames and not is_known_place(item.span.text)
        else item
        for item in found
    ]


def _looks_like_a_name(span: Span) -> bool:
    """One to three capitalised words, none an organisation's ("Walesa", "Valery Tsapkala")."""
    return len(span) <= 3 and all(token.is_title and token.lower_ not in ORGANISATION_WORDS for token in span)


def as_people(doc: Doc, found: list[MentionSpan], person_tokens: set[int]) -> list[MentionSpan]:
    """Mentions with the names at ``person_tokens`` made people, where the model got them wrong.

    The caller knows from the grammar that a person stands there (the one killed, the
    assassin); the small model reads "Lincoln" as a town or "Sirhan" as a country, or misses
    "Oswald". A country stays a country, and so does a name spelt in capitals ("PLO").
    """
    sentence_index = sentence_numbers(doc)
    covered: dict[int, int] = {}
    for number, item in enumerate(found):
        if item.mention.cls != EntityClass.ROLE:
            for i in range(item.span.start, item.span.end):
                covered.setdefault(i, number)
    result = list(found)
    for i in sorted(person_tokens):
        token = doc[i]
        if i not in covered:
            if token.pos_ != "PROPN" or not token.is_title:
                continue
            start = min((child.i for child in token.children if child.dep_ == "compound" and child.pos_ == "PROPN"
                         and child.i not in covered), default=i)
            span = doc[start:i + 1]
            result.append(make_mention(span, EntityClass.PERSON, "PERSON", sentence_index))
            covered.update({k: len(result) - 1 for k in range(start, i + 1)})
            continue
        number = covered[i]
        item = result[number]
        if item.mention.cls in (EntityClass.PLACE, EntityClass.ORGANIZATION) and len(item.span) <= 3 \
                and not item.span.text.isupper() and not is_country_name(item.mention.name) \
                and all(t.pos_ == "PROPN" for t in item.span):
            result[number] = item._replace(mention=replace(
                item.mention, cls=EntityClass.PERSON, label="PERSON",
                name=clean_name(item.span.text, EntityClass.PERSON)))
    result.sort(key=text_order)
    return unique_mentions(result)


def text_order(item: MentionSpan) -> tuple[int, int, str]:
    """Where a mention stands: by span, then class."""
    return item.mention.start, item.mention.end, item.mention.cls


def unique_mentions(items: list[MentionSpan]) -> list[MentionSpan]:
    """The mentions, each span and class once (the first)."""
    seen: set[tuple[int, int, str]] = set()
    unique = []
    for item in items:
        key = (item.mention.start, item.mention.end, item.mention.cls)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def make_mention(
    span: Span, cls: EntityClass, label: str, sentence_index: list[int], *, name: str | None = None
) -> MentionSpan:
    """The mention of ``span`` as ``cls``, named by its cleaned words unless ``name`` is given."""
    text = span.text
    return MentionSpan(
        Mention(
            id=mention_id(span.start_char, span.end_char, cls),
            start=span.start_char,
            end=span.end_char,
            text=text,
            name=name if name is not None else clean_name(text, cls),
            cls=cls,
            label=label,
            sentence=sentence_index[span.start],
        ),
        span,
    )


#: The dashes a score or a tally is written with.
DASHES = ("-", "–", "—")
#: A score or a count after a dash: "Caboolture 43–5", "Conservative Party - 365 (seats)".
TALLY = re.compile(rf"\d+(?:[{''.join(DASHES)}]\d+)?")


def _tally(token: Token) -> bool:
    """True for a score or a tally NER ran into the name before it: a number after a dash, or
    two numbers joined by one ("Noosa 32–22")."""
    if not TALLY.fullmatch(token.text):
        return False
    return not token.text.isdigit() or (token.i > 0 and token.doc[token.i - 1].text in DASHES)


def trim(span: Span) -> Span | None:
    """The span without a leading article ("the", "a United States whistleblower"), preposition
    ("Unlike red algae" opening a sentence), verb or adverb opening the sentence ("Following South
    Carolina's", "Newly elected Assemblywoman"), punctuation or spaces, nor a trailing possessive
    or score ("Caboolture 43–5"); with the word before it when the two make a name the alias table
    lists ("Liberal Democrat", "Lib Dem")."""
    start, end = span.start, span.end
    doc = span.doc
    opening = True  # at the sentence's start, or after words trimmed there
    while start < end:  # (each token made once: spaCy makes a new Token object at every doc[i])
        first = doc[start]
        opening = opening and (first.is_sent_start or start > span.start)
        if not (first.is_punct or first.is_space or first.lower_ in LEADING_ARTICLES
                or (first.tag_ == "IN" and start < end - 1)
                or (opening and first.tag_ in SENTENCE_OPENING_TAGS and start < end - 1
                    and not start <= first.head.i < end and first.lower_ not in BIRTH_NAME_WORDS)):
            break
        start += 1
    while end > start:
        last_token = doc[end - 1]
        if not (last_token.is_punct or last_token.is_space or last_token.tag_ == "POS"
                or (end - 1 > start and _tally(last_token))):
            break
        end -= 1
    last = doc[end - 1].text if end > start else ""
    if end < len(doc) and doc[end].text == "." and not last.endswith(".") and is_state_abbreviation(last):
        end += 1  # "Mich ." tokenised apart: the full stop belongs to the abbreviation
    if start > 0 and end > start and f"{doc[start - 1].text} {doc[start:end].text}" in aliases():
        start -= 1  # "Liberal Democrat" where NER took only "Democrat": a name the alias table knows whole
    return doc[start:end] if end > start else None
