"""A mention with the spaCy span it came from: what the extraction stages pass between them."""

from __future__ import annotations

from typing import NamedTuple

from spacy.tokens import Span

from kg.model import Mention


class MentionSpan(NamedTuple):
    """A mention with the spaCy span it came from; only used inside the extraction stages.

    ``owner`` is, for a role, the span of the person who holds it.
    """

    mention: Mention
    span: Span
    owner: Span | None = None
