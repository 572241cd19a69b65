"""Stage 1: turn paths into :class:`~kg.model.Document` objects (:func:`read_documents`).

Reads what a newsroom has, one module a format behind a small registry (:mod:`~kg.read.formats`):
plain text and Markdown (:mod:`~kg.read.text`), web pages (:mod:`~kg.read.html`), PDF
(:mod:`~kg.read.pdf`), Word (:mod:`~kg.read.word`), JSON Lines and CSV (:mod:`~kg.read.records`);
what they share, a text made a document with a stable id and a normal date within one document's
budget, is :mod:`~kg.read.document`, and the walk over folders and stdin :mod:`~kg.read.paths`.
Text is UTF-8, or UTF-16/32 with a BOM. A file that cannot be read, and a file in a folder that kg
does not read (an image, an old ``.doc``), is reported through ``on_error`` with the reason and a
fix, so one bad file never stops the others and none is left out unsaid.

The names below are the reading API, importable from ``kg.read`` as they always were.
"""

from __future__ import annotations

from kg.read.document import (
    ENGLISH_SHARE_WARNING,
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENT_CHARACTERS,
    checked_date,
    clean_text,
    content_id,
    date_in_name,
    decode,
    english_share,
    normalise_date,
    text_document,
    too_long,
)
from kg.read.formats import FORMATS, READ_FORMATS, SUPPORTED_SUFFIXES, UNREADABLE_SUFFIXES, Format, register
from kg.read.html import html_article, html_text, looks_like_html
from kg.read.paths import (
    PART_CHARACTERS,
    PROJECT_FILES,
    ErrorHandler,
    document_parts,
    documents_in,
    input_files,
    read_documents,
    unreadable_reason,
)
from kg.read.pdf import pdf_document, pdf_text
from kg.read.records import csv_documents, json_line, jsonl_documents
from kg.read.text import front_matter
from kg.read.word import docx_document

__all__ = [
    "ENGLISH_SHARE_WARNING", "FORMATS", "MAX_DOCUMENT_BYTES", "MAX_DOCUMENT_CHARACTERS", "PART_CHARACTERS",
    "PROJECT_FILES", "READ_FORMATS", "SUPPORTED_SUFFIXES", "UNREADABLE_SUFFIXES", "ErrorHandler", "Format",
    "checked_date", "clean_text", "content_id", "csv_documents", "date_in_name", "decode", "docx_document",
    "document_parts", "documents_in", "english_share", "front_matter", "html_article", "html_text", "input_files",
    "json_line", "jsonl_documents", "looks_like_html", "normalise_date", "pdf_document", "pdf_text",
    "read_documents", "register", "text_document", "too_long", "unreadable_reason",
]
