"""What every reader shares (stage 1): a text, decoded and cleaned, becomes a :class:`~kg.model.Document`
with a stable id and a normal date; and the budget one document may take, so that no file (a bomb
of zipped paragraphs, a 1 GB line) is parsed past it.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS

from kg.errors import InputError
from kg.model import Document

#: The most characters of text one document may have: what spaCy parses at once (``nlp.max_length``, which kg's
#: pipelines keep at spaCy's 1,000,000; the pipeline checks the model's own as well).
MAX_DOCUMENT_CHARACTERS = 1_000_000
#: The most bytes a reader takes in for one document, counted after unzipping and decoding: a text file or web
#: page, the XML a Word file unzips to, the page streams a PDF decodes to, a JSON Lines line. Markup is a few
#: times the text it holds, so 16 times the text leaves room for any real article, while a bomb (1 GiB of
#: paragraphs zipped into 3 MB) is refused before it is parsed: python-docx takes about 13 bytes of memory for
#: each byte of XML, so the budget keeps one document's read under a few hundred MB.
MAX_DOCUMENT_BYTES = 16 * MAX_DOCUMENT_CHARACTERS


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


def checked_date(value: str) -> str:
    """A date given as ``YYYY-MM-DD``, checked, or an :class:`InputError` that says how to give it.

    >>> checked_date("2024-06-04")
    '2024-06-04'
    """
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise InputError(f"{value!r} is not a date: give the day as YYYY-MM-DD, e.g. 2024-06-04") from None


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


def metadata_date(value: object) -> str | None:
    """A date a PDF or DOCX keeps in its metadata (a datetime, or a string), as ``YYYY-MM-DD``."""
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return normalise_date(value) if isinstance(value, str) else None


#: Titles PDF writers put in the metadata that are not the article's: a file name, "Untitled".
#: A title a tool wrote in place of the document's own: a file name, "Untitled", "Enscript Output", "Document1".
FILE_NAME_TITLE = re.compile(r"(?i)^(?:microsoft \w+ - )?.*\.(?:docx?|pdf|odt|rtf|txt|indd)$|^untitled$"
                             r"|^enscript output$|^document ?\d*$")


def useful_title(title: object) -> str | None:
    if not isinstance(title, str) or not title.strip() or FILE_NAME_TITLE.match(title.strip()):
        return None
    return title.strip()


ENGLISH_SHARE_WARNING = 0.15


def english_share(text: str) -> float:
    """The share of words that are common English words: about 0.4-0.5 in English prose."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    return sum(word in STOP_WORDS for word in words) / len(words) if words else 0.0
