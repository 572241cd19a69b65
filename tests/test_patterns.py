"""The pattern engine: rows are checked when loaded, each fires on its own example, and the
component runs inside the pipeline and saves with it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from kg.data.words import DataError, ner_class
from kg.extraction.arguments import MentionIndex
from kg.extraction.document import document_mentions
from kg.extraction.mentions import trim
from kg.extraction.patterns.rows import ClassRow, RelationRow, class_rows, read_rows, relation_rows
from kg.extraction.patterns.ruler import MATCHES_KEY, PatternRuler, first_class_row, pattern_matches
from kg.model import DocumentAnalysis
from kg.nlp import load_pipeline

ROW = {"id": "seat", "states": "basedIn", "confidence": 0.7, "matcher": "token",
       "pattern": [{"name": "organisation"}, {"LOWER": {"IN": "@seat_nouns"}}, {"LOWER": "in"}, {"name": "place"}],
       "subject": {"token": "organisation", "class": ["Organization"]}, "object": {"token": "place"}}


def row_name(row: RelationRow | ClassRow) -> str:
    return f"{row.pattern.id}@{row.pattern.source.rsplit(':', 1)[1]}"


@pytest.mark.parametrize("row", relation_rows(), ids=row_name)
def test_each_relation_row_fires_on_its_example(
    row: RelationRow, analyse_text: Callable[[str], DocumentAnalysis]
) -> None:
    pattern = row.pattern
    assert pattern.example, f"{pattern.source}: a row needs an example sentence"
    analysis = analyse_text(pattern.example)
    assert any(relation.rule == pattern.id for relation in analysis.relations), \
        f"{pattern.source}: rule {pattern.id!r} does not fire on its example {pattern.example!r}"


@pytest.mark.parametrize("row", class_rows(), ids=row_name)
def test_each_class_row_corrects_a_name_of_its_example(row: ClassRow) -> None:
    """The row alone gives some name of its example a new class, the one it sets."""
    assert row.pattern.example, f"{row.pattern.source}: a row needs an example sentence"
    nlp = load_pipeline()
    doc = nlp(row.pattern.example)
    alone = PatternRuler(nlp.vocab, rows=[row])
    changed = []
    for entity in doc.ents:
        cls, span = ner_class(entity.label_), trim(entity)
        if cls is not None and span is not None:
            corrected = first_class_row(span, cls, alone.parsed_matches(doc))
            if corrected != cls:
                changed.append(corrected)
    assert changed and set(changed) == {row.sets}, f"{row.pattern.source} does not fire on {row.pattern.example!r}"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"states": "headquarteredAt"}, "no relation of the ontology"),
        ({"confidence": 1.5}, "'confidence'"),
        ({"matcher": "regex"}, "'matcher'"),
        ({"where": ["no_such_filter"]}, "no filter 'no_such_filter'"),
        ({"subject": {"token": "organisation", "via": "telepathy"}}, "no function 'telepathy'"),
        ({"subject": {"token": "organisation", "class": ["Planet"]}}, "'class'"),
        ({"object": {"token": "town"}}, "which the pattern does not name"),
        ({"pattern": [{"name": "organisation"}, {"LOWER": {"IN": "@no_such_list"}}, {"name": "place"}]},
         "no word list '@no_such_list'"),
        ({"colour": "red"}, "unknown key(s) colour"),
    ],
)
def test_a_row_that_does_not_hold_is_an_error_naming_its_line(change: dict[str, object], message: str) -> None:
    lines = [json.dumps(ROW), json.dumps({**ROW, **change})]
    with pytest.raises(DataError) as error:
        read_rows("\n".join(lines), "rows.jsonl")
    assert "rows.jsonl:2" in str(error.value) and message in str(error.value)


def test_a_new_row_runs_with_the_shipped_engine() -> None:
    [row] = read_rows(json.dumps(ROW), "rows.jsonl")
    ruler = PatternRuler(load_pipeline().vocab, rows=[row])
    doc = load_pipeline()("Protesters met at the BBC headquarters in London.")
    [match] = ruler.match(doc)
    assert [doc[i].text for i in match.tokens["organisation"]] == ["BBC"]
    assert [doc[i].text for i in match.tokens["place"]] == ["London"]


def test_the_component_keeps_its_matches_on_the_doc_and_saves_its_rows(tmp_path: Path) -> None:
    nlp = load_pipeline()
    assert "kg_patterns" in nlp.pipe_names
    doc = nlp("Protesters gathered outside NRC headquarters in Rockville.")
    ruler = nlp.get_pipe("kg_patterns")
    kept = doc.user_data[MATCHES_KEY]
    assert kept.ruler is ruler and kept.tokens.doc is doc  # the index the relation rows are matched on later
    ruler.to_disk(tmp_path)
    again = PatternRuler(nlp.vocab).from_disk(tmp_path)
    assert [row.pattern.raw for row in again.rows] == [row.pattern.raw for row in ruler.rows]
    assert again.match(doc) == ruler.match(doc)


#: Sentences where relation patterns match at many tokens that name nothing: modifiers, prepositions.
GUARDED_TEXTS = [
    "Atlanta native Jim Smith, a former Google engineer, bought the team from the city of Boston on Monday.",
    "The chief executive of the Hong Kong firm met analysts at Deutsche Bank's Frankfurt office.",
    "Officials from the ministry of health in Kenya said the outbreak near the border with Uganda was over.",
    "CBS anchorman Dan Rather and his longtime producer visited the White House press office in Washington.",
]


@pytest.mark.parametrize("text", GUARDED_TEXTS + [row.pattern.example for row in relation_rows()][:12])
def test_guarded_nodes_drop_only_matches_that_state_nothing(
    text: str | None, analyse_text: Callable[[str], DocumentAnalysis], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relation pattern matched once the mentions are known skips the tokens where its rows'
    finders find nothing; the relations are those every match would give."""
    assert text
    guarded = analyse_text(text).relations
    monkeypatch.setattr(PatternRuler, "guarded_nodes", lambda self, numbers: {})
    assert analyse_text(text).relations == guarded


def test_a_relation_pattern_is_matched_only_where_its_rows_can_find_mentions() -> None:
    """The modifier rows read their object through "the mention at this token": matched after
    the mentions, the pattern starts only at modifiers that are part of a mention."""
    doc = load_pipeline()("The quiet suburban school board and the tiny farm town council met Atlanta "
                          "businessman Jim Smith.")
    found = pattern_matches(doc)
    index = MentionIndex(doc, document_mentions(doc))
    every = [match for match in found.ruler.match(doc) if "modifier" in match.tokens]
    guarded = [match for match in found.relation_matches(index) if "modifier" in match.tokens]
    assert guarded and len(guarded) < len(every)
    assert all(match.tokens["modifier"][0] in index.at_token for match in guarded)
