"""kg evaluate: kg's extraction scored against gold data, exactly as the shared SpERT scorer does."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import InputError
from kg.evaluate import evaluate, load_mapping, relation_label, score
from tests.conftest import ROOT

SHARED_EVAL = ROOT.parent / "shared" / "eval"

# Three small sentences, annotated by hand for this test (not taken from any corpus).
GOLD = [
    {"tokens": ["Angela", "Merkel", "met", "Emmanuel", "Macron", "in", "Paris", "."],
     "entities": [{"type": "Peop", "start": 0, "end": 2}, {"type": "Peop", "start": 3, "end": 5},
                  {"type": "Loc", "start": 6, "end": 7}],
     "relations": []},
    {"tokens": ["John", "Kirby", ",", "a", "spokesman", "for", "the", "Pentagon", ",", "spoke", "."],
     "entities": [{"type": "Peop", "start": 0, "end": 2}, {"type": "Org", "start": 7, "end": 8}],
     "relations": [{"type": "Work_For", "head": 0, "tail": 1}]},
    {"tokens": ["Hamas", "is", "based", "in", "Gaza", "."],
     "entities": [{"type": "Org", "start": 0, "end": 1}, {"type": "Loc", "start": 4, "end": 5}],
     "relations": [{"type": "OrgBased_In", "head": 0, "tail": 1}]},
]


@pytest.fixture
def gold_file(tmp_path: Path) -> Path:
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(GOLD), "utf-8")
    return path


def test_predictions_align_with_gold_tokens_and_score(gold_file: Path) -> None:
    result = evaluate(gold_file)
    assert [p["tokens"] for p in result.predictions] == [g["tokens"] for g in GOLD]
    kirby = result.predictions[1]
    labelled = {(e["start"], e["end"], e["type"]) for e in kirby["entities"]}
    assert (0, 2, "Peop") in labelled and (7, 8, "Org") in labelled
    spans = [(e["start"], e["end"]) for e in kirby["entities"]]
    related = {(spans[r["head"]], spans[r["tail"]], r["type"]) for r in kirby["relations"]}
    assert ((0, 2), (7, 8), "Work_For") in related
    assert result.scores["entities"]["micro"]["f1"] > 0.8
    assert result.scores["relations_strict"]["micro"]["f1"] > 0.6


@pytest.mark.slow
def test_scores_agree_with_the_shared_scorer(gold_file: Path) -> None:
    scorer_path = SHARED_EVAL / "score_spert.py"
    if not scorer_path.exists():
        pytest.skip("shared/eval/score_spert.py is not beside this checkout")
    spec = importlib.util.spec_from_file_location("score_spert", scorer_path)
    assert spec is not None and spec.loader is not None
    shared = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shared)
    dev = SHARED_EVAL / "conll04" / "dev.json"
    for gold_path in (gold_file, dev):
        if not gold_path.exists():
            continue
        result = evaluate(gold_path)
        gold = json.loads(gold_path.read_text("utf-8"))
        assert result.scores == shared.score(gold, result.predictions)
        assert score(gold, result.predictions) == result.scores


def test_cli_writes_predictions_and_json(gold_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "pred.json"
    result = runner.invoke(app, ["evaluate", "--gold", str(gold_file), "--map", "conll04", "--predictions-out",
                                 str(out), "--json"])
    assert result.exit_code == 0, result.stderr
    numbers = json.loads(result.stdout)
    assert set(numbers) >= {"entities", "relations_strict", "relations_boundaries", "sentences_per_second"}
    assert len(json.loads(out.read_text("utf-8"))) == 3
    text = runner.invoke(app, ["evaluate", "--gold", str(gold_file)])
    assert text.exit_code == 0 and text.stdout.startswith("entities")


def test_bad_mapping_and_gold_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="conll04"):
        load_mapping("nope")
    broken = tmp_path / "gold.json"
    broken.write_text("{}", "utf-8")
    with pytest.raises(InputError, match="SpERT format"):
        evaluate(broken)


def test_relation_label_depends_on_the_gold_types_when_the_mapping_says_so() -> None:
    relations = load_mapping("conll04")["relations"]
    assert relation_label(relations, "worksFor", "Peop", "Org") == "Work_For"
    assert relation_label(relations, "worksFor", "Peop", "Loc") == "Live_In"  # "US Ambassador X" lives there
    assert relation_label(relations, "killed", "Org", "Peop") is None  # CoNLL04 kills are between people
    assert relation_label({"meets": "Meet"}, "meets", "Peop", "Org") == "Meet"


def test_town_and_state_score_as_one_place_where_the_mapping_joins_them(tmp_path: Path) -> None:
    born = {"tokens": ["Ann", "Lee", "was", "born", "in", "Fresno", ",", "Calif.", "."],
            "entities": [{"type": "Peop", "start": 0, "end": 2}, {"type": "Loc", "start": 5, "end": 8}],
            "relations": [{"type": "Live_In", "head": 0, "tail": 1}]}
    path = tmp_path / "born.json"
    path.write_text(json.dumps([born]), "utf-8")
    [prediction] = evaluate(path).predictions
    assert {(e["start"], e["end"], e["type"]) for e in prediction["entities"]} == {(0, 2, "Peop"), (5, 8, "Loc")}
    assert prediction["relations"] == [{"type": "Live_In", "head": 0, "tail": 1}]


def test_town_and_state_stay_apart_outside_a_birthplace(tmp_path: Path) -> None:
    moved = {"tokens": ["Ann", "Lee", "moved", "to", "Fresno", ",", "Calif.", "."],
             "entities": [{"type": "Peop", "start": 0, "end": 2}, {"type": "Loc", "start": 4, "end": 5},
                          {"type": "Loc", "start": 6, "end": 7}],
             "relations": [{"type": "Located_In", "head": 1, "tail": 2}]}
    path = tmp_path / "moved.json"
    path.write_text(json.dumps([moved]), "utf-8")
    [prediction] = evaluate(path).predictions
    assert {(e["start"], e["end"]) for e in prediction["entities"]} >= {(4, 5), (6, 7)}
