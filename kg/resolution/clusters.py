"""Which mentions of a document name one entity, and the class that entity has.

This is the one place that decides an entity's class: coreference asks it which class a
name's entity has, resolution which class the entity gets.

- Mentions with the same cleaned name are one entity ("US" and "the United States" both
  clean to "United States"), and so are a name and the short name bracketed after it ("the
  Federal Security Service (FSB)"); a surname that ends exactly one longer name is that
  entity ("Blinken" is "Antony Blinken", "de Blasio" "Bill de Blasio", "Downey" "Robert Downey
  Jr.", "Erdogan" "Recep Tayyip Erdoğan": :func:`kg.resolution.names.surnames`), unless the
  gazetteer knows it as a country or a large city and NER did not always take it for a person
  ("Washington"); of several that fit, the one the text had named when it first wrote the short
  name, if it had named only one ("Kennedy" after "Robert F. Kennedy" and before "John F.
  Kennedy" is introduced) or only one that is not introduced as someone's relative ("Baker" after
  "Ginger Baker" and "his daughter Nettie Baker"), and a person's or organisation's one-word name
  that opens exactly one longer name of its class is too ("Jamal" is "Jamal Khashoggi", "NBC" is
  "NBC News").
- A person's name without its middle name is the one full name of the document that has it
  ("Elijah Cummings" is "Elijah Eugene Cummings").
- A place's name the gazetteer does not list, a typing slip away from another place's name of
  the document, is that place ("Magnitigorsk" is "Magnitogorsk").
- The class is voted over the named mentions, each weighted by its length in words, so a
  surname that NER once tags as a place stays a Person when its full name was tagged as one;
  a class kg's rows read from the words around a name ("Tropical Storm Barry", "the Kilauea
  volcano") weighs three times NER's guess, except a person read from a verb of saying.
- A pronoun or description linked to a name (``Mention.antecedent``) joins that name's entity
  but takes no part in naming it or voting its class.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Sequence

from kg.data import gazetteer
from kg.data.words import ner_class, word_list
from kg.model import EntityClass, Mention
from kg.resolution.names import folded, is_surname_shape, surname_candidates, written_out

#: How many of NER's votes a class read from the words around a name outweighs ("Hurricane Humberto").
CONTEXT_WEIGHT = 3
#: Classes whose reading from context is no stronger than NER's: a short name that says something
#: is read as a person ("Bowier said"), which a company or "the Fed" does too.
CONTEXT_BLIND = frozenset({EntityClass.PERSON, EntityClass.ROLE})
#: Classes whose one-word name may stand for the one longer name of its class it opens.
OPENING_CLASSES = frozenset({EntityClass.PERSON, EntityClass.ORGANIZATION, EntityClass.PLACE})
#: The last words of a sea's name, which news also writes without them ("the Atlantic").
SEA_WORDS = word_list("sea_words")
#: Ties in the class vote go to the class listed first.
CLASS_ORDER = (EntityClass.PERSON, EntityClass.ORGANIZATION, EntityClass.PLACE, EntityClass.GROUP,
               EntityClass.EVENT, EntityClass.ROLE)


def document_clusters(mentions: Sequence[Mention], relatives: Collection[str] = ()) -> list[list[str]]:
    """The ids of one document's mentions, grouped by entity, in text order.

    Linked pronouns and descriptions come last in the group of their antecedent. ``relatives``
    are the ids of mentions the text introduces as someone's relative ("his daughter Nettie
    Baker"): news calls a relative by a first or full name, so of two people a surname alone
    fits, it means the other one.
    """
    by_name: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for position, mention in enumerate(mentions):
        if mention.antecedent is None:
            by_name[(name_key(mention.name), mention.cls == EntityClass.ROLE)].append(position)
    for mention in mentions:  # "the Federal Security Service (FSB)": one entity, two names
        if mention.alias_of is not None:
            short = (name_key(mention.name), False)
            target = next((key for key, members in by_name.items() if any(
                mentions[position].id == mention.alias_of for position in members)), None)
            if target is not None and short in by_name and short != target:
                by_name[target].extend(by_name.pop(short))
    _join_names_without_middle(by_name, mentions, relatives)
    long_names = [name for name, is_role in by_name if not is_role and " " in name]
    for (name, is_role) in list(by_name):
        if (name, is_role) not in by_name:
            continue
        first = mentions[by_name[(name, is_role)][0]]
        if is_role or (" " in name and not is_surname_shape(first.name)):
            continue
        if gazetteer.is_known_place(first.name) and \
                any(mentions[position].cls != EntityClass.PERSON for position in by_name[(name, is_role)]):
            continue  # "Washington" is no surname of George Washington's; "Senator Kennedy said" is
        candidates = surname_candidates(name, long_names)
        if not candidates and " " not in name and first.cls in OPENING_CLASSES:
            # "Jamal" for "Jamal Khashoggi", "NBC" for "NBC News", "Atlantic" for "Atlantic Ocean":
            # the one longer name it opens, as written ("United" opens no "U.S. Air")
            candidates = [long for long in long_names if long.startswith(f"{name} ") and (long, False) in by_name
                          and _opens(first, mentions[by_name[(long, False)][0]])]
        if len(candidates) > 1:  # "Kennedy" after "Robert F. Kennedy", before "John F. Kennedy" is named
            first_use = min(by_name[(name, is_role)])
            candidates = [long for long in candidates if min(by_name[(long, False)]) < first_use]
            if len(candidates) > 1:  # "Baker" after "Ginger Baker" and "his daughter Nettie Baker"
                kin = {long for long in candidates
                       if any(mentions[position].id in relatives for position in by_name[(long, False)])}
                candidates = [long for long in candidates if long not in kin] if len(kin) < len(candidates) \
                    else candidates
        if len(candidates) == 1:
            by_name[(candidates[0], False)].extend(by_name.pop((name, is_role)))
    _join_misspellings(by_name, mentions)
    clusters = [[mentions[position].id for position in sorted(members)] for members in by_name.values()]
    cluster_of = {mention_id: cluster for cluster in clusters for mention_id in cluster}
    for mention in mentions:
        if mention.antecedent is not None and mention.antecedent in cluster_of:
            cluster_of[mention.antecedent].append(mention.id)
    return clusters


def _join_names_without_middle(by_name: dict[tuple[str, bool], list[int]], mentions: Sequence[Mention],
                               relatives: Collection[str]) -> None:
    """Join a person's name to the one longer name of the document that has its words and more
    between its first and last ("Elijah Cummings" is "Elijah Eugene Cummings", "George Bush"
    "George W. Bush"): news names a person in full once, without the middle name elsewhere. A
    name with a middle name of its own is another's ("George W. Bush", "George H. W. Bush"); of
    two longer names ("George H. W. Bush", "George W. Bush") it joins neither, nor a name the text
    introduces as someone's relative ("her mother, Gloria Morgan Vanderbilt"), nor two names
    written in one sentence ("John Smith and John Paul Smith")."""
    people = [key for key in by_name if not key[1] and " " in key[0]
              and mentions[by_name[key][0]].cls == EntityClass.PERSON
              and not any(mentions[position].id in relatives for position in by_name[key])]
    for key in people:
        words = key[0].split()
        if len(words) != 2:
            continue  # "George W. Bush" has a middle name of its own: not "George H. W. Bush"
        longer = [other for other in people if other in by_name and _has_middle_of(other[0].split(), words)]
        if len(longer) == 1 and not {mentions[k].sentence for k in by_name[key]} \
                & {mentions[k].sentence for k in by_name[longer[0]]}:  # "John Smith and John Paul Smith were held"
            by_name[longer[0]].extend(by_name.pop(key))


def _has_middle_of(longer: list[str], words: list[str]) -> bool:
    """True when ``longer`` is the two ``words`` with more words between them."""
    return len(longer) > 2 and longer[0] == words[0] and longer[-1] == words[-1]


def name_key(name: str) -> str:
    """What two names of one entity share once written alike: the name written out
    (:func:`kg.resolution.names.written_out`), case and accents aside (:func:`kg.resolution.names.folded`).

    >>> name_key("U.S. Geological Survey") == name_key("United States Geological Survey")
    True
    >>> name_key("Recep Tayyip Erdoğan") == name_key("Recep Tayyip Erdogan")
    True
    """
    return folded(written_out(name))


def _opens(short: Mention, long: Mention) -> bool:
    """Whether a one-word name may be short for a longer name it opens: one of the same class, a
    person's or an organisation's ("Jamal Khashoggi", "NBC News"), or a sea's a place the gazetteer
    does not list opens ("Atlantic Ocean"; not "Mindanao Fault", nor "Nevada" "Nevada City")."""
    words = long.name.casefold().split()
    if short.cls != long.cls or words[0] != short.name.casefold():
        return False
    return short.cls != EntityClass.PLACE or (words[-1] in SEA_WORDS and not gazetteer.is_listed_place(short.name))


#: The shortest name a misspelling is looked for in: shorter names differ by a letter on purpose.
MISSPELT_LENGTH = 8


def _join_misspellings(by_name: dict[tuple[str, bool], list[int]], mentions: Sequence[Mention]) -> None:
    """Join a place's name the gazetteer does not know to the one name of the document one typing
    slip away from it ("Magnitigorsk" is "Magnitogorsk", "Lousiana" is "Louisiana"): news has typos,
    and a slip is not a second place. Names of eight letters or more, of the same class; two names
    the gazetteer both knows ("Colombia", "Columbia") stay apart."""
    places = [key for key in by_name if not key[1] and len(key[0]) >= MISSPELT_LENGTH
              and mentions[by_name[key][0]].cls == EntityClass.PLACE]
    for key in places:
        if key not in by_name or gazetteer.is_listed_place(mentions[by_name[key][0]].name):
            continue
        near = [other for other in places if other != key and other in by_name and one_slip_apart(key[0], other[0])]
        if len(near) == 1:
            by_name[near[0]].extend(by_name.pop(key))


def one_slip_apart(first: str, second: str) -> bool:
    """True for two words one letter apart: one changed, added, dropped, or two neighbours swapped.

    >>> one_slip_apart("magnitigorsk", "magnitogorsk"), one_slip_apart("lousiana", "louisiana")
    (True, True)
    >>> one_slip_apart("slovenia", "slovakia")
    False
    """
    if abs(len(first) - len(second)) > 1 or first == second:
        return False
    start = next((i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b),
                 min(len(first), len(second)))
    if len(first) == len(second):
        rest_first, rest_second = first[start + 1:], second[start + 1:]
        return rest_first == rest_second or (first[start + 2:] == second[start + 2:]
                                             and first[start:start + 2] == second[start:start + 2][::-1])
    longer, shorter = (first, second) if len(first) > len(second) else (second, first)
    return longer[start + 1:] == shorter[start:]


def mention_classes(mentions: Sequence[Mention], clusters: list[list[str]] | None = None) -> dict[str, EntityClass]:
    """The class each mention's entity gets from the vote over its document's mentions, by mention id.

    "Blinken", tagged a place by NER, is a Person when "Antony Blinken" is one in the same text.
    ``clusters``: :func:`document_clusters` of the mentions, when the caller has them already.
    """
    by_id = {mention.id: mention for mention in mentions}
    classes = {mention.id: mention.cls for mention in mentions}
    for members in clusters if clusters is not None else document_clusters(mentions):
        cls = vote([by_id[mention_id] for mention_id in members])
        for mention_id in members:
            classes[mention_id] = cls
    return classes


def named(mentions: list[Mention]) -> list[Mention]:
    """The mentions that name their entity: not the pronouns and descriptions linked to it."""
    return [mention for mention in mentions if mention.antecedent is None] or mentions


def vote(mentions: list[Mention]) -> EntityClass:
    """The class of the entity these mentions name: each named mention votes with its length in words."""
    weights: Counter[EntityClass] = Counter()
    for mention in named(mentions):
        read_from_context = mention.cls != ner_class(mention.label) and mention.cls not in CONTEXT_BLIND
        weights[mention.cls] += len(mention.name.split()) * (CONTEXT_WEIGHT if read_from_context else 1)
    return max(weights, key=lambda cls: (weights[cls], -CLASS_ORDER.index(cls)))


def preferred_name(mentions: list[Mention]) -> str:
    """The fullest name: most words, then most used, then one the gazetteer lists (not its misspelling), then
    alphabetical; a name the text gives as another name ("born Peter Edward Baker") only when there is no other."""
    counts = Counter(mention.name for mention in [m for m in mentions if m.alias_of is None] or mentions)
    return min(counts, key=lambda name: (-len(name.split()), -counts[name], not gazetteer.is_listed_place(name), name))


def entity_class(mentions: list[Mention]) -> tuple[EntityClass, str]:
    """The class and name of the entity these mentions name; a place the gazetteer knows is a
    Country or a City."""
    mentions = named(mentions)
    cls = vote(mentions)
    name = preferred_name([m for m in mentions if m.cls == cls] or mentions)
    if cls == EntityClass.PLACE:
        cls = EntityClass(gazetteer.place_class(name))
    return cls, name


def family(cls: str) -> str:
    """The part of an entity's key (and IRI) that names its kind; Country and City are Places,
    so refining a place's class never changes its IRI."""
    return "place" if cls in (EntityClass.PLACE, EntityClass.COUNTRY, EntityClass.CITY) else cls.lower()
