"""The named checks pattern rows may call, in explicit tables, so a row names what it needs.

A pattern row (``kg/data/rules/``) finds words in a shape; which mentions they stand for is
said by :mod:`kg.extraction.patterns.finders`; these say the rest:

- ``FILTERS`` (a row's ``where``): what must also hold of the two mentions for the row to fire;
- ``PREDICATES`` (a row's ``states_by``): the relation, where the words decide it ("leader of"
  leads, "engineer with" works for);
- ``FACTUALITIES`` (a row's ``factuality``, beside the fixed values): how the text presents it;
- ``NAME_FILTERS`` (a class row's ``where``): what must hold of the name and the matched tokens.

A relation row's function takes the match (:class:`~kg.extraction.patterns.finders.MatchContext`) and
the ids of the subject and object mentions; a class row's filter the name and the matched
tokens. A name may carry one argument after a colon ("skippable:between").
"""

from __future__ import annotations

import os
from collections.abc import Callable

from spacy.tokens import Span, Token

from kg.data.gazetteer import canonical_alias, demonym_country, is_country_name, is_known_place, us_state
from kg.data.words import word_list
from kg.extraction.factuality import alleged
from kg.extraction.patterns.finders import MatchContext
from kg.extraction.roles import affiliation_predicate, is_party, office_predicate
from kg.extraction.titles import TITLE_WORDS
from kg.model import EntityClass, Factuality
from kg.nlp import text_of

COMPASS_WORDS = word_list("compass_words")
ORGANISATION_WORDS = word_list("organisation_words")
PLACE_PAIR_ENDERS = word_list("place_pair_enders")
NATION_PEOPLE_NOUNS = word_list("nation_people_nouns")
#: What a place written before a name says of the name ("Atlanta businessman X" lives in Atlanta).
PLACE_MODIFIER = {EntityClass.PERSON: "livesIn", EntityClass.ORGANIZATION: "basedIn", EntityClass.PLACE: "locatedIn"}


# ---------------------------------------------------------------- filters: (match, subject, object) -> bool

def _comma_in_subject_sentence(ctx: MatchContext, subject: str, obj: str, _: str | None = None) -> bool:
    index = ctx.index
    return index.sentence_of[ctx.token("comma").i] == index.sentence_of[index.span(subject).start]


def _subject_not_country(ctx: MatchContext, subject: str, obj: str, _: str | None = None) -> bool:
    return not is_country_name(ctx.index.by_id[subject].mention.name)


def _not_in_place_list(ctx: MatchContext, subject: str, obj: str, _: str | None = None) -> bool:
    """False for two places inside a list ("Colombia, Bolivia, Ecuador"), not a "Town, State" pair.
    A town before a state or a country the gazetteer knows is a pair whatever follows ("in Dayton,
    Ohio where", "Randolph, New Hampshire, United States", "Gilroy, California and ...")."""
    index = ctx.index
    town, holder = index.by_id[subject].mention.name, index.by_id[obj].mention.name
    if _holds_towns(town, holder):
        return True
    if us_state(town) is not None and us_state(holder) is not None:
        return False  # "Arizona, Florida, and Illinois": a state lies in no other (two countries: subject_not_country)
    doc, start, end = index.doc, index.span(subject).start, index.span(obj).end

    def place_at(i: int) -> bool:
        mention = index.at_token.get(i)
        return mention is not None and index.cls(mention) == EntityClass.PLACE

    if end < len(doc) and not (doc[end].is_punct or doc[end].lower_ in PLACE_PAIR_ENDERS):
        return False
    if end + 1 < len(doc) and doc[end].text == "," and (
            place_at(end + 1) or (end + 2 < len(doc) and doc[end + 1].lower_ in ("and", "or") and place_at(end + 2))):
        return False  # "Colorado, Utah, and California": a list, with or without its last comma
    if start >= 2 and doc[start - 1].text == "," and place_at(start - 2):
        return False
    return not (end + 1 < len(doc) and doc[end].lower_ in ("and", "or") and place_at(end + 1))


def _holds_towns(town: str, holder: str) -> bool:
    """True where ``holder`` is a US state or a country and ``town`` neither a country nor, before
    a state, another state ("Texas, California" is a list)."""
    if is_country_name(town):
        return False
    if us_state(holder) is not None:
        return us_state(town) is None
    return is_country_name(holder)


def _outside_mentions(ctx: MatchContext, subject: str, obj: str, name: str | None = None) -> bool:
    """No token the pattern named ``name`` is part of a name."""
    return not any(token.i in ctx.index.at_token for token in ctx.tokens(name or ""))


def _skippable(ctx: MatchContext, subject: str, obj: str, name: str | None = None) -> bool:
    """The tokens named ``name`` are only articles, adjectives and words of direction ("in northern Israel")."""
    return all(token.i not in ctx.index.at_token and (token.pos_ in ("DET", "ADJ") or token.lower_ in COMPASS_WORDS)
               for token in ctx.tokens(name or ""))


def _not_nationality(ctx: MatchContext, subject: str, obj: str, side: str | None = None) -> bool:
    """The subject (or, as ``not_nationality:object``, the object) is no nationality adjective read
    as its country ("Israeli troops"; "Lake Constance, Swiss police said" is no "Town, State")."""
    return ctx.index.by_id[obj if side == "object" else subject].mention.label != "NORP"


def _not_the_noun_possessive(ctx: MatchContext, subject: str, obj: str, name: str | None = None) -> bool:
    """The words named ``name`` are not "the <noun>" (that shape names the place before it)."""
    words = ctx.tokens(name or "")
    return not (len(words) == 2 and words[0].lower_ == "the")


def _adjective_names_object(ctx: MatchContext, subject: str, obj: str, _: str | None = None) -> bool:
    """The adjective reads as the nationality of the object place: "Haitian" of "Haiti", "Chinese" of "China"."""
    adjective, country = ctx.token("adjective").text.lower(), ctx.index.by_id[obj].mention.name.lower()
    if adjective == country or " " in country or not adjective.endswith(("an", "ese", "ish", "i", "ic")):
        return False
    return len(os.path.commonprefix([adjective, country])) >= 4


def _place_in_name(ctx: MatchContext, subject: str, obj: str, _: str | None = None) -> bool:
    """The organisation's name starts with the place's name ("Northamptonshire Police", "US Air
    Force") or ends with "of" and it ("the Supreme Court of the United Kingdom"): the organisation
    is that place's. Only places the gazetteer knows: a word NER took for a place may be the
    organisation's own short name ("Computer Terminal" of "Computer Terminal Systems Inc")."""
    index = ctx.index
    name, place = index.by_id[subject].mention.name, index.by_id[obj].mention.name
    words, place_words = name.split(), place.split()
    if len(words) < 2 or index.cls(subject) != EntityClass.ORGANIZATION or not is_known_place(place):
        return False  # "Computer Terminal Systems Inc": a place the gazetteer does not know may be the name's own
    if any(canonical_alias(" ".join(words[:size])) == place for size in range(1, len(words))):
        return True  # "US Air Force" for the United States: the name may write the place as an alias
    return words[-len(place_words):] == place_words and "of" in words[-len(place_words) - 2:-len(place_words)]


def _same_sentence(ctx: MatchContext, subject: str, obj: str, _: str | None = None) -> bool:
    index = ctx.index
    return index.sentence_of[index.span(subject).start] == index.sentence_of[index.span(obj).start]


def _object_rooted_at(ctx: MatchContext, subject: str, obj: str, name: str | None = None) -> bool:
    """The token named ``name`` is the head of the object's name."""
    return ctx.token(name or "").i == ctx.index.span(obj).root.i


def _modifier_before_name(ctx: MatchContext, subject: str, obj: str, _: str | None = None) -> bool:
    """The modifier stands before the described noun (or before the name, when the noun is in it),
    and no title word stands between ("Illinois Gov. X" is the title rule's)."""
    index, head, modifier = ctx.index, ctx.token("head"), ctx.token("modifier")
    span = index.span(subject)
    inside = span.start <= head.i < span.end
    end = span.start if inside else head.i
    start = head.left_edge.i  # the first token of its subtree, without walking it
    if not start <= modifier.i < end:
        return False
    return not any(token.lower_.rstrip(".") in TITLE_WORDS for token in index.doc[start:end])


FILTERS: dict[str, Callable[[MatchContext, str, str, str | None], bool]] = {
    "comma_in_subject_sentence": _comma_in_subject_sentence,
    "subject_not_country": _subject_not_country,
    "not_in_place_list": _not_in_place_list,
    "outside_mentions": _outside_mentions,
    "skippable": _skippable,
    "not_nationality": _not_nationality,
    "not_the_noun_possessive": _not_the_noun_possessive,
    "adjective_names_object": _adjective_names_object,
    "same_sentence": _same_sentence,
    "place_in_name": _place_in_name,
    "object_rooted_at": _object_rooted_at,
    "modifier_before_name": _modifier_before_name,
}


# ---------------------------------------------------------------- predicates: what the words say

def _describer_affiliation(ctx: MatchContext, subject: str, obj: str, _: str | None = None) -> str:
    """worksFor, unless a describing noun says more: "leader of" leads, "a spokesperson for" speaks for;
    a name's own "of" a party makes a member ("Jarosław Kaczyński of the Law and Justice Party")."""
    describer, root = ctx.token("describer"), ctx.index.span(subject).root
    if describer.i == root.i:
        return "memberOf" if is_party(ctx.index, obj) else "worksFor"
    return affiliation_predicate(ctx.index.doc[describer.left_edge.i:describer.i + 1])


def _place_modifier(ctx: MatchContext, subject: str, obj: str, _: str | None = None) -> str:
    return PLACE_MODIFIER[ctx.index.cls(subject)]


def _modifier_affiliation(ctx: MatchContext, subject: str, obj: str, _: str | None = None) -> str:
    """"the Foreign Ministry spokesman, X": what the describing noun says; a modifier of the name itself works for."""
    head, span = ctx.token("head"), ctx.index.span(subject)
    if span.start <= head.i < span.end:
        title = ctx.index.doc[ctx.token("modifier").i + 1:span.start]  # "Senate Minority Whip X": the words between
        if title and all(token.is_title for token in title):
            return office_predicate(ctx.index, title, obj)  # "Democratic Senator X"
        return "memberOf" if is_party(ctx.index, obj) else "worksFor"  # "Republican Larry Hogan": a member
    if is_party(ctx.index, obj) and any(child.dep_ == "prep" for child in head.children):
        return "memberOf"  # "the Democratic chairman of the Committee" leads the committee, not the party
    return affiliation_predicate(ctx.index.doc[head.i:head.i + 1])


PREDICATES: dict[str, Callable[[MatchContext, str, str, str | None], str]] = {
    "describer_affiliation": _describer_affiliation,
    "place_modifier": _place_modifier,
    "modifier_affiliation": _modifier_affiliation,
}


# ---------------------------------------------------------------- factualities

def _alleged(ctx: MatchContext, anchor: Token) -> Factuality:
    """Reported where the text only alleges the deed ("accused of the murder of X"), else asserted."""
    return Factuality.REPORTED if alleged(anchor) else Factuality.ASSERTED


FACTUALITIES: dict[str, Callable[[MatchContext, Token], Factuality]] = {
    "alleged": _alleged,
}


# ---------------------------------------------------------------- name filters, for class rows: (name, tokens) -> bool

def _several_words(span: Span, tokens: dict[str, list[Token]], _: str | None = None) -> bool:
    return len(span) > 1


def _plausible_age(span: Span, tokens: dict[str, list[Token]], name: str | None = None) -> bool:
    """The token named ``name`` reads as a person's age ("Marie Ferraro, 50, of ...")."""
    text = tokens[name or ""][0].text
    return text.isdigit() and 0 < int(text) < 120


def _short_capitalised_name(span: Span, tokens: dict[str, list[Token]], _: str | None = None) -> bool:
    """One to three capitalised words, no acronym nor organisation word ("Bowier")."""
    words = [token for token in span if token.is_alpha]
    return len(span) <= 3 and bool(words) and \
        all(token.is_title and token.lower_ not in ORGANISATION_WORDS for token in words)


def _us_state_token(span: Span, tokens: dict[str, list[Token]], name: str | None = None) -> bool:
    """The token named ``name`` is a US state or its abbreviation ("Minn.")."""
    return us_state(tokens[name or ""][0].text) is not None


def _country_tokens(span: Span, tokens: dict[str, list[Token]], name: str | None = None) -> bool:
    """The tokens named ``name`` write a country the gazetteer knows ("Mexico", "South Africa")."""
    words = tokens.get(name or "", [])
    return bool(words) and is_country_name(" ".join(token.text for token in words))


def _text(span: Span) -> str:
    """The span's text, cut from the doc's text read once (``Span.text`` joins its tokens each time)."""
    return text_of(span.doc)[span.start_char:span.end_char]


def _name_is_us_state(span: Span, tokens: dict[str, list[Token]], _: str | None = None) -> bool:
    return us_state(_text(span)) is not None


def _name_is_country(span: Span, tokens: dict[str, list[Token]], _: str | None = None) -> bool:
    """The gazetteer knows the name as a country or a territory ("Bermuda")."""
    return is_country_name(_text(span))


def _people_of_a_nation(span: Span, tokens: dict[str, list[Token]], _: str | None = None) -> bool:
    """The name is the plural noun for a nation's people ("Britons", "Mexicans")."""
    text = _text(span)
    return len(span) == 1 and (text.lower() in NATION_PEOPLE_NOUNS
                               or (text.endswith("s") and demonym_country(text[:-1]) is not None))


def _known_place(span: Span, tokens: dict[str, list[Token]], _: str | None = None) -> bool:
    """The gazetteer knows the name as a country, a large city or a US state."""
    return is_known_place(_text(span))


def _name_in(span: Span, tokens: dict[str, list[Token]], name: str | None = None) -> bool:
    """The name, in lower case and without "the" or a possessive, is in the word list ``name``."""
    words = word_list(name or "")
    text = _text(span).lower()
    return text in words or text.removeprefix("the ").removesuffix("'s").removesuffix("’s") in words


def _heads_its_phrase(span: Span, tokens: dict[str, list[Token]], _: str | None = None) -> bool:
    """The name is not a modifier of a noun after it ("the Clara Barton camp" names a camp)."""
    return span.root.dep_ not in ("compound", "amod", "nmod")


def _last_word_in(span: Span, tokens: dict[str, list[Token]], name: str | None = None) -> bool:
    """The name's last word is in the word list ``name`` ("Avenue" in "Karl Marx Avenue")."""
    return len(span) > 1 and span[-1].lower_ in word_list(name or "")


def _first_word_in(span: Span, tokens: dict[str, list[Token]], name: str | None = None) -> bool:
    """The name's first word is in the word list ``name`` ("County" in "County Mayo")."""
    return len(span) > 1 and span[0].lower_ in word_list(name or "")


def _names_itself(span: Span, tokens: dict[str, list[Token]], _: str | None = None) -> bool:
    """The word before the last is capitalised and the gazetteer knows no place of that name:
    "the Syrian Civil War" ends in its own words, "the Institute for the Study of War" in a
    phrase of its name."""
    return len(span) > 1 and not span[-2].is_lower and not is_known_place(_text(span))


def _all_capitals(span: Span, tokens: dict[str, list[Token]], _: str | None = None) -> bool:
    return span.text.isupper()


NAME_FILTERS: dict[str, Callable[[Span, dict[str, list[Token]], str | None], bool]] = {
    "several_words": _several_words,
    "plausible_age": _plausible_age,
    "short_capitalised_name": _short_capitalised_name,
    "us_state": _us_state_token,
    "name_is_us_state": _name_is_us_state,
    "country": _country_tokens,
    "known_place": _known_place,
    "name_is_country": _name_is_country,
    "people_of_a_nation": _people_of_a_nation,
    "all_capitals": _all_capitals,
    "name_in": _name_in,
    "last_word_in": _last_word_in,
    "first_word_in": _first_word_in,
    "heads_its_phrase": _heads_its_phrase,
    "names_itself": _names_itself,
}
