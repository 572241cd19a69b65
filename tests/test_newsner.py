"""The news model's NER: annotated names as NER examples, trained, kept only when better, loaded in the base's place."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import ModelError
from kg.learn.newsfacts import read_news_facts
from kg.learn.newsner import ner_examples, save_news_ner, train_news_ner, with_news_ner
from kg.nlp import assemble_pipeline, load_pipeline
from kg.options import NEWS_MODEL_NER, SPACY_MODEL, TRAINED_MODEL_META
from tests.test_news import news_folder

TEXT = ("Ingrid Falk, the mayor of Tromso, met officials of Nordvik Energy at the Polar Museum on Monday. "
        "Falk said Norway and the Sami would be heard.")


def one_article(tmp_path: Path) -> Path:
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "articles.jsonl").write_text(json.dumps({"id": "a", "title": "Tromso", "text": TEXT}) + "\n", "utf-8")
    entities = [{"id": "p", "class": "Person", "names": ["Ingrid Falk", "Falk"]},
                {"id": "t", "class": "City", "names": ["Tromso"]},
                {"id": "o", "class": "Organization", "names": ["Nordvik Energy"]},
                {"id": "m", "class": "Place", "names": ["Polar Museum"]},
                {"id": "n", "class": "Country", "names": ["Norway"]},
                {"id": "s", "class": "Group", "names": ["Sami"]},
                {"id": "r", "class": "Role", "names": ["mayor"]}]
    facts = [{"s": "p", "rel": "leads", "o": "t", "factuality": "asserted", "evidence": TEXT.split(" Falk said")[0]}]
    (folder / "gold.jsonl").write_text(json.dumps({"doc": "a", "entities": entities, "facts": facts}) + "\n", "utf-8")
    return folder


def test_every_annotated_name_is_an_entity_under_the_label_the_rules_read(tmp_path: Path) -> None:
    articles, _ = read_news_facts(one_article(tmp_path))
    examples = ner_examples(articles, load_pipeline(SPACY_MODEL))
    found = {(" ".join(example.tokens[e.start:e.end]), e.label) for example in examples for e in example.entities}
    by_name = dict(found)
    assert by_name["Ingrid Falk"] == by_name["Falk"] == "PERSON" and by_name["Nordvik Energy"] == "ORG"
    assert by_name["Tromso"] == by_name["Norway"] == "GPE"
    assert by_name["Polar Museum"] in ("GPE", "LOC", "FAC")  # a Place: the base NER's place label, else LOC
    assert "Sami" not in by_name and "mayor" not in by_name  # groups and roles stay the base NER's and the rules'
    assert len(examples) == 2  # a sentence an example


@pytest.mark.training
def test_the_ner_is_kept_only_when_it_beats_the_base_ner_on_dev(tmp_path: Path) -> None:
    train, _ = read_news_facts(news_folder(tmp_path / "train", 0, 12))
    dev, _ = read_news_facts(news_folder(tmp_path / "dev", 12, 4))
    lines: list[str] = []
    found = train_news_ner(train, dev, SPACY_MODEL, seed=0, report=lines.append)
    assert (found.weights is not None) == (found.dev_f1 > found.base_dev_f1)
    assert any(line.startswith("NER epoch 1:") for line in lines) and "base NER's" in lines[-1]
    again = train_news_ner(train, dev, SPACY_MODEL, seed=0)
    assert again == found  # the same data and seed: the same weights


def test_a_news_model_reads_with_its_ner_and_a_damaged_one_says_so(tmp_path: Path) -> None:
    base = assemble_pipeline(SPACY_MODEL)
    tuned = with_news_ner(assemble_pipeline(SPACY_MODEL), None)
    assert tuned.get_pipe("ner").to_bytes() == base.get_pipe("ner").to_bytes()  # type: ignore[attr-defined]
    ner = base.get_pipe("ner")
    ner.model.get_ref("lower").get_param("W")[:] += 0.5  # type: ignore[attr-defined]  # weights of its own
    model = tmp_path / "model"
    model.mkdir()
    (model / TRAINED_MODEL_META).write_text(json.dumps({"format": "kg-news-model/1", "base": SPACY_MODEL}), "utf-8")
    save_news_ner(base, model / NEWS_MODEL_NER)
    loaded = assemble_pipeline(str(model))
    assert loaded.get_pipe("ner").to_bytes(exclude=["vocab"]) == ner.to_bytes(exclude=["vocab"])  # type: ignore[attr-defined]
    (model / NEWS_MODEL_NER / "model").write_bytes(b"not weights")
    with pytest.raises(ModelError, match="the news model's ner/ cannot be loaded"):
        assemble_pipeline(str(model))


@pytest.mark.training
def test_kg_train_ner_trains_the_ner_only_when_asked(tmp_path: Path) -> None:
    train, dev = news_folder(tmp_path / "train", 0, 12), news_folder(tmp_path / "dev", 12, 4)
    model = tmp_path / "model"
    done = subprocess.run([sys.executable, "-m", "kg", "train", "--data", str(train), "--dev", str(dev), "--out",
                           str(model), "--ner"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    meta = json.loads((model / TRAINED_MODEL_META).read_text("utf-8"))
    assert (model / NEWS_MODEL_NER).is_dir() == meta["ner"]["kept"]  # written only when it beat the base NER
    assert "NER epoch 1:" in done.stderr and "the NER fine-tuned" in (model / "README.md").read_text("utf-8")
