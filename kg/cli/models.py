"""The commands about the rules and the models: ``kg evaluate``, ``kg train`` and ``kg explain``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.cli.app import EXIT_SOME_INPUTS_FAILED, GRAPH_HELP, MODEL_OPTION, command, fail, status
from kg.errors import InputError
from kg.options import MODEL_ENV_VAR, SPACY_MODEL, chosen_model

if TYPE_CHECKING:
    from kg.model import Document


@command("evaluate")
def evaluate_command(
    gold: Annotated[Path, typer.Option("--gold", help="Gold sentences with entities and relations.")],
    data_format: Annotated[str, typer.Option("--format", help="Format of the gold file (spert).")] = "spert",
    mapping: Annotated[
        str, typer.Option("--map", help="Label mapping: a name kg ships (conll04, news-facts) or a JSON file.")
    ] = "conll04",
    predictions_out: Annotated[
        Path | None, typer.Option("--predictions-out", help="Write kg's predictions here, in the same format.",
                                  show_default=False)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    model: Annotated[str | None, MODEL_OPTION] = None,
) -> None:
    """Score kg's extraction against gold data: strict entity F1, strict and boundaries relation F1.

    Computed exactly as shared/eval/score_spert.py does (the SpERT evaluator), micro and macro, per type.

    Example: kg evaluate --gold conll04/dev.json --map conll04 --predictions-out pred.json
    """
    from kg.evaluate import evaluate, report
    from kg.graph.export import write_atomic

    if data_format != "spert":
        fail(f"unknown gold format {data_format!r}; kg reads: spert")
    result = evaluate(gold, mapping, model=model)
    if predictions_out is not None:
        write_atomic(predictions_out, json.dumps(result.predictions, ensure_ascii=False).encode("utf-8"))
    if as_json:
        print(json.dumps({**result.scores, "sentences_per_second": round(result.sentences_per_second, 1)}, indent=2))
    else:
        print(report(result.scores))
        print(f"{len(result.predictions)} sentences in {result.seconds:.1f} s "
              f"({result.sentences_per_second:.0f} sentences/s)")


@command("train")
def train_command(
    data: Annotated[Path, typer.Option("--data", help="Annotated training data: a news-facts folder "
                                       "(articles.jsonl and gold.jsonl), SpERT JSON (.json) or a spaCy DocBin "
                                       "(.spacy) whose docs keep relations in user_data['relations'].",
                                       show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="The model directory to write (use it with --model).",
                                      show_default=False)],
    dev: Annotated[Path | None, typer.Option("--dev", help="Annotated data to choose the epoch and threshold on; "
                                             "default a tenth of --data held out. News-facts: settings are "
                                             "chosen by 5-fold cross-validation over --data, among those no worse "
                                             "than the rules alone on --dev.", show_default=False)] = None,
    base: Annotated[str | None, typer.Option("--base", help=f"spaCy pipeline to start from; default "
                                             f"${MODEL_ENV_VAR}'s or {SPACY_MODEL}.", show_default=False)] = None,
    labels: Annotated[Path | None, typer.Option(
        "--labels", help='Your labels onto kg\'s ontology, JSON: {"entities": {"Peop": "Person"}, "relations": '
        '{"Work_For": "worksFor"}}; common names are recognised without it.', show_default=False)] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same data and seed give the same model.")] = 0,
    max_epochs: Annotated[int, typer.Option("--max-epochs", min=1, help="Most NER epochs (training stops earlier "
                                            "once dev stops improving).")] = 30,
    ner: Annotated[bool | None, typer.Option("--ner/--no-ner", help="News-facts: also fine-tune the NER on the "
                                             "annotated names, kept if it beats the base NER on dev (off by "
                                             "default: see docs/guides/training.md).", show_default=False)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")] = False,
) -> None:
    """Learn entities and relations from your own annotations, on CPU, offline, beside the rules.

    Fine-tunes the base pipeline's NER with your entity labels (it keeps the labels the rules read
    and takes the base NER's place), then trains a relation classifier over entity pairs whose
    features include the rules' own matches. Prints each epoch's dev scores, then a summary; the
    directory holds the pipeline, the weights (JSON and .npy, no pickle), the label map and a card.

    A news-facts folder (see docs/guides/training.md) trains a news model instead: which relations hold between
    the entities the rules find, decided in place of the rules' (the one kg ships is one).

    Example: kg train --data train.json --dev dev.json --out models/mine

    Example: kg train --data news-facts/train --out models/news

    Then: kg build articles/ --model models/mine
    """
    from kg.learn.newsfacts import is_news_facts
    from kg.learn.train import train_model

    def progress(line: str) -> None:
        if not quiet:
            status(line)

    if is_news_facts(data):
        from kg.learn.newstrain import NER_DEFAULT, train_news_model

        news = train_news_model(data, out, dev_folder=dev, base=base or chosen_model(None, True) or SPACY_MODEL,
                                seed=seed, ner=NER_DEFAULT if ner is None else ner, report=progress)
        precision, recall, f1 = news.scores
        lines = [f"model: {out}", f"facts, 5-fold cross-validation: P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}  "
                 f"(penalty {news.penalty}, add at {news.thresholds.add}, keep at {news.thresholds.keep})"]
        if news.dev_scores is not None:
            lines.append("facts on dev: P {:.3f}  R {:.3f}  F1 {:.3f}".format(*news.dev_scores))
        print("\n".join([*lines, f"trained in {news.seconds:.0f} s"]))
        return
    summary = train_model(data, out, dev_path=dev, base=base, labels_path=labels, seed=seed,
                          max_epochs=max_epochs, report=progress)
    (ep, er, ef), (rp, rr, rf) = summary.entities, summary.relations
    print(f"model: {out}\n"
          f"dev entities:  P {ep:.3f}  R {er:.3f}  F1 {ef:.3f}  (best NER epoch of {len(summary.epochs)})\n"
          f"dev relations: P {rp:.3f}  R {rr:.3f}  F1 {rf:.3f}  (end to end; penalty {summary.penalty}, "
          f"threshold {summary.threshold})\n"
          f"trained in {summary.seconds:.0f} s")


@command("explain")
def explain_command(
    source: Annotated[
        str, typer.Argument(help="A file to read (.txt, .md, .html, .jsonl, .csv), the text itself, or - for stdin.",
                            metavar="TEXT-OR-FILE", show_default=False)
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON, for scripts.")] = False,
    model: Annotated[str | None, MODEL_OPTION] = None,
    graph: Annotated[
        Path | None,
        typer.Option("--graph", "-g", help="Explain a name in this built graph instead: the node(s) it leads to, "
                     "their other names, and why names of several documents were joined (or kept apart). "
                     + GRAPH_HELP, show_default=False),
    ] = None,
) -> None:
    """Why is there (no) triple for this sentence? Show what extraction saw, sentence by sentence.

    For each sentence: the entities (with titles split off names), the pronouns linked to them,
    and for each pair of entities the dependency path between them and the rule that fired
    (rule, verb, relation, factuality) or why none did.

    With --graph, TEXT-OR-FILE is a name: why is it this node?

    Example: kg explain "Blinken will meet with Netanyahu to try to get him to agree to a pause."

    Example: kg explain Blinken --graph output/graph.ttl
    """
    if graph is not None:
        from dataclasses import asdict

        from kg.explain.node import account_for, render_accounts

        accounts = account_for(graph, source)
        if as_json:
            print(json.dumps([asdict(account) for account in accounts], indent=2, ensure_ascii=False))
        else:
            print(render_accounts(source, accounts), end="")
        if not accounts:
            raise typer.Exit(EXIT_SOME_INPUTS_FAILED)
        return
    from kg.explain.text import as_json as as_json_data
    from kg.explain.text import explain_documents, render_text
    from kg.nlp import load_pipeline

    documents = list(_explain_inputs(source))
    explanations = explain_documents(documents, nlp=load_pipeline(model))
    if as_json:
        print(json.dumps(as_json_data(explanations), indent=2, ensure_ascii=False))
    else:
        print(render_text(explanations), end="")


def _explain_inputs(source: str) -> list[Document]:
    """A file's documents if ``source`` names one, stdin's for -, else ``source`` as the text."""
    from kg.read import read_documents, text_document

    if source == "-" or Path(source).is_file():
        return list(read_documents([source]))
    if looks_like_a_path(source):
        raise InputError(f"{source}: no such file (to explain a text, give the text itself, with its spaces)")
    return [text_document(source, name="the text argument")]


def looks_like_a_path(text: str) -> bool:
    """A word with a file's suffix or a folder in it ("story.txt", "news/a.html"), not a sentence.

    >>> looks_like_a_path("stroy.txt"), looks_like_a_path("news/today"), looks_like_a_path("Blinken met Netanyahu.")
    (True, True, False)
    """
    from kg.read import SUPPORTED_SUFFIXES

    if not text.strip() or any(character.isspace() for character in text.strip()):
        return False
    return "/" in text or Path(text).suffix.lower() in SUPPORTED_SUFFIXES
