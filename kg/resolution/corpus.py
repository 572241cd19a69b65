"""Stage 9: which nodes of a whole corpus name one real-world thing, with the reason for each join.

Each document is read on its own (:mod:`kg.workers`), so a story that only says "Blinken" makes
a node ``person/Blinken`` apart from the ``person/Antony_Blinken`` of another story. Once every
document's graph is in, this stage sees all the corpus's nodes (:class:`~kg.model.EntityRecord`:
name, other names, class, documents) and decides which are one, strongest evidence first:

1. **by hand**: the user's resolutions file (:func:`kg.resolution.hand.read_resolutions`): ``A = B`` joins,
   ``A != B`` forbids any join between them;
2. **same name**: one name written two ways ("Supreme Court", "supreme court"), or read as a
   person in one story and an organisation in another ("Time Warner"), is one thing, of the class
   the evidence backs: a place's when the gazetteer lists it, the name's shape ("... Party",
   "... Ministry"), else the class more documents give (a tie, and the nodes stay apart);
3. **acronym**: "BNP" joins the one node some document gave "BNP" as another name of ("the
   British National Party (BNP)");
4. **short form**, inside one document: "UH Manoa" is "University of Hawaii at Manoa", "Bradley
   Airport" is "Bradley International Airport", "House of Representatives" is "United States
   House of Representatives" (a place's name dropped from the front), "Houthis" is "Houthi";
5. **initials**, inside one document: "NTSB" joins the one organisation or place whose words it
   spells (across stories initials say too little: "CIA" and "Calicut International Airport");
6. **surname**: a person named by a surname alone ("Blinken", "de Blasio") joins the one person
   whose full name ends in it (:func:`kg.resolution.names.surnames`), preferring the
   people its own documents name; two that fit ("George Bush", "Jeb Bush") and it stays apart,
   and the graph says so.

A join never crosses a "not the same" of the resolutions file. The node kept is the fuller name's,
and its class is that node's class. Aliases from :file:`kg/data/aliases.json` ("Tories" is the
Conservative Party) are applied earlier, to each mention, so they need no rule here. The
decisions are plain :class:`~kg.model.Resolution` data; :mod:`kg.resolution.graphs` applies them to
the graph and records them there. They depend only on the set of records, never on the order
documents arrived in: one process, ``--workers``, shards and Dask give one graph.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from kg.data import gazetteer
from kg.data.words import word_list
from kg.model import PLACE_CLASSES, EntityClass, EntityRecord, Resolution
from kg.resolution.hand import NO_HAND, HandResolutions
from kg.resolution.names import folded, is_surname_shape, surname_candidates, surnames, written_out

#: Rule names, as the graph records them (``kg:resolutionRule``).
BY_HAND, SAME_NAME, ACRONYM, SHORT_FORM, INITIALS, SURNAME = (
    "by hand", "same name", "acronym", "short form", "initials", "surname")
#: Classes a name read as one of them in one story and another in the next may be one thing.
AGENT_CLASSES = frozenset({EntityClass.PERSON, EntityClass.ORGANIZATION, EntityClass.GROUP})
#: Classes an acronym, a short form or initials can name (people have initials too, but "JFK"
#: from a person's words is a guess too far).
NAMED_BODIES = frozenset({EntityClass.ORGANIZATION, EntityClass.GROUP, *PLACE_CLASSES, EntityClass.EVENT})
ACRONYM_SHAPE = re.compile(r"^(?:[A-Z]\.?){2,8}$")
#: Roman numerals look like acronyms ("III") but number a name ("Elizabeth II"); they spell nothing.
ROMAN_NUMERAL = re.compile(r"^[IVX]+$")
#: Names longer than this are not compared word by word (no organisation's name runs longer).
MAX_NAME_WORDS = 16
#: The most names a reason lists before it counts the rest.
LISTED_NAMES = 5


def norm(name: str) -> str:
    """A name as compared: case, accents, a leading "the", dots and spacing do not count (news
    writes "Erdoğan" and "Erdogan", "São Paulo" and "Sao Paulo"), and an opening abbreviation is
    written out (:func:`kg.resolution.names.written_out`: "U.S. Geological Survey").

    >>> norm("The  U.N.") == norm("UN"), norm("Time Warner"), norm("Recep Tayyip Erdoğan")
    (True, 'time warner', 'recep tayyip erdogan')
    """
    text = folded(unicodedata.normalize("NFKC", written_out(name))).replace(".", " ")
    words = text.split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words) if not all(len(word) == 1 for word in words) else "".join(words)


def is_acronym(name: str) -> bool:
    """Two to eight capitals, with or without dots: "BNP", "U.N.", "NTSB".

    >>> is_acronym("BNP"), is_acronym("U.N."), is_acronym("Blinken"), is_acronym("I")
    (True, True, False, False)
    >>> is_acronym("III")
    False
    """
    compact = name.replace(" ", "")
    return ACRONYM_SHAPE.match(compact) is not None and ROMAN_NUMERAL.match(compact.replace(".", "")) is None


def initials(words: Sequence[str]) -> str:
    """The letters a name's acronym would have: the first of each word but the small joining ones.

    >>> initials("British National Party".split()), initials("Bank of England".split())
    ('bnp', 'be')
    """
    joining = word_list("name_joining_words")
    return "".join(word[0] for word in words if word.casefold() not in joining and word[:1].isalnum()).casefold()


def abbreviates(short: Sequence[str], long: Sequence[str]) -> bool:
    """Whether ``short`` is ``long`` with a run of its words written as their initials, the
    joining words skipped ("UH Manoa" for "University of Hawaii at Manoa").

    >>> abbreviates(["UH", "Manoa"], "University of Hawaii at Manoa".split())
    True
    >>> abbreviates(["UH"], "University of Hawaii at Manoa".split())
    False
    """
    joining = word_list("name_joining_words")

    if len(short) > MAX_NAME_WORDS or len(long) > MAX_NAME_WORDS:
        return False

    @cache
    def match(i: int, j: int, used_acronym: bool) -> bool:
        while j < len(long) and long[j].casefold() in joining \
                and (i == len(short) or short[i].casefold() != long[j].casefold()):
            j += 1
        if i == len(short) or j == len(long):
            return i == len(short) and j == len(long) and used_acronym
        if short[i].casefold() == long[j].casefold() and match(i + 1, j + 1, used_acronym):
            return True
        if not is_acronym(short[i]):
            return False
        letters, k = short[i].replace(".", "").casefold(), j
        taken = ""
        while k < len(long) and len(taken) < len(letters):
            if long[k].casefold() not in joining:
                taken += long[k][0].casefold()
            k += 1
        return len(letters) >= 2 and taken == letters and match(i + 1, k, True)

    return match(0, 0, False)


def drops_words(short: Sequence[str], long: Sequence[str]) -> bool:
    """Whether ``short`` is ``long`` with words left out of its middle, its first and last kept
    ("Bradley Airport" for "Bradley International Airport"). Asked of places only: an
    organisation's middle word tells it apart ("Democratic Unionist Party").

    >>> drops_words(["Bradley", "Airport"], ["Bradley", "International", "Airport"])
    True
    """
    if len(short) < 2 or len(short) >= len(long) or short[-1].casefold().rstrip(".") in word_list("company_suffixes"):
        return False  # "Boeing Co" is the parent of "Boeing Commercial Airplane Co", not a short form of it
    folded, rest = [word.casefold() for word in short], iter(word.casefold() for word in long)
    return folded[0] == long[0].casefold() and folded[-1] == long[-1].casefold() \
        and all(word in rest for word in folded)


def drops_a_place(short: Sequence[str], long: Sequence[str]) -> bool:
    """Whether ``long`` is ``short`` after a place's name or its adjective ("United States House of
    Representatives", "Russian Emergencies Ministry")."""
    tail = [word.casefold() for word in long[-len(short):]] if short else []
    if len(short) < 2 or len(long) <= len(short) or tail != [word.casefold() for word in short]:
        return False
    front = " ".join(long[:-len(short)])
    return gazetteer.is_known_place(gazetteer.canonical_alias(front)) or gazetteer.demonym_country(front) is not None


@dataclass
class _Joins:
    """Union-find over node IRIs that keeps, for each node joined, the rule and reason, and
    refuses a join that would make two nodes declared different one."""

    records: dict[str, EntityRecord]
    different: set[frozenset[str]] = field(default_factory=set)
    parent: dict[str, str] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)
    why: dict[str, tuple[str, str]] = field(default_factory=dict)
    apart: dict[str, tuple[str, str, tuple[str, ...]]] = field(default_factory=dict)

    def root(self, iri: str) -> str:
        while self.parent.get(iri, iri) != iri:
            iri = self.parent[iri]
        return iri

    def allowed(self, first: str, second: str) -> bool:
        left, right = self.members.get(first, [first]), self.members.get(second, [second])
        return not any(frozenset((a, b)) in self.different for a in left for b in right)

    def join(self, old: str, into: str, rule: str, reason: str) -> bool:
        old_root, into_root = self.root(old), self.root(into)
        if old_root == into_root or not self.allowed(old_root, into_root):
            return False
        self.parent[old_root] = into_root
        self.members[into_root] = self.members.get(into_root, [into_root]) + self.members.pop(old_root, [old_root])
        self.why[old_root] = (rule, reason)
        self.apart.pop(old_root, None)
        return True

    def keep_apart(self, iri: str, rule: str, reason: str, candidates: Iterable[str]) -> None:
        if self.root(iri) == iri and iri not in self.apart:
            self.apart[iri] = (rule, reason, tuple(candidates))

    def roots(self, iris: Iterable[str]) -> list[str]:
        """The distinct components of ``iris``, by their kept node."""
        return sorted({self.root(iri) for iri in iris})

    def resolutions(self) -> list[Resolution]:
        found = []
        for iri in sorted(self.records):
            record = self.records[iri]
            if iri in self.why:
                into = self.root(iri)
                rule, reason = self.why[iri]
                documents = sorted(record.documents | self.records[into].documents)
                found.append(Resolution(rule=rule, reason=reason, entity=iri, into=into, documents=tuple(documents)))
            elif iri in self.apart and self.root(iri) == iri and len(self.roots(self.apart[iri][2])) > 1:
                # (candidates a later rule made one are no longer a choice: the name is left as it is)
                rule, reason, candidates = self.apart[iri]
                found.append(Resolution(rule=rule, reason=reason, entity=iri, candidates=tuple(self.roots(candidates)),
                                        documents=tuple(sorted(record.documents))))
        return found


def resolve_corpus(records: Iterable[EntityRecord], hand: HandResolutions = NO_HAND) -> list[Resolution]:
    """Which of the corpus's nodes are one thing, and the ambiguous names left apart, with reasons."""
    by_iri = {record.iri: record for record in records if record.cls != EntityClass.ROLE and record.name.strip()}
    joins = _Joins(records=by_iri)
    ordered = [by_iri[iri] for iri in sorted(by_iri)]
    named = _names_index(ordered)
    for first, second in hand.different:
        joins.different.update(frozenset((a, b)) for a in named.get(norm(first), ())
                               for b in named.get(norm(second), ()) if a != b)
    for rule in (_by_hand(hand, named), _same_name, _acronym, _short_form, _initials, _surname):
        rule(ordered, joins)
    return joins.resolutions()


def _names_index(records: Sequence[EntityRecord]) -> dict[str, list[str]]:
    """Every name and other name of the corpus -> the nodes that bear it."""
    index: dict[str, list[str]] = defaultdict(list)
    for record in records:
        for name in sorted({norm(record.name), *(norm(alias) for alias in record.aliases)}):
            index[name].append(record.iri)
    return index


Rule = Callable[[list[EntityRecord], _Joins], None]


def _by_hand(hand: HandResolutions, named: dict[str, list[str]]) -> Rule:
    def rule(records: list[EntityRecord], joins: _Joins) -> None:
        for first, second in hand.same:
            targets = named.get(norm(second), [])
            for iri in named.get(norm(first), []):
                if targets:
                    joins.join(iri, _fullest([joins.records[t] for t in targets]).iri, BY_HAND,
                               f'the resolutions file says "{first}" = "{second}"')
    return rule


def _fullest(records: Sequence[EntityRecord]) -> EntityRecord:
    """The record whose name says most: most words, most documents, then by IRI."""
    return min(records, key=lambda record: (-len(record.name.split()), -len(record.documents), record.iri))


def _same_name(records: list[EntityRecord], joins: _Joins) -> None:
    """One name, two classes (a person here, an organisation there): one thing, of the class the
    evidence backs: a place's when the gazetteer lists the name and a story read it as one ("United
    States"), else the class its shape says ("... Party"), else the class more documents give; with
    nothing to choose by, the nodes stay apart. One name written two ways ("Supreme Court",
    "supreme court") is one node."""
    by_name: dict[str, list[EntityRecord]] = defaultdict(list)
    for record in records:
        if record.cls in AGENT_CLASSES or record.cls in PLACE_CLASSES and gazetteer.is_known_place(record.name):
            by_name[norm(record.name)].append(record)
    for name, group in by_name.items():
        if len(group) < 2:
            continue
        same_class = len({record.cls for record in group}) == 1
        if same_class:
            spelled = _fullest_written(group)
            for record in group:
                if record.iri != spelled.iri:
                    joins.join(record.iri, spelled.iri, SAME_NAME,
                               f'"{record.name}" and "{spelled.name}" are one name written two ways')
            continue
        kept, why = _strongest(group)
        if kept is None or " " not in name and why != "by its shape" and why != "as the gazetteer lists it":
            continue  # "Ford" the carmaker and "Ford" the president's surname; or nothing to choose by
        read = " and ".join(f"{class_phrase(record.cls)} in {_documents(record)}" for record in group)
        for record in group:
            if record.iri != kept.iri:
                joins.join(record.iri, kept.iri, SAME_NAME,
                           f'"{record.name}" was read as {read}: one thing, kept as {class_phrase(kept.cls)} {why}')


def _fullest_written(group: Sequence[EntityRecord]) -> EntityRecord:
    """Of one name's spellings, the one most documents use, capitalised first ("Supreme Court")."""
    return min(group, key=lambda record: (-len(record.documents), record.name.islower(), record.iri))


#: How a reason names a class.
CLASS_WORDS = {EntityClass.PERSON: "a person", EntityClass.ORGANIZATION: "an organisation",
               EntityClass.GROUP: "a group"}


def class_phrase(cls: str) -> str:
    return CLASS_WORDS.get(EntityClass(cls), f"a {cls.lower()}")


def _documents(record: EntityRecord) -> str:
    count = len(record.documents)
    return f"{count} document{'s' if count != 1 else ''}"


def _class_by_shape(name: str) -> EntityClass | None:
    """The class a name's own last word gives it: "... Party", "... Ministry" name organisations."""
    words = name.split()
    if len(words) > 1 and words[-1].casefold() in word_list("organisation_words"):
        return EntityClass.ORGANIZATION
    return None


def _strongest(group: Sequence[EntityRecord]) -> tuple[EntityRecord | None, str]:
    """The record whose class the evidence backs, and why: a place the gazetteer lists, the name's
    shape, or more documents; None on a tie with nothing else to go by."""
    places = [record for record in group if record.cls in PLACE_CLASSES]
    if places:
        return min(places, key=lambda record: (-len(record.documents), record.iri)), "as the gazetteer lists it"
    shaped = _class_by_shape(group[0].name)
    if shaped is not None and any(record.cls == shaped for record in group):
        return min((r for r in group if r.cls == shaped), key=lambda r: (-len(r.documents), r.iri)), "by its shape"
    by_documents = sorted(group, key=lambda record: (-len(record.documents), record.iri))
    if len(by_documents[0].documents) == len(by_documents[1].documents):
        return None, ""
    return by_documents[0], "as most documents read it"


def _prefer_shared(record: EntityRecord, candidates: Iterable[EntityRecord], joins: _Joins) -> tuple[list[str], bool]:
    """The components ``record`` may join: those its own documents name, else all; and whether the
    choice came from its documents."""
    candidates = [candidate for candidate in candidates if joins.root(candidate.iri) != joins.root(record.iri)]
    shared = [candidate.iri for candidate in candidates if candidate.documents & record.documents]
    if shared:
        return joins.roots(shared), True
    return joins.roots(candidate.iri for candidate in candidates), False


def _acronym(records: list[EntityRecord], joins: _Joins) -> None:
    """"BNP" is the node some document gave "BNP" as another name of."""
    defined: dict[str, list[EntityRecord]] = defaultdict(list)
    for record in records:
        if record.cls in NAMED_BODIES:
            for alias in record.aliases:
                if is_acronym(alias):
                    defined[norm(alias)].append(record)
    for record in records:
        if not is_acronym(record.name) or record.cls == EntityClass.PERSON and norm(record.name) not in defined:
            continue
        candidates = [candidate for candidate in defined.get(norm(record.name), [])
                      if candidate.iri != record.iri and _expands(record.name, candidate.name)]
        roots, _ = _prefer_shared(record, candidates, joins)
        _join_the_one(joins, record, roots, ACRONYM, f'"{record.name}" is given as another name of',
                      apart=": nothing tells which")


def _expands(acronym: str, name: str) -> bool:
    """Whether a name another document gave an acronym to can be its expansion: a name of several
    words that do not hold the acronym ("IBM Personal", "Minetest IRC": something of the acronym's,
    named after it), unless the others are a company's legal form ("AMR Corp")."""
    words = name.split()
    if len(words) < 2:
        return False
    if norm(words[0]) == norm(acronym):
        return all(word.casefold().rstrip(".") in word_list("company_suffixes") for word in words[1:])
    return all(norm(word) != norm(acronym) for word in words)  # "Minetest IRC" is no expansion of "IRC"


def _join_the_one(joins: _Joins, record: EntityRecord, roots: Sequence[str], rule: str, says: str,
                  joined: str = "", apart: str = "") -> None:
    """The decision the acronym, initials and surname rules share: ``record`` joins the one node
    that fits; with several it stays apart, on record. The reason is ``says``, the names, then
    ``joined`` or ``apart``."""
    if len(roots) == 1:
        joins.join(record.iri, roots[0], rule, f"{says} {joins.records[roots[0]].name}{joined}")
    elif len(roots) > 1:
        joins.keep_apart(record.iri, rule, f"{says} {_listed(joins, roots)}{apart}", roots)


def _listed(joins: _Joins, iris: Sequence[str]) -> str:
    names = [joins.records[iri].name for iri in iris]
    if len(names) > LISTED_NAMES:
        names = names[:LISTED_NAMES] + [f"{len(names) - LISTED_NAMES} others"]
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]


def _short_form(records: list[EntityRecord], joins: _Joins) -> None:
    """Inside one document, a name written shorter is the longer name it shortens: initials with
    the rest ("UH Manoa"), middle words left out ("Bradley Airport"), a place's name dropped from
    the front ("House of Representatives"), or a plural ("Houthis"); middle words are left out of
    places' names only ("Democratic Party" is not the "Democratic Unionist Party")."""
    by_document: dict[str, list[EntityRecord]] = defaultdict(list)
    for record in records:
        if record.cls in NAMED_BODIES or record.cls == EntityClass.GROUP or record.cls == EntityClass.PERSON:
            for document in record.documents:
                by_document[document].append(record)
    for document in sorted(by_document):
        present = by_document[document]
        by_last: dict[str, list[EntityRecord]] = defaultdict(list)
        for record in present:
            by_last[record.name.split()[-1].casefold()].append(record)
        by_name = {norm(record.name): record for record in present}
        for record in present:
            words = record.name.split()
            plural = by_name.get(norm(record.name) + "s") if len(words) == 1 else None
            if plural is not None and record.cls in NAMED_BODIES and plural.cls not in PLACE_CLASSES:
                joins.join(plural.iri, record.iri, SHORT_FORM,
                           f'"{plural.name}" is the plural of "{record.name}", in the same document')
            if len(words) < 2 or record.cls not in NAMED_BODIES:
                continue
            longer = [other for other in by_last[words[-1].casefold()]
                      if other.iri != record.iri and other.cls in NAMED_BODIES
                      and _family(other.cls) == _family(record.cls)
                      and (abbreviates(words, other.name.split())
                           or record.cls in PLACE_CLASSES and drops_words(words, other.name.split())
                           or drops_a_place(words, other.name.split()))]
            roots = joins.roots(other.iri for other in longer)
            if len(roots) == 1 and roots[0] != joins.root(record.iri):
                joins.join(record.iri, roots[0], SHORT_FORM,
                           f'"{record.name}" is a short form of {joins.records[roots[0]].name}, in the same document')


def _family(cls: str) -> str:
    return "place" if cls in PLACE_CLASSES else "body"


def _initials(records: list[EntityRecord], joins: _Joins) -> None:
    """"NTSB" is the one organisation or place of its own documents whose words it spells. Across
    stories initials say too little: "CIA" is not the "Calicut International Airport" of another."""
    spelled: dict[str, list[EntityRecord]] = defaultdict(list)
    for record in records:
        words = record.name.split()
        if record.cls in NAMED_BODIES and len(words) > 1 and not is_acronym(record.name):
            # a hyphenated word may give one letter or each of its parts one: "AFP", "Agence France-Presse"
            for letters in {initials(words), initials(record.name.replace("-", " ").split())}:
                spelled[letters].append(record)
    for record in records:
        if not is_acronym(record.name) or record.cls == EntityClass.PERSON or joins.root(record.iri) != record.iri:
            continue
        letters = record.name.replace(".", "").replace(" ", "").casefold()
        roots, in_documents = _prefer_shared(record, spelled.get(letters, []), joins)
        if in_documents:
            _join_the_one(joins, record, roots, INITIALS, f'"{record.name}" spells the initials of',
                          ", in the same document", ": nothing tells which")


def _surname(records: list[EntityRecord], joins: _Joins) -> None:
    """A person named by a surname alone is the one person whose full name ends in it: of its own
    documents if they name any, else of the corpus. Two or more that fit, and it stays apart, saying why.

    Only the surname of a full name counts (a first name, "Robert", fits too many people of a
    corpus), and only of a name that reads as a person's: "University of California Davis", read
    as a person somewhere, is no one's surname bearer. Across stories, a word the corpus also uses
    as a first name ("John" of "John Kerry" and of "Seth John") joins no one."""
    people: dict[str, list[EntityRecord]] = defaultdict(list)
    first_names: set[str] = set()
    for record in records:
        words = record.name.split()
        if record.cls == EntityClass.PERSON and len(words) > 1 and _reads_as_a_persons_name(words):
            for surname in surnames(record.name):
                people[surname].append(record)
            first_names.add(folded(words[0]))
    for record in records:
        if record.cls != EntityClass.PERSON or not is_surname_shape(record.name) or \
                joins.root(record.iri) != record.iri:
            continue
        bearers = people.get(folded(record.name), [])
        names = set(surname_candidates(record.name, {bearer.name for bearer in bearers}))
        roots, in_documents = _prefer_shared(record, [bearer for bearer in bearers if bearer.name in names], joins)
        if not in_documents and folded(record.name) in first_names:
            continue  # "John" of another story: a first name of the corpus too, nothing tells whose
        where = "its own documents name" if in_documents else "the corpus names"
        _join_the_one(joins, record, roots, SURNAME, f'"{record.name}" is the surname of',
                      f", the one person of that name {where}", f": {where} more than one, and nothing tells which")


def _reads_as_a_persons_name(words: Sequence[str]) -> bool:
    """Each word capitalised or a surname's particle ("Bill de Blasio"), none of an organisation's
    or a place's kind ("University", "Airport") and none an acronym ("UC Davis")."""
    kinds = word_list("organisation_words") | word_list("place_heads") | word_list("name_joining_words")
    particles = word_list("surname_particles")
    return words[-1][:1].isupper() and all(
        (word[:1].isupper() and word.casefold() not in kinds and not is_acronym(word))
        or (0 < position < len(words) - 1 and word.casefold() in particles)
        for position, word in enumerate(words))
