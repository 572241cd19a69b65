"""Plain text (``.txt``, ``.text``) and Markdown (``.md``, ``.markdown``): the title and date from a
front matter block (Jekyll's, Hugo's, Pandoc's), else the first short line as the title and a date
from the file's name (``2024-06-04-blinken.txt``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError
from kg.model import Document
from kg.read.document import clean_text, date_in_name, normalise_date, text_document

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


def text_documents(text: str, path: Path) -> Iterator[Document | InputError]:
    """The one document a text file holds."""
    fields, body = front_matter(text)
    yield text_document(body, source=str(path), name=str(path), title=fields.get("title"),
                        date_text=normalise_date(fields.get("date")) or date_in_name(path))
