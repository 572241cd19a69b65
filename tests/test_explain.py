from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import EXIT_FAILED, app
from kg.explain import Explanation, PairNote, explain_documents, render_text
from kg.nlp import load_pipeline
from kg.read import text_document
from tests.conftest import SEED_ARTICLE

runner = CliRunner()


def explain_text(text: str) -> Explanation:
    [explanation] = explain_documents([text_document(text)], nlp=load_pipeline())
    return explanation


def pair(explanation: Explanation, first: str, second: str) -> PairNote:
    [found] = [p for s in explanation.sentences for p in s.pairs if p.first.startswith(first)
               and p.second.startswith(second)]
    return found


def test_a_rule_fires_with_its_path_verb_relation_and_factuality() -> None:
    found = pair(explain_text("Angela Merkel met Emmanuel Macron in Paris."), "Angela Merkel", "Emmanuel Macron")
    assert found.path == "Angela Merkel <-nsubj- met -dobj-> Emmanuel Macron"
    [rule] = found.relations
    assert (rule.rule, rule.verb, rule.predicate, rule.factuality) == ("svo", "meet", "meets", "asserted")
    assert found.reason is None


@pytest.mark.parametrize(
    ("text", "first", "second", "reason"),
    [
        ("Netanyahu's government rejected a deal with Hamas.", "Netanyahu", "Hamas",
         "Netanyahu only modifies 'government' (poss)"),
        ("Angela Merkel, who met Emmanuel Macron, praised Germany.", "Emmanuel Macron", "Germany",
         "neither Emmanuel Macron nor Germany is the subject of a verb on the path"),
        ("Angela Merkel praised Emmanuel Macron in Paris.", "Emmanuel Macron", "Paris",
         "neither Emmanuel Macron nor Paris is the subject"),
    ],
)
def test_no_rule_fires_and_the_reason_is_given(text: str, first: str, second: str, reason: str) -> None:
    found = pair(explain_text(text), first, second)
    assert found.relations == ()
    assert found.reason is not None and reason in found.reason


def test_an_open_relation_says_why_the_lexicon_did_not_close_it() -> None:
    found = pair(explain_text("Angela Merkel travelled to Emmanuel Macron."), "Angela Merkel", "Emmanuel Macron")
    [rule] = found.relations
    assert rule.predicate == "relatedTo"
    assert rule.note is not None and "'travel to' means visits, which needs Agent -> Place" in rule.note


def test_a_negated_relation_is_shown_as_kept_and_negated() -> None:
    [rule] = pair(explain_text("Obama did not meet Putin."), "Obama", "Putin").relations
    assert rule.factuality == "negated" and rule.note is not None and "negated" in rule.note


def test_pronoun_links_and_titles_are_shown() -> None:
    explanation = explain_text(SEED_ARTICLE.read_text("utf-8"))
    sentence = next(s for s in explanation.sentences if s.text.startswith("Blinken will meet with Netanyahu"))
    assert [(p.text, p.antecedent) for p in sentence.pronouns] == [("him", "Netanyahu")]
    [found] = [p for p in sentence.pairs if p.first == "Blinken" and p.second == "Netanyahu"]
    assert found.path == "Blinken <-nsubj- meet -prep-> with -pobj-> Netanyahu"
    assert ("object-control", "get", "him (= Netanyahu)") in {(r.rule, r.verb, r.object) for r in found.relations}
    assert ("meet with", "meets", "planned") in {(r.verb, r.predicate, r.factuality) for r in found.relations}
    titled = [e for s in explanation.sentences for e in s.entities if e.title]
    assert ("Antony Blinken", "Person", "US Secretary of State") in {(e.text, e.cls, e.title) for e in titled}
    assert "him -> Netanyahu" in render_text([explanation])


def test_cli_explains_text_files_stdin_and_json(tmp_path: Path) -> None:
    text = runner.invoke(app, ["explain", "Obama did not meet Putin."])
    assert text.exit_code == 0, text.stderr
    assert "path: Obama <-nsubj- meet -dobj-> Putin" in text.stdout and "= meets, negated" in text.stdout
    file = tmp_path / "news.txt"
    file.write_text("Angela Merkel met Emmanuel Macron in Paris.", "utf-8")
    as_json = runner.invoke(app, ["explain", str(file), "--json"])
    assert as_json.exit_code == 0, as_json.stderr
    [document] = json.loads(as_json.stdout)["documents"]
    assert document["document"] == str(file)
    assert document["sentences"][0]["pairs"][0]["relations"][0]["predicate"] == "meets"
    piped = runner.invoke(app, ["explain", "-"], input="Hamas is based in Gaza.")
    assert piped.exit_code == 0 and "base in" in piped.stdout


def test_cli_empty_text_exits_2() -> None:
    result = runner.invoke(app, ["explain", " "])
    assert result.exit_code == EXIT_FAILED and result.stderr.startswith("kg: error:")


def test_an_attribution_is_no_verb_in_the_reasons_either() -> None:
    """"According to X": the verb rules never start from "according", and the reasons agree."""
    found = pair(explain_text("According to Connecticut Senator Richard Blumenthal, the plane crashed in Texas."),
                 "Connecticut", "Richard Blumenthal")
    assert found.relations == ()
    assert found.reason is not None and "subject of 'According'" not in found.reason


AGREEMENT_TEXTS = [
    SEED_ARTICLE.read_text("utf-8"),
    "Poland and Ukraine sign grain deal\n\nWARSAW - Polish Prime Minister Donald Tusk met Ukrainian Prime Minister "
    "Denys Shmyhal in Warsaw on Monday. Denmark sent aid.",
    "WASHINGTON (Reuters) - Apple Inc said it would buy Shazam, the music app based in London.",
]


@pytest.mark.parametrize("model", ["rules", "news"])
@pytest.mark.parametrize("number", range(len(AGREEMENT_TEXTS)))
def test_explain_shows_what_build_states(tmp_path: Path, number: int, model: str) -> None:
    """The same text, built and explained: every node's class, and every relation between two
    nodes, are the same in both (a build with the news model too)."""
    from kg.options import NEWS_MODEL, SPACY_MODEL
    from kg.pipeline import build
    from kg.sparql.query import query

    name = NEWS_MODEL if model == "news" else SPACY_MODEL
    path = tmp_path / "story.txt"
    path.write_text(AGREEMENT_TEXTS[number], "utf-8")
    graph = build([path], out_dir=None, model=name).graph
    nodes = "kg:Person, kg:Organization, kg:Group, kg:Place, kg:Country, kg:City"
    built = {tuple(str(value) for value in row) for row in query(graph, f"""
        SELECT ?s ?p ?o WHERE {{ ?a ?p ?b . ?a rdfs:label ?s ; a ?ca . ?b rdfs:label ?o ; a ?cb .
          FILTER(?ca IN ({nodes}) && ?cb IN ({nodes}) && STRSTARTS(STR(?p), STR(kg:))) }}""").rows}
    built = {(s, p.rsplit("#", 1)[-1], o) for s, p, o in built}
    classes = {(str(label), str(cls).rsplit("#", 1)[-1]) for label, cls in query(graph, """
        SELECT ?l ?c WHERE { ?n rdfs:label ?l ; a ?c . FILTER(?c IN (kg:Person, kg:Organization, kg:Group,
          kg:Place, kg:Country, kg:City)) }""").rows}
    [explained] = explain_documents(read_documents_of(path), nlp=load_pipeline(name))
    stated = {(rule.subject_node, rule.predicate, rule.object_node) for sentence in explained.sentences
              for pair in sentence.pairs for rule in pair.relations if rule.stated}
    shown = {(entity.name, entity.cls) for sentence in explained.sentences for entity in sentence.entities}
    assert stated == built
    assert classes <= shown


def read_documents_of(path: Path) -> list:
    from kg.read import read_documents

    return list(read_documents([path]))


def test_a_mistyped_file_name_is_an_error_not_a_text() -> None:
    result = CliRunner().invoke(app, ["explain", "stroy.txt"])
    assert result.exit_code == EXIT_FAILED
    assert "stroy.txt: no such file" in result.stderr
