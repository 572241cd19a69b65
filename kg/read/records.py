"""Files of many documents: JSON Lines (``.jsonl``: a ``text`` field, optional ``title``, ``date``,
``id``, ``url``) and CSV with ``text``/``title``/``date`` columns (the Wikinews files). A bad line or
row is an error naming it; the others are read.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError
from kg.model import Document
from kg.read.document import MAX_DOCUMENT_BYTES, clean_text, text_document, too_long

#: Fields of a JSON Lines record or CSV row that hold the document's id, first found wins
#: (``newid`` is Reuters-21578's); without one, the id is a hash of the text.
ID_FIELDS = ("id", "doc_id", "newid", "guid")


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


def jsonl_documents(text: str, path: Path) -> Iterator[Document | InputError]:
    """The documents of a JSON Lines file: one object with a ``text`` field a line; a bad line is an error
    naming the file and the line, and the other lines are read."""
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


def csv_documents(text: str, path: Path) -> Iterator[Document | InputError]:
    """The documents of a CSV file: one a row, its text in a ``text`` column (and ``title``, ``date``, ``id``,
    ``url`` if there are such columns: the Wikinews files)."""
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
