"""Stage 3: find the mentions of entities in a parsed document.

Named entities come from spaCy's NER, mapped to ontology classes. Titles are split off
people's names ("US Secretary of State Antony Blinken" is the person "Antony Blinken" with
the role "US Secretary of State"), and words that only belong to a title ("State") are not
entities of their own.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import NamedTuple

from spacy.tokens import Doc, Span, Token

from kg.extraction.gazetteer import canonical_alias, demonym_country, is_known_place, place_class, us_state
from kg.model import Mention
from kg.nlp import sentence_numbers, sentence_of, sentences, tokens_among

#: spaCy NER labels -> ontology classes. Dates and quantities are kept on statements, not as nodes.
NER_CLASSES: dict[str, str] = {
    "PERSON": "Person",
    "ORG": "Organization",
    "NORP": "Group",
    "GPE": "Place",
    "LOC": "Place",
    "FAC": "Place",
    "EVENT": "Event",
}

#: Head nouns of titles and positions.
TITLE_WORDS = frozenset("""
    secretary minister president vice-president spokesman spokeswoman spokesperson chancellor
    premier governor mayor senator representative congressman congresswoman ambassador envoy
    general admiral colonel commander chief director head leader chairman chairwoman chair
    ceo cfo coo founder king queen prince princess emperor pope cardinal bishop archbishop
    rabbi imam judge justice prosecutor attorney advisor adviser official officer
    correspondent reporter editor analyst professor dr mr mrs ms miss sir lord lady dame
    sheikh ayatollah president-elect spokesmen diplomat negotiator coordinator commissioner
    deputy speaker lawmaker mp chief-of-staff manager executive captain lieutenant sergeant
    gov sen rep lt col gen sgt adm capt supt atty cmdr maj cpl
""".split())

#: Words that name a department inside a title ("Secretary of State"): never entities there.
DEPARTMENT_WORDS = frozenset("""
    state defense defence interior justice treasury health foreign affairs finance commerce
    energy education labor labour agriculture transportation transport homeland security war
    home office trade economy environment culture
""".split())

HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "prof"})

#: Capitalised words written as part of a name when quoted in full ("President Lincoln", "Mrs. Parks"),
#: unlike job titles ("spokesman John Kirby") that only describe the person.
NAME_PREFIXES = frozenset({"mr", "mrs", "ms", "miss", "dr", "rev", "president", "prince", "princess", "gen"})

#: Characters no real name contains: a mention holding one is a tokenisation accident ("W]e").
BAD_NAME_CHARACTERS = re.compile(r"[\[\]{}<>|@#\\]")
#: A legislator's party and state, "D-Calif.", "R-Utah": not a place of its own.
PARTY_AND_STATE = re.compile(r"^[DRI]-[A-Z]")
#: Prepositions after which a known town's name is the town ("in Austin"), not a person.
PLACE_PREPOSITIONS = frozenset({"in", "at", "from", "near"})
POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
SPACES = re.compile(r"\s+")
#: Verbs of saying whose subject, named by a bare capitalised name, is a person more often than not.
SPEAKING_VERBS = frozenset("say tell add note state explain argue insist recall write".split())
#: Words that make a name an organisation's.
ORGANISATION_WORDS = frozenset("""
    company corp corporation inc co ltd party union association committee ministry department agency
    council bank university college institute news times press group court commission board office
    service network radio television tv post journal league club team army navy force police church
    school foundation center centre fund government administration authority bureau
""".split())
#: A monitoring service's item number, "AU0202111694", that opens a source line.
FBIS_NUMBER = re.compile(r"[A-Z]{2}\d{6,}[A-Z0-9]*|\d{3}[A-Z]\d{4}[A-Z]\d{3}")
#: Languages a source line names ("Paris AFP in English").
LANGUAGES = frozenset("""
    english french spanish arabic russian german chinese mandarin japanese korean portuguese italian
    turkish persian farsi hebrew hindi urdu greek polish czech serbo-croatian ukrainian vietnamese thai
""".split())


class MentionSpan(NamedTuple):
    """A mention with the spaCy span it came from; only used inside the extraction stages.

    ``owner`` is, for a role, the span of the person who holds it.
    """

    mention: Mention
    span: Span
    owner: Span | None = None


def find_mentions(doc: Doc) -> list[MentionSpan]:
    """Entity and role mentions of ``doc``, in text order.

    A role mention (``cls == "Role"``) is made for every title attached to a person, by a
    title before the name or by an apposition after it.
    """
    sentence_index = sentence_numbers(doc)
    found: list[MentionSpan] = []
    title_tokens: set[int] = set()
    for entity in [*split_entities(doc), *unlabelled_names(doc)]:
        cls = NER_CLASSES.get(entity.label_)
        if cls is None:
            continue
        span = _trim(entity)
        if span is None:
            continue
        cls = corrected_class(span, cls)
        country = state_meant(span) if cls == "Group" else None
        if country is not None:
            found.append(_mention(span, "Place", entity.label_, sentence_index, name=country))
            continue
        if cls == "Person":
            span, leading_title = _split_leading_title(span)
            if span is None:
                continue
            for title in (leading_title, prefix_title(span), apposition_title(span)):
                # a "title" naming someone else is a relation to them ("the wife of Senator Bob Dole")
                if title is not None and not any(token.ent_type_ == "PERSON" for token in title):
                    title_tokens.update(range(title.start, title.end))
                    role = _mention(title, "Role", "TITLE", sentence_index, name=role_name(title))
                    found.append(role._replace(owner=span))
        found.append(_mention(span, cls, entity.label_, sentence_index))
    kept = [
        item for item in found
        if (item.mention.cls == "Role" or not _only_title_words(item.span, title_tokens))
        and not BAD_NAME_CHARACTERS.search(item.mention.name)
        and not PARTY_AND_STATE.match(item.mention.name)
        and any(character.isalpha() for character in item.mention.name)
    ]
    kept.sort(key=lambda item: (item.mention.start, item.mention.end, item.mention.cls))
    return _unique(surnames_as_people(kept))


#: Nouns a nationality adjective modifies when it means the state: "the Israeli government" is
#: Israel acting, where "Israeli voters" are a group of people.
STATE_NOUNS = frozenset("""
    government army military forces force troops soldiers navy police authorities officials ministry
    cabinet parliament embassy administration regime state leadership delegation negotiators diplomats
    ambassador president jets warplanes airstrikes strikes bombings bombing raids shelling
""".split())


def state_meant(span: Span) -> str | None:
    """The country a nationality adjective stands for where the text means the state, else None.

    "the Israeli government", "Israeli troops", "Palestinian negotiators" speak or act for
    Israel or Palestine; "Israeli voters" or "the Palestinians" are groups of people.
    """
    if len(span) != 1 or span.root.dep_ not in ("amod", "compound", "nmod"):
        return None
    if span.root.head.lemma_.lower() not in STATE_NOUNS and span.root.head.lower_ not in STATE_NOUNS:
        return None
    return demonym_country(span.text)


def surnames_as_people(found: list[MentionSpan]) -> list[MentionSpan]:
    """Mentions, with a name ending in a surname of the text's people made a person.

    News names someone in full, then by surname; the small model often types the bare surname
    as an organisation or a place ("Lech Walesa ... Walesa said"), or a relative's full name
    ("Veranika Tsapkala, wife of Valery Tsapkala"). A place the gazetteer knows stays a place.
    """
    surnames = {item.span[-1].text for item in found if item.mention.cls == "Person" and len(item.span) > 1}
    return [
        item._replace(mention=replace(item.mention, cls="Person", label="PERSON"))
        if (item.mention.cls == "Organization" or len(item.span) == 1) and item.mention.cls != "Person"
        and _looks_like_a_name(item.span) and item.span[-1].text in surnames and not is_known_place(item.span.text)
        else item
        for item in found
    ]


def _looks_like_a_name(span: Span) -> bool:
    """One to three capitalised words, none an organisation's ("Walesa", "Valery Tsapkala")."""
    return len(span) <= 3 and all(token.is_title and token.lower_ not in ORGANISATION_WORDS for token in span)


def corrected_class(span: Span, cls: str) -> str:
    """The class of a named entity, with the small model's commonest confusions in news undone.

    - "Marie Ferraro, 50, of ..." : a name followed by an age is a person;
    - "Prince Norodom Ranariddh" : a name led by an honorific is a person;
    - "DAYTON, Ohio", "Minn." : a name the gazetteer knows as a place, or written before a
      US state as "Town, State", is a place;
    - "Karl Wendt, 45, of Oakdale" : what follows a name, an age and "of" is a hometown;
    - "Bowier said" : a short capitalised name, no acronym nor organisation word, that says
      something is a person (10 of 11 such ORG spans in CoNLL04's training split).
    """
    first = span[0].lower_.rstrip(".")
    if cls != "Person" and len(span) > 1 and span[0].is_title and first in HONORIFICS | NAME_PREFIXES:
        return "Person"
    if cls != "Person" and _followed_by_age(span):
        return "Person"
    if cls == "Organization" and _speaks_like_a_person(span):
        return "Person"
    if cls in ("Person", "Organization") and (_followed_by_state(span) or _state_after_town(span)):
        return "Place"
    if cls == "Organization" and _is_hometown(span):
        return "Place"
    if (cls == "Organization" or span.text.isupper()) and is_known_place(span.text):
        return "Place"  # not for a person in mixed case: "Kennedy" and "Lincoln" are towns too
    if cls == "Person" and span.start > 0 and span.doc[span.start - 1].lower_ in PLACE_PREPOSITIONS \
            and is_known_place(span.text):
        return "Place"  # ... unless written as one: "in Austin"
    return cls


def _is_state_abbreviation(text: str) -> bool:
    state = us_state(text)
    return state is not None and state.lower() != text.lower()


def _speaks_like_a_person(span: Span) -> bool:
    root = span.root
    if len(span) > 3 or root.dep_ != "nsubj" or root.head.lemma_.lower() not in SPEAKING_VERBS:
        return False
    words = [token for token in span if token.is_alpha]
    return bool(words) and all(token.is_title and token.lower_ not in ORGANISATION_WORDS for token in words)


def _is_hometown(span: Span) -> bool:
    doc = span.doc
    start = span.start
    return start >= 5 and doc[start - 1].lower_ == "of" and doc[start - 2].text == "," and doc[start - 4].text == "," \
        and doc[start - 3].text.isdigit() and doc[start - 5].ent_type_ == "PERSON"


def _followed_by_age(span: Span) -> bool:
    doc = span.doc
    end = span.end
    if end + 2 >= len(doc) or doc[end].text != "," or doc[end + 2].text != ",":
        return False
    age = doc[end + 1].text
    return age.isdigit() and 0 < int(age) < 120


def _followed_by_state(span: Span) -> bool:
    doc = span.doc
    end = span.end
    if end + 1 >= len(doc) or doc[end].text != ",":
        return False
    state = doc[end + 1]
    return (state.is_title or state.is_upper) and us_state(state.text) is not None


def split_entities(doc: Doc) -> list[Span]:
    """The model's entities, with two news conventions it reads wrongly put right.

    - A monitoring service's source line, "AU0202111694 Paris AFP in English 0107 GMT", names a
      city, then the source; the model merges them ("Havana Radio Reloj Network") or misses the
      source ("AFP"). The words between the line's number and "in <language>" become a place
      (the longest start the gazetteer knows) and an organisation.
    - "the PRD (Party of the Democratic Revolution)": an acronym and its expansion are two names.
    """
    found: list[Span] = []
    covered: set[int] = set()
    for span in _source_lines(doc):
        cut = next((k for k in range(min(span.end - 1, span.start + 3), span.start, -1)
                    if is_known_place(doc[span.start:k].text)), None)
        if cut is not None:
            found += [Span(doc, span.start, cut, label="GPE"), Span(doc, cut, span.end, label="ORG")]
            covered.update(range(span.start, span.end))
    for entity in doc.ents:
        if any(i in covered for i in range(entity.start, entity.end)):
            continue
        bracket = next((token.i for token in entity if token.text == "("), None)
        if entity.label_ == "ORG" and bracket is not None and entity.start < bracket < entity.end - 1:
            found += [Span(doc, entity.start, bracket, label="ORG"), Span(doc, bracket + 1, entity.end, label="ORG")]
        else:
            found.append(entity)
    return found


def _source_lines(doc: Doc) -> list[Span]:
    """The "City Source" words of each source line, "AU0202111694 Paris AFP in English 0107 GMT".

    Each sentence's first "in" whose preceding words read as a source line.
    """
    found = []
    seen: set[int] = set()
    numbers = sentence_numbers(doc)
    for token in tokens_among(doc, IN_WORD):
        if numbers[token.i] in seen:
            continue
        sentence = sentences(doc)[numbers[token.i]]
        if not is_source_line(doc[sentence.start:token.i]):
            continue
        seen.add(numbers[token.i])
        start = token.i
        while start > sentence.start and not FBIS_NUMBER.fullmatch(doc[start - 1].text) and (
                doc[start - 1].text == "-" or doc[start - 1].is_title or doc[start - 1].is_upper):
            start -= 1
        if token.i - start >= 2:
            found.append(doc[start:token.i])
    return found


IN_WORD = frozenset({"in"})
OPENING_BRACKET = frozenset({"("})
COMMA = frozenset({","})


def _state_after_town(span: Span) -> bool:
    """True for "Minn." in "Chisholm, Minn.": a state name right after a capitalised town and a comma."""
    doc = span.doc
    return span.start >= 2 and doc[span.start - 1].text == "," and us_state(span.text) is not None \
        and (doc[span.start - 2].is_title or doc[span.start - 2].is_upper)


def is_source_line(name: Span) -> bool:
    """True for a broadcaster or paper named in a monitoring service's source line: "... in Spanish 1402 GMT"."""
    doc = name.doc
    end = name.end
    if end + 1 >= len(doc) or doc[end].lower_ != "in" or not doc[end + 1].is_title:
        return False
    language = doc[end + 1]
    return language.ent_type_ == "LANGUAGE" or language.lower_ in LANGUAGES or \
        any(token.text == "GMT" for token in doc[end + 2:end + 5])


def unlabelled_names(doc: Doc) -> list[Span]:
    """Names the model left unlabelled in news conventions, as NER-labelled spans.

    A US state abbreviation after "Town," ("Chisholm, Minn."), the capitalised city that opens
    a dateline ("BANGKOK, Thailand (AP)") and the agency in a dateline's brackets.
    """
    labelled = {i for entity in doc.ents for i in range(entity.start, entity.end)}
    found = []
    for comma in tokens_among(doc, COMMA):
        if comma.i + 1 >= len(doc) or comma.i + 1 in labelled or comma.i + 1 < 2:
            continue
        token = doc[comma.i + 1]
        if (token.is_title or token.is_upper) and us_state(token.text) is not None and \
                ((token.i - 2) in labelled or doc[token.i - 2].is_title):
            found.append(Span(doc, token.i, token.i + 1, label="GPE"))
    found += _dateline_cities(doc, labelled)
    labelled |= {i for span in found for i in range(span.start, span.end)}
    return found + _dateline_agencies(doc, labelled)


def _dateline_agencies(doc: Doc, labelled: set[int]) -> list[Span]:
    """A news agency in a dateline's brackets, "Moscow March 5 (ITAR-TASS) --", as an ``ORG`` span."""
    found = []
    numbers = sentence_numbers(doc)
    first_bracket: dict[int, int] = {}  # sentence number -> its first "("
    for bracket in tokens_among(doc, OPENING_BRACKET):
        first_bracket.setdefault(numbers[bracket.i], bracket.i)
    for number, opening in first_bracket.items():
        sentence = sentences(doc)[number]
        if opening - sentence.start >= 12 or not any(i in labelled for i in range(sentence.start, opening)):
            continue
        closing = next((token.i for token in doc[opening + 1:opening + 6] if token.text == ")"), None)
        inside = doc[opening + 1:closing] if closing is not None else None
        if inside and all(token.is_upper or token.text == "-" for token in inside) and \
                not any(token.i in labelled for token in inside):
            found.append(Span(doc, inside.start, inside.end, label="ORG"))
    return found


def _dateline_cities(doc: Doc, labelled: set[int]) -> list[Span]:
    """The city opening a dateline, when the model missed it.

    "BANGKOK, Thailand (AP)": capitals, then a comma and a place; "(Text) Sofia, February 15
    (BTA) --": a capitalised name, then a comma, a date and the agency in brackets.
    """
    found = []
    for sentence in sentences(doc):
        start, sentence_end = sentence.start, sentence.end
        if doc[start].text == "(" and sentence[:3].text.replace(" ", "") == "(Text)":
            start += 3
        end = start
        while end < sentence_end and doc[end].is_upper and doc[end].is_alpha and end not in labelled:
            end += 1
        if end > start and end + 1 < sentence_end and doc[end].text == "," and (end + 1) in labelled:
            found.append(Span(doc, start, end, label="GPE"))
            continue
        end = start
        while end < sentence_end and doc[end].is_title and doc[end].is_alpha and end not in labelled:
            end += 1
        if end > start and end + 1 < sentence_end and doc[end].text == "," and doc[end + 1].ent_type_ == "DATE":
            after_date = next((token for token in doc[end + 1:end + 6] if token.ent_type_ != "DATE"), None)
            if after_date is not None and after_date.text == "(":
                found.append(Span(doc, start, end, label="GPE"))
    return found


def as_people(doc: Doc, found: list[MentionSpan], person_tokens: set[int]) -> list[MentionSpan]:
    """Mentions with the names at ``person_tokens`` made people, where the model got them wrong.

    The caller knows from the grammar that a person stands there (the one killed, the
    assassin); the small model reads "Lincoln" as a town or "Sirhan" as a country, or misses
    "Oswald". A country stays a country, and so does a name spelt in capitals ("PLO").
    """
    sentence_index = sentence_numbers(doc)
    covered: dict[int, int] = {}
    for number, item in enumerate(found):
        if item.mention.cls != "Role":
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
            result.append(_mention(span, "Person", "PERSON", sentence_index))
            covered.update({k: len(result) - 1 for k in range(start, i + 1)})
            continue
        number = covered[i]
        item = result[number]
        if item.mention.cls in ("Place", "Organization") and len(item.span) <= 3 and not item.span.text.isupper() \
                and place_class(item.mention.name) != "Country" and all(t.pos_ == "PROPN" for t in item.span):
            result[number] = item._replace(mention=replace(item.mention, cls="Person", label="PERSON",
                                                           name=clean_name(item.span.text, "Person")))
    result.sort(key=lambda item: (item.mention.start, item.mention.end, item.mention.cls))
    return _unique(result)


def _unique(items: list[MentionSpan]) -> list[MentionSpan]:
    seen: set[tuple[int, int, str]] = set()
    unique = []
    for item in items:
        key = (item.mention.start, item.mention.end, item.mention.cls)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _mention(
    span: Span, cls: str, label: str, sentence_index: list[int], *, name: str | None = None
) -> MentionSpan:
    text = span.text
    return MentionSpan(
        Mention(
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


def clean_name(text: str, cls: str) -> str:
    """The name a mention gives its entity: no 'the', no possessive, known aliases resolved.

    >>> clean_name("the United States", "Place"), clean_name("Netanyahu’s", "Person")
    ('United States', 'Netanyahu')
    """
    name = SPACES.sub(" ", text).strip()
    name = POSSESSIVE.sub("", name).strip()
    if name.lower().startswith("the "):
        name = name[4:]
    name = canonical_alias(name)
    if cls == "Group" and len(name) > 4 and name.endswith("s") and not name.endswith("ss"):
        name = name[:-1]
    return name


def _trim(span: Span) -> Span | None:
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].is_punct or doc[start].is_space or doc[start].lower_ == "the"):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space or doc[end - 1].tag_ == "POS"):
        end -= 1
    last = doc[end - 1].text if end > start else ""
    if end < len(doc) and doc[end].text == "." and not last.endswith(".") and _is_state_abbreviation(last):
        end += 1  # "Mich ." tokenised apart: the full stop belongs to the abbreviation
    return doc[start:end] if end > start else None


def _split_leading_title(span: Span) -> tuple[Span | None, Span | None]:
    """Split title words that NER put inside a person's name ("President Biden")."""
    cut = span.start
    while cut < span.end - 1 and span.doc[cut].lower_.rstrip(".") in TITLE_WORDS | HONORIFICS:
        cut += 1
    if cut == span.start:
        return span, None
    title = span.doc[span.start:cut]
    has_title = any(token.lower_.rstrip(".") in TITLE_WORDS for token in title)
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
    return title if _has_title_word(title) else None


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
    """A title in an apposition after the name: "John Kirby, White House spokesman, said"."""
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
        if _has_title_word(title):
            return title
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


def _has_title_word(span: Span) -> bool:
    return any(token.lower_.rstrip(".") in TITLE_WORDS or token.lemma_.lower() in TITLE_WORDS for token in span)


def role_name(title: Span) -> str:
    """The name a role is stored under: the title's words with single spaces."""
    return SPACES.sub(" ", title.text).strip(" ,")


def _only_title_words(span: Span, title_tokens: set[int]) -> bool:
    """True for an entity inside a title made only of department words ("State")."""
    inside = all(token.i in title_tokens for token in span)
    return inside and all(token.lower_ in DEPARTMENT_WORDS for token in span)
