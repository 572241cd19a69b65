"""Checks a query must pass before it takes a query worker: cheap, and done on its tokens.

The endpoint reads each query's tokens (strings, IRIs, comments and ``\\u`` escapes understood)
before any worker is involved, so that what can be refused at once never waits in the queue:
an update (403), a federated ``SERVICE`` call (403: the server would fetch any URL a caller names),
and nesting deep enough to overflow the engine's parser (400; a 20 KB ``((((...`` crashes it).

SERVICE is not left to the tokens alone: a tokenizer that reads one character differently from the
engine (an escaped quote in a prefixed name, ``kg:a\\'``, once hid what followed inside a
"string") would let a federated call through. So the check for it reads the raw text, whatever the
tokens: the word SERVICE followed by what can follow it in the grammar (an IRI, a prefixed name, a
variable, SILENT; comments and spaces between) refuses the query, even when the tokens say it sits
in a string. ``"Secret Service"``, ``?service`` and ``kg:service`` pass. This check is the first
wall, the cheap one: the engine reads keywords glued to anything (``SERVICE:s``, ``1SERVICE<x>``),
so the worker asks the engine itself before a query runs (:func:`kg.sparql.worker.federated_call`),
and the workers cannot reach the network at all (:func:`kg.sparql.worker.isolate_network`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: How deep brackets may nest. Real queries stay under 20; Oxigraph's parser overflows its stack
#: past a few thousand on an 8 MB stack (workers also give it a larger one).
MAX_NESTING = 200
#: The words that start a SPARQL update operation.
UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
PROLOGUE_WORDS = frozenset({"BASE", "PREFIX"})

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<comment>\#[^\n]*)
      | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                   |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<variable>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]*)
      | (?P<name>[^\W\d][\w.\-]*(?::(?:[\w.\-:]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?\#@%])*)?
                 |:(?:[\w.\-:]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?\#@%])*)
      | (?P<open>[({\[])
      | (?P<close>[)}\]])
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


#: SERVICE as the engine would read it, found in the raw text: not inside a longer name (a prefixed
#: name's local part, ``?service``, the prefix ``service:``), and followed by what the grammar lets
#: follow the keyword: an IRI or a variable, or past spaces and comments SILENT or a prefixed name.
_SERVICE_CALL = re.compile(
    r"(?<![\w:\-?$\\])SERVICE(?:[<?$]|(?:\s|\#[^\r\n]*(?:[\r\n]|$))+(?:SILENT\b|<|[?$]|[^\W\d][\w.\-]*:|:))",
    re.IGNORECASE,
)


FEDERATION_REFUSED = "federated queries (SERVICE) are refused: this endpoint only answers from its own graph"


@dataclass(frozen=True)
class Refusal:
    """Why a query is refused before it runs, as the HTTP status and a one-line message."""

    status: int
    message: str


def expand_escapes(query: str) -> str:
    r"""SPARQL's codepoint escapes (``\u0053``, ``\U00000053``), which the grammar applies to the
    whole query text before reading it (SPARQL 1.1, section 19.2)."""
    def character(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group(0)

    return _ESCAPE.sub(character, query)


def refusal(query: str, *, max_nesting: int = MAX_NESTING) -> Refusal | None:
    """Why ``query`` must not reach a worker, or None when it may.

    >>> refusal('SELECT * WHERE { ?s ?p "Secret Service" }') is None
    True
    >>> refusal('SELECT * WHERE { \\u0053ERVICE <http://example.org/> { ?s ?p ?o } }').status
    403
    >>> refusal('PREFIX : <urn:x> INSERT DATA { :a :b :c }').status
    403
    >>> refusal('ASK { FILTER(' + '(' * 500 + '1' + ')' * 500 + ') }').status
    400
    """
    text = expand_escapes(query)
    if _SERVICE_CALL.search(text):
        return Refusal(403, FEDERATION_REFUSED)
    depth = 0
    first_word: str | None = None
    previous = ""
    for match in _TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        if kind == "open":
            depth += 1
            if depth > max_nesting:
                return Refusal(400, f"the query nests brackets more than {max_nesting} deep; flatten it")
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "name" and ":" not in token:
            word = token.upper()
            if first_word is None and word not in PROLOGUE_WORDS and previous not in PROLOGUE_WORDS:
                first_word = word
            previous = word
            continue
        if kind not in ("space", "comment"):
            previous = ""
    if first_word in UPDATE_WORDS:
        return Refusal(403, "this endpoint is read-only: updates are refused")
    return None
