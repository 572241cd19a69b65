"""One parsed document through the extraction stages that read the parse (1-3)."""

from __future__ import annotations

from spacy.tokens import Doc

from kg.extraction.coref import coreferent_mentions
from kg.extraction.corrections import killing_parties
from kg.extraction.mentions import MentionSpan, as_people, find_mentions
from kg.extraction.relations import extract_relations
from kg.model import Document, DocumentAnalysis, Sentence
from kg.nlp import quick_span_roots, sentences, text_of


def analyse(document: Document, doc: Doc) -> DocumentAnalysis:
    """Mentions and relations of one parsed document: a pure function of its input."""
    return analysed(document, doc)[0]


def analysed(document: Document, doc: Doc) -> tuple[DocumentAnalysis, list[MentionSpan]]:
    """:func:`analyse`, with the mentions' spans it read them from (what ``kg explain`` shows)."""
    quick_span_roots(doc)
    mention_spans = document_mentions(doc)
    text = text_of(doc)
    found_sentences = tuple(
        # the text read once, then sliced: Span.text and Doc.text join the tokens' texts on every read
        Sentence(start=start, end=end, text=text[start:end].strip())
        for start, end in ((sent.start_char, sent.end_char) for sent in sentences(doc))
    )
    return DocumentAnalysis(
        document=document,
        sentences=found_sentences,
        mentions=tuple(item.mention for item in mention_spans),
        relations=tuple(extract_relations(doc, mention_spans)),
    ), mention_spans


def document_mentions(doc: Doc) -> list[MentionSpan]:
    """The named mentions in text order, then the pronouns and descriptions linked to them."""
    mention_spans = as_people(doc, find_mentions(doc), killing_parties(doc))
    return mention_spans + coreferent_mentions(doc, mention_spans)
