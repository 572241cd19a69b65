"""kg train end to end on a tiny synthetic set made here, then the model at work in build,
evaluate and explain, with the real spaCy pipeline."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy
import pytest
from rdflib import Graph
from typer.testing import CliRunner

from kg.cli import app
from kg.learn.trained import load_model
from kg.options import TRAINED_MODEL_META

runner = CliRunner()

PEOPLE = ["Maria Costa", "Peter Hall", "Julia Weiss", "Omar Haddad", "Lena Novak", "David Brooks", "Sara Lind",
          "Tom Baker", "Nina Park", "Paul Grant", "Rosa Silva", "Ivan Petrov"]
COMPANIES = ["Initech", "Globex", "Hooli", "Vandelay", "Dunder", "Wonka", "Cyberdyne", "Soylent"]
TOWNS = ["Lagos", "Quito", "Oslo", "Hanoi", "Perth", "Dakar", "Lyon", "Cusco"]
#: (template, its relation between the first two slots or None); slots: P person, C company, T town.
TEMPLATES = [
    ("P works for C .", "Work_For"), ("P , a manager at C , spoke .", "Work_For"),
    ("C bankrolls C .", "Funds"), ("C quietly bankrolls C .", "Funds"),
    ("C is based in T .", "OrgBased_In"), ("P visited T last week .", None), ("P met P in T .", None),
]
LABELS = {"P": "Peop", "C": "Org", "T": "Loc"}


def synthetic(count: int, seed: int) -> list[dict[str, Any]]:
    """SpERT examples from the templates, names drawn with the seed."""
    draw = random.Random(seed)
    pools = {"P": PEOPLE, "C": COMPANIES, "T": TOWNS}
    examples = []
    for number in range(count):
        template, relation = TEMPLATES[number % len(TEMPLATES)]
        tokens: list[str] = []
        entities = []
        used: set[str] = set()
        for slot in template.split():
            if slot in pools:
                name = draw.choice([n for n in pools[slot] if n not in used])
                used.add(name)
                entities.append({"type": LABELS[slot], "start": len(tokens), "end": len(tokens) + len(name.split())})
                tokens += name.split()
            else:
                tokens.append(slot)
        relations = [{"type": relation, "head": 0, "tail": 1}] if relation else []
        examples.append({"tokens": tokens, "entities": entities, "relations": relations})
    return examples


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model trained once for the module, through the command line."""
    folder = tmp_path_factory.mktemp("train")
    (folder / "train.json").write_text(json.dumps(synthetic(140, seed=1)))
    (folder / "dev.json").write_text(json.dumps(synthetic(35, seed=2)))
    (folder / "labels.json").write_text(json.dumps({"relations": {"Funds": "supports"}}))
    result = runner.invoke(app, ["train", "--data", str(folder / "train.json"), "--dev", str(folder / "dev.json"),
                                 "--out", str(folder / "model"), "--labels", str(folder / "labels.json"),
                                 "--max-epochs", "6"])
    assert result.exit_code == 0, result.output
    assert "NER epoch  1:" in result.output and "dev relations:" in result.output  # progress, then the summary
    return folder / "model"


def test_the_model_directory_holds_everything_and_no_pickle(trained: Path) -> None:
    meta = json.loads((trained / TRAINED_MODEL_META).read_text())
    assert meta["entity_labels"] == ["Loc", "Org", "Peop"]
    assert meta["relation_labels"] == ["Funds", "OrgBased_In", "Work_For"]
    assert meta["labels"]["relations"] == {"Funds": "supports", "OrgBased_In": "basedIn", "Work_For": "worksFor"}
    assert meta["dev"]["entities"]["f1"] >= 0.9 and meta["dev"]["relations"]["f1"] >= 0.8
    assert len(meta["data"]["train"]["sha256"]) == 64
    import spacy

    from kg.nlp import model_name

    pipeline = json.loads((trained / "pipeline" / "meta.json").read_text())["pipeline"]
    assert pipeline == spacy.load(model_name()).pipe_names  # one NER, the trained one in the base's place
    assert set(meta["ner_labels"].values()) == {"Loc", "Org", "Peop"}
    assert numpy.load(trained / "classifier" / "weights.npy", allow_pickle=False).ndim == 2
    assert not [path for path in trained.rglob("*") if path.suffix in {".pkl", ".pickle", ".joblib"}]
    card = (trained / "README.md").read_text()
    assert "## Scores on dev" in card and "Funds -> supports" in card and "research only" in card


def test_the_same_data_and_seed_train_the_same_model(trained: Path, tmp_path: Path) -> None:
    (tmp_path / "train.json").write_text(json.dumps(synthetic(140, seed=1)))
    (tmp_path / "dev.json").write_text(json.dumps(synthetic(35, seed=2)))
    (tmp_path / "labels.json").write_text(json.dumps({"relations": {"Funds": "supports"}}))
    result = runner.invoke(app, ["train", "--data", str(tmp_path / "train.json"), "--dev", str(tmp_path / "dev.json"),
                                 "--out", str(tmp_path / "again"), "--labels", str(tmp_path / "labels.json"),
                                 "--max-epochs", "6", "--quiet"])
    assert result.exit_code == 0, result.output
    first, second = (numpy.load(path / "classifier" / "weights.npy") for path in (trained, tmp_path / "again"))
    assert numpy.array_equal(first, second)


def test_build_with_the_model_adds_what_the_rules_miss(trained: Path, tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Wonka quietly bankrolls Cyberdyne. Rosa Silva works for Hooli.\n")
    result = runner.invoke(app, ["build", str(story), "--model", str(trained), "--out", str(tmp_path / "out"),
                                 "--no-html"])
    assert result.exit_code == 0, result.output
    graph = Graph().parse(tmp_path / "out" / "graph.ttl")
    rows = {(str(s), str(p).rsplit("#", 1)[-1], str(o), str(rule)) for s, p, o, rule in graph.query("""
        PREFIX kg: <https://w3id.org/kg-news/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?s ?p ?o ?rule WHERE {
          ?st a kg:Statement ; rdf:subject ?a ; rdf:predicate ?p ; rdf:object ?b ; kg:rule ?rule .
          ?a rdfs:label ?s . ?b rdfs:label ?o }""")}
    assert ("Wonka", "supports", "Cyberdyne", "learned") in rows  # no rule reads "bankrolls"
    assert any(row[:3] == ("Rosa Silva", "worksFor", "Hooli") for row in rows)
    assert runner.invoke(app, ["validate", str(tmp_path / "out" / "graph.ttl")]).exit_code == 0


def test_build_of_the_seeds_with_the_model_is_a_valid_graph(trained: Path, tmp_path: Path) -> None:
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    result = runner.invoke(app, ["build", str(seeds), "--model", str(trained), "--out", str(tmp_path), "--no-html"])
    assert result.exit_code == 0, result.output
    validated = runner.invoke(app, ["validate", str(tmp_path / "graph.ttl")])
    assert validated.exit_code == 0, validated.output


def test_evaluate_with_the_model_scores_in_its_own_labels(trained: Path, tmp_path: Path) -> None:
    (tmp_path / "gold.json").write_text(json.dumps(synthetic(21, seed=3)))
    result = runner.invoke(app, ["evaluate", "--gold", str(tmp_path / "gold.json"), "--model", str(trained),
                                 "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["entities"]["micro"]["f1"] >= 0.9
    assert scores["relations_strict"]["micro"]["f1"] >= 0.8
    assert set(scores["relations_strict"]["per_type"]) <= {"Funds", "OrgBased_In", "Work_For"}


def test_explain_with_the_model_shows_the_classifier_beside_the_rules(trained: Path) -> None:
    result = runner.invoke(app, ["explain", "Wonka quietly bankrolls Cyberdyne.", "--model", str(trained)])
    assert result.exit_code == 0, result.output
    assert "trained model (kg train)" in result.output
    assert "Wonka (Org) -> Cyberdyne (Org): Funds" in result.output and "kept" in result.output


def test_a_model_loads_with_its_own_threshold_and_labels(trained: Path) -> None:
    model = load_model(str(trained.resolve()))
    assert model.labels.relations["Funds"] == "supports"
    assert 0.0 < model.classifier.threshold < 1.0


@pytest.mark.parametrize("arguments, message", [
    (["--data", "missing.json"], "cannot read annotations"),
    (["--data", "{train}", "--base", "{model}"], "train from a spaCy pipeline"),
    (["--data", "{train}", "--out", "{train}"], "exists and is not a model"),
    (["--data", "{train}", "--out", "{train}/model"], "is a file, not a folder"),
    (["--data", "{no_relations}"], "no relations to learn from"),
    (["--data", "{train}", "--dev", "{no_relations}"], "dev needs entities and relations"),
    (["--data", "{none_label}"], "'NONE' is what kg calls no relation"),
    (["--data", "{train}", "--labels", "{bad_labels}"], "each CLASS or RELATION one name"),
    (["--data", "{empty_token}"], "a token is empty or blank"),
    (["--data", "{null_type}"], "example 1: entity 0's 'type' is null, not a string"),
    (["--data", "{deep}"], "cannot read annotations (JSON nested too deeply)"),
])
def test_training_input_errors_are_clear(trained: Path, tmp_path: Path, arguments: list[str], message: str) -> None:
    """Each is refused before any training, in one line."""
    files = {"train": synthetic(10, seed=1),
             "no_relations": [{**example, "relations": []} for example in synthetic(10, seed=1)],
             "none_label": [{**example, "relations": [{**r, "type": "NONE"} for r in example["relations"]]}
                            for example in synthetic(10, seed=1)],
             "empty_token": [{**example, "tokens": ["", *example["tokens"][1:]]} for example in synthetic(10, seed=1)],
             "null_type": [{**example, "entities": [{**e, "type": None} for e in example["entities"]]}
                           for example in synthetic(10, seed=1)],
             "bad_labels": {"entities": {"Peop": ["Person"]}}}
    paths = {}
    for name, content in files.items():
        paths[name] = tmp_path / f"{name}.json"
        paths[name].write_text(json.dumps(content))
    paths["deep"] = tmp_path / "deep.json"
    paths["deep"].write_text("[" * 1000 + "]" * 1000)
    filled = [a.format(model=trained, **paths) for a in arguments]
    if "--out" not in filled:
        filled += ["--out", str(tmp_path / "model")]
    result = runner.invoke(app, ["train", *filled])
    assert result.exit_code != 0
    assert message in result.output
    assert "NER epoch" not in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_refused_data_leaves_the_model_at_out_as_it_was(trained: Path, tmp_path: Path) -> None:
    (tmp_path / "train.json").write_text(json.dumps(
        [*synthetic(10, seed=1), {"tokens": ["Ann", 3], "entities": [], "relations": []}]))
    shutil.copytree(trained, tmp_path / "model")
    before = {path.relative_to(tmp_path): path.read_bytes() for path in (tmp_path / "model").rglob("*")
              if path.is_file()}
    result = runner.invoke(app, ["train", "--data", str(tmp_path / "train.json"), "--out", str(tmp_path / "model")])
    assert result.exit_code == 2 and result.output.strip() == f"kg: error: {tmp_path / 'train.json'}: example 11: " \
        "token 1 is 3, not a string"
    assert {path.relative_to(tmp_path): path.read_bytes() for path in (tmp_path / "model").rglob("*")
            if path.is_file()} == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["model", "train.json"]


@pytest.mark.training
def test_progress_lines_print_labels_and_paths_as_written(tmp_path: Path) -> None:
    """Not read as rich markup ("[/x]" raised, after the model was written) nor emoji codes (":cd:")."""
    (tmp_path / "train.json").write_text(json.dumps(synthetic(70, seed=1)))
    (tmp_path / "dev.json").write_text(json.dumps(synthetic(21, seed=2)))
    (tmp_path / "labels.json").write_text(json.dumps({"entities": {"[/x]:cd:[bold]": "Person"}}))
    out = tmp_path / "m:cd:[/x]"
    result = runner.invoke(app, ["train", "--data", str(tmp_path / "train.json"), "--dev", str(tmp_path / "dev.json"),
                                 "--labels", str(tmp_path / "labels.json"), "--out", str(out), "--max-epochs", "1"])
    assert result.exit_code == 0, result.output
    assert "the data has no entities labelled [/x]:cd:[bold] (a typo?)" in result.output
    assert f"written to {out}\n" in result.output and f"model: {out}\n" in result.output


def _staging_folders(out: Path) -> list[str]:
    return sorted(path.name for path in out.parent.iterdir() if path.name.startswith(f".{out.name}.")
                  and path.is_dir())


@pytest.mark.training
def test_the_next_training_clears_what_a_killed_one_left(tmp_path: Path) -> None:
    """A training killed while it writes leaves its staging folder (15 MB) beside --out; the next
    training of the same --out removes it, under the lock every training holds while it stages."""
    (tmp_path / "train.json").write_text(json.dumps(synthetic(70, seed=1)))
    (tmp_path / "dev.json").write_text(json.dumps(synthetic(21, seed=2)))
    out = tmp_path / "model"
    arguments = ["train", "--data", str(tmp_path / "train.json"), "--dev", str(tmp_path / "dev.json"),
                 "--out", str(out), "--max-epochs", "1", "--quiet"]
    killed = subprocess.Popen([sys.executable, "-m", "kg", *arguments], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not _staging_folders(out) and killed.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    killed.kill()
    killed.wait()
    assert _staging_folders(out) and not out.exists()  # what a kill leaves
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output
    assert _staging_folders(out) == [] and (out / TRAINED_MODEL_META).is_file()


def test_a_model_set_aside_by_a_killed_swap_is_put_back_and_staging_removed(trained: Path, tmp_path: Path) -> None:
    from kg.learn.train import _remove_abandoned

    out = tmp_path / "model"
    shutil.copytree(trained, tmp_path / ".model.abcd_123.old")  # killed between setting aside and swapping in
    (tmp_path / ".model.efgh4567" / "pipeline").mkdir(parents=True)
    (tmp_path / ".model.notes").mkdir()  # not a name kg gives its staging folders: left alone
    _remove_abandoned(out)
    assert (out / TRAINED_MODEL_META).is_file()
    assert sorted(path.name for path in tmp_path.iterdir()) == [".model.notes", "model"]


def test_training_leaves_the_pipeline_kg_uses_untouched(trained: Path) -> None:
    import spacy

    from kg.nlp import load_pipeline, model_name

    in_use, shipped = load_pipeline().get_pipe("ner"), spacy.load(model_name()).get_pipe("ner")
    assert in_use.model.to_bytes() == shipped.model.to_bytes()  # type: ignore[attr-defined]
    assert in_use.labels == shipped.labels  # type: ignore[attr-defined]


def test_two_workers_extract_with_the_model_what_one_does(trained: Path, tmp_path: Path) -> None:
    stories = tmp_path / "stories.jsonl"
    stories.write_text("".join(json.dumps({"id": f"s{n}", "text": text}) + "\n" for n, text in enumerate([
        "Wonka quietly bankrolls Cyberdyne.", "Rosa Silva works for Hooli in Lagos.", "Globex is based in Oslo."])))
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}.nq"
        result = runner.invoke(app, ["extract", str(stories), "-o", str(out), "--model", str(trained),
                                     "--workers", workers])
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert b"learned" in outputs[0]


def test_a_copied_model_builds_without_the_network(trained: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The directory is all a model needs: copied elsewhere, it loads and builds with no network."""
    import shutil
    import socket

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("kg tried to open a network connection")

    copy = tmp_path / "elsewhere" / "model"
    shutil.copytree(trained, copy)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    story = tmp_path / "story.txt"
    story.write_text("Wonka quietly bankrolls Cyberdyne.\n")
    result = runner.invoke(app, ["build", str(story), "--model", str(copy), "--out", str(tmp_path / "out"),
                                 "--no-html"])
    assert result.exit_code == 0, result.output
    assert "supports" in (tmp_path / "out" / "graph.ttl").read_text()


def test_explain_without_a_model_says_nothing_of_one(tmp_path: Path) -> None:
    result = runner.invoke(app, ["explain", "Rosa Silva works for Hooli.", "--json"])
    assert result.exit_code == 0, result.output
    assert '"learned"' not in result.output and "trained model" not in result.output


@pytest.mark.training
def test_a_relation_without_a_kg_name_is_an_open_relation_beside_the_rules(tmp_path: Path) -> None:
    """Unmapped, "Funds" is kg:relatedTo with the label as its verb, even where a rule relates the pair too."""
    (tmp_path / "train.json").write_text(json.dumps(synthetic(70, seed=1)))
    (tmp_path / "dev.json").write_text(json.dumps(synthetic(21, seed=2)))
    result = runner.invoke(app, ["train", "--data", str(tmp_path / "train.json"), "--dev", str(tmp_path / "dev.json"),
                                 "--out", str(tmp_path / "model"), "--max-epochs", "3", "--quiet"])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "model" / TRAINED_MODEL_META).read_text())["labels"]["relations"]["Funds"] is None
    story = tmp_path / "story.txt"
    story.write_text("Wonka quietly bankrolls Cyberdyne.\n")
    built = runner.invoke(app, ["build", str(story), "--model", str(tmp_path / "model"), "--out", str(tmp_path / "out"),
                                "--no-html"])
    assert built.exit_code == 0, built.output
    verbs = {(str(verb), str(rule)) for verb, rule in Graph().parse(tmp_path / "out" / "graph.ttl").query("""
        PREFIX kg: <https://w3id.org/kg-news/ontology#>
        SELECT ?verb ?rule WHERE {
          ?st a kg:Statement ; rdf:predicate kg:relatedTo ; kg:verb ?verb ; kg:rule ?rule }""")}
    assert ("Funds", "learned") in verbs
