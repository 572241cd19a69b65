"""Events: a node per meeting, visit, attack or announcement, with its day normalised."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from kg.extraction.events import normalise_time
from kg.pipeline import build
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
