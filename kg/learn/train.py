"""``kg train``: a model directory from annotated data, the NER and the relation classifier in turn.

Model selection is on DEV (or, without one, on a tenth of TRAIN held out with the seed): the
NER's best epoch, then the classifier's penalty and threshold, both scored end to end (on the
trained NER's entities, as a build will see them). Seeds are fixed, so the same data gives the
same model.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.errors import InputError
from kg.extraction.document import analyse
from kg.learn.annotations import Annotated, micro_scores, read_annotations, split_long
from kg.learn.apply import PAIR_WINDOW, candidate_pairs
from kg.learn.classifier import NO_RELATION, PairClassifier, fit
from kg.learn.features import RuleView, pair_features, rule_view
from kg.learn.ner import TRAINED_NER, Epoch, UserEntities, train_ner
from kg.learn.trained import LabelMap, label_map, read_label_file, save_model
from kg.model import Document
from kg.nlp import USER_SPANS, assemble_pipeline, model_name
from kg.options import TRAINED_MODEL_PIPELINE, is_trained_model, rules_only

#: The classifier's penalties tried, and the thresholds swept, on dev.
#: Tried in this order, and a later one is chosen only when it scores better: ties go to the
#: middle penalty and to the threshold nearest 0.5, not to whichever is swept first.
PENALTIES = (1.0, 0.3, 3.0)
THRESHOLDS = tuple(sorted((round(0.1 + 0.025 * step, 3) for step in range(33)), key=lambda t: (abs(t - 0.5), t)))


@dataclass
class TrainingSummary:
    """What ``kg train`` measured: per-epoch NER scores, then the chosen model's dev scores."""

    examples: dict[str, int]
    epochs: list[Epoch] = field(default_factory=list)
    entities: tuple[float, float, float] = (0.0, 0.0, 0.0)  # dev precision, recall, F1 at the best epoch
    relations: tuple[float, float, float] = (0.0, 0.0, 0.0)  # dev, end to end, at the chosen penalty and threshold
    penalty: float = 0.0
    threshold: float = 0.0
    seconds: float = 0.0
    labels: LabelMap | None = None


def train_model(train_path: Path, out: Path, *, dev_path: Path | None = None, base: str | None = None,
                labels_path: Path | None = None, seed: int = 0, max_epochs: int = 30,
                report: Callable[[str], None] = lambda line: None) -> TrainingSummary:
    """Train on ``train_path``, choose on ``dev_path`` (else a tenth of train), write the model to ``out``."""
    started = time.perf_counter()
    base_name = rules_only(model_name(base))  # the news model kg ships reads with a spaCy pipeline: that one
    if is_trained_model(base_name):
        raise InputError(f"--base {base_name}: train from a spaCy pipeline, not from a model kg train wrote")
    out = out.resolve()  # a link to a model: the model it leads to is replaced
    if out.exists() and not (out.is_dir() and (not any(out.iterdir()) or is_trained_model(str(out)))):
        raise InputError(f"{out}: exists and is not a model kg train wrote; choose another --out")
    if out.parent.exists() and not out.parent.is_dir():
        raise InputError(f"{out.parent}: is a file, not a folder to write the model in")
    train = read_annotations(train_path)
    dev = read_annotations(dev_path) if dev_path is not None else None
    if dev is None:
        train, dev = _held_out(train, seed)
    train = split_long(train, str(train_path), report=report)  # after holding out: a document's pieces stay together
    dev = split_long(dev, str(dev_path or f"a tenth of {train_path}"), report=report)
    _check_data(train, dev, str(train_path), str(dev_path or f"a tenth of {train_path}"))
    entity_labels = sorted({entity.label for example in train for entity in example.entities})
    relation_labels = {relation.label for example in train for relation in example.relations}
    given_labels = read_label_file(labels_path) if labels_path is not None else None
    labels = label_map(set(entity_labels), relation_labels, given_labels, str(labels_path or "labels"))
    for kind, named in (given_labels or {}).items():
        unused = sorted(set(named) - set(labels.entities if kind == "entities" else labels.relations))
        if unused:
            report(f"{labels_path}: the data has no {kind} labelled {', '.join(unused)} (a typo?)")
    summary = TrainingSummary({"train": len(train), "dev": len(dev)}, labels=labels)
    report(f"{len(train)} training and {len(dev)} dev examples; base pipeline {base_name}")

    def on_epoch(epoch: Epoch) -> None:
        report(f"NER epoch {epoch.number:>2}: loss {epoch.loss:8.1f}  dev P {epoch.precision:.3f} "
               f"R {epoch.recall:.3f} F1 {epoch.f1:.3f}  ({epoch.seconds:.0f} s)")

    trained_ner, ner_labels, summary.epochs = train_ner(base_name, train, dev, seed=seed, max_epochs=max_epochs,
                                                        report=on_epoch)
    best = max(summary.epochs, key=lambda epoch: epoch.f1)
    summary.entities = (best.precision, best.recall, best.f1)
    report(f"NER: best epoch {best.number}, dev entity F1 {best.f1:.3f}")
    with _staged(out) as staging:
        base_version = _write_pipeline(staging / TRAINED_MODEL_PIPELINE, base_name, trained_ner)
        # The relations learn from what the rules make of the text as a build will parse it: with
        # the trained NER. On the training examples that NER is near gold, so the rules' features
        # are a little more reliable there than at work; dev, where the threshold is chosen, is not.
        nlp = assemble_pipeline(str(staging / TRAINED_MODEL_PIPELINE))
        train_docs, dev_docs = _parsed(nlp, train), _parsed(nlp, dev)
        user_entities = UserEntities(ner_labels)
        for doc, _ in dev_docs:
            user_entities(doc)
        classifier, summary.relations, summary.penalty = _train_classifier(train, train_docs, dev, dev_docs, report)
        summary.threshold = classifier.threshold
        summary.seconds = time.perf_counter() - started
        meta = {"kg_version": version("kg"), "spacy_version": spacy.__version__, "base": base_name,
                "base_version": base_version, "entity_labels": entity_labels, "ner_labels": ner_labels,
                "relation_labels": sorted(set(classifier.classes) - {NO_RELATION}), "seed": seed,
                "trained": datetime.now(UTC).date().isoformat(), "seconds": round(summary.seconds, 1),
                "data": {"train": _described(train_path),
                         "dev": _described(dev_path) if dev_path else "a tenth of train"},
                "examples": summary.examples, "best_epoch": best.number, "penalty": summary.penalty,
                "threshold": summary.threshold,
                "dev": {"entities": _rounded(summary.entities), "relations": _rounded(summary.relations)}}
        save_model(staging, meta=meta, labels=labels, classifier=classifier, card=_card(meta, labels))
    report(f"written to {out}")
    return summary


def _check_data(train: list[Annotated], dev: list[Annotated], train_name: str, dev_name: str) -> None:
    """Refuse, before any training, data that cannot make a model."""
    if not any(example.entities for example in train):
        raise InputError(f"{train_name}: no entities to learn from")
    if not any(example.relations for example in train):
        raise InputError(f"{train_name}: no relations to learn from (a DocBin keeps doc.user_data['relations'] "
                         f"only when saved with DocBin(store_user_data=True))")
    if not any(example.entities for example in dev) or not any(example.relations for example in dev):
        raise InputError(f"{dev_name}: dev needs entities and relations: it chooses the NER's epoch and the "
                         f"classifier's threshold")
    if any(relation.label == NO_RELATION for example in train for relation in example.relations):
        raise InputError(f"{train_name}: {NO_RELATION!r} is what kg calls no relation; rename that label")


def _held_out(examples: list[Annotated], seed: int) -> tuple[list[Annotated], list[Annotated]]:
    """Train and dev from one set: a tenth (at least one example) held out, chosen with the seed."""
    if len(examples) < 2:
        raise InputError("kg train needs at least two examples when no --dev is given")
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    cut = max(1, len(examples) // 10)
    held = set(order[:cut])
    return ([e for n, e in enumerate(examples) if n not in held], [e for n, e in enumerate(examples) if n in held])


def _parsed(nlp: Language, examples: Sequence[Annotated]) -> list[tuple[Doc, RuleView]]:
    """Each example parsed from its own tokens, with what the rules made of it."""
    docs = nlp.pipe((Doc(nlp.vocab, words=list(example.tokens)) for example in examples), batch_size=64)
    return [(doc, rule_view(analyse(Document(id="example", text=doc.text), doc), doc)) for doc in docs]


def _train_classifier(train: Sequence[Annotated], train_docs: list[tuple[Doc, RuleView]],
                      dev: Sequence[Annotated], dev_docs: list[tuple[Doc, RuleView]],
                      report: Callable[[str], None]) -> tuple[PairClassifier, tuple[float, float, float], float]:
    """The classifier trained on gold train entities, its penalty and threshold chosen on dev end to end."""
    allowed: dict[str, set[tuple[str, str]]] = {}
    for example in train:
        for relation in example.relations:
            head, tail = example.entities[relation.head], example.entities[relation.tail]
            allowed.setdefault(relation.label, set()).add((head.label, tail.label))
    if not allowed:
        raise InputError("the training data has no relations to learn from")
    type_pairs = frozenset().union(*allowed.values())
    classes = (NO_RELATION, *sorted(allowed))
    features, labels = [], []
    for example, (doc, rules) in zip(train, train_docs, strict=True):
        doc.spans[USER_SPANS] = [Span(doc, e.start, e.end, label=e.label) for e in example.entities]
        gold = {((h.start, h.end, h.label), (t.start, t.end, t.label)): label
                for h, t, label in example.relation_keys()}
        for head_span, tail_span, spans in candidate_pairs(doc, type_pairs, whole=True):
            features.append(_compact(pair_features(doc, head_span, tail_span, rules, spans)))
            labels.append(gold.get(((head_span.start, head_span.end, head_span.label_),
                                    (tail_span.start, tail_span.end, tail_span.label_)), NO_RELATION))
    dev_pairs = [(n, head, tail, _compact(pair_features(doc, head, tail, rules, spans)))
                 for n, (doc, rules) in enumerate(dev_docs)
                 for head, tail, spans in candidate_pairs(doc, type_pairs, whole=True)]
    report(f"relations: {len(features)} training pairs ({sum(label != NO_RELATION for label in labels)} related), "
           f"{len(dev_pairs)} dev pairs")
    long = [example for example in train if len(example.tokens) > PAIR_WINDOW]
    if long:
        report(f"relations: {len(long)} training example(s) longer than {PAIR_WINDOW} tokens, paired within "
               f"their sentences ({sum(len(example.relations) for example in long)} annotated relations in them)")
    frozen = {label: frozenset(pairs) for label, pairs in allowed.items()}
    chosen: list[tuple[tuple[float, float, float], PairClassifier, float]] = []  # the best so far, last
    for penalty in PENALTIES:
        kept, weights = fit(features, labels, classes, c=penalty)
        classifier = PairClassifier(classes, kept, frozen, 0.5, weights)
        probabilities = classifier.probabilities([f for *_, f in dev_pairs]) if dev_pairs else numpy.zeros((0, 1))
        for threshold in THRESHOLDS:
            scores = _relation_scores(dev, dev_pairs, classifier.decide(
                [(h.label_, t.label_) for _, h, t, _ in dev_pairs], probabilities, threshold))
            if not chosen or scores[2] > chosen[-1][0][2] + 1e-9:
                chosen.append((scores, PairClassifier(classes, kept, frozen, threshold, weights), penalty))
        report(f"relations: penalty {penalty}: best dev F1 so far {chosen[-1][0][2]:.3f} "
               f"(penalty {chosen[-1][2]}, threshold {chosen[-1][1].threshold})")
    scores, classifier, penalty = chosen[-1]
    return classifier, scores, penalty


def _compact(features: set[str]) -> tuple[str, ...]:
    """A pair's features as a tuple of interned strings: a set of 40 takes 2 KB and a tuple 0.4 KB,
    the strings repeat from pair to pair, and a document-long example has a million pairs."""
    return tuple(map(sys.intern, features))


def _relation_scores(dev: Sequence[Annotated], pairs: list[tuple[int, Span, Span, tuple[str, ...]]],
                     decisions: list[tuple[str, float] | None]) -> tuple[float, float, float]:
    """Strict micro precision, recall, F1 of the decided relations (spans, types and label right)."""
    found: list[set[Any]] = [set() for _ in dev]
    for (n, head, tail, _), decision in zip(pairs, decisions, strict=True):
        if decision is not None:
            found[n].add(((head.start, head.end, head.label_), (tail.start, tail.end, tail.label_), decision[0]))
    return micro_scores(({(tuple(h), tuple(t), label) for h, t, label in example.relation_keys()}, predicted)
                        for example, predicted in zip(dev, found, strict=True))


@contextmanager
def _staged(out: Path) -> Iterator[Path]:
    """A directory to write the model into, beside ``out``, renamed onto it when all is written.

    Held under ``out``'s write lock (:mod:`kg.graph.lock`) from the staging directory's making to
    its renaming, so a second training of the same ``out`` waits, and finds any staging directory
    left beside it abandoned (its training was killed): those are removed first.
    """
    from kg.graph.lock import writing

    with writing([out]):
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            _remove_abandoned(out)
            staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        except OSError as error:
            raise InputError(f"{out.parent}: cannot write the model there ({error})") from error
        with _swapped_in(staging, out):
            yield staging


def _remove_abandoned(out: Path) -> None:
    """Staging directories of ``out`` that killed trainings left (``.NAME.xxxxxxxx``, 15 MB each),
    removed; called under ``out``'s write lock, which every training holds while it stages. A
    model set aside for the swap (``.old``) with no model in its place is put back instead."""
    staged = re.compile(rf"\.{re.escape(out.name)}\.[a-z0-9_]{{8}}(\.old)?")
    for path in sorted(out.parent.iterdir()):
        match = staged.fullmatch(path.name)
        if match is None or not path.is_dir() or path.is_symlink():
            continue
        if match.group(1) and not out.exists() and is_trained_model(str(path)):
            os.replace(path, out)  # killed between setting the old model aside and swapping the new one in
        else:
            shutil.rmtree(path, ignore_errors=True)


@contextmanager
def _swapped_in(staging: Path, out: Path) -> Iterator[None]:
    """``staging`` renamed onto ``out`` once the block has written it; removed if it fails."""
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; a model is shared like any directory
    try:
        yield
        replaced = staging.with_name(staging.name + ".old")
        if out.exists():
            os.replace(out, replaced)  # set aside, then swapped: out is never missing for long, never half written
        os.replace(staging, out)
        shutil.rmtree(replaced, ignore_errors=True)
    except OSError as error:
        raise InputError(f"{out}: cannot write the model ({error})") from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_pipeline(path: Path, base_name: str, trained_ner: Language) -> str | None:
    """The base pipeline with the trained NER in its NER's place, written to ``path``; the base's version."""
    pipeline = spacy.load(base_name)
    names = pipeline.pipe_names
    after = names[names.index(TRAINED_NER) - 1] if names.index(TRAINED_NER) else None
    pipeline.remove_pipe(TRAINED_NER)
    place: dict[str, Any] = {"after": after} if after is not None else {"first": True}
    pipeline.add_pipe(TRAINED_NER, source=trained_ner, **place)  # where the base NER was: the rules read it
    pipeline.to_disk(path)
    version: str | None = pipeline.meta.get("version")
    return version


def _described(path: Path) -> dict[str, Any]:
    return {"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def _rounded(scores: tuple[float, float, float]) -> dict[str, float]:
    return dict(zip(("precision", "recall", "f1"), (round(score, 4) for score in scores), strict=True))


def _card(meta: dict[str, Any], labels: LabelMap) -> str:
    dev = meta["dev"]
    unmapped = [label for label, cls in sorted(labels.entities.items()) if cls is None]
    lines = [
        f"# kg model: {', '.join(meta['relation_labels'])}", "",
        f"Trained {meta['trained']} by kg {meta['kg_version']} (`kg train`) in {meta['seconds']:.0f} s, "
        f"from the spaCy pipeline {meta['base']} {meta['base_version']}.", "",
        "## Data", "",
        f"- train: {meta['data']['train']['file']} (sha256 {meta['data']['train']['sha256'][:16]}...), "
        f"{meta['examples']['train']} examples",
        f"- dev (model selection): {_data_line(meta['data']['dev'])}, {meta['examples']['dev']} examples", "",
        "## Scores on dev (strict: spans, types and labels right; dev also chose the epoch and threshold)", "",
        "| | precision | recall | F1 |", "|---|---|---|---|",
        *(f"| {name} | {dev[key]['precision']:.3f} | {dev[key]['recall']:.3f} | {dev[key]['f1']:.3f} |"
          for key, name in (("entities", "entities"), ("relations", "relations, end to end"))), "",
        f"NER best epoch {meta['best_epoch']}; classifier penalty {meta['penalty']}, "
        f"threshold {meta['threshold']}.", "",
        "## Labels onto kg's ontology", "",
        *(f"- {label} -> {cls or '(no kg class: scored, not added to graphs)'}"
          for label, cls in labels.as_json()["entities"].items()),
        *(f"- {label} -> {name or 'relatedTo (the label kept as its verb)'}"
          for label, name in labels.as_json()["relations"].items()), "",
        "## Licence", "",
        "The weights are learned from the data above and carry its terms: a model trained on research-only",
        "data (CoNLL04, for one) is for research only and must not be redistributed.",
    ]
    if unmapped:
        lines += ["", f"Labels without a kg class ({', '.join(unmapped)}) can be mapped with `kg train --labels`."]
    return "\n".join(lines) + "\n"


def _data_line(described: Any) -> str:
    if isinstance(described, dict):
        return f"{described['file']} (sha256 {described['sha256'][:16]}...)"
    return str(described)
