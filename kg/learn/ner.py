"""The trained NER: the base pipeline's NER fine-tuned with the user's labels, in its place.

kg's rules read the base NER's labels (PERSON, ORG, GPE, NORP, DATE...) from ``doc.ents``. So the
trained NER keeps them: a user label is trained under the base label that already covers most
of its spans ("Peop" as PERSON; :func:`aligned_labels`), other user labels are added, and the base
NER's own finds of its other labels (dates, nationalities...) stand in the training examples
beside the user's, so they are not unlearned. One NER then serves the rules and the user: it
replaces the base ``ner`` in the model's pipeline (the NER has its own tok2vec, which the tagger
and parser do not read, so training it cannot move them), and :class:`UserEntities` copies its
entities of the user's labels, in those labels, to ``doc.spans[USER_SPANS]``. A build with a
trained model parses as fast as one without.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import compounding, fix_random_seed, minibatch

from kg.errors import InputError
from kg.learn.annotations import Annotated, Entity, micro_scores
from kg.nlp import TRAINED_MODEL_KEY, USER_ENTITIES_COMPONENT, USER_SPANS

#: The trained NER's name, in training and in a model's pipeline: the base NER's, whose place it takes.
TRAINED_NER = "ner"
#: Adam's step while fine-tuning: half the rate spaCy trains a NER with from scratch, since the
#: weights start where the base NER's training left them (on CoNLL04, seeds 0-2: dev entity F1
#: 0.822, 0.820, 0.818, against 0.812, 0.815, 0.811 at spaCy's 0.001).
LEARN_RATE = 0.0005


class UserEntities:
    """Copies the trained NER's entities of the user's labels to ``doc.spans[USER_SPANS]``, in those labels.

    ``labels`` maps the NER's labels to the user's (:func:`aligned_labels`); others are left out.
    """

    def __init__(self, labels: dict[str, str], model_dir: str = "") -> None:
        self.labels, self.model_dir = labels, model_dir

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[USER_SPANS] = [Span(doc, span.start, span.end, label=self.labels[span.label_])
                                 for span in doc.ents if span.label_ in self.labels]
        if self.model_dir:
            doc.user_data[TRAINED_MODEL_KEY] = self.model_dir
        return doc


@Language.factory(USER_ENTITIES_COMPONENT, default_config={"model_dir": ""})
def make_user_entities(nlp: Language, name: str, model_dir: str) -> UserEntities:
    """spaCy's factory for :class:`UserEntities` (``kg_user_entities``, through kg's entry point):
    the labels of the model in ``model_dir``."""
    from kg.learn.trained import load_model

    return UserEntities(load_model(model_dir).ner_labels, model_dir)


@dataclass(frozen=True)
class Epoch:
    """One epoch of NER training, scored on dev (with the optimizer's averaged weights)."""

    number: int
    loss: float
    precision: float
    recall: float
    f1: float
    seconds: float


def train_ner(base_name: str, train: Sequence[Annotated], dev: Sequence[Annotated], *, seed: int = 0,
              dropout: float = 0.25, learn_rate: float = LEARN_RATE, max_epochs: int = 30, patience: int = 8,
              report: Callable[[Epoch], None] = lambda epoch: None
              ) -> tuple[Language, dict[str, str], list[Epoch]]:
    """The base pipeline's NER fine-tuned on the user's entity labels, at its best epoch on dev.

    Returns a small pipeline holding the trained component, :data:`TRAINED_NER`, its labels onto the
    user's (:func:`aligned_labels`), and every epoch's scores. Stops after ``patience`` epochs
    without a better dev F1. The base pipeline is loaded afresh: spaCy's ``add_pipe(source=...)``
    hands over the source's own component, and training it in a pipeline kg is using would
    retrain the NER its rules read.
    """
    from spacy import blank, load

    fix_random_seed(seed)
    shuffle = random.Random(seed).shuffle
    base = load(base_name, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
    if any(type(node).__name__.endswith("Listener") for node in base.get_pipe("ner").model.walk()):  # type: ignore[attr-defined]
        raise InputError(f"{base_name}: its NER reads a tok2vec or transformer it shares with other components; "
                         f"kg train fine-tunes a NER with its own (en_core_web_sm, md or lg)")
    nlp = blank(base.lang or "en", vocab=base.vocab)
    base_finds = base_entities(base, train)
    aliases = aligned_labels(train, base_finds)
    ner = cast(EntityRecognizer, nlp.add_pipe("ner", source=base))
    user_labels = sorted({entity.label for example in train for entity in example.entities})
    for label in user_labels:
        ner.add_label(aliases.get(label, label))
    labels = {aliases.get(label, label): label for label in user_labels}  # the NER's label -> the user's
    kept_base_labels = set(ner.labels) - set(aliases.values()) - set(user_labels)
    examples = [_example(nlp, annotated, aliases, [e for e in finds if e.label in kept_base_labels])
                for annotated, finds in zip(train, base_finds, strict=True)]
    optimizer = nlp.resume_training()
    optimizer.learn_rate = learn_rate
    started, best_f1, best_weights, history = time.perf_counter(), -1.0, ner.to_bytes(), []
    for number in range(1, max_epochs + 1):
        shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=compounding(4.0, 32.0, 1.001)):
            nlp.update(batch, sgd=optimizer, drop=dropout, losses=losses)
        with nlp.use_params(optimizer.averages):
            precision, recall, f1 = entity_scores(dev, predict_entities(ner, nlp, dev, labels))
            if f1 > best_f1:
                best_f1, best_weights = f1, ner.to_bytes()
        history.append(Epoch(number, float(losses.get(TRAINED_NER, 0.0)), precision, recall, f1,
                             time.perf_counter() - started))
        report(history[-1])
        if number - max(history, key=lambda epoch: epoch.f1).number >= patience:
            break
    ner.from_bytes(best_weights)
    return nlp, labels, history


def predict_entities(ner: EntityRecognizer, nlp: Language, examples: Sequence[Annotated],
                     labels: dict[str, str]) -> list[list[Entity]]:
    """The NER's entities for each example's tokens, in the user's labels (``labels``: the NER's -> the user's)."""
    docs = [Doc(nlp.vocab, words=list(example.tokens)) for example in examples]
    found: list[list[Entity]] = []
    for batch in minibatch(docs, size=256):
        ner.set_annotations(batch, ner.predict(batch))
        found.extend([Entity(span.start, span.end, labels[span.label_]) for span in doc.ents
                      if span.label_ in labels] for doc in batch)
    return found


def entity_scores(gold: Sequence[Annotated], predicted: Sequence[Sequence[Entity]]) -> tuple[float, float, float]:
    """Strict micro precision, recall and F1 of predicted entities (span and label both right)."""
    return micro_scores((set(example.entities), set(found)) for example, found in zip(gold, predicted, strict=True))


def base_entities(base: Language, examples: Sequence[Annotated]) -> list[list[Entity]]:
    """The base NER's entities for each example's tokens, in its own labels."""
    return predict_entities(cast(EntityRecognizer, base.get_pipe("ner")), base, examples,
                            {label: label for label in base.get_pipe("ner").labels})  # type: ignore[attr-defined]


def aligned_labels(train: Sequence[Annotated], base_finds: Sequence[Sequence[Entity]], *,
                   least_share: float = 0.25) -> dict[str, str]:
    """The base NER's label each user label is mostly written as: user label -> base label.

    Trained under the base label the pretrained NER already gives its spans ("Peop" as PERSON),
    a user label starts from what the base NER knows, and the rules read it as they read the base
    NER. A user label is aligned when the base NER gives a label to at least ``least_share`` of
    its spans, each base label to one user label, the most shared first.
    """
    totals: dict[str, int] = {}
    shared: dict[tuple[str, str], int] = {}
    for example, finds in zip(train, base_finds, strict=True):
        found = {(entity.start, entity.end): entity.label for entity in finds}
        for entity in example.entities:
            totals[entity.label] = totals.get(entity.label, 0) + 1
            base_label = found.get((entity.start, entity.end))
            if base_label is not None:
                shared[(entity.label, base_label)] = shared.get((entity.label, base_label), 0) + 1
    aliases: dict[str, str] = {}
    for (user_label, base_label), count in sorted(shared.items(), key=lambda item: (-item[1], item[0])):
        # a base label that is also another user label's own name stays that label's
        taken = user_label in aliases or base_label in aliases.values() or base_label in totals.keys() - {user_label}
        if not taken and count >= least_share * totals[user_label]:
            aliases[user_label] = base_label
    return aliases


def _example(nlp: Language, annotated: Annotated, aliases: dict[str, str], base_finds: list[Entity]) -> Example:
    """A training example under the NER's labels: the user's entities, then the base NER's finds
    of its other labels where they overlap none of them. Entities that overlap an earlier (longer)
    one are left out, since a BILUO NER cannot represent overlaps."""
    words = list(annotated.tokens)
    reference = Doc(nlp.vocab, words=words)
    taken: set[int] = set()
    spans = []
    users = sorted(annotated.entities, key=lambda e: (e.start, -(e.end - e.start)))
    for entity in [*users, *base_finds]:
        if taken.isdisjoint(range(entity.start, entity.end)):
            taken.update(range(entity.start, entity.end))
            spans.append(Span(reference, entity.start, entity.end, label=aliases.get(entity.label, entity.label)))
    reference.ents = sorted(spans, key=lambda span: span.start)
    return Example(Doc(nlp.vocab, words=words), reference)
