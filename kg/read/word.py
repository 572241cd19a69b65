"""Word (``.docx``): paragraphs and tables in order, by python-docx, with the title and creation date of
the core properties; a file whose parts unzip past one document's budget is refused before it is parsed.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

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

#: What one tag of a Word file's XML costs: python-docx keeps an element in about 250 bytes and reads a paragraph
#: in 15 µs. Lower than a page's, as a Word file writes every change of formatting as tags (a 90-page report
#: with eight runs a paragraph: 4.4 MB of XML, 270,000 tags, 278,000 characters of text, read in full).
WORD_TAG_COST = 16


def _check_unzipped_size(path: Path) -> None:
    """Refuse a Word file whose parts unzip past :data:`MAX_DOCUMENT_BYTES`, before python-docx unzips and parses
    them all in memory (1 GiB of paragraphs zipped into 3 MB took it past 10 GB).

    The sizes a zip declares can lie, so each part is unzipped in chunks and counted. The XML counts whole, each
    tag :data:`WORD_TAG_COST` more (python-docx parses it); a picture counts by what unzipping adds to it, since a
    photo hardly compresses and a part that grows a hundredfold is a bomb.
    """
    size = 0
    with zipfile.ZipFile(path) as package:
        for part in package.infolist():
            parsed = part.filename.endswith((".xml", ".rels"))
            kept = 0 if parsed else part.compress_size
            unzipped = 0
            with package.open(part) as stream:
                while chunk := stream.read(1 << 20):
                    unzipped += len(chunk) + (WORD_TAG_COST * chunk.count(b"<") if parsed else 0)
                    if size + max(0, unzipped - kept) > MAX_DOCUMENT_BYTES:
                        raise too_long(str(path), "its parts unzip to markup worth")
            size += max(0, unzipped - kept)


def docx_document(path: Path) -> Document:
    """The document a Word file (.docx) holds: its paragraphs and tables in order, with the title and
    creation date of its core properties (a date in the file name wins, as for a PDF)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        _check_unzipped_size(path)
        word = docx.Document(str(path))
        lines: list[str] = []
        length = 0
        for block in word.iter_inner_content():
            if isinstance(block, Table):
                found = ["\t".join(cell.text for cell in row.cells) for row in block.rows]
            else:
                found = [block.text]
            lines.extend(found)
            length += sum(map(len, found))
            if length > MAX_DOCUMENT_CHARACTERS:
                raise too_long(str(path))
        properties = word.core_properties
        title, created = useful_title(properties.title), metadata_date(properties.created)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError, OSError,
            NotImplementedError) as error:  # NotImplementedError: a compression zipfile does not know
        raise InputError(f"{path}: not a readable Word document ({error}); open it in Word or LibreOffice "
                         "and save it again as .docx") from error
    text = "\n".join(line for line in lines if line.strip())
    if not text:
        raise InputError(f"{path}: the Word document holds no text")
    return text_document(text, source=str(path), name=str(path), title=title,
                         date_text=date_in_name(path) or created)
