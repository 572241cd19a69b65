"""``kg explain``: why is there (no) triple for this sentence (:mod:`~kg.explain.text`: the extraction
stages, sentence by sentence, with reasons), and why is a name this node of a built graph
(:mod:`~kg.explain.node`: the decisions of resolution recorded in it).
"""

from __future__ import annotations

from kg.explain.node import NodeAccount, account_for, render_accounts
from kg.explain.text import (
    EntityNote,
    Explanation,
    LearnedNote,
    PairNote,
    PronounNote,
    RuleNote,
    SentenceNote,
    as_json,
    explain,
    explain_documents,
    render_path,
    render_text,
)

__all__ = [
    "EntityNote", "Explanation", "LearnedNote", "NodeAccount", "PairNote", "PronounNote", "RuleNote", "SentenceNote",
    "account_for", "as_json", "explain", "explain_documents", "render_accounts", "render_path", "render_text",
]
