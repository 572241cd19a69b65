"""The parts of kg.learn that need no training: annotations, pair features, the classifier."""

from __future__ import annotations

import json
from pathlib import Path

import numpy
import pytest
from spacy.tokens import Doc, DocBin, Span

from kg.errors import InputError, ModelError
from kg.extraction.document import analyse
from kg.learn.annotations import (
    MAX_EXAMPLE_TOKENS,
    Annotated,
    Entity,
    Relation,
    micro_scores,
    read_annotations,
    split_long,
    to_spert,
)
from kg.learn.apply import PAIR_WINDOW, candidate_pairs
from kg.learn.classifier import NO_RELATION, PairClassifier, fit
from kg.learn.features import pair_features, rule_view
from kg.learn.ner import aligned_labels
from kg.learn.trained import label_map
from kg.model import Document, EntityClass
from kg.nlp import USER_SPANS, load_pipeline

SENTENCE = {"tokens": ["Ann", "Lee", "works", "for", "Acme", "in", "Lima", "."],
            "entities": [{"type": "Peop", "start": 0, "end": 2}, {"type": "Org", "start": 4, "end": 5},
                         {"type": "Loc", "start": 6, "end": 7}],
            "relations": [{"type": "Work_For", "head": 0, "tail": 1}]}


def test_spert_json_reads_into_records_and_back(tmp_path: Path) -> None:
    path = tmp_path / "train.json"
    path.write_text(json.dumps([SENTENCE]))
    [example] = read_annotations(path)
    assert example.entities[0] == Entity(0, 2, "Peop")
    assert example.relations == (Relation(0, 1, "Work_For"),)
    assert example.relation_keys() == {(Entity(0, 2, "Peop"), Entity(4, 5, "Org"), "Work_For")}
    assert to_spert([example]) == [SENTENCE]


def test_a_docbin_keeps_relations_in_user_data(tmp_path: Path) -> None:
    nlp = load_pipeline()
    doc = Doc(nlp.vocab, words=SENTENCE["tokens"])
    doc.ents = [Span(doc, 0, 2, label="Peop"), Span(doc, 4, 5, label="Org")]
    doc.user_data["relations"] = [{"type": "Work_For", "head": 0, "tail": 1}]
    bin_ = DocBin(store_user_data=True)
    bin_.add(doc)
    bin_.to_disk(tmp_path / "train.spacy")
    [example] = read_annotations(tmp_path / "train.spacy")
    assert example.tokens == tuple(SENTENCE["tokens"])
    assert example.relation_keys() == {(Entity(0, 2, "Peop"), Entity(4, 5, "Org"), "Work_For")}


@pytest.mark.parametrize("bad, message", [
    ("not json", "cannot read annotations"),
    ('{"tokens": []}', "is a list of objects"),
    ('[{"entities": []}]', "example 1 is not SpERT JSON"),
    ('[{"tokens": ["a"], "entities": [{"type": "X", "start": 0, "end": 3}]}]', "spans tokens 0-3 of 1"),
    ('[{"tokens": ["a"], "entities": [], "relations": [{"type": "R", "head": 0, "tail": 1}]}]', "names entity 0"),
    ('[{"tokens": ["a", "b"], "entities": [{"type": null, "start": 0, "end": 1}]}]',
     "example 1: entity 0's 'type' is null, not a string"),  # was the label "None"
    ('[{"tokens": ["a", 3]}]', "example 1: token 1 is 3, not a string"),  # was the word "3"
    ('[{"tokens": ["a"], "entities": [{"type": "X", "start": "0", "end": 1}]}]',
     "example 1: entity 0's 'start' is \"0\", not a whole number"),
    ('[{"tokens": ["a"], "entities": [], "relations": [{"type": ["R"], "head": 0, "tail": 0}]}]',
     "example 1: relation 0's 'type' is list, not a string"),
    ('[{"tokens": ["a"], "entities": [{"type": "X", "start": 0, "end": 1}, {"type": "X", "start": 0, "end": 1}]}]',
     "example 1: entity 1 .* repeats entity 0"),
    ("[" * 1000 + "]" * 1000, "nested too deeply"),  # was a RecursionError traceback
])
def test_bad_annotations_say_where(tmp_path: Path, bad: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(bad)
    with pytest.raises(InputError, match=message):
        read_annotations(path)


def test_a_long_example_is_cut_after_sentence_ends_and_never_inside_an_entity() -> None:
    sentence = ("Ann", "Lee", "works", "for", "Acme", ".")
    tokens = sentence * 1000
    entities = tuple(entity for n in range(0, len(tokens), 6)
                     for entity in (Entity(n, n + 2, "Peop"), Entity(n + 4, n + 5, "Org")))
    relations = tuple(Relation(n, n + 1, "Work_For") for n in range(0, len(entities), 2))
    lines: list[str] = []
    pieces = split_long([Annotated(tokens, entities, relations), Annotated(sentence, entities[:2], relations[:1])],
                        "train.json", report=lines.append)
    assert all(len(piece.tokens) <= MAX_EXAMPLE_TOKENS and piece.tokens[-1] == "." for piece in pieces)
    assert sum(len(piece.entities) for piece in pieces) == len(entities) + 2  # every entity and relation kept
    assert sum(len(piece.relations) for piece in pieces) == len(relations) + 1
    assert pieces[-1] == Annotated(sentence, entities[:2], relations[:1])  # a short example as it was
    assert lines == [f"train.json: example 1 has 6,000 tokens: cut into {len(pieces) - 1} pieces of at most "
                     f"{MAX_EXAMPLE_TOKENS}"]


def test_candidate_pairs_of_a_long_example_grow_with_its_entities_not_their_square() -> None:
    """One example of 120,000 tokens and 40,000 entities took past 8 GB when every two were paired."""
    def pairs_of(entities: int) -> list[tuple[Span, Span, list[tuple[int, int]]]]:
        vocab = load_pipeline().vocab
        doc = Doc(vocab, words=["w"] * (3 * entities), sent_starts=[True] + [False] * (3 * entities - 1))
        doc.spans[USER_SPANS] = [Span(doc, 3 * n, 3 * n + 1 + n % 2, label="AB"[n % 2]) for n in range(entities)]
        return candidate_pairs(doc, frozenset({("A", "B"), ("B", "A"), ("A", "A")}), whole=True)

    small, large = pairs_of(600), pairs_of(1200)
    assert len(large) < 2.1 * len(small) and len(large) < 100 * 1200  # all pairs: 1200 * 1199 * 3 / 4
    assert all(max(h.end, t.end) - min(h.start, t.start) <= PAIR_WINDOW for h, t, _ in large)
    entities = sorted({h for h, _, _ in large} | {t for _, t, _ in large}, key=lambda span: span.start)
    near = [(h, t) for h in entities for t in entities if h is not t and h.label_ + t.label_ != "BB"
            and max(h.end, t.end) - min(h.start, t.start) <= PAIR_WINDOW]
    assert len(large) == len(near)  # every pair within the window, and no other
    head, tail, spans = large[len(large) // 2]
    left, right = sorted((head, tail), key=lambda span: span.start)
    between = {(s.start, s.end) for s in entities if s.start >= left.end and s.end <= right.start}
    assert between <= set(spans)  # what stands between the two is counted as before


def test_micro_scores_count_hits_over_all_examples() -> None:
    assert micro_scores([({1, 2}, {2, 3}), ({4}, {4})]) == (2 / 3, 2 / 3, pytest.approx(2 / 3))
    assert micro_scores([(set(), set())]) == (0.0, 0.0, 0.0)


def test_pair_features_read_the_rules_the_path_and_the_words() -> None:
    nlp = load_pipeline()
    doc = nlp(Doc(nlp.vocab, words="Angela Merkel works for Siemens in Berlin .".split()))
    rules = rule_view(analyse(Document(id="s", text=doc.text), doc), doc)
    person, company = Span(doc, 0, 2, label="Peop"), Span(doc, 4, 5, label="Org")
    features = pair_features(doc, person, company, rules, [(0, 2), (4, 5), (6, 7)])
    assert "kg=worksFor:fwd" in features  # the rules' own find, in the pair's direction
    assert {"types=Peop>Org", "bw=works", "bw_seq|h<t=works for", "lca=work"} <= features
    backwards = pair_features(doc, company, person, rules, [(0, 2), (4, 5), (6, 7)])
    assert "kg=worksFor:rev" in backwards and "order=t<h" in backwards


def test_the_classifier_learns_separable_pairs_and_round_trips_without_pickle(tmp_path: Path) -> None:
    pairs = [{"bias", "bw=works"}] * 6 + [{"bias", "bw=visited"}] * 6
    labels = ["Work_For"] * 6 + [NO_RELATION] * 6
    classes = (NO_RELATION, "Work_For")
    features, weights = fit(pairs, labels, classes, c=1.0)
    classifier = PairClassifier(classes, features, {"Work_For": frozenset({("Peop", "Org")})}, 0.5, weights)
    probabilities = classifier.probabilities([{"bias", "bw=works"}, {"bias", "bw=visited"}, {"unseen"}])
    decided = classifier.decide([("Peop", "Org"), ("Peop", "Org"), ("Peop", "Org")], probabilities)
    assert decided[0] is not None and decided[0][0] == "Work_For" and decided[1] is None
    assert classifier.decide([("Org", "Peop")], probabilities[:1]) == [None]  # types no relation allows
    classifier.save(tmp_path)
    assert numpy.load(tmp_path / "weights.npy", allow_pickle=False).shape == (3, 2)
    loaded = PairClassifier.load(tmp_path)
    assert numpy.allclose(loaded.probabilities([{"bias", "bw=works"}]), probabilities[:1], atol=1e-5)
    (tmp_path / "weights.npy").write_bytes(b"garbage")
    with pytest.raises(ModelError, match="cannot read the relation classifier"):
        PairClassifier.load(tmp_path)


def test_labels_are_guessed_by_common_names_or_given() -> None:
    guessed = label_map({"Peop", "ORG", "Other"}, {"Work_For", "Kill", "Funds"})
    assert guessed.entities == {"Peop": EntityClass.PERSON, "ORG": EntityClass.ORGANIZATION, "Other": None}
    assert guessed.relations == {"Work_For": "worksFor", "Kill": "killed", "Funds": None}
    given = label_map({"Other"}, {"Funds"}, {"entities": {"Other": "Group"}, "relations": {"Funds": "supports"}})
    assert given.entities == {"Other": EntityClass.GROUP} and given.relations == {"Funds": "supports"}
    with pytest.raises(InputError, match="'Gadget' for 'Other' is not a kg class"):
        label_map({"Other"}, set(), {"entities": {"Other": "Gadget"}})
    with pytest.raises(InputError, match="'pays' for 'Funds' is not a kg relation"):
        label_map(set(), {"Funds"}, {"relations": {"Funds": "pays"}})


def test_labels_align_with_the_base_label_that_covers_them_but_never_take_another_label_s_name() -> None:
    train = [Annotated(("Mount", "Rainier", "and", "Lake", "Como"),
                       (Entity(0, 2, "Mountain"), Entity(3, 5, "LOC")), ())]
    base_finds = [[Entity(0, 2, "LOC"), Entity(3, 5, "LOC")]]
    assert aligned_labels(train, base_finds) == {"LOC": "LOC"}  # "Mountain" would have become the user's LOC
    people = [Annotated(("Ann", "Lee", "spoke"), (Entity(0, 2, "Peop"),), ())]
    assert aligned_labels(people, [[Entity(0, 2, "PERSON")]]) == {"Peop": "PERSON"}
    assert aligned_labels(people, [[]]) == {}
