"""Stage 7: the events that relations report, as nodes with participants, place and day.

"Blinken will meet with Netanyahu" is a relation (``kg:meets``) and also an event: a meeting
with two participants, a factuality (planned) and maybe a time ("this Friday"). News readers
ask about events ("meetings in Jerusalem last week"), so each relation whose predicate is an
event gets a node of its own, linked to the statement it comes from. Its time expression is
normalised to a day against the document's date: "this Friday" in an article of 2023-11-02 is
2023-11-03. Weekdays, the commonest times in news, are counted with :func:`weekday_day` the way
news uses them; the other expressions are read by dateparser. Without a document date, only
expressions that name a full date ("3 November 2023") get a day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache

from dateparser.date import DateDataParser

from kg.model import PLACE_CLASSES, Document, Entity, Event, Factuality, Relation
from kg.resolution.predicates import event_classes

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

    Relative expressions are read against the document's date; ``future`` reads a bare weekday
    as the coming one (a planned event), else as the most recent one (a report): see
    :func:`weekday_day`.

    >>> normalise_time("this Friday", "2023-11-02"), normalise_time("last Tuesday", "2023-11-02")
    ('2023-11-03', '2023-10-31')
    >>> normalise_time("on Tuesday", "2024-06-04"), normalise_time("Monday night", "2024-06-04", future=True)
    ('2024-06-04', '2024-06-10')
    >>> normalise_time("3 November 2023", None), normalise_time("this Friday", None), normalise_time("2019", None)
    ('2023-11-03', None, None)
    >>> normalise_time("yesterday", None), normalise_time("yesterday", "2023-11-02")
    (None, '2023-11-01')
    """
    if not expression or not expression.strip():
        return None
    weekday = WEEKDAY_EXPRESSION.fullmatch(" ".join(expression.split()))
    if weekday is not None and weekday["weekday"].lower() in WEEKDAY_NUMBERS:
        if not document_date:
            return None
        reference = " ".join(weekday["reference"].lower().split()) if weekday["reference"] else None
        return weekday_day(WEEKDAY_NUMBERS[weekday["weekday"].lower()], date.fromisoformat(document_date),
                           reference=REFERENCES[reference], future=future).isoformat()
    if document_date:
        return _dated_day(expression, date.fromisoformat(document_date), future)
    # No document date: only a full date names a day. dateparser's REQUIRE_PARTS does not stop
    # "yesterday" or "in 2 days" (read against the clock: a graph that changes with the day kg
    # runs), so an expression that gives two days against two bases is relative, and gets none.
    days = {_day(expression, base, future, strict=True) for base in RELATIVE_PROBES}
    return days.pop() if len(days) == 1 else None


#: Weekday names and the abbreviations news uses, by :meth:`date.weekday` number (Monday is 0).
WEEKDAY_NUMBERS = {
    name: number
    for number, names in enumerate((
        ("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed", "weds"),
        ("thursday", "thu", "thur", "thurs"), ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun"),
    ))
    for name in names
}
#: The words before a weekday, and which day of that name they pick (:func:`weekday_day`).
REFERENCES: dict[str | None, str | None] = {
    None: None, "this": "this", "next": "next", "last": "last", "past": "last", "this past": "last",
    "coming": "coming", "this coming": "coming",
}
#: A weekday alone, as spaCy's DATE entities and news give it: "Tuesday", "on Tuesday", "next Tues.",
#: "late Monday", "Tuesday morning". A weekday with a date ("Tuesday, June 4") is not one of these.
WEEKDAY_EXPRESSION = re.compile(
    r"(?:(?:early|late|earlier|later)\s+)?(?:on\s+)?"
    r"(?:(?P<reference>this past|this coming|this|next|last|past|coming)\s+)?"
    r"(?P<weekday>[a-z]+)\.?(?:\s+(?:morning|afternoon|evening|night))?",
    re.IGNORECASE,
)


def weekday_day(weekday: int, document_date: date, *, reference: str | None = None, future: bool = False) -> date:
    """The day a story dated ``document_date`` means by a weekday (``0`` Monday ... ``6`` Sunday).

    News counts weekdays from the day it is written, and dateparser does not: it reads "Tuesday"
    in a story of Tuesday as a week before or after. So, with ``reference``:

    - ``None`` (a bare "Tuesday", "on Tuesday"): in a report, the most recent Tuesday, today
      included; in a planned event (``future``), the coming one, today included;
    - ``"this"``: the Tuesday of the story's week (Monday to Sunday); for a planned event the coming one;
    - ``"next"``: the Tuesday after this week's ("next Tuesday" is never in this week);
    - ``"last"`` ("last", "past", "this past"): the most recent Tuesday before today;
    - ``"coming"`` ("coming", "this coming"): the first Tuesday after today.

    >>> tuesday = date(2024, 6, 4)
    >>> [str(weekday_day(1, tuesday, reference=r)) for r in (None, "next", "last")]
    ['2024-06-04', '2024-06-11', '2024-05-28']
    >>> str(weekday_day(0, tuesday)), str(weekday_day(0, tuesday, future=True))
    ('2024-06-03', '2024-06-10')
    """
    ahead = (weekday - document_date.weekday()) % 7  # days to the coming one, 0 if today
    back = (document_date.weekday() - weekday) % 7  # days since the most recent one, 0 if today
    this_week = document_date + timedelta(days=weekday - document_date.weekday())
    if reference == "next":
        return this_week + timedelta(days=7)
    if reference == "last":
        return document_date - timedelta(days=back or 7)
    if reference == "coming":
        return document_date + timedelta(days=ahead or 7)
    if future:
        return document_date + timedelta(days=ahead)
    return this_week if reference == "this" else document_date - timedelta(days=back)


#: Two unrelated days to read an undated expression against, to tell a relative one.
RELATIVE_PROBES = (date(2000, 1, 3), date(2011, 7, 14))
#: A weekday named anywhere in an expression ("Friday 7 June"), to check the day dateparser finds.
WEEKDAY_NAMED = re.compile(r"\b(" + "|".join(sorted(WEEKDAY_NUMBERS, key=len, reverse=True)) + r")\b", re.IGNORECASE)


def _dated_day(expression: str, base: date, future: bool) -> str | None:
    """The day dateparser reads against the document date. A date without a year that also names its
    weekday ("Friday 7 June") is in the year where that date is that weekday, when one of the two
    readings (the past one, the future one) makes it so."""
    day = _day(expression, base, future, strict=False)
    named = WEEKDAY_NAMED.search(expression)
    if day is None or named is None:
        return day
    weekday = WEEKDAY_NUMBERS[named[1].lower()]
    if date.fromisoformat(day).weekday() == weekday:
        return day
    other = _day(expression, base, not future, strict=False)
    return other if other is not None and date.fromisoformat(other).weekday() == weekday else day


@lru_cache(maxsize=4096)
def _day(expression: str, base: date, future: bool, *, strict: bool) -> str | None:
    """The day dateparser reads in ``expression`` against ``base``, kept: stories of one day say
    "Monday", "last week" and "March 3" over and over, and dateparser takes about 0.5 ms each time."""
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
