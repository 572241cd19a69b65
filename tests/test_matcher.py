"""kg's lean matcher (kg.extraction.patterns.matcher, on its token tests) finds what spaCy's own Matcher and
DependencyMatcher find, for every row kg ships."""

from __future__ import annotations

from typing import Any

import pytest
from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc

from kg.extraction.patterns.matcher import (
    compile_dependency_pattern,
    compile_token_pattern,
    match_dependencies,
    match_tokens,
)
from kg.extraction.patterns.ruler import shipped_rows
from kg.extraction.patterns.tokens import PatternError, TokenIndex, compile_test
from kg.nlp import PATTERNS_COMPONENT, load_pipeline, parse
from kg.read import read_documents
from tests.conftest import SEEDS

MORE_TEXT = [
    "Protesters gathered outside NRC headquarters in Rockville, Md., on Monday.",
    "John Wilkes Booth, assassin of Abraham Lincoln, fled to Maryland.",
    "The cave near Haifa in northern Israel yielded a bone, and Kabul, the capital of Afghanistan, was calm.",
    "Moscow, March 5 (ITAR-TASS) -- Japanese Toyota Motor Corp. expanded in Japan.",
    "Minnesota born artist Duane Hanson and Texas-born singer Willie Nelson met CBS anchorman Dan Rather.",
]


@pytest.fixture(scope="module")
def docs() -> list[Doc]:
    nlp = load_pipeline()
    texts = [document.text for document in read_documents([SEEDS])] + MORE_TEXT
    with nlp.select_pipes(disable=[PATTERNS_COMPONENT]):
        return list(parse(texts, nlp))


def spacy_form(attributes: dict[str, Any]) -> dict[str, Any]:
    """The attributes as spaCy's matchers compare them: kg compares lemmas in lower case."""
    found = dict(attributes)
    lemma = found.get("LEMMA")
    if isinstance(lemma, dict) and "IN" in lemma:
        found["LEMMA"] = {"IN": sorted({form for word in lemma["IN"] for form in (word, word.title(), word.upper())})}
    return found


def within_steps(pattern: list[dict[str, Any]], tokens: list[int], doc: Doc) -> bool:
    """spaCy's match kept as kg's engine reads ``STEPS`` (its one addition): a ``<<`` node at most
    that many heads above its parent's token."""
    where = {node["RIGHT_ID"]: token for node, token in zip(pattern, tokens, strict=True)}
    for node in pattern:
        if "STEPS" in node:
            token, steps = doc[where[node["LEFT_ID"]]], 0
            while token.i != where[node["RIGHT_ID"]]:
                token, steps = token.head, steps + 1
            if steps > node["STEPS"]:
                return False
    return True


@pytest.mark.parametrize("row", [row for row in shipped_rows() if row.pattern.matcher != "entity"],
                         ids=lambda row: f"{row.pattern.id}@{row.pattern.source.rsplit(':', 1)[1]}")
def test_the_matcher_finds_what_spacy_finds(row: Any, docs: list[Doc]) -> None:
    pattern = row.pattern.spacy_pattern()
    names = row.pattern.token_names()
    vocab = docs[0].vocab
    for doc in docs:
        index = TokenIndex(doc)
        if row.pattern.matcher == "token":
            ours = {(start, tuple(elements)) for start, elements in match_tokens(compile_token_pattern(pattern), index)}
            matcher = Matcher(vocab)
            matcher.add("row", [[spacy_form(element) for element in pattern]])
            theirs = {(start, tuple(elements)) for _, start, _, elements in matcher(doc, with_alignments=True)}
        else:
            ours = {tuple(found[name][0] for name in names) for found in
                    match_dependencies(compile_dependency_pattern(pattern), index)}
            matcher = DependencyMatcher(vocab)
            matcher.add("row", [[{**{key: value for key, value in node.items() if key != "STEPS"},
                                  "RIGHT_ATTRS": spacy_form(node.get("RIGHT_ATTRS", {}))} for node in pattern]])
            theirs = {tuple(tokens) for _, tokens in matcher(doc) if within_steps(pattern, tokens, doc)}
        assert ours == theirs, f"{row.pattern.source}: {doc.text[:60]!r}"


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ({"SHAPE": "Xxxx"}, "not one the matcher reads"),
        ({"LOWER": {"FUZZY": "paris"}}, "only IN, NOT_IN or REGEX"),
        ({"POS": "NOUNISH"}, "no part of speech"),
        ({"IS_TITLE": "yes"}, "true or false"),
    ],
)
def test_what_the_matcher_does_not_read_is_an_error(attributes: dict[str, Any], message: str) -> None:
    with pytest.raises(PatternError, match=message):
        compile_test(attributes)


def test_a_pattern_needs_a_token_that_is_always_there() -> None:
    with pytest.raises(PatternError, match="always there"):
        compile_token_pattern([{"LOWER": "in", "OP": "?"}])


def test_steps_bounds_how_far_up_an_ancestor_is_looked_for(docs: list[Doc]) -> None:
    """``STEPS`` (kg's one addition to spaCy's syntax) keeps a ``<<`` node within n heads of its parent:
    in a list of a thousand names each item hangs off the one before, and an unbounded ``<<`` made
    every item an ancestor of every later one."""
    doc = load_pipeline().make_doc("x")  # a vocabulary for a hand-made parse: a chain of 12 tokens
    chain = Doc(doc.vocab, words=[f"w{i}" for i in range(12)], heads=[max(0, i - 1) for i in range(12)],
                deps=["ROOT"] + ["conj"] * 11)
    index = TokenIndex(chain)
    pattern = [{"RIGHT_ID": "leaf", "RIGHT_ATTRS": {"ORTH": "w11"}},
               {"LEFT_ID": "leaf", "REL_OP": "<<", "RIGHT_ID": "up"}]
    assert len(list(match_dependencies(compile_dependency_pattern(pattern), index))) == 11
    pattern[1]["STEPS"] = 3
    assert [found["up"] for found in match_dependencies(compile_dependency_pattern(pattern), index)] == \
        [(10,), (9,), (8,)]


@pytest.mark.parametrize("node", [{"REL_OP": ">", "STEPS": 2}, {"REL_OP": "<<", "STEPS": 0},
                                  {"REL_OP": "<<", "STEPS": "2"}, {"REL_OP": "<<", "STEPS": True}])
def test_steps_is_a_positive_whole_number_on_an_ancestor_node(node: dict[str, Any]) -> None:
    with pytest.raises(PatternError, match="STEPS"):
        compile_dependency_pattern([{"RIGHT_ID": "a", "RIGHT_ATTRS": {"ORTH": "x"}},
                                    {"LEFT_ID": "a", "RIGHT_ID": "b", **node}])
