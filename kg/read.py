"""Stage 1: turn paths into :class:`~kg.model.Document` objects.

Reads what a newsroom has: plain text (``.txt``) and Markdown (``.md``), with a title and date
from a front matter block or a date from the file name (``2024-06-04-blinken.txt``); web pages
(``.html``: the article's main text, without menus and "Most read" sidebars, with the page's
title and date, by trafilatura); PDF (``.pdf``: the text layer, by pypdf) and Word (``.docx``,
by python-docx), with the title and date of their metadata; JSON Lines (``.jsonl``: a ``text``
field, optional ``title``, ``date``, ``id``, ``url``) and CSV with ``title``/``text``/``date``
columns (the Wikinews files). Text is UTF-8, or UTF-16/32 with a BOM. Folders are read
recursively in sorted order, and ``-`` reads stdin.
A file that cannot be read, and a file in a folder that kg does not read (an image, an old
``.doc``), is reported through ``on_error`` with the reason and a fix, so one bad file never
stops the others and none is left out unsaid.
"""

from __future__ import annotations

import codecs
import csv
import errno
import hashlib
import io
import json
import logging
import os
import re
import stat
import sys
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from spacy.lang.en.stop_words import STOP_WORDS

from kg.errors import InputError
from kg.model import Document

if TYPE_CHECKING:
    from pypdf import PdfReader

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
RECORD_SUFFIXES = {".jsonl", ".csv"}
#: Fields of a JSON Lines record or CSV row that hold the document's id, first found wins
#: (``newid`` is Reuters-21578's); without one, the id is a hash of the text.
ID_FIELDS = ("id", "doc_id", "newid", "guid")
PDF_SUFFIXES = {".pdf"}
DOCX_SUFFIXES = {".docx"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES | PDF_SUFFIXES | DOCX_SUFFIXES
#: The most characters of text one document may have: what spaCy parses at once (``nlp.max_length``, which kg's
#: pipelines keep at spaCy's 1,000,000; the pipeline checks the model's own as well).
MAX_DOCUMENT_CHARACTERS = 1_000_000
#: The most bytes a reader takes in for one document, counted after unzipping and decoding: a text file or web
#: page, the XML a Word file unzips to, the page streams a PDF decodes to, a JSON Lines line. Markup is a few
#: times the text it holds, so 16 times the text leaves room for any real article, while a bomb (1 GiB of
#: paragraphs zipped into 3 MB) is refused before it is parsed: python-docx takes about 13 bytes of memory for
#: each byte of XML, so the budget keeps one document's read under a few hundred MB.
MAX_DOCUMENT_BYTES = 16 * MAX_DOCUMENT_CHARACTERS
#: What one tag of a web page costs, in bytes of :data:`MAX_DOCUMENT_BYTES`: trafilatura spends 50 µs on an
#: element, so 16 MB of empty paragraphs (``<p></p>``) would take minutes, though the bytes are within budget.
PAGE_TAG_COST = 64
#: What one tag of a Word file's XML costs: python-docx keeps an element in about 250 bytes and reads a paragraph
#: in 15 µs. Lower than a page's, as a Word file writes every change of formatting as tags (a 90-page report
#: with eight runs a paragraph: 4.4 MB of XML, 270,000 tags, 278,000 characters of text, read in full).
WORD_TAG_COST = 16
#: The most bytes a PDF's pages may decode to: drawings (charts, maps) decode to megabytes a page with no text,
#: and pypdf holds what it decoded, so the bound is on memory, not on text (that is MAX_DOCUMENT_CHARACTERS).
MAX_PDF_STREAM_BYTES = 8 * MAX_DOCUMENT_BYTES
READ_FORMATS = ".txt, .md, .html, .pdf, .docx, .jsonl or .csv"
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
#: Files a folder holds about itself, not articles: skipped when reading a folder (not when named).
PROJECT_FILES = frozenset({"readme", "license", "licence", "changelog", "contributing", "attribution", "notice",
                           "authors", "copying"})

ErrorHandler = Callable[[InputError], None]


def _raise(error: InputError) -> None:
    raise error


#: The most characters kg parses as one piece: spaCy's parse of one doc takes about 1 GB of memory a
#: 100,000 characters and time that grows faster than its length, so a longer text (a report, a
#: book, a day of a live blog) is read in parts of at most this many, cut at paragraphs.
PART_CHARACTERS = 50_000


def document_parts(document: Document, limit: int = PART_CHARACTERS) -> list[Document]:
    """``document`` as parts of at most ``limit`` characters, cut at paragraph breaks (else line
    breaks, sentence ends, spaces): one part, itself, when it is short enough. Each part keeps the
    title (with "part N of M"), date and source; its id is the document's with ``-partN``, so the
    parts' entities resolve as any documents' do (by their names) and each part can be replaced.

    >>> [len(part.text) for part in document_parts(Document(id="d", text="a b. " * 30), limit=60)]
    [59, 59, 29]
    """
    if len(document.text) <= limit:
        return [document]
    pieces, text = [], document.text
    while len(text) > limit:
        window = text[:limit]
        cut = next((window.rfind(mark) + len(mark) for mark in ("\n\n", "\n", ". ", " ") if window.rfind(mark) > 0),
                   limit)
        pieces.append(text[:cut].strip())
        text = text[cut:]
    pieces.append(text.strip())
    pieces = [piece for piece in pieces if piece]
    return [replace(document, id=f"{document.id}-part{number}", text=piece,
                    title=f"{document.title or document.id} (part {number} of {len(pieces)})")
            for number, piece in enumerate(pieces, start=1)]


def too_long(where: str, what: str | None = None, limit: int = MAX_DOCUMENT_BYTES) -> InputError:
    """The error for a document past the read budget, with the fix: its text past :data:`MAX_DOCUMENT_CHARACTERS`,
    or, with ``what`` (``"the file holds"``), the bytes a reader took in past ``limit``.

    >>> str(too_long("huge.txt", "the file holds"))[:56]
    'huge.txt: the file holds more than 16,000,000 bytes, mor'
    """
    if what is None:
        return InputError(f"{where}: more than {MAX_DOCUMENT_CHARACTERS:,} characters of text, more than the model "
                          "reads in one document; split it into several documents")
    return InputError(f"{where}: {what} more than {limit:,} bytes, more than kg reads for one document, so it is "
                      f"refused before it is parsed; split it into several documents, or save its text as .txt "
                      f"(kg reads up to {MAX_DOCUMENT_CHARACTERS:,} characters of text a document)")


def read_documents(
    paths: Iterable[str | Path], *, on_error: ErrorHandler = _raise, default_date: str | None = None
) -> Iterator[Document]:
    """Yield every document found under ``paths``, in a stable order.

    Inside folders, hidden files and a folder's own README/LICENSE files are passed over in
    silence (they are not articles); every other file kg does not read goes to ``on_error``
    with the reason and a fix. ``default_date`` (``YYYY-MM-DD``) is the date of documents that
    carry none, so that "on Tuesday" in them can be read as a day.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("Headline\\nBody text.")
    >>> [d.title for d in read_documents([folder])]
    ['Headline']
    """
    if default_date is not None:
        default_date = checked_date(default_date)
        for document in read_documents(paths, on_error=on_error):
            yield document if document.date else replace(document, date=default_date)
        return
    for item in _inputs(paths):
        if isinstance(item, InputError):
            on_error(item)
        elif item is None:
            yield from _guarded(_read_stdin, on_error)
        else:
            yield from _guarded(partial(_read_file, item), on_error)


def input_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The files :func:`read_documents` reads under ``paths``, in its order, found without reading one (stdin
    is left out). With :func:`documents_in`, a progress bar's total that costs no second read."""
    return (item for item in _inputs(paths) if isinstance(item, Path))


def _inputs(paths: Iterable[str | Path]) -> Iterator[Path | InputError | None]:
    """Each file to read under ``paths`` (None for stdin), and an error for each path or folder entry passed over.

    Inside a folder, whatever is not a file kg reads is named, links and pipes too: kg follows no link out of a
    folder (a link to a folder above would loop) and opens no pipe there (a read waits for a writer forever).
    """
    for path in paths:
        if str(path) == "-":
            yield None
            continue
        path = Path(path)
        if path.is_dir():
            entries = sorted(
                p for p in path.rglob("*")
                if p.stem.lower() not in PROJECT_FILES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not any(entry.suffix.lower() in SUPPORTED_SUFFIXES and entry.is_file() for entry in entries):
                yield InputError(f"{path}: folder holds no {READ_FORMATS} files")
            for entry in entries:
                if entry.is_file():
                    supported = entry.suffix.lower() in SUPPORTED_SUFFIXES
                    yield entry if supported else InputError(f"{entry}: {unreadable_reason(entry)}")
                elif entry.is_symlink() or not entry.is_dir():
                    yield InputError(f"{entry}: {_not_a_file(entry)}")
        elif path.exists():
            yield path
        else:
            yield InputError(f"{path}: no such file or folder")


def _not_a_file(path: Path) -> str:
    """Why a folder entry that is not a file (a link that loops or leads nowhere or to a folder, a pipe) is skipped."""
    try:
        mode = path.stat().st_mode  # follows the link; stat opens nothing, so a pipe cannot block
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "a link that loops (it leads back to itself): remove it"
        if path.is_symlink():
            return f"a link to a missing file ({os.readlink(path)}): remove it, or put the file back"
        return f"cannot read it ({error.strerror})"
    if stat.S_ISDIR(mode):
        return "a link to a folder: kg does not follow links inside a folder; give the folder itself"
    if stat.S_ISFIFO(mode):
        return "a named pipe, not a file: kg reads a pipe given by name (kg build PIPE), never one inside a folder"
    return "not a regular file (a socket or a device): kg reads files"


def documents_in(path: Path) -> int:
    """How many documents a file holds, found without reading one: a JSON Lines file one a non-blank line, a CSV
    file one a row, any other file one. Lines are counted in chunks, so a line of 1 GB costs no memory.

    >>> import tempfile, pathlib
    >>> news = pathlib.Path(tempfile.mkdtemp()) / "news.jsonl"
    >>> _ = news.write_text('{"text": "Biden met Xi."}\\n\\n{"text": "Macron spoke."}\\n')
    >>> documents_in(news)
    2
    """
    suffix = path.suffix.lower()
    try:
        if suffix == ".jsonl":
            with path.open("rb") as stream:
                lines, filled = 0, False
                while chunk := stream.read(1 << 20):
                    *ended, rest = chunk.split(b"\n")
                    for line in ended:
                        lines += filled or bool(line.strip())
                        filled = False
                    filled = filled or bool(rest.strip())
                return lines + filled
        if suffix == ".csv":
            csv.field_size_limit(2**31 - 1)
            with path.open(encoding="utf-8", errors="replace", newline="") as stream:
                # the first row names the columns; a blank line is no row (csv.DictReader skips it)
                return max(0, sum(1 for row in csv.reader(stream) if row) - 1)
    except (OSError, csv.Error):
        return 0
    return 1


def _guarded(
    reader: Callable[[], Iterator[Document | InputError]], on_error: ErrorHandler
) -> Iterator[Document]:
    try:
        for item in reader():
            if isinstance(item, InputError):
                on_error(item)
            else:
                yield item
    except InputError as error:
        on_error(error)


def _read_stdin() -> Iterator[Document | InputError]:
    """Standard input is one text, or JSON Lines (one document per line) when it starts with ``{``."""
    text = decode(sys.stdin.buffer.read(), "<stdin>")
    if _looks_like_jsonl(text):
        yield from _jsonl_documents(text, Path("<stdin>"))
    else:
        fields, body = front_matter(text)
        yield text_document(body, source="<stdin>", name="<stdin>", title=fields.get("title"),
                            date_text=fields.get("date"))


def _looks_like_jsonl(text: str) -> bool:
    """True when the first line is a JSON object, not just a text that opens with a brace."""
    first = text.lstrip().split("\n", 1)[0]
    if not first.startswith("{"):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except RecursionError:
        return True  # an object nested too deeply: JSON Lines, whose reader names the line
    except ValueError:
        return False


def unreadable_reason(path: Path) -> str:
    """Why kg does not read a file a folder holds, and what to do about it.

    >>> unreadable_reason(Path("news/interview.doc"))
    'an old Word document (.doc): convert it with `libreoffice --headless --convert-to docx FILE`'
    """
    suffix = path.suffix.lower()
    if suffix in UNREADABLE_SUFFIXES:
        return UNREADABLE_SUFFIXES[suffix]
    kind = f"{suffix} files" if suffix else "files without a suffix"
    return f"kg does not read {kind} (it reads {READ_FORMATS}): save it as one of those, or move it out of the folder"


def _read_file(path: Path) -> Iterator[Document | InputError]:
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        yield pdf_document(path)
        return
    if suffix in DOCX_SUFFIXES:
        yield docx_document(path)
        return
    if suffix in UNREADABLE_SUFFIXES:
        raise InputError(f"{path}: {UNREADABLE_SUFFIXES[suffix]}")
    # A pipe (``kg build <(zcat news.jsonl.gz)``) has no telling name: JSON Lines when it reads as them.
    piped = suffix not in SUPPORTED_SUFFIXES and not path.is_file()
    # a JSONL or CSV file (or a pipe that may be one) holds many documents: the budget is per document
    limit = None if suffix in RECORD_SUFFIXES or piped else MAX_DOCUMENT_BYTES
    try:
        if limit is not None and path.stat().st_size > limit:
            raise too_long(str(path), "the file holds")
        with path.open("rb") as stream:  # a pipe has no size: read one byte past the budget to see it run over
            raw = stream.read() if limit is None else stream.read(limit + 1)
    except OSError as error:
        raise InputError(f"{path}: cannot read file ({error.strerror})") from error
    if limit is not None and len(raw) > limit:
        raise too_long(str(path), "the file holds")
    text = decode(raw, str(path))
    if suffix == ".jsonl" or (piped and _looks_like_jsonl(text)):
        yield from _jsonl_documents(text, path)
    elif piped and len(raw) > MAX_DOCUMENT_BYTES:
        raise too_long(str(path), "the pipe holds")
    elif suffix == ".csv":
        yield from _csv_documents(text, path)
    elif suffix in HTML_SUFFIXES or looks_like_html(text):
        if len(text) + PAGE_TAG_COST * text.count("<") > MAX_DOCUMENT_BYTES:
            raise too_long(str(path), "the page holds markup worth")
        title, published, body = html_article(text, where=str(path))
        if not body.strip():
            raise InputError(f"{path}: the HTML page holds no text")
        yield text_document(body, source=str(path), name=str(path), title=title,
                            date_text=published or date_in_name(path))
    else:
        fields, body = front_matter(text)
        yield text_document(body, source=str(path), name=str(path), title=fields.get("title"),
                            date_text=normalise_date(fields.get("date")) or date_in_name(path))


#: ``---`` at the very start of a text, ``key: value`` lines, and ``---`` (or ``...``): Jekyll's,
#: Hugo's and Pandoc's YAML front matter.
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<fields>(?:.*\n)*?)(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
FRONT_MATTER_LINE = re.compile(r"(?P<key>[A-Za-z_][\w-]*)[ \t]*:[ \t]*(?P<value>.*)")
#: Front matter keys that hold the date, first found wins.
DATE_KEYS = ("date", "published", "pubdate", "publishdate")


def front_matter(text: str) -> tuple[dict[str, str], str]:
    """(fields, text) of a text that opens with a YAML-like front matter block; the block is cut off.

    Only simple ``key: value`` lines are read (lists and nested values are kept out of the
    fields, but do not stop the block being read), so kg needs no YAML parser; a text whose
    opening ``---`` lines hold anything else is returned as it is. The date is under ``date``
    (or ``published``, ``pubdate``, ``publishdate``).

    >>> front_matter("---\\ntitle: Blinken in Israel\\ndate: 2024-06-04\\n---\\nAntony Blinken landed.")
    ({'title': 'Blinken in Israel', 'date': '2024-06-04'}, 'Antony Blinken landed.')
    """
    text = clean_text(text)
    block = FRONT_MATTER.match(text.lstrip("\n"))
    if block is None:
        return {}, text
    fields: dict[str, str] = {}
    for line in block["fields"].split("\n"):
        if not line.strip() or line.lstrip().startswith("#") or line[:1] in " \t-":
            continue  # blank, a comment, or part of a list or nested value
        found = FRONT_MATTER_LINE.fullmatch(line.rstrip())
        if found is None:
            return {}, text  # not front matter: prose between two rules
        value = found["value"].strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        fields[found["key"].lower()] = value
    if not fields:
        return {}, text
    dated = next((fields[key] for key in DATE_KEYS if fields.get(key)), None)
    fields = {key: value for key, value in fields.items() if key not in DATE_KEYS}
    if dated is not None:
        fields["date"] = dated
    return fields, text.lstrip("\n")[block.end():]


#: A date in a file name: ``2024-06-04-blinken.txt``, ``blinken_2024_06_04.pdf``, ``2024.06.04 Blinken.docx``.
DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})([-_.])(\d{2})\2(\d{2})(?!\d)")


def date_in_name(path: Path) -> str | None:
    """The date a file's name gives (``YYYY-MM-DD``, or with ``_`` or ``.``), if it is a real day.

    >>> date_in_name(Path("news/2024-06-04-blinken.txt")), date_in_name(Path("report-2024-13-40.txt"))
    ('2024-06-04', None)
    """
    for found in DATE_IN_NAME.finditer(path.name):
        try:
            return date(int(found[1]), int(found[3]), int(found[4])).isoformat()
        except ValueError:
            continue
    return None


def checked_date(value: str) -> str:
    """A date given as ``YYYY-MM-DD``, checked, or an :class:`InputError` that says how to give it.

    >>> checked_date("2024-06-04")
    '2024-06-04'
    """
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise InputError(f"{value!r} is not a date: give the day as YYYY-MM-DD, e.g. 2024-06-04") from None


def _metadata_date(value: object) -> str | None:
    """A date a PDF or DOCX keeps in its metadata (a datetime, or a string), as ``YYYY-MM-DD``."""
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return normalise_date(value) if isinstance(value, str) else None


#: Titles PDF writers put in the metadata that are not the article's: a file name, "Untitled".
#: A title a tool wrote in place of the document's own: a file name, "Untitled", "Enscript Output", "Document1".
FILE_NAME_TITLE = re.compile(r"(?i)^(?:microsoft \w+ - )?.*\.(?:docx?|pdf|odt|rtf|txt|indd)$|^untitled$"
                             r"|^enscript output$|^document ?\d*$")


def _useful_title(title: object) -> str | None:
    if not isinstance(title, str) or not title.strip() or FILE_NAME_TITLE.match(title.strip()):
        return None
    return title.strip()


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
            title = _useful_title(metadata.title) if metadata else None
            created = _metadata_date(metadata.creation_date) if metadata else None
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
        title, created = _useful_title(properties.title), _metadata_date(properties.created)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError, OSError,
            NotImplementedError) as error:  # NotImplementedError: a compression zipfile does not know
        raise InputError(f"{path}: not a readable Word document ({error}); open it in Word or LibreOffice "
                         "and save it again as .docx") from error
    text = "\n".join(line for line in lines if line.strip())
    if not text:
        raise InputError(f"{path}: the Word document holds no text")
    return text_document(text, source=str(path), name=str(path), title=title,
                         date_text=date_in_name(path) or created)


#: Byte-order marks and the encodings they announce (UTF-32 first: its LE mark starts like UTF-16's).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(raw: bytes, name: str) -> str:
    """Decode a file's bytes: UTF-8, or UTF-16/32 when a byte-order mark says so.

    Refuses empty files, binary data and bytes that are not valid in the encoding, each with
    a message that names the file and the fix.
    """
    if not raw.strip():
        raise InputError(f"{name}: file is empty")
    encoding, body = "utf-8", raw
    for mark, announced in BOMS:
        if raw.startswith(mark):
            encoding, body = announced, raw[len(mark):]
            break
    if encoding == "utf-8" and b"\x00" in raw[:8192]:
        raise InputError(f"{name}: looks like a binary file, not text")
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(
            f"{name}: not valid {encoding.upper()} (byte {error.start}: {body[error.start:error.start + 1]!r});"
            " convert it with e.g. `iconv -t UTF-8`"
        ) from error
    if "\x00" in text:
        raise InputError(f"{name}: looks like a binary file, not text")
    if not text.strip():
        raise InputError(f"{name}: file is empty")
    return text


class _HTMLText(HTMLParser):
    """The readable text of an HTML page: no markup, scripts or styles; blocks on their own lines."""

    SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head", "nav", "footer"})
    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "article", "section",
                        "blockquote", "pre", "header", "table", "ul", "ol", "dd", "dt", "figcaption"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self.skipping: list[str] = []
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.skipping = [name for name in self.skipping if name != "head"]  # </head> is optional
        elif tag == "title":
            self.in_title = not self.title and "svg" not in self.skipping
        elif tag in self.SKIP:
            self.skipping.append(tag)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            if self.in_title and not self.title:
                self.title.append("")  # an empty title still counts as the first
            self.in_title = False
        elif self.skipping and tag == self.skipping[-1]:
            self.skipping.pop()
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.skipping:
            self.parts.append(data)


def html_text(markup: str) -> tuple[str | None, str]:
    """(title, text) of an HTML page, tags stripped and text kept.

    >>> html_text("<html><title>News</title><p>Macron met <b>Scholz</b>.</p><script>x()</script></html>")
    ('News', 'Macron met Scholz.')
    """
    parser = _HTMLText()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    title = " ".join("".join(parser.title).split()) or None
    return title, "\n".join(line for line in lines if line)


def html_article(markup: str, *, where: str = "the page") -> tuple[str | None, str | None, str]:
    """(title, date, text) of a news page: the article's main text, found by trafilatura, without
    the menus, "Most read" lists and footers around it (which would otherwise become entities).

    The title and date come from the page's metadata (``og:title``, ``article:published_time``,
    ...), never from dates in the text. A page too small or too plain for trafilatura to find an
    article in is read whole, as :func:`html_text` reads it. Nothing is fetched. A page whose text runs past
    :data:`MAX_DOCUMENT_CHARACTERS` is refused (an :class:`InputError` naming ``where``) before trafilatura reads it.

    >>> html_article("<html><title>News</title><p>Macron met <b>Scholz</b>.</p></html>")
    ('News', None, 'Macron met Scholz.')
    """
    import trafilatura  # imported when a page is read: it takes a tenth of a second

    page_title, page_text = html_text(markup)
    if len(page_text) > MAX_DOCUMENT_CHARACTERS:
        raise too_long(where)
    found = trafilatura.bare_extraction(
        markup, with_metadata=True, include_comments=False, include_tables=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    fields = found if isinstance(found, dict) else found.as_dict() if found is not None else {}
    title = fields.get("title") or page_title
    article = fields.get("text") or ""
    # trafilatura's fallback for a plain page breaks lines at inline tags ("met\nScholz\n."): when it
    # kept the whole page, the page's own lines read better
    if "".join(article.split()) in ("", "".join(page_text.split())):
        article = page_text
    return title, normalise_date(fields.get("date")), article


def looks_like_html(text: str) -> bool:
    start = text.lstrip()[:200].lower()
    return start.startswith(("<!doctype html", "<html")) or ("<body" in start and "</" in text)


ENGLISH_SHARE_WARNING = 0.15


def english_share(text: str) -> float:
    """The share of words that are common English words: about 0.4-0.5 in English prose."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    return sum(word in STOP_WORDS for word in words) / len(words) if words else 0.0


def text_document(
    text: str,
    *,
    source: str | None = None,
    name: str = "text",
    title: str | None = None,
    date_text: str | None = None,
    doc_id: str | None = None,
) -> Document:
    """Make a Document from text; the title defaults to a short first line (a headline)."""
    if not text.strip():
        raise InputError(f"{name}: no text to read")
    text = clean_text(text)
    title = clean_text(title) if title else title
    if title is None:
        first_line = text.strip().split("\n", 1)[0].strip().lstrip("#").strip()
        title = first_line if 0 < len(first_line) <= 200 else None
    return Document(
        id=doc_id or content_id(text),
        text=text,
        title=title or None,
        date=normalise_date(date_text),
        source=source,
    )


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
#: Characters that show nothing: zero-width spaces and joiners, the byte-order mark, the soft
#: hyphen, and the marks, embeddings and isolates that set the direction of text.
INVISIBLE_CHARACTERS = re.compile(r"[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
#: Every other way Unicode ends a line (vertical tab, form feed, NEL, line and paragraph separators).
SURROGATES = re.compile(r"[\ud800-\udfff]")
LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")


def clean_text(text: str) -> str:
    """Text as kg keeps it: ``\\n`` line ends, one Unicode form (NFC), no control characters and no
    invisible ones.

    NFC makes "Zürich" typed two ways one name (and one IRI); control characters carry no
    meaning in news and cannot be written in RDF/XML; rdflib's Turtle parser reads the other
    line breaks (NEL, U+2028) inside a string as the end of a line; a zero-width or direction
    character inside a name ("Jo\\u200de Biden") would make a look-alike second node.

    >>> clean_text("Zu\\u0308rich\\r\\nbank\\x00")
    'Zürich\\nbank'
    """
    text = LINE_BREAKS.sub("\n", text)
    text = SURROGATES.sub("\ufffd", text)  # a lone surrogate (from a JSON escape) cannot be encoded
    return unicodedata.normalize("NFC", INVISIBLE_CHARACTERS.sub("", CONTROL_CHARACTERS.sub("", text)))


def content_id(text: str) -> str:
    """A document id taken from its text, so the same article gets the same id in every run."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def normalise_date(value: str | None) -> str | None:
    """An ISO date (``YYYY-MM-DD``) from the common forms input files use, or None.

    >>> normalise_date("26-FEB-1987 15:01:01.79"), normalise_date("2 November 2023")
    ('1987-02-26', '2023-11-02')
    """
    if not value or not value.strip():
        return None
    value = value.strip()
    first = value.split()[0]
    if first != value and normalise_date(first):  # a date and a time: "26-FEB-1987 15:01:01.79" (Reuters)
        return normalise_date(first)
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    for pattern in ("%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%d-%b-%Y", "%Y/%m/%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date().isoformat()
        except ValueError:
            continue
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def json_line(line: str, where: str) -> object:
    """One line of a JSON Lines file, parsed, or an :class:`InputError` that names ``where`` (``FILE:LINE``).

    Python's parser recurses once a level, so a line nested a thousand deep (``[[[[...``) raises RecursionError,
    which would stop a whole build and lose its good lines: here it is one more bad line. Every JSON Lines
    reader of kg's (documents, and kg train's news facts) parses with it.

    >>> json_line('{"text": "Biden met Xi."}', "news.jsonl:1")
    {'text': 'Biden met Xi.'}
    >>> json_line("[" * 100_000, "news.jsonl:2")
    Traceback (most recent call last):
    kg.errors.InputError: news.jsonl:2: not valid JSON (nested too deeply; kg reads one flat object a line)
    """
    try:
        return json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(f"{where}: not valid JSON ({error.msg})") from None
    except RecursionError:
        raise InputError(f"{where}: not valid JSON (nested too deeply; kg reads one flat object a line)") from None


def _jsonl_documents(text: str, path: Path) -> Iterator[Document | InputError]:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        if len(line) > MAX_DOCUMENT_BYTES:
            yield too_long(where, "the line holds")
            continue
        try:
            record = json_line(line, where)
        except InputError as error:
            yield error
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield InputError(f"{where}: each line needs an object with a \"text\" string")
            continue
        yield from _record_document(record, where)


def _csv_documents(text: str, path: Path) -> Iterator[Document | InputError]:
    csv.field_size_limit(2**31 - 1)  # one article can be a long field
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        columns = {name.strip().lower(): name for name in reader.fieldnames or []}
        if "text" not in columns:
            raise InputError(f"{path}: CSV needs a 'text' column (found: {', '.join(columns) or 'none'})")
        for row in reader:
            record = {key: row.get(original) for key, original in columns.items()}
            yield from _record_document(record, f"{path}:{reader.line_num}")
    except csv.Error as error:
        raise InputError(f"{path}:{reader.line_num}: not valid CSV ({error})") from error


def _record_document(record: dict[str, object], where: str) -> Iterator[Document | InputError]:
    def field(name: str) -> str | None:
        """A field's text: a string or a number (an id); null is no value, and a list or an object is an error
        (it would become a title "['a', 'b']")."""
        value = record.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            kind = {"list": "a list", "dict": "an object", "bool": "true or false"}.get(type(value).__name__, "a value")
            raise InputError(f'{where}: "{name}" holds {kind}; give it as text')
        return str(value).strip()

    try:
        yield text_document(
            str(record.get("text") or ""),
            source=field("url") or where,
            name=where,
            title=field("title") or "",
            date_text=field("date"),
            doc_id=clean_text(next(filter(None, map(field, ID_FIELDS)), "")) or None,
        )
    except InputError as error:
        yield error
