"""Reading and aligning news-facts annotations (kg.learn.newsfacts) on small hand-made articles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kg.errors import InputError
from kg.learn.newsfacts import (
    NOT_IN_ARTICLE,
    SIDE_NOT_NAMED,
    aligned_text_span,
    is_news_facts,
    name_occurrences,
    read_news_facts,
)

TEXT = ("Governor of West Virginia Jim Justice met Joe Manchin in Charleston on Monday.\n\n"
        "Justice said the state of Virginia and West Virginia would work together.\n"
        "He told reporters:\n“We will   meet again.”")
ENTITIES = [{"id": "e1", "class": "Person", "names": ["Jim Justice", "Justice"]},
            {"id": "e2", "class": "Person", "names": ["Joe Manchin"]},
            {"id": "e3", "class": "Place", "names": ["West Virginia"]},
            {"id": "e4", "class": "Place", "names": ["Virginia"]},
            {"id": "e5", "class": "City", "names": ["Charleston"]}]


def folder(tmp_path: Path, facts: list[dict[str, Any]], entities: list[dict[str, Any]] | None = None,
           text: str = TEXT) -> Path:
    path = tmp_path / "annotated"
    path.mkdir(exist_ok=True)
    (path / "articles.jsonl").write_text(json.dumps({"id": "a1", "title": "Justice meets Manchin", "text": text})
                                         + "\n", "utf-8")
    (path / "gold.jsonl").write_text(json.dumps({"doc": "a1", "entities": entities or ENTITIES, "facts": facts})
                                     + "\n", "utf-8")
    return path


def fact(s: str, rel: str, o: str, evidence: str, factuality: str = "asserted") -> dict[str, str]:
    return {"s": s, "rel": rel, "o": o, "factuality": factuality, "evidence": evidence}


def test_every_occurrence_of_every_name_is_a_mention_and_longer_names_win(tmp_path: Path) -> None:
    evidence = "Governor of West Virginia Jim Justice met Joe Manchin in Charleston on Monday."
    [article], report = read_news_facts(folder(tmp_path, [fact("e1", "meets", "e2", evidence)]))
    spans = {(TEXT[start:end], entity) for start, end, entity in article.mentions}
    assert ("Jim Justice", "e1") in spans and ("Justice", "e1") in spans  # the name repeated, each time
    assert sum(1 for *_, entity in article.mentions if entity == "e3") == 2
    # "West Virginia" is one mention of e3, never also a "Virginia" of e4 inside it
    virginia = [(start, end) for start, end, entity in article.mentions if entity == "e4"]
    assert [TEXT[start - 9:end] for start, end in virginia] == ["state of Virginia"]
    assert report.mentions == len(article.mentions) and report.aligned == 1


def test_evidence_is_found_across_a_line_break_and_curly_quotes() -> None:
    start, end = aligned_text_span(TEXT, 'He told reporters: "We will meet again."')  # type: ignore[misc]
    assert TEXT[start:end] == "He told reporters:\n“We will   meet again.”"
    assert aligned_text_span(TEXT, "Justice said the state of Texas") is None


def test_name_occurrences_keep_to_word_boundaries() -> None:
    assert name_occurrences("Justice and Justices of Justice.", [("Justice", "e1")]) == [(0, 7, "e1"), (24, 31, "e1")]


def test_facts_not_in_the_article_are_skipped_and_reported_by_document_and_fact(tmp_path: Path) -> None:
    [article], report = read_news_facts(folder(tmp_path, [
        fact("e1", "meets", "e2", "Governor of West Virginia Jim Justice met Joe Manchin in Charleston on Monday."),
        fact("e1", "visits", "e5", "Justice flew to Charleston."),
        fact("e1", "says", "e4", 'He told reporters: "We will meet again."')]))
    assert report.facts == 3 and report.aligned == 1
    assert report.skipped == {NOT_IN_ARTICLE: 1, SIDE_NOT_NAMED: 1}
    [line] = report.lines
    assert "a1" in line and "fact 2" in line and "e1 visits e5" in line
    assert article.facts[1].span is None and article.facts[2].span is not None and not article.facts[2].named
    assert "3 facts: 1 aligned" in report.summary()


@pytest.mark.parametrize(("change", "message"), [
    ({"rel": "befriends"}, "fact 1 (e1 befriends e2): unknown relation 'befriends'"),
    ({"o": "e9"}, "fact 1 (e1 meets e9): names an entity"),
    ({"factuality": "rumoured"}, "unknown factuality 'rumoured'"),
    ({"evidence": " "}, "fact 1 (e1 meets e2): no evidence sentence"),
])
def test_a_bad_fact_is_refused_naming_its_document_and_fact(tmp_path: Path, change: dict[str, str],
                                                            message: str) -> None:
    good = fact("e1", "meets", "e2", "Jim Justice met Joe Manchin")
    with pytest.raises(InputError, match="a1") as error:
        read_news_facts(folder(tmp_path, [{**good, **change}]))
    assert message in str(error.value)


def test_an_unknown_class_an_empty_file_and_a_missing_article_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="entity e1: unknown class 'Wizard'"):
        read_news_facts(folder(tmp_path, [], [{"id": "e1", "class": "Wizard", "names": ["Jim Justice"]}]))
    path = folder(tmp_path, [])
    (path / "gold.jsonl").write_text("\n", "utf-8")
    with pytest.raises(InputError, match="empty"):
        read_news_facts(path)
    (path / "gold.jsonl").write_text(json.dumps({"doc": "a2", "entities": [], "facts": []}) + "\n", "utf-8")
    with pytest.raises(InputError, match="a2: no article with this id"):
        read_news_facts(path)
    assert not is_news_facts(tmp_path) and is_news_facts(path)


def test_a_gold_line_nested_a_thousand_deep_is_one_line_named_not_a_recursion_error(tmp_path: Path) -> None:
    path = folder(tmp_path, [])
    (path / "gold.jsonl").write_text("[" * 1000 + "]" * 1000 + "\n", "utf-8")
    with pytest.raises(InputError, match=r"gold.jsonl:1: not valid JSON \(nested too deeply"):
        read_news_facts(path)
