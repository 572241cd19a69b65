"""Titles as relations: who holds a role, and whom the title says they work for or lead.

"US Secretary of State Antony Blinken" holdsRole "US Secretary of State" (``title``; a title
after the name is an ``apposition``), and the organisation or place the title names gets a
``title-affiliation``: "White House spokesman John Kirby" is a spokesperson for the White
House, "Israeli Prime Minister Benjamin Netanyahu" leads Israel (:func:`affiliation_predicate`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from functools import cache

from spacy.tokens import Span, Token

from kg.data import gazetteer
from kg.data.core_rules import CoreRule, confidence
from kg.data.words import DATA_DIR, DataError, load_json, word_list
from kg.extraction.arguments import MentionIndex
from kg.extraction.titles import NATIONAL_OFFICES, PLURAL_TAGS, TITLE_WORDS, head_token, head_word
from kg.model import EntityClass, Factuality, Mention, RelationMention
from kg.resolution.clusters import document_clusters

LEADER_WORDS = word_list("leader_words")
CANDIDACY_WORDS = word_list("candidacy_words")
PARTY_LEADER_WORDS = word_list("party_leader_words")
SUBORDINATE_WORDS = word_list("subordinate_words")
MEMBER_WORDS = word_list("member_words")
MEMBER_MODIFIERS = word_list("member_modifiers")
#: What separates the titles of a list of titles ("former Foreign Secretary, mayor of London, and MP").
TITLE_SEPARATORS = frozenset({",", ";"})
#: How the parser ties the names of a list to the first.
LIST_LINKS = frozenset({"conj", "appos"})
FOUNDER_WORDS = word_list("founder_words")
KINSHIP_NOUNS = word_list("kinship_nouns")
LEADING_MODIFIERS = word_list("leading_modifiers")
ROLE_TIME_WORDS = word_list("role_time_words")
#: Occupations that are no office and no service of a state: "US actor", "Italian artist".
PRIVATE_OCCUPATIONS = word_list("occupation_words") - word_list("title_words") - word_list("state_service_words")
#: What makes a minister's or a secretary's office a state's in lower case: "prime minister", "foreign secretary".
STATE_DEPARTMENTS = word_list("department_words") | {"prime"}
#: Relations of a person holding an office of an organisation or a place.
OFFICES = frozenset({"leads", "worksFor", "memberOf", "spokespersonFor"})
#: Relations that tie a person to where or for whom they hold an office, or that they founded.
AFFILIATIONS = OFFICES | {"founded"}
#: How many more times than any other the story's country must be named: a story of two
#: countries ("Turkish President Erdoğan" in Syria) has no home country.
HOME_COUNTRY_LEAD = 3


def role_relations(index: MentionIndex) -> Iterator[RelationMention]:
    """holdsRole for each title, and worksFor / spokespersonFor / leads for the organisation in it."""
    person_at = index.people_by_start()
    for item in index.spans:
        if item.mention.cls != EntityClass.ROLE or item.owner is None:
            continue
        person = person_at.get(item.owner.start_char)
        if person is None:
            continue
        rule = CoreRule.APPOSITION if item.span.start > item.owner.start else CoreRule.TITLE
        anchor = item.owner.root
        yield index.relation(person, item.mention.id, anchor, "be", "holdsRole", Factuality.ASSERTED,
                             rule, confidence(rule))
        if rule == CoreRule.TITLE and head_token(item.span).tag_ in PLURAL_TAGS:
            for other in listed_after(index, item.owner.root):  # "Senators Marco Rubio, Mike Lee and David Perdue"
                yield index.relation(other, item.mention.id, index.span(other).root, "be", "holdsRole",
                                     Factuality.ASSERTED, rule, confidence(rule))
        for organisation in affiliations(index, item.span):
            if index.cls(organisation) in (EntityClass.PERSON, EntityClass.EVENT):
                continue
            name = index.span(organisation)
            part = title_part(item.span, name.start, name)
            if part is None or (head_word(part) in CANDIDACY_WORDS and not is_party(index, organisation)):
                continue  # "presidential candidate" of a country, or "nominee for President of the US": no post
            found = office_predicate(index, part, organisation)
            yield index.relation(person, organisation, anchor, "be", found, Factuality.ASSERTED,
                                 CoreRule.TITLE_AFFILIATION, confidence(CoreRule.TITLE_AFFILIATION))


def listed_after(index: MentionIndex, name: Token) -> list[str]:
    """The people listed after a name, whom a plural title before it is also of: its conjuncts and
    the names set beside it ("Senators Marco Rubio of Florida, Mike Lee of Utah, and David Perdue"),
    up to one with a title of their own ("senators Amy Klobuchar and Bernie Sanders, and former Mayor
    Pete Buttigieg")."""
    titled = index.memo("titled_people", lambda: frozenset(
        item.owner.start_char for item in index.spans
        if item.mention.cls == EntityClass.ROLE and item.owner is not None))
    found, stack = [], [child for child in name.children if child.dep_ in LIST_LINKS]
    while stack:
        token = stack.pop()
        person = index.at_token.get(token.i)
        if person is None or index.cls(person) != EntityClass.PERSON or index.span(person).root.i != token.i \
                or index.span(person).start_char in titled:
            continue
        found.append(person)
        stack.extend(child for child in token.children if child.dep_ in LIST_LINKS)
    return sorted(found, key=lambda mention: index.span(mention).start)


def ministry_relations(index: MentionIndex) -> Iterator[RelationMention]:
    """A minister leads the ministry the story names after the title ("Health Minister X" and "the
    Health Ministry" or "the Ministry of Health"); a deputy minister works for it."""
    person_at = index.people_by_start()
    ministries = {item.mention.name: item.mention.id for item in reversed(index.spans)
                  if item.mention.cls == EntityClass.ORGANIZATION}
    for item in index.spans:
        if item.mention.cls != EntityClass.ROLE or item.owner is None or item.owner.start_char not in person_at:
            continue
        words = [token for token in item.span if token.is_alpha and token.lower_ not in ROLE_TIME_WORDS]
        if len(words) < 2 or words[-1].lower_ != "minister":
            continue
        deputy = any(token.lower_ in SUBORDINATE_WORDS for token in words)
        department = " ".join(token.text for token in words[:-1] if token.lower_ not in SUBORDINATE_WORDS)
        ministry = ministries.get(f"{department} Ministry") or ministries.get(f"Ministry of {department}")
        if ministry is not None:
            predicate = "worksFor" if deputy else "leads"
            yield index.relation(person_at[item.owner.start_char], ministry, item.owner.root, "be", predicate,
                                 Factuality.ASSERTED, CoreRule.TITLE_AFFILIATION,
                                 confidence(CoreRule.TITLE_AFFILIATION))


def is_party(index: MentionIndex, mention: str) -> bool:
    """True for a party: an organisation NER took for a nationality or a creed ("Democratic", "the
    Tories"), or one whose name says so ("Libertarian Party", "Communist Party of China")."""
    found = index.by_id[mention].mention
    return found.cls == EntityClass.ORGANIZATION and (found.label == "NORP" or "party" in found.name.casefold().split())


def affiliations(index: MentionIndex, title: Span) -> list[str]:
    """Mentions inside a title, or the possessor just before it ("Israel's Prime Minister").

    A "title" that names a person of its own is a list or a clause, not a title ("X as
    Oswald, Y as Booth"): its mentions are nobody's employer.
    """
    found = []
    for token in title:
        mention = index.at_token.get(token.i)
        if mention is not None and index.cls(mention) == EntityClass.PERSON:
            return []
        if mention is not None and mention not in found:
            found.append(mention)
    start = title.start
    if start >= 2 and index.doc[start - 1].tag_ == "POS":
        mention = index.at_token.get(start - 2)
        if mention is not None and mention not in found:
            found.append(mention)
    return found


def title_part(title: Span, position: int, name: Span) -> Span | None:
    """The one title of a list of titles that holds the token at ``position``, part of ``name``:
    "former Foreign Secretary, mayor of London, and member of Parliament" is a mayor of London and
    a member of Parliament. A part is a title when it has a title word of its own: "chairman of
    UCPB and San Miguel" chairs both; a part with other words and no title word is no title, so
    states nothing of the name in it ("council member and CAP supporter")."""
    for separators in (TITLE_SEPARATORS, TITLE_SEPARATORS | {"and", "or"}):
        cuts = [token.i for token in title if token.lower_ in separators]
        start = max((i + 1 for i in cuts if i < position), default=title.start)
        end = min((i for i in cuts if i > position), default=title.end)
        part = title.doc[start:end]
        if not any(token.lower_.rstrip(".") in TITLE_WORDS or token.lower_ in MEMBER_WORDS for token in part):
            others = [token for token in part if not name.start <= token.i < name.end and not token.is_punct
                      and token.pos_ not in ("DET", "CCONJ", "ADP")]
            return title if not others else None
        title = part
    return title


def party_predicate(title: Span) -> str:
    """What a title with a party's name says of its holder and the party: "the Conservative
    leader" leads it; "Democratic Speaker X", "Labour MP Y" and "the Democratic chairman of the
    Committee" (who leads the committee) are members."""
    leads_party = head_word(title) in PARTY_LEADER_WORDS and not any(token.pos_ == "ADP" for token in title)
    return "leads" if leads_party else "memberOf"


def affiliation_predicate(title: Span) -> str:
    """What a title says of its holder and what it names, read off its head word: a spokesperson
    speaks for it, an MP or a senator is a member of it, a founder founded it, a mother is family,
    a president, a mayor or a chief leads it
    (so does a Prime or First Minister), a vice president or anyone else works for it.

    >>> from kg.nlp import load_pipeline
    >>> doc = load_pipeline()("Speaker of the House, head chef, Labour MP, Prime Minister")
    >>> [affiliation_predicate(doc[a:b]) for a, b in ((0, 4), (5, 7), (8, 10), (11, 13))]
    ['leads', 'worksFor', 'memberOf', 'leads']
    """
    words = [token.lower_.rstrip(".") for token in title]
    if any(word.startswith("spokes") for word in words):
        return "spokespersonFor"
    if set(words) & SUBORDINATE_WORDS:
        return "worksFor"
    if set(words) & MEMBER_MODIFIERS:
        return "memberOf"  # "Senate Minority Leader": the leader of a minority in the Senate is a member of it
    head = head_word(title)
    if head in MEMBER_WORDS:
        return "memberOf"
    if head in FOUNDER_WORDS:
        return "founded"
    if head in KINSHIP_NOUNS:
        return "familyOf"  # "Dunn's mother": kin, never staff (an organisation's kin is dropped on resolution)
    if head in LEADER_WORDS or any(word in LEADING_MODIFIERS for word in words[:-1]):
        return "leads"
    return "worksFor"


def office_predicate(index: MentionIndex, title: Span, organisation: str) -> str:
    """What a title written with a person's name says of them and ``organisation``, a mention in the
    title or just before it: a party's title (:func:`party_predicate`) where the title qualifies the
    party ("Democratic chairman of the Committee", "Labour MP"), not where it is of the party
    ("leader of the Conservative Party", read as any organisation's title); else the head word's
    (:func:`affiliation_predicate`); then what it is to a place (:func:`served`)."""
    start = index.span(organisation).start
    qualified = is_party(index, organisation) and not any(token.pos_ == "ADP" and token.i < start for token in title)
    found = party_predicate(title) if qualified else affiliation_predicate(title)
    return served(found, _place(index, organisation), head_word(title))


def served(predicate: str, place: Mention | None, head: str = "") -> str:
    """What a title's relation to ``place`` (None: not a place) is: a member of a body ("Senate",
    "Labour") serves a state ("US Senator X", "British MP Y" work for it; memberOf is for bodies),
    and an occupation outside a state's service and its teams says which country its holder is
    from ("US actor X" is its citizen; "Iran coach X" need not be; a town before an occupation,
    "London architect", says no citizenship). ``head`` is the title's head word."""
    if place is None:
        return predicate
    if head in PRIVATE_OCCUPATIONS and gazetteer.is_country_name(place.name):
        return "citizenOf"
    return "worksFor" if predicate == "memberOf" else predicate


def _place(index: MentionIndex, mention: str) -> Mention | None:
    found = index.by_id[mention].mention
    return found if found.cls == EntityClass.PLACE else None


def home_country_relations(index: MentionIndex, found: Sequence[RelationMention]) -> Iterator[RelationMention]:
    """A national office written without its state ("President Vladimir Putin", "Health Minister
    Veronika Skvortsova", "the current prime minister") is held in the country the story is about,
    where there is one (:func:`home_country`). A person the text ties to an organisation or a
    place of their own is left alone, as is a title that need not be a state's (:func:`is_national_office`:
    "the company's president").
    """
    country = home_country(index)
    if country is None:
        return
    cluster_of = {mention: tuple(cluster) for cluster in document_clusters([item.mention for item in index.spans])
                  for mention in cluster}
    tied = {cluster_of.get(relation.subject) for relation in found if relation.predicate in AFFILIATIONS}
    for item in index.spans:
        if item.mention.cls != EntityClass.ROLE or item.owner is None or not is_national_office(item.span):
            continue
        person = index.at_token.get(item.owner.root.i)
        if person is None or index.cls(person) != EntityClass.PERSON or cluster_of.get(person) in tied:
            continue
        yield index.relation(person, country, item.owner.root, "be",
                             served(affiliation_predicate(item.span), index.by_id[country].mention),
                             Factuality.ASSERTED, CoreRule.HOME_COUNTRY, confidence(CoreRule.HOME_COUNTRY))


def chamber_relations(index: MentionIndex) -> Iterator[RelationMention]:
    """A legislator is a member of the chamber the story names: "Senators Marco Rubio of Florida
    and Mike Lee" with "the Senate", "MP Penny Sharpe" with "the Parliament of New South Wales"
    (``kg/data/chambers.json``). Of several names a title fits, the one in the title's sentence,
    else the only one of the story; none when that does not decide."""
    chambers = _chambers_named(index)
    if not chambers:
        return
    for item in index.spans:
        if item.mention.cls != EntityClass.ROLE or item.owner is None:
            continue
        person = index.at_token.get(item.owner.root.i)
        if person is None or index.cls(person) != EntityClass.PERSON:
            continue
        words = item.mention.name.casefold().replace(".", "").split()
        if not words or words[-1] not in chamber_titles() or (len(words) > 1 and words[-2] not in TITLE_WORDS):
            continue  # "U.S. Trade Representative" holds an office of its own, no seat ("candidate Senator" has one)
        sentence = index.sentence_of[item.span.start]
        for chamber in chamber_titles()[words[-1]]:
            named = chambers.get(chamber, [])
            near = [mention for mention in named if index.sentence_of[index.span(mention).start] == sentence]
            names = {index.by_id[mention].mention.name.casefold() for mention in near or named}
            if len(names) == 1:
                yield index.relation(person, (near or named)[0], item.owner.root, "be", "memberOf",
                                     Factuality.ASSERTED, CoreRule.CHAMBER, confidence(CoreRule.CHAMBER))
                break
            if names:
                break  # two chambers of that name: nothing tells which


def _chambers_named(index: MentionIndex) -> dict[str, list[str]]:
    """Chamber -> the organisations' names of the story that name one, mentions in text order."""
    found: dict[str, list[str]] = {}
    for item in index.spans:
        mention = item.mention
        if mention.cls != EntityClass.ORGANIZATION or mention.antecedent is not None:
            continue
        name = mention.name.casefold()
        for chamber in chamber_names():
            if name == chamber or name.startswith(f"{chamber} of ") or (
                    name.endswith(f" {chamber}") and _names_a_place(mention.name[:-len(chamber) - 1])):
                found.setdefault(chamber, []).append(mention.id)
    return found


def _names_a_place(words: str) -> bool:
    """True for the words before a chamber's name when they say whose it is: a place, a country's
    short name or its adjective ("U.S. Senate", "Florida House"; not "White House", "Library of
    Congress", "European Parliament")."""
    return gazetteer.is_known_place(gazetteer.canonical_alias(words)) or gazetteer.demonym_country(words) is not None


@cache
def _chambers() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(chamber, the titles of its members) of ``kg/data/chambers.json``, in its order."""
    found = []
    for number, entry in enumerate(load_json("chambers.json").get("chambers", []), start=1):
        chamber = entry.get("chamber") if isinstance(entry, dict) else None
        titles = entry.get("titles") if isinstance(entry, dict) else None
        if not isinstance(chamber, str) or not isinstance(titles, list) or not all(isinstance(t, str) for t in titles):
            raise DataError(f"{DATA_DIR / 'chambers.json'}: chamber {number} needs a 'chamber' name and a list "
                            "of 'titles'")
        found.append((chamber.casefold(), tuple(title.casefold().replace(".", "") for title in titles)))
    return tuple(found)


@cache
def chamber_titles() -> dict[str, tuple[str, ...]]:
    """A legislator's title, without full stops -> the chambers it fits, in the order they are tried."""
    titles: dict[str, tuple[str, ...]] = {}
    for chamber, members in _chambers():
        for title in members:
            titles[title] = (*titles.get(title, ()), chamber)
    return titles


@cache
def chamber_names() -> tuple[str, ...]:
    return tuple(chamber for chamber, _ in _chambers())


def is_national_office(title: Span) -> bool:
    """True for a title of a state's office that names nobody's: capitalised ("Prime Minister",
    "Health Minister"), or in lower case a minister's or secretary's of a state department ("the
    current prime minister", "the foreign secretary"); not "Acme President" nor "the president"."""
    words = [token for token in title if token.is_alpha and token.lower_ not in ROLE_TIME_WORDS]
    head = head_word(title)
    if not words or head not in NATIONAL_OFFICES or any(token.ent_type_ not in ("", "ORDINAL") for token in title):
        return False
    if all(token.is_title or token.is_upper for token in words):
        return True
    return head in ("minister", "secretary") and any(token.lower_ in STATE_DEPARTMENTS for token in words[:-1])


def home_country(index: MentionIndex) -> str | None:
    """The first mention of the country a story is about: named at least twice, and at least
    ``HOME_COUNTRY_LEAD`` times as often as any other country."""
    named = [item.mention for item in index.spans if item.mention.antecedent is None
             and item.mention.cls == EntityClass.PLACE
             and gazetteer.is_country_name(item.mention.name)]
    counts = Counter(mention.name for mention in named).most_common(2)
    if not counts or counts[0][1] < 2 or (len(counts) > 1 and counts[0][1] < HOME_COUNTRY_LEAD * counts[1][1]):
        return None
    return next(mention.id for mention in named if mention.name == counts[0][0])
