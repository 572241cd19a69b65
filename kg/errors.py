"""The few exceptions kg raises. The CLI turns them into one-line messages and exit codes."""

from __future__ import annotations


class KGError(Exception):
    """Base of every error kg raises on purpose; the message says what is wrong and how to fix it."""


class InputError(KGError):
    """A document could not be read: missing, empty, binary or undecodable."""


class ModelError(KGError):
    """The spaCy pipeline named by the settings is not installed or cannot load."""


class QueryError(KGError):
    """A SPARQL query is malformed or cannot run."""


class GraphError(KGError):
    """An RDF file could not be parsed or written."""
