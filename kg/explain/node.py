"""Why is a name this node of a built graph (``kg explain NAME --graph GRAPH``)? :func:`account_for`
reads the node, its other names and the decisions corpus-level resolution
(:mod:`kg.resolution.graphs`) recorded about it: from the graph alone, without NLP.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.namespace import ENTITY_CLASSES, KG
from kg.sparql.query import loaded, query


@dataclass(frozen=True)
class NodeAccount:
    """What a graph says of one node a name leads to, for ``kg explain NAME --graph GRAPH``: its
    names and class, and the decisions that made it (joins into it) or left it apart."""

    iri: str
    name: str
    cls: str
    aliases: tuple[str, ...]
    documents: int
    #: (the joined IRI, rule, reason)
    joined: tuple[tuple[str, str, str], ...]
    #: (rule, reason, the candidates' names)
    kept_apart: tuple[tuple[str, str, tuple[str, ...]], ...]


def account_for(graph: Graph | str | Path, name: str) -> list[NodeAccount]:
    """The nodes of ``graph`` (a graph file, a store folder or an rdflib Graph) named ``name``,
    case aside, by their name or another name, with the decisions of resolution about them."""
    source = graph if isinstance(graph, Graph) else loaded(graph)  # read once: every query below reads it
    wanted = " ".join(name.split()).lower()  # as SPARQL's LCASE lowers, not casefold ("Straße")
    classes = " ".join(KG[cls].n3() for cls in ENTITY_CLASSES)
    found = query(source, f"""SELECT DISTINCT ?node ?label ?class WHERE {{
        ?node a ?class ; rdfs:label ?label . VALUES ?class {{ {classes} }}
        {{ ?node rdfs:label ?named }} UNION {{ ?node skos:altLabel ?named }}
        FILTER (LCASE(STR(?named)) = {ox.Literal(wanted)}) }} ORDER BY ?node""")
    accounts = []
    for node, label, cls in found.rows:
        iri = f"<{node}>"
        aliases = sorted(str(row[0]) for row in query(source, f"SELECT ?a WHERE {{ {iri} skos:altLabel ?a }}").rows)
        documents = len(query(source, f"SELECT DISTINCT ?d WHERE {{ {iri} kg:mentionedIn ?d }}").rows)
        joined = query(source, f"""SELECT ?old ?rule ?reason WHERE {{ ?r kg:into {iri} ; kg:joined ?old ;
            kg:resolutionRule ?rule ; kg:reason ?reason }} ORDER BY ?old""").rows
        apart = query(source, f"""SELECT ?r ?rule ?reason WHERE {{ ?r kg:keptApart {iri} ;
            kg:resolutionRule ?rule ; kg:reason ?reason }} ORDER BY ?r""").rows
        kept_apart = []
        for decision, rule, reason in apart:
            candidates = query(source, f"""SELECT ?name WHERE {{ <{decision}> kg:candidate/rdfs:label ?name }}
                ORDER BY ?name""").rows
            kept_apart.append((str(rule), str(reason), tuple(str(row[0]) for row in candidates)))
        accounts.append(NodeAccount(
            iri=str(node), name=str(label), cls=str(cls).rsplit("#", 1)[-1], aliases=tuple(aliases),
            documents=documents, joined=tuple((str(old), str(rule), str(reason)) for old, rule, reason in joined),
            kept_apart=tuple(kept_apart)))
    return accounts


def render_accounts(name: str, accounts: list[NodeAccount]) -> str:
    """The accounts as text for a terminal."""
    if not accounts:
        return f'no node is named "{name}" (by its name or another name)\n'
    lines = []
    for account in accounts:
        count = f"{account.documents} document{'s' if account.documents != 1 else ''}"
        lines.append(f"{account.name}: {account.cls}, in {count} <{account.iri}>")
        if account.aliases:
            lines.append("  also called: " + "; ".join(account.aliases))
        for old, rule, reason in account.joined:
            lines.append(f"  joined <{old}> ({rule}): {reason}")
        for rule, reason, _ in account.kept_apart:
            lines.append(f"  kept apart ({rule}): {reason}")
        if not account.joined and not account.kept_apart:
            lines.append("  no join across documents: every document that names it gave it this node")
    return "\n".join(lines) + "\n"
