"""Stage 1: turn paths into :class:`~kg.model.Document` objects.

Folders are read recursively in sorted order, and ``-`` reads stdin; each file goes to the reader
of its format (:mod:`kg.read.formats`). A file that cannot be read, and a file in a folder that kg
does not read (an image, an old ``.doc``), is reported through ``on_error`` with the reason and a
fix, so one bad file never stops the others and none is left out unsaid. A text too long to parse
at once is cut into parts (:func:`document_parts`).
"""

from __future__ import annotations

import csv
import errno
import json
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path

from kg.errors import InputError
from kg.model import Document
from kg.read.document import MAX_DOCUMENT_BYTES, checked_date, decode, text_document, too_long
from kg.read.formats import FORMATS, READ_FORMATS, UNREADABLE_SUFFIXES, binary_reader, text_reader
from kg.read.html import looks_like_html
from kg.read.records import jsonl_documents
from kg.read.text import front_matter

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
            if not any(entry.suffix.lower() in FORMATS and entry.is_file() for entry in entries):
                yield InputError(f"{path}: folder holds no {READ_FORMATS} files")
            for entry in entries:
                if entry.is_file():
                    supported = entry.suffix.lower() in FORMATS
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
        yield from jsonl_documents(text, Path("<stdin>"))
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
    format_ = FORMATS.get(suffix)
    if format_ is not None and format_.binary:
        yield binary_reader(format_)(path)
        return
    if suffix in UNREADABLE_SUFFIXES:
        raise InputError(f"{path}: {UNREADABLE_SUFFIXES[suffix]}")
    # A pipe (``kg build <(zcat news.jsonl.gz)``) has no telling name: JSON Lines when it reads as them.
    piped = format_ is None and not path.is_file()
    # a JSONL or CSV file (or a pipe that may be one) holds many documents: the budget is per document
    limit = None if (format_ is not None and format_.records) or piped else MAX_DOCUMENT_BYTES
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
    if piped and _looks_like_jsonl(text):
        format_ = FORMATS[".jsonl"]
    elif piped and len(raw) > MAX_DOCUMENT_BYTES:
        raise too_long(str(path), "the pipe holds")
    if (format_ is None or format_.name == "text") and looks_like_html(text):
        format_ = FORMATS[".html"]  # a page saved as .txt, or named nothing kg reads, is read as the page it is
    yield from text_reader(format_ or FORMATS[".txt"])(text, path)
