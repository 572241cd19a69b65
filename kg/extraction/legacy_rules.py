"""Rules about words and dependency shapes, still written as code (to become pattern rows)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from spacy.tokens import Token

from kg.extraction.arguments import MentionIndex, blamed_for, describers, phrase_targets, pobjs
from kg.extraction.factuality import alleged
from kg.extraction.gazetteer import place_class
from kg.extraction.newswire import is_source_line
from kg.extraction.roles import affiliation_predicate
from kg.extraction.titles import TITLE_WORDS
from kg.extraction.words import word_list
from kg.model import EntityClass, Factuality, RelationMention
from kg.nlp import sentences, tokens_with_lemma

PERSON, ORGANIZATION, PLACE, GROUP = EntityClass.PERSON, EntityClass.ORGANIZATION, EntityClass.PLACE, EntityClass.GROUP
ASSERTED = Factuality.ASSERTED
PLACE_NOUNS = word_list("place_nouns")
CAPITAL_WORDS = ("capital", "largest city", "biggest city")
KILLER_NOUNS = word_list("killer_nouns")
KILLING_NOUNS = word_list("killing_nouns")
HOME_NOUNS = word_list("home_nouns")
SEAT_NOUNS = word_list("seat_nouns")
GLOBAL_WIRES = word_list("global_wires")
COMPASS_WORDS = word_list("compass_words")
ENDS_PLACE_PAIR = word_list("place_pair_enders")
ATTACHMENTS: dict[tuple[str, str, str], str] = {
    **{(PERSON, prep, PLACE): "livesIn" for prep in ("of", "from", "in")},
    **{(PERSON, prep, ORGANIZATION): "worksFor" for prep in ("of", "at", "for", "with")},
    **{(ORGANIZATION, prep, PLACE): "basedIn" for prep in ("in", "of", "at")},
    **{(PLACE, prep, PLACE): "locatedIn" for prep in ("in", "of")},
}
PLACE_MODIFIER = {PERSON: "livesIn", ORGANIZATION: "basedIn", PLACE: "locatedIn"}
CONFIDENCE = {
    "capital": 0.8,
    "attachment": 0.6,
    "modifier": 0.55,
    "place-in-place": 0.6,
    "home": 0.7,
    "headquarters": 0.75,
    "demonym": 0.6,
    "comma-place": 0.7,
    "killer-noun": 0.7,
    "dateline": 0.7,
}


def legacy_relations(m: MentionIndex) -> Iterator[RelationMention]:
    yield from capital_relations(m)
    yield from attachment_relations(m)
    yield from comma_place_relations(m)
    yield from place_in_place_relations(m)
    yield from home_relations(m)
    yield from headquarters_relations(m)
    yield from demonym_relations(m)
    yield from killer_noun_relations(m)
    yield from dateline_relations(m)


def capital_relations(m: MentionIndex) -> Iterator[RelationMention]:
    """"X, the territory's capital" / "X, Y's capital" / "X, the capital of Y": X locatedIn Y."""
    places = [item.mention.id for item in m.spans
              if item.mention.cls == PLACE and item.mention.label != "NORP"]  # "Israeli troops" is no territory
    for position, mention in enumerate(places):
        span = m.span(mention)
        words = [token.lower_ for token in m.doc[span.end: span.end + 8]]
        text = " ".join(words).replace("’", "'")
        container: str | None = None
        if not text.startswith(","):
            continue
        after = text[1:].strip()
        for capital in CAPITAL_WORDS:
            if after.startswith("the capital of") or after.startswith(f"the {capital} of"):
                container = _place_after(m, span.end, limit=8)
            elif re.match(rf"the (\w+) 's {capital}\b", after):
                noun = after.split()[1]
                if noun in PLACE_NOUNS:
                    container = _place_before(m, places[:position], mention)
            elif re.match(rf"[\w ]+ 's {capital}\b", after):
                container = _place_after(m, span.end, limit=6)
            if container is not None:
                break
        if container is not None and container != mention:
            yield m.relation(mention, container, span.root, "be capital of", "locatedIn", ASSERTED,
                             "capital", CONFIDENCE["capital"])


def _place_before(m: MentionIndex, candidates: list[str], mention: str) -> str | None:
    name = m.by_id[m.at_token[m.span(mention).root.i]].mention.name
    for candidate in reversed(candidates):
        if m.by_id[candidate].mention.name != name:
            return candidate
    return None


def _place_after(m: MentionIndex, start: int, *, limit: int) -> str | None:
    for token in m.doc[start: start + limit]:
        mention = m.at_token.get(token.i)
        if mention is not None and m.cls(mention) == PLACE:
            return mention
    return None


def attachment_relations(m: MentionIndex) -> Iterator[RelationMention]:
    """A prepositional phrase or a modifier on a name: "Towle of Wallingford", "Drexel Inc. in New York"."""
    for item in m.spans:
        cls = item.mention.cls
        if cls not in PLACE_MODIFIER:
            continue
        mention = item.mention.id
        root = item.span.root
        for describer in describers(m, root):
            for prep in (child for child in describer.children if child.dep_ == "prep"):
                for target in (target for pobj in pobjs(prep) for target in phrase_targets(m, pobj)):
                    predicate = ATTACHMENTS.get((cls, prep.lower_, m.cls(target)))
                    if predicate == "worksFor" and describer is not root:  # "leader of", "a spokesperson for"
                        predicate = affiliation_predicate(m.doc[describer.left_edge.i:describer.i + 1])
                    if predicate is not None and target != mention:
                        yield m.relation(mention, target, root, "be", predicate, ASSERTED,
                                         "attachment", CONFIDENCE["attachment"])
            yield from modifier_relations(m, mention, describer)


def modifier_relations(m: MentionIndex, mention: str, head: Token) -> Iterator[RelationMention]:
    """A place or organisation written before a noun naming or describing a mention.

    "the Hong Kong firm X", "Atlanta businessman X", "New York's Mount Sinai Hospital",
    "CBS anchorman Dan Rather". A modifier inside a title ("Illinois Gov. X", "Chevron
    spokesman X") is left to the title rule.
    """
    item = m.by_id[mention]
    start = min(token.i for token in head.subtree)
    inside = item.span.start <= head.i < item.span.end
    modifiers = m.doc[start:item.span.start] if inside else m.doc[start:head.i]
    if any(token.lower_.rstrip(".") in TITLE_WORDS for token in modifiers):
        return
    for token in modifiers:
        target = m.mention_of(token)
        if target is None or target == mention or token.i != m.span(target).root.i:
            continue
        if token.dep_ not in ("compound", "nmod", "amod", "poss", "npadvmod"):  # npadvmod: "Illinois born X"
            continue
        target_cls = m.cls(target)
        if target_cls == PLACE:
            predicate = PLACE_MODIFIER[item.mention.cls]
        elif target_cls == ORGANIZATION and item.mention.cls == PERSON:
            # "the Foreign Ministry spokesman, Grigory Karasin": what the describing noun says
            predicate = "worksFor" if inside else affiliation_predicate(m.doc[head.i:head.i + 1])
        else:
            continue
        yield m.relation(mention, target, head, "be", predicate, ASSERTED, "modifier", CONFIDENCE["modifier"])


def home_relations(m: MentionIndex) -> Iterator[RelationMention]:
    """Someone's home named by a noun: "Nelson's hometown of Abbott", "Welk's North Dakota birthplace".

    And a birthplace written before the name, "Illinois born Charlton Heston", read off the words.
    """
    yield from _born_before_name(m)
    for token in tokens_with_lemma(m.doc, HOME_NOUNS):
        if token.pos_ != "NOUN":
            continue
        people = [m.mention_of(child) for child in token.children if child.dep_ == "poss"]
        places = [m.mention_of(child) for child in token.children if child.dep_ in ("compound", "nmod")]
        places += [m.mention_of(pobj) for prep in token.children if prep.lower_ == "of" for pobj in pobjs(prep)]
        for person in people:
            for place in places:
                if person is not None and place is not None and m.cls(person) == PERSON and m.cls(place) == PLACE:
                    yield m.relation(person, place, token, "be", "livesIn", ASSERTED, "home", CONFIDENCE["home"])


def _born_before_name(m: MentionIndex) -> Iterator[RelationMention]:
    doc = m.doc
    for item in m.spans:
        position = item.span.end
        if item.mention.cls != PLACE or position + 1 >= len(doc):
            continue
        if doc[position].text == "-":
            position += 1
        if doc[position].lower_ != "born":
            continue
        position += 1
        while position < len(doc) and position not in m.at_token and doc[position].is_lower \
                and doc[position].pos_ in ("NOUN", "ADJ") and position - item.span.end < 4:
            position += 1  # "Minnesota born artist Duane Hanson"
        person = m.at_token.get(position)
        if person is not None and m.cls(person) == PERSON:
            yield m.relation(person, item.mention.id, doc[position], "be", "livesIn", ASSERTED,
                             "home", CONFIDENCE["home"])


def demonym_relations(m: MentionIndex) -> Iterator[RelationMention]:
    """"The Haitian Parliament ... Haiti": an organisation named by a nationality is based in that country.

    Only when the sentence names the country, and the nationality shares its name's start
    ("Haitian" / "Haiti", "Bulgarian" / "Bulgaria"), so no list of demonyms is needed.
    """
    for item in m.spans:
        if item.mention.cls != ORGANIZATION:
            continue
        span = item.span
        adjectives = [span[0]]
        if span.start > 0 and m.doc[span.start - 1].is_title:
            adjectives.append(m.doc[span.start - 1])  # "the Chilean company Codelco" keeps it outside
        for other in m.spans:
            if other.mention.cls != PLACE or m.sentence_of[other.span.start] != m.sentence_of[span.start]:
                continue
            if any(_is_demonym(adjective.text, other.mention.name) for adjective in adjectives):
                yield m.relation(item.mention.id, other.mention.id, span.root, "be", "basedIn", ASSERTED,
                                 "demonym", CONFIDENCE["demonym"])


def _is_demonym(adjective: str, country: str) -> bool:
    """True when an adjective reads as the nationality of a country: "Haitian" of "Haiti", "Chinese" of "China"."""
    adjective, country = adjective.lower(), country.lower()
    if adjective == country or " " in country or not adjective.endswith(("an", "ese", "ish", "i", "ic")):
        return False
    return len(os.path.commonprefix([adjective, country])) >= 4


def headquarters_relations(m: MentionIndex) -> Iterator[RelationMention]:
    """An organisation's seat named by a noun: "NRC headquarters in Rockville", "the bank's Frankfurt office"."""
    for token in tokens_with_lemma(m.doc, SEAT_NOUNS):
        if token.pos_ != "NOUN":
            continue
        organisations = m.named(child for child in token.children if child.dep_ in ("compound", "poss"))
        places = m.named(child for child in token.children if child.dep_ in ("compound", "nmod"))
        places += m.named(pobj for prep in token.children if prep.lower_ in ("in", "at") for pobj in pobjs(prep))
        for organisation in organisations:
            for place in places:
                if m.cls(organisation) == ORGANIZATION and m.cls(place) == PLACE:
                    yield m.relation(organisation, place, token, "be", "basedIn", ASSERTED,
                                     "headquarters", CONFIDENCE["headquarters"])


def place_in_place_relations(m: MentionIndex) -> Iterator[RelationMention]:
    """"Haifa in northern Israel", "the Red Cross in Khartoum": read off the words, not the parse."""
    doc = m.doc
    for item in m.spans:
        predicate = {PLACE: "locatedIn", ORGANIZATION: "basedIn"}.get(item.mention.cls)
        position = item.span.end
        if predicate == "basedIn" and position < len(doc) and doc[position].lower_ in SEAT_NOUNS:
            position += 1  # "NRC headquarters in nearby Rockville"
        if position + 1 < len(doc) and doc[position].text == "," and doc[position + 1].lower_ == "in":
            position += 1  # "the Savannah River Plant, in Aiken"
        if predicate is None or position >= len(doc) or doc[position].lower_ != "in":
            continue
        position += 1
        while position < len(doc) and position not in m.at_token and \
                (doc[position].pos_ in ("DET", "ADJ") or doc[position].lower_ in COMPASS_WORDS):
            position += 1
        target = m.at_token.get(position)
        if target is None or target == item.mention.id or m.cls(target) != PLACE:
            continue
        if m.span(target).start != position:
            continue
        yield m.relation(item.mention.id, target, item.span.root, "be", predicate, ASSERTED,
                         "place-in-place", CONFIDENCE["place-in-place"])


def comma_place_relations(m: MentionIndex) -> Iterator[RelationMention]:
    """"Aiken, S.C.", "Addis Ababa, Ethiopia": a place, a comma, and the place that holds it."""
    doc = m.doc
    for item in m.spans:
        if item.mention.cls != PLACE:
            continue
        end = item.span.end
        if end + 1 >= len(doc) or doc[end].text != "," or m.sentence_of[end] != m.sentence_of[item.span.start]:
            continue
        start = end + 1
        if start + 1 < len(doc) and doc[start].lower_ in COMPASS_WORDS:
            start += 1  # "Mohammadia, south-east Algeria"
        container = m.at_token.get(start)
        if container is None or m.cls(container) != PLACE:
            continue
        if m.span(container).start != start or place_class(item.mention.name) == EntityClass.COUNTRY:
            continue
        if _in_place_list(m, item.span.start, m.span(container).end):
            continue
        yield m.relation(item.mention.id, container, item.span.root, "be", "locatedIn", ASSERTED,
                         "comma-place", CONFIDENCE["comma-place"])


def _in_place_list(m: MentionIndex, start: int, end: int) -> bool:
    """True for two places inside a list ("Colombia, Bolivia, Ecuador"), not a "Town, State" pair."""
    doc = m.doc
    if end < len(doc) and not (doc[end].is_punct or doc[end].lower_ in ENDS_PLACE_PAIR):
        return True
    if end + 1 < len(doc) and doc[end].text == "," and _place_at(m, end + 1):
        return True
    if start >= 2 and doc[start - 1].text == "," and _place_at(m, start - 2):
        return True
    return end + 1 < len(doc) and doc[end].lower_ in ("and", "or") and _place_at(m, end + 1)


def _place_at(m: MentionIndex, i: int) -> bool:
    mention = m.at_token.get(i)
    return mention is not None and m.cls(mention) == PLACE


def killer_noun_relations(m: MentionIndex) -> Iterator[RelationMention]:
    """Killings told by a noun: "Booth, assassin of Lincoln", "Kennedy's assassin, Oswald", "murder of X by Y"."""
    for token in tokens_with_lemma(m.doc, KILLER_NOUNS | KILLING_NOUNS):
        lemma = token.lemma_.lower()
        if lemma in KILLER_NOUNS:
            killers, victims = _killer_of(m, token), _victims_of(m, token)
        elif lemma in KILLING_NOUNS and token.pos_ == "NOUN":
            killers, victims = _killing_parties(m, token)
        else:
            continue
        factuality = Factuality.REPORTED if alleged(token) else ASSERTED
        for killer in killers:
            for victim in victims:
                if killer != victim and m.cls(killer) == PERSON and m.cls(victim) == PERSON:
                    yield m.relation(killer, victim, token, "kill", "killed", factuality,
                                     "killer-noun", CONFIDENCE["killer-noun"])


def _killing_parties(m: MentionIndex, noun: Token) -> tuple[list[str], list[str]]:
    killers = m.named(pobj for prep in noun.children if prep.lower_ == "by" for pobj in pobjs(prep))
    victims = m.named(pobj for prep in noun.children if prep.lower_ == "of" for pobj in pobjs(prep))
    victims += m.named(child for child in noun.children if child.dep_ == "compound")
    possessors = m.named(child for child in noun.children if child.dep_ == "poss")
    if victims:
        killers += possessors
    else:
        victims += possessors
    if not killers:
        killers = m.named(blamed_for(m, noun))
    return killers, victims


def _killer_of(m: MentionIndex, noun: Token) -> list[str]:
    """Who the killer noun names: the name it is in apposition to, or that it stands before."""
    doc = m.doc
    found = [m.mention_of(child) for child in noun.children if child.dep_ == "appos"]
    if noun.dep_ in ("appos", "compound") or noun.head.i in m.at_token:
        found.append(m.mention_of(noun.head))
    if noun.dep_ == "attr":
        found += [m.mention_of(child) for child in noun.head.children if child.dep_ == "nsubj"]
    following = noun.i + 1
    if following < len(doc) and doc[following].text == ",":
        following += 1
    found.append(m.mention_of(doc[following]) if following < len(doc) else None)
    return [mention for mention in found if mention is not None]


def _victims_of(m: MentionIndex, noun: Token) -> list[str]:
    """Who was killed: "assassin of Lincoln", "Kennedy's assassin", "King assassin"."""
    found = [m.mention_of(pobj) for prep in noun.children if prep.lower_ == "of" for pobj in pobjs(prep)]
    found += [m.mention_of(child) for child in noun.children if child.dep_ in ("poss", "compound")]
    if noun.i > 0:
        before = m.doc[noun.i - 1]
        if before.tag_ == "POS" and noun.i > 1:
            before = m.doc[noun.i - 2]
        found.append(m.mention_of(before))
    return [mention for mention in found if mention is not None]


def dateline_relations(m: MentionIndex) -> Iterator[RelationMention]:
    """A dateline, "Moscow, March 5 (ITAR-TASS)", or a source line, "Paris AFP in English": the agency is there."""
    doc = m.doc
    for sentence in sentences(doc):
        places: list[str] = []
        agency: str | None = None
        for token in sentence[:12]:
            mention = m.at_token.get(token.i)
            if mention is None:
                if token.is_punct or token.like_num or token.ent_type_ in ("DATE", "TIME") or token.text == "Text":
                    continue
                break
            if m.cls(mention) == PLACE and agency is None:
                if mention not in places:
                    places.append(mention)
            elif m.cls(mention) == ORGANIZATION and places:
                agency = mention
                break
        if agency is None:
            continue
        span = m.span(agency)
        before, after = doc[span.start - 1], doc[span.end] if span.end < len(doc) else None
        bracketed = ((before.text == "(" and after is not None and after.text == ")")
                     or (after is not None and after.text in ("--", "—"))) and \
            m.by_id[agency].mention.name not in GLOBAL_WIRES
        if not (bracketed or is_source_line(span)):
            continue
        for place in places:
            yield m.relation(agency, place, span.root, "be", "basedIn", ASSERTED, "dateline", CONFIDENCE["dateline"])
