"""Stage 1: turn paths into :class:`~kg.model.Document` objects.

Reads plain text (``.txt``), Markdown (``.md``), HTML (``.html``: tags stripped, text kept),
JSON Lines (``.jsonl``: a ``text`` field, optional ``title``, ``date``, ``id``, ``url``) and CSV
with ``title``/``text``/``date`` columns (the Wikinews files); UTF-8, or UTF-16/32 with a BOM.
Folders are read recursively in sorted order, and ``-`` reads stdin.
A file that cannot be read is reported through ``on_error`` and skipped, so one bad file
never stops the others.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from functools import partial
from html.parser import HTMLParser
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS

from kg.errors import InputError
from kg.model import Document

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
RECORD_SUFFIXES = {".jsonl", ".csv"}
#: Fields of a JSON Lines record or CSV row that hold the document's id, first found wins
#: (``newid`` is Reuters-21578's); without one, the id is a hash of the text.
ID_FIELDS = ("id", "doc_id", "newid", "guid")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES
#: Files a folder holds about itself, not articles: skipped when reading a folder (not when named).
PROJECT_FILES = frozenset({"readme", "license", "licence", "changelog", "contributing", "attribution", "notice",
                           "authors", "copying"})

ErrorHandler = Callable[[InputError], None]


def _raise(error: InputError) -> None:
    raise error


def read_documents(
    paths: Iterable[str | Path], *, on_error: ErrorHandler = _raise
) -> Iterator[Document]:
    """Yield every document found under ``paths``, in a stable order.

    Inside folders, hidden files and a folder's own README/LICENSE files are skipped.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("Headline\\nBody text.")
    >>> [d.title for d in read_documents([folder])]
    ['Headline']
    """
    for path in paths:
        if str(path) == "-":
            yield from _guarded(_read_stdin, on_error)
            continue
        path = Path(path)
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                and p.stem.lower() not in PROJECT_FILES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not files:
                on_error(InputError(f"{path}: folder holds no .txt, .md, .jsonl or .csv files"))
            for file in files:
                yield from _guarded(partial(_read_file, file), on_error)
        elif path.exists():
            yield from _guarded(partial(_read_file, path), on_error)
        else:
            on_error(InputError(f"{path}: no such file or folder"))


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
        yield text_document(text, source="<stdin>", name="<stdin>")


def _looks_like_jsonl(text: str) -> bool:
    """True when the first line is a JSON object, not just a text that opens with a brace."""
    first = text.lstrip().split("\n", 1)[0]
    if not first.startswith("{"):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def _read_file(path: Path) -> Iterator[Document | InputError]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read file ({error.strerror})") from error
    text = decode(raw, str(path))
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _jsonl_documents(text, path)
    elif suffix == ".csv":
        yield from _csv_documents(text, path)
    elif suffix in HTML_SUFFIXES or looks_like_html(text):
        title, body = html_text(text)
        if not body.strip():
            raise InputError(f"{path}: the HTML page holds no text")
        yield text_document(body, source=str(path), name=str(path), title=title)
    else:
        yield text_document(text, source=str(path), name=str(path))


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


def _jsonl_documents(text: str, path: Path) -> Iterator[Document | InputError]:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield InputError(f"{where}: not valid JSON ({error.msg})")
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
        value = record.get(name)
        return str(value).strip() if value not in (None, "") else None

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
