"""Argument finders for pattern rows: which mentions a matched token stands for.

A relation row's ``subject`` and ``object`` name a token and a finder (``via``) from the
``ARGUMENTS`` table: the mention the token is part of ("mention"), the names an argument
stands for ("arguments": through "and", appositions and relative pronouns), the mentions a
noun describes ("described_by"), the one a killer noun names ("killer_of"), and so on. Each
takes the match (:class:`MatchContext`) and the token, and an argument written after a colon
("first_place_within:8").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Token

from kg.data.words import word_list
from kg.extraction.arguments import MentionIndex, blamed_for, describers, entities, phrase_targets, pobjs
from kg.extraction.newswire import is_source_line
from kg.extraction.titles import is_title_or_its_lemma
from kg.model import EntityClass
from kg.nlp import sentences

GLOBAL_WIRES = word_list("global_wires")
KINSHIP_NOUNS = word_list("kinship_nouns")
#: How far into a sentence a dateline's place and agency may stand.
DATELINE_TOKENS = 12
#: The marks that end an attribution's source: "According to the BBC, ...".
ATTRIBUTION_ENDS = frozenset({",", ";", "\u2014", ":"})
#: The classes a noun describing a name can tell something of ("Atlanta businessman X").
DESCRIBED_CLASSES = frozenset({EntityClass.PERSON, EntityClass.ORGANIZATION, EntityClass.PLACE})


@dataclass
class MatchContext:
    """One match of a row: the document's mentions and the positions of the tokens the pattern named."""

    index: MentionIndex
    positions: dict[str, tuple[int, ...]]

    def token(self, name: str) -> Token:
        """The (first) token the pattern named ``name``."""
        return self.index.doc[self.positions[name][0]]

    def tokens(self, name: str) -> list[Token]:
        """Every token the pattern named ``name`` (none, for an element that took none)."""
        doc = self.index.doc
        return [doc[i] for i in self.positions.get(name, ())]


def _mention(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    found = ctx.index.mention_of(token)
    return [found] if found is not None else []


def _arguments(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    """The mentions an argument stands for, following "and", appositions and relative pronouns."""
    return [mention for mention, _ in entities(ctx.index, token)]


def _ending_here(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    """Every mention whose last token is the token."""
    return list(ctx.index.memo("ending_at", lambda: _by_token(ctx.index, last=True)).get(token.i, ()))


def _all_starting_here(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    """Every mention whose first token is the token."""
    return list(ctx.index.memo("starting_at", lambda: _by_token(ctx.index, last=False)).get(token.i, ()))


def _by_token(index: MentionIndex, *, last: bool) -> dict[int, list[str]]:
    table: dict[int, list[str]] = {}
    for item in index.spans:
        table.setdefault(item.span.end - 1 if last else item.span.start, []).append(item.mention.id)
    return table


def _starting_here(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    """The mention the token opens (the one that has the token, when it starts there)."""
    found = ctx.index.mention_of(token)
    return [found] if found is not None and ctx.index.span(found).start == token.i else []


def _in_sentence(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    """Every mention that starts in the token's sentence."""
    index = ctx.index
    table = index.memo("in_sentence", lambda: _by_sentence(index))
    return list(table.get(index.sentence_of[token.i], ()))


def _places_in_document(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    """Every place the document names, once per name: what an organisation's name can name
    ("the Egyptian Ministry of Antiquities" when the story names Egypt anywhere)."""
    def first_of_each_name() -> list[str]:
        found: dict[str, str] = {}
        for item in ctx.index.spans:
            if item.mention.cls == EntityClass.PLACE:
                found.setdefault(item.mention.name, item.mention.id)
        return list(found.values())
    return list(ctx.index.memo("places_in_document", first_of_each_name))


def _by_sentence(index: MentionIndex) -> dict[int, list[str]]:
    table: dict[int, list[str]] = {}
    for item in index.spans:
        table.setdefault(index.sentence_of[item.span.start], []).append(item.mention.id)
    return table


def _phrase_targets(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    return phrase_targets(ctx.index, token)


def _described_by(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    """The mentions the token describes: their own head, an apposition, a predicate noun (:func:`describers`)."""
    table = ctx.index.memo("described_by", lambda: _describer_table(ctx.index))
    return list(table.get(token.i, ()))


def _describer_table(index: MentionIndex) -> dict[int, list[str]]:
    table: dict[int, list[str]] = {}
    for item in index.spans:
        if item.mention.cls in DESCRIBED_CLASSES:
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
    agency, _places = ctx.index.memo(f"dateline-{token.i}", lambda: _dateline(ctx.index, token))
    return [agency] if agency is not None else []


def _dateline_places(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    return ctx.index.memo(f"dateline-{token.i}", lambda: _dateline(ctx.index, token))[1]


def _attribution(ctx: MatchContext, according: Token) -> tuple[int, list[str]]:
    """Where an attribution ("according to X") ends, and its sources, read off the words: the small
    model often parses it wrong ("According to Connecticut Senator Richard Blumenthal, ..." makes
    Blumenthal the subject of "According"). The sources are the names after "to" up to the next
    comma (and on past ", and Y"), or the name set off by commas after a title ("According to the
    El Paso mayor, Dee Margo, ...", "his wife, Amanda, ..."; not the clause after "According to
    police, ..."); a name that only qualifies another is none ("Connecticut Senator X", "Windsor
    Locks' selectman", "the ministry of Belarus")."""
    index = ctx.index
    doc = index.doc
    end = sentences(doc)[index.sentence_of[according.i]].end
    titles = index.title_tokens()

    def qualifier(mention: str, earlier: list[str]) -> bool:
        span = index.span(mention)
        after = span.end
        return (after < end and (after in titles or after in index.at_token or doc[after].tag_ == "POS")) \
            or (bool(earlier) and doc[span.start - 1].lower_ == "of")

    def names_to_comma(start: int) -> tuple[int, list[str]]:
        stop = next((i for i in range(start, end) if doc[i].text in ATTRIBUTION_ENDS), end)
        found: list[str] = []
        for i in range(start, stop):
            mention = index.named_head(i)
            if mention is not None and not qualifier(mention, found):
                found.append(mention)
        return stop, found

    stop, sources = names_to_comma(according.i + 2)
    only_possessors = all(index.span(mention).root.tag_ == "PRP$" for mention in sources)  # "his wife": no name
    if only_possessors and stop < end and _names_a_person(doc[stop - 1]):
        # "the El Paso mayor, Dee Margo, ...", "his wife, Amanda, ...": the name set off after them, alone
        after, named = names_to_comma(stop + 1)
        if named and all(doc[i].is_punct or i in index.at_token for i in range(stop + 1, after)):
            stop, sources = after, named
    while stop + 1 < end and doc[stop + 1].lower_ in ("and", "or"):
        stop, more = names_to_comma(stop + 2)
        sources += more
    return stop, sources


def _names_a_person(noun: Token) -> bool:
    """True for a noun a person's name may be set off after: a title or a relative ("the mayor,
    Dee Margo", "his wife, Amanda"); not "police" of "According to police, John Smith, 45, ..."."""
    return is_title_or_its_lemma(noun) or noun.lower_.rstrip(".") in KINSHIP_NOUNS


def _attribution_at(ctx: MatchContext, token: Token) -> tuple[int, list[str]]:
    """:func:`_attribution`, read once per "according" (its row's subject and object both ask)."""
    return ctx.index.memo(f"attribution-{token.i}", lambda: _attribution(ctx, token))


def _attribution_sources(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    """The sources of the attribution "according to" opens at ``token``."""
    return _attribution_at(ctx, token)[1]


def _reported_in_sentence(ctx: MatchContext, token: Token, _: str | None = None) -> list[str]:
    """The names a sentence reports beside an attribution ("According to X, ..."): each name heading
    a phrase of the sentence, outside the attribution's own words and outside titles."""
    index = ctx.index
    stop, _sources = _attribution_at(ctx, token)
    sentence = index.sentence_of[token.i]
    return [item.mention.id for item in index.spans
            if index.sentence_of[item.span.start] == sentence and not token.i <= item.span.root.i < stop
            and index.named_head(item.span.root.i) == item.mention.id]


ARGUMENTS: dict[str, Callable[[MatchContext, Token, str | None], list[str]]] = {
    "mention": _mention,
    "arguments": _arguments,
    "mentions_ending_here": _ending_here,
    "mention_starting_here": _starting_here,
    "mentions_starting_here": _all_starting_here,
    "mentions_in_sentence": _in_sentence,
    "places_in_document": _places_in_document,
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
    "reported_in_sentence": _reported_in_sentence,
    "attribution_sources": _attribution_sources,
}


#: Cheap checks that a finder can find anything at a token, so a match that names nothing is
#: dropped before any work (most are: a comma or an "in" rarely follows a name).
GUARDS: dict[str, Callable[[MentionIndex, int], bool]] = {
    "mention": lambda index, i: i in index.at_token,
    "mention_starting_here": lambda index, i: i in index.at_token,
    "mentions_ending_here": lambda index, i: i in index.memo("ending_at", lambda: _by_token(index, last=True)),
    "mentions_starting_here": lambda index, i: i in index.memo("starting_at", lambda: _by_token(index, last=False)),
    "described_by": lambda index, i: i in index.memo("described_by", lambda: _describer_table(index)),
}


@cache
def split_name(name: str) -> tuple[str, str | None]:
    """ "first_place_within:8" -> ("first_place_within", "8") (kept: rows' few names are read for
    every name and match of every document)."""
    base, _, argument = name.partition(":")
    return base, argument or None
