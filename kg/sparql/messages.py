"""A SPARQL syntax error as a person reads it: where it is, near what, and the likely cause.

Oxigraph's parser says where it stopped and every token it could have taken there, character
classes and all ("error at 1:30: expected one of Prefix not found, ['%'], ['-' | '0' ..= '9' |
...", 436 characters cut mid-token). What helps is the line and column, the words there, and, for
the most common slip, a prefix kg does not declare, the prefixes it does. Used by ``kg query`` and
by the endpoint (whose workers import only this, :mod:`re` and pyoxigraph).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_ERROR_AT = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.DOTALL)
#: The tokens worth naming in the parser's list: quoted ones and keywords, not character classes.
_EXPECTED = re.compile(r'"([^"\s]{1,12})"|(?<![\'\w])([A-Z][A-Z_]{1,15})(?![\'\w])')
_PREFIXED_END = re.compile(r"([A-Za-z][\w.\-]*)?:[\w.\-%]*$")
MOST_EXPECTED = 8


def offset(text: str, line: int, column: int) -> int:
    """The offset in ``text`` of a 1-based line and column, as the engine's parse errors give them."""
    lines = text.split("\n")
    return min(len(text), sum(len(previous) + 1 for previous in lines[:line - 1]) + column - 1)


def error_offset(query: str, message: str) -> int | None:
    """Where in ``query`` the engine's syntax error ``message`` says it stopped, or None."""
    found = _ERROR_AT.match(message.strip())
    return None if found is None else offset(query, int(found.group(1)), int(found.group(2)))


def syntax_error(query: str, message: str, prefixes: Iterable[str]) -> str:
    r"""One line for the engine's syntax error ``message`` about ``query``.

    >>> said = "error at 1:30: expected one of Prefix not found, ['%']"
    >>> print(syntax_error("SELECT * WHERE { ?s foaf:name ?o }", said, ["kg", "rdfs"]).replace("; ", ";\n"))
    malformed SPARQL query: unknown prefix foaf: (line 1, column 30);
    declare it (PREFIX foaf: <...>) or use kg's: kg:, rdfs:
    >>> syntax_error("SELECT * { ?s ?p ?o } LIMT 3", "error at 1:23: expected one of HAVING, OFFSET, VALUES", [])
    "malformed SPARQL query at line 1, column 23, near 'LIMT 3': expected one of HAVING, OFFSET, VALUES"
    """
    found = _ERROR_AT.match(message.strip())
    if found is None:
        return "malformed SPARQL query: " + " ".join(message.split())[:200]
    line, column, said = int(found.group(1)), int(found.group(2)), found.group(3)
    at = offset(query, line, column)
    where = f"line {line}, column {column}"
    if "Prefix not found" in said:
        name = _PREFIXED_END.search(query[:at + 1].rstrip())
        prefix = (name.group(1) or "") if name else ""
        declared = ", ".join(f"{known}:" for known in sorted(prefixes))
        return (f"malformed SPARQL query: unknown prefix {prefix}: ({where}); declare it (PREFIX {prefix}: <...>) "
                f"or use kg's: {declared}")
    expected = list(dict.fromkeys(quoted or word for quoted, word in _EXPECTED.findall(said)))
    near = query[at:at + 20].split("\n")[0].strip()
    before = " ".join(query[:at].split()[-2:])
    text = f"malformed SPARQL query at {where}, " + (f"near {near!r}" if near else f"at the end, after {before!r}")
    if expected:
        more = ", ..." if len(expected) > MOST_EXPECTED else ""
        text += f": expected {'one of ' if len(expected) > 1 else ''}{', '.join(expected[:MOST_EXPECTED])}{more}"
    return text
