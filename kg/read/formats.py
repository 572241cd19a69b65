"""The formats kg reads, by file suffix: one reader module a format, registered here by module and
function name and looked up when a file of its format is read (rdflib's parser plugins work the
same way: ``plugin.register(name, Parser, module, class)``). The heavy libraries (pypdf,
python-docx, trafilatura) are imported by the readers themselves, so reading a text file loads none.

A new format is a module under ``kg/read/`` with a reader function and one :func:`register` line
below. A reader takes the file's decoded text and its path and yields documents (or errors for
parts it could not read); a ``binary`` one takes the path alone and returns the one document.

>>> FORMATS[".md"].name, FORMATS[".pdf"].binary, FORMATS[".jsonl"].records
('text', True, True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import cast

from kg.errors import InputError
from kg.model import Document

#: A text format's reader: the file's text and path -> its documents, and errors for its bad parts.
TextReader = Callable[[str, Path], Iterator[Document | InputError]]
#: A binary format's reader (PDF, Word): the path -> the one document the file holds.
BinaryReader = Callable[[Path], Document]


@dataclass(frozen=True)
class Format:
    """A kind of file kg reads, and where its reader is."""

    name: str
    suffixes: tuple[str, ...]
    #: The module that reads it, and the reader function's name there.
    module: str
    reader: str
    #: The reader opens the file itself (its bytes are no text to decode).
    binary: bool = False
    #: One file holds many documents (a line or a row each): the read budget is per document, not per file.
    records: bool = False


#: Each suffix kg reads -> its format.
FORMATS: dict[str, Format] = {}


def register(format_: Format) -> None:
    """Read files with ``format_``'s suffixes with its reader (a suffix registered again goes to the new one)."""
    for suffix in format_.suffixes:
        FORMATS[suffix] = format_


def text_reader(format_: Format) -> TextReader:
    """The reader of a text format, imported now."""
    return cast(TextReader, getattr(import_module(format_.module), format_.reader))


def binary_reader(format_: Format) -> BinaryReader:
    """The reader of a binary format, imported now."""
    return cast(BinaryReader, getattr(import_module(format_.module), format_.reader))


register(Format("text", (".txt", ".md", ".text", ".markdown"), "kg.read.text", "text_documents"))
register(Format("html", (".html", ".htm"), "kg.read.html", "page_documents"))
register(Format("pdf", (".pdf",), "kg.read.pdf", "pdf_document", binary=True))
register(Format("docx", (".docx",), "kg.read.word", "docx_document", binary=True))
register(Format("jsonl", (".jsonl",), "kg.read.records", "jsonl_documents", records=True))
register(Format("csv", (".csv",), "kg.read.records", "csv_documents", records=True))

#: The suffixes kg reads (a live view: a format registered later is in it).
SUPPORTED_SUFFIXES = FORMATS.keys()
_TO_DOCX = "convert it with `libreoffice --headless --convert-to docx FILE`"
_OCR = "run OCR on it, e.g. `tesseract FILE out` (for a scan saved as PDF: `ocrmypdf FILE out.pdf`)"
#: Files news folders hold that kg does not read, and how to make them readable.
UNREADABLE_SUFFIXES = {
    ".doc": f"an old Word document (.doc): {_TO_DOCX}",
    ".rtf": f"a Rich Text document (.rtf): {_TO_DOCX}",
    ".odt": f"an OpenDocument text (.odt): {_TO_DOCX}",
    ".wpd": f"a WordPerfect document (.wpd): {_TO_DOCX}",
    ".pages": "an Apple Pages document: export it from Pages as Word (.docx)",
    **{suffix: f"an image, not text: {_OCR}"
       for suffix in (".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".bmp", ".webp", ".heic")},
    **{suffix: "a spreadsheet: save it as CSV with a 'text' column (and 'title', 'date')"
       for suffix in (".xls", ".xlsx", ".ods")},
    **{suffix: "a compressed file: unpack it first"
       for suffix in (".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".tar", ".rar")},
    ".json": "a JSON file: kg reads JSON Lines (.jsonl), one object with a \"text\" field a line; "
             "convert it, e.g. `jq -c '.[]' FILE > FILE.jsonl` for a list of objects",
}
READ_FORMATS = ".txt, .md, .html, .pdf, .docx, .jsonl or .csv"
