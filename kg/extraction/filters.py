"""The named functions pattern rows may call: one explicit table, so a row names what it needs.

A pattern row (``kg/data/rules/relations.jsonl``) finds words in a shape; these say the rest:

- ``ARGUMENTS`` (a side's ``via``): which mentions a matched token stands for, from the token
  itself ("mention") to the walks a grammar needs ("the one a killer noun names");
- ``FILTERS`` (a row's ``where``): what must also hold of the two mentions for the row to fire;
- ``PREDICATES`` (a row's ``states_by``): the relation, where the words decide it ("leader of"
  leads, "engineer with" works for);
- ``FACTUALITIES`` (a row's ``factuality``, beside the fixed values): how the text presents it;
- ``NAME_FILTERS`` (a class row's ``where``): what must hold of the name and the matched tokens.

Each function takes the match (:class:`MatchContext`); an argument function also the token, a
filter and a predicate function also the ids of the subject and object mentions. A name may
carry one argument after a colon ("first_place_within:8").
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from kg.extraction.arguments import MentionIndex, blamed_for, describers, entities, phrase_targets, pobjs
from kg.extraction.factuality import alleged
from kg.extraction.gazetteer import is_known_place, place_class, us_state
from kg.extraction.newswire import is_source_line
from kg.extraction.roles import affiliation_predicate
from kg.extraction.titles import TITLE_WORDS
from kg.extraction.words import word_list
from kg.model import EntityClass, Factuality
from kg.nlp import sentences

COMPASS_WORDS = word_list("compass_words")
ORGANISATION_WORDS = word_list("organisation_words")
PLACE_PAIR_ENDERS = word_list("place_pair_enders")
GLOBAL_WIRES = word_list("global_wires")
#: How far into a sentence a dateline's place and agency may stand.
DATELINE_TOKENS = 12
#: What a place written before a name says of the name ("Atlanta businessman X" lives in Atlanta).
PLACE_MODIFIER = {EntityClass.PERSON: "livesIn", EntityClass.ORGANIZATION: "basedIn", EntityClass.PLACE: "locatedIn"}


@dataclass
class MatchContext:
    """One match of a row: the document's mentions and the tokens the pattern named."""

    index: MentionIndex
    tokens: dict[str, list[Token]]
    cache: dict[str, object] = field(default_factory=dict)

    def token(self, name: str) -> Token:
        return self.tokens[name][0]


# ---------------------------------------------------------------- arguments: token -> mention ids

def _mention(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    found = ctx.index.mention_of(token)
    return [found] if found is not None else []


def _arguments(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    """The mentions an argument stands for, following "and", appositions and relative pronouns."""
    return [mention for mention, _ in entities(ctx.index, token)]


def _ending_here(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    return [item.mention.id for item in ctx.index.spans if item.span.end - 1 == token.i]


def _all_starting_here(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    return [item.mention.id for item in ctx.index.spans if item.span.start == token.i]


def _starting_here(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    """The mention the token opens (the one that has the token, when it starts there)."""
    found = ctx.index.mention_of(token)
    return [found] if found is not None and ctx.index.span(found).start == token.i else []


def _in_sentence(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    sentence = ctx.index.sentence_of[token.i]
    return [item.mention.id for item in ctx.index.spans if ctx.index.sentence_of[item.span.start] == sentence]


def _phrase_targets(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    return phrase_targets(ctx.index, token)


def _described_by(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    """The mentions the token describes: their own head, an apposition, a predicate noun (:func:`describers`)."""
    table = ctx.index.memo("described_by", lambda: _describer_table(ctx.index))
    return list(table.get(token.i, ()))


def _describer_table(index: MentionIndex) -> dict[int, list[str]]:
    table: dict[int, list[str]] = {}
    for item in index.spans:
        if item.mention.cls in PLACE_MODIFIER:
            for describer in describers(index, item.span.root):
                table.setdefault(describer.i, []).append(item.mention.id)
    return table


def _first_place_within(ctx: MatchContext, token: Token, window: str | None = None) -> list[str]:
    """The first place named in the ``window`` tokens from the token on ("X, the capital of Y")."""
    index = ctx.index
    for following in index.doc[token.i: token.i + int(window or 8)]:
        found = index.mention_of(following)
        if found is not None and index.cls(found) == EntityClass.PLACE:
            return [found]
    return []


def _place_before(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    """The last place named before the mention ending at the token, by another name ("X, the territory's capital")."""
    index = ctx.index
    places = [item for item in index.spans if item.mention.cls == EntityClass.PLACE and item.mention.label != "NORP"]
    for position, item in enumerate(places):
        if item.span.end - 1 != token.i:
            continue
        name = index.by_id[index.at_token[item.span.root.i]].mention.name
        for candidate in reversed(places[:position]):
            if candidate.mention.name != name:
                return [candidate.mention.id]
        return []
    return []


def _killer_of(ctx: MatchContext, noun: Token, _: str | None = None) -> list[str]:
    """Who a killer noun names: the name it is in apposition to, or that it stands before ("Oswald, the assassin")."""
    index, doc = ctx.index, ctx.index.doc
    found = [index.mention_of(child) for child in noun.children if child.dep_ == "appos"]
    if noun.dep_ in ("appos", "compound") or noun.head.i in index.at_token:
        found.append(index.mention_of(noun.head))
    if noun.dep_ == "attr":
        found += [index.mention_of(child) for child in noun.head.children if child.dep_ == "nsubj"]
    following = noun.i + 1
    if following < len(doc) and doc[following].text == ",":
        following += 1
    found.append(index.mention_of(doc[following]) if following < len(doc) else None)
    return [mention for mention in found if mention is not None]


def _victims_of(ctx: MatchContext, noun: Token, _: str | None = None) -> list[str]:
    """Who a killer noun says was killed: "assassin of Lincoln", "Kennedy's assassin", "King assassin"."""
    index = ctx.index
    found = [index.mention_of(pobj) for prep in noun.children if prep.lower_ == "of" for pobj in pobjs(prep)]
    found += [index.mention_of(child) for child in noun.children if child.dep_ in ("poss", "compound")]
    if noun.i > 0:
        before = index.doc[noun.i - 1]
        if before.tag_ == "POS" and noun.i > 1:
            before = index.doc[noun.i - 2]
        found.append(index.mention_of(before))
    return [mention for mention in found if mention is not None]


def _killing_parties(index: MentionIndex, noun: Token) -> tuple[list[str], list[str]]:
    """Killers and victims of a killing noun: "the assassination of X by Y", "Y's killing of X",
    "X's assassination", "the Kennedy slaying"; with no killer beside it, the one the sentence lays
    it on ("Sirhan was convicted of the slaying of Kennedy", "the only suspect in Kennedy's assassination")."""
    killers = index.named(pobj for prep in noun.children if prep.lower_ == "by" for pobj in pobjs(prep))
    victims = index.named(pobj for prep in noun.children if prep.lower_ == "of" for pobj in pobjs(prep))
    victims += index.named(child for child in noun.children if child.dep_ == "compound")
    possessors = index.named(child for child in noun.children if child.dep_ == "poss")
    if victims:
        killers += possessors
    else:
        victims += possessors
    if not killers:
        killers = index.named(blamed_for(index, noun))
    return killers, victims


def _killers_of_killing(ctx: MatchContext, noun: Token, _: str | None = None) -> list[str]:
    return _killing_parties(ctx.index, noun)[0]


def _victims_of_killing(ctx: MatchContext, noun: Token, _: str | None = None) -> list[str]:
    return _killing_parties(ctx.index, noun)[1]


def _dateline(index: MentionIndex, opening: Token) -> tuple[str | None, list[str]]:
    """The agency and the places of a dateline or source line opening the sentence at ``opening``.

    "Moscow, March 5 (ITAR-TASS) --": places, then the agency, with only punctuation, numbers
    and dates between. A global wire's dateline ("BANGKOK, Thailand (AP)") only says where the
    story was filed, so it gives none.
    """
    doc = index.doc
    sentence = sentences(doc)[index.sentence_of[opening.i]]
    places: list[str] = []
    agency: str | None = None
    for token in sentence[:DATELINE_TOKENS]:
        mention = index.at_token.get(token.i)
        if mention is None:
            # "(Text) Sofia, February 15 (BTA)": monitoring services open with "(Text)"
            if token.is_punct or token.like_num or token.ent_type_ in ("DATE", "TIME") or token.text == "Text":
                continue
            break
        if index.cls(mention) == EntityClass.PLACE and agency is None:
            if mention not in places:
                places.append(mention)
        elif index.cls(mention) == EntityClass.ORGANIZATION and places:
            agency = mention
            break
    if agency is None:
        return None, []
    span = index.span(agency)
    before, after = doc[span.start - 1], doc[span.end] if span.end < len(doc) else None
    bracketed = ((before.text == "(" and after is not None and after.text == ")")
                 or (after is not None and after.text in ("--", "—"))) and \
        index.by_id[agency].mention.name not in GLOBAL_WIRES
    if not (bracketed or is_source_line(span)):
        return None, []
    return agency, places


def _dateline_agency(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    agency, _places = _dateline(ctx.index, token)
    return [agency] if agency is not None else []


def _dateline_places(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    return _dateline(ctx.index, token)[1]


ARGUMENTS: dict[str, Callable[[MatchContext, Token, str | None], list[str]]] = {
    "mention": _mention,
    "arguments": _arguments,
    "mentions_ending_here": _ending_here,
    "mention_starting_here": _starting_here,
    "mentions_starting_here": _all_starting_here,
    "mentions_in_sentence": _in_sentence,
    "phrase_targets": _phrase_targets,
    "described_by": _described_by,
    "first_place_within": _first_place_within,
    "place_before": _place_before,
    "killer_of": _killer_of,
    "victims_of": _victims_of,
    "killers_of_killing": _killers_of_killing,
    "victims_of_killing": _victims_of_killing,
    "dateline_agency": _dateline_agency,
    "dateline_places": _dateline_places,
}


# ---------------------------------------------------------------- filters: (match, subject, object) -> bool

def _comma_in_subject_sentence(ctx: MatchContext, subject: str, obj: str, _: str | None = None) -> bool:
    index = ctx.index
    return index.sentence_of[ctx.token("comma").i] == index.sentence_of[index.span(subject).start]


def _subject_not_country(ctx: MatchContext, subject: str, obj: str, _: str | None = None) -> bool:
    return place_class(ctx.index.by_id[subject].mention.name) != EntityClass.COUNTRY


def _not_in_place_list(ctx: MatchContext, subject: str, obj: str, _: str | None = None) -> bool:
    """False for two places inside a list ("Colombia, Bolivia, Ecuador"), not a "Town, State" pair."""
    index = ctx.index
    doc, start, end = index.doc, index.span(subject).start, index.span(obj).end

    def place_at(i: int) -> bool:
        mention = index.at_token.get(i)
        return mention is not None and index.cls(mention) == EntityClass.PLACE

    if end < len(doc) and not (doc[end].is_punct or doc[end].lower_ in PLACE_PAIR_ENDERS):
        return False
    if end + 1 < len(doc) and doc[end].text == "," and place_at(end + 1):
        return False
    if start >= 2 and doc[start - 1].text == "," and place_at(start - 2):
        return False
    return not (end + 1 < len(doc) and doc[end].lower_ in ("and", "or") and place_at(end + 1))


def _outside_mentions(ctx: MatchContext, subject: str, obj: str, name: str | None = None) -> bool:
    """No token the pattern named ``name`` is part of a name."""
    return not any(token.i in ctx.index.at_token for token in ctx.tokens.get(name or "", ()))


def _skippable(ctx: MatchContext, subject: str, obj: str, name: str | None = None) -> bool:
    """The tokens named ``name`` are only articles, adjectives and words of direction ("in northern Israel")."""
    return all(token.i not in ctx.index.at_token and (token.pos_ in ("DET", "ADJ") or token.lower_ in COMPASS_WORDS)
               for token in ctx.tokens.get(name or "", ()))


def _not_nationality(ctx: MatchContext, subject: str, obj: str, _: str | None = None) -> bool:
    """The subject is no nationality adjective read as its country ("Israeli troops")."""
    return ctx.index.by_id[subject].mention.label != "NORP"


def _not_the_noun_possessive(ctx: MatchContext, subject: str, obj: str, name: str | None = None) -> bool:
    """The words named ``name`` are not "the <noun>" (that shape names the place before it)."""
    words = ctx.tokens.get(name or "", [])
    return not (len(words) == 2 and words[0].lower_ == "the")


def _adjective_names_object(ctx: MatchContext, subject: str, obj: str, _: str | None = None) -> bool:
    """The adjective reads as the nationality of the object place: "Haitian" of "Haiti", "Chinese" of "China"."""
    adjective, country = ctx.token("adjective").text.lower(), ctx.index.by_id[obj].mention.name.lower()
    if adjective == country or " " in country or not adjective.endswith(("an", "ese", "ish", "i", "ic")):
        return False
    return len(os.path.commonprefix([adjective, country])) >= 4


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
    start = min(token.i for token in head.subtree)
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
    "object_rooted_at": _object_rooted_at,
    "modifier_before_name": _modifier_before_name,
}


# ---------------------------------------------------------------- predicates: what the words say

def _describer_affiliation(ctx: MatchContext, subject: str, obj: str, _: str | None = None) -> str:
    """worksFor, unless a describing noun says more: "leader of" leads, "a spokesperson for" speaks for."""
    describer, root = ctx.token("describer"), ctx.index.span(subject).root
    if describer.i == root.i:
        return "worksFor"
    return affiliation_predicate(ctx.index.doc[describer.left_edge.i:describer.i + 1])


def _place_modifier(ctx: MatchContext, subject: str, obj: str, _: str | None = None) -> str:
    return PLACE_MODIFIER[ctx.index.cls(subject)]


def _modifier_affiliation(ctx: MatchContext, subject: str, obj: str, _: str | None = None) -> str:
    """"the Foreign Ministry spokesman, X": what the describing noun says; a modifier of the name itself works for."""
    head, span = ctx.token("head"), ctx.index.span(subject)
    if span.start <= head.i < span.end:
        return "worksFor"
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


def _name_is_us_state(span: Span, tokens: dict[str, list[Token]], _: str | None = None) -> bool:
    return us_state(span.text) is not None


def _known_place(span: Span, tokens: dict[str, list[Token]], _: str | None = None) -> bool:
    """The gazetteer knows the name as a country, a large city or a US state."""
    return is_known_place(span.text)


def _all_capitals(span: Span, tokens: dict[str, list[Token]], _: str | None = None) -> bool:
    return span.text.isupper()


NAME_FILTERS: dict[str, Callable[[Span, dict[str, list[Token]], str | None], bool]] = {
    "several_words": _several_words,
    "plausible_age": _plausible_age,
    "short_capitalised_name": _short_capitalised_name,
    "us_state": _us_state_token,
    "name_is_us_state": _name_is_us_state,
    "known_place": _known_place,
    "all_capitals": _all_capitals,
}


def split_name(name: str) -> tuple[str, str | None]:
    """ "first_place_within:8" -> ("first_place_within", "8")."""
    base, _, argument = name.partition(":")
    return base, argument or None
