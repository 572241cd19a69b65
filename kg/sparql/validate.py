"""Check a graph against ``ontology/shapes.ttl`` with pySHACL, and say what is wrong readably.

The ontology is mixed in while validating, so ``sh:class kg:Agent`` accepts a ``kg:Country``
through ``rdfs:subClassOf``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyshacl
from rdflib import RDF, RDFS, BNode, Graph
from rdflib.namespace import SH
from rdflib.term import Node

from kg.namespace import local_name, ontology_path
from kg.sparql.query import display


@dataclass(frozen=True)
class Violation:
    """One way the graph breaks a shape."""

    focus: str
    label: str | None
    path: str | None
    value: str | None
    message: str
    shape: str

    def __str__(self) -> str:
        where = f"{self.focus}" + (f" ({self.label})" if self.label else "")
        path = f" {self.path}" if self.path else ""
        value = f" = {self.value}" if self.value else ""
        return f"{where}{path}{value}: {self.message} [{self.shape}]"


def shapes_path() -> Path:
    return ontology_path().with_name("shapes.ttl")


@lru_cache(maxsize=1)
def _shapes_and_ontology() -> tuple[Graph, Graph]:
    return Graph().parse(shapes_path(), format="turtle"), Graph().parse(ontology_path(), format="turtle")


def validate(graph: Graph) -> list[Violation]:
    """Every violation of kg's shapes in ``graph``; an empty list means the graph is valid."""
    shapes, ontology = _shapes_and_ontology()
    conforms, report, _ = pyshacl.validate(
        graph, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True
    )
    if conforms or not isinstance(report, Graph):
        return []
    violations = [
        _violation(report, graph, shapes, result) for result in report.subjects(RDF.type, SH.ValidationResult)
    ]
    return sorted(violations, key=lambda v: (v.focus, v.path or "", v.message))


def _violation(report: Graph, graph: Graph, shapes: Graph, result: Node) -> Violation:
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    value = report.value(result, SH.value)
    message = report.value(result, SH.resultMessage)
    shape = report.value(result, SH.sourceShape)
    if isinstance(shape, BNode):  # a property shape: name the node shape that holds it
        shape = shapes.value(predicate=SH.property, object=shape) or shape
    label = graph.value(focus, RDFS.label) if focus is not None else None
    return Violation(
        focus=display(focus) or "?",
        label=str(label) if label is not None else None,
        path=display(path) if path is not None and not isinstance(path, (list, tuple)) else None,
        value=display(value),
        message=str(message or "does not conform"),
        shape=local_name(str(shape)) if shape is not None else "?",
    )
