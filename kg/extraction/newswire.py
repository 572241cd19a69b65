"""Newswire conventions the small model reads wrongly: source lines, datelines, "Town, State".

- A monitoring service's source line, "AU0202111694 Paris AFP in English 0107 GMT", names a
  city, then the source; the model merges them or misses the source.
- A dateline, "BANGKOK, Thailand (AP)" or "(Text) Sofia, February 15 (BTA) --", opens with a
  city the model may miss, and names its agency in brackets.
- "Chisholm, Minn.": a US state abbreviation after a town.
- "the PRD (Party of the Democratic Revolution)": an acronym and its expansion are two names.
- "First Minister of Scotland Nicola Sturgeon": a title's place and the name after it are two names.
- "United States Representative Elijah Cummings", one organisation to the model: a place, a
  title and a person.

Each function returns NER-labelled spans that :mod:`kg.extraction.mentions` takes as the model's own.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from kg.data.gazetteer import is_known_place, us_state
from kg.data.words import word_list
from kg.extraction.gender import is_usual_first_name
from kg.extraction.titles import OFFICE_PLACE_WORDS, is_title_word
from kg.nlp import DATELINES_KEY, entities, sentence_numbers, sentences, tokens_among

#: A monitoring service's item number, "AU0202111694", that opens a source line.
FBIS_NUMBER = re.compile(r"[A-Z]{2}\d{6,}[A-Z0-9]*|\d{3}[A-Z]\d{4}[A-Z]\d{3}")
LANGUAGES = word_list("languages")
IN_WORD = frozenset({"in"})
OPENING_BRACKET = frozenset({"("})
COMMA = frozenset({","})
PARTY_NAMES = frozenset(word for word in word_list("party_names") if " " not in word)
#: Online platforms, which the small model often leaves unlabelled ("announced on Facebook").
PLATFORM_NAMES = word_list("platform_names")
#: Last words of a name that is no person's: an organisation's or a place's ("Hospital", "County").
NAME_ENDS_NOT_A_PERSON = word_list("organisation_words") | word_list("place_heads")
#: What may follow a surname the model left out of a name: the name has ended.
SURNAME_FOLLOWERS = frozenset({",", ".", ")", ";"})


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
    places = {other.text for other in entities(doc) if other.label_ in ("GPE", "LOC")}
    for span in _source_lines(doc):
        cut = next((k for k in range(min(span.end - 1, span.start + 3), span.start, -1)
                    if is_known_place(doc[span.start:k].text)), None)
        if cut is not None:
            found += [Span(doc, span.start, cut, label="GPE"), Span(doc, cut, span.end, label="ORG")]
            covered.update(range(span.start, span.end))
    dateline = doc.user_data.get(DATELINES_KEY, {"places": [], "bodies": []})
    for entity in entities(doc):
        if any(i in covered for i in range(entity.start, entity.end)):
            continue
        body = next((i for i in dateline["bodies"] if entity.start < i < entity.end), None)
        if body is not None:  # "[LONDON - Metropolitan Police] said": the dateline's place, then a name of the story
            found += [span for span in (_dateline_place(doc, entity.start, body, entity.label_),
                                        Span(doc, body, entity.end, label=entity.label_)) if span is not None]
            continue
        bracket = next((token.i for token in entity if token.text == "("), None)
        if entity.label_ == "ORG" and bracket is not None and entity.start < bracket < entity.end - 1:
            found += [Span(doc, entity.start, bracket, label="ORG"), Span(doc, bracket + 1, entity.end, label="ORG")]
        elif (office := _office_place_end(entity, places)) is not None:
            cut, label = office
            found += [Span(doc, entity.start, cut, label=label), Span(doc, cut, entity.end, label="PERSON")]
        elif (person := _person_after_title(entity)) is not None:
            place = _title_holder_place(doc[entity.start:person.start])
            found += [person] if place is None else [place, person]
        elif entity.label_ == "PERSON":
            found.append(_whole_name(entity))
        else:
            found.append(entity)
    return found


def _dateline_place(doc: Doc, start: int, end: int, label: str) -> Span | None:
    """What the model named in a dateline before its dash: the place, when the gazetteer knows it
    ("LONDON", which the model often calls an organisation); else as the model labelled it."""
    while end > start and not doc[end - 1].is_alpha:
        end -= 1  # the dash, and a bracket's agency is read on its own
    if end == start:
        return None
    return Span(doc, start, end, label="GPE" if is_known_place(doc[start:end].text) else label)


def _office_place_end(entity: Span, places: set[str]) -> tuple[int, str] | None:
    """Where what a title is of ends in a name the model ran into it, and its label: "First
    Minister of [Scotland Nicola Sturgeon]", "Senator from [Vermont Bernie Sanders]", "Speaker of
    [the House Nancy Pelosi]". After a title word and "of", "from" or "for": a place (one the
    gazetteer knows, or the text names as a place elsewhere; ``places``: the texts the model calls
    places) and at least two capitalised words; else a body and two or more capitalised words
    that open with a usual first name and do not end as an organisation's or a place's name.
    None for any other entity."""
    doc = entity.doc
    if entity.start < 2 or doc[entity.start - 1].lower_ not in OFFICE_PLACE_WORDS \
            or not is_title_word(doc[entity.start - 2]):
        return None
    for cut in range(entity.end - 2, entity.start, -1):
        if is_known_place(doc[entity.start:cut].text) or doc[entity.start:cut].text in places:
            rest = doc[cut:entity.end]
            return (cut, "GPE") if all(token.is_title for token in rest) else None
    if entity[-1].lower_ in NAME_ENDS_NOT_A_PERSON:
        return None  # "nominee of [the Life and Liberty Party]": "Liberty" is a first name too
    body_end = next((k for k in range(entity.start + 1, entity.end - 1) if _opens_a_person_name(doc[k:entity.end])),
                    None)
    return (body_end, "ORG") if body_end is not None else None


def _person_after_title(entity: Span) -> Span | None:
    """The person's name in an entity the model ran on from a title into it: "[United States
    Representative Elijah Cummings]", an organisation to the model, ends with a person. Before the
    name only title words, after a place the gazetteer knows; the name two or more capitalised
    words that open with a usual first name and do not end as an organisation's or a place's
    ("Queen Elizabeth Hospital", "Prince William County" stay whole). The title's words are left
    to be read as the person's title. None for any other entity."""
    if entity.label_ == "PERSON" or entity[-1].lower_ in NAME_ENDS_NOT_A_PERSON:
        return None  # split_leading_title reads titles inside a person's name
    doc = entity.doc
    for start in range(entity.start + 1, entity.end - 1):
        if is_title_word(doc[start - 1]) and _opens_a_person_name(doc[start:entity.end]) \
                and _place_then_titles(doc[entity.start:start]):
            return Span(doc, start, entity.end, label="PERSON")
    return None


def _opens_a_person_name(words: Span) -> bool:
    """True for capitalised words that open with a usual first name: the end of an entity the model
    ran on from a title or what it is of into a person's name."""
    return is_usual_first_name(words[0].text) and all(token.is_title for token in words)


def _whole_name(person: Span) -> Span:
    """A person's name with a first name or a second surname the model left out of it."""
    start = person.start - 1 if _first_name_before(person) else person.start
    end = person.end + 1 if _surname_after(person) else person.end
    return person if (start, end) == (person.start, person.end) else Span(person.doc, start, end, label="PERSON")


def _first_name_before(person: Span) -> bool:
    """True when the model left a usual first name out of a person's name: "Carmen [Yulín Cruz]".
    The word is capitalised, a proper noun in no entity of its own, and no title ("Judge", "Dean")."""
    if person.start == 0:
        return False
    word = person.doc[person.start - 1]
    return _loose_name_word(word) and is_usual_first_name(word.text)


def _surname_after(person: Span) -> bool:
    """True when the model left a second surname out of a person's name: "[Wanda Vázquez] Garced,".
    The word is a capitalised proper noun in no entity, no title and no organisation's or place's
    word, after a name that is no possessive ("Tolkien's Lord"), and the sentence goes on in lower
    case or with a comma or a full stop after it (the name ends there; not "Image:" of a caption)."""
    doc = person.doc
    if person.end + 1 >= len(doc) or len(person) < 2 or person[-1].tag_ == "POS":
        return False
    word, following = doc[person.end], doc[person.end + 1]
    return _loose_name_word(word) and not word.is_sent_start and word.lower_ not in NAME_ENDS_NOT_A_PERSON \
        and (following.is_lower or following.text in SURNAME_FOLLOWERS)


def _loose_name_word(word: Token) -> bool:
    """A capitalised proper noun next to a person's name, in no entity of its own and no title word:
    what :func:`_first_name_before` and :func:`_surname_after` may join to the name."""
    return word.is_title and word.pos_ == "PROPN" and not word.ent_type_ and not is_title_word(word)


def _place_then_titles(words: Span) -> bool:
    """True for words that are only a title's, after the name of a place the gazetteer knows:
    "United States Representative", "Senator"; not "Royal Prince"."""
    first_title = next((k for k in range(len(words)) if all(is_title_word(token) for token in words[k:])), None)
    return first_title is not None and (first_title == 0 or is_known_place(words[:first_title].text))


def _title_holder_place(before: Span) -> Span | None:
    """What opens a title the model ran into a name, when it names a place: "[United States]
    Representative Elijah Cummings". The title's own words are no entity."""
    cut = next((k for k in range(before.end, before.start, -1) if is_known_place(before.doc[before.start:k].text)),
               None)
    return Span(before.doc, before.start, cut, label="GPE") if cut is not None else None


def _source_lines(doc: Doc) -> list[Span]:
    """The "City Source" words of each source line, "AU0202111694 Paris AFP in English 0107 GMT".

    Each sentence's first "in" whose preceding words read as a source line.
    """
    found = []
    seen: set[int] = set()
    numbers = sentence_numbers(doc)
    for token in tokens_among(doc, IN_WORD):
        if numbers[token.i] in seen or not _source_line_before(doc, token.i):
            continue
        sentence = sentences(doc)[numbers[token.i]]
        seen.add(numbers[token.i])
        start = token.i
        while start > sentence.start and not FBIS_NUMBER.fullmatch(doc[start - 1].text) and (
                doc[start - 1].text == "-" or doc[start - 1].is_title or doc[start - 1].is_upper):
            start -= 1
        if token.i - start >= 2:
            found.append(doc[start:token.i])
    return found


def unlabelled_names(doc: Doc) -> list[Span]:
    """Names the model left unlabelled in news conventions, as NER-labelled spans.

    A US state abbreviation after "Town," ("Chisholm, Minn."), the capitalised city that opens
    a dateline ("BANGKOK, Thailand (AP)"; "Kyiv, Ukraine —", when the gazetteer knows it), the
    agency in a dateline's brackets, a party's one-word name ("Labour MP Tom Watson"), an online
    platform's ("announced on Facebook"), and an acronym the model labelled elsewhere in the
    document.
    """
    labelled = {i for entity in entities(doc) for i in range(entity.start, entity.end)}
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
    places = doc.user_data.get(DATELINES_KEY, {}).get("places", [])
    found += [Span(doc, start, end, label="GPE") for start, end in places
              if not any(i in labelled for i in range(start, end)) and is_known_place(doc[start:end].text)]
    found += [Span(doc, token.i, token.i + 1, label="NORP") for token in tokens_among(doc, PARTY_NAMES)
              if token.is_title and token.i not in labelled]
    found += [Span(doc, token.i, token.i + 1, label="ORG") for token in tokens_among(doc, PLATFORM_NAMES)
              if token.text[0].isupper() and token.i not in labelled]
    labelled |= {i for span in found for i in range(span.start, span.end)}
    found += _dateline_agencies(doc, labelled)
    labelled |= {i for span in found for i in range(span.start, span.end)}
    return found + _acronyms_labelled_elsewhere(doc, labelled)


#: An acronym: two to six capitals ("FSB", "NTSB").
ACRONYM_TEXT = re.compile(r"^[A-Z]{2,6}$")


def _acronyms_labelled_elsewhere(doc: Doc, labelled: set[int]) -> list[Span]:
    """An acronym the model labelled somewhere in the document and not here ("FSB officers were
    present" after "the FSB said"): one document, one sense for an acronym, as a ``label`` span of
    its own. Only acronyms: a capitalised word may be a name in one sentence and not in the next
    ("May")."""
    senses: dict[str, set[str]] = {}
    for entity in entities(doc):
        if len(entity) == 1 and ACRONYM_TEXT.match(entity.text):
            senses.setdefault(entity.text, set()).add(entity.label_)
    single = {text: next(iter(labels)) for text, labels in senses.items() if len(labels) == 1}
    if not single:
        return []
    return [Span(doc, token.i, token.i + 1, label=single[token.text])
            for token in tokens_among(doc, frozenset(text.lower() for text in single))
            if token.i not in labelled and token.text in single]


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


def _run_end(doc: Doc, start: int, end: int, labelled: set[int], *, capitals: bool) -> int:
    """Where the unlabelled words from ``start`` written in capitals (``capitals``), else in title
    case, stop, before ``end``."""
    while start < end and start not in labelled:
        token = doc[start]
        if not ((token.is_upper if capitals else token.is_title) and token.is_alpha):
            break
        start += 1
    return start


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
        end = _run_end(doc, start, sentence_end, labelled, capitals=True)
        if end > start and end + 1 < sentence_end and doc[end].text == "," and (end + 1) in labelled:
            found.append(Span(doc, start, end, label="GPE"))
            continue
        end = _run_end(doc, start, sentence_end, labelled, capitals=False)
        if end > start and end + 1 < sentence_end and doc[end].text == "," and doc[end + 1].ent_type_ == "DATE":
            after_date = next((token for token in doc[end + 1:end + 6] if token.ent_type_ != "DATE"), None)
            if after_date is not None and after_date.text == "(":
                found.append(Span(doc, start, end, label="GPE"))
    return found


def is_source_line(name: Span) -> bool:
    """True for a broadcaster or paper named in a monitoring service's source line: "... in Spanish 1402 GMT"."""
    return _source_line_before(name.doc, name.end)


def _source_line_before(doc: Doc, end: int) -> bool:
    """True when the tokens from ``end`` on read as a source line's tail: "in", then a language
    ("in Spanish"), or a capitalised word with "GMT" soon after."""
    if end + 1 >= len(doc) or doc[end].lower_ != "in" or not doc[end + 1].is_title:
        return False
    language = doc[end + 1]
    return language.ent_type_ == "LANGUAGE" or language.lower_ in LANGUAGES or \
        any(token.text == "GMT" for token in doc[end + 2:end + 5])
