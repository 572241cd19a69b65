"""The news model's NER: the base pipeline's NER fine-tuned on the names news-facts annotations give.

Why: many facts the rules miss on news nobody tuned them for are between names the small model
does not find, cuts wrong or classes wrong (Eriksson an Organization, Toyota a City). Measured on
the 96 train articles: with the annotated names standing in for the NER, the rules alone go from
fact F1 0.473 to 0.539 and spurious nodes from 0.16 to 0.03; fine-tuned on four fifths of them, the
NER moved the rules on the fifth from 0.472 to 0.493.

The annotations list every person, organisation and place an article names, each with every
name it goes by, so every occurrence of a name (``NewsArticle.mentions``) is an entity for the
NER, under the spaCy label kg's rules read: Person as PERSON, Organization as ORG, Country and
City as GPE, a Place as the base NER's GPE, LOC or FAC where it gives one of those to that span,
else LOC. Groups and roles stay the base NER's and the rules': a Group is NORP to spaCy, whose
adjectives ("Israeli") the annotations never mark as entities, and the rules find roles. The
base NER's finds of its other labels (dates, NORP ...) stand in the examples beside the
annotated names (:func:`kg.learn.ner.train_ner`), so the rules still get them. The NER is kept
only when it beats the base NER on dev, and trained only when asked (``kg train --ner``;
:data:`kg.learn.newstrain.NER_DEFAULT` says why it is not the default).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from spacy.language import Language
from spacy.pipeline import EntityRecognizer

from kg.learn.annotations import Annotated, Entity, split_long
from kg.learn.ner import Epoch, base_entities, entity_scores, train_ner
from kg.learn.newsfacts import NewsArticle

#: The spaCy label each annotated class is trained as; a Place keeps one of PLACE_LABELS.
LABELS = {"Person": "PERSON", "Organization": "ORG", "Country": "GPE", "City": "GPE"}
PLACE_LABELS = ("GPE", "LOC", "FAC")
PLACE_DEFAULT = "LOC"


@dataclass(frozen=True)
class NewsNer:
    """The fine-tuned NER's weights (``to_bytes``) if it beat the base NER on dev, and both dev scores."""

    weights: bytes | None
    dev_f1: float
    base_dev_f1: float
    epochs: int


def ner_examples(articles: Sequence[NewsArticle], nlp: Language) -> list[Annotated]:
    """One example a sentence of each article (tokenized and split as ``nlp`` does), with every
    occurrence of an annotated name as an entity under its spaCy label."""
    from kg.nlp import parse

    examples: list[Annotated] = []
    for article, doc in zip(articles, parse((a.document.text for a in articles), nlp), strict=True):
        base_labels = {(ent.start, ent.end): ent.label_ for ent in doc.ents}
        classes = {entity.id: str(entity.cls) for entity in article.entities}
        found: list[tuple[int, int, str]] = []
        for start, end, entity_id in article.mentions:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or classes[entity_id] not in (*LABELS, "Place"):
                continue
            base = base_labels.get((span.start, span.end), "")
            label = LABELS.get(classes[entity_id]) or (base if base in PLACE_LABELS else PLACE_DEFAULT)
            found.append((span.start, span.end, label))
        for sentence in doc.sents:
            entities = tuple(Entity(start - sentence.start, end - sentence.start, label)
                             for start, end, label in found if sentence.start <= start and end <= sentence.end)
            examples.append(Annotated(tuple(token.text for token in sentence), entities, ()))
    return split_long(examples, "news-facts")


def train_news_ner(train: Sequence[NewsArticle], dev: Sequence[NewsArticle], base: str, *, seed: int,
                   report: Callable[[str], None] = lambda line: None) -> NewsNer:
    """The base NER fine-tuned on ``train``'s names at its best epoch on ``dev``; its weights are
    kept only if it finds ``dev``'s names better than the base NER does (strict entity F1 over the
    labels trained)."""
    from kg.nlp import load_pipeline

    nlp = load_pipeline(base)
    train_examples, dev_examples = ner_examples(train, nlp), ner_examples(dev, nlp)

    def epoch_line(epoch: Epoch) -> None:
        report(f"NER epoch {epoch.number}: dev entities P {epoch.precision:.3f} R {epoch.recall:.3f} "
               f"F1 {epoch.f1:.3f} ({epoch.seconds:.0f} s)")

    trained, labels, history = train_ner(base, train_examples, dev_examples, seed=seed, report=epoch_line)
    base_finds = [[entity for entity in found if entity.label in labels]
                  for found in base_entities(nlp, dev_examples)]  # the NER kg reads with, untouched by training
    base_f1 = entity_scores(dev_examples, base_finds)[2]
    best = max(history, key=lambda epoch: epoch.f1)
    kept = best.f1 > base_f1
    report(f"NER: dev entity F1 {best.f1:.3f} at epoch {best.number}, the base NER's {base_f1:.3f}: "
           + ("kept" if kept else "not kept, the base NER reads"))
    weights = cast(EntityRecognizer, trained.get_pipe("ner")).to_bytes(exclude=["vocab"]) if kept else None
    return NewsNer(weights, best.f1, base_f1, best.number)


def with_news_ner(nlp: Language, weights: bytes | None) -> Language:
    """``nlp`` (a pipeline of its own, never the one :func:`kg.nlp.load_pipeline` keeps) with the
    news NER's weights in its NER."""
    if weights is not None:
        cast(EntityRecognizer, nlp.get_pipe("ner")).from_bytes(weights, exclude=["vocab"])
    return nlp


def save_news_ner(nlp: Language, folder: Path) -> None:
    """``nlp``'s NER (:func:`with_news_ner`) as spaCy writes a component (``cfg``, ``moves`` and
    ``model``: JSON and msgpack, no pickle), for :func:`kg.nlp.assemble_pipeline` to load."""
    cast(EntityRecognizer, nlp.get_pipe("ner")).to_disk(folder, exclude=["vocab"])
