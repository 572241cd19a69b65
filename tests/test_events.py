"""Events: a node per meeting, visit, attack or announcement, with its day normalised."""

from __future__ import annotations

import calendar
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from rdflib import Graph

from kg.pipeline import build
from kg.resolution.events import normalise_time
from kg.sparql.query import query


@pytest.mark.parametrize(
    ("expression", "document_date", "future", "day"),
    [
        ("this Friday", "2023-11-02", True, "2023-11-03"),  # the example: a Thursday's "this Friday"
        ("Friday", "2023-11-02", True, "2023-11-03"),  # a planned event: the coming Friday
        ("Friday", "2023-11-02", False, "2023-10-27"),  # a report: the Friday just gone
        ("last Tuesday", "2023-11-02", False, "2023-10-31"),
        ("yesterday", "2023-11-02", False, "2023-11-01"),
        ("October 7", "2023-11-02", False, "2023-10-07"),
        ("3 November 2023", None, False, "2023-11-03"),
        ("this Friday", None, True, None),  # no document date: a relative day is unknown
        ("2019", "2023-11-02", False, None),  # a year is not a day
        ("October", "2023-11-02", False, None),
        ("", "2023-11-02", False, None),
    ],
)
def test_time_expressions_become_days(expression: str, document_date: str | None, future: bool,
                                      day: str | None) -> None:
    assert normalise_time(expression, document_date, future=future) == day


#: A week of document dates, Monday 2024-06-03 to Sunday 2024-06-09 (the issue's story is of Tuesday 2024-06-04).
WEEK = [date(2024, 6, 3) + timedelta(days=offset) for offset in range(7)]


def only_day(first: date, last: date, weekday: int) -> str:
    """The one day between ``first`` and ``last`` (a span of seven days) that is ``weekday``."""
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    (found,) = [day for day in days if day.weekday() == weekday]
    return found.isoformat()


@pytest.mark.parametrize("document_date", WEEK, ids=lambda day: f"{day:%a}")
@pytest.mark.parametrize("weekday", range(7), ids=lambda number: calendar.day_name[number])
def test_a_weekday_is_the_one_news_means(weekday: int, document_date: date) -> None:
    """All 49 pairs of a weekday named and the weekday of the story, read the way news uses them."""
    name, dated = calendar.day_name[weekday], document_date.isoformat()
    monday = document_date - timedelta(days=document_date.weekday())
    one_week = timedelta(days=6)

    def day(expression: str, future: bool) -> str | None:
        return normalise_time(expression, dated, future=future)

    # a report: the most recent such day, the story's own day included
    assert day(name, False) == day(f"on {name}", False) == only_day(document_date - one_week, document_date, weekday)
    # a plan: the coming one, the story's own day included
    assert day(name, True) == day(f"on {name}", True) == only_day(document_date, document_date + one_week, weekday)
    # "this": the day of the story's week in a report, the coming one in a plan
    assert day(f"this {name}", False) == only_day(monday, monday + one_week, weekday)
    assert day(f"this {name}", True) == only_day(document_date, document_date + one_week, weekday)
    for future in (False, True):
        # "next": the one after this week's; "last": the most recent before the story's day
        assert day(f"next {name}", future) == only_day(monday + timedelta(days=7), monday + timedelta(days=13),
                                                       weekday)
        assert day(f"last {name}", future) == only_day(document_date - timedelta(days=7),
                                                       document_date - timedelta(days=1), weekday)


@pytest.mark.parametrize(
    ("expression", "future", "day"),
    [
        ("on Tuesday", False, "2024-06-04"),  # the reported defect: a week early
        ("Tuesday morning", False, "2024-06-04"),
        ("late Monday", False, "2024-06-03"),
        ("Tues.", True, "2024-06-04"),
        ("this past Tuesday", False, "2024-05-28"),
        ("this coming Tuesday", True, "2024-06-11"),
        ("Friday 7 June", False, "2024-06-07"),  # a date that names its weekday is in the year that makes it so
        ("Tuesday, June 4", True, "2024-06-04"),
        ("Tuesday", None, None),
    ],
)
def test_weekday_forms(expression: str, future: bool | None, day: str | None) -> None:
    document_date = None if future is None else "2024-06-04"
    assert normalise_time(expression, document_date, future=bool(future)) == day


EVENTS = """
SELECT ?type ?agent ?place ?time ?date ?factuality (COUNT(DISTINCT ?p) AS ?participants) WHERE {
  ?e a ?class ; kg:agent/rdfs:label ?agent ; kg:factuality ?f ; kg:participant ?p ;
     prov:wasDerivedFrom ?statement .
  ?statement a kg:Statement .
  OPTIONAL { ?e kg:place/rdfs:label ?place } OPTIONAL { ?e kg:time ?time } OPTIONAL { ?e kg:date ?date }
  BIND(STRAFTER(STR(?class), "#") AS ?type) BIND(STRAFTER(STR(?f), "#") AS ?factuality)
} GROUP BY ?type ?agent ?place ?time ?date ?factuality ORDER BY ?type
"""


def test_a_dated_article_gives_events_with_days(tmp_path: Path) -> None:
    article = {"id": "visit", "date": "2023-11-02", "text":
               "Antony Blinken will visit Israel this Friday. Angela Merkel met Emmanuel Macron in Paris on Monday."}
    source = tmp_path / "news.jsonl"
    source.write_text(json.dumps(article) + "\n", "utf-8")
    graph = build([source], out_dir=None).graph
    rows = {row["type"]: row for row in query(graph, EVENTS).records()}
    visit, meeting = rows["Visit"], rows["Meeting"]
    assert (visit["agent"], visit["place"], visit["time"], visit["date"], visit["factuality"]) == (
        "Antony Blinken", "Israel", "this Friday", "2023-11-03", "planned")
    assert (meeting["agent"], meeting["place"], meeting["date"], meeting["participants"]) == (
        "Angela Merkel", "Paris", "2023-10-30", "2")


def test_the_seed_meeting_is_an_event_linked_to_its_statement(seeds_graph: Graph) -> None:
    rows = query(seeds_graph, """
        SELECT ?factuality ?evidence WHERE {
          ?e a kg:Meeting ; kg:agent ?a ; kg:participant ?b ; kg:factuality ?factuality ;
             prov:wasDerivedFrom ?s .
          ?a rdfs:label "Antony Blinken" . ?b rdfs:label "Benjamin Netanyahu" .
          ?s rdf:predicate kg:meets ; kg:evidence ?evidence .
        }""").records()
    assert rows and rows[0]["factuality"].endswith("planned")
    assert rows[0]["evidence"].startswith("Blinken will meet with Netanyahu")
