"""The graph in other tools' formats: GraphML and GEXF for Gephi and Cytoscape, CSV for a
spreadsheet, ``neo4j-admin database import`` files for Neo4j, and compact JSON-LD for the web.

The network formats (GraphML, GEXF, CSV, Neo4j) are drawn from the entity network of
:func:`kg.graph.network.entity_network`, the one the viewer and ``kg stats`` use: one node per
entity, one edge per subject-relation-object, with the statements that support it. JSON-LD is
the RDF graph itself, triple for triple, compacted with a context of kg's terms.

Every format is byte-identical for the same graph: nodes and edges in IRI order, JSON keys and
values sorted, and no dates or counters that change from run to run.

    rdflib.Graph -> entity network (networkx) -> .graphml / .gexf / csv/ / neo4j/
    rdflib.Graph -> compact JSON-LD with an @context of kg's terms -> .jsonld
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter
from rdflib import Graph

from kg.errors import GraphError
from kg.graph.export import atomic_files, load_graph
from kg.graph.jsonld import compact_jsonld
from kg.graph.network import StatementInfo, centrality, communities, edge_label, entity_network
from kg.namespace import ENTITY_CLASSES, superclasses
from kg.options import EXPORT_PURPOSES

#: Aliases and other lists are joined with this in GraphML, GEXF and CSV cells, whose values
#: must be plain strings to open in Gephi, Cytoscape and spreadsheets.
LIST_SEPARATOR = "; "
#: neo4j-admin's default array delimiter.
NEO4J_ARRAY_DELIMITER = ";"


@dataclass(frozen=True)
class ExportFormat:
    """One format ``kg export --to`` writes: a file (``graph.graphml``) or a folder of files (``csv/``)."""

    name: str
    #: The default output's suffix next to the graph (``.graphml``), or its folder name (``csv``).
    default_name: str
    is_folder: bool
    #: What it is for, as ``kg export --help`` and docs/guides/cli.md say.
    purpose: str
    render: Callable[[Graph], bytes | dict[str, bytes]]


def graphml(rdf: Graph) -> bytes:
    """The entity network as GraphML (Gephi, Cytoscape, yEd, igraph), one edge per relation.

    >>> from kg.graph.rdf import new_graph
    >>> graphml(new_graph()).startswith(b"<?xml")
    True
    """
    stream = io.BytesIO()
    nx.write_graphml(interchange_network(rdf), stream, encoding="utf-8", prettyprint=True)
    return stream.getvalue()


def gexf(rdf: Graph) -> bytes:
    """The entity network as GEXF 1.2 (Gephi's own format), with node and edge labels set.

    networkx stamps the file with today's date; it is left out here so the same graph gives
    the same bytes on any day (the date is optional in GEXF). Each edge also carries networkx's
    ``networkx_key`` attribute (``e0``, ...), the edge's id in GraphML, so networkx reads it back whole.
    """
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.add_graph(interchange_network(rdf))
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()


def interchange_network(rdf: Graph) -> nx.MultiDiGraph:
    """The entity network with only str, int and float attributes, as Gephi and Cytoscape read them.

    Nodes (entity IRIs): ``label``, ``class``, ``aliases`` (joined with ``"; "``), ``documents``
    (how many mention it), ``degree``, ``pagerank`` and ``community`` (as ``kg stats`` computes them).
    Edges (ids ``e0``, ``e1``, ...): ``relation`` (kg's name), ``label`` (the same, but for the open
    relation the verbs the page shows: "buy / headquarter in"), ``verb`` (its statements' verbs),
    ``weight`` (the statements that support it; 1 for a graph kg did not make), ``evidence`` (its
    distinct evidence sentences, one a line), ``evidence_count``, ``documents`` and ``factuality``
    (of its statements, joined). A relation that every statement
    of it denies ("did not meet") is left out, as the RDF graph has no triple for it.
    """
    return _flat_network(entity_network(rdf).graph)


def _flat_network(network: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """:func:`interchange_network` of an entity network already built (the CSV and Neo4j tables need both)."""
    rank, community_of = centrality(network), communities(network)
    flat = nx.MultiDiGraph()
    for node, data in network.nodes(data=True):
        flat.add_node(
            node, label=data["label"], **{"class": data["cls"]}, aliases=LIST_SEPARATOR.join(data["aliases"]),
            documents=len(data["documents"]), degree=int(network.degree(node)),
            pagerank=round(rank.get(node, 0.0), 6), community=community_of.get(node, 0),
        )
    number = 0
    for subject, obj, relation, data in network.edges(keys=True, data=True):
        supporting = _supporting(data["statements"])
        if data["statements"] and not supporting:
            continue
        sentences = sorted({s.evidence for s in supporting if s.evidence})
        flat.add_edge(
            subject, obj, key=f"e{number}", label=edge_label(relation, supporting), relation=relation,
            verb=LIST_SEPARATOR.join(sorted({s.verb for s in supporting if s.verb})),
            weight=max(1, len(supporting)), evidence="\n".join(sentences), evidence_count=len(sentences),
            documents=len({s.document for s in supporting if s.document}),
            factuality=LIST_SEPARATOR.join(sorted({s.factuality for s in supporting})),
        )
        number += 1
    return flat


def _supporting(statements: Iterable[StatementInfo]) -> list[StatementInfo]:
    """The statements that assert a relation in some way: all but the negated."""
    return [statement for statement in statements if statement.factuality != "negated"]


ENTITY_COLUMNS = ("iri", "label", "class", "aliases", "documents", "degree", "pagerank", "community")
RELATION_COLUMNS = (
    "subject", "subject_label", "relation", "verb", "object", "object_label", "factuality", "confidence",
    "evidence", "document", "document_title",
)


def csv_tables(rdf: Graph) -> dict[str, bytes]:
    """``entities.csv`` (one row per entity) and ``relations.csv`` (one row per statement, with its
    evidence sentence and document; negated ones too, marked so), UTF-8, for a spreadsheet.

    A relation with no statement (in a graph kg did not make) gets one row with the evidence blank.
    """
    network = entity_network(rdf)
    flat = _flat_network(network.graph)
    entities = [{"iri": node, **{column: data[column] for column in ENTITY_COLUMNS[1:]}}
                for node, data in flat.nodes(data=True)]
    nodes = network.graph.nodes
    relations = []
    for subject, obj, relation, data in network.graph.edges(keys=True, data=True):
        ends = {"subject": subject, "subject_label": nodes[subject]["label"], "relation": relation,
                "object": obj, "object_label": nodes[obj]["label"]}
        for statement in data["statements"] or [None]:
            document = statement.document if statement else ""
            relations.append({
                **ends, "verb": statement.verb if statement else "",
                "factuality": statement.factuality if statement else "",
                "confidence": statement.confidence if statement else "",
                "evidence": statement.evidence if statement else "", "document": document,
                "document_title": network.documents.get(document, {}).get("title", ""),
            })
    return {"entities.csv": _csv(ENTITY_COLUMNS, entities), "relations.csv": _csv(RELATION_COLUMNS, relations)}


#: neo4j-admin header of each node property, with its type where it is not a string.
NEO4J_NODE_HEADER = {
    "iri": "iri:ID", "name": "name", "class": "class", "aliases": "aliases:string[]", "documents": "documents:int",
    "degree": "degree:int", "pagerank": "pagerank:float", "community": "community:int", "labels": ":LABEL",
}
NEO4J_RELATIONSHIP_HEADER = {
    "start": ":START_ID", "end": ":END_ID", "type": ":TYPE", "relation": "relation", "label": "label",
    "verb": "verb", "weight": "weight:int", "evidence": "evidence", "evidence_count": "evidence_count:int",
    "documents": "documents:int", "factuality": "factuality",
}


def neo4j_tables(rdf: Graph) -> dict[str, bytes]:
    """``nodes.csv`` and ``relationships.csv`` for ``neo4j-admin database import full``, headers in
    the first row (``iri:ID``, ``:LABEL``, ``:START_ID``, ``:END_ID``, ``:TYPE``, ``weight:int``, ...).

    Each entity gets its class and the kg classes above it as labels (a City is also a Place and an
    Entity), its label as ``name`` (what Neo4j Browser shows); each relation its name as an
    upper-case type (``worksFor`` -> ``WORKS_FOR``), keeping kg's name in ``relation``. Arrays use
    neo4j-admin's default delimiter ``;``, so a ``;`` inside an alias becomes ``,``.

        neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv neo4j
    """
    network = entity_network(rdf)
    flat = _flat_network(network.graph)

    def labels(cls: str) -> str:  # a graph kg did not make has its own classes, which kg's do not include
        return NEO4J_ARRAY_DELIMITER.join(neo4j_labels(cls) if network.made_by_kg else [cls])

    nodes = [
        {"iri": node, "name": data["label"], "class": data["class"],
         "aliases": NEO4J_ARRAY_DELIMITER.join(alias.replace(NEO4J_ARRAY_DELIMITER, ",")
                                               for alias in data["aliases"].split(LIST_SEPARATOR) if alias),
         "documents": data["documents"], "degree": data["degree"], "pagerank": data["pagerank"],
         "community": data["community"], "labels": labels(data["class"])}
        for node, data in flat.nodes(data=True)
    ]
    relationships = [
        {"start": subject, "end": obj, "type": neo4j_type(data["relation"]), "relation": data["relation"],
         "label": data["label"], "verb": data["verb"], "weight": data["weight"], "evidence": data["evidence"],
         "evidence_count": data["evidence_count"], "documents": data["documents"], "factuality": data["factuality"]}
        for subject, obj, data in flat.edges(data=True)
    ]
    return {"nodes.csv": _csv(NEO4J_NODE_HEADER, nodes, header=NEO4J_NODE_HEADER),
            "relationships.csv": _csv(NEO4J_RELATIONSHIP_HEADER, relationships, header=NEO4J_RELATIONSHIP_HEADER)}


def neo4j_labels(cls: str) -> list[str]:
    """A class and the kg classes above it, sorted: Neo4j matches ``(:Place)`` on any of them.

    >>> neo4j_labels("City")
    ['City', 'Entity', 'Place']
    """
    if cls not in ENTITY_CLASSES:  # a class of a graph kg did not make
        return [cls]
    return sorted(name for name in superclasses(cls) if "/" not in name and ":" not in name)


def neo4j_type(relation: str) -> str:
    """Neo4j's convention for relationship types: upper case with underscores.

    >>> neo4j_type("worksFor")
    'WORKS_FOR'
    """
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", relation).upper()


def _csv(columns: Iterable[str], rows: Iterable[dict[str, Any]], *, header: dict[str, str] | None = None) -> bytes:
    """Rows as CSV (``\\n`` line ends, quoted where needed), the header row renamed by ``header``."""
    text = io.StringIO()
    columns = list(columns)
    writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\n")
    writer.writerow({column: (header or {}).get(column, column) for column in columns})
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")


#: What ``kg export --to`` writes, by name.
EXPORT_FORMATS: dict[str, ExportFormat] = {
    each.name: each for each in (
        ExportFormat("graphml", ".graphml", False, EXPORT_PURPOSES["graphml"], graphml),
        ExportFormat("gexf", ".gexf", False, EXPORT_PURPOSES["gexf"], gexf),
        ExportFormat("csv", "csv", True, EXPORT_PURPOSES["csv"],
                     csv_tables),
        ExportFormat("neo4j", "neo4j", True, EXPORT_PURPOSES["neo4j"],
                     neo4j_tables),
        ExportFormat("jsonld", ".jsonld", False, EXPORT_PURPOSES["jsonld"], compact_jsonld),
    )
}


def export_format(name: str) -> ExportFormat:
    """The format called ``name`` (``json-ld`` too), or an error that lists them."""
    found = EXPORT_FORMATS.get(name.lower().replace("json-ld", "jsonld"))
    if found is None:
        raise GraphError(f"unknown export format {name!r}; choose one of: {', '.join(EXPORT_FORMATS)}")
    return found


def default_output(graph_path: Path, name: str) -> Path:
    """Where ``kg export`` writes when not told: next to the graph, ``output/graph.ttl`` giving
    ``output/graph.graphml`` or the folder ``output/csv``; a store folder ``out/store`` gives ``out/store.gexf``."""
    chosen = export_format(name)
    if chosen.is_folder:
        return graph_path.parent / chosen.default_name
    if graph_path.is_dir():
        return graph_path.parent / f"{graph_path.name}{chosen.default_name}"
    return graph_path.with_suffix(chosen.default_name)


def export(rdf: Graph, name: str, out: Path) -> list[Path]:
    """Write the graph in the format called ``name`` to ``out`` (a file, or a folder for ``csv`` and
    ``neo4j``), atomically: every file is replaced together or none is. Returns the files written."""
    chosen = export_format(name)
    if chosen.is_folder and out.is_file():
        raise GraphError(f"{out}: is a file; {chosen.name} is written to a folder of files")
    rendered = chosen.render(rdf)
    targets = ({out / file_name: data for file_name, data in rendered.items()} if isinstance(rendered, dict)
               else {out: rendered})
    with atomic_files() as files:
        for path, data in targets.items():
            files.write(path, data)
    return list(targets)


def export_file(graph_path: Path, name: str, out: Path | None = None) -> list[Path]:
    """Read a graph file or store folder and write it in the format called ``name``, to ``out`` or
    next to it (:func:`default_output`); never over the graph itself. Returns the files written."""
    chosen = export_format(name)
    target = out if out is not None else default_output(graph_path, chosen.name)
    if target.resolve() == graph_path.resolve():
        raise GraphError(f"{target}: would replace the graph itself; give another file with --out")
    return export(load_graph(graph_path), chosen.name, target)
