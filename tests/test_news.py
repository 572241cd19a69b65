"""The news model: the one kg ships (the default), --rules-only, and kg train on news-facts folders.

The rest of the suite runs with the spaCy pipeline alone ($KG_MODEL, tests/conftest.py); these
tests take that setting away where they test the default.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy
import pytest

from kg.errors import ModelError
from kg.learn.classifier import CONFIG_FILE, WEIGHTS_FILE
from kg.learn.news import FORMAT, LEARNED_RULE, is_news_model, load_news_model
from kg.learn.newstrain import SAYS_CAP, folds
from kg.model import DocumentAnalysis
from kg.nlp import model_name
from kg.options import (
    MODEL_ENV_VAR,
    NEWS_MODEL,
    NEWS_MODEL_NER,
    SPACY_MODEL,
    TRAINED_MODEL_META,
    chosen_model,
    rules_only,
)

Analyse = Callable[[str], DocumentAnalysis]
ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
KG = [sys.executable, "-m", "kg"]

PEOPLE = ["Anna Berg", "Carlos Diaz", "Mei Chen", "Omar Farouk", "Lena Novak", "Tom Hale", "Rita Moss",
          "Ivan Petrov", "Sara Quinn", "Paul Grant", "Nora Vance", "Eli Stone", "Kate Lund", "Hugo Marsh",
          "Dina Cole", "Raj Patel"]
COMPANIES = ["Acme Corp", "Globex", "Initech", "Umbrella Group", "Hooli", "Vandelay Industries", "Stark Industries",
             "Wayne Enterprises"]
CITIES = ["Lyon", "Porto", "Gdansk", "Turin", "Leeds", "Bergen", "Graz", "Malmo"]


def news_folder(path: Path, start: int, count: int) -> Path:
    """``count`` small articles in the news-facts format: who runs which company, who visits where."""
    path.mkdir(parents=True)
    articles, gold = [], []
    for n in range(start, start + count):
        person, other = PEOPLE[n % len(PEOPLE)], PEOPLE[(n + 5) % len(PEOPLE)]
        company, city = COMPANIES[n % len(COMPANIES)], CITIES[n % len(CITIES)]
        lines = [f"{person}, the chief executive of {company}, visited {city} on Monday.",
                 f"{other} praised {person} after the trip.",
                 f"{company} said it would open an office in {city} next year."]
        articles.append({"id": f"doc-{n}", "title": f"{person} in {city}", "url": f"https://example.org/{n}",
                         "text": "\n\n".join(lines)})
        gold.append({"doc": f"doc-{n}", "entities": [
            {"id": "p", "class": "Person", "names": [person]}, {"id": "q", "class": "Person", "names": [other]},
            {"id": "c", "class": "Organization", "names": [company]}, {"id": "t", "class": "City", "names": [city]}],
            "facts": [{"s": "p", "rel": "leads", "o": "c", "factuality": "asserted", "evidence": lines[0]},
                      {"s": "p", "rel": "visits", "o": "t", "factuality": "asserted", "evidence": lines[0]},
                      {"s": "q", "rel": "supports", "o": "p", "factuality": "asserted", "evidence": lines[1]}]})
    (path / "articles.jsonl").write_text("".join(json.dumps(a) + "\n" for a in articles), "utf-8")
    (path / "gold.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold), "utf-8")
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A news model trained by ``kg train`` on a small made-up folder: (model, train, dev)."""
    root = tmp_path_factory.mktemp("news")
    train, dev = news_folder(root / "train", 0, 12), news_folder(root / "dev", 12, 4)
    model = root / "model"
    done = subprocess.run([*KG, "train", "--data", str(train), "--dev", str(dev), "--out", str(model)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "12 articles, 48 entities" in done.stderr and "36 facts: 36 aligned" in done.stderr
    assert "facts, 5-fold cross-validation" in done.stdout and "facts on dev" in done.stdout
    return model, train, dev


def test_the_news_model_kg_ships_is_the_default_and_reads_with_the_spacy_pipeline(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MODEL_ENV_VAR, raising=False)
    assert model_name() == NEWS_MODEL and is_news_model(NEWS_MODEL)
    model = load_news_model(NEWS_MODEL)
    assert model.meta["format"] == FORMAT and model.base == SPACY_MODEL
    assert rules_only(NEWS_MODEL) == SPACY_MODEL == chosen_model(None, True)
    assert chosen_model("en_core_web_md", True) == "en_core_web_md" and chosen_model(None, False) is None
    # readable arrays and JSON, never a pickle
    weights = numpy.load(Path(NEWS_MODEL) / "classifier" / WEIGHTS_FILE, allow_pickle=False)
    config = json.loads((Path(NEWS_MODEL) / "classifier" / CONFIG_FILE).read_text("utf-8"))
    assert weights.shape == (len(config["features"]), len(config["classes"])) and weights.dtype == numpy.float32
    card = (Path(NEWS_MODEL) / "README.md").read_text("utf-8")
    assert "CC BY 2.5" in card and "Wikinews" in card and model.meta["trained"] in card
    size = sum(path.stat().st_size for path in Path(NEWS_MODEL).rglob("*") if path.is_file())
    assert size < 20_000_000


def test_a_default_build_uses_the_news_model_offline_and_is_the_same_twice(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MODEL_ENV_VAR, raising=False)
    from kg.pipeline import build

    def no_network(*args: object, **kwargs: object) -> socket.socket:
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "socket", no_network)
    first, second = (build([SEEDS], out_dir=tmp_path / name, html=False) for name in ("one", "two"))
    text = first.written[0].read_bytes()
    assert text == second.written[0].read_bytes()
    assert f'kg:rule "{LEARNED_RULE}"'.encode() in text  # the model stated relations of its own


@pytest.mark.slow
def test_rules_only_is_the_spacy_pipeline_alone(tmp_path: Path) -> None:
    env = {key: value for key, value in __import__("os").environ.items() if key != MODEL_ENV_VAR}
    outputs = {}
    for name, flags in (("rules-only", ["--rules-only"]), ("spacy", ["--model", SPACY_MODEL]), ("default", [])):
        done = subprocess.run([*KG, "build", str(SEEDS), "--out", str(tmp_path / name), "--no-html", "-q", *flags],
                              capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
        outputs[name] = (tmp_path / name / "graph.ttl").read_bytes()
    assert outputs["rules-only"] == outputs["spacy"]
    assert b'"learned"' not in outputs["rules-only"]
    assert outputs["default"] != outputs["rules-only"]


def test_cross_validation_folds_split_by_article() -> None:
    found = folds(96, 5, seed=0)
    assert len(found) == 5 and set().union(*found) == set(range(96))
    assert sum(len(fold) for fold in found) == 96  # no article in two folds
    assert found == folds(96, 5, seed=0) and found != folds(96, 5, seed=1)


def test_the_checks_labels_say_which_of_the_rules_statements_the_annotations_hold(tmp_path: Path) -> None:
    from kg.extraction.document import analyse
    from kg.learn.newsfacts import read_news_facts
    from kg.learn.newsstatements import RIGHT, WRONG, statements_to_check
    from kg.learn.newstrain import gold_check_labels
    from kg.nlp import load_pipeline

    [article], _ = read_news_facts(news_folder(tmp_path / "one", 0, 1))
    checked = statements_to_check(analyse(article.document, load_pipeline()(article.document.text)))
    labels = {(statement.subject.name, relation, statement.object.name): label
              for (statement, relation), label in zip(checked, gold_check_labels(article, checked), strict=True)}
    assert labels[("Anna Berg", "leads", "Acme Corp")] == RIGHT  # annotated
    assert labels[("Tom Hale", "supports", "Anna Berg")] == RIGHT
    assert labels[("Anna Berg", "holdsRole", "chief executive")] == WRONG  # the made-up gold has no roles
    capped = replace(article, facts=article.facts + tuple(replace(article.facts[0], relation="says")
                                                          for _ in range(SAYS_CAP)))
    said = [relation for _, relation in checked]
    assert [label for label, relation in zip(gold_check_labels(capped, checked), said, strict=True)
            if relation == "says"] == [None] * said.count("says")  # past the cap, an unannotated says is not wrong


def test_training_scores_each_keep_with_the_check_and_keeps_all_when_it_costs_f1(tmp_path: Path) -> None:
    from kg.learn.classifier import PairClassifier
    from kg.learn.news import Thresholds
    from kg.learn.newsfacts import read_news_facts
    from kg.learn.newsstatements import CLASSES, RIGHT
    from kg.learn.newstrain import _most_precise, fact_scores, fit_classifier, parse_articles
    from kg.nlp import load_pipeline

    articles, _ = read_news_facts(news_folder(tmp_path / "some", 0, 6))
    parsed = parse_articles(articles, load_pipeline())
    classifier = fit_classifier(parsed, 0.1)
    doubting = numpy.zeros((1, len(CLASSES)))  # a check that finds every statement 0.1 likely right
    doubting[0, CLASSES.index(RIGHT)] = -numpy.log(9)
    check = PairClassifier(CLASSES, ("bias",), {RIGHT: frozenset()}, 0.5, doubting)
    grid = [Thresholds(1.01), Thresholds(1.01, 0.05), Thresholds(1.01, 0.2)]
    (kept_right, kept_stated, gold), (sure_right, sure_stated, _), (out_right, out_stated, _) = fact_scores(
        parsed, classifier, check, grid)
    assert kept_stated > 0 and (sure_right, sure_stated) == (kept_right, kept_stated)  # 0.1 >= 0.05: all stay
    assert out_stated < kept_stated  # 0.1 < 0.2: the rules' statements in the guidelines' relations go
    assert gold == sum(len(article.facts) for article in articles)
    first, costly, precise = ((0.1, Thresholds(0.4), (0.70, 0.40, 0.50), None),
                              (0.1, Thresholds(0.4, 0.2), (0.80, 0.30, 0.44), None),
                              (0.1, Thresholds(0.4, 0.1), (0.74, 0.39, 0.51), None))
    assert _most_precise([first, costly], 0.50, tolerance=0.0) is first  # precision may not cost F1
    assert _most_precise([first, costly, precise], 0.50, tolerance=0.0) is precise


def with_says_check(model: str | Path, copy: Path) -> Path:
    """A copy of a news model with a check of the rules' statements that finds every says
    statement unlikely right (0.12) and keeps the rest: the check's plumbing, whatever check
    ``kg train`` chose for the shipped model (it keeps all when a check costs F1)."""
    import shutil

    from kg.learn.classifier import PairClassifier
    from kg.learn.news import STATEMENTS_DIR
    from kg.learn.newsstatements import CLASSES, RIGHT

    shutil.copytree(model, copy)
    weights = numpy.array([[0.0, 0.0], [1.0, -1.0]])  # bias, relation=says: P(right) = 1 / (1 + e^2)
    PairClassifier(CLASSES, ("bias", "relation=says"), {RIGHT: frozenset()}, 0.5, weights).save(copy / STATEMENTS_DIR)
    meta = json.loads((copy / TRAINED_MODEL_META).read_text("utf-8"))
    meta["thresholds"]["keep"] = 0.3
    (copy / TRAINED_MODEL_META).write_text(json.dumps(meta), "utf-8")
    load_news_model.cache_clear()
    return copy


def test_a_news_model_whose_check_is_missing_says_so(tmp_path: Path) -> None:
    import shutil

    copy = with_says_check(NEWS_MODEL, tmp_path / "news")
    assert load_news_model(str(copy)).keep > 0
    shutil.rmtree(copy / "statements")
    load_news_model.cache_clear()
    with pytest.raises(ModelError, match="the check .* is missing"):
        load_news_model(str(copy))


def test_kg_train_writes_a_news_model_that_builds(trained: tuple[Path, Path, Path], tmp_path: Path) -> None:
    model, _, dev = trained
    meta = json.loads((model / TRAINED_MODEL_META).read_text("utf-8"))
    assert meta["format"] == FORMAT and meta["data"]["train"]["articles"] == 12
    assert set(meta["relations"]) <= {"leads", "visits", "supports"}
    assert not (model / "pipeline").exists()  # it reads with the base pipeline it names
    assert not (model / NEWS_MODEL_NER).exists() and "ner" not in meta  # the NER is fine-tuned only with --ner
    done = subprocess.run([*KG, "build", str(dev / "articles.jsonl"), "--model", str(model), "--out",
                           str(tmp_path / "out"), "--no-html", "-q"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "graph.ttl").stat().st_size > 0


def test_the_same_data_and_seed_give_the_same_weights(trained: tuple[Path, Path, Path], tmp_path: Path) -> None:
    model, train, dev = trained
    again = tmp_path / "again"
    subprocess.run([*KG, "train", "--data", str(train), "--dev", str(dev), "--out", str(again), "-q"], check=True,
                   capture_output=True)
    for part in ("classifier", "entities", "statements"):
        assert (again / part).is_dir() == (model / part).is_dir()
        for name in (WEIGHTS_FILE, CONFIG_FILE) if (model / part).is_dir() else ():
            assert (again / part / name).read_bytes() == (model / part / name).read_bytes()


def test_bad_annotations_train_nothing_and_leave_the_old_model(trained: tuple[Path, Path, Path],
                                                               tmp_path: Path) -> None:
    model, train, dev = trained
    before = {path: path.read_bytes() for path in model.rglob("*") if path.is_file()}
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "articles.jsonl").write_bytes((train / "articles.jsonl").read_bytes())
    lines = (train / "gold.jsonl").read_text("utf-8").splitlines()
    record = json.loads(lines[3])
    record["facts"][1]["rel"] = "teleports"
    lines[3] = json.dumps(record)
    (bad / "gold.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    done = subprocess.run([*KG, "train", "--data", str(bad), "--dev", str(dev), "--out", str(model)],
                          capture_output=True, text=True)
    assert done.returncode != 0
    [error] = [line for line in done.stderr.splitlines() if "error" in line]
    assert "doc-3: fact 2 (p teleports t): unknown relation 'teleports'" in error
    assert {path: path.read_bytes() for path in model.rglob("*") if path.is_file()} == before


def test_a_damaged_news_model_says_so(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / TRAINED_MODEL_META).write_text(json.dumps({"format": FORMAT, "base": SPACY_MODEL}), "utf-8")
    with pytest.raises(ModelError, match="cannot read the relation classifier"):
        load_news_model(str(broken))


def test_a_common_noun_in_apposition_is_proposed_as_a_role(analyse_text: Analyse) -> None:
    from kg.learn.news import PROPOSED_ROLE, proposed_roles
    from kg.nlp import load_pipeline

    text = "Nabil Hasan, a videojournalist from Yemen, died in the city of Aden on Tuesday."
    doc = load_pipeline()(text)
    analysis = analyse_text(text)
    found = [(person.text, role.text, role.label, how) for person, role, how in proposed_roles(analysis, doc)]
    assert found == [("Nabil Hasan", "videojournalist", PROPOSED_ROLE, "appos")]


def test_entity_decisions_take_out_a_name_with_its_relations_and_change_a_class(analyse_text: Analyse) -> None:
    from kg.learn.classifier import PairClassifier
    from kg.learn.newsentities import EntityThresholds, entity_candidates, with_entity_decisions
    from kg.model import EntityClass

    analysis = analyse_text("Blinken will meet with Netanyahu in Jerusalem on Friday.")
    found = entity_candidates(analysis)
    names = [candidate.name for candidate in found]
    assert "Netanyahu" in names and "Jerusalem" in names
    classes = ("NONE", "Group", "Organization", "Person", "Place")
    classifier = PairClassifier(classes, ("bias",), {label: frozenset() for label in classes[1:]}, 0.5,
                                numpy.zeros((1, len(classes))))
    rows = numpy.array([[0.9, 0, 0, 0.1, 0] if c.name == "Netanyahu" else
                        [0, 0, 0.8, 0.1, 0.1] if c.name == "Jerusalem" else
                        numpy.eye(len(classes))[classes.index(str(c.cls))] for c in found])
    after = with_entity_decisions(analysis, found, rows, classifier, EntityThresholds(drop=0.7, change=0.5))
    assert "Netanyahu" not in {mention.name for mention in after.mentions}
    assert not any("Netanyahu" in {m.name for m in after.mentions if m.id in (r.subject, r.object)}
                   for r in after.relations)
    assert len(after.relations) < len(analysis.relations)  # "meet with Netanyahu" went with him
    assert {m.cls for m in after.mentions if m.name == "Jerusalem"} == {EntityClass.ORGANIZATION}
    kept = with_entity_decisions(analysis, found, rows, classifier, EntityThresholds(drop=0.95, change=0.95))
    assert kept == analysis  # below both thresholds nothing changes


def test_reading_only_the_pairs_a_relation_allows_decides_the_same(analyse_text: Analyse) -> None:
    from kg.learn.news import document_features, entities_decided, with_decisions
    from kg.nlp import load_pipeline

    model = load_news_model(NEWS_MODEL)
    # a build reads only the allowed pairs unless a check of the rules' statements reads them all
    assert model.pairs_read == (None if model.keep > 0 else model.classifier.type_pairs)
    text = ("US Secretary of State Antony Blinken met Benjamin Netanyahu and the mayor of Jerusalem in Jerusalem "
            "on Friday.")
    doc = load_pipeline()(text)
    analysis = entities_decided(analyse_text(text), doc, model)

    def decided(types: frozenset[tuple[str, str]] | None) -> tuple[int, DocumentAnalysis]:
        found, rows = document_features(analysis, doc, types)
        return len(found), with_decisions(analysis, found, model.classifier.probabilities(rows), model.classifier,
                                          model.thresholds)

    (every, all_read), (some, filtered) = decided(None), decided(model.classifier.type_pairs)
    assert some < every  # pairs no relation allows (a role first) were left unread
    assert filtered == all_read
    assert any(relation.rule == LEARNED_RULE for relation in filtered.relations)  # and the model did add


def test_kg_explain_shows_what_the_news_model_weighs() -> None:
    from kg.explain import explain_documents
    from kg.learn.newsfacts import RELATIONS
    from kg.nlp import load_pipeline
    from kg.read import text_document

    model = load_news_model(NEWS_MODEL)
    [found] = explain_documents([text_document("Blinken is a citizen of the United States.")],
                                nlp=load_pipeline(NEWS_MODEL))
    notes = [note for sentence in found.sentences for note in sentence.learned]
    assert notes and all(note.model.startswith("news model") for note in notes)
    assert all(note.relation in RELATIONS and note.kept == (note.probability >= model.thresholds.add)
               for note in notes)
    assert any(note.head == "Blinken" and note.tail == "United States" for note in notes)
    [rules_only] = explain_documents([text_document("Blinken is a citizen of the United States.")],
                                     nlp=load_pipeline(SPACY_MODEL))
    assert not any(sentence.learned for sentence in rules_only.sentences)


def test_kg_explain_shows_the_rules_statements_the_check_takes_out_and_a_build_leaves_them_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.explain import explain_documents
    from kg.nlp import load_pipeline
    from kg.pipeline import build
    from kg.read import text_document

    text = "CBS News reported, citing Harvard University data, there were over 1,000 deaths on Wednesday."
    checked = str(with_says_check(NEWS_MODEL, tmp_path / "checked"))
    [found] = explain_documents([text_document(text)], nlp=load_pipeline(checked))
    [note] = [note for sentence in found.sentences for note in sentence.learned
              if (note.head, note.tail) == ("CBS News", "Harvard University")]
    assert note.rules == ("says taken out by the check",) and not note.kept
    (tmp_path / "story.txt").write_text(text, "utf-8")
    monkeypatch.delenv(MODEL_ENV_VAR, raising=False)
    for model, says in ((checked, False), (SPACY_MODEL, True)):  # a news model with the check, the rules alone
        [graph] = build([tmp_path / "story.txt"], out_dir=tmp_path / str(model), model=model, html=False).written
        assert ("kg:says" in graph.read_text("utf-8")) == says
