"""Stage 5 of extraction: the events that relations report, as nodes with participants, place and day.

"Blinken will meet with Netanyahu" is a relation (``kg:meets``) and also an event: a meeting
with two participants, a factuality (planned) and maybe a time ("this Friday"). News readers
ask about events ("meetings in Jerusalem last week"), so each relation whose predicate is an
event gets a node of its own, linked to the statement it comes from. Its time expression is
normalised to a day with dateparser, against the document's date: "this Friday" in an article
of 2023-11-02 is 2023-11-03. Without a document date, only expressions that name a full date
("3 November 2023") get a day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache

from dateparser.date import DateDataParser

from kg.extraction.predicates import event_classes
from kg.model import PLACE_CLASSES, Document, Entity, Event, Factuality, Relation

#: Relations that report an event, and the event's class (``kg/data/lexicon.json``).
EVENT_CLASSES = event_classes()
#: Classes whose participants are symmetric: both sides are participants, the subject the agent.
LABELS = {
    "Meeting": "{agent} meets {other}",
    "Visit": "{agent} visits {other}",
    "Attack": "{agent} attacks {other}",
    "Announcement": "{agent} on {other}",
    "Acquisition": "{agent} acquires {other}",
    "Lawsuit": "{agent} sues {other}",
    "Arrest": "{agent} arrests {other}",
    "Election": "{agent} elected to {other}",
    "Departure": "{agent} leaves {other}",
}
PLACE_PREPOSITIONS = ("in", "at")


def find_events(
    documents: Iterable[Document], entities: Iterable[Entity], relations: Iterable[Relation]
) -> list[Event]:
    """The events of resolved relations, one per relation that reports one (denied ones too:
    "did not meet" is a meeting that did not happen, kept with its factuality)."""
    by_key = {entity.key: entity for entity in entities}
    dates = {document.id: document.date for document in documents}
    found = []
    for relation in relations:
        cls = EVENT_CLASSES.get(relation.predicate)
        if cls is None:
            continue
        agent, other = by_key[relation.subject], by_key[relation.object]
        if cls == "Visit":
            place = other.key if other.cls in PLACE_CLASSES else None
        else:  # an announcement's "in Gaza" is mostly what it is about, not where it was made
            place = _place_named(relation, by_key) if cls != "Announcement" else None
        found.append(Event(
            cls=cls,
            label=LABELS[cls].format(agent=agent.name, other=other.name),
            relation=relation,
            agent=agent.key,
            participants=tuple(sorted({agent.key, other.key} - {place})),
            place=place,
            date=normalise_time(relation.time, dates.get(relation.document),
                                future=relation.factuality == Factuality.PLANNED),
        ))
    return found


def _place_named(relation: Relation, entities: dict[str, Entity]) -> str | None:
    """A place the evidence names with "in" or "at" after the subject: "met Netanyahu in Jerusalem"."""
    sentence = relation.sentence.text
    after = sentence.find(relation.subject_text) + len(relation.subject_text)
    for entity in entities.values():
        if entity.cls not in PLACE_CLASSES or entity.key in (relation.subject, relation.object):
            continue
        for name in (entity.name, *entity.aliases):
            pattern = rf"\b(?:{'|'.join(PLACE_PREPOSITIONS)})\s+(?:the\s+)?{re.escape(name)}\b"
            if re.search(pattern, sentence[after:]):
                return entity.key
    return None


def normalise_time(expression: str | None, document_date: str | None, *, future: bool = False) -> str | None:
    """The day (ISO ``YYYY-MM-DD``) a time expression names, or None when it names no single day.

    Relative expressions are read against the document's date; ``future`` prefers the coming
    day for a bare weekday (a planned event), else the past one (a report).

    >>> normalise_time("this Friday", "2023-11-02"), normalise_time("last Tuesday", "2023-11-02")
    ('2023-11-03', '2023-10-31')
    >>> normalise_time("3 November 2023", None), normalise_time("this Friday", None), normalise_time("2019", None)
    ('2023-11-03', None, None)
    >>> normalise_time("yesterday", None), normalise_time("yesterday", "2023-11-02")
    (None, '2023-11-01')
    """
    if not expression or not expression.strip():
        return None
    if document_date:
        return _day(expression, date.fromisoformat(document_date), future, strict=False)
    # No document date: only a full date names a day. dateparser's REQUIRE_PARTS does not stop
    # "yesterday" or "in 2 days" (read against the clock: a graph that changes with the day kg
    # runs), so an expression that gives two days against two bases is relative, and gets none.
    days = {_day(expression, base, future, strict=True) for base in RELATIVE_PROBES}
    return days.pop() if len(days) == 1 else None


#: Two unrelated days to read an undated expression against, to tell a relative one.
RELATIVE_PROBES = (date(2000, 1, 3), date(2011, 7, 14))


def _day(expression: str, base: date, future: bool, *, strict: bool) -> str | None:
    found = _parser(base, future, strict).get_date_data(expression)
    if found.date_obj is None or found.period not in ("day", "time"):
        return None
    return str(found.date_obj.date().isoformat())


@lru_cache(maxsize=64)
def _parser(base: date, future: bool, strict: bool) -> DateDataParser:
    """dateparser's English parser for one document date (building one is slow, so they are kept)."""
    settings: dict[str, object] = {"PREFER_DATES_FROM": "future" if future else "past", "RETURN_TIME_AS_PERIOD": True,
                                   "RELATIVE_BASE": datetime(base.year, base.month, base.day)}
    if strict:
        settings["REQUIRE_PARTS"] = ["day", "month", "year"]
    return DateDataParser(languages=["en"], settings=settings)
