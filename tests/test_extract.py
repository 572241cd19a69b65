from __future__ import annotations

from collections.abc import Callable

import pytest

from kg.model import DocumentAnalysis


def relations(analysis: DocumentAnalysis) -> set[tuple[str, str, str, str]]:
    names = [mention.name for mention in analysis.mentions]
    return {
        (names[r.subject], r.predicate or r.verb, names[r.object], r.factuality)
        for r in analysis.relations
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Blinken will meet with Netanyahu in Tel Aviv.", ("Blinken", "meet with", "Netanyahu", "planned")),
        ("Blinken is traveling to Israel.", ("Blinken", "travel to", "Israel", "asserted")),
        ("Antony Blinken plans to visit Israel this Friday.", ("Antony Blinken", "visit", "Israel", "planned")),
        ("Blinken wants to get Netanyahu to agree.", ("Blinken", "get", "Netanyahu", "hypothetical")),
        ("Obama did not meet Putin.", ("Obama", "meet", "Putin", "negated")),
        ("Reuters reported that Macron met Scholz.", ("Macron", "meet", "Scholz", "reported")),
        ("Angela Merkel held talks with Emmanuel Macron.",
         ("Angela Merkel", "hold talk with", "Emmanuel Macron", "asserted")),
        ("Lee Harvey Oswald was killed by Jack Ruby.", ("Jack Ruby", "kill", "Lee Harvey Oswald", "asserted")),
        ("Hamas is based in Gaza.", ("Hamas", "base in", "Gaza", "asserted")),
        ("Biden and Xi met Modi.", ("Xi", "meet", "Modi", "asserted")),
        ("John Kirby, White House national security spokesman, spoke.",
         ("John Kirby", "spokespersonFor", "White House", "asserted")),
        ("Blinken comes at a climax in the Gaza Strip, as Israeli soldiers end the siege of Gaza City, "
         "the territory’s capital, and face off with Hamas militants.",
         ("Gaza City", "locatedIn", "Gaza Strip", "asserted")),
    ],
)
def test_rules_find_the_relation(
    analyse_text: Callable[[str], DocumentAnalysis], text: str, expected: tuple[str, str, str, str]
) -> None:
    assert expected in relations(analyse_text(text))


def test_negation_is_not_also_asserted(analyse_text: Callable[[str], DocumentAnalysis]) -> None:
    found = relations(analyse_text("Obama did not meet Putin."))
    assert {f for s, v, o, f in found if (s, v, o) == ("Obama", "meet", "Putin")} == {"negated"}


def test_possessor_is_not_the_argument(analyse_text: Callable[[str], DocumentAnalysis]) -> None:
    found = relations(analyse_text("Blinken wants to get Benjamin Netanyahu’s government to agree."))
    assert not any(obj == "Benjamin Netanyahu" for _, _, obj, _ in found)


def test_time_expression_is_kept(analyse_text: Callable[[str], DocumentAnalysis]) -> None:
    analysis = analyse_text("Antony Blinken plans to visit Israel this Friday.")
    [visit] = [r for r in analysis.relations if r.verb == "visit"]
    assert visit.time == "this Friday"
    assert analysis.sentences[visit.sentence].text == "Antony Blinken plans to visit Israel this Friday."


def test_sentence_offsets_point_into_the_text(analyse_text: Callable[[str], DocumentAnalysis]) -> None:
    text = "Headline about Cairo\nEgypt hosted Blinken in Cairo. Sisi met Blinken."
    analysis = analyse_text(text)
    for relation in analysis.relations:
        sentence = analysis.sentences[relation.sentence]
        assert text[sentence.start:sentence.end].strip() == sentence.text


def test_no_relation_without_two_entities(analyse_text: Callable[[str], DocumentAnalysis]) -> None:
    assert analyse_text("It rained all day and nobody came.").relations == ()
