"""PDF (``.pdf``): the text layer, by pypdf, as its writer's paragraphs rather than its printed lines,
with the title and creation date of its metadata; a scan without a text layer is an error that says
to run OCR.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import InputError
from kg.model import Document
from kg.read.document import (
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENT_CHARACTERS,
    date_in_name,
    metadata_date,
    text_document,
    too_long,
    useful_title,
)

if TYPE_CHECKING:
    from pypdf import PdfReader


#: The most bytes a PDF's pages may decode to: drawings (charts, maps) decode to megabytes a page with no text,
#: and pypdf holds what it decoded, so the bound is on memory, not on text (that is MAX_DOCUMENT_CHARACTERS).
MAX_PDF_STREAM_BYTES = 8 * MAX_DOCUMENT_BYTES


def pdf_document(path: Path) -> Document:
    """The document a PDF's text layer holds, with the title and creation date of its metadata.

    A date in the file name wins over the creation date, which is often the day the PDF was
    exported rather than the day the story ran. A scanned PDF has no text layer: the error
    says to run OCR first.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        # pypdf reads a path whole into memory; from an open file it reads what it needs
        with path.open("rb") as stream, _pypdf_quiet():
            reader = PdfReader(stream)
            if reader.is_encrypted and not reader.decrypt(""):
                raise InputError(f"{path}: the PDF is encrypted with a password: decrypt it, e.g. "
                                 "`qpdf --decrypt --password=PASSWORD FILE out.pdf`")
            pages = list(_page_texts(reader, str(path)))
            metadata = reader.metadata
            title = useful_title(metadata.title) if metadata else None
            created = metadata_date(metadata.creation_date) if metadata else None
    except (PyPdfError, OSError, ValueError, KeyError, TypeError) as error:
        raise InputError(f"{path}: not a readable PDF ({error}); if it opens in a viewer, print it to a new PDF "
                         "or save its text as .txt") from error
    text = pdf_text(pages)
    if not text:
        raise InputError(f"{path}: a scanned PDF with no text layer: run OCR on it, e.g. `ocrmypdf FILE out.pdf`")
    return text_document(text, source=str(path), name=str(path), title=title,
                         date_text=date_in_name(path) or created)


#: A line that only numbers its page: "3", "- 3 -", "Page 3", "Page 3 of 12", "3/12".
PAGE_NUMBER_LINE = re.compile(r"(?i)^[\s\-–—]*(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?[\s\-–—]*$")
#: A page's header or footer line that says which page it is: "story.txt   Page 1/2", "Page 3 of 12".
PAGE_HEADER_LINE = re.compile(r"(?i)\bpage\s+\d{1,4}\s*(?:of|/)\s*\d{1,4}\b")
#: What may start a line that goes on with the sentence before it.
CONTINUING = re.compile(r"^[a-z0-9,.;:!?)\]’”'\"%]")


def pdf_text(pages: list[str]) -> str:
    r"""A PDF's text as its writer's paragraphs, not its printed lines.

    pypdf gives each printed line as a line, and kg ends a sentence at a line break: an article
    printed from a 70-column text came apart at every line ("signed an agreement in Warsaw" /
    "months" / "."). So a line goes on the one before unless that one is short (a headline, a
    paragraph's last line) and it starts as a new sentence would; a word cut by a hyphen at a
    line's end is joined again ("agree-" / "ment"); and the lines that open or close most pages (a
    running header, a footer, a page number) are dropped.

    >>> lines = ["Grain deal signed", "WARSAW - Polish Prime Minister Donald Tusk and his",
    ...          "Ukrainian counterpart signed an agreement on grain in",
    ...          "Warsaw on Monday after months of talks, the two", "governments said in a joint state-", "ment.",
    ...          "Page 1 of 1"]
    >>> for line in pdf_text(["\n".join(lines)]).split("\n"):
    ...     print(line[:48], "...", line[-40:])
    Grain deal signed ... Grain deal signed
    WARSAW - Polish Prime Minister Donald Tusk and h ... o governments said in a joint statement.
    """
    lines_of = [page.splitlines() for page in pages]
    running = _running_lines(lines_of)
    lines = [line.strip() for page in lines_of for line in page
             if line.strip() not in running and not PAGE_NUMBER_LINE.match(line)]
    widths = sorted(len(line) for line in lines if line)
    full = 0.75 * widths[int(0.9 * (len(widths) - 1))] if widths else 0
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if not line:
            paragraphs.append(current)
            current = ""
        elif not current:
            current = line
        elif len(current.rsplit("\n", 1)[-1]) >= full or CONTINUING.match(line):
            hyphenated = current.endswith("-") and current[-2:-1].isalpha() and line[:1].islower()
            current = current[:-1] + line if hyphenated else current + " " + line
        else:
            current += "\n" + line
    paragraphs.append(current)
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def _running_lines(pages: list[list[str]]) -> set[str]:
    """The lines among the first and last two of each page that recur on most pages (numbers aside:
    "Page 3/12" recurs as "Page 4/12"), or say which page they are on: running headers and footers."""
    def shape(line: str) -> str:
        return re.sub(r"\d+", "#", line)

    seen: dict[str, set[int]] = {}
    numbered = set()
    for number, page in enumerate(pages):
        edges = [line.strip() for line in page if line.strip()]
        for line in edges[:2] + edges[-2:]:
            seen.setdefault(shape(line), set()).add(number)
            if PAGE_HEADER_LINE.search(line):
                numbered.add(line)
    most = max(2, 0.6 * len(pages))
    recurring = {found for found, numbers in seen.items() if len(pages) > 1 and len(numbers) >= most}
    return numbered | {line.strip() for page in pages for line in page if shape(line.strip()) in recurring}


def _page_texts(reader: PdfReader, where: str) -> Iterator[str]:
    """The text of each page, read no further than one document's budget: the pages' decoded streams past
    :data:`MAX_PDF_STREAM_BYTES` or their text past :data:`MAX_DOCUMENT_CHARACTERS` stop the read at that page."""
    from pypdf.generic import ArrayObject, StreamObject

    size = length = 0
    for page in reader.pages:
        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else None
        for stream in contents if isinstance(contents, ArrayObject) else [contents]:
            stream = stream.get_object() if stream is not None else None
            size += len(stream.get_data()) if isinstance(stream, StreamObject) else 0  # pypdf keeps it for extract_text
        if size > MAX_PDF_STREAM_BYTES:
            raise too_long(where, "its pages decode to", MAX_PDF_STREAM_BYTES)
        text = page.extract_text() or ""
        length += len(text)
        if length > MAX_DOCUMENT_CHARACTERS:
            raise too_long(where)
        yield text


@contextmanager
def _pypdf_quiet() -> Iterator[None]:
    """Keep pypdf's log out of kg's output while a PDF is read.

    pypdf logs each repair it makes ("incorrect startxref pointer", "fontTools is required ..." with a font
    dictionary of 900 characters), and Python prints a log record that no handler takes raw on stderr, without
    the file's name and even with ``-q``. The text is read all the same, so there is nothing to tell the user;
    a program that configures logging still gets them.
    """
    logger = logging.getLogger("pypdf")
    handler = logging.NullHandler()
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
